package group

import (
	"fmt"
	"net/http"
	"net/url"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/web"
)

// ShowMinutes shows the minutes of meeting {id}: to the group the current
// text (a form for those who manage it while it is not approved), the
// comments and the approved versions with what each correction changed; to
// the public (a group with a public archive) the latest approved version.
func (h *Handler) ShowMinutes(w http.ResponseWriter, r *http.Request) error {
	return h.renderMinutes(w, r, nil, http.StatusOK)
}

func (h *Handler) renderMinutes(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	m, acc, err := h.meetingOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	mins, err := h.Svc.FindMinutes(ctx, m.ID)
	if err != nil {
		return err
	}
	versions, err := h.Svc.Versions(ctx, m.ID)
	if err != nil {
		return err
	}
	if !acc.View && len(versions) == 0 {
		return apperr.NotFoundErr("minutes")
	}
	var comments []Comment
	if acc.View {
		if comments, err = h.Svc.Comments(ctx, m.ID); err != nil {
			return err
		}
	}
	type versionView struct {
		MinutesVersion
		Diff []DiffLine
	}
	var vv []versionView
	for i, v := range versions {
		x := versionView{MinutesVersion: v}
		if i > 0 {
			x.Diff = Diff(versions[i-1].Body, v.Body)
		}
		vv = append(vv, x)
	}
	body := mins.Body
	shown := mins
	if !acc.View && mins.State != MinutesApproved {
		last := versions[len(versions)-1]
		shown = &Minutes{MeetingID: m.ID, State: MinutesApproved, Version: last.Version, Body: last.Body, ApprovedAt: &last.ApprovedAt}
		body = last.Body
	}
	p := h.R.Page(r, "group.minutes.page", "Group", m.GroupName, "Date", h.l(r).Date(m.StartsAt))
	if acc.View {
		h.crumbs(p).Crumb("/skupiny/"+itoa(m.GroupID), m.GroupName).Crumb("/jednani/"+itoa(m.ID), h.l(r).Date(m.StartsAt))
	} else {
		p.Crumb("/skupiny/"+itoa(m.GroupID)+"/zapisy", h.l(r).T("group.archive.title", "Group", m.GroupName))
	}
	if f == nil {
		f = web.NewForm(url.Values{"body": {mins.Body}})
	}
	p.Form = f
	var draftDiff []DiffLine
	if acc.View && mins.State != MinutesApproved && len(versions) > 0 {
		draftDiff = Diff(versions[len(versions)-1].Body, mins.Body)
	}
	p.Data = map[string]any{"M": m, "Minutes": shown, "HTML": RenderMarkdown(body), "Versions": vv, "Comments": comments, "Acc": acc,
		"CanComment": acc.View && (acc.Member || acc.Manage) && mins.State == MinutesComments, "DraftDiff": draftDiff}
	h.R.Render(w, r, status, "group/minutes", p)
	return nil
}

// SaveMinutes stores the draft text.
func (h *Handler) SaveMinutes(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if _, err := h.Svc.SaveMinutes(r.Context(), id, f.Values.Get("body")); err != nil {
		if f.SetError(h.l(r), err, "body") {
			return h.renderMinutes(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/jednani/"+itoa(id)+"/zapis", "group.flash.minutes_saved")
	return nil
}

// MinutesAction sends the minutes for comments (pripominky), approves
// (schvalit) or opens a correction (opravit).
func (h *Handler) MinutesAction(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	ctx := r.Context()
	flash := ""
	switch r.PathValue("action") {
	case "pripominky":
		_, err = h.Svc.SendMinutesForComments(ctx, id, h.cs())
		flash = "group.flash.minutes_sent"
	case "schvalit":
		_, err = h.Svc.ApproveMinutes(ctx, id, auth.UserFrom(ctx).DisplayName(), f.Values.Get("reason"))
		flash = "group.flash.minutes_approved"
	case "opravit":
		_, err = h.Svc.CorrectMinutes(ctx, id)
		flash = "group.flash.minutes_correcting"
	default:
		return apperr.New(apperr.NotFound, "err.page_not_found")
	}
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
			mins, _ := h.Svc.FindMinutes(ctx, id)
			form := web.NewForm(url.Values{"body": {mins.Body}, "reason": {f.Values.Get("reason")}})
			form.SetError(h.l(r), err, "body", "reason")
			return h.renderMinutes(w, r, form, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/jednani/"+itoa(id)+"/zapis", flash)
	return nil
}

// AddComment records a member's comment on minutes sent for comments.
func (h *Handler) AddComment(w http.ResponseWriter, r *http.Request) error {
	m, acc, err := h.meetingOf(r)
	if err != nil {
		return err
	}
	if !acc.Member && !acc.Manage {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r.Context())
	if err := h.Svc.AddComment(r.Context(), m.ID, u.ID, u.DisplayName(), f.Values.Get("comment")); err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
			mins, _ := h.Svc.FindMinutes(r.Context(), m.ID)
			form := web.NewForm(url.Values{"body": {mins.Body}, "comment": {f.Values.Get("comment")}})
			form.SetError(h.l(r), err, "comment")
			return h.renderMinutes(w, r, form, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/jednani/"+itoa(m.ID)+"/zapis#pripominky", "group.flash.commented")
	return nil
}

// MinutesPDF sends the minutes as a PDF (the public gets the approved version).
func (h *Handler) MinutesPDF(w http.ResponseWriter, r *http.Request) error {
	m, acc, err := h.meetingOf(r)
	if err != nil {
		return err
	}
	b, err := h.Svc.MinutesPDF(r.Context(), m.ID, h.l(r), !acc.View)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="zapis-%s-%s.pdf"`, asciiCode(m.GroupCode), m.StartsAt.In(pragueLoc).Format("2006-01-02")))
	w.Write(b)
	return nil
}

func asciiCode(s string) string {
	out := []rune{}
	for _, r := range s {
		switch {
		case r == 'Ř':
			out = append(out, 'R')
		case r < 128:
			out = append(out, r)
		}
	}
	return string(out)
}

// ShowArchive lists the approved minutes of group {id} (public when the
// group's switch is on).
func (h *Handler) ShowArchive(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	g, err := h.Svc.FindGroupByID(r.Context(), id)
	if err != nil {
		return err
	}
	ms, err := h.Svc.ApprovedMinutes(r.Context(), id)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "group.archive.title", "Group", g.Name)
	p.Data = map[string]any{"G": g, "Meetings": ms}
	h.R.Render(w, r, http.StatusOK, "group/archive", p)
	return nil
}

// ShowPublicGroups lists the groups with a public archive (anyone).
func (h *Handler) ShowPublicGroups(w http.ResponseWriter, r *http.Request) error {
	groups, err := h.Svc.FindGroups(r.Context(), false)
	if err != nil {
		return err
	}
	var pub []Group
	for _, g := range groups {
		if g.PublicMinutes {
			pub = append(pub, g)
		}
	}
	p := h.R.Page(r, "group.public.title")
	p.Data = map[string]any{"Groups": pub}
	h.R.Render(w, r, http.StatusOK, "group/public", p)
	return nil
}

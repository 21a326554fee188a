package group

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

//go:embed templates/*.html i18n/*.json openapi.json
var files embed.FS

// Handler serves the module's pages and API.
type Handler struct {
	Svc      *Service
	R        *web.Renderer
	API      *web.API
	PartnerH *partner.Handler
}

// NewHandler registers the module's templates and messages.
func NewHandler(svc *Service, r *web.Renderer, api *web.API, ph *partner.Handler) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("group", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Svc: svc, R: r, API: api, PartnerH: ph}, nil
}

const formMax = 1 << 20

var all = store.Paging{PerPage: -1}

func (h *Handler) l(r *http.Request) *i18n.Localizer { return h.R.Localizer(r) }

// cs is the language of e-mails to members (the region's language).
func (h *Handler) cs() *i18n.Localizer { return h.R.Catalog.For("cs") }

func (h *Handler) access(r *http.Request, groupID int64) (Access, error) {
	return h.Svc.AccessTo(r.Context(), auth.UserFrom(r.Context()), groupID)
}

func (h *Handler) crumbs(p *web.Page) *web.Page {
	return p.Crumb("/skupiny", p.L.T("group.list.title"))
}

func options(l *i18n.Localizer, prefix string, values ...string) []web.Option {
	out := make([]web.Option, len(values))
	for i, v := range values {
		out[i] = web.Option{Value: v, Label: l.T(prefix + v)}
	}
	return out
}

func id64(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

func yearFrom(r *http.Request, now time.Time) int {
	y, err := strconv.Atoi(r.URL.Query().Get("rok"))
	if err != nil || y < 2000 || y > 2100 {
		return now.In(pragueLoc).Year()
	}
	return y
}

// ---------- groups

// ShowGroupList lists the groups: all to the staff, their own to members.
func (h *Handler) ShowGroupList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	groups, err := h.Svc.FindGroups(ctx, false)
	if err != nil {
		return err
	}
	if !u.IsStaff() {
		mine, err := h.Svc.GroupIDsOf(ctx, u)
		if err != nil {
			return err
		}
		keep := groups[:0]
		for _, g := range groups {
			for _, id := range mine {
				if id == g.ID {
					keep = append(keep, g)
				}
			}
		}
		groups = keep
	}
	tgs, err := h.Svc.Partners.TargetGroupNames(ctx)
	if err != nil {
		return err
	}
	next := map[int64]Meeting{}
	ms, _, err := h.Svc.FindMeetings(ctx, MeetingFilter{From: h.Svc.Now(), Paging: all})
	if err != nil {
		return err
	}
	for _, m := range ms {
		if _, ok := next[m.GroupID]; !ok && m.Open() {
			next[m.GroupID] = m
		}
	}
	p := h.R.Page(r, "group.list.title")
	p.Data = map[string]any{"Groups": groups, "TargetGroups": tgs, "Next": next, "Staff": u.IsStaff()}
	h.R.Render(w, r, http.StatusOK, "group/group_list", p)
	return nil
}

// ShowGroup shows a group: members (and former ones), the year's meetings,
// its latest resolutions and open tasks.
func (h *Handler) ShowGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	g, err := h.Svc.FindGroupByID(ctx, id)
	if err != nil {
		return err
	}
	acc, err := h.access(r, id)
	if err != nil {
		return err
	}
	members, err := h.Svc.FindMembers(ctx, id)
	if err != nil {
		return err
	}
	today := h.Svc.Today()
	var active, former []Member
	for _, m := range members {
		if m.Active(today) {
			active = append(active, m)
		} else {
			former = append(former, m)
		}
	}
	year := yearFrom(r, h.Svc.Now())
	meetings, _, err := h.Svc.FindMeetings(ctx, MeetingFilter{GroupID: id, Year: year, Paging: all})
	if err != nil {
		return err
	}
	tasks, _, err := h.Svc.FindTasks(ctx, TaskFilter{GroupID: id, State: TaskOpen, Paging: all})
	if err != nil {
		return err
	}
	var tg *partner.TargetGroup
	if g.TargetGroupID != nil {
		if tg, err = h.Svc.Partners.FindTargetGroupByID(ctx, *g.TargetGroupID); err != nil {
			return err
		}
	}
	p := h.crumbs(h.R.Page(r, "group.detail", "Name", g.Name))
	p.Title = g.Name
	p.Data = map[string]any{"G": g, "TG": tg, "Active": active, "Former": former, "Meetings": meetings, "Year": year,
		"PrevYear": year - 1, "NextYear": year + 1, "Tasks": tasks, "Acc": acc, "Staff": auth.UserFrom(ctx).IsStaff()}
	h.R.Render(w, r, http.StatusOK, "group/group", p)
	return nil
}

var groupFields = []string{"kind", "name", "target_group_id", "code", "purpose", "quorum_percent", "public_minutes"}

// ShowGroupForm shows the form of a new or an existing group.
func (h *Handler) ShowGroupForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{"kind": {KindWorking}, "quorum_percent": {"50"}}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		g, err := h.Svc.FindGroupByID(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"kind": {g.Kind}, "name": {g.Name}, "code": {g.Code}, "purpose": {g.Purpose},
			"quorum_percent": {strconv.Itoa(g.QuorumPercent)}, "target_group_id": {idStr(g.TargetGroupID)}}
		if g.PublicMinutes {
			vals.Set("public_minutes", "on")
		}
	}
	return h.renderGroupForm(w, r, web.NewForm(vals), http.StatusOK)
}

func idStr(p *int64) string {
	if p == nil {
		return ""
	}
	return itoa(*p)
}

func (h *Handler) renderGroupForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "group.new"
	if r.PathValue("id") != "" {
		title = "group.edit"
	}
	p := h.crumbs(h.R.Page(r, title))
	p.Form = f
	tgs, _, err := h.Svc.Partners.FindTargetGroups(r.Context(), partner.Filter{Paging: all})
	if err != nil {
		return err
	}
	tgOpts := []web.Option{{Value: "", Label: p.L.T("form.none")}}
	for _, t := range tgs {
		tgOpts = append(tgOpts, web.Option{Value: itoa(t.ID), Label: t.Name + " (" + t.Code + ")"})
	}
	p.Data = map[string]any{"Kinds": options(p.L, "group.kind.", Kinds...), "TargetGroups": tgOpts, "ID": r.PathValue("id")}
	h.R.Render(w, r, status, "group/group_form", p)
	return nil
}

// SaveGroup creates or updates a group.
func (h *Handler) SaveGroup(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	q, qerr := strconv.Atoi(f.Get("quorum_percent"))
	g := Group{Kind: f.Get("kind"), Name: f.Get("name"), Code: f.Get("code"), Purpose: f.Values.Get("purpose"), QuorumPercent: q,
		TargetGroupID: f.Int64Ptr("target_group_id"), PublicMinutes: f.Bool("public_minutes")}
	if qerr != nil && f.Get("quorum_percent") != "" {
		g.QuorumPercent = -1
	}
	var saved *Group
	if r.PathValue("id") == "" {
		saved, err = h.Svc.CreateGroup(r.Context(), g)
	} else {
		id, perr := web.PathID(r)
		if perr != nil {
			return perr
		}
		saved, err = h.Svc.UpdateGroup(r.Context(), id, g)
	}
	if err != nil {
		if f.SetError(h.l(r), err, groupFields...) {
			return h.renderGroupForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/skupiny/"+itoa(saved.ID), "flash.saved")
	return nil
}

// ArchiveGroup archives or restores a group.
func (h *Handler) ArchiveGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	archive := r.PathValue("action") == "archivovat"
	if !archive && r.PathValue("action") != "obnovit" {
		return apperr.New(apperr.NotFound, "err.page_not_found")
	}
	if err := h.Svc.SetGroupArchived(r.Context(), id, archive); err != nil {
		return err
	}
	flash := "flash.restored"
	if archive {
		flash = "flash.archived"
	}
	web.Redirect(w, r, "/skupiny/"+itoa(id), flash)
	return nil
}

// ---------- members

var memberFields = []string{"person_id", "role", "organisation_id", "municipality_id", "represents_users", "voting", "joined_on", "left_on", "note"}

// ShowMemberForm shows the form to add a member to group {id}, or to edit
// membership {id} (…/clenstvi/{id}).
func (h *Handler) ShowMemberForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var groupID int64
	vals := url.Values{"role": {RoleMember}, "voting": {"on"}, "joined_on": {h.Svc.Today().String()}}
	editing := strings.HasPrefix(r.URL.Path, "/clenstvi/")
	if editing {
		m, err := h.Svc.FindMemberByID(ctx, id)
		if err != nil {
			return err
		}
		groupID = m.GroupID
		vals = url.Values{"person_id": {itoa(m.PersonID)}, "role": {m.Role}, "organisation_id": {idStr(m.OrganisationID)},
			"municipality_id": {idStr(m.MunicipalityID)}, "joined_on": {m.JoinedOn.String()}, "left_on": {m.LeftOn.String()}, "note": {m.Note}}
		if m.RepresentsUsers {
			vals.Set("represents_users", "on")
		}
		if m.Voting {
			vals.Set("voting", "on")
		}
	} else {
		groupID = id
	}
	return h.renderMemberForm(w, r, web.NewForm(vals), groupID, editing, http.StatusOK)
}

func (h *Handler) renderMemberForm(w http.ResponseWriter, r *http.Request, f *web.Form, groupID int64, editing bool, status int) error {
	ctx := r.Context()
	g, err := h.Svc.FindGroupByID(ctx, groupID)
	if err != nil {
		return err
	}
	title := "group.member.new"
	if editing {
		title = "group.member.edit"
	}
	p := h.crumbs(h.R.Page(r, title)).Crumb("/skupiny/"+itoa(g.ID), g.Name)
	p.Form = f
	people, _, err := h.Svc.Partners.FindPeople(ctx, partner.Filter{Paging: all})
	if err != nil {
		return err
	}
	pOpts := []web.Option{{Value: "", Label: p.L.T("form.none")}}
	for _, pe := range people {
		pOpts = append(pOpts, web.Option{Value: itoa(pe.ID), Label: pe.Name})
	}
	orgs, err := h.PartnerH.OrganisationOptions(r)
	if err != nil {
		return err
	}
	munis, _, err := h.Svc.Partners.FindMunicipalities(ctx, partner.Filter{Paging: all})
	if err != nil {
		return err
	}
	mOpts := []web.Option{{Value: "", Label: p.L.T("form.none")}}
	for _, m := range munis {
		mOpts = append(mOpts, web.Option{Value: itoa(m.ID), Label: m.Name})
	}
	p.Data = map[string]any{"G": g, "People": pOpts, "Roles": options(p.L, "group.role.", Roles...),
		"Orgs": append([]web.Option{{Value: "", Label: p.L.T("form.none")}}, orgs...), "Munis": mOpts, "Editing": editing, "Action": r.URL.Path}
	h.R.Render(w, r, status, "group/member_form", p)
	return nil
}

func parseDate(f *web.Form, name string, fields map[string]bool) store.Date {
	v := f.Get(name)
	if v == "" {
		return store.Date{}
	}
	d, err := store.ParseDate(v)
	if err != nil {
		fields[name] = true
	}
	return d
}

// SaveMember adds a member or saves a membership.
func (h *Handler) SaveMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	bad := map[string]bool{}
	m := Member{Role: f.Get("role"), OrganisationID: f.Int64Ptr("organisation_id"), MunicipalityID: f.Int64Ptr("municipality_id"),
		RepresentsUsers: f.Bool("represents_users"), Voting: f.Bool("voting"), JoinedOn: parseDate(f, "joined_on", bad),
		LeftOn: parseDate(f, "left_on", bad), Note: f.Values.Get("note")}
	if p := f.Int64Ptr("person_id"); p != nil {
		m.PersonID = *p
	}
	editing := strings.HasPrefix(r.URL.Path, "/clenstvi/")
	groupID := id
	var saved *Member
	switch {
	case len(bad) > 0:
		fe := apperr.Fields{}
		for k := range bad {
			fe.Add(k, "group.err.date")
		}
		err = fe.Err()
	case editing:
		var before *Member
		if before, err = h.Svc.FindMemberByID(r.Context(), id); err != nil {
			return err
		}
		groupID = before.GroupID
		m.PersonID = before.PersonID
		saved, err = h.Svc.UpdateMember(r.Context(), id, m)
	default:
		m.GroupID = id
		saved, err = h.Svc.AddMember(r.Context(), m)
	}
	if err != nil {
		if editing && groupID == id {
			if before, ferr := h.Svc.FindMemberByID(r.Context(), id); ferr == nil {
				groupID = before.GroupID
			}
		}
		if f.SetError(h.l(r), err, memberFields...) {
			return h.renderMemberForm(w, r, f, groupID, editing, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/skupiny/"+itoa(saved.GroupID), "flash.saved")
	return nil
}

// EndMember ends a membership today (the history stays).
func (h *Handler) EndMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	m, err := h.Svc.FindMemberByID(r.Context(), id)
	if err != nil {
		return err
	}
	if err := h.Svc.EndMember(r.Context(), id, h.Svc.Today()); err != nil {
		return err
	}
	web.Redirect(w, r, "/skupiny/"+itoa(m.GroupID), "group.flash.member_ended")
	return nil
}

// ---------- places

// ShowPlaceList lists meeting places with their accessibility.
func (h *Handler) ShowPlaceList(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.Svc.FindPlaces(r.Context())
	if err != nil {
		return err
	}
	p := h.crumbs(h.R.Page(r, "group.place.list"))
	p.Data = map[string]any{"Places": ps, "Staff": auth.UserFrom(r.Context()).IsStaff()}
	h.R.Render(w, r, http.StatusOK, "group/place_list", p)
	return nil
}

var placeFields = []string{"name", "address", "wheelchair", "induction_loop", "accessible_toilet", "parking", "public_transport", "note"}

// ShowPlaceForm shows the form of a new or existing place.
func (h *Handler) ShowPlaceForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		pl, err := h.Svc.FindPlaceByID(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"name": {pl.Name}, "address": {pl.Address}, "note": {pl.Note}}
		for k, v := range map[string]bool{"wheelchair": pl.Wheelchair, "induction_loop": pl.InductionLoop, "accessible_toilet": pl.AccessibleToilet,
			"parking": pl.Parking, "public_transport": pl.PublicTransport, "archived": pl.Archived} {
			if v {
				vals.Set(k, "on")
			}
		}
	}
	return h.renderPlaceForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderPlaceForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "group.place.new"
	if r.PathValue("id") != "" {
		title = "group.place.edit"
	}
	p := h.crumbs(h.R.Page(r, title)).Crumb("/mista", h.l(r).T("group.place.list"))
	p.Form = f
	p.Data = map[string]any{"ID": r.PathValue("id")}
	h.R.Render(w, r, status, "group/place_form", p)
	return nil
}

// SavePlace stores a place.
func (h *Handler) SavePlace(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	pl := Place{Name: f.Get("name"), Address: f.Get("address"), Wheelchair: f.Bool("wheelchair"), InductionLoop: f.Bool("induction_loop"),
		AccessibleToilet: f.Bool("accessible_toilet"), Parking: f.Bool("parking"), PublicTransport: f.Bool("public_transport"),
		Note: f.Values.Get("note"), Archived: f.Bool("archived")}
	if r.PathValue("id") != "" {
		if pl.ID, err = web.PathID(r); err != nil {
			return err
		}
	}
	if _, err := h.Svc.SavePlace(r.Context(), pl); err != nil {
		if f.SetError(h.l(r), err, placeFields...) {
			return h.renderPlaceForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/mista", "flash.saved")
	return nil
}

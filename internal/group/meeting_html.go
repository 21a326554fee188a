package group

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/store"
	"kpss/internal/web"
)

// ShowMeetingList lists the meetings of a year of the groups the user sees.
func (h *Handler) ShowMeetingList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	year := yearFrom(r, h.Svc.Now())
	f := MeetingFilter{Year: year, GroupID: id64(r.URL.Query().Get("skupina")), Paging: all}
	if !u.IsStaff() {
		ids, err := h.Svc.GroupIDsOf(ctx, u)
		if err != nil {
			return err
		}
		f.GroupIDs = ids
	}
	ms, _, err := h.Svc.FindMeetings(ctx, f)
	if err != nil {
		return err
	}
	groups, err := h.Svc.FindGroups(ctx, false)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "group.meeting.list", "Year", strconv.Itoa(year))
	gOpts := []web.Option{{Value: "", Label: p.L.T("form.any")}}
	for _, g := range groups {
		gOpts = append(gOpts, web.Option{Value: itoa(g.ID), Label: g.Name})
	}
	p.Data = map[string]any{"Meetings": ms, "Year": year, "PrevYear": year - 1, "NextYear": year + 1, "Groups": gOpts,
		"GroupID": r.URL.Query().Get("skupina")}
	h.R.Render(w, r, http.StatusOK, "group/meeting_list", p)
	return nil
}

// meetingOf reads {id} as a meeting and the caller's access to its group.
func (h *Handler) meetingOf(r *http.Request) (*Meeting, Access, error) {
	id, err := web.PathID(r)
	if err != nil {
		return nil, Access{}, err
	}
	m, err := h.Svc.FindMeetingByID(r.Context(), id)
	if err != nil {
		return nil, Access{}, err
	}
	acc, err := h.access(r, m.GroupID)
	return m, acc, err
}

// ShowMeeting shows a meeting: when and where (with accessibility), the
// agenda, attendance with the quorum, resolutions, registrations and what
// the user may do next.
func (h *Handler) ShowMeeting(w http.ResponseWriter, r *http.Request) error {
	return h.renderMeeting(w, r, nil, http.StatusOK)
}

// candidateLimit is how many open suggestions the agenda form offers to tick;
// older ones are added by their tracking code.
const candidateLimit = 40

func (h *Handler) renderMeeting(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	m, acc, err := h.meetingOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var place *Place
	if m.PlaceID != nil {
		if place, err = h.Svc.FindPlaceByID(ctx, *m.PlaceID); err != nil {
			return err
		}
	}
	agenda, err := h.Svc.Agenda(ctx, m.ID)
	if err != nil {
		return err
	}
	roll, err := h.Svc.Roll(ctx, m)
	if err != nil {
		return err
	}
	res, _, err := h.Svc.FindResolutions(ctx, ResolutionFilter{MeetingID: m.ID, Paging: all})
	if err != nil {
		return err
	}
	var regs []Registration
	if acc.Manage {
		if regs, err = h.Svc.Registrations(ctx, m.ID); err != nil {
			return err
		}
	}
	mins, err := h.Svc.FindMinutes(ctx, m.ID)
	if err != nil {
		return err
	}
	var mailStatus MailStatus
	if acc.Manage && m.InvitedAt != nil {
		if mailStatus, err = h.Svc.OutboxStatus(ctx, m.ID, MailInvitation); err != nil {
			return err
		}
	}
	var myAnswer string
	if acc.Member {
		myAnswer = roll.Attendance[acc.MemberID].Response
	}
	counts := map[string]int{}
	for _, a := range roll.Attendance {
		counts["status_"+a.Status]++
		counts["answer_"+a.Response]++
	}
	p := h.crumbs(h.R.Page(r, "group.meeting.title", "Group", m.GroupName, "Date", h.l(r).Date(m.StartsAt))).Crumb("/skupiny/"+itoa(m.GroupID), m.GroupName)
	if f == nil {
		f = web.NewForm(url.Values{"kind": {ItemText}})
	}
	p.Form = f
	kinds := []string{ItemText, ItemMeasure}
	var picks []web.Option
	var more int
	picker, _ := h.Svc.Suggestions.(SuggestionPicker)
	if picker == nil {
		kinds = []string{ItemText, ItemSuggestion, ItemMeasure}
	} else if acc.Manage && m.State != StateCancelled {
		on := map[int64]bool{}
		for _, it := range agenda {
			if it.Kind == ItemSuggestion && it.RefID != nil {
				on[*it.RefID] = true
			}
		}
		cs, total, err := picker.Candidates(ctx, candidateLimit)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if !on[c.ID] {
				picks = append(picks, web.Option{Value: itoa(c.ID), Label: c.Label()})
			}
		}
		more = total - len(cs)
	}
	p.Data = map[string]any{"M": m, "Place": place, "Agenda": agenda, "Roll": roll, "Resolutions": res, "Regs": regs, "Minutes": mins,
		"Acc": acc, "MyAnswer": myAnswer, "Counts": counts, "Kinds": options(p.L, "group.item.kind.", kinds...),
		"Picker": picker != nil, "Picks": picks, "MorePicks": more, "Mail": mailStatus}
	h.R.Render(w, r, status, "group/meeting", p)
	return nil
}

var meetingFields = []string{"date", "start", "end", "place_id", "capacity", "note"}

// ShowMeetingForm shows the form of a new meeting of group {id} (…/jednani/nove)
// or of meeting {id} (…/upravit).
func (h *Handler) ShowMeetingForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	vals := url.Values{"start": {"15:00"}, "end": {"17:00"}, "capacity": {"0"}}
	groupID := id
	if strings.HasPrefix(r.URL.Path, "/jednani/") {
		m, err := h.Svc.FindMeetingByID(r.Context(), id)
		if err != nil {
			return err
		}
		groupID = m.GroupID
		s, e := m.StartsAt.In(pragueLoc), m.EndsAt.In(pragueLoc)
		vals = url.Values{"date": {s.Format(time.DateOnly)}, "start": {s.Format("15:04")}, "end": {e.Format("15:04")},
			"place_id": {idStr(m.PlaceID)}, "capacity": {strconv.Itoa(m.Capacity)}, "note": {m.Note}}
	}
	return h.renderMeetingForm(w, r, web.NewForm(vals), groupID, http.StatusOK)
}

func (h *Handler) placeOptions(r *http.Request, none string) ([]web.Option, error) {
	ps, err := h.Svc.FindPlaces(r.Context())
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: none}}
	for _, p := range ps {
		if !p.Archived {
			out = append(out, web.Option{Value: itoa(p.ID), Label: p.Name})
		}
	}
	return out, nil
}

func (h *Handler) renderMeetingForm(w http.ResponseWriter, r *http.Request, f *web.Form, groupID int64, status int) error {
	g, err := h.Svc.FindGroupByID(r.Context(), groupID)
	if err != nil {
		return err
	}
	title := "group.meeting.new"
	if strings.HasPrefix(r.URL.Path, "/jednani/") {
		title = "group.meeting.edit"
	}
	p := h.crumbs(h.R.Page(r, title)).Crumb("/skupiny/"+itoa(g.ID), g.Name)
	p.Form = f
	places, err := h.placeOptions(r, p.L.T("form.none"))
	if err != nil {
		return err
	}
	p.Data = map[string]any{"G": g, "Places": places, "Action": r.URL.Path}
	h.R.Render(w, r, status, "group/meeting_form", p)
	return nil
}

// meetingTimes reads date, start and end (Prague time) from a form.
func meetingTimes(f *web.Form, fields apperr.Fields) (time.Time, time.Time) {
	d, err := time.ParseInLocation(time.DateOnly, f.Get("date"), pragueLoc)
	if err != nil {
		fields.Add("date", "group.err.date")
		return time.Time{}, time.Time{}
	}
	if _, err := time.Parse("15:04", f.Get("start")); err != nil {
		fields.Add("start", "group.err.time")
	}
	if _, err := time.Parse("15:04", f.Get("end")); err != nil {
		fields.Add("end", "group.err.time")
	}
	if len(fields) > 0 {
		return time.Time{}, time.Time{}
	}
	return At(d, f.Get("start")).UTC(), At(d, f.Get("end")).UTC()
}

// SaveMeeting creates or updates a meeting.
func (h *Handler) SaveMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	start, end := meetingTimes(f, fields)
	capacity, cerr := strconv.Atoi(f.Get("capacity"))
	if cerr != nil && f.Get("capacity") != "" {
		fields.Add("capacity", "err.number")
	}
	m := Meeting{StartsAt: start, EndsAt: end, PlaceID: f.Int64Ptr("place_id"), Capacity: capacity, Note: f.Values.Get("note")}
	groupID := id
	editing := strings.HasPrefix(r.URL.Path, "/jednani/")
	var saved *Meeting
	if editing {
		before, ferr := h.Svc.FindMeetingByID(r.Context(), id)
		if ferr != nil {
			return ferr
		}
		groupID = before.GroupID
	}
	switch {
	case len(fields) > 0:
		err = fields.Err()
	case editing:
		saved, err = h.Svc.UpdateMeeting(r.Context(), id, m)
	default:
		m.GroupID = id
		saved, err = h.Svc.CreateMeeting(r.Context(), m)
	}
	if err != nil {
		if f.SetError(h.l(r), err, meetingFields...) {
			return h.renderMeetingForm(w, r, f, groupID, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/jednani/"+itoa(saved.ID), "flash.saved")
	return nil
}

// SetMeetingState marks a meeting held or cancelled (form field "state").
func (h *Handler) SetMeetingState(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	m, err := h.Svc.SetMeetingState(r.Context(), id, f.Get("state"))
	if err != nil {
		return err
	}
	flash := "flash.saved"
	if n, err := h.Svc.NotifyCancelled(r.Context(), m, h.cs()); err != nil {
		return err
	} else if n > 0 {
		flash = "group.flash.cancel_sent"
	}
	web.Redirect(w, r, "/jednani/"+itoa(id), flash)
	return nil
}

// ---------- the year's plan

var planFields = []string{"year", "months", "weekday", "week", "start", "minutes", "place_id"}

// ShowPlanForm shows the form that generates a year's meetings of group {id}.
func (h *Handler) ShowPlanForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	y := h.Svc.Now().In(pragueLoc).Year() + 1
	vals := url.Values{"year": {strconv.Itoa(y)}, "months": {"1", "3", "5", "7", "9", "11"}, "weekday": {"2"}, "week": {"1"},
		"start": {"15:00"}, "minutes": {"120"}}
	return h.renderPlanForm(w, r, web.NewForm(vals), id, http.StatusOK)
}

func (h *Handler) renderPlanForm(w http.ResponseWriter, r *http.Request, f *web.Form, groupID int64, status int) error {
	g, err := h.Svc.FindGroupByID(r.Context(), groupID)
	if err != nil {
		return err
	}
	p := h.crumbs(h.R.Page(r, "group.plan.title", "Group", g.Name)).Crumb("/skupiny/"+itoa(g.ID), g.Name)
	p.Form = f
	places, err := h.placeOptions(r, p.L.T("form.none"))
	if err != nil {
		return err
	}
	var months, weekdays []web.Option
	for i := 1; i <= 12; i++ {
		months = append(months, web.Option{Value: strconv.Itoa(i), Label: p.L.T(fmt.Sprintf("group.month.%d", i))})
	}
	for i := 1; i <= 6; i++ {
		weekdays = append(weekdays, web.Option{Value: strconv.Itoa(i), Label: p.L.T(fmt.Sprintf("group.weekday.%d", i))})
	}
	weeks := options(p.L, "group.week.", "1", "2", "3", "4", "-1")
	p.Data = map[string]any{"G": g, "Places": places, "Months": months, "Weekdays": weekdays, "Weeks": weeks}
	h.R.Render(w, r, status, "group/plan_form", p)
	return nil
}

// GeneratePlan creates the year's planned meetings.
func (h *Handler) GeneratePlan(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	in := PlanInput{GroupID: id, Start: f.Get("start"), PlaceID: f.Int64Ptr("place_id")}
	in.Year, _ = strconv.Atoi(f.Get("year"))
	wd, _ := strconv.Atoi(f.Get("weekday"))
	in.Weekday = time.Weekday(wd)
	in.Week, _ = strconv.Atoi(f.Get("week"))
	in.Minutes, _ = strconv.Atoi(f.Get("minutes"))
	for _, m := range f.Int64s("months") {
		in.Months = append(in.Months, int(m))
	}
	ms, err := h.Svc.GeneratePlan(r.Context(), in)
	if err != nil {
		if f.SetError(h.l(r), err, planFields...) {
			return h.renderPlanForm(w, r, f, id, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Flash(w, "group.flash.planned")
	_ = ms
	http.Redirect(w, r, fmt.Sprintf("/skupiny/%d?rok=%d", id, in.Year), http.StatusSeeOther)
	return nil
}

// ---------- agenda

// AddItem adds an agenda item to meeting {id}.
func (h *Handler) AddItem(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	flash := "group.flash.item_added"
	if picker, ok := h.Svc.Suggestions.(SuggestionPicker); ok && f.Get("kind") == ItemSuggestion {
		// Ticked suggestions and tracking codes typed in (any separator).
		ids := f.Int64s("suggestion_ids")
		fields := apperr.Fields{}
		for _, code := range strings.FieldsFunc(f.Get("codes"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
			c, err := picker.ByCode(r.Context(), code)
			if apperr.CodeOf(err) == apperr.NotFound {
				fields.Add("codes", "group.err.suggestion_code", "Code", code)
				break
			} else if err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		err = fields.Err()
		if err == nil {
			var added []AgendaItem
			added, err = h.Svc.AddSuggestionItems(r.Context(), id, ids)
			if err == nil && len(added) == 0 {
				flash = "group.flash.suggestions_already"
			}
		}
	} else {
		it := AgendaItem{MeetingID: id, Kind: f.Get("kind"), RefID: f.Int64Ptr("ref_id"), Title: f.Get("title"), Body: f.Values.Get("body")}
		if it.Kind == "" {
			it.Kind = ItemText
		}
		_, err = h.Svc.AddItem(r.Context(), it)
	}
	if err != nil {
		if f.SetError(h.l(r), err, "title", "kind", "ref_id", "body", "suggestion_ids", "codes") {
			return h.renderMeeting(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Flash(w, flash)
	http.Redirect(w, r, "/jednani/"+itoa(id)+"#program", http.StatusSeeOther)
	return nil
}

// ChangeItem moves (nahoru/dolu), removes (smazat) or carries over
// (presunout) agenda item {id}.
func (h *Handler) ChangeItem(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	it, err := findItem(ctx, h.Svc.DB, id)
	if err != nil {
		return err
	}
	flash := "flash.saved"
	switch r.PathValue("action") {
	case "nahoru", "dolu":
		err = h.Svc.MoveItem(ctx, id, r.PathValue("action") == "nahoru")
	case "smazat":
		err, flash = h.Svc.RemoveItem(ctx, id), "group.flash.item_removed"
	case "presunout":
		_, err = h.Svc.CarryOver(ctx, id)
		flash = "group.flash.item_carried"
	default:
		return apperr.New(apperr.NotFound, "err.page_not_found")
	}
	if err != nil {
		return err
	}
	web.Flash(w, flash)
	http.Redirect(w, r, "/jednani/"+itoa(it.MeetingID)+"#program", http.StatusSeeOther)
	return nil
}

// ---------- attendance

// ShowAttendanceForm shows the attendance sheet of meeting {id}.
func (h *Handler) ShowAttendanceForm(w http.ResponseWriter, r *http.Request) error {
	m, _, err := h.meetingOf(r)
	if err != nil {
		return err
	}
	roll, err := h.Svc.Roll(r.Context(), m)
	if err != nil {
		return err
	}
	vals := url.Values{}
	for _, mem := range roll.Members {
		st := roll.Attendance[mem.ID].Status
		if st == "" {
			switch roll.Attendance[mem.ID].Response {
			case AnswerExcused:
				st = Excused
			default:
				st = Present
			}
		}
		vals.Set("a"+itoa(mem.ID), st)
	}
	return h.renderAttendance(w, r, m, roll, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderAttendance(w http.ResponseWriter, r *http.Request, m *Meeting, roll *Roll, f *web.Form, status int) error {
	p := h.crumbs(h.R.Page(r, "group.attendance.form")).Crumb("/skupiny/"+itoa(m.GroupID), m.GroupName).Crumb("/jednani/"+itoa(m.ID), h.l(r).Date(m.StartsAt))
	p.Form = f
	p.Data = map[string]any{"M": m, "Roll": roll, "Statuses": []string{Present, Excused, Absent}}
	h.R.Render(w, r, status, "group/attendance_form", p)
	return nil
}

// SaveAttendance stores the attendance sheet and any guest.
func (h *Handler) SaveAttendance(w http.ResponseWriter, r *http.Request) error {
	m, _, err := h.meetingOf(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	status := map[int64]string{}
	for k, v := range f.Values {
		if strings.HasPrefix(k, "a") {
			if id, err := strconv.ParseInt(k[1:], 10, 64); err == nil && len(v) > 0 {
				status[id] = v[0]
			}
		}
	}
	guests := []Guest{{Name: f.Get("guest_name"), Affiliation: f.Get("guest_affiliation")}}
	if err := h.Svc.RecordAttendance(r.Context(), m.ID, status, guests); err != nil {
		if f.SetError(h.l(r), err, "guest_name") {
			roll, rerr := h.Svc.Roll(r.Context(), m)
			if rerr != nil {
				return rerr
			}
			return h.renderAttendance(w, r, m, roll, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/jednani/"+itoa(m.ID), "group.flash.attendance_saved")
	return nil
}

// ---------- invitations and answers

// SendInvitations queues the invitations of meeting {id}; the page shows
// how their delivery goes.
func (h *Handler) SendInvitations(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	res, err := h.Svc.SendInvitations(r.Context(), id, h.cs())
	if err != nil {
		return err
	}
	flash := "group.flash.invited"
	if len(res.NoAddress) > 0 {
		flash = "group.flash.invited_some"
	}
	web.Redirect(w, r, "/jednani/"+itoa(id), flash)
	return nil
}

// RetryMail queues the failed e-mails of meeting {id} again.
func (h *Handler) RetryMail(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if _, err := h.Svc.RetryFailed(r.Context(), id); err != nil {
		return err
	}
	web.Redirect(w, r, "/jednani/"+itoa(id), "group.flash.retry")
	return nil
}

// AnswerAsMember records the signed-in member's answer on the meeting page.
func (h *Handler) AnswerAsMember(w http.ResponseWriter, r *http.Request) error {
	m, acc, err := h.meetingOf(r)
	if err != nil {
		return err
	}
	if !acc.Member {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if err := h.Svc.AnswerAsMember(r.Context(), m.ID, acc.MemberID, f.Get("answer")); err != nil {
		return err
	}
	web.Redirect(w, r, "/jednani/"+itoa(m.ID), "group.flash.answered")
	return nil
}

// ShowAnswer is the page an invitation link opens: it shows the meeting and
// asks for the answer (a GET never changes anything).
func (h *Handler) ShowAnswer(w http.ResponseWriter, r *http.Request) error {
	m, mem, att, err := h.Svc.InvitationByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	var place *Place
	if m.PlaceID != nil {
		place, _ = h.Svc.FindPlaceByID(r.Context(), *m.PlaceID)
	}
	p := h.R.Page(r, "group.answer.title")
	p.NoIndex = true
	p.Data = map[string]any{"M": m, "Member": mem, "Att": att, "Place": place, "Suggested": r.URL.Query().Get("odpoved"), "Token": r.PathValue("token")}
	h.R.Render(w, r, http.StatusOK, "group/answer", p)
	return nil
}

// SaveAnswer records the answer of an invitation link.
func (h *Handler) SaveAnswer(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	token := r.PathValue("token")
	if _, err := h.Svc.Answer(r.Context(), token, f.Get("answer")); err != nil {
		return err
	}
	web.Redirect(w, r, "/odpoved/"+url.PathEscape(token), "group.flash.answered")
	return nil
}

// ---------- registrations of non-members

var regFields = []string{"name", "email", "kind"}

// ShowRegistrationForm shows the public sign-up form of meeting {id}.
func (h *Handler) ShowRegistrationForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderRegistration(w, r, web.NewForm(url.Values{"kind": {RegUser}}), http.StatusOK)
}

func (h *Handler) renderRegistration(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	m, err := h.Svc.FindMeetingByID(r.Context(), id)
	if err != nil {
		return err
	}
	if !m.Open() || m.Capacity <= 0 {
		return apperr.New(apperr.NotFound, "group.err.no_registration")
	}
	regs, err := h.Svc.Registrations(r.Context(), id)
	if err != nil {
		return err
	}
	confirmed := 0
	for _, rg := range regs {
		if rg.State == RegConfirmed {
			confirmed++
		}
	}
	var place *Place
	if m.PlaceID != nil {
		place, _ = h.Svc.FindPlaceByID(r.Context(), *m.PlaceID)
	}
	p := h.R.Page(r, "group.registration.title", "Group", m.GroupName)
	p.Form = f
	p.Data = map[string]any{"M": m, "Place": place, "Free": max(m.Capacity-confirmed, 0), "Kinds": options(p.L, "group.registration.kind.", RegUser, RegCarer, RegOther)}
	h.R.Render(w, r, status, "group/registration", p)
	return nil
}

// SaveRegistration signs a non-member up.
func (h *Handler) SaveRegistration(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if f.Get("website") != "" { // honeypot
		return apperr.New(apperr.Invalid, "err.invalid")
	}
	reg, err := h.Svc.Register(r.Context(), Registration{MeetingID: id, Name: f.Get("name"), Email: f.Get("email"), Kind: f.Get("kind")})
	if err != nil {
		if f.SetError(h.l(r), err, regFields...) {
			return h.renderRegistration(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	flash := "group.flash.registered"
	if reg.State == RegWaitlisted {
		flash = "group.flash.waitlisted"
	}
	web.Redirect(w, r, "/prihlaska/"+url.PathEscape(reg.Token), flash)
	return nil
}

// ShowRegistration shows a registration by its link, with the cancel button.
func (h *Handler) ShowRegistration(w http.ResponseWriter, r *http.Request) error {
	reg, err := h.Svc.RegistrationByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	m, err := h.Svc.FindMeetingByID(r.Context(), reg.MeetingID)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "group.registration.yours")
	p.NoIndex = true
	p.Data = map[string]any{"Reg": reg, "M": m, "Token": r.PathValue("token")}
	h.R.Render(w, r, http.StatusOK, "group/registration_view", p)
	return nil
}

// CancelRegistration cancels a registration by its link.
func (h *Handler) CancelRegistration(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if _, err := h.Svc.CancelRegistration(r.Context(), 0, token); err != nil {
		return err
	}
	web.Redirect(w, r, "/prihlaska/"+url.PathEscape(token), "group.flash.registration_cancelled")
	return nil
}

// CancelRegistrationByStaff cancels registration {id} from the meeting page.
func (h *Handler) CancelRegistrationByStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var mid int64
	if err := h.Svc.DB.QueryRow(r.Context(), `SELECT meeting_id FROM meeting_registrations WHERE id = ?`, id).Scan(&mid); err != nil {
		return store.AppError(store.MapError(err), "registration")
	}
	if _, err := h.Svc.CancelRegistration(r.Context(), id, ""); err != nil {
		return err
	}
	web.Redirect(w, r, "/jednani/"+itoa(mid)+"#prihlasky", "group.flash.registration_cancelled")
	return nil
}

// ---------- calendar feeds

func (h *Handler) writeICS(w http.ResponseWriter, r *http.Request, name string, ms []Meeting) error {
	var buf bytes.Buffer
	if err := h.Svc.WriteFeed(r.Context(), &buf, name, ms, h.l(r)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(buf.Bytes())
	return nil
}

// GroupFeed is the iCalendar feed of group {id}.
func (h *Handler) GroupFeed(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	g, err := h.Svc.FindGroupByID(r.Context(), id)
	if err != nil {
		return err
	}
	ms, _, err := h.Svc.FindMeetings(r.Context(), MeetingFilter{GroupID: id, From: h.Svc.Now().AddDate(-1, 0, 0), Paging: all})
	if err != nil {
		return err
	}
	return h.writeICS(w, r, g.Name, ms)
}

// AllFeed is the iCalendar feed of every meeting the caller may see: the
// public groups' for everyone, all for the staff, their groups' for members.
func (h *Handler) AllFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	f := MeetingFilter{From: h.Svc.Now().AddDate(-1, 0, 0), Paging: all}
	var ms []Meeting
	switch {
	case u.IsStaff():
		var err error
		if ms, _, err = h.Svc.FindMeetings(ctx, f); err != nil {
			return err
		}
	default:
		pf := f
		pf.Public = true
		pub, _, err := h.Svc.FindMeetings(ctx, pf)
		if err != nil {
			return err
		}
		ms = pub
		if u != nil {
			ids, err := h.Svc.GroupIDsOf(ctx, u)
			if err != nil {
				return err
			}
			if len(ids) > 0 {
				mf := f
				mf.GroupIDs = ids
				mine, _, err := h.Svc.FindMeetings(ctx, mf)
				if err != nil {
					return err
				}
				seen := map[int64]bool{}
				for _, m := range ms {
					seen[m.ID] = true
				}
				for _, m := range mine {
					if !seen[m.ID] {
						ms = append(ms, m)
					}
				}
			}
		}
	}
	return h.writeICS(w, r, h.l(r).T("group.feed.all"), ms)
}

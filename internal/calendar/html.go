package calendar

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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

//go:embed templates/*.html templates/shared.tmpl i18n/*.json openapi.json
var files embed.FS

// Handler serves the calendar's pages, feeds and API.
type Handler struct {
	Svc     *Service
	R       *web.Renderer
	BaseURL string
}

// NewHandler registers the module's templates and messages.
func NewHandler(svc *Service, r *web.Renderer, baseURL string) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	pages, err := withShared(files, "templates", "templates/shared.tmpl")
	if err != nil {
		return nil, err
	}
	if err := r.Register("calendar", pages, "."); err != nil {
		return nil, err
	}
	return &Handler{Svc: svc, R: r, BaseURL: baseURL}, nil
}

const formMax = 1 << 20

// View is an item with its texts for the pages.
type View struct {
	Item
	When, Time, CategoryLabel, AccessLabel string
}

func view(l *i18n.Localizer, it Item) View {
	v := View{Item: it, CategoryLabel: l.T("calendar.category." + it.Category), AccessLabel: l.T("calendar.access." + it.Accessibility)}
	start, end := it.Start.In(Prague), it.End.In(Prague)
	switch {
	case it.AllDay && it.MultiDay():
		v.When = l.Date(start) + " – " + l.Date(end)
		v.Time = l.T("calendar.all_day")
	case it.AllDay:
		v.When = l.Date(start) + " (" + l.T("calendar.all_day") + ")"
		v.Time = l.T("calendar.all_day")
	case it.MultiDay():
		v.When = l.Date(start) + " " + start.Format("15:04") + " – " + l.Date(end) + " " + end.Format("15:04")
		v.Time = start.Format("15:04")
	case it.HasEnd():
		v.When = l.Date(start) + " " + start.Format("15:04") + "–" + end.Format("15:04")
		v.Time = start.Format("15:04") + "–" + end.Format("15:04")
	default:
		v.When = l.Date(start) + " " + start.Format("15:04")
		v.Time = start.Format("15:04")
	}
	return v
}

func views(l *i18n.Localizer, items []Item) []View {
	out := make([]View, len(items))
	for i, it := range items {
		out[i] = view(l, it)
	}
	return out
}

func categoryOptions(l *i18n.Localizer, anyKey string) []web.Option {
	var out []web.Option
	if anyKey != "" {
		out = append(out, web.Option{Value: "", Label: l.T(anyKey)})
	}
	for _, c := range Categories {
		out = append(out, web.Option{Value: c, Label: l.T("calendar.category." + c)})
	}
	return out
}

func (h *Handler) category(r *http.Request) (string, error) {
	c := r.URL.Query().Get("kategorie")
	if c != "" && !slices.Contains(Categories, c) {
		return "", apperr.New(apperr.NotFound, "err.page_not_found")
	}
	return c, nil
}

func (h *Handler) page(r *http.Request, title string, args ...any) *web.Page {
	p := h.R.Page(r, title, args...)
	if title != "calendar.title" {
		p.Crumb("/kalendar", p.L.T("calendar.title"))
	}
	return p
}

// ShowMonth shows the month grid (?mesic=2026-11, ?kategorie=…).
func (h *Handler) ShowMonth(w http.ResponseWriter, r *http.Request) error {
	cat, err := h.category(r)
	if err != nil {
		return err
	}
	now := h.Svc.Now().In(Prague)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, Prague)
	if m := r.URL.Query().Get("mesic"); m != "" {
		t, err := time.ParseInLocation("2006-01", m, Prague)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			return apperr.New(apperr.NotFound, "err.page_not_found")
		}
		first = t
	}
	grid := BuildMonth(first, now, nil)
	from := grid.Weeks[0].Days[0].Date
	to := grid.Weeks[len(grid.Weeks)-1].Days[6].Date.AddDate(0, 0, 1)
	items, errs, err := h.Svc.PublicItems(r.Context(), from, to, cat)
	if err != nil {
		return err
	}
	for _, e := range errs {
		h.R.Log.Warn("calendar: event source failed", "err", e)
	}
	grid = BuildMonth(first, now, items)
	p := h.page(r, "calendar.title")
	l := p.L
	type cellView struct {
		Cell
		Label string
		Views []View
	}
	type weekView struct {
		Label string
		Days  []cellView
	}
	var weeks []weekView
	var monthItems []View
	for _, wk := range grid.Weeks {
		wv := weekView{Label: l.T("calendar.week", "N", wk.Number)}
		for _, c := range wk.Days {
			cv := cellView{Cell: c, Label: l.T(fmt.Sprintf("calendar.weekday.%d", (int(c.Date.Weekday())+6)%7+1)) + " " + l.Date(c.Date), Views: views(l, c.Items)}
			wv.Days = append(wv.Days, cv)
		}
		weeks = append(weeks, wv)
	}
	for _, it := range items {
		if !it.End.Before(first) && it.Start.Before(grid.Next) {
			monthItems = append(monthItems, view(l, it))
		}
	}
	var weekdays []map[string]string
	for i := 1; i <= 7; i++ {
		weekdays = append(weekdays, map[string]string{"Short": l.T(fmt.Sprintf("calendar.weekday_short.%d", i)), "Long": l.T(fmt.Sprintf("calendar.weekday.%d", i))})
	}
	monthName := func(t time.Time) string {
		return l.T(fmt.Sprintf("calendar.month.%d", t.Month())) + " " + strconv.Itoa(t.Year())
	}
	q := func(t time.Time) string {
		v := url.Values{"mesic": {t.Format("2006-01")}}
		if cat != "" {
			v.Set("kategorie", cat)
		}
		return "/kalendar?" + v.Encode()
	}
	p.Data = map[string]any{"Month": monthName(first), "Weeks": weeks, "Weekdays": weekdays, "Items": monthItems,
		"PrevURL": q(grid.Prev), "PrevLabel": monthName(grid.Prev), "NextURL": q(grid.Next), "NextLabel": monthName(grid.Next),
		"Categories": categoryOptions(l, "calendar.category.any"), "Category": cat, "Feeds": h.feeds(l),
		"CanSubmit": canSubmit(auth.UserFrom(r.Context())), "MonthValue": first.Format("2006-01")}
	p.Wide = true
	h.R.Render(w, r, http.StatusOK, "calendar/month", p)
	return nil
}

func canSubmit(u *auth.User) bool {
	return u.IsStaff() || (u.Is(auth.RoleProvider) && u.OrganisationID != nil)
}

type feedLink struct{ URL, Label string }

func (h *Handler) feeds(l *i18n.Localizer) []feedLink {
	out := []feedLink{{"/kalendar.ics", l.T("calendar.feed.all")}}
	for _, c := range Categories {
		out = append(out, feedLink{"/kalendar/" + c + ".ics", l.T("calendar.category." + c)})
	}
	return out
}

func (h *Handler) targetGroupOptions(r *http.Request, anyKey string) ([]web.Option, error) {
	gs, _, err := h.Svc.Partners.FindTargetGroups(r.Context(), partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	var out []web.Option
	if anyKey != "" {
		out = append(out, web.Option{Value: "", Label: h.R.Localizer(r).T(anyKey)})
	}
	for _, g := range gs {
		out = append(out, web.Option{Value: strconv.FormatInt(g.ID, 10), Label: g.Name})
	}
	return out, nil
}

// ShowList lists the coming events (?kategorie, ?skupina, ?q), paged.
func (h *Handler) ShowList(w http.ResponseWriter, r *http.Request) error {
	return h.showList(w, r, false)
}

// ShowArchive lists the past events, newest first.
func (h *Handler) ShowArchive(w http.ResponseWriter, r *http.Request) error {
	return h.showList(w, r, true)
}

func (h *Handler) showList(w http.ResponseWriter, r *http.Request, archive bool) error {
	cat, err := h.category(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := Filter{Category: cat, Q: q.Get("q"), Paging: web.PagingFrom(r)}
	f.TargetGroupID, _ = strconv.ParseInt(q.Get("skupina"), 10, 64)
	today := Day(h.Svc.Now())
	if archive {
		f.EndsBefore, f.Newest = today, true
	} else {
		f.From = today
	}
	evs, total, err := h.Svc.FindEvents(r.Context(), f)
	if err != nil {
		return err
	}
	title := "calendar.list.title"
	if archive {
		title = "calendar.archive.title"
	}
	p := h.page(r, title)
	items := make([]Item, len(evs))
	for i, e := range evs {
		items[i] = e.Item()
	}
	groups, err := h.targetGroupOptions(r, "calendar.group.any")
	if err != nil {
		return err
	}
	// Other modules' coming events join the first page of the list.
	if !archive && f.Page == 1 && f.Q == "" && f.TargetGroupID == 0 {
		all, errs, err := h.Svc.PublicItems(r.Context(), today, today.AddDate(0, 3, 0), cat)
		if err != nil {
			return err
		}
		for _, e := range errs {
			h.R.Log.Warn("calendar: event source failed", "err", e)
		}
		for _, it := range all {
			if it.ID == 0 {
				items = append(items, it)
				total++ // the count says what the page shows
			}
		}
		sortItems(items)
	}
	p.Data = map[string]any{"Items": views(p.L, items), "Pager": web.NewPager(r, f.Paging, total), "Archive": archive,
		"Categories": categoryOptions(p.L, "calendar.category.any"), "Groups": groups, "Category": cat, "Group": q.Get("skupina"), "Q": f.Q,
		"Feeds": h.feeds(p.L), "CanSubmit": canSubmit(auth.UserFrom(r.Context()))}
	h.R.Render(w, r, http.StatusOK, "calendar/list", p)
	return nil
}

func sortItems(items []Item) {
	slices.SortStableFunc(items, func(a, b Item) int { return a.Start.Compare(b.Start) })
}

// ShowEvent shows one event; a pending or rejected one only to staff and
// its own provider, with the approval buttons for staff.
func (h *Handler) ShowEvent(w http.ResponseWriter, r *http.Request) error {
	return h.renderEvent(w, r, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderEvent(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r.Context())
	ev, err := h.Svc.FindEventFor(r.Context(), u, id)
	if err != nil {
		return err
	}
	p := h.page(r, "calendar.event.title", "Title", ev.Title)
	p.Form = f
	if ev.State != StateApproved {
		p.NoIndex = true
	}
	p.Data = map[string]any{"E": ev, "V": view(p.L, ev.Item()), "CanEdit": CanManage(u, ev), "CanDecide": u.IsStaff() && ev.State == StatePending}
	h.R.Render(w, r, status, "calendar/event", p)
	return nil
}

// ShowManage lists the events to look after: every event for staff (pending
// first), the organisation's own for a provider.
func (h *Handler) ShowManage(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	f := Filter{States: []string{StatePending, StateApproved, StateRejected}, Newest: true, Paging: web.PagingFrom(r)}
	state := r.URL.Query().Get("stav")
	if slices.Contains([]string{StatePending, StateApproved, StateRejected}, state) {
		f.States = []string{state}
	} else if state == "" && u.IsStaff() {
		state = StatePending
		f.States = []string{StatePending}
	}
	if !u.IsStaff() {
		if u.OrganisationID == nil {
			return apperr.New(apperr.Forbidden, "err.forbidden")
		}
		f.OrganisationID = *u.OrganisationID
	}
	evs, total, err := h.Svc.FindEvents(r.Context(), f)
	if err != nil {
		return err
	}
	p := h.page(r, "calendar.manage.title")
	p.NoIndex = true
	type row struct {
		E Event
		V View
	}
	rows := make([]row, len(evs))
	for i, e := range evs {
		rows[i] = row{e, view(p.L, e.Item())}
	}
	p.Data = map[string]any{"Rows": rows, "Pager": web.NewPager(r, f.Paging, total), "State": state, "Staff": u.IsStaff(),
		"States": []string{StatePending, StateApproved, StateRejected}}
	h.R.Render(w, r, http.StatusOK, "calendar/manage", p)
	return nil
}

var eventFields = []string{"title", "category", "organisation_id", "start_date", "start_time", "end_date", "end_time", "all_day", "place", "accessibility", "accessibility_note", "target_group_ids", "description", "web"}

// ShowEventForm shows the form for a new event or for event {id}.
func (h *Handler) ShowEventForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{"accessibility": {"unknown"}}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		u := auth.UserFrom(r.Context())
		ev, err := h.Svc.FindEventFor(r.Context(), u, id)
		if err != nil {
			return err
		}
		if !CanManage(u, ev) {
			return apperr.New(apperr.Forbidden, "err.forbidden")
		}
		vals = eventValues(ev)
	}
	return h.renderForm(w, r, web.NewForm(vals), http.StatusOK)
}

func eventValues(ev *Event) url.Values {
	s, e := ev.Start.In(Prague), ev.End.In(Prague)
	v := url.Values{"title": {ev.Title}, "category": {ev.Category}, "place": {ev.Place}, "accessibility": {ev.Accessibility},
		"accessibility_note": {ev.AccessibilityNote}, "description": {ev.Description}, "web": {ev.Web},
		"start_date": {s.Format(time.DateOnly)}, "end_date": {e.Format(time.DateOnly)}}
	if ev.OrganisationID != nil {
		v.Set("organisation_id", strconv.FormatInt(*ev.OrganisationID, 10))
	}
	if ev.AllDay {
		v.Set("all_day", "on")
	} else {
		v.Set("start_time", s.Format("15:04"))
		if ev.End.After(ev.Start) {
			v.Set("end_time", e.Format("15:04"))
		}
	}
	for _, g := range ev.TargetGroupIDs {
		v.Add("target_group_ids", strconv.FormatInt(g, 10))
	}
	return v
}

func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "calendar.new"
	if r.PathValue("id") != "" {
		title = "calendar.edit"
	}
	p := h.page(r, title)
	p.Form = f
	p.NoIndex = true
	u := auth.UserFrom(r.Context())
	l := p.L
	access := []web.Option{}
	for _, a := range Accessibilities {
		access = append(access, web.Option{Value: a, Label: l.T("calendar.access." + a)})
	}
	groups, err := h.targetGroupOptions(r, "")
	if err != nil {
		return err
	}
	data := map[string]any{"ID": r.PathValue("id"), "Categories": categoryOptions(l, "form.none"), "Access": access, "Groups": groups, "Staff": u.IsStaff()}
	if u.IsStaff() {
		os, _, err := h.Svc.Partners.FindOrganisations(r.Context(), partner.Filter{Paging: store.Paging{PerPage: -1}})
		if err != nil {
			return err
		}
		orgs := []web.Option{{Value: "", Label: l.T("calendar.organiser.kpss")}}
		for _, o := range os {
			orgs = append(orgs, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
		}
		data["Orgs"] = orgs
	} else if u.OrganisationID != nil {
		if o, err := h.Svc.Partners.FindOrganisationByID(r.Context(), *u.OrganisationID); err == nil {
			data["OwnOrg"] = o.Name
		}
	}
	p.Data = data
	h.R.Render(w, r, status, "calendar/form", p)
	return nil
}

// parseEvent reads the form into an event; date and time problems are
// collected in fields.
func parseEvent(f *web.Form, fields apperr.Fields) Event {
	ev := Event{Title: f.Get("title"), Category: f.Get("category"), OrganisationID: f.Int64Ptr("organisation_id"), Place: f.Get("place"),
		Accessibility: f.Get("accessibility"), AccessibilityNote: f.Get("accessibility_note"), Description: strings.TrimSpace(f.Values.Get("description")),
		Web: f.Get("web"), AllDay: f.Bool("all_day"), TargetGroupIDs: f.Int64s("target_group_ids")}
	date := func(name string) time.Time {
		v := f.Get(name)
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, v, Prague)
		if err != nil {
			// Czech writing "22. 11. 2026" is accepted too.
			t, err = time.ParseInLocation("2. 1. 2006", strings.Join(strings.Fields(strings.ReplaceAll(v, ".", ". ")), " "), Prague)
		}
		if err != nil {
			fields.Add(name, "calendar.err.date")
			return time.Time{}
		}
		return t
	}
	clock := func(day time.Time, name string, required bool) time.Time {
		v := strings.ReplaceAll(f.Get(name), ".", ":")
		if v == "" {
			if required {
				fields.Add(name, "calendar.err.time_required")
			}
			return time.Time{}
		}
		t, err := time.Parse("15:04", v)
		if err != nil {
			fields.Add(name, "calendar.err.time")
			return time.Time{}
		}
		return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, Prague)
	}
	start, end := date("start_date"), date("end_date")
	if start.IsZero() && fields["start_date"].Key == "" {
		fields.Add("start_date", "err.required")
	}
	if end.IsZero() {
		end = start
	}
	if start.IsZero() {
		return ev
	}
	if ev.AllDay {
		ev.Start, ev.End = start, end
		return ev
	}
	ev.Start = clock(start, "start_time", true)
	ev.End = clock(end, "end_time", false)
	if ev.End.IsZero() && f.Get("end_date") != "" && f.Get("end_date") != f.Get("start_date") {
		fields.Add("end_time", "calendar.err.time_required")
	}
	return ev
}

// SaveEvent creates or updates an event from the form.
func (h *Handler) SaveEvent(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r.Context())
	fields := apperr.Fields{}
	ev := parseEvent(f, fields)
	var saved *Event
	if err = fields.Err(); err != nil {
		// Show every problem at once, not only the dates.
		if verr := ev.Validate(); verr != nil {
			ve, _ := apperr.As(verr)
			for k, v := range ve.Fields {
				if _, ok := fields[k]; !ok && k != "start_date" {
					fields[k] = v
				}
			}
			err = fields.Err()
		}
	} else if r.PathValue("id") == "" {
		saved, err = h.Svc.SubmitEvent(r.Context(), u, ev)
	} else {
		id, perr := web.PathID(r)
		if perr != nil {
			return perr
		}
		saved, err = h.Svc.UpdateEvent(r.Context(), u, id, ev)
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid && f.SetError(h.R.Localizer(r), err, eventFields...) {
			return h.renderForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	flash := "flash.saved"
	if saved.State == StatePending {
		flash = "calendar.flash.submitted"
	}
	web.Redirect(w, r, "/kalendar/akce/"+strconv.FormatInt(saved.ID, 10), flash)
	return nil
}

// ApproveEvent approves a pending event (staff).
func (h *Handler) ApproveEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if _, err := h.Svc.Decide(r.Context(), id, true, ""); err != nil {
		return err
	}
	web.Redirect(w, r, "/kalendar/sprava", "calendar.flash.approved")
	return nil
}

// RejectEvent rejects a pending event with a reason (staff).
func (h *Handler) RejectEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if _, err := h.Svc.Decide(r.Context(), id, false, f.Values.Get("reason")); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid && f.SetError(h.R.Localizer(r), err, "reason") {
			return h.renderEvent(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/kalendar/sprava", "calendar.flash.rejected")
	return nil
}

// ShowFeed answers the iCalendar feed: /kalendar.ics (all) or
// /kalendar/<category>.ics.
func (h *Handler) ShowFeed(w http.ResponseWriter, r *http.Request) error {
	l := h.R.Localizer(r)
	cat := ""
	if name := r.PathValue("feed"); name != "" {
		c, ok := strings.CutSuffix(name, ".ics")
		if !ok || !slices.Contains(Categories, c) {
			return apperr.New(apperr.NotFound, "err.page_not_found")
		}
		cat = c
	}
	calName := l.T("calendar.feed.name")
	if cat != "" {
		calName += " – " + l.T("calendar.category."+cat)
	}
	base := h.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	b, err := h.Svc.Feed(r.Context(), base, calName, cat)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=900")
	w.Write(b)
	return nil
}

package networking

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/czech"
	"kpss/internal/partner"
	"kpss/internal/ratelimit"
	"kpss/internal/store"
	"kpss/internal/web"
)

//go:embed templates/*.html templates/partials/*.html i18n/*.json openapi.json
var files embed.FS

// Handler serves the module's pages.
type Handler struct {
	Svc *Service
	R   *web.Renderer
	// Limits throttles the public registration (nil: no limit).
	Limits *ratelimit.Limiter
	// ClientIP tells the caller's address for the limit.
	ClientIP func(r *http.Request) string
}

// NewHandler registers the module's templates and messages.
func NewHandler(svc *Service, r *web.Renderer) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("networking", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Svc: svc, R: r, ClientIP: func(r *http.Request) string { return r.RemoteAddr }}, nil
}

const formMax = 1 << 20

func (h *Handler) page(r *http.Request, title string, args ...any) *web.Page {
	p := h.R.Page(r, title, args...)
	p.NoIndex = true
	if title != "networking.title" && auth.UserFrom(r.Context()).IsStaff() {
		p.Crumb("/seznamka", p.L.T("networking.title"))
	}
	return p
}

func pathInt(r *http.Request, name string) (int64, error) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, apperr.New(apperr.NotFound, "err.page_not_found")
	}
	return v, nil
}

func (h *Handler) board(r *http.Request) (*Board, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Svc.LoadBoard(r.Context(), id)
}

func (h *Handler) participantOf(b *Board, r *http.Request) (*Participant, error) {
	pid, err := pathInt(r, "pid")
	if err != nil {
		return nil, err
	}
	p := b.ByID[pid]
	if p == nil {
		return nil, apperr.NotFoundErr("networking_participant")
	}
	return p, nil
}

// --- events

// ShowEvents lists the events.
func (h *Handler) ShowEvents(w http.ResponseWriter, r *http.Request) error {
	es, err := h.Svc.FindEvents(r.Context())
	if err != nil {
		return err
	}
	p := h.page(r, "networking.title")
	p.Data = map[string]any{"Events": es}
	h.R.Render(w, r, http.StatusOK, "networking/list", p)
	return nil
}

var eventFields = []string{"title", "starts_at", "place", "tables", "round_minutes", "change_minutes", "break_every", "break_minutes", "max_rounds", "quota", "registration", "note"}

const dtLayout = "2006-01-02T15:04"

// ShowEventForm shows the form of a new event or of event {id}.
func (h *Handler) ShowEventForm(w http.ResponseWriter, r *http.Request) error {
	next := time.Date(h.Svc.Now().In(Prague).Year(), time.November, 12, 13, 0, 0, 0, Prague)
	vals := url.Values{"starts_at": {next.Format(dtLayout)}, "tables": {"24"}, "round_minutes": {"7"}, "change_minutes": {"2"},
		"break_every": {"5"}, "break_minutes": {"15"}, "quota": {"8"}, "max_rounds": {"0"}}
	if r.PathValue("id") != "" {
		id, err := pathInt(r, "id")
		if err != nil {
			return err
		}
		e, err := h.Svc.FindEvent(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"title": {e.Title}, "starts_at": {e.StartsAt.In(Prague).Format(dtLayout)}, "place": {e.Place},
			"tables": {strconv.Itoa(e.Tables)}, "round_minutes": {strconv.Itoa(e.RoundMinutes)}, "change_minutes": {strconv.Itoa(e.ChangeMinutes)},
			"break_every": {strconv.Itoa(e.BreakEvery)}, "break_minutes": {strconv.Itoa(e.BreakMinutes)}, "max_rounds": {strconv.Itoa(e.MaxRounds)},
			"quota": {strconv.Itoa(e.Quota)}, "note": {e.Note}}
		if e.Registration {
			vals.Set("registration", "on")
		}
	}
	return h.renderEventForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderEventForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "networking.event.new"
	if r.PathValue("id") != "" {
		title = "networking.event.edit"
	}
	p := h.page(r, title)
	if id := r.PathValue("id"); id != "" {
		p.Crumb("/seznamka/"+id, p.L.T("networking.event.back"))
	}
	p.Form = f
	p.Data = map[string]any{"ID": r.PathValue("id")}
	h.R.Render(w, r, status, "networking/event_form", p)
	return nil
}

// parseInts reads integer fields; a bad one is a field error.
func parseInts(f *web.Form, fe apperr.Fields, names ...string) map[string]int {
	out := map[string]int{}
	for _, n := range names {
		v := strings.TrimSpace(f.Get(n))
		if v == "" {
			out[n] = 0
			continue
		}
		x, err := strconv.Atoi(v)
		if err != nil {
			fe.Add(n, "networking.err.number")
			continue
		}
		out[n] = x
	}
	return out
}

// SaveEvent creates or updates an event from the form.
func (h *Handler) SaveEvent(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fe := apperr.Fields{}
	n := parseInts(f, fe, "tables", "round_minutes", "change_minutes", "break_every", "break_minutes", "max_rounds", "quota")
	e := Event{Title: f.Get("title"), Place: f.Get("place"), Note: f.Values.Get("note"), Tables: n["tables"], RoundMinutes: n["round_minutes"],
		ChangeMinutes: n["change_minutes"], BreakEvery: n["break_every"], BreakMinutes: n["break_minutes"], MaxRounds: n["max_rounds"],
		Quota: n["quota"], Registration: f.Bool("registration")}
	if t, err := time.ParseInLocation(dtLayout, f.Get("starts_at"), Prague); err == nil {
		e.StartsAt = t
	} else if f.Get("starts_at") != "" {
		fe.Add("starts_at", "networking.err.starts_at")
	}
	var id int64
	if r.PathValue("id") != "" {
		if id, err = pathInt(r, "id"); err != nil {
			return err
		}
	}
	var saved *Event
	if err = e.Validate(); err == nil && len(fe) == 0 {
		saved, err = h.Svc.SaveEvent(r.Context(), id, e)
	} else {
		// Report the parse errors and the rule errors together.
		if ae, ok := apperr.As(err); ok {
			for k, m := range ae.Fields {
				if _, dup := fe[k]; !dup {
					fe[k] = m
				}
			}
		}
		err = fe.Err()
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, eventFields...) {
			return h.renderEventForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/seznamka/"+itoa(saved.ID), "flash.saved")
	return nil
}

// ParticipantRow is a participant with their wish counts for the overview.
type ParticipantRow struct {
	*Participant
	Must, Want, Avoid, Meetings int
}

// ShowEvent is the coordinator's overview of one event.
func (h *Handler) ShowEvent(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	rows := make([]ParticipantRow, len(b.Participants))
	idx := map[int64]int{}
	for i := range b.Participants {
		rows[i] = ParticipantRow{Participant: &b.Participants[i]}
		idx[b.Participants[i].ID] = i
	}
	for _, wsh := range b.Wishes {
		i, ok := idx[wsh.ParticipantID]
		if !ok {
			continue
		}
		switch wsh.Kind {
		case WishMust:
			rows[i].Must++
		case WishWant:
			rows[i].Want++
		default:
			rows[i].Avoid++
		}
	}
	for _, m := range b.Meetings {
		rows[idx[m.A]].Meetings++
		rows[idx[m.B]].Meetings++
	}
	status, err := h.Svc.MailStatus(r.Context(), b.Event.ID)
	if err != nil {
		return err
	}
	fb, hasFB, err := h.Svc.FeedbackResult(r.Context(), b.Event)
	if err != nil {
		return err
	}
	p := h.page(r, "networking.event.title", "Title", b.Event.Title)
	p.Wide = true
	now := h.Svc.Now()
	p.Data = map[string]any{"B": b, "E": b.Event, "Rows": rows, "Stats": b.Stats(), "Unmet": h.unmetViews(b),
		"Held": b.Event.HeldRounds(now, b.Rounds), "Mail": status, "HasOutbox": h.Svc.Outbox != nil,
		"HasFeedback": h.Svc.Feedback != nil, "Feedback": fb, "FeedbackReady": hasFB, "When": h.when(p, b.Event),
		"Over": b.Rounds > 0 && !now.Before(b.Event.RoundEnd(b.Rounds)), "Capped": capped(b)}
	h.R.Render(w, r, http.StatusOK, "networking/event", p)
	return nil
}

func (h *Handler) when(p *web.Page, e *Event) string {
	return p.L.Date(e.StartsAt) + ", " + clock(e.StartsAt)
}

// UnmetView is a left-out pair for the page.
type UnmetView struct {
	A, B   *Participant
	Kind   string
	Reason string
}

func (h *Handler) unmetViews(b *Board) []UnmetView {
	out := make([]UnmetView, 0, len(b.Unmet))
	for _, u := range b.Unmet {
		if b.ByID[u.A] == nil || b.ByID[u.B] == nil {
			continue
		}
		out = append(out, UnmetView{b.ByID[u.A], b.ByID[u.B], u.Kind, u.Reason})
	}
	// Must-meet pairs first: the coordinator has to act on them.
	slices.SortStableFunc(out, func(x, y UnmetView) int {
		if (x.Kind == "must") != (y.Kind == "must") {
			if x.Kind == "must" {
				return -1
			}
			return 1
		}
		return 0
	})
	return out
}

// PlanEvent (re)plans the rounds.
func (h *Handler) PlanEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	rep, err := h.Svc.Plan(r.Context(), id)
	if err != nil {
		return err
	}
	key := "networking.plan.done"
	if rep.MustUnmet > 0 {
		key = "networking.plan.done_must_unmet"
	}
	web.Flash(w, key)
	http.Redirect(w, r, "/seznamka/"+itoa(id)+"#rozvrh", http.StatusSeeOther)
	return nil
}

// SendWishLinks e-mails the personal links.
func (h *Handler) SendWishLinks(w http.ResponseWriter, r *http.Request) error {
	return h.send(w, r, h.Svc.SendWishLinks, "networking.mail.links_queued")
}

// SendTimetables e-mails the timetables.
func (h *Handler) SendTimetables(w http.ResponseWriter, r *http.Request) error {
	return h.send(w, r, func(ctx context.Context, id int64) (int, error) { return h.Svc.SendTimetables(ctx, id, r.Host) }, "networking.mail.timetables_queued")
}

func (h *Handler) send(w http.ResponseWriter, r *http.Request, fn func(ctx context.Context, id int64) (int, error), key string) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	n, err := fn(r.Context(), id)
	if errors.Is(err, ErrNoOutbox) {
		return apperr.New(apperr.Conflict, "networking.err.no_outbox")
	}
	if err != nil {
		return err
	}
	if n == 0 {
		key = "networking.mail.nobody"
	}
	web.Redirect(w, r, "/seznamka/"+itoa(id)+"#e-maily", key)
	return nil
}

// SendContacts e-mails the contact sheets (and the feedback form) after the event.
func (h *Handler) SendContacts(w http.ResponseWriter, r *http.Request) error {
	return h.send(w, r, h.Svc.SendContacts, "networking.mail.contacts_queued")
}

// PrepareFeedback asks the survey module for the feedback form.
func (h *Handler) PrepareFeedback(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Svc.EnsureFeedback(r.Context(), id); err != nil {
		return err
	}
	web.Redirect(w, r, "/seznamka/"+itoa(id), "networking.feedback.ready")
	return nil
}

// --- participants

var participantFields = []string{"person_id", "name", "email", "phone", "organisation", "organisation_name", "service", "share_contacts", "status"}

func (h *Handler) orgOptions(r *http.Request) ([]web.Option, error) {
	os, _, err := h.Svc.Partners.FindOrganisations(r.Context(), partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: h.R.Localizer(r).T("networking.field.organisation_other")}}
	for _, o := range os {
		out = append(out, web.Option{Value: itoa(o.ID), Label: o.Name})
	}
	return out, nil
}

func (h *Handler) personOptions(r *http.Request) ([]web.Option, error) {
	ps, _, err := h.Svc.Partners.FindPeople(r.Context(), partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: h.R.Localizer(r).T("networking.field.person_none")}}
	for _, p := range ps {
		if p.AnonymisedAt != nil {
			continue
		}
		label := p.Name
		if p.Position != "" {
			label += " – " + p.Position
		}
		out = append(out, web.Option{Value: itoa(p.ID), Label: label})
	}
	return out, nil
}

// ShowParticipantForm shows the form of a new participant or of {pid}.
func (h *Handler) ShowParticipantForm(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	vals := url.Values{"status": {StatusRegistered}}
	if r.PathValue("pid") != "" {
		p, err := h.participantOf(b, r)
		if err != nil {
			return err
		}
		vals = url.Values{"name": {p.Name}, "email": {p.Email}, "phone": {p.Phone}, "organisation_name": {p.OrganisationName},
			"service": {p.Service}, "status": {p.Status}}
		if p.OrganisationID != nil {
			vals.Set("organisation", itoa(*p.OrganisationID))
		}
		if p.PersonID != nil {
			vals.Set("person_id", itoa(*p.PersonID))
		}
		if p.ShareContacts {
			vals.Set("share_contacts", "on")
		}
	}
	return h.renderParticipantForm(w, r, b, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderParticipantForm(w http.ResponseWriter, r *http.Request, b *Board, f *web.Form, status int) error {
	title := "networking.participant.new"
	if r.PathValue("pid") != "" {
		title = "networking.participant.edit"
	}
	p := h.page(r, title)
	p.Crumb("/seznamka/"+itoa(b.Event.ID), b.Event.Title)
	p.Form = f
	orgs, err := h.orgOptions(r)
	if err != nil {
		return err
	}
	people, err := h.personOptions(r)
	if err != nil {
		return err
	}
	statuses := []web.Option{}
	for _, s := range Statuses {
		statuses = append(statuses, web.Option{Value: s, Label: p.L.T("networking.status." + s)})
	}
	p.Data = map[string]any{"E": b.Event, "PID": r.PathValue("pid"), "Orgs": orgs, "People": people, "Statuses": statuses, "Services": serviceList(b)}
	h.R.Render(w, r, status, "networking/participant_form", p)
	return nil
}

func serviceList(b *Board) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range b.Participants {
		if k := p.ServiceKey(); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, p.Service)
		}
	}
	slices.SortFunc(out, func(a, c string) int { return strings.Compare(czech.SortKey(a), czech.SortKey(c)) })
	return out
}

// SaveParticipant adds or updates a participant from the form; a person
// chosen from the registry fills the fields left empty.
func (h *Handler) SaveParticipant(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	p := Participant{Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"), OrganisationID: f.Int64Ptr("organisation"),
		OrganisationName: f.Get("organisation_name"), Service: f.Get("service"), ShareContacts: f.Bool("share_contacts"),
		Status: f.Get("status"), PersonID: f.Int64Ptr("person_id")}
	if p.PersonID != nil {
		if person, err := h.Svc.Partners.FindPersonByID(r.Context(), *p.PersonID); err == nil {
			if p.Name == "" {
				p.Name = person.Name
			}
			if p.Email == "" {
				p.Email = person.Email
			}
			if p.Phone == "" {
				p.Phone = person.Phone
			}
			if p.OrganisationID == nil && p.OrganisationName == "" {
				p.OrganisationID = person.OrganisationID
			}
		}
	}
	var id int64
	if r.PathValue("pid") != "" {
		old, err := h.participantOf(b, r)
		if err != nil {
			return err
		}
		id = old.ID
		if p.Status == StatusWalkIn && old.Status != StatusWalkIn {
			p.FromRound = b.Event.HeldRounds(h.Svc.Now(), b.Rounds) + 1
		} else {
			p.FromRound = old.FromRound
		}
	}
	if _, err := h.Svc.SaveParticipant(r.Context(), b.Event.ID, id, p); err != nil {
		if f.SetError(h.R.Localizer(r), err, participantFields...) {
			return h.renderParticipantForm(w, r, b, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/seznamka/"+itoa(b.Event.ID)+"#ucastnici", "flash.saved")
	return nil
}

// SetParticipantStatus marks a no-show or a walk-in from the overview.
func (h *Handler) SetParticipantStatus(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	p, err := h.participantOf(b, r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	st := f.Get("status")
	if !slices.Contains(Statuses, st) {
		return apperr.New(apperr.Invalid, "err.choose")
	}
	p.Status = st
	if st == StatusWalkIn {
		p.FromRound = b.Event.HeldRounds(h.Svc.Now(), b.Rounds) + 1
	}
	if _, err := h.Svc.SaveParticipant(r.Context(), b.Event.ID, p.ID, *p); err != nil {
		return err
	}
	web.Redirect(w, r, "/seznamka/"+itoa(b.Event.ID)+"#ucastnici", "networking.status.changed")
	return nil
}

// RemoveParticipant deletes a participant added by mistake.
func (h *Handler) RemoveParticipant(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	p, err := h.participantOf(b, r)
	if err != nil {
		return err
	}
	if err := h.Svc.RemoveParticipant(r.Context(), b.Event.ID, p.ID); err != nil {
		return err
	}
	web.Redirect(w, r, "/seznamka/"+itoa(b.Event.ID)+"#ucastnici", "networking.participant.removed")
	return nil
}

// --- wishes

// WishChoice is one line of the wishes form.
type WishChoice struct {
	Field, Label, Detail, Value string
}

// wishForm builds the three lists of the wishes form (people, organisations,
// service types) with the current choices.
func wishForm(b *Board, me *Participant, vals url.Values) (people, orgs, services []WishChoice) {
	seenOrg := map[string]bool{}
	seenSvc := map[string]bool{}
	for i := range b.Participants {
		p := &b.Participants[i]
		if p.ID == me.ID || p.AnonymisedAt != nil {
			continue
		}
		if me.OrgKey() == "" || p.OrgKey() != me.OrgKey() {
			people = append(people, WishChoice{Field: "p" + itoa(p.ID), Label: p.Name, Detail: strings.Trim(p.Organisation+" · "+p.Service, " ·"), Value: vals.Get("p" + itoa(p.ID))})
		}
		if k := p.OrgKey(); k != "" && k != me.OrgKey() && !seenOrg[k] {
			seenOrg[k] = true
			orgs = append(orgs, WishChoice{Field: "o" + k, Label: p.Organisation, Value: vals.Get("o" + k)})
		}
		if k := p.ServiceKey(); k != "" && !seenSvc[k] {
			seenSvc[k] = true
			services = append(services, WishChoice{Field: "s" + k, Label: p.Service, Value: vals.Get("s" + k)})
		}
	}
	slices.SortFunc(orgs, func(a, c WishChoice) int { return strings.Compare(czech.SortKey(a.Label), czech.SortKey(c.Label)) })
	slices.SortFunc(services, func(a, c WishChoice) int { return strings.Compare(czech.SortKey(a.Label), czech.SortKey(c.Label)) })
	return people, orgs, services
}

func wishValues(ws []Wish, pid int64) url.Values {
	v := url.Values{}
	for _, w := range ws {
		if w.ParticipantID != pid {
			continue
		}
		switch {
		case w.TargetParticipantID != nil:
			v.Set("p"+itoa(*w.TargetParticipantID), w.Kind)
		case w.TargetOrganisation != "":
			v.Set("o"+w.TargetOrganisation, w.Kind)
		default:
			v.Set("s"+w.TargetService, w.Kind)
		}
	}
	return v
}

func parseWishes(vals url.Values) []Wish {
	var ws []Wish
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		kind := strings.TrimSpace(vals.Get(k))
		if kind == "" || len(k) < 2 || !slices.Contains(WishKinds, kind) {
			continue
		}
		w := Wish{Kind: kind}
		switch k[0] {
		case 'p':
			id, err := strconv.ParseInt(k[1:], 10, 64)
			if err != nil {
				continue
			}
			w.TargetParticipantID = &id
		case 'o':
			w.TargetOrganisation = k[1:]
		case 's':
			w.TargetService = k[1:]
		default:
			continue
		}
		ws = append(ws, w)
	}
	return ws
}

func (h *Handler) renderWishes(w http.ResponseWriter, r *http.Request, b *Board, me *Participant, f *web.Form, status int, action, back string) error {
	p := h.page(r, "networking.wishes.title", "Name", me.Name)
	if back != "" && auth.UserFrom(r.Context()).IsStaff() {
		p.Crumb(back, b.Event.Title)
	}
	p.Form = f
	people, orgs, services := wishForm(b, me, f.Values)
	kinds := []web.Option{{Value: "", Label: p.L.T("networking.wish.none")}}
	for _, k := range WishKinds {
		kinds = append(kinds, web.Option{Value: k, Label: p.L.T("networking.wish." + k)})
	}
	chosen := 0
	for _, w := range parseWishes(f.Values) {
		if w.Kind != WishAvoid {
			chosen++
		}
	}
	p.Data = map[string]any{"E": b.Event, "Me": me, "People": people, "Orgs": orgs, "Services": services, "Kinds": kinds, "Action": action, "Back": back, "Chosen": chosen}
	h.R.Render(w, r, status, "networking/wishes", p)
	return nil
}

// ShowWishes is the coordinator's form of one participant's wishes.
func (h *Handler) ShowWishes(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	me, err := h.participantOf(b, r)
	if err != nil {
		return err
	}
	return h.renderWishes(w, r, b, me, web.NewForm(wishValues(b.Wishes, me.ID)), http.StatusOK, r.URL.Path, "/seznamka/"+itoa(b.Event.ID))
}

// SaveWishes stores one participant's wishes (coordinator).
func (h *Handler) SaveWishes(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	me, err := h.participantOf(b, r)
	if err != nil {
		return err
	}
	return h.saveWishes(w, r, b, me, "/seznamka/"+itoa(b.Event.ID)+"#ucastnici", "/seznamka/"+itoa(b.Event.ID))
}

func (h *Handler) saveWishes(w http.ResponseWriter, r *http.Request, b *Board, me *Participant, next, back string) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if err := h.Svc.SetWishes(r.Context(), b.Event.ID, me.ID, parseWishes(f.Values)); err != nil {
		if f.SetError(h.R.Localizer(r), err, "wishes") {
			return h.renderWishes(w, r, b, me, f, http.StatusUnprocessableEntity, r.URL.Path, back)
		}
		return err
	}
	web.Redirect(w, r, next, "networking.wishes.saved")
	return nil
}

// --- schedule views

// ShowSchedule is the whole schedule, round by round (printable).
func (h *Handler) ShowSchedule(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	p := h.page(r, "networking.schedule.title", "Title", b.Event.Title)
	p.Crumb("/seznamka/"+itoa(b.Event.ID), b.Event.Title)
	p.Wide = true
	p.Data = map[string]any{"E": b.Event, "Rounds": b.RoundViews(), "Stats": b.Stats(), "When": h.when(p, b.Event)}
	h.R.Render(w, r, http.StatusOK, "networking/schedule", p)
	return nil
}

// ShowSchedulePDF is the host's whole schedule as a PDF.
func (h *Handler) ShowSchedulePDF(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	data, err := b.SchedulePDF(h.Svc.Now())
	if err != nil {
		return err
	}
	writeFile(w, "application/pdf", fmt.Sprintf("seznamka-%d-rozvrh.pdf", b.Event.ID), data)
	return nil
}

func writeFile(w http.ResponseWriter, ctype, name string, data []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}

// ShowTableCards shows a card per table (one page each when printed).
func (h *Handler) ShowTableCards(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	p := h.page(r, "networking.cards.title", "Title", b.Event.Title)
	p.Crumb("/seznamka/"+itoa(b.Event.ID), b.Event.Title)
	p.Data = map[string]any{"E": b.Event, "Cards": b.TableCards()}
	h.R.Render(w, r, http.StatusOK, "networking/cards", p)
	return nil
}

// ShowRoom is the moderator's view of the room now: the running round
// (or the next one) with its tables; it works without JavaScript (a link
// reloads it) and refreshes itself with it.
func (h *Handler) ShowRoom(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	now := h.Svc.Now()
	round, between := b.Event.RoundAt(now, b.Rounds)
	if v := r.URL.Query().Get("kolo"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= b.Rounds {
			round, between = n, false
		}
	}
	views := b.RoundViews()
	var cur, next *RoundView
	before := round == 0
	if before && b.Rounds > 0 {
		// Before the start the room shows the first round, to seat people.
		round, between = 1, true
	}
	if round >= 1 && round <= b.Rounds {
		cur = &views[round-1]
		if round < b.Rounds {
			next = &views[round]
		}
	}
	left := 0
	if cur != nil && !between {
		left = int(cur.End.Sub(now).Minutes() + 0.999)
	}
	p := h.page(r, "networking.room.title", "Title", b.Event.Title)
	p.Crumb("/seznamka/"+itoa(b.Event.ID), b.Event.Title)
	p.Wide = true
	p.Data = map[string]any{"E": b.Event, "Round": round, "Rounds": b.Rounds, "Cur": cur, "Next": next, "Between": between,
		"Before": before, "After": round > b.Rounds, "Left": max(left, 0), "Now": clock(now), "Today": sameDay(now, b.Event.StartsAt),
		"Date": p.L.Date(b.Event.StartsAt), "Prev": round - 1, "NextN": round + 1}
	h.R.Render(w, r, http.StatusOK, "networking/room", p)
	return nil
}

// TimetableRow is a row of a timetable with its texts.
type TimetableRow struct {
	Row
	Time string
}

func (h *Handler) timetableData(p *web.Page, b *Board, me *Participant, base string) map[string]any {
	now := h.Svc.Now()
	rows := b.Timetable(me.ID, now)
	views := make([]TimetableRow, len(rows))
	met := 0
	for i, r := range rows {
		views[i] = TimetableRow{Row: r, Time: clock(r.Start) + "–" + clock(r.End)}
		if r.With != nil {
			met++
		}
	}
	return map[string]any{"E": b.Event, "Me": me, "Rows": views, "Meetings": met, "Base": base, "When": h.when(p, b.Event),
		"Over": b.Rounds > 0 && !now.Before(b.Event.RoundEnd(b.Rounds)), "Capped": capped(b)}
}

// ShowTimetable is one participant's timetable (coordinator).
func (h *Handler) ShowTimetable(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	me, err := h.participantOf(b, r)
	if err != nil {
		return err
	}
	p := h.page(r, "networking.timetable.title", "Name", me.Name)
	p.Crumb("/seznamka/"+itoa(b.Event.ID), b.Event.Title)
	p.Data = h.timetableData(p, b, me, "/seznamka/"+itoa(b.Event.ID)+"/ucastnici/"+itoa(me.ID))
	h.R.Render(w, r, http.StatusOK, "networking/timetable", p)
	return nil
}

// ShowTimetablePDF is one participant's timetable as a PDF (coordinator).
func (h *Handler) ShowTimetablePDF(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	me, err := h.participantOf(b, r)
	if err != nil {
		return err
	}
	return h.writeTimetablePDF(w, b, me)
}

func (h *Handler) writeTimetablePDF(w http.ResponseWriter, b *Board, me *Participant) error {
	data, err := b.TimetablePDF(me, h.Svc.Now())
	if err != nil {
		return err
	}
	writeFile(w, "application/pdf", "rozvrh.pdf", data)
	return nil
}

func (h *Handler) writeTimetableICS(w http.ResponseWriter, r *http.Request, b *Board, me *Participant) error {
	data, err := b.TimetableICS(me, r.Host)
	if err != nil {
		return err
	}
	writeFile(w, "text/calendar; charset=utf-8", "rozvrh.ics", data)
	return nil
}

// ShowTimetableICS is one participant's timetable as .ics (coordinator).
func (h *Handler) ShowTimetableICS(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	me, err := h.participantOf(b, r)
	if err != nil {
		return err
	}
	return h.writeTimetableICS(w, r, b, me)
}

// ContactRow is one person met, with contacts where they agreed.
type ContactRow struct {
	Round        int
	Name         string
	Organisation string
	Service      string
	Email, Phone string
	Shared       bool
}

func contactRows(b *Board, me *Participant, now time.Time) []ContactRow {
	over := b.Rounds > 0 && !now.Before(b.Event.RoundEnd(b.Rounds))
	var out []ContactRow
	for _, r := range b.Met(me.ID, now, !over) {
		c := ContactRow{Round: r.Round, Name: r.With.Name, Organisation: r.With.Organisation, Service: r.With.Service, Shared: r.With.ShareContacts}
		if r.With.ShareContacts {
			c.Email, c.Phone = r.With.Email, r.With.Phone
		}
		out = append(out, c)
	}
	return out
}

// ShowContacts is one participant's contact sheet (coordinator).
func (h *Handler) ShowContacts(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	me, err := h.participantOf(b, r)
	if err != nil {
		return err
	}
	p := h.page(r, "networking.contacts.title", "Name", me.Name)
	p.Crumb("/seznamka/"+itoa(b.Event.ID), b.Event.Title)
	p.Data = map[string]any{"E": b.Event, "Me": me, "Contacts": contactRows(b, me, h.Svc.Now())}
	h.R.Render(w, r, http.StatusOK, "networking/contacts", p)
	return nil
}

// --- the personal link

func (h *Handler) personal(r *http.Request) (*Board, *Participant, error) {
	p, err := h.Svc.ParticipantByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return nil, nil, err
	}
	b, err := h.Svc.LoadBoard(r.Context(), p.EventID)
	if err != nil {
		return nil, nil, err
	}
	me := b.ByID[p.ID]
	if me == nil {
		return nil, nil, apperr.NotFoundErr("networking_participant")
	}
	return b, me, nil
}

func personalBase(token string) string { return "/seznamka-osobni/" + url.PathEscape(token) }

// ShowPersonal is a participant's own page: timetable, wishes, contacts,
// feedback.
func (h *Handler) ShowPersonal(w http.ResponseWriter, r *http.Request) error {
	b, me, err := h.personal(r)
	if err != nil {
		return err
	}
	p := h.page(r, "networking.personal.title", "Title", b.Event.Title)
	d := h.timetableData(p, b, me, personalBase(me.Token))
	d["Personal"] = true
	d["Contacts"] = contactRows(b, me, h.Svc.Now())
	h.R.Render(w, r, http.StatusOK, "networking/timetable", withData(p, d))
	return nil
}

func withData(p *web.Page, d map[string]any) *web.Page { p.Data = d; return p }

// ShowPersonalWishes is the participant's own wishes form.
func (h *Handler) ShowPersonalWishes(w http.ResponseWriter, r *http.Request) error {
	b, me, err := h.personal(r)
	if err != nil {
		return err
	}
	return h.renderWishes(w, r, b, me, web.NewForm(wishValues(b.Wishes, me.ID)), http.StatusOK, r.URL.Path, "")
}

// SavePersonalWishes stores the participant's own wishes.
func (h *Handler) SavePersonalWishes(w http.ResponseWriter, r *http.Request) error {
	b, me, err := h.personal(r)
	if err != nil {
		return err
	}
	return h.saveWishes(w, r, b, me, personalBase(me.Token), "")
}

// ShowPersonalPDF is the participant's own timetable as a PDF.
func (h *Handler) ShowPersonalPDF(w http.ResponseWriter, r *http.Request) error {
	b, me, err := h.personal(r)
	if err != nil {
		return err
	}
	return h.writeTimetablePDF(w, b, me)
}

// ShowPersonalICS is the participant's own timetable as .ics.
func (h *Handler) ShowPersonalICS(w http.ResponseWriter, r *http.Request) error {
	b, me, err := h.personal(r)
	if err != nil {
		return err
	}
	return h.writeTimetableICS(w, r, b, me)
}

// ShowMine sends a signed-in user to their own page of the latest event
// they take part in (through their person in the partner registry or
// their e-mail).
func (h *Handler) ShowMine(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	es, err := h.Svc.FindEvents(r.Context())
	if err != nil {
		return err
	}
	if u != nil {
		for _, e := range es {
			if p, err := h.Svc.ParticipantOfUser(r.Context(), e.ID, u.PersonID, u.Email); err == nil {
				http.Redirect(w, r, personalBase(p.Token), http.StatusSeeOther)
				return nil
			}
		}
	}
	p := h.page(r, "networking.mine.title")
	p.Data = map[string]any{}
	h.R.Render(w, r, http.StatusOK, "networking/mine", p)
	return nil
}

// --- public registration

var registerFields = []string{"name", "email", "phone", "organisation", "organisation_name", "service", "share_contacts"}

const honeypot = "web_stranka"

func (h *Handler) openEvent(r *http.Request) (*Event, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return nil, err
	}
	e, err := h.Svc.FindEvent(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !e.Registration {
		return nil, apperr.NotFoundErr("networking_event")
	}
	return e, nil
}

// ShowRegister is the public registration form.
func (h *Handler) ShowRegister(w http.ResponseWriter, r *http.Request) error {
	e, err := h.openEvent(r)
	if err != nil {
		return err
	}
	return h.renderRegister(w, r, e, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderRegister(w http.ResponseWriter, r *http.Request, e *Event, f *web.Form, status int) error {
	p := h.R.Page(r, "networking.register.title", "Title", e.Title)
	p.Form = f
	orgs, err := h.orgOptions(r)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"E": e, "Orgs": orgs, "Honeypot": honeypot, "When": h.when(p, e)}
	h.R.Render(w, r, status, "networking/register", p)
	return nil
}

// Register stores a public registration: ten per hour per address; a
// filled honeypot stores nothing and looks like success.
func (h *Handler) Register(w http.ResponseWriter, r *http.Request) error {
	e, err := h.openEvent(r)
	if err != nil {
		return err
	}
	if h.Limits != nil {
		ok, lerr := h.Limits.Allow(r.Context(), "networking-register:"+h.ClientIP(r), 10, time.Hour)
		if lerr == nil && !ok {
			return &apperr.Error{Code: apperr.TooMany, Msg: apperr.Msg{Key: "networking.err.too_many"}, Retry: 3600}
		}
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if f.Get(honeypot) == "" {
		in := Participant{Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"), OrganisationID: f.Int64Ptr("organisation"),
			OrganisationName: f.Get("organisation_name"), Service: f.Get("service"), ShareContacts: f.Bool("share_contacts")}
		saved, err := h.Svc.Register(r.Context(), e.ID, in)
		if err != nil {
			if f.SetError(h.R.Localizer(r), err, registerFields...) {
				return h.renderRegister(w, r, e, f, http.StatusUnprocessableEntity)
			}
			return err
		}
		// The personal link opens the wishes right away.
		http.Redirect(w, r, personalBase(saved.Token)+"/prani?nova=1", http.StatusSeeOther)
		return nil
	}
	p := h.R.Page(r, "networking.register.thanks")
	p.Data = map[string]any{"E": e}
	h.R.Render(w, r, http.StatusOK, "networking/registered", p)
	return nil
}

func sameDay(a, b time.Time) bool {
	a, b = a.In(Prague), b.In(Prague)
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// capped counts the wished pairs left out for the cap on rounds.
func capped(b *Board) int {
	n := 0
	for _, u := range b.Unmet {
		if u.Reason == ReasonRounds {
			n++
		}
	}
	return n
}

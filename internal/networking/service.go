package networking

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/czech"
	"kpss/internal/feedback"
	"kpss/internal/outbox"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Service runs the rules of the events: validation, one audit row per
// change, the plan of rounds.
type Service struct {
	DB       *store.DB
	Audit    *audit.Log
	Now      func() time.Time
	Partners *partner.Service
	// Outbox queues the e-mails (nil: none are sent); BaseURL starts the
	// personal links in them.
	Outbox  *outbox.Outbox
	BaseURL string
	// Feedback makes the feedback form (nil without the survey module).
	Feedback feedback.Provider
}

// NewService returns the networking service.
func NewService(db *store.DB, log *audit.Log, now func() time.Time, partners *partner.Service) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = &audit.Log{Now: now}
	}
	return &Service{DB: db, Audit: log, Now: now, Partners: partners}
}

func newToken() string {
	b := make([]byte, 18)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// FindEvents returns all events, the latest first.
func (s *Service) FindEvents(ctx context.Context) ([]Event, error) { return findEvents(ctx, s.DB) }

// FindEvent returns event id. Errors: not_found.
func (s *Service) FindEvent(ctx context.Context, id int64) (*Event, error) {
	e, err := findEvent(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// SaveEvent creates (id 0) or updates an event. Errors: invalid, not_found.
func (s *Service) SaveEvent(ctx context.Context, id int64, e Event) (*Event, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	e.StartsAt = e.StartsAt.UTC().Truncate(time.Minute)
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if id == 0 {
			e.CreatedAt, e.UpdatedAt = now, now
			if err := insertEvent(ctx, tx, &e); err != nil {
				return store.AppError(err, "networking_event")
			}
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "networking_event", EntityID: e.ID, Summary: e.Title, After: &e})
		}
		before, err := findEvent(ctx, tx, id)
		if err != nil {
			return err
		}
		e.ID, e.CreatedAt, e.UpdatedAt = id, before.CreatedAt, now
		e.PlannedAt, e.LowerBound, e.Optimal, e.FeedbackURL = before.PlannedAt, before.LowerBound, before.Optimal, before.FeedbackURL
		if err := updateEvent(ctx, tx, &e); err != nil {
			return store.AppError(err, "networking_event")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "networking_event", EntityID: id, Summary: e.Title, Before: &before, After: &e})
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// nameOrgs fills Organisation from the registry in one query.
func (s *Service) nameOrgs(ctx context.Context, ps []Participant) error {
	var ids []int64
	for _, p := range ps {
		if p.OrganisationID != nil && !slices.Contains(ids, *p.OrganisationID) {
			ids = append(ids, *p.OrganisationID)
		}
	}
	names, err := s.Partners.OrganisationNames(ctx, ids...)
	if err != nil {
		return err
	}
	for i := range ps {
		ps[i].Organisation = ps[i].OrganisationName
		if id := ps[i].OrganisationID; id != nil && names[*id] != "" {
			ps[i].Organisation = names[*id]
		}
	}
	return nil
}

// Participants returns the participants of an event in Czech order.
func (s *Service) Participants(ctx context.Context, eventID int64) ([]Participant, error) {
	ps, err := queryParticipants(ctx, s.DB, "event_id = ?", eventID)
	if err != nil {
		return nil, err
	}
	return ps, s.nameOrgs(ctx, ps)
}

// FindParticipant returns participant id of event. Errors: not_found.
func (s *Service) FindParticipant(ctx context.Context, eventID, id int64) (*Participant, error) {
	p, err := findParticipant(ctx, s.DB, "event_id = ? AND id = ?", eventID, id)
	if err != nil {
		return nil, err
	}
	ps := []Participant{p}
	if err := s.nameOrgs(ctx, ps); err != nil {
		return nil, err
	}
	return &ps[0], nil
}

// ParticipantByToken returns the participant of a personal link. Errors:
// not_found (also for an anonymised participant).
func (s *Service) ParticipantByToken(ctx context.Context, token string) (*Participant, error) {
	if len(token) < 16 {
		return nil, apperr.NotFoundErr("networking_participant")
	}
	p, err := findParticipant(ctx, s.DB, "token = ? AND anonymised_at IS NULL", token)
	if err != nil {
		return nil, err
	}
	ps := []Participant{p}
	if err := s.nameOrgs(ctx, ps); err != nil {
		return nil, err
	}
	return &ps[0], nil
}

// ParticipantOfUser returns the participant of event that is a signed-in
// user: linked to the user's person in the partner registry, or with the
// user's e-mail. Errors: not_found.
func (s *Service) ParticipantOfUser(ctx context.Context, eventID int64, personID *int64, email string) (*Participant, error) {
	pid := int64(-1)
	if personID != nil {
		pid = *personID
	}
	if email == "" {
		email = "-"
	}
	p, err := findParticipant(ctx, s.DB, "event_id = ? AND anonymised_at IS NULL AND (person_id = ? OR LOWER(email) = LOWER(?)) ORDER BY id LIMIT 1", eventID, pid, email)
	if err != nil {
		return nil, err
	}
	ps := []Participant{p}
	if err := s.nameOrgs(ctx, ps); err != nil {
		return nil, err
	}
	return &ps[0], nil
}

func (s *Service) checkParticipant(ctx context.Context, p *Participant) error {
	f := apperr.Fields{}
	if p.OrganisationID != nil {
		if _, err := s.Partners.FindOrganisationByID(ctx, *p.OrganisationID); err != nil {
			f.Add("organisation", "err.bad_reference")
		}
	}
	if p.PersonID != nil {
		if _, err := s.Partners.FindPersonByID(ctx, *p.PersonID); err != nil {
			f.Add("person_id", "err.bad_reference")
		}
	}
	return f.Err()
}

// SaveParticipant adds (id 0) or updates a participant of event.
// Errors: invalid, not_found.
func (s *Service) SaveParticipant(ctx context.Context, eventID, id int64, p Participant) (*Participant, error) {
	return s.saveParticipant(ctx, eventID, id, p, nil)
}

// saveParticipant saves p; then, in the same transaction, runs also.
func (s *Service) saveParticipant(ctx context.Context, eventID, id int64, p Participant, also func(tx *store.Tx, e *Event, p *Participant) error) (*Participant, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkParticipant(ctx, &p); err != nil {
		return nil, err
	}
	e, err := s.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	p.EventID = eventID
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if id == 0 {
			p.CreatedAt, p.UpdatedAt, p.Token = now, now, newToken()
			if err := insertParticipant(ctx, tx, &p); err != nil {
				return store.AppError(err, "networking_participant")
			}
			if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "networking_participant", EntityID: p.ID,
				Summary: "účastník č. " + itoa(p.ID), After: &p, Personal: PersonalFields}); err != nil {
				return err
			}
			if also != nil {
				return also(tx, e, &p)
			}
			return nil
		}
		before, err := findParticipant(ctx, tx, "event_id = ? AND id = ?", eventID, id)
		if err != nil {
			return err
		}
		p.ID, p.Token, p.CreatedAt, p.UpdatedAt = id, before.Token, before.CreatedAt, now
		if err := updateParticipant(ctx, tx, &p); err != nil {
			return store.AppError(err, "networking_participant")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "networking_participant", EntityID: id,
			Summary: "účastník č. " + itoa(id), Before: &before, After: &p, Personal: PersonalFields})
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Register adds a participant through the public form of an event whose
// registration is open. Errors: invalid, not_found (closed or unknown).
func (s *Service) Register(ctx context.Context, eventID int64, p Participant) (*Participant, error) {
	e, err := s.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	if !e.Registration {
		return nil, apperr.NotFoundErr("networking_event")
	}
	p.Status, p.PersonID, p.FromRound = StatusRegistered, nil, 1
	if err := p.Validate(); err != nil || p.Email == "" {
		f := apperr.Fields{}
		if fe, ok := apperr.As(err); ok {
			for k, m := range fe.Fields {
				f[k] = m
			}
		}
		if p.Email == "" {
			f.Add("email", "networking.err.email_required")
		}
		return nil, f.Err()
	}
	return s.saveParticipant(ctx, eventID, 0, p, func(tx *store.Tx, e *Event, p *Participant) error {
		if s.Outbox == nil {
			return nil
		}
		// The personal link goes by e-mail with the registration.
		return s.Outbox.Enqueue(ctx, tx, outbox.Message{Module: "networking", Kind: MailWishLink, Ref: Ref(e.ID),
			Batch: "registration", Mail: s.wishLinkMail(e, p)})
	})
}

// SetStatus marks a participant registered, absent (a no-show) or a
// walk-in; a walk-in joins from the next round not yet started.
func (s *Service) SetStatus(ctx context.Context, eventID, id int64, status string) (*Participant, error) {
	p, err := s.FindParticipant(ctx, eventID, id)
	if err != nil {
		return nil, err
	}
	p.Status = status
	return s.SaveParticipant(ctx, eventID, id, *p)
}

// ErrParticipantMet is returned when a participant to remove already met
// someone in a round held: mark them absent instead.
var ErrParticipantMet = apperr.New(apperr.Conflict, "networking.err.remove_met")

// RemoveParticipant deletes a participant added by mistake (a spam
// registration, a duplicate) with their wishes and planned meetings; one
// who met someone in a round already held stays (mark them absent).
// Errors: not_found, conflict.
func (s *Service) RemoveParticipant(ctx context.Context, eventID, id int64) error {
	b, err := s.LoadBoard(ctx, eventID)
	if err != nil {
		return err
	}
	p := b.ByID[id]
	if p == nil {
		return apperr.NotFoundErr("networking_participant")
	}
	held := b.Event.HeldRounds(s.Now(), b.Rounds)
	for _, m := range b.Meetings {
		if m.Round <= held && (m.A == id || m.B == id) {
			return ErrParticipantMet
		}
	}
	before := *p
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, q := range []string{
			`DELETE FROM networking_meetings WHERE event_id = ? AND (a_id = ? OR b_id = ?)`,
			`DELETE FROM networking_unmet WHERE event_id = ? AND (a_id = ? OR b_id = ?)`,
			`DELETE FROM networking_wishes WHERE event_id = ? AND (participant_id = ? OR target_participant_id = ?)`,
		} {
			if _, err := tx.Exec(ctx, q, eventID, id, id); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM networking_participants WHERE event_id = ? AND id = ?`, eventID, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "delete", Entity: "networking_participant", EntityID: id,
			Summary: "účastník č. " + itoa(id), Before: &before, Personal: PersonalFields})
	})
}

// Wishes returns the wishes of an event (participantID 0) or of one participant.
func (s *Service) Wishes(ctx context.Context, eventID, participantID int64) ([]Wish, error) {
	if participantID == 0 {
		return findWishes(ctx, s.DB, "event_id = ?", eventID)
	}
	return findWishes(ctx, s.DB, "event_id = ? AND participant_id = ?", eventID, participantID)
}

// wishSummary is what the audit keeps of a participant's wishes.
type wishSummary struct {
	Must, Want, Avoid []string
}

func summarize(ws []Wish) wishSummary {
	var s wishSummary
	for _, w := range ws {
		t := w.TargetService
		switch {
		case w.TargetParticipantID != nil:
			t = "participant:" + itoa(*w.TargetParticipantID)
		case w.TargetOrganisation != "":
			t = "organisation:" + w.TargetOrganisation
		default:
			t = "service:" + t
		}
		switch w.Kind {
		case WishMust:
			s.Must = append(s.Must, t)
		case WishWant:
			s.Want = append(s.Want, t)
		default:
			s.Avoid = append(s.Avoid, t)
		}
	}
	return s
}

// SetWishes replaces the wishes of one participant. Each wish names one
// target (a participant, an organisation key or a service key); a target
// is given once; the participant's own organisation and themself are
// refused; must + want are at most the event's quota. Errors: invalid
// (field "wishes"), not_found.
func (s *Service) SetWishes(ctx context.Context, eventID, participantID int64, ws []Wish) error {
	e, err := s.FindEvent(ctx, eventID)
	if err != nil {
		return err
	}
	me, err := s.FindParticipant(ctx, eventID, participantID)
	if err != nil {
		return err
	}
	ps, err := queryParticipants(ctx, s.DB, "event_id = ?", eventID)
	if err != nil {
		return err
	}
	byID := map[int64]Participant{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	f := apperr.Fields{}
	seen := map[string]bool{}
	asked := 0
	now := s.Now().UTC().Truncate(time.Microsecond)
	for i := range ws {
		w := &ws[i]
		w.EventID, w.ParticipantID, w.CreatedAt = eventID, participantID, now
		if !slices.Contains(WishKinds, w.Kind) {
			f.Add("wishes", "err.choose")
			continue
		}
		key := ""
		switch {
		case w.TargetParticipantID != nil:
			t, ok := byID[*w.TargetParticipantID]
			switch {
			case !ok:
				f.Add("wishes", "err.bad_reference")
			case t.ID == me.ID:
				f.Add("wishes", "networking.err.wish_self")
			case w.Kind != WishAvoid && t.OrgKey() != "" && t.OrgKey() == me.OrgKey():
				f.Add("wishes", "networking.err.wish_same_org", "Name", t.Name)
			}
			key = "p" + itoa(t.ID)
		case w.TargetOrganisation != "":
			if w.Kind != WishAvoid && w.TargetOrganisation == me.OrgKey() {
				f.Add("wishes", "networking.err.wish_own_org")
			}
			key = "o" + w.TargetOrganisation
		case w.TargetService != "":
			w.TargetService = czech.Fold(w.TargetService)
			key = "s" + w.TargetService
		default:
			f.Add("wishes", "networking.err.wish_target")
		}
		if seen[key] {
			f.Add("wishes", "networking.err.wish_twice")
		}
		seen[key] = true
		if w.Kind != WishAvoid {
			asked++
		}
	}
	if asked > e.Quota {
		f.Add("wishes", "networking.err.quota_exceeded", "Quota", e.Quota, "Count", asked)
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findWishes(ctx, tx, "event_id = ? AND participant_id = ?", eventID, participantID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM networking_wishes WHERE event_id = ? AND participant_id = ?`, eventID, participantID); err != nil {
			return err
		}
		for i := range ws {
			if err := insertWish(ctx, tx, &ws[i]); err != nil {
				return err
			}
		}
		b, a := summarize(before), summarize(ws)
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "wishes", Entity: "networking_participant", EntityID: participantID,
			Summary: fmt.Sprintf("účastník č. %d: %d přání", participantID, len(ws)), Before: &b, After: &a})
	})
}

// Board is everything about one event, loaded with a fixed number of queries.
type Board struct {
	Event        *Event
	Participants []Participant
	ByID         map[int64]*Participant
	Wishes       []Wish
	Meetings     []Slot
	Unmet        []Unmet
	Rounds       int
	// Stale is true when the event, participants or wishes changed after planning.
	Stale bool
}

// LoadBoard loads an event with its participants, wishes and plan.
func (s *Service) LoadBoard(ctx context.Context, eventID int64) (*Board, error) {
	e, err := s.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	b := &Board{Event: e, ByID: map[int64]*Participant{}}
	if b.Participants, err = s.Participants(ctx, eventID); err != nil {
		return nil, err
	}
	for i := range b.Participants {
		b.ByID[b.Participants[i].ID] = &b.Participants[i]
	}
	if b.Wishes, err = findWishes(ctx, s.DB, "event_id = ?", eventID); err != nil {
		return nil, err
	}
	if b.Meetings, err = findMeetings(ctx, s.DB, eventID); err != nil {
		return nil, err
	}
	if b.Unmet, err = findUnmet(ctx, s.DB, eventID); err != nil {
		return nil, err
	}
	for _, m := range b.Meetings {
		b.Rounds = max(b.Rounds, m.Round)
	}
	// Participants or wishes changed since the schedule was made.
	if e.PlannedAt != nil {
		b.Stale = e.UpdatedAt.After(*e.PlannedAt)
		for _, p := range b.Participants {
			b.Stale = b.Stale || p.UpdatedAt.After(*e.PlannedAt)
		}
		for _, w := range b.Wishes {
			b.Stale = b.Stale || w.CreatedAt.After(*e.PlannedAt)
		}
	}
	return b, nil
}

// PlanReport says what Plan did.
type PlanReport struct {
	Rounds, Held, Meetings, LowerBound int
	Optimal                            bool
	Unmet                              int
	MustUnmet                          int
}

// resolve turns the wishes into scheduler pairs: a wish for an
// organisation or a service type becomes a meeting with one of its
// participants (one who asked back if any, else the least asked), an
// avoidance of them avoids them all.
func resolve(b *Board, present map[int64]bool) (wishes, must, avoid []Pair, kinds map[[2]int64]Kind) {
	id := func(x int64) string { return strconv.FormatInt(x, 10) }
	kinds = map[[2]int64]Kind{}
	key := func(a, c int64) [2]int64 {
		if a > c {
			a, c = c, a
		}
		return [2]int64{a, c}
	}
	direct := map[[2]int64]bool{} // a asked for b by name
	for _, w := range b.Wishes {
		if w.TargetParticipantID != nil && w.Kind != WishAvoid {
			direct[[2]int64{w.ParticipantID, *w.TargetParticipantID}] = true
		}
	}
	load := map[int64]int{}
	for _, w := range b.Wishes {
		if w.TargetParticipantID != nil && w.Kind != WishAvoid {
			load[*w.TargetParticipantID]++
		}
	}
	named, refused := map[[2]int64]bool{}, map[[2]int64]bool{}
	for _, w := range b.Wishes {
		if w.TargetParticipantID != nil {
			if w.Kind == WishAvoid {
				refused[key(w.ParticipantID, *w.TargetParticipantID)] = true
			} else {
				named[key(w.ParticipantID, *w.TargetParticipantID)] = true
			}
		}
	}
	for _, w := range b.Wishes {
		// An avoided organisation or service refuses its people too.
		if w.Kind == WishAvoid && w.TargetParticipantID == nil {
			for _, p := range b.Participants {
				if (w.TargetOrganisation != "" && p.OrgKey() == w.TargetOrganisation) || (w.TargetService != "" && p.ServiceKey() == w.TargetService) {
					refused[key(w.ParticipantID, p.ID)] = true
				}
			}
		}
	}
	avoided := map[[2]int64]bool{}
	add := func(w Wish, t int64) {
		if !present[w.ParticipantID] || !present[t] || t == w.ParticipantID {
			return
		}
		k := key(w.ParticipantID, t)
		switch w.Kind {
		case WishMust:
			must = append(must, Pair{id(w.ParticipantID), id(t)})
			kinds[k] = KindMust
		case WishWant:
			wishes = append(wishes, Pair{id(w.ParticipantID), id(t)})
			if kinds[k] == 0 {
				kinds[k] = KindWish
			}
		case WishAvoid:
			if !avoided[k] {
				avoided[k] = true
				avoid = append(avoid, Pair{id(w.ParticipantID), id(t)})
			}
		}
	}
	for _, w := range b.Wishes {
		me := b.ByID[w.ParticipantID]
		if me == nil {
			continue
		}
		if w.TargetParticipantID != nil {
			add(w, *w.TargetParticipantID)
			continue
		}
		var group []int64
		for _, p := range b.Participants {
			if !present[p.ID] || p.ID == me.ID || (me.OrgKey() != "" && p.OrgKey() == me.OrgKey()) {
				continue
			}
			// A wish for an organisation or a service finds someone new,
			// never one who avoids the wisher or whom they avoid.
			if w.Kind != WishAvoid && (named[key(me.ID, p.ID)] || refused[key(me.ID, p.ID)]) {
				continue
			}
			if (w.TargetOrganisation != "" && p.OrgKey() == w.TargetOrganisation) || (w.TargetService != "" && p.ServiceKey() == w.TargetService) {
				group = append(group, p.ID)
			}
		}
		if len(group) == 0 {
			continue
		}
		if w.Kind == WishAvoid {
			for _, t := range group {
				add(w, t)
			}
			continue
		}
		best := group[0]
		for _, t := range group {
			switch {
			case direct[[2]int64{t, me.ID}] && !direct[[2]int64{best, me.ID}]:
				best = t
			case direct[[2]int64{t, me.ID}] == direct[[2]int64{best, me.ID}] && load[t] < load[best]:
				best = t
			}
		}
		load[best]++
		add(w, best)
	}
	// A must-meet that the other avoids cannot be: it is left to the
	// scheduler as a wish, which reports it as avoided.
	kept := must[:0]
	for _, p := range must {
		a, _ := strconv.ParseInt(p[0], 10, 64)
		c, _ := strconv.ParseInt(p[1], 10, 64)
		if avoided[key(a, c)] {
			wishes = append(wishes, p)
			continue
		}
		kept = append(kept, p)
	}
	return wishes, kept, avoid, kinds
}

// Plan schedules the rounds of an event from its wishes. Rounds that have
// started by now stay as they were (a re-plan after a no-show or a walk-in
// changes only the rounds to come); absent participants get no more
// meetings. Errors: not_found.
func (s *Service) Plan(ctx context.Context, eventID int64) (*PlanReport, error) {
	b, err := s.LoadBoard(ctx, eventID)
	if err != nil {
		return nil, err
	}
	e := b.Event
	held := e.HeldRounds(s.Now(), b.Rounds)
	present := map[int64]bool{}
	var people []Person
	for _, p := range b.Participants {
		if p.Present() && p.AnonymisedAt == nil {
			present[p.ID] = true
			people = append(people, Person{ID: strconv.FormatInt(p.ID, 10), Org: p.OrgKey()})
		}
	}
	in := Input{People: people, Tables: e.Tables}
	in.Wishes, in.Must, in.Avoid, _ = resolve(b, present)
	var frozen []Slot
	for _, m := range b.Meetings {
		if m.Round <= held {
			frozen = append(frozen, m)
			if present[m.A] && present[m.B] {
				in.Frozen = append(in.Frozen, Pair{strconv.FormatInt(m.A, 10), strconv.FormatInt(m.B, 10)})
			}
		}
	}
	noRoom := false
	if e.MaxRounds > 0 {
		if in.Rounds = e.MaxRounds - held; in.Rounds <= 0 {
			in.Rounds, noRoom = 0, true
		}
	}
	res, err := Schedule(in)
	if err != nil {
		return nil, err
	}
	if noRoom {
		// Every round of the cap has started: what is left cannot meet.
		for _, round := range res.Rounds {
			for _, m := range round {
				res.Unscheduled = append(res.Unscheduled, Unscheduled{Pair{m.A, m.B}, m.Kind, ReasonRounds})
			}
		}
		res.Rounds, res.Optimal = nil, false
	}
	parse := func(x string) int64 { v, _ := strconv.ParseInt(x, 10, 64); return v }
	rep := &PlanReport{Held: held, LowerBound: res.LowerBound, Optimal: res.Optimal && held == 0}
	now := s.Now().UTC().Truncate(time.Microsecond)
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM networking_meetings WHERE event_id = ? AND round > ?`, eventID, held); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM networking_unmet WHERE event_id = ?`, eventID); err != nil {
			return err
		}
		var rows [][]any
		for i, round := range res.Rounds {
			for _, m := range round {
				rows = append(rows, []any{eventID, held + i + 1, m.Table, parse(m.A), parse(m.B), m.Kind.String()})
			}
		}
		if err := insertRows(ctx, tx, `INSERT INTO networking_meetings (event_id, round, table_no, a_id, b_id, kind) VALUES `, 6, rows); err != nil {
			return err
		}
		rep.Meetings = len(rows) + len(frozen)
		rep.Rounds = held + len(res.Rounds)
		rows = rows[:0]
		for _, u := range res.Unscheduled {
			rows = append(rows, []any{eventID, parse(u.Pair[0]), parse(u.Pair[1]), u.Kind.String(), u.Reason})
			rep.Unmet++
			if u.Kind == KindMust {
				rep.MustUnmet++
			}
		}
		if err := insertRows(ctx, tx, `INSERT INTO networking_unmet (event_id, a_id, b_id, kind, reason) VALUES `, 5, rows); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE networking_events SET planned_at = ?, lower_bound = ?, optimal = ?, updated_at = ? WHERE id = ?`,
			now, rep.LowerBound, rep.Optimal, now, eventID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "plan", Entity: "networking_event", EntityID: eventID,
			Summary: fmt.Sprintf("%s: %d kol, %d setkání (dolní mez %d, drženo %d)", e.Title, rep.Rounds, rep.Meetings, rep.LowerBound, held), After: rep})
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// Retention is what AnonymiseParticipants did or would do.
type Retention struct {
	Cutoff time.Time
	Count  int
}

// RetentionMonths is how long participants' names and contacts are kept
// after their event.
const RetentionMonths = 36

// AnonymiseParticipants removes names and contacts of the participants of
// events that started more than months ago (each in its own transaction,
// with its audit row); the meetings stay for the counts.
func (s *Service) AnonymiseParticipants(ctx context.Context, months int, dryRun bool) (Retention, error) {
	if months <= 0 {
		months = RetentionMonths
	}
	cutoff := s.Now().UTC().AddDate(0, -months, 0)
	ps, err := queryParticipants(ctx, s.DB, `anonymised_at IS NULL AND event_id IN (SELECT id FROM networking_events WHERE starts_at < ?)`, cutoff)
	if err != nil {
		return Retention{}, err
	}
	r := Retention{Cutoff: cutoff}
	if dryRun {
		r.Count = len(ps)
		return r, nil
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	for _, p := range ps {
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE networking_participants SET name = ?, email = '', phone = '', person_id = NULL, sort_key = '', share_contacts = ?,
				token = ?, anonymised_at = ?, updated_at = ? WHERE id = ? AND anonymised_at IS NULL`, "anonymizováno", false, "anon-"+newToken(), now, now, p.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "anonymise", Entity: "networking_participant", EntityID: p.ID,
				Summary: "účastník č. " + itoa(p.ID)})
		})
		if err != nil {
			return r, err
		}
		r.Count++
	}
	return r, nil
}

// ErrNoFeedback is returned when no survey module makes feedback forms.
var ErrNoFeedback = apperr.New(apperr.Conflict, "networking.err.no_feedback")

// EnsureFeedback asks the survey module for the event's feedback form
// (the same one every time) and keeps its address for the participants'
// pages. Errors: not_found, conflict without the survey module.
func (s *Service) EnsureFeedback(ctx context.Context, eventID int64) (*Event, error) {
	if s.Feedback == nil {
		return nil, ErrNoFeedback
	}
	e, err := s.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	form, err := s.Feedback.EnsureFeedback(ctx, feedback.Request{Owner: e.Owner(), Title: "Zpětná vazba: " + e.Title,
		Opens: e.StartsAt, Closes: e.StartsAt.AddDate(0, 0, 30), Audience: "účastníci rotující seznamky"})
	if err != nil {
		return nil, err
	}
	if form.RespondURL == e.FeedbackURL {
		return e, nil
	}
	before := *e
	e.FeedbackURL = form.RespondURL
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE networking_events SET feedback_url = ? WHERE id = ?`, e.FeedbackURL, e.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "feedback", Entity: "networking_event", EntityID: e.ID, Summary: e.Title, Before: &before, After: e})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// FeedbackResult returns the summary of the event's feedback; false when
// there is none (no survey module, no form yet).
func (s *Service) FeedbackResult(ctx context.Context, e *Event) (feedback.Result, bool, error) {
	if s.Feedback == nil || e.FeedbackURL == "" {
		return feedback.Result{}, false, nil
	}
	m, err := s.Feedback.FeedbackResults(ctx, []string{e.Owner()})
	if err != nil {
		return feedback.Result{}, false, err
	}
	r, ok := m[e.Owner()]
	return r, ok, nil
}

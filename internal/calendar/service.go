package calendar

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Service runs the calendar's rules: who may submit and edit what, the
// approval, and one audit row per change.
type Service struct {
	DB       *store.DB
	Audit    *audit.Log
	Now      func() time.Time
	Partners *partner.Service
	// SiteID is the domain of the feed's UIDs (ical.SiteID).
	SiteID  string
	sources []EventSource
}

// NewService returns the calendar's service.
func NewService(db *store.DB, log *audit.Log, now func() time.Time, partners *partner.Service) *Service {
	return &Service{DB: db, Audit: log, Now: now, Partners: partners}
}

// AddSource adds the public events of another module to the calendar.
func (s *Service) AddSource(src EventSource) { s.sources = append(s.sources, src) }

// names returns organisation and target-group names by id (two queries,
// whatever the number of events).
func (s *Service) names(ctx context.Context) (orgs, groups map[int64]string, err error) {
	os, _, err := s.Partners.FindOrganisations(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, nil, err
	}
	gs, _, err := s.Partners.FindTargetGroups(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, nil, err
	}
	orgs, groups = map[int64]string{}, map[int64]string{}
	for _, o := range os {
		orgs[o.ID] = o.Name
	}
	for _, g := range gs {
		groups[g.ID] = g.Name
	}
	return orgs, groups, nil
}

func (s *Service) name(ctx context.Context, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	orgs, groups, err := s.names(ctx)
	if err != nil {
		return err
	}
	for i := range events {
		if id := events[i].OrganisationID; id != nil {
			events[i].Organiser = orgs[*id]
		}
		events[i].TargetGroups = []string{}
		for _, g := range events[i].TargetGroupIDs {
			events[i].TargetGroups = append(events[i].TargetGroups, groups[g])
		}
	}
	return nil
}

// FindEvents returns the events matching f (approved only unless f.States
// says otherwise), with organiser and target-group names.
func (s *Service) FindEvents(ctx context.Context, f Filter) ([]Event, int, error) {
	evs, total, err := findEvents(ctx, s.DB, f)
	if err != nil {
		return nil, 0, err
	}
	return evs, total, s.name(ctx, evs)
}

// canManage reports whether u may edit ev: staff, or the provider of the
// event's organisation.
func canManage(u *auth.User, ev *Event) bool {
	if u.IsStaff() {
		return true
	}
	return u.Is(auth.RoleProvider) && u.OrganisationID != nil && ev.OrganisationID != nil && *u.OrganisationID == *ev.OrganisationID
}

// FindEventFor returns event id as u may see it: approved events to anyone,
// others only to staff and the event's own provider. Errors: not_found.
func (s *Service) FindEventFor(ctx context.Context, u *auth.User, id int64) (*Event, error) {
	ev, err := findEvent(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if ev.State != StateApproved && (u == nil || !canManage(u, &ev)) {
		return nil, apperr.NotFoundErr("event")
	}
	evs := []Event{ev}
	if err := s.name(ctx, evs); err != nil {
		return nil, err
	}
	return &evs[0], nil
}

// CanManage reports whether u may edit ev (for the pages' buttons).
func CanManage(u *auth.User, ev *Event) bool { return u != nil && canManage(u, ev) }

func (s *Service) checkRefs(ctx context.Context, ev *Event) error {
	f := apperr.Fields{}
	if ev.OrganisationID != nil {
		if _, err := s.Partners.FindOrganisationByID(ctx, *ev.OrganisationID); err != nil {
			f.Add("organisation_id", "err.bad_reference")
		}
	}
	if len(ev.TargetGroupIDs) > 0 {
		_, groups, err := s.names(ctx)
		if err != nil {
			return err
		}
		for _, id := range ev.TargetGroupIDs {
			if _, ok := groups[id]; !ok {
				f.Add("target_group_ids", "err.bad_reference")
			}
		}
	}
	return f.Err()
}

// SubmitEvent stores a new event from u. A provider's event belongs to their
// organisation and waits for approval; the coordinator's is approved at once.
// Errors: forbidden, invalid.
func (s *Service) SubmitEvent(ctx context.Context, u *auth.User, ev Event) (*Event, error) {
	switch {
	case u.IsStaff():
		ev.State = StateApproved
	case u.Is(auth.RoleProvider) && u.OrganisationID != nil:
		ev.OrganisationID = u.OrganisationID
		ev.State = StatePending
	default:
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	ev.RejectReason = ""
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkRefs(ctx, &ev); err != nil {
		return nil, err
	}
	if u.ID != 0 {
		ev.SubmittedBy = &u.ID
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		ev.CreatedAt = s.Now().UTC().Truncate(time.Microsecond)
		ev.UpdatedAt = ev.CreatedAt
		if err := insertEvent(ctx, tx, &ev); err != nil {
			return store.AppError(err, "event")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "event", EntityID: ev.ID, Summary: ev.Title, After: &ev})
	})
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// UpdateEvent replaces event id. A provider may edit only their
// organisation's events, and the edit waits for approval again.
// Errors: not_found, forbidden, invalid.
func (s *Service) UpdateEvent(ctx context.Context, u *auth.User, id int64, ev Event) (*Event, error) {
	before, err := findEvent(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !canManage(u, &before) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if u.IsStaff() {
		ev.State, ev.RejectReason = before.State, before.RejectReason
	} else {
		ev.OrganisationID, ev.State, ev.RejectReason = before.OrganisationID, StatePending, ""
	}
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkRefs(ctx, &ev); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		ev.ID, ev.CreatedAt, ev.SubmittedBy = id, before.CreatedAt, before.SubmittedBy
		ev.UpdatedAt = s.Now().UTC().Truncate(time.Microsecond)
		if err := updateEvent(ctx, tx, &ev); err != nil {
			return store.AppError(err, "event")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "event", EntityID: id, Summary: ev.Title, Before: &before, After: &ev})
	})
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// ErrNotPending is returned when an event that is not waiting is approved or rejected.
var ErrNotPending = errors.New("calendar: not pending")

// Decide approves (approve=true) or rejects an event; a rejection needs a
// reason the provider will read. Only staff (the route's policy).
// Errors: not_found, invalid (no reason).
func (s *Service) Decide(ctx context.Context, id int64, approve bool, reason string) (*Event, error) {
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		f := apperr.Fields{}
		f.Add("reason", "calendar.err.reason_required")
		return nil, f.Err()
	}
	var ev Event
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findEvent(ctx, tx, id)
		if err != nil {
			return err
		}
		ev = before
		action := "approve"
		ev.State, ev.RejectReason = StateApproved, ""
		if !approve {
			action = "reject"
			ev.State, ev.RejectReason = StateRejected, reason
		}
		ev.UpdatedAt = s.Now().UTC().Truncate(time.Microsecond)
		if _, err := tx.Exec(ctx, `UPDATE events SET state = ?, reject_reason = ?, updated_at = ? WHERE id = ?`, ev.State, ev.RejectReason, ev.UpdatedAt, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "event", EntityID: id, Summary: ev.Title, Before: &before, After: &ev})
	})
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// PublicItems returns the approved events and the other modules' public
// events overlapping [from, to), in one category when category is not "",
// by start. A failing source is skipped (the calendar stays up) and reported
// in the error list.
func (s *Service) PublicItems(ctx context.Context, from, to time.Time, category string) ([]Item, []error, error) {
	evs, _, err := s.FindEvents(ctx, Filter{From: from, To: to, Category: category, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, nil, err
	}
	items := make([]Item, 0, len(evs))
	for _, e := range evs {
		items = append(items, e.Item())
	}
	var errs []error
	for _, src := range s.sources {
		ext, err := src.PublicEvents(ctx, from, to)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, x := range ext {
			if category != "" && x.Category != category {
				continue
			}
			if !slices.Contains(Categories, x.Category) {
				x.Category = "setkani"
			}
			if x.End.Before(x.Start) {
				x.End = x.Start
			}
			items = append(items, Item{UID: x.UID, Title: x.Title, Category: x.Category, Place: x.Place, Accessibility: "unknown",
				URL: x.URL, Description: x.Description, Start: x.Start, End: x.End, AllDay: x.AllDay})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Start.Before(items[j].Start) })
	return items, errs, nil
}

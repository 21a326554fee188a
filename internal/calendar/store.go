package calendar

import (
	"context"
	"strconv"
	"strings"
	"time"

	"kpss/internal/czech"
	"kpss/internal/store"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// Filter selects events.
type Filter struct {
	States         []string  // empty: approved only
	From, To       time.Time // overlapping [From, To); zero: open
	EndsBefore     time.Time // only events ended before (the archive)
	Category       string
	TargetGroupID  int64
	OrganisationID int64
	Q              string
	Newest         bool // newest first (the archive)
	store.Paging
}

const eventCols = `e.id, e.title, e.category, e.organisation_id, e.place, e.accessibility, e.accessibility_note, e.description, e.web,
	e.starts_at, e.ends_at, e.all_day, e.state, e.reject_reason, e.submitted_by, e.created_at, e.updated_at`

type scanner interface{ Scan(...any) error }

func scanEvent(s scanner) (Event, error) {
	var e Event
	err := s.Scan(&e.ID, &e.Title, &e.Category, &e.OrganisationID, &e.Place, &e.Accessibility, &e.AccessibilityNote, &e.Description, &e.Web,
		&e.Start, &e.End, &e.AllDay, &e.State, &e.RejectReason, &e.SubmittedBy, &e.CreatedAt, &e.UpdatedAt)
	return e, err
}

func (f Filter) where() (string, []any) {
	states := f.States
	if len(states) == 0 {
		states = []string{StateApproved}
	}
	where := []string{"e.state IN (" + store.Placeholders(len(states)) + ")"}
	var args []any
	for _, s := range states {
		args = append(args, s)
	}
	if !f.From.IsZero() {
		where = append(where, "e.ends_at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where = append(where, "e.starts_at < ?")
		args = append(args, f.To.UTC())
	}
	if !f.EndsBefore.IsZero() {
		where = append(where, "e.ends_at < ?")
		args = append(args, f.EndsBefore.UTC())
	}
	if f.Category != "" {
		where = append(where, "e.category = ?")
		args = append(args, f.Category)
	}
	if f.OrganisationID != 0 {
		where = append(where, "e.organisation_id = ?")
		args = append(args, f.OrganisationID)
	}
	if f.TargetGroupID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM event_target_groups g WHERE g.event_id = e.id AND g.target_group_id = ?)")
		args = append(args, f.TargetGroupID)
	}
	for _, w := range store.LikeWords(czech.Fold(f.Q)) {
		where = append(where, `e.search LIKE ? ESCAPE '\'`)
		args = append(args, w)
	}
	return strings.Join(where, " AND "), args
}

// findEvents returns a page of events and the total, with their target
// groups, in two queries plus the count.
func findEvents(ctx context.Context, q store.Q, f Filter) ([]Event, int, error) {
	cond, args := f.where()
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM events e WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := "e.starts_at, e.id"
	if f.Newest {
		order = "e.starts_at DESC, e.id DESC"
	}
	query := `SELECT ` + eventCols + ` FROM events e WHERE ` + cond + ` ORDER BY ` + order
	if f.PerPage >= 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit(), f.Offset())
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	return out, total, loadTargetGroups(ctx, q, out)
}

func loadTargetGroups(ctx context.Context, q store.Q, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(events))
	for i, e := range events {
		idx[e.ID] = i
		args[i] = e.ID
		events[i].TargetGroupIDs = []int64{}
	}
	rows, err := q.Query(ctx, `SELECT event_id, target_group_id FROM event_target_groups WHERE event_id IN (`+store.Placeholders(len(args))+`) ORDER BY event_id, target_group_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ev, tg int64
		if err := rows.Scan(&ev, &tg); err != nil {
			return err
		}
		events[idx[ev]].TargetGroupIDs = append(events[idx[ev]].TargetGroupIDs, tg)
	}
	return rows.Err()
}

func findEvent(ctx context.Context, q store.Q, id int64) (Event, error) {
	e, err := scanEvent(q.QueryRow(ctx, `SELECT `+eventCols+` FROM events e WHERE e.id = ?`, id))
	if err != nil {
		return e, store.AppError(store.MapError(err), "event")
	}
	evs := []Event{e}
	if err := loadTargetGroups(ctx, q, evs); err != nil {
		return e, err
	}
	return evs[0], nil
}

func eventSearch(e *Event) string {
	return czech.FoldJoin(e.Title, e.Place, e.Description, e.Organiser)
}

func insertEvent(ctx context.Context, q store.Q, e *Event) error {
	var err error
	e.ID, err = store.InsertID(ctx, q, `INSERT INTO events (title, category, organisation_id, place, accessibility, accessibility_note, description, web,
		starts_at, ends_at, all_day, state, reject_reason, submitted_by, search, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Title, e.Category, e.OrganisationID, e.Place, e.Accessibility, e.AccessibilityNote,
		e.Description, e.Web, e.Start.UTC(), e.End.UTC(), e.AllDay, e.State, e.RejectReason, e.SubmittedBy, eventSearch(e), e.CreatedAt, e.UpdatedAt)
	if err != nil {
		return err
	}
	return saveTargetGroups(ctx, q, e)
}

func updateEvent(ctx context.Context, q store.Q, e *Event) error {
	_, err := q.Exec(ctx, `UPDATE events SET title = ?, category = ?, organisation_id = ?, place = ?, accessibility = ?, accessibility_note = ?, description = ?, web = ?,
		starts_at = ?, ends_at = ?, all_day = ?, state = ?, reject_reason = ?, search = ?, updated_at = ? WHERE id = ?`,
		e.Title, e.Category, e.OrganisationID, e.Place, e.Accessibility, e.AccessibilityNote, e.Description, e.Web,
		e.Start.UTC(), e.End.UTC(), e.AllDay, e.State, e.RejectReason, eventSearch(e), e.UpdatedAt, e.ID)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM event_target_groups WHERE event_id = ?`, e.ID); err != nil {
		return err
	}
	return saveTargetGroups(ctx, q, e)
}

func saveTargetGroups(ctx context.Context, q store.Q, e *Event) error {
	seen := map[int64]bool{}
	for _, id := range e.TargetGroupIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := q.Exec(ctx, `INSERT INTO event_target_groups (event_id, target_group_id) VALUES (?, ?)`, e.ID, id); err != nil {
			return err
		}
	}
	return nil
}

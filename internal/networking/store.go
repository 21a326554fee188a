package networking

import (
	"context"
	"strings"

	"kpss/internal/czech"
	"kpss/internal/store"
)

type scanner interface{ Scan(...any) error }

const eventCols = `id, title, starts_at, place, tables_count, round_minutes, change_minutes, break_every, break_minutes,
	max_rounds, quota, registration, note, planned_at, lower_bound, optimal, feedback_url, created_at, updated_at`

func scanEvent(s scanner) (Event, error) {
	var e Event
	err := s.Scan(&e.ID, &e.Title, &e.StartsAt, &e.Place, &e.Tables, &e.RoundMinutes, &e.ChangeMinutes, &e.BreakEvery, &e.BreakMinutes,
		&e.MaxRounds, &e.Quota, &e.Registration, &e.Note, &e.PlannedAt, &e.LowerBound, &e.Optimal, &e.FeedbackURL, &e.CreatedAt, &e.UpdatedAt)
	return e, err
}

func findEvents(ctx context.Context, q store.Q) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT `+eventCols+` FROM networking_events ORDER BY starts_at DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func findEvent(ctx context.Context, q store.Q, id int64) (Event, error) {
	e, err := scanEvent(q.QueryRow(ctx, `SELECT `+eventCols+` FROM networking_events WHERE id = ?`, id))
	if err != nil {
		return e, store.AppError(store.MapError(err), "networking_event")
	}
	return e, nil
}

func insertEvent(ctx context.Context, q store.Q, e *Event) error {
	var err error
	e.ID, err = store.InsertID(ctx, q, `INSERT INTO networking_events (title, starts_at, place, tables_count, round_minutes, change_minutes,
		break_every, break_minutes, max_rounds, quota, registration, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Title, e.StartsAt.UTC(), e.Place, e.Tables, e.RoundMinutes, e.ChangeMinutes, e.BreakEvery, e.BreakMinutes, e.MaxRounds, e.Quota,
		e.Registration, e.Note, e.CreatedAt, e.UpdatedAt)
	return err
}

func updateEvent(ctx context.Context, q store.Q, e *Event) error {
	_, err := q.Exec(ctx, `UPDATE networking_events SET title = ?, starts_at = ?, place = ?, tables_count = ?, round_minutes = ?, change_minutes = ?,
		break_every = ?, break_minutes = ?, max_rounds = ?, quota = ?, registration = ?, note = ?, updated_at = ? WHERE id = ?`,
		e.Title, e.StartsAt.UTC(), e.Place, e.Tables, e.RoundMinutes, e.ChangeMinutes, e.BreakEvery, e.BreakMinutes, e.MaxRounds, e.Quota,
		e.Registration, e.Note, e.UpdatedAt, e.ID)
	return err
}

const participantCols = `id, event_id, name, email, phone, person_id, organisation_id, organisation_name, service, share_contacts,
	token, status, from_round, anonymised_at, created_at, updated_at`

func scanParticipant(s scanner) (Participant, error) {
	var p Participant
	err := s.Scan(&p.ID, &p.EventID, &p.Name, &p.Email, &p.Phone, &p.PersonID, &p.OrganisationID, &p.OrganisationName, &p.Service,
		&p.ShareContacts, &p.Token, &p.Status, &p.FromRound, &p.AnonymisedAt, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

func queryParticipants(ctx context.Context, q store.Q, where string, args ...any) ([]Participant, error) {
	rows, err := q.Query(ctx, `SELECT `+participantCols+` FROM networking_participants WHERE `+where+` ORDER BY sort_key, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Participant{}
	for rows.Next() {
		p, err := scanParticipant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func findParticipant(ctx context.Context, q store.Q, where string, args ...any) (Participant, error) {
	p, err := scanParticipant(q.QueryRow(ctx, `SELECT `+participantCols+` FROM networking_participants WHERE `+where, args...))
	if err != nil {
		return p, store.AppError(store.MapError(err), "networking_participant")
	}
	return p, nil
}

func insertParticipant(ctx context.Context, q store.Q, p *Participant) error {
	var err error
	p.ID, err = store.InsertID(ctx, q, `INSERT INTO networking_participants (event_id, name, email, phone, person_id, organisation_id,
		organisation_name, service, share_contacts, token, status, from_round, sort_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.EventID, p.Name, p.Email, p.Phone, p.PersonID, p.OrganisationID, p.OrganisationName, p.Service, p.ShareContacts, p.Token,
		p.Status, p.FromRound, nameSortKey(p.Name), p.CreatedAt, p.UpdatedAt)
	return err
}

func updateParticipant(ctx context.Context, q store.Q, p *Participant) error {
	_, err := q.Exec(ctx, `UPDATE networking_participants SET name = ?, email = ?, phone = ?, person_id = ?, organisation_id = ?,
		organisation_name = ?, service = ?, share_contacts = ?, status = ?, from_round = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.Email, p.Phone, p.PersonID, p.OrganisationID, p.OrganisationName, p.Service, p.ShareContacts, p.Status, p.FromRound,
		nameSortKey(p.Name), p.UpdatedAt, p.ID)
	return err
}

func findWishes(ctx context.Context, q store.Q, where string, args ...any) ([]Wish, error) {
	rows, err := q.Query(ctx, `SELECT id, event_id, participant_id, kind, target_participant_id, target_organisation, target_service, created_at
		FROM networking_wishes WHERE `+where+` ORDER BY participant_id, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Wish{}
	for rows.Next() {
		var w Wish
		if err := rows.Scan(&w.ID, &w.EventID, &w.ParticipantID, &w.Kind, &w.TargetParticipantID, &w.TargetOrganisation, &w.TargetService, &w.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

func insertWish(ctx context.Context, q store.Q, w *Wish) error {
	var err error
	w.ID, err = store.InsertID(ctx, q, `INSERT INTO networking_wishes (event_id, participant_id, kind, target_participant_id, target_organisation, target_service, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, w.EventID, w.ParticipantID, w.Kind, w.TargetParticipantID, w.TargetOrganisation, w.TargetService, w.CreatedAt)
	return err
}

func findMeetings(ctx context.Context, q store.Q, eventID int64) ([]Slot, error) {
	rows, err := q.Query(ctx, `SELECT round, table_no, a_id, b_id, kind FROM networking_meetings WHERE event_id = ? ORDER BY round, table_no`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Slot{}
	for rows.Next() {
		var m Slot
		if err := rows.Scan(&m.Round, &m.Table, &m.A, &m.B, &m.Kind); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func findUnmet(ctx context.Context, q store.Q, eventID int64) ([]Unmet, error) {
	rows, err := q.Query(ctx, `SELECT a_id, b_id, kind, reason FROM networking_unmet WHERE event_id = ? ORDER BY id`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Unmet{}
	for rows.Next() {
		var u Unmet
		if err := rows.Scan(&u.A, &u.B, &u.Kind, &u.Reason); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// nameSortKey sorts people by surname, then first name, leaving out
// academic titles ("Mgr. Jana Dvořáková, Ph.D." sorts as "Dvořáková Jana").
func nameSortKey(name string) string {
	name, _, _ = strings.Cut(name, ",")
	var words []string
	for _, w := range strings.Fields(name) {
		if !strings.HasSuffix(w, ".") {
			words = append(words, w)
		}
	}
	if len(words) > 1 {
		words = append([]string{words[len(words)-1]}, words[:len(words)-1]...)
	}
	return czech.SortKey(strings.Join(words, " "))
}

// insertRows inserts rows of cols values each, 100 rows a statement.
func insertRows(ctx context.Context, q store.Q, head string, cols int, rows [][]any) error {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for len(rows) > 0 {
		n := min(len(rows), 100)
		var args []any
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := q.Exec(ctx, head+strings.TrimSuffix(strings.Repeat(one+", ", n), ", "), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

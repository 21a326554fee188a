package workshop

import (
	"context"

	"kpss/internal/store"
)

type scanner interface{ Scan(...any) error }

func rowsOf[T any](ctx context.Context, q store.Q, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func one[T any](ctx context.Context, q store.Q, scan func(scanner) (T, error), entity, query string, args ...any) (T, error) {
	v, err := scan(q.QueryRow(ctx, query, args...))
	if err != nil {
		var zero T
		return zero, store.AppError(store.MapError(err), entity)
	}
	return v, nil
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func in(n int) string { return "(" + store.Placeholders(n) + ")" }

const workshopCols = `w.id, w.topic, w.description, w.lecturer_name, w.lecturer_org, w.lecturer_bio, w.place_id, w.organiser,
	w.min_participants, w.cert_percent, w.offer_hours, w.state, w.created_at, w.updated_at`

func scanWorkshop(s scanner) (Workshop, error) {
	var w Workshop
	err := s.Scan(&w.ID, &w.Topic, &w.Description, &w.LecturerName, &w.LecturerOrg, &w.LecturerBio, &w.PlaceID, &w.Organiser,
		&w.MinParticipants, &w.CertPercent, &w.OfferHours, &w.State, &w.CreatedAt, &w.UpdatedAt)
	return w, err
}

const blockCols = `b.id, b.workshop_id, b.title, b.starts_at, b.ends_at, b.break_minutes, b.code`

func scanBlock(s scanner) (Block, error) {
	var b Block
	err := s.Scan(&b.ID, &b.WorkshopID, &b.Title, &b.StartsAt, &b.EndsAt, &b.BreakMinutes, &b.Code)
	return b, err
}

const regCols = `r.id, r.workshop_id, r.user_id, r.name, r.email, r.phone, r.organisation, r.role, r.audience, r.needs, r.assistant,
	r.state, r.position, r.offer_expires_at, r.token, r.person_key, r.anonymised_at, r.created_at, r.updated_at`

func scanReg(s scanner) (Registration, error) {
	var r Registration
	err := s.Scan(&r.ID, &r.WorkshopID, &r.UserID, &r.Name, &r.Email, &r.Phone, &r.Organisation, &r.Role, &r.Audience, &r.Needs, &r.Assistant,
		&r.State, &r.Position, &r.OfferExpiresAt, &r.Token, &r.PersonKey, &r.AnonymisedAt, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

const certCols = `c.id, c.number, c.code, c.workshop_id, c.registration_id, c.holder, c.hours_minutes, c.issued_at`

func scanCert(s scanner) (Certificate, error) {
	var c Certificate
	err := s.Scan(&c.ID, &c.Number, &c.Code, &c.WorkshopID, &c.RegistrationID, &c.Holder, &c.Minutes, &c.IssuedAt)
	return c, err
}

// loadBlocks returns the blocks of the workshops, by workshop, in time order.
func loadBlocks(ctx context.Context, q store.Q, ids []int64) (map[int64][]Block, error) {
	out := map[int64][]Block{}
	if len(ids) == 0 {
		return out, nil
	}
	bs, err := rowsOf(ctx, q, scanBlock, `SELECT `+blockCols+` FROM workshop_blocks b WHERE b.workshop_id IN `+in(len(ids))+` ORDER BY b.starts_at, b.id`, int64Args(ids)...)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		out[b.WorkshopID] = append(out[b.WorkshopID], b)
	}
	return out, nil
}

// loadQuotas returns the quotas and the places taken per audience.
func loadQuotas(ctx context.Context, q store.Q, ids []int64) (quotas, taken map[int64]map[string]int, err error) {
	quotas, taken = map[int64]map[string]int{}, map[int64]map[string]int{}
	if len(ids) == 0 {
		return
	}
	rows, err := q.Query(ctx, `SELECT workshop_id, audience, places FROM workshop_quotas WHERE workshop_id IN `+in(len(ids)), int64Args(ids)...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id int64
		var a string
		var n int
		if err := rows.Scan(&id, &a, &n); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if quotas[id] == nil {
			quotas[id] = map[string]int{}
		}
		quotas[id][a] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = q.Query(ctx, `SELECT workshop_id, audience, COUNT(*) FROM workshop_registrations
		WHERE workshop_id IN `+in(len(ids))+` AND state IN ('confirmed', 'offered') AND assistant = ? GROUP BY workshop_id, audience`, append(int64Args(ids), false)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a string
		var n int
		if err := rows.Scan(&id, &a, &n); err != nil {
			return nil, nil, err
		}
		if taken[id] == nil {
			taken[id] = map[string]int{}
		}
		taken[id][a] = n
	}
	return quotas, taken, rows.Err()
}

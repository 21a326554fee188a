package workshop

import (
	"context"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/store"
)

// AttendanceTally sums up who attended a workshop.
type AttendanceTally struct {
	// Participants attended at least one block (assistants not counted).
	Participants int
	// Eligible attended at least the certificate share of the net hours.
	Eligible int
	// Minutes is the net time each registration attended, by registration.
	Minutes map[int64]int
	// Present says which blocks each registration attended.
	Present map[int64]map[int64]bool
	// PerBlock counts participants present per block.
	PerBlock map[int64]int
}

// Threshold is the net time needed for a certificate.
func Threshold(w *Workshop) int {
	return (w.Net()*w.CertPercent + 99) / 100
}

// tally reads the attendance of a workshop (blocks of w must be loaded).
func (s *Service) tally(ctx context.Context, q store.Q, w *Workshop) (*AttendanceTally, error) {
	t := &AttendanceTally{Minutes: map[int64]int{}, Present: map[int64]map[int64]bool{}, PerBlock: map[int64]int{}}
	blocks := map[int64]Block{}
	for _, b := range w.Blocks {
		blocks[b.ID] = b
	}
	rows, err := q.Query(ctx, `SELECT a.registration_id, a.block_id, r.assistant FROM workshop_attendance a
		JOIN workshop_registrations r ON r.id = a.registration_id WHERE r.workshop_id = ?`, w.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	assistants := map[int64]bool{}
	for rows.Next() {
		var rid, bid int64
		var asst bool
		if err := rows.Scan(&rid, &bid, &asst); err != nil {
			return nil, err
		}
		b, ok := blocks[bid]
		if !ok {
			continue
		}
		if t.Present[rid] == nil {
			t.Present[rid] = map[int64]bool{}
		}
		t.Present[rid][bid] = true
		t.Minutes[rid] += b.NetMinutes()
		assistants[rid] = asst
		if !asst {
			t.PerBlock[bid]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	need := Threshold(w)
	for rid, m := range t.Minutes {
		if assistants[rid] {
			continue
		}
		t.Participants++
		if m >= need && need > 0 {
			t.Eligible++
		}
	}
	return t, nil
}

// Tally returns the attendance of a workshop.
func (s *Service) Tally(ctx context.Context, w *Workshop) (*AttendanceTally, error) {
	return s.tally(ctx, s.DB, w)
}

// RecordAttendance sets who was present in which block (ticked from the
// sign-in sheet): present maps registration → blocks. Registrations not in
// the map are absent from every block. Only confirmed registrations count.
func (s *Service) RecordAttendance(ctx context.Context, workshopID int64, present map[int64][]int64) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		w, err := s.findWorkshop(ctx, tx, workshopID)
		if err != nil {
			return err
		}
		if w.State != StatePublished && w.State != StateHeld && w.State != StateNotHeld {
			return apperr.New(apperr.Conflict, "workshop.err.no_attendance")
		}
		if len(w.Blocks) == 0 || s.now().Before(w.First().Add(-time.Hour)) {
			return apperr.New(apperr.Conflict, "workshop.err.attendance_early")
		}
		blocks := map[int64]bool{}
		for _, b := range w.Blocks {
			blocks[b.ID] = true
		}
		regs, err := rowsOf(ctx, tx, scanReg, `SELECT `+regCols+` FROM workshop_registrations r WHERE r.workshop_id = ? AND r.state = 'confirmed'`, workshopID)
		if err != nil {
			return err
		}
		confirmed := map[int64]bool{}
		for _, r := range regs {
			confirmed[r.ID] = true
		}
		before, err := s.tally(ctx, tx, w)
		if err != nil {
			return err
		}
		want := map[int64]map[int64]bool{}
		for rid, bids := range present {
			if !confirmed[rid] {
				continue
			}
			for _, bid := range bids {
				if blocks[bid] {
					if want[rid] == nil {
						want[rid] = map[int64]bool{}
					}
					want[rid][bid] = true
				}
			}
		}
		added, removed := 0, 0
		for rid, bs := range before.Present {
			for bid := range bs {
				if !want[rid][bid] {
					if _, err := tx.Exec(ctx, `DELETE FROM workshop_attendance WHERE registration_id = ? AND block_id = ?`, rid, bid); err != nil {
						return err
					}
					removed++
				}
			}
		}
		for rid, bs := range want {
			for bid := range bs {
				if !before.Present[rid][bid] {
					if _, err := tx.Exec(ctx, `INSERT INTO workshop_attendance (registration_id, block_id, method, recorded_at) VALUES (?, ?, ?, ?)`, rid, bid, BySheet, s.now()); err != nil {
						return err
					}
					added++
				}
			}
		}
		after, err := s.tally(ctx, tx, w)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_attendance", Entity: "workshop", EntityID: w.ID, Summary: w.Topic,
			Before: map[string]any{"participants": before.Participants}, After: map[string]any{"participants": after.Participants, "added": added, "removed": removed}})
	})
}

// CheckIn records the presence of the registration of token in the block
// whose code was shown at the workshop; the code is taken from half an hour
// before the block starts until half an hour after it ends. It returns the
// block.
func (s *Service) CheckIn(ctx context.Context, token, code string) (*Block, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, apperr.Fields{"code": {Key: "err.required"}}.Err()
	}
	var found Block
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := one(ctx, tx, scanReg, "workshop_registration", `SELECT `+regCols+` FROM workshop_registrations r WHERE r.token = ?`, token)
		if err != nil {
			return err
		}
		if r.State != RegConfirmed {
			return apperr.New(apperr.Conflict, "workshop.err.not_confirmed")
		}
		w, err := s.findWorkshop(ctx, tx, r.WorkshopID)
		if err != nil {
			return err
		}
		if w.State != StatePublished {
			return apperr.New(apperr.Conflict, "workshop.err.no_attendance")
		}
		now := s.now()
		ok := false
		for _, b := range w.Blocks {
			if b.Code == code {
				if now.Before(b.StartsAt.Add(-30*time.Minute)) || now.After(b.EndsAt.Add(30*time.Minute)) {
					return apperr.Fields{"code": {Key: "workshop.err.code_time"}}.Err()
				}
				found, ok = b, true
			}
		}
		if !ok {
			return apperr.Fields{"code": {Key: "workshop.err.code_wrong"}}.Err()
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM workshop_attendance WHERE registration_id = ? AND block_id = ?`, r.ID, found.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO workshop_attendance (registration_id, block_id, method, recorded_at) VALUES (?, ?, ?, ?)`, r.ID, found.ID, ByCode, now); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_check_in", Entity: "workshop_registration", EntityID: r.ID, Summary: w.Topic,
			After: map[string]any{"block_id": found.ID, "method": ByCode}})
	})
	if err != nil {
		return nil, err
	}
	return &found, nil
}

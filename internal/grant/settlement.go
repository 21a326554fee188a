package grant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/store"
)

// Settlement states.
const (
	SettleDraft     = "draft"
	SettleSubmitted = "submitted"
	SettleApproved  = "approved"
	SettleReturned  = "returned" // returned for correction
)

// Settlement is the provider's account of how the grant was spent.
type Settlement struct {
	ApplicationID int64      `json:"application_id"`
	State         string     `json:"state"`
	Note          string     `json:"note"`
	SubmittedAt   *time.Time `json:"submitted_at"`
	DecidedAt     *time.Time `json:"decided_at"`
	Granted       CZK        `json:"granted"`
	Spent         CZK        `json:"spent"`
	Return        CZK        `json:"return"` // unused money to pay back
}

// ActualField names the settlement form's field of a budget line.
func ActualField(lineID int64) string { return "actual_" + itoa(lineID) }

// ComputeReturn is what goes back: the grant less what was spent of it.
func ComputeReturn(granted CZK, a *Application) (spent, back CZK) {
	for _, sv := range a.Services {
		for _, l := range sv.Lines {
			if l.Actual != nil {
				spent += *l.Actual
			}
		}
	}
	return spent, max(granted-spent, 0)
}

// FindSettlement returns the application's settlement (a new draft when
// none was started). Errors: not_found, conflict (no grant to settle).
func (s *Service) FindSettlement(ctx context.Context, a *Application) (*Settlement, error) {
	if a.Decided == nil || *a.Decided <= 0 {
		return nil, apperr.New(apperr.Conflict, "grant.err.nothing_to_settle")
	}
	st := Settlement{ApplicationID: a.ID, State: SettleDraft, Granted: *a.Decided}
	var sub, dec sql.NullTime
	err := s.DB.QueryRow(ctx, `SELECT state, note, submitted_at, decided_at FROM grant_settlements WHERE application_id = ?`, a.ID).Scan(&st.State, &st.Note, &sub, &dec)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if sub.Valid {
		st.SubmittedAt = &sub.Time
	}
	if dec.Valid {
		st.DecidedAt = &dec.Time
	}
	st.Spent, st.Return = ComputeReturn(st.Granted, a)
	return &st, nil
}

// SaveSettlement stores the actual amounts spent of the grant per budget
// line; submit submits the settlement (every line of the budget filled,
// before the call's settlement deadline). Errors: invalid, conflict.
func (s *Service) SaveSettlement(ctx context.Context, appID int64, actuals map[int64]CZK, submit bool) (*Settlement, error) {
	a, err := s.FindApplication(ctx, appID)
	if err != nil {
		return nil, err
	}
	st, err := s.FindSettlement(ctx, a)
	if err != nil {
		return nil, err
	}
	c, err := findCall(ctx, s.DB, a.CallID)
	if err != nil {
		return nil, err
	}
	if st.State != SettleDraft && st.State != SettleReturned {
		return nil, apperr.New(apperr.Conflict, "grant.err.settlement_submitted")
	}
	if !c.SettleUntil.IsZero() && s.Today().After(c.SettleUntil.Time) && st.State != SettleReturned {
		return nil, &apperr.Error{Code: apperr.Conflict, Msg: apperr.Msg{Key: "grant.err.settle_deadline", Args: map[string]any{"Date": czDate(c.SettleUntil)}}}
	}
	f := apperr.Fields{}
	before := *a
	for i := range a.Services {
		for j := range a.Services[i].Lines {
			l := &a.Services[i].Lines[j]
			v, ok := actuals[l.ID]
			switch {
			case ok && v < 0:
				f.Add(ActualField(l.ID), "grant.err.negative")
			case ok:
				vv := v
				l.Actual = &vv
			case submit && l.Requested > 0:
				f.Add(ActualField(l.ID), "grant.err.actual_missing", "Line", l.Kind)
			default:
				l.Actual = nil
			}
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	state := st.State
	if submit {
		state = SettleSubmitted
	}
	now := s.now()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, sv := range a.Services {
			for _, l := range sv.Lines {
				if _, err := tx.Exec(ctx, `UPDATE grant_budget_lines SET actual = ? WHERE id = ?`, l.Actual, l.ID); err != nil {
					return err
				}
			}
		}
		var sub any
		if submit {
			sub = now
		}
		res, err := tx.Exec(ctx, `UPDATE grant_settlements SET state = ?, submitted_at = COALESCE(?, submitted_at), updated_at = ? WHERE application_id = ?`, state, sub, now, a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO grant_settlements (application_id, state, submitted_at, updated_at) VALUES (?, ?, ?, ?)`, a.ID, state, sub, now); err != nil {
				return err
			}
		}
		spent, back := ComputeReturn(st.Granted, a)
		action := "update"
		if submit {
			action = "submit"
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "grant_settlement", EntityID: a.ID,
			Summary: fmt.Sprintf("%s: čerpáno %s z %s, vratka %s", a.Organisation, czk(spent), czk(st.Granted), czk(back)), Before: &before, After: a, Personal: PersonalFields})
	})
	if err != nil {
		return nil, err
	}
	return s.FindSettlement(ctx, a)
}

// DecideSettlement approves a submitted settlement or returns it for
// correction with a note. Errors: invalid, conflict.
func (s *Service) DecideSettlement(ctx context.Context, appID int64, approve bool, note string) (*Settlement, error) {
	a, err := s.FindApplication(ctx, appID)
	if err != nil {
		return nil, err
	}
	st, err := s.FindSettlement(ctx, a)
	if err != nil {
		return nil, err
	}
	if st.State != SettleSubmitted {
		return nil, apperr.New(apperr.Conflict, "grant.err.settlement_not_submitted")
	}
	note = strings.TrimSpace(note)
	state := SettleApproved
	if !approve {
		state = SettleReturned
		if note == "" {
			f := apperr.Fields{}
			f.Add("settle_note", "grant.err.settle_note")
			return nil, f.Err()
		}
	}
	now := s.now()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE grant_settlements SET state = ?, note = ?, decided_at = ?, updated_at = ? WHERE application_id = ?`, state, note, now, now, a.ID); err != nil {
			return err
		}
		if s.Outbox != nil && a.ContactEmail != "" {
			text := fmt.Sprintf("Dobrý den,\n\nvyúčtování dotace (%s) bylo schváleno. Vratka nevyčerpané dotace: %s.\n%s", a.Organisation, czk(st.Return), signature)
			subject := "Vyúčtování dotace schváleno"
			if !approve {
				subject = "Vyúčtování dotace vráceno k opravě"
				text = fmt.Sprintf("Dobrý den,\n\nvyúčtování dotace (%s) vracíme k opravě: %s\nOpravíte ho zde: %s\n%s", a.Organisation, note, s.link("/dotace/zadosti/"+itoa(a.ID)+"/vyuctovani"), signature)
			}
			if err := s.Outbox.Enqueue(ctx, tx, "settlement", appRef(a), mailMessage(a.ContactEmail, subject, text)); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: state, Entity: "grant_settlement", EntityID: a.ID,
			Summary: fmt.Sprintf("%s: %s %s", a.Organisation, state, note), After: map[string]any{"state": state, "note": note, "return": st.Return}})
	})
	if err != nil {
		return nil, err
	}
	return s.FindSettlement(ctx, a)
}

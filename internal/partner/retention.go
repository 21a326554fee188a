package partner

import (
	"context"
	"time"

	"kpss/internal/audit"
	"kpss/internal/store"
)

// DefaultPeopleRetentionMonths is how long an archived person keeps their
// name and contacts: three years, the same as a closed suggestion.
const DefaultPeopleRetentionMonths = 36

// AnonymisedName replaces the name of an anonymised person. Their
// organisation, position and the fact they took part stay, so the groups'
// attendance and the history still add up.
const AnonymisedName = "Anonymizovaná osoba"

// Retention is what AnonymisePeople did (or would do, in a dry run).
type Retention struct {
	Cutoff time.Time // people archived before it
	IDs    []int64   // anonymised (or to be)
}

// AnonymisePeople removes the name, e-mail, phone and consent note of every
// person archived more than months ago and not anonymised yet. Each person
// is one transaction with one audit row (without the removed values). It is
// idempotent: a second run finds nobody. dryRun only lists them.
func (s *Service) AnonymisePeople(ctx context.Context, months int, dryRun bool) (Retention, error) {
	if months < 1 {
		months = DefaultPeopleRetentionMonths
	}
	res := Retention{Cutoff: s.Now().UTC().AddDate(0, -months, 0).Truncate(time.Microsecond)}
	rows, err := s.DB.Query(ctx, `SELECT id FROM people WHERE archived = ? AND anonymised_at IS NULL AND archived_at < ? ORDER BY id`, true, res.Cutoff)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return res, err
		}
		res.IDs = append(res.IDs, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || dryRun {
		return res, err
	}
	for _, id := range res.IDs {
		if err := s.anonymisePerson(ctx, id, res.Cutoff); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (s *Service) anonymisePerson(ctx context.Context, id int64, cutoff time.Time) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findPerson(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.Now().UTC().Truncate(time.Microsecond)
		// The WHERE repeats the rule, so a person restored meanwhile is left alone.
		n, err := tx.Exec(ctx, `UPDATE people SET name = ?, email = '', phone = '', consent_note = '', search = '', sort_key = ?, anonymised_at = ?, updated_at = ?
			WHERE id = ? AND archived = ? AND anonymised_at IS NULL AND archived_at < ?`,
			AnonymisedName, personSort(&Person{Name: AnonymisedName}), now, now, id, true, cutoff)
		if err != nil {
			return err
		}
		if c, _ := n.RowsAffected(); c == 0 {
			return nil
		}
		after, err := findPerson(ctx, tx, id)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "anonymise", Entity: "person", EntityID: id,
			Summary: "Osobní údaje archivované osoby odstraněny po uplynutí doby uchování", Before: &before, After: &after, Personal: PersonalFields})
	})
}

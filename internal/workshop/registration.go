package workshop

import (
	"context"
	"slices"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/czech"
	"kpss/internal/store"
)

// Registrations lists a workshop's registrations: holding a place first
// (in the order they came), then the waiting list in its order, then the
// cancelled and expired ones.
func (s *Service) Registrations(ctx context.Context, workshopID int64) ([]Registration, error) {
	return rowsOf(ctx, s.DB, scanReg, `SELECT `+regCols+` FROM workshop_registrations r WHERE r.workshop_id = ?
		ORDER BY CASE r.state WHEN 'confirmed' THEN 0 WHEN 'offered' THEN 1 WHEN 'waitlisted' THEN 2 ELSE 3 END, r.position, r.id`, workshopID)
}

// RegistrationByToken returns the registration of a personal link.
func (s *Service) RegistrationByToken(ctx context.Context, token string) (*Registration, error) {
	if token == "" {
		return nil, apperr.NotFoundErr("workshop_registration")
	}
	r, err := one(ctx, s.DB, scanReg, "workshop_registration", `SELECT `+regCols+` FROM workshop_registrations r WHERE r.token = ?`, token)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// lockWorkshop takes the workshop's row lock (PostgreSQL) so that
// concurrent registrations count the places one after another; SQLite
// transactions are serialised already.
func lockWorkshop(ctx context.Context, tx *store.Tx, id int64) error {
	_, err := tx.Exec(ctx, `UPDATE workshops SET state = state WHERE id = ?`, id)
	return err
}

// personKey identifies a person across workshops for the hours ledger: the
// folded e-mail, else the folded name.
func personKey(r *Registration) string {
	if r.Email != "" {
		return "e:" + czech.Fold(r.Email)
	}
	return "n:" + czech.Fold(r.Name)
}

// Register signs a person up: confirmed while the quota of their audience
// has places, else on the waiting list. An assistant of a participant comes
// with them and takes no place of the quota. Someone already registered
// (the same e-mail) gets a Conflict.
func (s *Service) Register(ctx context.Context, r Registration) (*Registration, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := lockWorkshop(ctx, tx, r.WorkshopID); err != nil {
			return err
		}
		w, err := s.findWorkshop(ctx, tx, r.WorkshopID)
		if err != nil {
			return err
		}
		if !w.Open(s.now()) {
			return apperr.New(apperr.Conflict, "workshop.err.closed")
		}
		if w.Quotas[r.Audience] == 0 && !r.Assistant {
			return apperr.Fields{"audience": {Key: "workshop.err.audience_not_invited"}}.Err()
		}
		if r.Email != "" {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM workshop_registrations WHERE workshop_id = ? AND email = ? AND assistant = ? AND state IN ('confirmed', 'offered', 'waitlisted')`,
				r.WorkshopID, r.Email, r.Assistant).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.Fields{"email": {Key: "workshop.err.already_registered"}}.Err()
			}
		}
		r.State = RegConfirmed
		if !r.Assistant && w.Free(r.Audience) == 0 {
			r.State = RegWaitlisted
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM workshop_registrations WHERE workshop_id = ?`, r.WorkshopID).Scan(&r.Position); err != nil {
				return err
			}
		}
		r.Token, r.PersonKey, r.CreatedAt, r.UpdatedAt = newToken(), personKey(&r), s.now(), s.now()
		id, err := store.InsertID(ctx, tx, `INSERT INTO workshop_registrations (workshop_id, user_id, name, email, phone, organisation, role, audience, needs,
			assistant, state, position, token, person_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.WorkshopID, r.UserID, r.Name, r.Email, r.Phone, r.Organisation, r.Role, r.Audience, r.Needs,
			r.Assistant, r.State, r.Position, r.Token, r.PersonKey, r.CreatedAt, r.UpdatedAt)
		if err != nil {
			return err
		}
		r.ID = id
		if s.Notify != nil {
			kind := MailConfirmed
			if r.State == RegWaitlisted {
				kind = MailWaitlisted
			}
			if err := s.Notify.Notify(ctx, tx, kind, w, &r, nil); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_register", Entity: "workshop_registration", EntityID: id, Summary: w.Topic, After: &r, Personal: RegistrationPersonal})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// RegisterOnSite adds, on the day, a person who came without registering
// (they signed an empty row of the sheet): confirmed even above the quota,
// since they are there. Only from an hour before the first block until the
// end of the last one.
func (s *Service) RegisterOnSite(ctx context.Context, r Registration) (*Registration, error) {
	f := apperr.Fields{}
	trim(&r.Name, &r.Organisation, &r.Role)
	if r.Name == "" {
		f.Add("walkin_name", "err.required")
	}
	checkLen(f, "walkin_name", r.Name, 120)
	checkLen(f, "walkin_organisation", r.Organisation, 200)
	if !slices.Contains(Audiences, r.Audience) {
		f.Add("walkin_audience", "err.choose")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := lockWorkshop(ctx, tx, r.WorkshopID); err != nil {
			return err
		}
		w, err := s.findWorkshop(ctx, tx, r.WorkshopID)
		if err != nil {
			return err
		}
		now := s.now()
		if w.State != StatePublished || len(w.Blocks) == 0 || now.Before(w.First().Add(-time.Hour)) || now.After(w.Last()) {
			return apperr.New(apperr.Conflict, "workshop.err.not_on_site")
		}
		r.State, r.Token, r.PersonKey, r.CreatedAt, r.UpdatedAt = RegConfirmed, newToken(), personKey(&r), now, now
		id, err := store.InsertID(ctx, tx, `INSERT INTO workshop_registrations (workshop_id, name, organisation, role, audience, assistant, state, position, token, person_key, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`, r.WorkshopID, r.Name, r.Organisation, r.Role, r.Audience, r.Assistant, r.State, r.Token, r.PersonKey, r.CreatedAt, r.UpdatedAt)
		if err != nil {
			return err
		}
		r.ID = id
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_register_on_site", Entity: "workshop_registration", EntityID: id, Summary: w.Topic, After: &r, Personal: RegistrationPersonal})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// CancelRegistration cancels a registration (by id, or by token when id is
// 0). A freed place is offered to the first on the waiting list of the same
// audience. It returns the registrations given an offer.
func (s *Service) CancelRegistration(ctx context.Context, id int64, token string) ([]Registration, error) {
	var offered []Registration
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		q, arg := `SELECT `+regCols+` FROM workshop_registrations r WHERE r.id = ?`, any(id)
		if id == 0 {
			q, arg = `SELECT `+regCols+` FROM workshop_registrations r WHERE r.token = ?`, token
		}
		r, err := one(ctx, tx, scanReg, "workshop_registration", q, arg)
		if err != nil {
			return err
		}
		if err := lockWorkshop(ctx, tx, r.WorkshopID); err != nil {
			return err
		}
		if r.State == RegCancelled || r.State == RegExpired {
			return nil
		}
		w, err := s.findWorkshop(ctx, tx, r.WorkshopID)
		if err != nil {
			return err
		}
		if w.State != StatePublished || w.Finished(s.now()) {
			return apperr.New(apperr.Conflict, "workshop.err.cancel_too_late")
		}
		before := r
		r.State, r.UpdatedAt, r.OfferExpiresAt = RegCancelled, s.now(), nil
		if _, err := tx.Exec(ctx, `UPDATE workshop_registrations SET state = ?, offer_expires_at = NULL, updated_at = ? WHERE id = ?`, r.State, r.UpdatedAt, r.ID); err != nil {
			return err
		}
		if before.Holds() && !r.Assistant {
			w.Counts[r.Audience]--
			if offered, err = s.offerNext(ctx, tx, w, r.Audience); err != nil {
				return err
			}
		}
		var ids []int64
		for _, o := range offered {
			ids = append(ids, o.ID)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_registration_cancel", Entity: "workshop_registration", EntityID: r.ID, Summary: w.Topic,
			Before: &before, After: map[string]any{"state": r.State, "offered": ids}, Personal: RegistrationPersonal})
	})
	return offered, err
}

// offerExpiry is when an offer made now lapses: after the workshop's offer
// hours, but never later than an hour before the first block.
func (s *Service) offerExpiry(w *Workshop) time.Time {
	t := s.now().Add(time.Duration(w.OfferHours) * time.Hour)
	if first := w.First(); !first.IsZero() && t.After(first.Add(-time.Hour)) {
		t = first.Add(-time.Hour)
	}
	return t
}

// offerNext offers the free places of an audience to the first on its
// waiting list (Counts of w must be current). No offers once the workshop
// is less than an hour away.
func (s *Service) offerNext(ctx context.Context, tx *store.Tx, w *Workshop, audience string) ([]Registration, error) {
	free := w.Free(audience)
	exp := s.offerExpiry(w)
	if free <= 0 || w.State != StatePublished || !exp.After(s.now()) {
		return nil, nil
	}
	wait, err := rowsOf(ctx, tx, scanReg, `SELECT `+regCols+` FROM workshop_registrations r WHERE r.workshop_id = ? AND r.audience = ? AND r.state = 'waitlisted'
		ORDER BY r.position, r.id LIMIT ?`, w.ID, audience, free)
	if err != nil {
		return nil, err
	}
	for i := range wait {
		wait[i].State, wait[i].OfferExpiresAt, wait[i].UpdatedAt = RegOffered, &exp, s.now()
		if _, err := tx.Exec(ctx, `UPDATE workshop_registrations SET state = ?, offer_expires_at = ?, updated_at = ? WHERE id = ?`, RegOffered, exp, s.now(), wait[i].ID); err != nil {
			return nil, err
		}
		w.Counts[audience]++
		if s.Notify != nil {
			if err := s.Notify.Notify(ctx, tx, MailOffer, w, &wait[i], nil); err != nil {
				return nil, err
			}
		}
	}
	return wait, nil
}

// AcceptOffer confirms an offered place (by the personal link) while the
// offer lasts.
func (s *Service) AcceptOffer(ctx context.Context, token string) (*Registration, error) {
	var r Registration
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		r, err = one(ctx, tx, scanReg, "workshop_registration", `SELECT `+regCols+` FROM workshop_registrations r WHERE r.token = ?`, token)
		if err != nil {
			return err
		}
		if r.State != RegOffered {
			return apperr.New(apperr.Conflict, "workshop.err.no_offer")
		}
		if r.OfferExpiresAt == nil || !s.now().Before(*r.OfferExpiresAt) {
			return apperr.New(apperr.Conflict, "workshop.err.offer_expired")
		}
		w, err := s.findWorkshop(ctx, tx, r.WorkshopID)
		if err != nil {
			return err
		}
		r.State, r.OfferExpiresAt, r.UpdatedAt = RegConfirmed, nil, s.now()
		if _, err := tx.Exec(ctx, `UPDATE workshop_registrations SET state = ?, offer_expires_at = NULL, updated_at = ? WHERE id = ?`, r.State, r.UpdatedAt, r.ID); err != nil {
			return err
		}
		if s.Notify != nil {
			if err := s.Notify.Notify(ctx, tx, MailConfirmed, w, &r, nil); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_offer_accept", Entity: "workshop_registration", EntityID: r.ID, Summary: w.Topic,
			After: map[string]any{"state": r.State}})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ExpireOffers lets the offers past their time lapse and offers the places
// to the next on the waiting lists. Safe to run twice (a lapsed offer is no
// longer "offered"). It returns the number of lapsed offers.
func (s *Service) ExpireOffers(ctx context.Context) (int, error) {
	due, err := rowsOf(ctx, s.DB, scanReg, `SELECT `+regCols+` FROM workshop_registrations r WHERE r.state = 'offered' AND r.offer_expires_at <= ? ORDER BY r.workshop_id, r.id`, s.now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			if err := lockWorkshop(ctx, tx, d.WorkshopID); err != nil {
				return err
			}
			var state string
			if err := tx.QueryRow(ctx, `SELECT state FROM workshop_registrations WHERE id = ?`, d.ID).Scan(&state); err != nil {
				return err
			}
			if state != RegOffered {
				return nil // handled meanwhile
			}
			if _, err := tx.Exec(ctx, `UPDATE workshop_registrations SET state = ?, updated_at = ? WHERE id = ?`, RegExpired, s.now(), d.ID); err != nil {
				return err
			}
			w, err := s.findWorkshop(ctx, tx, d.WorkshopID)
			if err != nil {
				return err
			}
			offered, err := s.offerNext(ctx, tx, w, d.Audience)
			if err != nil {
				return err
			}
			var ids []int64
			for _, o := range offered {
				ids = append(ids, o.ID)
			}
			n++
			return s.Audit.Record(audit.WithActor(ctx, audit.Actor{Name: "workshop-offers"}), tx, audit.Entry{Action: "workshop_offer_expire", Entity: "workshop_registration",
				EntityID: d.ID, Summary: w.Topic, After: map[string]any{"state": RegExpired, "offered": ids}})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// MoveWaitlisted moves a waiting registration one place up or down the
// waiting list (the coordinator's order decides who is offered a place).
func (s *Service) MoveWaitlisted(ctx context.Context, id int64, up bool) (int64, error) {
	var wid int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := one(ctx, tx, scanReg, "workshop_registration", `SELECT `+regCols+` FROM workshop_registrations r WHERE r.id = ?`, id)
		if err != nil {
			return err
		}
		wid = r.WorkshopID
		if r.State != RegWaitlisted {
			return apperr.New(apperr.Conflict, "workshop.err.not_waitlisted")
		}
		q := `SELECT ` + regCols + ` FROM workshop_registrations r WHERE r.workshop_id = ? AND r.state = 'waitlisted' AND (r.position > ? OR (r.position = ? AND r.id > ?)) ORDER BY r.position, r.id LIMIT 1`
		if up {
			q = `SELECT ` + regCols + ` FROM workshop_registrations r WHERE r.workshop_id = ? AND r.state = 'waitlisted' AND (r.position < ? OR (r.position = ? AND r.id < ?)) ORDER BY r.position DESC, r.id DESC LIMIT 1`
		}
		o, err := one(ctx, tx, scanReg, "workshop_registration", q, r.WorkshopID, r.Position, r.Position, r.ID)
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil // already first / last
		}
		if err != nil {
			return err
		}
		pr, po := o.Position, r.Position
		if pr == po { // equal positions (never reordered): make room
			if up {
				po = pr + 1
			} else {
				pr = po + 1
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE workshop_registrations SET position = ? WHERE id = ?`, pr, r.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE workshop_registrations SET position = ? WHERE id = ?`, po, o.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_waitlist_move", Entity: "workshop_registration", EntityID: r.ID,
			Before: map[string]any{"position": r.Position}, After: map[string]any{"position": pr, "swapped_with": o.ID}})
	})
	return wid, err
}

// WorkshopOfRegistration returns the workshop id of a registration (0 when unknown).
func (s *Service) WorkshopOfRegistration(ctx context.Context, id int64) int64 {
	var wid int64
	if err := s.DB.QueryRow(ctx, `SELECT workshop_id FROM workshop_registrations WHERE id = ?`, id).Scan(&wid); err != nil {
		return 0
	}
	return wid
}

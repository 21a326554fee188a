package workshop

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/group"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Inviter queues invitations to register (the Mailer).
type Inviter interface {
	Invite(ctx context.Context, q store.Q, w *Workshop, to []string, batch string) error
}

// Groups gives the working groups' members (the groups module's service):
// the members who represent users and carers are invited as such.
type Groups interface {
	FindGroups(ctx context.Context, all bool) ([]group.Group, error)
	FindMembers(ctx context.Context, groupID int64) ([]group.Member, error)
	Today() store.Date
}

// InviteResult says what SendInvitations queued.
type InviteResult struct {
	Sent    int
	Skipped int // people without an e-mail or consent, and bad extra addresses
}

// SendInvitations invites to an open workshop the people of the partners'
// registry of the chosen audiences – staff of provider organisations,
// people of commissioners, and (AudUser) the working groups' members who
// represent users and carers – with an e-mail and a recorded consent, and
// the extra addresses typed by the coordinator (clubs of users, carers'
// associations …). Each address gets one e-mail with the .ics.
func (s *Service) SendInvitations(ctx context.Context, workshopID int64, audiences []string, extra string) (*InviteResult, error) {
	if s.Inviter == nil {
		return nil, apperr.New(apperr.Conflict, "workshop.err.no_mail")
	}
	res := &InviteResult{}
	var to []string
	seen := map[string]bool{}
	add := func(addr string) {
		k := strings.ToLower(addr)
		if !seen[k] {
			seen[k] = true
			to = append(to, addr)
		}
	}
	wantUsers := slices.Contains(audiences, AudUser) && s.Groups != nil
	if s.Partners != nil && (slices.Contains(audiences, AudStaff) || slices.Contains(audiences, AudCommissioner) || wantUsers) {
		orgs, _, err := s.Partners.FindOrganisations(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
		if err != nil {
			return nil, err
		}
		kind := map[int64]string{}
		for _, o := range orgs {
			kind[o.ID] = o.Kind
		}
		people, _, err := s.Partners.FindPeople(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
		if err != nil {
			return nil, err
		}
		users := map[int64]bool{}
		if wantUsers {
			gs, err := s.Groups.FindGroups(ctx, false)
			if err != nil {
				return nil, err
			}
			day := s.Groups.Today()
			for _, g := range gs {
				ms, err := s.Groups.FindMembers(ctx, g.ID)
				if err != nil {
					return nil, err
				}
				for _, m := range ms {
					if m.RepresentsUsers && m.Active(day) {
						users[m.PersonID] = true
					}
				}
			}
		}
		for _, p := range people {
			if users[p.ID] {
				if p.Email == "" || !p.Consent || p.Archived {
					res.Skipped++
				} else {
					add(p.Email)
				}
				continue
			}
			if p.OrganisationID == nil {
				continue
			}
			k := kind[*p.OrganisationID]
			want := (k == "provider" && slices.Contains(audiences, AudStaff)) || (k == "commissioner" && slices.Contains(audiences, AudCommissioner))
			if !want {
				continue
			}
			if p.Email == "" || !p.Consent || p.Archived {
				res.Skipped++
				continue
			}
			add(p.Email)
		}
	}
	bad := apperr.Fields{}
	for _, a := range strings.FieldsFunc(extra, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == ' ' || r == '\r' || r == '\t' }) {
		if p, err := mail.ParseAddress(a); err != nil || p.Address != a || !strings.Contains(a, ".") {
			bad.Add("extra", "workshop.err.bad_address", "Address", a)
			continue
		}
		add(a)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	if len(to) == 0 {
		return nil, apperr.Fields{"audiences": {Key: "workshop.err.nobody_to_invite"}}.Err()
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		w, err := s.findWorkshop(ctx, tx, workshopID)
		if err != nil {
			return err
		}
		if !w.Open(s.now()) {
			return apperr.New(apperr.Conflict, "workshop.err.closed")
		}
		if err := s.Inviter.Invite(ctx, tx, w, to, s.now().Format(time.RFC3339)); err != nil {
			return err
		}
		res.Sent = len(to)
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_invite", Entity: "workshop", EntityID: w.ID, Summary: w.Topic,
			After: map[string]any{"audiences": audiences, "sent": res.Sent, "skipped": res.Skipped}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// SendReminders queues the day-before reminder of every published workshop
// whose first block starts within the next 36 hours, once per workshop
// (reminded_at), to the confirmed participants. Safe to run twice.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	if s.Notify == nil {
		return 0, nil
	}
	now := s.now()
	ws, err := s.FindWorkshops(ctx, Filter{States: []string{StatePublished}})
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range ws {
		w := &ws[i]
		first := w.First()
		if first.IsZero() || !first.After(now) || first.Sub(now) > 36*time.Hour {
			continue
		}
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			r, err := tx.Exec(ctx, `UPDATE workshops SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL`, now, w.ID)
			if err != nil {
				return err
			}
			if k, _ := r.RowsAffected(); k == 0 {
				return nil
			}
			regs, err := rowsOf(ctx, tx, scanReg, `SELECT `+regCols+` FROM workshop_registrations r WHERE r.workshop_id = ? AND r.state = 'confirmed'`, w.ID)
			if err != nil {
				return err
			}
			for _, rg := range regs {
				if err := s.Notify.Notify(ctx, tx, MailReminder, w, &rg, nil); err != nil {
					return err
				}
			}
			n++
			return s.Audit.Record(audit.WithActor(ctx, audit.Actor{Name: "workshop-reminders"}), tx, audit.Entry{Action: "workshop_remind", Entity: "workshop",
				EntityID: w.ID, Summary: w.Topic, After: map[string]any{"participants": len(regs)}})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Retention: the accessibility needs (health data) are erased a month
// after the workshop; two years after it the contacts (e-mail, phone,
// role) of everyone, and the name and organisation of those who did not
// attend. The names of those who attended stay with the attendance – the
// project's evidence of its participants, like the signed sheet – and the
// certificates keep their holder's name for the verification page.
const (
	NeedsRetention = 30 * 24 * time.Hour
	RegRetention   = 2 * 365 * 24 * time.Hour
)

// AnonymiseOld erases personal data of finished workshops' registrations
// as the retention rules say (dry: only count). One audit row per workshop
// and pass, without the erased values. It returns the registrations touched.
func (s *Service) AnonymiseOld(ctx context.Context, dry bool) (int, error) {
	now := s.now()
	ws, err := s.FindWorkshops(ctx, Filter{})
	if err != nil {
		return 0, err
	}
	total := 0
	for i := range ws {
		w := &ws[i]
		last := w.Last()
		if last.IsZero() || w.State == StateDraft || w.State == StatePublished && !w.Finished(now) {
			continue
		}
		passes := []struct {
			due           bool
			count, update string
			what          string
		}{
			{now.Sub(last) > RegRetention,
				`SELECT COUNT(*) FROM workshop_registrations WHERE workshop_id = ? AND anonymised_at IS NULL`,
				"", "registrations"},
			// the needs alone, when the whole registration is not due yet
			{now.Sub(last) > NeedsRetention && now.Sub(last) <= RegRetention,
				`SELECT COUNT(*) FROM workshop_registrations WHERE workshop_id = ? AND needs <> ''`,
				`UPDATE workshop_registrations SET needs = '' WHERE workshop_id = ? AND needs <> ''`,
				"needs"},
		}
		for _, p := range passes {
			if !p.due {
				continue
			}
			err := s.DB.InTx(ctx, func(tx *store.Tx) error {
				var k int
				if err := tx.QueryRow(ctx, p.count, w.ID).Scan(&k); err != nil {
					return err
				}
				if k == 0 || dry {
					total += k
					return nil
				}
				if p.what == "registrations" {
					if err := eraseRegistrations(ctx, tx, w.ID, now); err != nil {
						return err
					}
				} else if _, err := tx.Exec(ctx, p.update, w.ID); err != nil {
					return err
				}
				total += k
				return s.Audit.Record(audit.WithActor(ctx, audit.Actor{Name: "retention"}), tx, audit.Entry{Action: "workshop_anonymise", Entity: "workshop",
					EntityID: w.ID, Summary: w.Topic, After: map[string]any{"erased": p.what, "registrations": k}})
			})
			if err != nil {
				return total, err
			}
		}
	}
	return total, nil
}

// eraseRegistrations is the two-year pass over one workshop's registrations.
func eraseRegistrations(ctx context.Context, tx *store.Tx, workshopID int64, now time.Time) error {
	rows, err := tx.Query(ctx, `SELECT r.id, r.name FROM workshop_registrations r WHERE r.workshop_id = ? AND r.anonymised_at IS NULL
		AND EXISTS (SELECT 1 FROM workshop_attendance a WHERE a.registration_id = r.id)`, workshopID)
	if err != nil {
		return err
	}
	type att struct {
		id   int64
		name string
	}
	var attended []att
	for rows.Next() {
		var a att
		if err := rows.Scan(&a.id, &a.name); err != nil {
			rows.Close()
			return err
		}
		attended = append(attended, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Those who attended keep their name (the ledger then matches them by it).
	for _, a := range attended {
		if _, err := tx.Exec(ctx, `UPDATE workshop_registrations SET email = '', phone = '', role = '', needs = '', person_key = ?, anonymised_at = ? WHERE id = ?`,
			personKey(&Registration{Name: a.name}), now, a.id); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE workshop_registrations SET name = '', email = '', phone = '', organisation = '', role = '', needs = '', person_key = '', anonymised_at = ?
		WHERE workshop_id = ? AND anonymised_at IS NULL`, now, workshopID)
	return err
}

package catalog

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"kpss/internal/outbox"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/mail"
	"kpss/internal/store"
)

// Change states.
const (
	ChangePending  = "pending"
	ChangeApproved = "approved"
	ChangeRejected = "rejected"
)

// Change is a provider's proposed new service or edit, waiting for the
// coordinator. The public catalogue shows it only once approved.
type Change struct {
	ID             int64      `json:"id"`
	ServiceID      *int64     `json:"service_id"`
	OrganisationID int64      `json:"organisation_id"`
	Proposed       Service    `json:"proposed"`
	State          string     `json:"state"`
	SubmittedBy    *int64     `json:"submitted_by"`
	SubmittedAt    time.Time  `json:"submitted_at"`
	DecidedBy      *int64     `json:"decided_by"`
	DecidedAt      *time.Time `json:"decided_at"`
	Comment        string     `json:"comment"`
	OrgName        string     `json:"-"`
}

// ProposeChange records a provider's version of a service (serviceID nil: a
// new one). It is validated now, so the provider sees mistakes at once.
func (c *Catalog) ProposeChange(ctx context.Context, serviceID *int64, s Service) (*Change, error) {
	ch := &Change{ServiceID: serviceID, State: ChangePending, SubmittedAt: c.now()}
	err := c.DB.InTx(ctx, func(tx *store.Tx) error {
		if serviceID != nil {
			cur, err := findService(ctx, tx, *serviceID)
			if err != nil {
				return err
			}
			// A provider cannot move a service to another organisation, nor
			// change what the registry or the coordinator decides.
			s.OrganisationID, s.Status, s.Source, s.RegistryID = cur.OrganisationID, cur.Status, cur.Source, cur.RegistryID
		}
		if _, err := c.check(ctx, tx, &s); err != nil {
			return err
		}
		ch.OrganisationID, ch.Proposed = s.OrganisationID, s
		if u := auth.UserFrom(ctx); u != nil {
			ch.SubmittedBy = &u.ID
		}
		b, _ := json.Marshal(s)
		var err error
		ch.ID, err = store.InsertID(ctx, tx, `INSERT INTO catalog_changes (service_id, organisation_id, proposed_json, state, submitted_by, submitted_at)
			VALUES (?, ?, ?, ?, ?, ?)`, ch.ServiceID, ch.OrganisationID, string(b), ch.State, ch.SubmittedBy, ch.SubmittedAt)
		if err != nil {
			return err
		}
		return c.Audit.Record(ctx, tx, audit.Entry{Action: "propose", Entity: "catalog_change", EntityID: ch.ID, Summary: s.Name, After: ch})
	})
	if err != nil {
		return nil, err
	}
	return ch, nil
}

const changeCols = `c.id, c.service_id, c.organisation_id, c.proposed_json, c.state, c.submitted_by, c.submitted_at, c.decided_by, c.decided_at, c.comment, o.name`

func scanChange(sc scanner) (Change, error) {
	var ch Change
	var js string
	err := sc.Scan(&ch.ID, &ch.ServiceID, &ch.OrganisationID, &js, &ch.State, &ch.SubmittedBy, &ch.SubmittedAt, &ch.DecidedBy, &ch.DecidedAt, &ch.Comment, &ch.OrgName)
	if err == nil {
		err = json.Unmarshal([]byte(js), &ch.Proposed)
	}
	return ch, err
}

// FindChanges lists changes in state (all when ""), of one organisation when orgID != 0, oldest first.
func (c *Catalog) FindChanges(ctx context.Context, state string, orgID int64) ([]Change, error) {
	where, args := []string{"1=1"}, []any{}
	if state != "" {
		where, args = append(where, "c.state = ?"), append(args, state)
	}
	if orgID != 0 {
		where, args = append(where, "c.organisation_id = ?"), append(args, orgID)
	}
	rows, err := c.DB.Query(ctx, `SELECT `+changeCols+` FROM catalog_changes c JOIN organisations o ON o.id = c.organisation_id WHERE `+
		strings.Join(where, " AND ")+` ORDER BY c.submitted_at, c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Change{}
	for rows.Next() {
		ch, err := scanChange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}

// FindChangeByID returns a change or a not-found error.
func (c *Catalog) FindChangeByID(ctx context.Context, id int64) (*Change, error) {
	return findChange(ctx, c.DB, id)
}

func findChange(ctx context.Context, q store.Q, id int64) (*Change, error) {
	ch, err := scanChange(q.QueryRow(ctx, `SELECT `+changeCols+` FROM catalog_changes c JOIN organisations o ON o.id = c.organisation_id WHERE c.id = ?`, id))
	if err != nil {
		return nil, store.AppError(store.MapError(err), "catalog_change")
	}
	return &ch, nil
}

// DecideChange approves (publishes) or rejects a pending change; a rejection
// needs a comment for the provider. It writes one audit row: the service's
// change for an approval, the change's rejection otherwise.
func (c *Catalog) DecideChange(ctx context.Context, id int64, approve bool, comment string) (*Change, error) {
	comment = strings.TrimSpace(comment)
	var ch *Change
	err := c.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if ch, err = findChange(ctx, tx, id); err != nil {
			return err
		}
		if ch.State != ChangePending {
			return apperr.New(apperr.Conflict, "catalog.err.not_pending")
		}
		if !approve && comment == "" {
			f := apperr.Fields{}
			f.Add("comment", "catalog.err.comment_needed")
			return f.Err()
		}
		now := c.now()
		ch.DecidedAt, ch.Comment = &now, comment
		if u := auth.UserFrom(ctx); u != nil {
			ch.DecidedBy = &u.ID
		}
		before := *ch
		if approve {
			ch.State = ChangeApproved
			s := ch.Proposed
			if ch.ServiceID == nil {
				if err := c.createService(ctx, tx, &s, "approve"); err != nil {
					return err
				}
				ch.ServiceID = &s.ID
			} else if err := c.updateService(ctx, tx, *ch.ServiceID, &s, "approve"); err != nil {
				return err
			}
		} else {
			ch.State = ChangeRejected
		}
		if _, err := tx.Exec(ctx, `UPDATE catalog_changes SET state = ?, service_id = ?, decided_by = ?, decided_at = ?, comment = ? WHERE id = ?`,
			ch.State, ch.ServiceID, ch.DecidedBy, ch.DecidedAt, ch.Comment, ch.ID); err != nil {
			return err
		}
		if approve {
			return nil // the service's audit row records the approval
		}
		before.Proposed, ch.Proposed = Service{}, Service{}
		return c.Audit.Record(ctx, tx, audit.Entry{Action: "reject", Entity: "catalog_change", EntityID: ch.ID, Summary: ch.OrgName, Before: &before, After: ch})
	})
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// ---------- the yearly confirmation

// confirmValidity is how long a confirmation link works.
const confirmValidity = 60 * 24 * time.Hour

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// ConfirmationReport says what RequestConfirmations did.
type ConfirmationReport struct {
	Sent      int
	NoAddress []string // organisations without an e-mail address
}

// RequestConfirmations e-mails every provider with active services one link
// to confirm its entries with one click. Only the token's hash is stored.
func (c *Catalog) RequestConfirmations(ctx context.Context, sender mail.Sender, baseURL string) (ConfirmationReport, error) {
	var rep ConfirmationReport
	type target struct {
		id          int64
		name, email string
		services    []string
	}
	rows, err := c.DB.Query(ctx, `SELECT o.id, o.name, COALESCE(NULLIF(p.confirm_email, ''), o.email), s.name
		FROM catalog_services s JOIN organisations o ON o.id = s.organisation_id LEFT JOIN catalog_providers p ON p.organisation_id = o.id
		WHERE s.status = ? ORDER BY o.sort_key, o.id, s.sort_key`, StatusActive)
	if err != nil {
		return rep, err
	}
	var targets []*target
	for rows.Next() {
		var id int64
		var name, email, svc string
		if err := rows.Scan(&id, &name, &email, &svc); err != nil {
			rows.Close()
			return rep, err
		}
		if len(targets) == 0 || targets[len(targets)-1].id != id {
			targets = append(targets, &target{id: id, name: name, email: email})
		}
		t := targets[len(targets)-1]
		t.services = append(t.services, svc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	now := c.now()
	err = c.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, t := range targets {
			if t.email == "" {
				rep.NoAddress = append(rep.NoAddress, t.name)
				continue
			}
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			token := base64.RawURLEncoding.EncodeToString(b)
			if _, err := tx.Exec(ctx, `INSERT INTO catalog_confirmations (organisation_id, token_hash, sent_to, sent_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
				t.id, hashToken(token), t.email, now, now.Add(confirmValidity)); err != nil {
				return err
			}
			link := strings.TrimSuffix(baseURL, "/") + "/katalog/potvrdit/" + token
			text := fmt.Sprintf("Dobrý den,\n\nprosíme o každoroční potvrzení údajů organizace %s v katalogu služeb:\n\n- %s\n\n"+
				"Zkontrolujte je prosím a potvrďte jedním kliknutím na tlačítko na této stránce:\n%s\n\n"+
				"Pokud je třeba něco opravit, přihlaste se a navrhněte změnu; koordinátor ji schválí.\nOdkaz platí 60 dní.\n\nDěkujeme,\nkoordinátor KPSS\n",
				t.name, strings.Join(t.services, "\n- "), link)
			m := mail.Message{To: []string{t.email}, Subject: "Potvrďte prosím údaje v katalogu služeb", Text: text}
			if c.Outbox != nil {
				if err := c.Outbox.Enqueue(ctx, tx, outbox.Message{Module: "catalog", Kind: "confirmation", Ref: fmt.Sprintf("catalog:organisation:%d", t.id), Mail: m}); err != nil {
					return err
				}
			} else if err := sender.Send(ctx, m); err != nil {
				return err
			}
			rep.Sent++
		}
		return c.Audit.Record(ctx, tx, audit.Entry{Action: "request", Entity: "catalog_confirmation", Summary: fmt.Sprintf("%d e-mailů", rep.Sent),
			After: map[string]any{"sent": rep.Sent, "no_address": rep.NoAddress}})
	})
	return rep, err
}

// Confirmation is a pending confirmation found by its token.
type Confirmation struct {
	ID             int64
	OrganisationID int64
	OrgName        string
	ConfirmedAt    *time.Time
	Services       []Service
}

// FindConfirmation returns the confirmation of token, or a not-found error
// when it is unknown or expired.
func (c *Catalog) FindConfirmation(ctx context.Context, token string) (*Confirmation, error) {
	var cf Confirmation
	var expires time.Time
	err := c.DB.QueryRow(ctx, `SELECT c.id, c.organisation_id, o.name, c.confirmed_at, c.expires_at FROM catalog_confirmations c
		JOIN organisations o ON o.id = c.organisation_id WHERE c.token_hash = ?`, hashToken(token)).Scan(&cf.ID, &cf.OrganisationID, &cf.OrgName, &cf.ConfirmedAt, &expires)
	if err != nil || c.Now().After(expires) {
		return nil, apperr.New(apperr.NotFound, "catalog.err.token")
	}
	cf.Services, _, err = c.FindServices(ctx, Filter{OrganisationID: cf.OrganisationID, Paging: store.Paging{PerPage: -1}})
	return &cf, err
}

// Confirm marks every active service of the token's organisation as confirmed today.
func (c *Catalog) Confirm(ctx context.Context, token string) (*Confirmation, error) {
	cf, err := c.FindConfirmation(ctx, token)
	if err != nil {
		return nil, err
	}
	now := c.now()
	err = c.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE catalog_confirmations SET confirmed_at = ? WHERE id = ?`, now, cf.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE catalog_services SET confirmed_at = ? WHERE organisation_id = ? AND status = ?`, now, cf.OrganisationID, StatusActive); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE catalog_providers SET confirmed_at = ?, updated_at = ? WHERE organisation_id = ?`, now, now, cf.OrganisationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO catalog_providers (organisation_id, confirmed_at, updated_at) VALUES (?, ?, ?)`, cf.OrganisationID, now, now); err != nil {
				return err
			}
		}
		if err := bumpVersion(ctx, tx); err != nil {
			return err
		}
		return c.Audit.Record(ctx, tx, audit.Entry{Action: "confirm", Entity: "catalog_confirmation", EntityID: cf.ID, Summary: cf.OrgName,
			Before: map[string]any{"confirmed_at": cf.ConfirmedAt}, After: map[string]any{"confirmed_at": now, "services": len(cf.Services)}})
	})
	if err != nil {
		return nil, err
	}
	cf.ConfirmedAt = &now
	return cf, nil
}

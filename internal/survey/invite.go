package survey

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/outbox"
	"kpss/internal/store"
	"kpss/internal/web"
)

// Invitation is a personal link to a survey, sent by e-mail; it can be used
// for one response. Of an anonymous survey it records only that it was
// used, never when or which response.
type Invitation struct {
	ID         int64      `json:"id"`
	SurveyID   int64      `json:"survey_id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	SentAt     *time.Time `json:"sent_at"`
	RemindedAt *time.Time `json:"reminded_at"`
	Used       bool       `json:"used"`
	UsedAt     *time.Time `json:"used_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// InviteResult says what an invitation round did.
type InviteResult struct {
	Queued, Skipped int
}

// parseRecipients reads one address a line ("Jana Nováková <jana@example.cz>"
// or "jana@example.cz"); the error names the line.
func parseRecipients(text string) ([]*netmail.Address, error) {
	var out []*netmail.Address
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(strings.Trim(strings.TrimSpace(line), ",;"))
		if line == "" {
			continue
		}
		a, err := netmail.ParseAddress(line)
		if err != nil || !strings.Contains(a.Address, ".") {
			f := apperr.Fields{}
			f.Add("recipients", "survey.err.recipient", "Line", i+1, "Value", line)
			return nil, f.Err()
		}
		a.Address = strings.ToLower(a.Address)
		out = append(out, a)
	}
	if len(out) == 0 {
		f := apperr.Fields{}
		f.Add("recipients", "survey.err.recipients_empty")
		return nil, f.Err()
	}
	if len(out) > 2000 {
		f := apperr.Fields{}
		f.Add("recipients", "survey.err.recipients_many")
		return nil, f.Err()
	}
	return out, nil
}

func (s *Service) link(path string) string { return strings.TrimRight(s.BaseURL, "/") + path }

func (s *Service) invitationMail(v *Survey, to *netmail.Address, token string, reminder bool) mail.Message {
	var b strings.Builder
	b.WriteString("Dobrý den,\n\n")
	if reminder {
		fmt.Fprintf(&b, "připomínáme dotazník „%s“. Pokud jste ho už vyplnili, děkujeme a tento e-mail prosím přehlédněte.\n\n", v.Title)
	} else {
		fmt.Fprintf(&b, "prosíme vás o vyplnění dotazníku „%s“.\n\n", v.Title)
	}
	if v.Anonymous {
		b.WriteString("Dotazník je anonymní: odpovědi nejsou spojeny s vaší adresou.\n")
	}
	fmt.Fprintf(&b, "Váš osobní odkaz (platí pro jedno vyplnění):\n%s\n\n", s.link(v.RespondURL()+"/pozvanka/"+token))
	if v.ClosesAt != nil {
		fmt.Fprintf(&b, "Dotazník je otevřený do %s včetně.\n\n", v.LastDay().Format("2. 1. 2006"))
	}
	b.WriteString("Děkujeme.\n\nKomunitní plánování sociálních služeb\n")
	subject := "Dotazník: " + v.Title
	if reminder {
		subject = "Připomínka – dotazník: " + v.Title
	}
	return mail.Message{To: []string{to.String()}, Subject: subject, Text: b.String()}
}

func (s *Service) ref(id int64) string { return "survey:" + strconv.FormatInt(id, 10) }

// Invite creates a personal invitation for each address not invited yet
// and queues its e-mail in the same transaction (delivered by the outbox
// after the commit). The survey must be open. Errors: not_found, invalid
// (the line of a bad address), conflict (not open, no outbox).
func (s *Service) Invite(ctx context.Context, id int64, recipients string) (InviteResult, error) {
	var res InviteResult
	addrs, err := parseRecipients(recipients)
	if err != nil {
		return res, err
	}
	if s.Outbox == nil {
		return res, apperr.New(apperr.Conflict, "survey.err.no_outbox")
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		v, err := findSurvey(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		if !v.Open(s.Now()) {
			return apperr.New(apperr.Conflict, "survey.err.invite_closed")
		}
		known := map[string]bool{}
		rows, err := tx.Query(ctx, `SELECT email FROM survey_invitations WHERE survey_id = ?`, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				rows.Close()
				return err
			}
			known[e] = true
		}
		rows.Close()
		now := s.now()
		batch := now.Format(time.RFC3339Nano)
		for _, a := range addrs {
			if known[a.Address] {
				res.Skipped++
				continue
			}
			known[a.Address] = true
			token := newKey(20)
			if _, err := tx.Exec(ctx, `INSERT INTO survey_invitations (survey_id, email, name, token_hash, sent_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				id, a.Address, a.Name, hashKey(token), now, now); err != nil {
				return err
			}
			if err := s.Outbox.Enqueue(ctx, tx, outbox.Message{Module: "survey", Kind: "invitation", Ref: s.ref(id), Batch: batch, Mail: s.invitationMail(&v, a, token, false)}); err != nil {
				return err
			}
			res.Queued++
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "survey_invite", Entity: "survey", EntityID: id, Summary: v.Title,
			After: map[string]any{"invited": res.Queued, "skipped": res.Skipped}})
	})
	return res, err
}

// Remind sends a personal link again to everyone invited to survey id who
// has not answered yet. Only hashes of the links are kept, so a reminder
// carries a new link; the one before it keeps working too. Reminders still
// queued from an earlier round are superseded. Errors: not_found, conflict.
func (s *Service) Remind(ctx context.Context, id int64) (int, error) {
	if s.Outbox == nil {
		return 0, apperr.New(apperr.Conflict, "survey.err.no_outbox")
	}
	n := 0
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		v, err := findSurvey(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		if !v.Open(s.Now()) {
			return apperr.New(apperr.Conflict, "survey.err.invite_closed")
		}
		if _, err := s.Outbox.Supersede(ctx, tx, s.ref(id), "reminder"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, email, name FROM survey_invitations WHERE survey_id = ? AND used = ? AND email <> '' ORDER BY id`, id, false)
		if err != nil {
			return err
		}
		type inv struct {
			id          int64
			email, name string
		}
		var list []inv
		for rows.Next() {
			var i inv
			if err := rows.Scan(&i.id, &i.email, &i.name); err != nil {
				rows.Close()
				return err
			}
			list = append(list, i)
		}
		rows.Close()
		now := s.now()
		batch := now.Format(time.RFC3339Nano)
		for _, i := range list {
			token := newKey(20)
			if _, err := tx.Exec(ctx, `UPDATE survey_invitations SET old_hash = token_hash, token_hash = ?, reminded_at = ? WHERE id = ?`, hashKey(token), now, i.id); err != nil {
				return err
			}
			to := &netmail.Address{Name: i.name, Address: i.email}
			if err := s.Outbox.Enqueue(ctx, tx, outbox.Message{Module: "survey", Kind: "reminder", Ref: s.ref(id), Batch: batch, Mail: s.invitationMail(&v, to, token, true)}); err != nil {
				return err
			}
			n++
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "survey_remind", Entity: "survey", EntityID: id, Summary: v.Title, After: map[string]any{"reminded": n}})
	})
	return n, err
}

// FindInvitations lists the invitations of survey id.
func (s *Service) FindInvitations(ctx context.Context, id int64) ([]Invitation, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, survey_id, email, name, sent_at, reminded_at, used, used_at, created_at FROM survey_invitations WHERE survey_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var (
			i              Invitation
			sent, rem, use sql.NullTime
		)
		if err := rows.Scan(&i.ID, &i.SurveyID, &i.Email, &i.Name, &sent, &rem, &i.Used, &use, &i.CreatedAt); err != nil {
			return nil, err
		}
		i.SentAt, i.RemindedAt, i.UsedAt = nt(sent), nt(rem), nt(use)
		out = append(out, i)
	}
	return out, rows.Err()
}

func nt(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	x := t.Time
	return &x
}

// CheckInvitation tells whether token is an unused invitation of survey id.
// Errors: not_found (unknown), conflict (used).
func (s *Service) CheckInvitation(ctx context.Context, id int64, token string) error {
	_, err := useInvitation(ctx, s.DB, id, token)
	return err
}

// AnonymiseInvitations erases the addresses and names of the invitations
// of surveys that closed more than retention ago (dry: only counts).
func (s *Service) AnonymiseInvitations(ctx context.Context, retention time.Duration, dry bool) (int, error) {
	cutoff := s.now().Add(-retention)
	var n int
	where := `anonymised_at IS NULL AND survey_id IN (SELECT id FROM surveys WHERE (state = 'closed' AND updated_at < ?) OR (closes_at IS NOT NULL AND closes_at < ?))`
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM survey_invitations WHERE `+where, cutoff, cutoff).Scan(&n); err != nil {
		return 0, err
	}
	if dry || n == 0 {
		return n, nil
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE survey_invitations SET email = '', name = '', anonymised_at = ? WHERE `+where, s.now(), cutoff, cutoff); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "anonymise", Entity: "survey_invitation", Summary: fmt.Sprintf("%d", n), After: map[string]any{"anonymised": n}})
	})
	return n, err
}

var inviteFields = []string{"recipients"}

// ShowInvitations lists the invitations of survey {id} with the form to send more.
func (h *Handler) ShowInvitations(w http.ResponseWriter, r *http.Request) error {
	return h.renderInvitations(w, r, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderInvitations(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, _, err := h.FindSurvey(r.Context(), id)
	if err != nil {
		return err
	}
	list, err := h.FindInvitations(r.Context(), id)
	if err != nil {
		return err
	}
	used := 0
	for _, i := range list {
		if i.Used {
			used++
		}
	}
	p := h.R.Page(r, "survey.invite.title").Crumb(listPath, h.l(r).T(listTitle)).Crumb(v.URL(), v.Title)
	p.Form, p.NoIndex = f, true
	data := map[string]any{"S": v, "Items": list, "Used": used, "Open": v.Open(h.Now())}
	if h.Outbox != nil {
		if st, err := h.Outbox.Status(r.Context(), h.ref(id)); err == nil {
			data["Mail"] = st
		}
	}
	p.Data = data
	h.R.Render(w, r, status, "survey/invitations", p)
	return nil
}

// SaveInvitations sends invitations to the addresses typed in.
func (h *Handler) SaveInvitations(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	res, err := h.Invite(r.Context(), id, f.Values.Get("recipients"))
	if err != nil {
		if f.SetError(h.l(r), err, inviteFields...) {
			return h.renderInvitations(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Flash(w, "survey.flash.invited")
	_ = res
	http.Redirect(w, r, fmt.Sprintf("/dotazniky/%d/pozvanky", id), http.StatusSeeOther)
	return nil
}

// SaveReminders reminds those who have not answered.
func (h *Handler) SaveReminders(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Remind(r.Context(), id); err != nil {
		return err
	}
	web.Redirect(w, r, fmt.Sprintf("/dotazniky/%d/pozvanky", id), "survey.flash.reminded")
	return nil
}

// ShowTokenRespond shows the survey to the holder of a personal invitation.
func (h *Handler) ShowTokenRespond(w http.ResponseWriter, r *http.Request) error {
	v, qs, err := h.FindPublic(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	if err := h.CheckInvitation(r.Context(), v.ID, r.PathValue("token")); err != nil {
		return err
	}
	f := web.NewForm(nil)
	f.Values.Set("t", r.PathValue("token"))
	return h.renderForm(w, r, v, qs, f, Answers{}, "", http.StatusOK)
}

// SaveTokenRespond takes the one response of a personal invitation.
func (h *Handler) SaveTokenRespond(w http.ResponseWriter, r *http.Request) error {
	return h.SaveRespond(w, r)
}

// InvitationRetention is how long after its survey closed an invitation
// keeps its address (for questions about who was asked).
const InvitationRetention = 365 * 24 * time.Hour

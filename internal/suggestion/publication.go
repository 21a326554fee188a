package suggestion

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/store"
)

// Publishing a citizen's text. The public list, the map and Open311 show a
// suggestion only after the coordinator has looked at its text: published
// as it is, or hidden with a reason (a name, an accusation, spam), which
// shows in its place. A category may publish at once (PublishAtOnce); what
// the coordinator enters herself is published. The sender's tracking page
// always shows them their own text, and says whether it is public yet.

// Publication is the state of a suggestion's text on the public side.
type Publication string

const (
	PubPending   Publication = "pending"   // waits for the coordinator's look
	PubPublished Publication = "published" // the text is public
	PubHidden    Publication = "hidden"    // listed, the text replaced by the reason
)

// PubInfo is the publication of one suggestion.
type PubInfo struct {
	State      Publication
	Reason     string     // why hidden (public)
	ReviewedAt *time.Time // when the coordinator decided
	ReviewedBy string
}

// DedupeWindow is how long the same text from the same sender counts as the
// same suggestion (a reload, a double click, a second tab).
const DedupeWindow = 10 * time.Minute

// SenderKey is the de-duplication key of a sender: a hash of the address and
// the browser's name, never stored in the clear and cleared after an hour.
func SenderKey(ip, userAgent string) string {
	sum := sha256.Sum256([]byte("kpss-suggestion-sender\x00" + ip + "\x00" + userAgent))
	return hex.EncodeToString(sum[:16])
}

func insertPublication(ctx context.Context, q store.Q, id int64, st Publication, sender string, at time.Time) error {
	var reviewed any
	if st != PubPending {
		reviewed = at
	}
	_, err := q.Exec(ctx, `INSERT INTO suggestion_publication (suggestion_id, state, sender_key, reviewed_at, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, st, sender, reviewed, at)
	return err
}

// PublicationOf returns the publication of a suggestion (pending when none
// is recorded).
func (s *Service) PublicationOf(ctx context.Context, id int64) (PubInfo, error) {
	var p PubInfo
	err := s.DB.QueryRow(ctx, `SELECT state, hidden_reason, reviewed_at, reviewed_by FROM suggestion_publication WHERE suggestion_id = ?`, id).
		Scan(&p.State, &p.Reason, &p.ReviewedAt, &p.ReviewedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return PubInfo{State: PubPending}, nil
	}
	return p, err
}

// recentSame returns a web suggestion with the same text from the same
// sender received within DedupeWindow, or nil.
func (s *Service) recentSame(ctx context.Context, sender, text string) (*Suggestion, error) {
	if sender == "" {
		return nil, nil
	}
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT s.id FROM suggestions s JOIN suggestion_publication sp ON sp.suggestion_id = s.id
		WHERE sp.sender_key = ? AND s.text = ? AND s.received_at >= ? ORDER BY s.id DESC LIMIT 1`,
		sender, strings.TrimSpace(text), s.now().Add(-DedupeWindow)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return findSuggestion(ctx, s.DB, "s.id = ?", id)
}

// SetPublication publishes a suggestion's text (st published) or hides it
// with a public reason (st hidden), or sends it back to pending. Only the
// coordinator (staff) decides.
func (s *Service) SetPublication(ctx context.Context, id int64, st Publication, reason string) (*PubInfo, error) {
	if !isStaff(ctx) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	reason = strings.TrimSpace(reason)
	f := apperr.Fields{}
	switch st {
	case PubPublished, PubPending:
		reason = ""
	case PubHidden:
		if reason == "" {
			f.Add("hidden_reason", "suggestion.err.hidden_reason")
		}
		if utf8.RuneCountInString(reason) > 500 {
			f.Add("hidden_reason", "err.too_long", "Max", 500)
		}
	default:
		f.Add("publication", "err.choose")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out PubInfo
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		x, err := findSuggestion(ctx, tx, "s.id = ?", id)
		if err != nil {
			return err
		}
		before := PubInfo{State: PubPending}
		err = tx.QueryRow(ctx, `SELECT state, hidden_reason, reviewed_at, reviewed_by FROM suggestion_publication WHERE suggestion_id = ?`, id).
			Scan(&before.State, &before.Reason, &before.ReviewedAt, &before.ReviewedBy)
		missing := errors.Is(err, sql.ErrNoRows)
		if err != nil && !missing {
			return err
		}
		now := s.now()
		by := ""
		if u := auth.UserFrom(ctx); u != nil {
			by = u.Login
		}
		out = PubInfo{State: st, Reason: reason, ReviewedAt: &now, ReviewedBy: by}
		if st == PubPending {
			out.ReviewedAt, out.ReviewedBy = nil, ""
		}
		if missing {
			_, err = tx.Exec(ctx, `INSERT INTO suggestion_publication (suggestion_id, state, hidden_reason, reviewed_at, reviewed_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				id, st, reason, out.ReviewedAt, out.ReviewedBy, now)
		} else {
			_, err = tx.Exec(ctx, `UPDATE suggestion_publication SET state = ?, hidden_reason = ?, reviewed_at = ?, reviewed_by = ? WHERE suggestion_id = ?`,
				st, reason, out.ReviewedAt, out.ReviewedBy, id)
		}
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "publication", Entity: "suggestion", EntityID: id, Summary: x.Code + ": " + string(st),
			Before: before, After: out})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// PendingCount is how many suggestions wait for the coordinator to publish
// or hide their text (the inbox says so).
func (s *Service) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM suggestion_publication WHERE state = ?`, PubPending).Scan(&n)
	return n, err
}

// ForgetSenders clears the de-duplication keys older than an hour (a job;
// safe to run twice).
func (s *Service) ForgetSenders(ctx context.Context) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE suggestion_publication SET sender_key = '' WHERE sender_key <> '' AND created_at < ?`, s.now().Add(-time.Hour))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "anonymise", Entity: "suggestion_sender", Summary: "sender keys cleared"})
		}
		return nil
	})
}

// publications returns the publication states of ids in one query (pending
// for those without a row).
func (s *Service) publications(ctx context.Context, ids []int64) (map[int64]PubInfo, error) {
	out := make(map[int64]PubInfo, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
		out[id] = PubInfo{State: PubPending}
	}
	rows, err := s.DB.Query(ctx, `SELECT suggestion_id, state, hidden_reason FROM suggestion_publication WHERE suggestion_id IN (`+store.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p PubInfo
		if err := rows.Scan(&id, &p.State, &p.Reason); err != nil {
			return nil, err
		}
		out[id] = p
	}
	return out, rows.Err()
}

// Package outbox is the one queue of e-mails for every module. A module
// never sends mail from a handler: it enqueues the message in the
// transaction of the change that causes it, and the worker delivers it
// after the commit, retrying a failed delivery with a growing delay. A
// coordinator's click returns at once, a failing SMTP server loses nothing,
// a rolled-back change sends nothing, and with several replicas each
// message is claimed by one of them, so none goes out twice.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/store"
)

// States of a message.
const (
	Pending    = "pending"
	Sent       = "sent"
	Failed     = "failed"     // gave up after MaxAttempts; staff may retry
	Superseded = "superseded" // a newer sending replaced it before it went out
)

// MaxAttempts is how many deliveries are tried before a message is marked
// failed: with the delay doubling from a minute up to an hour, about a day
// of an SMTP outage.
const MaxAttempts = 30

// Lease is how long a claimed message is left to its sender before another
// sender may take it again (a replica that died in the middle).
const Lease = 10 * time.Minute

// Delay is the wait before delivery attempt n+1 after n failed ones:
// 1, 2, 4 … minutes, at most an hour.
func Delay(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// A Message is one e-mail to queue.
type Message struct {
	Module string // the queuing module: "group", "survey" …
	Kind   string // the module's kind of mail: "invitation", "reminder" …
	// Ref names what the mail is about ("group:meeting:12", "survey:3");
	// Status(ref) tells its page how the mail is doing.
	Ref string
	// Batch groups one sending of a kind for a ref (e.g. the meeting's
	// sequence); StatusBatch counts the latest one.
	Batch string
	Mail  mail.Message
}

// Outbox is the queue. Mail and Now may be replaced (tests).
type Outbox struct {
	DB   *store.DB
	Mail mail.Sender
	Log  *slog.Logger
	Now  func() time.Time
	// Audit records the retries staff ask for.
	Audit *audit.Log
	wake  chan struct{}
}

// New returns an outbox delivering through sender.
func New(db *store.DB, sender mail.Sender, log *slog.Logger, al *audit.Log, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Outbox{DB: db, Mail: sender, Log: log, Now: now, Audit: al, wake: make(chan struct{}, 1)}
}

func (o *Outbox) now() time.Time { return o.Now().UTC() }

// Enqueue queues m in q's transaction; the worker is woken after the
// commit. An invalid message (no recipient, no subject) is refused here, so
// the caller's change fails instead of mail silently never going out.
func (o *Outbox) Enqueue(ctx context.Context, q store.Q, m Message) error {
	if m.Module == "" || m.Kind == "" {
		return errors.New("outbox: a message needs its module and kind")
	}
	if err := m.Mail.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(m.Mail)
	if err != nil {
		return err
	}
	now := o.now()
	if _, err := q.Exec(ctx, `INSERT INTO outbox (module, kind, ref, batch, recipient, message, state, attempts, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
		m.Module, m.Kind, m.Ref, m.Batch, strings.Join(m.Mail.To, ", "), string(b), now, now); err != nil {
		return fmt.Errorf("outbox: enqueue: %w", err)
	}
	store.AfterCommit(q, o.Wake)
	return nil
}

// Supersede marks the messages of ref and kind not delivered yet (waiting
// or failed) superseded: a newer sending replaces them.
func (o *Outbox) Supersede(ctx context.Context, q store.Q, ref, kind string) (int, error) {
	r, err := q.Exec(ctx, `UPDATE outbox SET state = 'superseded' WHERE ref = ? AND kind = ? AND state IN ('pending', 'failed')`, ref, kind)
	if err != nil {
		return 0, err
	}
	n, _ := r.RowsAffected()
	return int(n), nil
}

// Wake tells a running worker there is mail to send (it never blocks).
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Result says what one run of Process did.
type Result struct {
	Sent, Retry, Failed int
}

// Process delivers the messages due now, each claimed first so that two
// replicas never send one twice. A failed delivery waits Delay and is tried
// again, up to MaxAttempts; an invalid message fails at once.
func (o *Outbox) Process(ctx context.Context) (Result, error) {
	var res Result
	for {
		now := o.now()
		type due struct {
			id       int64
			attempts int
			module   string
			msg      string
		}
		rows, err := o.DB.Query(ctx, `SELECT id, attempts, module, message FROM outbox WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT 50`, now)
		if err != nil {
			return res, err
		}
		var batch []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.attempts, &d.module, &d.msg); err != nil {
				rows.Close()
				return res, err
			}
			batch = append(batch, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(batch) == 0 {
			return res, err
		}
		for _, d := range batch {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			// Claim: one more attempt, and a lease in case this sender dies.
			r, err := o.DB.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, next_at = ? WHERE id = ? AND state = 'pending' AND attempts = ?`,
				now.Add(Lease), d.id, d.attempts)
			if err != nil {
				return res, err
			}
			if n, _ := r.RowsAffected(); n != 1 {
				continue // another sender took it
			}
			attempts := d.attempts + 1
			var msg mail.Message
			err = json.Unmarshal([]byte(d.msg), &msg)
			if err == nil {
				err = o.Mail.Send(ctx, msg)
			}
			if err == nil {
				if _, err := o.DB.Exec(ctx, `UPDATE outbox SET state = 'sent', sent_at = ?, last_error = '' WHERE id = ?`, o.now(), d.id); err != nil {
					return res, err
				}
				res.Sent++
				continue
			}
			state, next := Pending, o.now().Add(Delay(attempts))
			if attempts >= MaxAttempts || errors.Is(err, mail.ErrInvalidMessage) {
				state = Failed
				res.Failed++
			} else {
				res.Retry++
			}
			o.Log.Warn("outbox: e-mail not delivered", "module", d.module, "outbox", d.id, "attempt", attempts, "err", err)
			msgErr := err.Error()
			if len(msgErr) > 500 {
				msgErr = msgErr[:500]
			}
			if _, err := o.DB.Exec(ctx, `UPDATE outbox SET state = ?, next_at = ?, last_error = ? WHERE id = ?`, state, next, msgErr, d.id); err != nil {
				return res, err
			}
		}
	}
}

// Run is the worker: it delivers what is due, then sleeps until woken
// (Wake, after a commit queued mail) or for poll, until ctx ends. Another
// replica's queued mail is found by the poll.
func (o *Outbox) Run(ctx context.Context, poll time.Duration) error {
	if poll <= 0 {
		poll = 5 * time.Second
	}
	for {
		if _, err := o.Process(ctx); err != nil && ctx.Err() == nil {
			o.Log.Error("outbox", "err", err)
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-o.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Status is how the mail about one thing is doing.
type Status struct {
	Total, Sent, Pending, Failed int
	LastError                    string
}

// Status counts the messages of ref (all kinds, superseded ones left out).
func (o *Outbox) Status(ctx context.Context, ref string) (Status, error) {
	return o.status(ctx, `SELECT state, COUNT(*), MAX(last_error) FROM outbox WHERE ref = ? AND state <> 'superseded' GROUP BY state`, ref)
}

// StatusBatch counts the messages of ref and kind in their latest batch
// (the last sending of invitations to a meeting).
func (o *Outbox) StatusBatch(ctx context.Context, ref, kind string) (Status, error) {
	return o.status(ctx, `SELECT state, COUNT(*), MAX(last_error) FROM outbox
		WHERE ref = ? AND kind = ? AND state <> 'superseded' AND batch = (SELECT MAX(batch) FROM outbox WHERE ref = ? AND kind = ?) GROUP BY state`,
		ref, kind, ref, kind)
}

func (o *Outbox) status(ctx context.Context, q string, args ...any) (Status, error) {
	var st Status
	rows, err := o.DB.Query(ctx, q, args...)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var state, lastErr string
		var n int
		if err := rows.Scan(&state, &n, &lastErr); err != nil {
			return st, err
		}
		st.Total += n
		switch state {
		case Sent:
			st.Sent = n
		case Pending:
			st.Pending = n
		case Failed:
			st.Failed = n
		}
		if state != Sent && lastErr != "" {
			st.LastError = lastErr
		}
	}
	return st, rows.Err()
}

// Retry puts the failed messages of ref back in the queue in q's
// transaction (the caller audits it with its own entity); it returns how
// many, and apperr Conflict "outbox.err.nothing_to_retry" when none failed.
func (o *Outbox) Retry(ctx context.Context, q store.Q, ref string) (int, error) {
	r, err := q.Exec(ctx, `UPDATE outbox SET state = 'pending', attempts = 0, next_at = ? WHERE ref = ? AND state = 'failed'`, o.now(), ref)
	if err != nil {
		return 0, err
	}
	n, _ := r.RowsAffected()
	if n == 0 {
		return 0, apperr.New(apperr.Conflict, "outbox.err.nothing_to_retry")
	}
	store.AfterCommit(q, o.Wake)
	return int(n), nil
}

// RetryFailed puts every failed message (of all modules, or of one message
// when id > 0) back in the queue, audited; for the staff's outbox page.
func (o *Outbox) RetryFailed(ctx context.Context, id int64) (int, error) {
	var n int64
	err := o.DB.InTx(ctx, func(tx *store.Tx) error {
		q, args := `UPDATE outbox SET state = 'pending', attempts = 0, next_at = ? WHERE state = 'failed'`, []any{o.now()}
		if id > 0 {
			q += ` AND id = ?`
			args = append(args, id)
		}
		r, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ = r.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "outbox.err.nothing_to_retry")
		}
		store.AfterCommit(tx, o.Wake)
		if o.Audit == nil {
			return nil
		}
		return o.Audit.Record(ctx, tx, audit.Entry{Action: "mail_retry", Entity: "outbox", EntityID: id, Summary: fmt.Sprintf("%d", n), After: map[string]any{"messages": n}})
	})
	return int(n), err
}

// Purge deletes messages sent or superseded before cutoff (retention: they
// hold names and addresses); failed ones stay until staff deal with them,
// and are purged a year after they were queued.
func (o *Outbox) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	r, err := o.DB.Exec(ctx, `DELETE FROM outbox WHERE (state IN ('sent', 'superseded') AND created_at < ?) OR created_at < ?`, cutoff.UTC(), cutoff.UTC().AddDate(-1, 0, 0))
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// Counts returns how many messages are in each state, by module.
func (o *Outbox) Counts(ctx context.Context) (map[string]map[string]int, error) {
	rows, err := o.DB.Query(ctx, `SELECT module, state, COUNT(*) FROM outbox GROUP BY module, state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var m, s string
		var n int
		if err := rows.Scan(&m, &s, &n); err != nil {
			return nil, err
		}
		if out[m] == nil {
			out[m] = map[string]int{}
		}
		out[m][s] = n
	}
	return out, rows.Err()
}

// Entry is a message as the staff's outbox page lists it.
type Entry struct {
	ID                 int64
	Module, Kind, Ref  string
	Recipient, Subject string
	State              string
	Attempts           int
	NextAt, CreatedAt  time.Time
	SentAt             *time.Time
	LastError          string
}

// List returns the latest messages, those not sent first (waiting and
// failed), at most limit; state "" lists all.
func (o *Outbox) List(ctx context.Context, state string, limit int) ([]Entry, error) {
	q := `SELECT id, module, kind, ref, recipient, message, state, attempts, next_at, created_at, sent_at, last_error FROM outbox`
	var args []any
	if state != "" {
		q += ` WHERE state = ?`
		args = append(args, state)
	}
	q += ` ORDER BY CASE state WHEN 'failed' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := o.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var msg string
		if err := rows.Scan(&e.ID, &e.Module, &e.Kind, &e.Ref, &e.Recipient, &msg, &e.State, &e.Attempts, &e.NextAt, &e.CreatedAt, &e.SentAt, &e.LastError); err != nil {
			return nil, err
		}
		var m mail.Message
		if json.Unmarshal([]byte(msg), &m) == nil {
			e.Subject = m.Subject
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

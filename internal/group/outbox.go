package group

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/store"
)

// The module's e-mails (invitations, cancellations, waitlist and minutes
// notices) are not sent inside the request: they are queued in
// group_outbox in the transaction of the change that causes them, and the
// outbox job delivers them, retrying a failed delivery with a growing delay.
// A coordinator's click returns at once, and a failing SMTP server loses
// nothing.

// Outbox kinds.
const (
	MailInvitation   = "invitation"
	MailCancellation = "cancellation"
	MailRegistration = "registration"
	MailMinutes      = "minutes"
)

// Outbox states.
const (
	OutPending    = "pending"
	OutSent       = "sent"
	OutFailed     = "failed"     // gave up after OutboxMaxAttempts; the coordinator may retry
	OutSuperseded = "superseded" // a newer invitation replaced it before it went out
)

// OutboxMaxAttempts is how many deliveries are tried before a message is
// marked failed: with the delay doubling from a minute up to an hour, about
// a day of an SMTP outage.
const OutboxMaxAttempts = 30

// outboxLease is how long a claimed message is left to its sender before
// another sender may take it again (a crash in the middle).
const outboxLease = 10 * time.Minute

// OutboxDelay is the wait before delivery attempt n+1 after n failed ones:
// 1, 2, 4 … minutes, at most an hour.
func OutboxDelay(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

type outgoing struct {
	MeetingID int64
	MemberID  *int64
	Kind      string
	Batch     int
	Msg       mail.Message
}

// queue puts a message into the outbox in the caller's transaction.
func (s *Service) queue(ctx context.Context, q store.Q, o outgoing) error {
	b, err := json.Marshal(o.Msg)
	if err != nil {
		return err
	}
	now := s.now()
	_, err = q.Exec(ctx, `INSERT INTO group_outbox (meeting_id, member_id, kind, batch, recipient, message, state, attempts, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
		o.MeetingID, o.MemberID, o.Kind, o.Batch, strings.Join(o.Msg.To, ", "), string(b), now, now)
	return err
}

// Wake tells a running outbox worker there is mail to send (it never blocks).
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// OutboxResult says what one run of the outbox did.
type OutboxResult struct {
	Sent, Retry, Failed int
}

// ProcessOutbox delivers the messages due now, each claimed first so that
// two servers never send one twice. A failed delivery waits OutboxDelay
// and is tried again, up to OutboxMaxAttempts.
func (s *Service) ProcessOutbox(ctx context.Context) (OutboxResult, error) {
	var res OutboxResult
	for {
		now := s.now()
		type due struct {
			id       int64
			attempts int
			msg      string
		}
		rows, err := s.DB.Query(ctx, `SELECT id, attempts, message FROM group_outbox WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT 50`, now)
		if err != nil {
			return res, err
		}
		var batch []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.attempts, &d.msg); err != nil {
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
			r, err := s.DB.Exec(ctx, `UPDATE group_outbox SET attempts = attempts + 1, next_at = ? WHERE id = ? AND state = 'pending' AND attempts = ?`,
				now.Add(outboxLease), d.id, d.attempts)
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
				err = s.Mail.Send(ctx, msg)
			}
			if err == nil {
				_, err = s.DB.Exec(ctx, `UPDATE group_outbox SET state = 'sent', sent_at = ?, last_error = '' WHERE id = ?`, s.now(), d.id)
				if err != nil {
					return res, err
				}
				res.Sent++
				continue
			}
			state, next := OutPending, s.now().Add(OutboxDelay(attempts))
			if attempts >= OutboxMaxAttempts || errors.Is(err, mail.ErrInvalidMessage) {
				state = OutFailed
				res.Failed++
			} else {
				res.Retry++
			}
			s.Log.Warn("group: e-mail not delivered", "outbox", d.id, "attempt", attempts, "err", err)
			msgErr := err.Error()
			if len(msgErr) > 500 {
				msgErr = msgErr[:500]
			}
			if _, err := s.DB.Exec(ctx, `UPDATE group_outbox SET state = ?, next_at = ?, last_error = ? WHERE id = ?`, state, next, msgErr, d.id); err != nil {
				return res, err
			}
		}
	}
}

// RunOutbox is the outbox job: it delivers what is due, then sleeps until
// woken (Wake, after a change queued mail) or for 30 seconds (retries are
// a minute apart at least), until ctx ends.
func (s *Service) RunOutbox(ctx context.Context) error {
	for {
		if _, err := s.ProcessOutbox(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("group: outbox", "err", err)
		}
		t := time.NewTimer(30 * time.Second)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// MailStatus is how the mail of one kind for a meeting is doing (the latest
// batch of invitations).
type MailStatus struct {
	Total, Sent, Pending, Failed int
	LastError                    string
}

// OutboxStatus counts the messages of the meeting's latest batch of kind.
func (s *Service) OutboxStatus(ctx context.Context, meetingID int64, kind string) (MailStatus, error) {
	var st MailStatus
	rows, err := s.DB.Query(ctx, `SELECT state, COUNT(*), MAX(last_error) FROM group_outbox
		WHERE meeting_id = ? AND kind = ? AND state <> 'superseded' AND batch = (SELECT MAX(batch) FROM group_outbox WHERE meeting_id = ? AND kind = ?) GROUP BY state`,
		meetingID, kind, meetingID, kind)
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
		case OutSent:
			st.Sent = n
		case OutPending:
			st.Pending = n
		case OutFailed:
			st.Failed = n
		}
		if state != OutSent && lastErr != "" {
			st.LastError = lastErr
		}
	}
	return st, rows.Err()
}

// RetryFailed puts the meeting's failed messages back in the queue.
func (s *Service) RetryFailed(ctx context.Context, meetingID int64) (int, error) {
	var n int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := findMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		r, err := tx.Exec(ctx, `UPDATE group_outbox SET state = 'pending', attempts = 0, next_at = ? WHERE meeting_id = ? AND state = 'failed'`, s.now(), meetingID)
		if err != nil {
			return err
		}
		if n, _ = r.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "group.err.nothing_to_retry")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "mail_retry", Entity: "group_meeting", EntityID: meetingID, Summary: m.GroupCode, After: map[string]any{"messages": n}})
	})
	if err != nil {
		return 0, err
	}
	s.Wake()
	return int(n), nil
}

// purgeOutbox deletes messages sent or superseded before cutoff (the
// retention job): they hold names and addresses.
func purgeOutbox(ctx context.Context, tx *store.Tx, cutoff time.Time) (int64, error) {
	r, err := tx.Exec(ctx, `DELETE FROM group_outbox WHERE state IN ('sent', 'superseded') AND created_at < ?`, cutoff.UTC())
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

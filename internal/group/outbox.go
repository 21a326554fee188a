package group

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/outbox"
	"kpss/internal/store"
)

// The module's e-mails (invitations, cancellations, waitlist and minutes
// notices) are not sent inside the request: they are queued in the shared
// outbox (internal/outbox) in the transaction of the change that causes
// them, and the platform's worker delivers them, retrying a failed delivery
// with a growing delay. A coordinator's click returns at once, and a
// failing SMTP server loses nothing.

// Outbox kinds.
const (
	MailInvitation   = "invitation"
	MailCancellation = "cancellation"
	MailRegistration = "registration"
	MailMinutes      = "minutes"
)

// Outbox states.
const (
	OutPending    = outbox.Pending
	OutSent       = outbox.Sent
	OutFailed     = outbox.Failed
	OutSuperseded = outbox.Superseded
)

// OutboxMaxAttempts is how many deliveries are tried before a message is
// marked failed.
const OutboxMaxAttempts = outbox.MaxAttempts

// OutboxDelay is the wait before delivery attempt n+1 after n failed ones.
func OutboxDelay(attempts int) time.Duration { return outbox.Delay(attempts) }

// meetingRef is the outbox ref of a meeting's mail.
func meetingRef(id int64) string { return "group:meeting:" + strconv.FormatInt(id, 10) }

type outgoing struct {
	MeetingID int64
	MemberID  *int64
	Kind      string
	Batch     int
	Msg       mail.Message
}

// senderFunc lets the module's own outbox (no shared one plugged in: the
// module's unit tests) deliver through whatever s.Mail is at the time.
type senderFunc func(ctx context.Context, m mail.Message) error

func (f senderFunc) Send(ctx context.Context, m mail.Message) error { return f(ctx, m) }

// box returns the shared outbox, or one of the module's own over the same
// table when none is plugged in.
func (s *Service) box() *outbox.Outbox {
	s.boxOnce.Do(func() {
		if s.Outbox == nil {
			s.Outbox = outbox.New(s.DB, senderFunc(func(ctx context.Context, m mail.Message) error { return s.Mail.Send(ctx, m) }), s.Log, s.Audit, s.now)
		}
	})
	return s.Outbox
}

// queue puts a message into the outbox in the caller's transaction.
func (s *Service) queue(ctx context.Context, q store.Q, o outgoing) error {
	return s.box().Enqueue(ctx, q, outbox.Message{Module: "group", Kind: o.Kind, Ref: meetingRef(o.MeetingID), Batch: fmt.Sprintf("%08d", o.Batch), Mail: o.Msg})
}

// supersede marks the meeting's undelivered mail of kind superseded.
func (s *Service) supersede(ctx context.Context, q store.Q, meetingID int64, kind string) error {
	_, err := s.box().Supersede(ctx, q, meetingRef(meetingID), kind)
	return err
}

// Wake tells a running outbox worker there is mail to send (it never blocks).
func (s *Service) Wake() { s.box().Wake() }

// OutboxResult says what one run of the outbox did.
type OutboxResult = outbox.Result

// ProcessOutbox delivers the messages due now (of every module: the outbox
// is shared).
func (s *Service) ProcessOutbox(ctx context.Context) (OutboxResult, error) {
	return s.box().Process(ctx)
}

// MailStatus is how the mail of one kind for a meeting is doing (the latest
// batch of invitations).
type MailStatus = outbox.Status

// OutboxStatus counts the messages of the meeting's latest batch of kind.
func (s *Service) OutboxStatus(ctx context.Context, meetingID int64, kind string) (MailStatus, error) {
	return s.box().StatusBatch(ctx, meetingRef(meetingID), kind)
}

// RetryFailed puts the meeting's failed messages back in the queue.
func (s *Service) RetryFailed(ctx context.Context, meetingID int64) (int, error) {
	var n int
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := findMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if n, err = s.box().Retry(ctx, tx, meetingRef(meetingID)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "mail_retry", Entity: "group_meeting", EntityID: meetingID, Summary: m.GroupCode, After: map[string]any{"messages": n}})
	})
	return n, err
}

// purgeOutbox deletes the module's messages sent or superseded before
// cutoff (the retention job): they hold names and addresses.
func purgeOutbox(ctx context.Context, tx *store.Tx, cutoff time.Time) (int64, error) {
	r, err := tx.Exec(ctx, `DELETE FROM outbox WHERE module = 'group' AND state IN ('sent', 'superseded') AND created_at < ?`, cutoff.UTC())
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

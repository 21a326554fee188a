package group_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"kpss/internal/group"
	"kpss/internal/mail"
	"kpss/internal/mail/mailtest"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// Invitations wait in the outbox; while the SMTP server is down they stay
// there and are retried with a growing delay, and once it is back they all
// arrive with their .ics. Nothing is lost, nothing goes twice.
func TestOutboxSurvivesAFailingSMTPServer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := catalog(t)
		clock := now
		f.svc.Now = func() time.Time { return clock }
		// A server that is not there: connection refused.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		down := mail.SMTPConfig{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, From: "KPSS <kpss@example.test>", TLS: "none"}
		ln.Close()
		f.svc.Mail = mail.NewSMTP(down)

		res, err := f.svc.SendInvitations(ctx(), f.meeting.ID, l)
		if err != nil || res.Queued != 10 {
			t.Fatalf("queued %+v %v", res, err)
		}
		r := deliver(t, f)
		if r.Sent != 0 || r.Retry != 10 {
			t.Fatalf("with the server down: %+v", r)
		}
		st, err := f.svc.OutboxStatus(ctx(), f.meeting.ID, group.MailInvitation)
		if err != nil || st.Total != 10 || st.Pending != 10 || st.Sent != 0 || st.LastError == "" {
			t.Fatalf("status while down: %+v %v", st, err)
		}
		// Not due again before the delay.
		if r := deliver(t, f); r.Sent+r.Retry != 0 {
			t.Fatalf("retried before the delay: %+v", r)
		}
		// Down again a minute later: the next wait doubles.
		clock = clock.Add(group.OutboxDelay(1))
		if r := deliver(t, f); r.Retry != 10 {
			t.Fatalf("second attempt: %+v", r)
		}
		clock = clock.Add(group.OutboxDelay(1))
		if r := deliver(t, f); r.Sent+r.Retry != 0 {
			t.Fatalf("the second delay did not grow: %+v", r)
		}
		// The server is back.
		smtp := mailtest.NewServer(t)
		f.svc.Mail = mail.NewSMTP(smtp.Config())
		clock = clock.Add(group.OutboxDelay(2))
		if r := deliver(t, f); r.Sent != 10 || r.Retry != 0 {
			t.Fatalf("after recovery: %+v", r)
		}
		msgs := smtp.WaitFor(t, 10, 10*time.Second)
		seen := map[string]bool{}
		for _, m := range msgs {
			if seen[m.To[0]] {
				t.Errorf("%s got the invitation twice", m.To[0])
			}
			seen[m.To[0]] = true
			if !strings.HasPrefix(m.Subject, "Pozvánka: PS-SEN") || len(m.Attachments) != 1 || !strings.Contains(string(m.Attachments[0].Data), "BEGIN:VEVENT") {
				t.Errorf("invitation %q with %d attachments", m.Subject, len(m.Attachments))
			}
		}
		st, _ = f.svc.OutboxStatus(ctx(), f.meeting.ID, group.MailInvitation)
		if st.Sent != 10 || st.Pending != 0 || st.Failed != 0 || st.LastError != "" {
			t.Fatalf("status after recovery: %+v", st)
		}
		if r := deliver(t, f); r.Sent != 0 {
			t.Fatalf("sent again: %+v", r)
		}
		if len(smtp.Messages()) != 10 {
			t.Fatalf("%d messages at the server", len(smtp.Messages()))
		}
	})
}

// A message that keeps failing is given up after OutboxMaxAttempts and
// shown as failed; the coordinator puts it back in the queue.
func TestOutboxGivesUpAndRetries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		clock := now
		f.svc.Now = func() time.Time { return clock }
		f.svc.Mail = failing{}
		if _, err := f.svc.SendInvitations(ctx(), f.meeting.ID, catalog(t)); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= group.OutboxMaxAttempts; i++ {
			deliver(t, f)
			clock = clock.Add(group.OutboxDelay(i))
		}
		st, _ := f.svc.OutboxStatus(ctx(), f.meeting.ID, group.MailInvitation)
		if st.Failed != 10 || st.Pending != 0 || !strings.Contains(st.LastError, "451") {
			t.Fatalf("after %d attempts: %+v", group.OutboxMaxAttempts, st)
		}
		f.svc.Mail = f.mail
		if n, err := f.svc.RetryFailed(ctx(), f.meeting.ID); err != nil || n != 10 {
			t.Fatalf("retry: %d %v", n, err)
		}
		if r := deliver(t, f); r.Sent != 10 {
			t.Fatalf("after retry: %+v", r)
		}
		var audits int
		db.QueryRow(ctx(), `SELECT COUNT(*) FROM audit_log WHERE action = 'mail_retry' AND entity_id = ?`, f.meeting.ID).Scan(&audits)
		if audits != 1 {
			t.Errorf("%d audit rows of the retry", audits)
		}
		if got := group.OutboxDelay(1); got != time.Minute {
			t.Errorf("first delay %v", got)
		}
		if got := group.OutboxDelay(20); got != time.Hour {
			t.Errorf("delay is not capped: %v", got)
		}
	})
}

type failing struct{}

func (failing) Send(_ context.Context, _ mail.Message) error {
	return errors.New("451 4.3.0 mailbox temporarily unavailable")
}

// BenchmarkOutbox queues the invitations of a 10-member group and delivers
// them (to memory): the outbox's own cost per round of invitations.
func BenchmarkOutbox(b *testing.B) {
	db := storetest.New(b, "sqlite")
	f := setup(b, db)
	l := catalog(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.svc.SendInvitations(ctx(), f.meeting.ID, l); err != nil {
			b.Fatal(err)
		}
		if r := deliver(b, f); r.Sent != 10 {
			b.Fatalf("%+v", r)
		}
	}
}

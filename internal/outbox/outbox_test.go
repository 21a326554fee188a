package outbox_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/mail/mailtest"
	"kpss/internal/outbox"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func msg(to string) outbox.Message {
	return outbox.Message{Module: "survey", Kind: "invitation", Ref: "survey:1", Batch: "1",
		Mail: mail.Message{To: []string{to}, Subject: "Dotazník o službách pro seniory", Text: "Dobrý den, prosíme o vyplnění."}}
}

// A deadSMTP is an SMTP configuration nobody listens on.
func deadSMTP(t *testing.T) mail.SMTPConfig {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return mail.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: "none", From: "kpss@example.test"}
}

// Mail queued while the SMTP server is down is delivered, once, after it
// comes back; the ref's status tells the page how it went at every step.
func TestDeliveryAfterSMTPOutage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		ob := outbox.New(db, mail.NewSMTP(deadSMTP(t)), quiet(), audit.New(), func() time.Time { return clock })
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, to := range []string{"jana@example.cz", "petr@example.cz"} {
				if err := ob.Enqueue(ctx, tx, msg(to)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := ob.Process(ctx); err != nil || r.Retry != 2 || r.Sent != 0 {
			t.Fatalf("with SMTP down: %+v %v", r, err)
		}
		st, _ := ob.Status(ctx, "survey:1")
		if st.Pending != 2 || st.Sent != 0 || st.LastError == "" {
			t.Fatalf("status while down: %+v", st)
		}
		// Not due yet: nothing is tried again before the delay.
		if r, _ := ob.Process(ctx); r != (outbox.Result{}) {
			t.Fatalf("retried before the delay: %+v", r)
		}
		srv := mailtest.NewServer(t)
		ob.Mail = mail.NewSMTP(srv.Config())
		clock = clock.Add(outbox.Delay(1))
		if r, err := ob.Process(ctx); err != nil || r.Sent != 2 {
			t.Fatalf("after the outage: %+v %v", r, err)
		}
		got := srv.WaitFor(t, 2, 5*time.Second)
		if got[0].Subject != "Dotazník o službách pro seniory" {
			t.Errorf("subject %q", got[0].Subject)
		}
		if r, _ := ob.Process(ctx); r.Sent != 0 {
			t.Errorf("sent twice: %+v", r)
		}
		if st, _ := ob.Status(ctx, "survey:1"); st.Sent != 2 || st.Pending != 0 || st.LastError != "" {
			t.Errorf("status after: %+v", st)
		}
	})
}

// A change that rolls back sends nothing; an invalid message fails the
// change instead of never going out.
func TestRollbackSendsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mem := &mail.Memory{}
		ob := outbox.New(db, mem, quiet(), audit.New(), nil)
		boom := errors.New("the change failed")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := ob.Enqueue(ctx, tx, msg("jana@example.cz")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		bad := msg("")
		bad.Mail.To = nil
		if err := ob.Enqueue(ctx, db, bad); !errors.Is(err, mail.ErrInvalidMessage) {
			t.Errorf("invalid message accepted: %v", err)
		}
		if r, _ := ob.Process(ctx); r.Sent != 0 || len(mem.Messages()) != 0 {
			t.Errorf("a rolled-back change sent mail: %+v", r)
		}
	})
}

// Two workers (two replicas) on one database never send a message twice.
func TestTwoWorkersSendEachOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mem := &mail.Memory{}
		a := outbox.New(db, mem, quiet(), audit.New(), nil)
		b := outbox.New(db, mem, quiet(), audit.New(), nil)
		for i := range 40 {
			m := msg("clen" + string(rune('a'+i%26)) + "@example.cz")
			if err := a.Enqueue(ctx, db, m); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		var ra, rb outbox.Result
		wg.Add(2)
		go func() { defer wg.Done(); ra, _ = a.Process(ctx) }()
		go func() { defer wg.Done(); rb, _ = b.Process(ctx) }()
		wg.Wait()
		if ra.Sent+rb.Sent != 40 || len(mem.Messages()) != 40 {
			t.Fatalf("sent %d+%d, delivered %d", ra.Sent, rb.Sent, len(mem.Messages()))
		}
	})
}

// A message that keeps failing is given up after MaxAttempts; staff put it
// back (audited), and retention deletes delivered mail but not the failed.
func TestGiveUpRetryAndPurge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		ob := outbox.New(db, mail.NewSMTP(deadSMTP(t)), quiet(), audit.New(), func() time.Time { return clock })
		if err := ob.Enqueue(ctx, db, msg("jana@example.cz")); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= outbox.MaxAttempts; i++ {
			ob.Process(ctx)
			clock = clock.Add(outbox.Delay(i))
		}
		if st, _ := ob.Status(ctx, "survey:1"); st.Failed != 1 || st.Pending != 0 {
			t.Fatalf("after %d attempts: %+v", outbox.MaxAttempts, st)
		}
		mem := &mail.Memory{}
		ob.Mail = mem
		ctx = audit.WithActor(ctx, audit.Actor{Name: "koordinátorka"})
		if n, err := ob.RetryFailed(ctx, 0); err != nil || n != 1 {
			t.Fatalf("retry: %d %v", n, err)
		}
		if _, err := ob.RetryFailed(ctx, 0); err == nil {
			t.Error("a second retry with nothing failed did not say so")
		}
		var audits int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'outbox' AND action = 'mail_retry'`).Scan(&audits)
		if audits != 1 {
			t.Errorf("%d audit rows for the retry", audits)
		}
		if r, _ := ob.Process(ctx); r.Sent != 1 {
			t.Fatalf("after retry: %+v", r)
		}
		if n, err := ob.Purge(ctx, clock.Add(time.Hour)); err != nil || n != 1 {
			t.Errorf("purge: %d %v", n, err)
		}
		if st, _ := ob.Status(ctx, "survey:1"); st.Total != 0 {
			t.Errorf("after purge: %+v", st)
		}
	})
}

// BenchmarkEnqueueAndDeliver: one message queued in its own transaction
// and delivered to memory (figures in docs/benchmarks/platform.md).
func BenchmarkEnqueueAndDeliver(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			db := storetest.New(b, engine)
			ctx := context.Background()
			ob := outbox.New(db, &mail.Memory{}, quiet(), audit.New(), nil)
			b.ResetTimer()
			for range b.N {
				if err := db.InTx(ctx, func(tx *store.Tx) error { return ob.Enqueue(ctx, tx, msg("jana@example.cz")) }); err != nil {
					b.Fatal(err)
				}
			}
			if r, err := ob.Process(ctx); err != nil || r.Sent != b.N {
				b.Fatalf("%+v %v", r, err)
			}
		})
	}
}

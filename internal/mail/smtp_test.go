package mail_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kpss/internal/mail"
	"kpss/internal/mail/mailtest"
)

func TestSMTPSendsCzechMessageWithAttachment(t *testing.T) {
	srv := mailtest.NewServer(t)
	sender := mail.NewSMTP(srv.Config())
	fixed := time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC)
	sender.Now = func() time.Time { return fixed }

	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0, 0xff, 0x80, '\r', '\n'}, 400)...)
	text := "Dobrý den,\r\nbyl vám přidělen úkol č. 3: „Aktualizovat katalog služeb“.\r\nŽluťoučký kůň úpěl ďábelské ódy."
	msg := mail.Message{
		To:      []string{"Jana Nováková <jana@example.test>", "odbor@example.test"},
		Subject: "Připomínka: úkol č. 3",
		Text:    text,
		HTML:    "<p>Dobrý den, byl vám přidělen <strong>úkol č. 3</strong>.</p>",
		Attachments: []mail.Attachment{
			{Name: "zápis ŘS č. 3.pdf", ContentType: "application/pdf", Data: pdf},
		},
	}
	if err := sender.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if got.Subject != msg.Subject {
		t.Errorf("subject = %q, want %q", got.Subject, msg.Subject)
	}
	if got.Text != text {
		t.Errorf("text body = %q, want %q", got.Text, text)
	}
	if !strings.Contains(got.HTML, "<strong>úkol č. 3</strong>") {
		t.Errorf("HTML body = %q, want the task in bold", got.HTML)
	}
	if want := []string{"jana@example.test", "odbor@example.test"}; !slices.Equal(got.To, want) {
		t.Errorf("envelope recipients = %q, want %q", got.To, want)
	}
	if got.From != "kpss@example.test" {
		t.Errorf("envelope sender = %q", got.From)
	}
	to, err := got.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "Jana Nováková" {
		t.Errorf("To header = %v (%v), want the recipient's name with diacritics", to, err)
	}
	if len(got.Attachments) != 1 {
		t.Fatalf("got %d attachments, want 1", len(got.Attachments))
	}
	a := got.Attachments[0]
	if a.Name != "zápis ŘS č. 3.pdf" || a.ContentType != "application/pdf" {
		t.Errorf("attachment = %q (%s), want %q (application/pdf)", a.Name, a.ContentType, "zápis ŘS č. 3.pdf")
	}
	if !bytes.Equal(a.Data, pdf) {
		t.Errorf("attachment bytes differ: got %d bytes, want %d", len(a.Data), len(pdf))
	}
	date, err := got.Header.Date()
	if err != nil || !date.Equal(fixed) {
		t.Errorf("Date header = %v (%v), want %v from the replaceable clock", date, err, fixed)
	}
	id := got.Header.Get("Message-Id")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.test>") {
		t.Errorf("Message-ID = %q, want <…@example.test>", id)
	}
}

func TestSMTPTextOnlyIsNotMultipart(t *testing.T) {
	srv := mailtest.NewServer(t)
	err := mail.NewSMTP(srv.Config()).Send(context.Background(), mail.Message{
		To: []string{"a@example.test"}, Subject: "Nový podnět", Text: "Děkujeme za podnět.",
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want text/plain", ct)
	}
	if got.Text != "Děkujeme za podnět." {
		t.Errorf("text = %q", got.Text)
	}
}

func TestSMTPConcurrentSends(t *testing.T) {
	srv := mailtest.NewServer(t)
	sender := mail.NewSMTP(srv.Config())
	const n = 5
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- sender.Send(context.Background(), mail.Message{
				To: []string{"a@example.test"}, Subject: "Zpráva " + string(rune('A'+i)), Text: "text",
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	if got := srv.WaitFor(t, n, 5*time.Second); len(got) != n {
		t.Errorf("got %d messages, want %d", len(got), n)
	}
}

func TestSMTPUnreachableServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens on port any more

	sender := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "kpss@example.test", TLS: "none"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = sender.Send(ctx, mail.Message{To: []string{"a@example.test"}, Subject: "Test", Text: "text"})
	if err == nil {
		t.Fatal("Send to a closed port succeeded, want an error")
	}
	if errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("error = %v, want a connection error, not a validation error", err)
	}
}

func TestSMTPRejectsBadConfigAndMessages(t *testing.T) {
	ok := mail.Message{To: []string{"a@example.test"}, Subject: "S", Text: "T"}
	tests := []struct {
		name string
		cfg  mail.SMTPConfig
		msg  mail.Message
		want error
	}{
		{"no recipients", mail.SMTPConfig{Host: "x", From: "a@example.test", TLS: "none"}, mail.Message{Subject: "S", Text: "T"}, mail.ErrInvalidMessage},
		{"no text", mail.SMTPConfig{Host: "x", From: "a@example.test", TLS: "none"}, mail.Message{To: ok.To, Subject: "S"}, mail.ErrInvalidMessage},
		{"bad sender", mail.SMTPConfig{Host: "x", From: "not an address", TLS: "none"}, ok, mail.ErrInvalidMessage},
		{"bad recipient", mail.SMTPConfig{Host: "x", From: "a@example.test", TLS: "none"}, mail.Message{To: []string{"@@"}, Subject: "S", Text: "T"}, mail.ErrInvalidMessage},
		{"unknown TLS mode", mail.SMTPConfig{Host: "x", From: "a@example.test", TLS: "ssl3"}, ok, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mail.NewSMTP(tt.cfg).Send(context.Background(), tt.msg)
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestMemoryRecordsMessages(t *testing.T) {
	var m mail.Memory
	var s mail.Sender = &m
	if err := s.Send(context.Background(), mail.Message{Subject: "S", Text: "T"}); !errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("message without recipients: err = %v, want ErrInvalidMessage", err)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			_ = s.Send(context.Background(), mail.Message{To: []string{"a@example.test"}, Subject: "Úkol", Text: "T"})
		})
	}
	wg.Wait()
	if got := len(m.Messages()); got != 10 {
		t.Errorf("recorded %d messages, want 10", got)
	}
	m.Reset()
	if got := len(m.Messages()); got != 0 {
		t.Errorf("after Reset: %d messages", got)
	}
}

func TestLogSenderWritesSubjectAndText(t *testing.T) {
	var buf bytes.Buffer
	s := mail.LogSender{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	err := s.Send(context.Background(), mail.Message{
		To: []string{"a@example.test"}, Subject: "Obnovení hesla", Text: "Odkaz: https://kpss.example/heslo/abc",
		Attachments: []mail.Attachment{{Name: "a.pdf", Data: []byte("x")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Obnovení hesla", "https://kpss.example/heslo/abc", "a.pdf (1 B)"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log %q lacks %q", buf.String(), want)
		}
	}
}

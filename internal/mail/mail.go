// Package mail sends e-mail for the platform: over SMTP in production, into a
// log for the demo and into memory for unit tests.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// Message is one e-mail. Text is required so that every message is readable
// in a plain-text client or a screen reader; HTML is an optional alternative.
type Message struct {
	To          []string // addresses, optionally with a name: "Jana Nováková <jana@example.cz>"
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
}

// Attachment is a file attached to a Message.
type Attachment struct {
	Name        string // file name shown to the recipient, may contain diacritics
	ContentType string // e.g. "application/pdf"; empty means application/octet-stream
	Data        []byte
}

// Sender delivers messages. Implementations are safe for concurrent use.
type Sender interface {
	// Send delivers m or returns an error; it returns ErrInvalidMessage
	// (wrapped) when m fails Validate.
	Send(ctx context.Context, m Message) error
}

// ErrInvalidMessage is returned for a message that cannot be sent as it is.
var ErrInvalidMessage = errors.New("mail: invalid message")

// Validate reports why m cannot be sent; the error wraps ErrInvalidMessage.
func (m Message) Validate() error {
	switch {
	case len(m.To) == 0:
		return fmt.Errorf("%w: no recipients", ErrInvalidMessage)
	case m.Subject == "":
		return fmt.Errorf("%w: empty subject", ErrInvalidMessage)
	case m.Text == "":
		return fmt.Errorf("%w: empty text body", ErrInvalidMessage)
	}
	for i, a := range m.Attachments {
		if a.Name == "" {
			return fmt.Errorf("%w: attachment %d has no name", ErrInvalidMessage, i)
		}
	}
	return nil
}

// LogSender writes messages to a logger instead of sending them. It is meant
// for the demo and for development when no SMTP server is configured.
type LogSender struct {
	Logger *slog.Logger
}

// Send logs m at Info level, including the text body (the demo needs links
// such as password resets to be visible).
func (s LogSender) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	names := make([]string, len(m.Attachments))
	for i, a := range m.Attachments {
		names[i] = fmt.Sprintf("%s (%d B)", a.Name, len(a.Data))
	}
	logger := s.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.InfoContext(ctx, "mail not sent, no SMTP server configured",
		slog.Any("to", m.To),
		slog.String("subject", m.Subject),
		slog.String("text", m.Text),
		slog.Any("attachments", names))
	return nil
}

// Memory records messages instead of sending them; for unit tests of the
// modules that send mail. The zero value is ready to use.
type Memory struct {
	mu   sync.Mutex
	sent []Message
}

// Send validates m and records it.
func (s *Memory) Send(_ context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	return nil
}

// Messages returns a copy of the messages recorded so far, oldest first.
func (s *Memory) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.sent...)
}

// Reset forgets the recorded messages.
func (s *Memory) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = nil
}

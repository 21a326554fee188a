package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig says how to reach the outgoing mail server.
type SMTPConfig struct {
	Host     string
	Port     int // 0 picks the usual port for TLS: 25, 587 or 465
	Username string
	Password string
	From     string // sender, optionally with a name: "KPSS Město <kpss@mesto.cz>"
	TLS      string // "none" | "starttls" | "tls"; empty means "starttls"
}

// SMTP sends messages through an SMTP server. It opens one connection per
// message, so it is safe for concurrent use.
type SMTP struct {
	cfg SMTPConfig
	// Now gives the Date header; tests replace it.
	Now func() time.Time
	// Timeout bounds connecting to the server when ctx has no deadline.
	Timeout time.Duration
}

// NewSMTP returns a Sender for cfg. Configuration errors surface on Send.
func NewSMTP(cfg SMTPConfig) *SMTP {
	return &SMTP{cfg: cfg, Now: time.Now, Timeout: 30 * time.Second}
}

// Send builds m as MIME (UTF-8, multipart when HTML or attachments are set)
// and delivers it. Errors from the server are returned wrapped.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	client, err := s.client()
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send via %s: %w", client.ServerAddr(), err)
	}
	return nil
}

func (s *SMTP) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithTimeout(s.Timeout)}
	port := s.cfg.Port
	switch s.cfg.TLS {
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		if port == 0 {
			port = 25
		}
	case "", "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		if port == 0 {
			port = 587
		}
	case "tls":
		opts = append(opts, gomail.WithSSL())
		if port == 0 {
			port = 465
		}
	default:
		return nil, fmt.Errorf("mail: unknown TLS mode %q (want none, starttls or tls)", s.cfg.TLS)
	}
	opts = append(opts, gomail.WithPort(port))
	if s.cfg.Username != "" {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: configure SMTP client: %w", err)
	}
	return c, nil
}

func (s *SMTP) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("%w: sender %q: %v", ErrInvalidMessage, s.cfg.From, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("%w: recipients: %v", ErrInvalidMessage, err)
	}
	msg.Subject(m.Subject)
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	msg.SetDateWithValue(now())
	msg.SetMessageIDWithValue(messageID(s.cfg.From))
	msg.SetUserAgent("kpss")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data),
			gomail.WithFileContentType(gomail.ContentType(ct)),
			gomail.WithFileEncoding(gomail.EncodingB64))
	}
	return msg, nil
}

// messageID uses the sender's domain rather than the host name, which in a
// container is meaningless and makes spam filters suspicious.
func messageID(from string) string {
	domain := "kpss.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 && i < len(a.Address)-1 {
			domain = a.Address[i+1:]
		}
	}
	var b [15]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:])) + "@" + domain
}

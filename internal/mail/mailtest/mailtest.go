// Package mailtest runs an in-process SMTP server for tests and decodes what
// it receives, so that tests can assert what a recipient would see.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"kpss/internal/mail"
)

// Received is one message as the server got it, decoded.
type Received struct {
	From        string   // envelope sender (MAIL FROM)
	To          []string // envelope recipients (RCPT TO)
	Header      netmail.Header
	Subject     string // RFC 2047 decoded
	Text        string // text/plain body, transfer encoding removed
	HTML        string // text/html body, transfer encoding removed
	Attachments []mail.Attachment
	Raw         []byte
}

// Server is a plain SMTP server on 127.0.0.1 without authentication.
type Server struct {
	srv  *smtp.Server
	addr *net.TCPAddr

	mu       sync.Mutex
	messages []Received
	arrived  chan struct{} // signalled after each message; buffered 1
}

// NewServer starts a server that stops when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s := &Server{addr: l.Addr().(*net.TCPAddr), arrived: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{server: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 20 << 20
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.srv.Serve(l) // returns when closed
	}()
	t.Cleanup(func() {
		_ = s.srv.Close()
		<-done
	})
	return s
}

// Config returns an SMTP configuration that reaches this server.
func (s *Server) Config() mail.SMTPConfig {
	return mail.SMTPConfig{
		Host: s.addr.IP.String(),
		Port: s.addr.Port,
		From: "KPSS <kpss@example.test>",
		TLS:  "none",
	}
}

// Messages returns a copy of the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.messages...)
}

// WaitFor waits until at least n messages have arrived and returns them; it
// fails the test when timeout passes first.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if msgs := s.Messages(); len(msgs) >= n {
			return msgs
		}
		select {
		case <-s.arrived:
		case <-deadline.C:
			t.Fatalf("mailtest: got %d messages, want %d within %v", len(s.Messages()), n, timeout)
			return nil
		}
	}
}

func (s *Server) add(r Received) {
	s.mu.Lock()
	s.messages = append(s.messages, r)
	s.mu.Unlock()
	select {
	case s.arrived <- struct{}{}:
	default: // a signal is already pending; WaitFor rechecks the count anyway
	}
}

type session struct {
	server *Server
	from   string
	to     []string
}

func (c *session) Mail(from string, _ *smtp.MailOptions) error {
	c.from = from
	return nil
}

func (c *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	c.to = append(c.to, to)
	return nil
}

// Data rejects a message it cannot parse, so the sending test sees why.
func (c *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec, err := Parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	rec.From = c.from
	rec.To = append([]string(nil), c.to...)
	c.server.add(rec)
	return nil
}

func (c *session) Reset() {
	c.from = ""
	c.to = nil
}

func (c *session) Logout() error { return nil }

// Parse decodes a raw RFC 5322 message: headers, text and HTML bodies and
// attachments. Only UTF-8 and US-ASCII bodies are supported.
func Parse(raw []byte) (Received, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, fmt.Errorf("read message: %w", err)
	}
	rec := Received{Header: msg.Header, Raw: raw}
	dec := new(mime.WordDecoder)
	if rec.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Received{}, fmt.Errorf("decode subject: %w", err)
	}
	err = walk(&rec, textproto.MIMEHeader(msg.Header), msg.Body, true)
	return rec, err
}

// walk visits one MIME entity and, for multiparts, its children.
func walk(rec *Received, h textproto.MIMEHeader, body io.Reader, top bool) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ct, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			// Raw parts keep the transfer encoding header, so that
			// quoted-printable and base64 are decoded in one place.
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := walk(rec, p.Header, p, false); err != nil {
				return err
			}
		}
	}
	data, err := decodeBody(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		return fmt.Errorf("unsupported charset %q", cs)
	}
	disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if disposition == "attachment" || name != "" {
		// go-mail, like most mailers, puts RFC 2047 words inside the quoted
		// file name; RFC 2231 names were already decoded by ParseMediaType.
		if decoded, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
			name = decoded
		}
		rec.Attachments = append(rec.Attachments, mail.Attachment{Name: name, ContentType: mediaType, Data: data})
		return nil
	}
	if top {
		// SMTP needs the body to end with a line break; inside a multipart
		// the delimiter owns it, at the top level the body does.
		data = bytes.TrimSuffix(data, []byte("\r\n"))
	}
	switch mediaType {
	case "text/plain":
		rec.Text += string(data)
	case "text/html":
		rec.HTML += string(data)
	}
	return nil
}

func decodeBody(cte string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // skips line breaks itself
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s body: %w", cte, err)
	}
	return data, nil
}

package workshop

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"kpss/internal/ical"
	"kpss/internal/mail"
	"kpss/internal/outbox"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// Kinds of the module's e-mails.
const (
	MailConfirmed   = "confirmed"   // the place is yours (with the .ics and the cancel link)
	MailWaitlisted  = "waitlisted"  // you are on the waiting list
	MailOffer       = "offer"       // a place freed up: accept it by …
	MailCancelled   = "cancelled"   // the workshop is cancelled
	MailReminder    = "reminder"    // the workshop is tomorrow
	MailCertificate = "certificate" // your certificate and the feedback form
	MailInvitation  = "invitation"  // an invitation to register
)

// Notifier queues an e-mail of kind about registration r of workshop w (and
// certificate c, for MailCertificate) in the transaction q of the change
// that causes it; it is delivered after the commit. A registration without
// an e-mail address is skipped.
type Notifier interface {
	Notify(ctx context.Context, q store.Q, kind string, w *Workshop, r *Registration, c *Certificate) error
}

// Mailer is the Notifier over the platform's outbox, writing in the
// region's language (Czech).
type Mailer struct {
	Outbox *outbox.Outbox
	L      *i18n.Localizer
	Svc    *Service
}

func (m *Mailer) base() string { return strings.TrimRight(m.Svc.BaseURL, "/") }

// details are the lines every e-mail repeats: when, where (with the
// accessibility), who teaches.
func (m *Mailer) details(w *Workshop) string {
	l := m.L
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", l.T("workshop.field.topic"), w.Topic)
	for i, bl := range w.Blocks {
		label := l.T("workshop.field.when")
		if len(w.Blocks) > 1 {
			label = l.T("workshop.block.n", "N", i+1)
		}
		fmt.Fprintf(&b, "%s: %s %s\n", label, l.Date(bl.Start()), bl.Clock())
	}
	if w.Place != nil {
		place := w.Place.Name
		if w.Place.Address != "" {
			place += ", " + w.Place.Address
		}
		fmt.Fprintf(&b, "%s: %s\n", l.T("workshop.field.place"), place)
		var fs []string
		for _, k := range w.Place.Features {
			fs = append(fs, l.T(k))
		}
		if len(fs) > 0 {
			fmt.Fprintf(&b, "%s: %s\n", l.T("group.place.accessibility"), strings.Join(fs, ", "))
		}
	}
	if w.LecturerName != "" {
		fmt.Fprintf(&b, "%s: %s\n", l.T("workshop.field.lecturer"), w.LecturerName)
	}
	return b.String()
}

func (m *Mailer) calendar(w *Workshop) mail.Attachment {
	var buf bytes.Buffer
	ical.Write(&buf, w.Topic, m.Svc.events(w))
	return mail.Attachment{Name: "workshop.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: buf.Bytes()}
}

// Notify implements Notifier.
func (m *Mailer) Notify(ctx context.Context, q store.Q, kind string, w *Workshop, r *Registration, c *Certificate) error {
	if r == nil || r.Email == "" {
		return nil
	}
	l := m.L
	link := m.base() + "/ucast/" + r.Token
	msg := mail.Message{To: []string{r.Email}}
	hello := l.T("workshop.mail.hello", "Name", r.Name)
	sign := l.T("workshop.mail.signature", "Organiser", w.Organiser)
	var body string
	switch kind {
	case MailConfirmed:
		msg.Subject = l.T("workshop.mail.confirmed.subject", "Topic", w.Topic)
		body = l.T("workshop.mail.confirmed.body", "Link", link)
		msg.Attachments = []mail.Attachment{m.calendar(w)}
	case MailWaitlisted:
		msg.Subject = l.T("workshop.mail.waitlisted.subject", "Topic", w.Topic)
		body = l.T("workshop.mail.waitlisted.body", "Link", link)
	case MailOffer:
		until := ""
		if r.OfferExpiresAt != nil {
			until = l.DateTime(*r.OfferExpiresAt)
		}
		msg.Subject = l.T("workshop.mail.offer.subject", "Topic", w.Topic)
		body = l.T("workshop.mail.offer.body", "Until", until, "Link", link)
	case MailCancelled:
		msg.Subject = l.T("workshop.mail.cancelled.subject", "Topic", w.Topic)
		body = l.T("workshop.mail.cancelled.body")
	case MailReminder:
		msg.Subject = l.T("workshop.mail.reminder.subject", "Topic", w.Topic)
		body = l.T("workshop.mail.reminder.body", "Link", link)
		msg.Attachments = []mail.Attachment{m.calendar(w)}
	case MailCertificate:
		if c == nil {
			return nil
		}
		msg.Subject = l.T("workshop.mail.certificate.subject", "Topic", w.Topic)
		body = l.T("workshop.mail.certificate.body", "Number", c.Number, "Hours", Hours(c.Minutes), "Link", link, "Verify", m.Svc.VerifyURL(c))
		if w.FeedbackURL != "" {
			body += "\n\n" + l.T("workshop.mail.certificate.feedback", "Link", m.base()+w.FeedbackURL)
		}
		pdf, err := m.Svc.certificatePDF(c, w)
		if err != nil {
			return err
		}
		msg.Attachments = []mail.Attachment{{Name: "osvedceni-" + strings.ReplaceAll(c.Number, "/", "-") + ".pdf", ContentType: "application/pdf", Data: pdf}}
	default:
		return fmt.Errorf("workshop: unknown mail kind %q", kind)
	}
	msg.Text = hello + "\n\n" + body + "\n\n" + m.details(w) + "\n" + sign + "\n"
	return m.Outbox.Enqueue(ctx, q, outbox.Message{Module: "workshop", Kind: kind, Ref: Owner(w.ID), Mail: msg})
}

// Invite queues invitations to register to the given addresses (one
// message each).
func (m *Mailer) Invite(ctx context.Context, q store.Q, w *Workshop, to []string, batch string) error {
	l := m.L
	link := m.base() + "/workshopy/" + itoa(w.ID) + "/prihlaska"
	for _, addr := range to {
		msg := mail.Message{To: []string{addr}, Subject: l.T("workshop.mail.invitation.subject", "Topic", w.Topic),
			Attachments: []mail.Attachment{m.calendar(w)}}
		desc := ""
		if w.Description != "" {
			desc = w.Description + "\n\n"
		}
		msg.Text = l.T("workshop.mail.invitation.hello") + "\n\n" + l.T("workshop.mail.invitation.body", "Net", Hours(w.Net())) + "\n\n" + desc +
			m.details(w) + "\n" + l.T("workshop.mail.invitation.register", "Link", link) + "\n\n" + l.T("workshop.mail.signature", "Organiser", w.Organiser) + "\n"
		if err := m.Outbox.Enqueue(ctx, q, outbox.Message{Module: "workshop", Kind: MailInvitation, Ref: Owner(w.ID), Batch: batch, Mail: msg}); err != nil {
			return err
		}
	}
	return nil
}

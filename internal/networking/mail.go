package networking

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/outbox"
	"kpss/internal/store"
)

// Kinds of the module's e-mail.
const (
	MailWishLink  = "wish-link" // the personal link to mark wishes
	MailTimetable = "timetable" // the personal timetable, PDF and .ics attached
)

// Ref is the outbox reference of an event's mail.
func Ref(eventID int64) string { return "networking:" + itoa(eventID) }

// ErrNoOutbox is returned when the server has no outbox to queue mail in.
var ErrNoOutbox = errors.New("networking: no outbox")

// PersonalURL is the participant's personal link.
func (s *Service) PersonalURL(p *Participant) string {
	return strings.TrimRight(s.BaseURL, "/") + "/seznamka-osobni/" + url.PathEscape(p.Token)
}

// SendWishLinks queues to every present participant with an e-mail their
// personal link to mark wishes, superseding links not sent yet. It
// returns how many it queued.
func (s *Service) SendWishLinks(ctx context.Context, eventID int64) (int, error) {
	if s.Outbox == nil {
		return 0, ErrNoOutbox
	}
	b, err := s.LoadBoard(ctx, eventID)
	if err != nil {
		return 0, err
	}
	e := b.Event
	batch := s.Now().UTC().Format("20060102150405")
	n := 0
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Outbox.Supersede(ctx, tx, Ref(eventID), MailWishLink); err != nil {
			return err
		}
		for i := range b.Participants {
			p := &b.Participants[i]
			if p.Email == "" || !p.Present() || p.AnonymisedAt != nil {
				continue
			}
			msg := s.wishLinkMail(e, p)
			if err := s.Outbox.Enqueue(ctx, tx, outbox.Message{Module: "networking", Kind: MailWishLink, Ref: Ref(eventID), Batch: batch, Mail: msg}); err != nil {
				return err
			}
			n++
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "send-wish-links", Entity: "networking_event", EntityID: eventID,
			Summary: fmt.Sprintf("%s: %d odkazů na přání", e.Title, n)})
	})
	return n, err
}

// SendTimetables queues to every present participant with an e-mail their
// timetable (text, PDF and .ics), superseding timetables not sent yet
// (after a re-plan only the new one goes). It returns how many it queued.
func (s *Service) SendTimetables(ctx context.Context, eventID int64, host string) (int, error) {
	if s.Outbox == nil {
		return 0, ErrNoOutbox
	}
	b, err := s.LoadBoard(ctx, eventID)
	if err != nil {
		return 0, err
	}
	e := b.Event
	now := s.Now()
	batch := now.UTC().Format("20060102150405")
	type queued struct {
		p   *Participant
		msg mail.Message
	}
	var qs []queued
	for i := range b.Participants {
		p := &b.Participants[i]
		if p.Email == "" || !p.Present() || p.AnonymisedAt != nil {
			continue
		}
		pdfData, err := b.TimetablePDF(p, now)
		if err != nil {
			return 0, err
		}
		ics, err := b.TimetableICS(p, host)
		if err != nil {
			return 0, err
		}
		var t strings.Builder
		fmt.Fprintf(&t, "Dobrý den,\n\nposíláme váš rozvrh setkání „%s“ (%s, %s).\n\n", e.Title, dateCZ(e.StartsAt), e.Place)
		for _, r := range b.Timetable(p.ID, time.Time{}) {
			if r.With != nil {
				fmt.Fprintf(&t, "Kolo %d, %s–%s, stůl %d: %s\n", r.Round, clock(r.Start), clock(r.End), r.Table, whoText(r.With))
			} else {
				fmt.Fprintf(&t, "Kolo %d, %s–%s: volné kolo\n", r.Round, clock(r.Start), clock(r.End))
			}
			if r.BreakAfter {
				fmt.Fprintf(&t, "   přestávka %d minut\n", e.BreakMinutes)
			}
		}
		fmt.Fprintf(&t, "\nRozvrh je v příloze jako PDF k vytištění a jako kalendář (.ics). Aktuální podobu najdete vždy na adrese:\n%s\n\nKoordinátor komunitního plánování sociálních služeb\n", s.PersonalURL(p))
		qs = append(qs, queued{p, mail.Message{To: []string{p.Email}, Subject: "Váš rozvrh: " + e.Title, Text: t.String(),
			Attachments: []mail.Attachment{{Name: "rozvrh.pdf", ContentType: "application/pdf", Data: pdfData},
				{Name: "rozvrh.ics", ContentType: "text/calendar; charset=utf-8", Data: ics}}}})
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Outbox.Supersede(ctx, tx, Ref(eventID), MailTimetable); err != nil {
			return err
		}
		for _, q := range qs {
			if err := s.Outbox.Enqueue(ctx, tx, outbox.Message{Module: "networking", Kind: MailTimetable, Ref: Ref(eventID), Batch: batch, Mail: q.msg}); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "send-timetables", Entity: "networking_event", EntityID: eventID,
			Summary: fmt.Sprintf("%s: %d rozvrhů", e.Title, len(qs))})
	})
	return len(qs), err
}

// MailStatus is how the event's e-mail is doing (zero without an outbox).
func (s *Service) MailStatus(ctx context.Context, eventID int64) (outbox.Status, error) {
	if s.Outbox == nil {
		return outbox.Status{}, nil
	}
	return s.Outbox.Status(ctx, Ref(eventID))
}

// wishLinkMail invites p to mark their wishes through the personal link.
func (s *Service) wishLinkMail(e *Event, p *Participant) mail.Message {
	var t strings.Builder
	fmt.Fprintf(&t, "Dobrý den,\n\nzveme vás na setkání pracovníků sociálních služeb „%s“: %s od %s, %s.\n\n", e.Title, dateCZ(e.StartsAt), clock(e.StartsAt), e.Place)
	fmt.Fprintf(&t, "Na setkání se v krátkých kolech (%d minut) potkáte u stolů s lidmi z jiných organizací. Napište nám prosím, koho potkat musíte nebo chcete a koho ne – můžete vybrat člověka, organizaci nebo druh služby (nejvýše %d přání):\n\n%s/prani\n\n",
		e.RoundMinutes, e.Quota, s.PersonalURL(p))
	t.WriteString("Odkaz je jen pro vás, neposílejte ho prosím dál. Na stejné adrese později najdete svůj rozvrh.\n\nDěkujeme a těšíme se na vás.\nKoordinátor komunitního plánování sociálních služeb\n")
	return mail.Message{To: []string{p.Email}, Subject: "Koho chcete potkat? " + e.Title, Text: t.String()}
}

// MailContacts is the kind of the e-mail sent after the event.
const MailContacts = "contacts"

// SendContacts queues to every participant who came and has an e-mail
// their contact sheet (whom they met, with the contacts of those who
// agreed) and the feedback form when there is one. It returns how many.
func (s *Service) SendContacts(ctx context.Context, eventID int64) (int, error) {
	if s.Outbox == nil {
		return 0, ErrNoOutbox
	}
	b, err := s.LoadBoard(ctx, eventID)
	if err != nil {
		return 0, err
	}
	e := b.Event
	now := s.Now()
	batch := now.UTC().Format("20060102150405")
	n := 0
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Outbox.Supersede(ctx, tx, Ref(eventID), MailContacts); err != nil {
			return err
		}
		for i := range b.Participants {
			p := &b.Participants[i]
			if p.Email == "" || !p.Present() || p.AnonymisedAt != nil {
				continue
			}
			met := b.Met(p.ID, now, false)
			if len(met) == 0 {
				continue
			}
			var t strings.Builder
			fmt.Fprintf(&t, "Dobrý den,\n\nděkujeme, že jste přišli na „%s“. Tady jsou lidé, se kterými jste se potkali:\n\n", e.Title)
			for _, r := range met {
				fmt.Fprintf(&t, "- %s", whoText(r.With))
				if r.With.Service != "" {
					fmt.Fprintf(&t, ", %s", r.With.Service)
				}
				if r.With.ShareContacts && (r.With.Email != "" || r.With.Phone != "") {
					fmt.Fprintf(&t, "\n  %s", strings.Trim(r.With.Email+", "+r.With.Phone, ", "))
				}
				t.WriteString("\n")
			}
			t.WriteString("\nKontakty uvádíme jen u těch, kdo s jejich předáním souhlasili.\n")
			if e.FeedbackURL != "" {
				fmt.Fprintf(&t, "\nJak se vám setkání líbilo? Budeme rádi za pár odpovědí v krátkém dotazníku:\n%s%s\n", strings.TrimRight(s.BaseURL, "/"), e.FeedbackURL)
			}
			t.WriteString("\nKoordinátor komunitního plánování sociálních služeb\n")
			msg := mail.Message{To: []string{p.Email}, Subject: "Koho jste potkali: " + e.Title, Text: t.String()}
			if err := s.Outbox.Enqueue(ctx, tx, outbox.Message{Module: "networking", Kind: MailContacts, Ref: Ref(eventID), Batch: batch, Mail: msg}); err != nil {
				return err
			}
			n++
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "send-contacts", Entity: "networking_event", EntityID: eventID,
			Summary: fmt.Sprintf("%s: %d přehledů kontaktů", e.Title, n)})
	})
	return n, err
}

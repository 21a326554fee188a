package grant

import (
	"context"
	"fmt"
	"strings"

	"kpss/internal/mail"
	"kpss/internal/store"
)

// Outbox queues an e-mail in the transaction of the change that causes it;
// the platform delivers it after the commit (internal/server wires the
// platform's outbox in). kind names the kind of message, ref the thing it
// is about ("grant_application:12").
type Outbox interface {
	Enqueue(ctx context.Context, q store.Q, kind, ref string, m mail.Message) error
	// Status counts the queued messages of ref by their fate.
	Status(ctx context.Context, ref string) (MailStatus, error)
}

// MailStatus is how the e-mails about something are doing.
type MailStatus struct {
	Total, Sent, Pending, Failed int
	LastError                    string
}

// CallRef is the outbox reference of a call's letters to its applicants.
func CallRef(id int64) string { return "grant_call:" + itoa(id) }

const signature = "\nS pozdravem\nkoordinátor komunitního plánování sociálních služeb\n"

func (s *Service) link(path string) string {
	if s.BaseURL == "" {
		return path
	}
	return strings.TrimRight(s.BaseURL, "/") + path
}

func appRef(a *Application) string { return "grant_application:" + itoa(a.ID) }

func (s *Service) mailSubmitted(ctx context.Context, q store.Q, c *Call, a *Application) error {
	if a.ContactEmail == "" {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Dobrý den,\n\nděkujeme, vaše žádost do výzvy „%s“ byla podána %s.\n\n", c.Title, czDateTime(*a.SubmittedAt))
	fmt.Fprintf(&b, "Žadatel: %s\nPožadovaná částka: %s\n", a.Organisation, czk(a.Requested()))
	for _, sv := range a.Services {
		fmt.Fprintf(&b, " – %s: %s\n", sv.ServiceName, czk(sv.Requested))
	}
	fmt.Fprintf(&b, "\nNyní žádost projde formální kontrolou. O výsledku vám napíšeme.\nŽádost najdete zde: %s\n", s.link("/dotace/zadosti/"+itoa(a.ID)))
	b.WriteString(signature)
	return s.Outbox.Enqueue(ctx, q, "submitted", appRef(a), mail.Message{To: []string{a.ContactEmail},
		Subject: fmt.Sprintf("Žádost podána: %s", c.Title), Text: b.String()})
}

func (s *Service) mailChecked(ctx context.Context, q store.Q, c *Call, a *Application) error {
	if a.ContactEmail == "" {
		return nil
	}
	var b strings.Builder
	subject := ""
	switch a.State {
	case StateReturned:
		subject = "Žádost vrácena k doplnění: " + c.Title
		fmt.Fprintf(&b, "Dobrý den,\n\nvaši žádost do výzvy „%s“ jsme při formální kontrole vrátili k doplnění.\n\nCo je potřeba doplnit: %s\nTermín pro doplnění: %s\n\n",
			c.Title, a.CheckNote, czDate(a.FixUntil))
		fmt.Fprintf(&b, "Žádost upravíte a znovu podáte zde: %s\n", s.link("/dotace/zadosti/"+itoa(a.ID)+"/upravit"))
	case StateExcluded:
		subject = "Žádost vyřazena: " + c.Title
		fmt.Fprintf(&b, "Dobrý den,\n\nvaše žádost do výzvy „%s“ bohužel nesplnila formální podmínky a byla vyřazena z hodnocení.\n\nDůvod: %s\n\n"+
			"Pokud s vyřazením nesouhlasíte, obraťte se prosím na koordinátora.\n", c.Title, a.CheckNote)
	default:
		return nil
	}
	b.WriteString(signature)
	return s.Outbox.Enqueue(ctx, q, "checked", appRef(a), mail.Message{To: []string{a.ContactEmail}, Subject: subject, Text: b.String()})
}

func mailMessage(to, subject, text string) mail.Message {
	return mail.Message{To: []string{to}, Subject: subject, Text: text}
}

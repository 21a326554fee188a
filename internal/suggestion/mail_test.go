package suggestion

import (
	"context"
	"strings"
	"testing"

	"kpss/internal/store"
	"kpss/internal/storetest"
)

// TestCitizenMailsInTheirLanguage: a suggestion submitted in English gets its
// e-mails in English, one in Czech (or of unknown language) in Czech.
func TestCitizenMailsInTheirLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, c := range []struct{ lang, submitted, state, note, signature string }{
			{"en", "Your suggestion has the code", "is now resolved.", "a new answer", "Community planning of social services"},
			{"cs", "Váš podnět má kód", "je nyní ve stavu: vyřešený.", "nová odpověď", "Komunitní plánování sociálních služeb"},
			{"de", "Váš podnět má kód", "je nyní ve stavu: vyřešený.", "nová odpověď", "Komunitní plánování sociálních služeb"},
		} {
			f.mail.Reset()
			x, err := f.svc.Submit(context.Background(), Input{Text: "Missing ramp at the post office.", CategoryID: f.access, MunicipalityID: f.otrokovice,
				ContactEmail: "jane@example.com", Consent: true, Lang: c.lang})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.AddNote(as(coordinator), x.ID, "We are looking into it.", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Transition(as(coordinator), x.ID, Change{Action: ActResolve, PublicNote: "The ramp was built."}); err != nil {
				t.Fatal(err)
			}
			msgs := f.mail.Messages()
			if len(msgs) != 3 {
				t.Fatalf("%s: %d e-mails", c.lang, len(msgs))
			}
			if !strings.Contains(msgs[0].Subject, c.submitted) || !strings.Contains(msgs[0].Text, "https://kpss.example/podnet/"+x.Code) || !strings.Contains(msgs[0].Text, c.signature) {
				t.Errorf("%s: confirmation %q\n%s", c.lang, msgs[0].Subject, msgs[0].Text)
			}
			if !strings.Contains(msgs[1].Subject, c.note) || !strings.Contains(msgs[1].Text, "We are looking into it.") {
				t.Errorf("%s: answer %q\n%s", c.lang, msgs[1].Subject, msgs[1].Text)
			}
			if !strings.Contains(msgs[2].Text, c.state) || !strings.Contains(msgs[2].Text, "The ramp was built.") || strings.Contains(msgs[2].Text, "suggestion.mail") {
				t.Errorf("%s: change of state %q\n%s", c.lang, msgs[2].Subject, msgs[2].Text)
			}
		}
	})
}

package news

import (
	"context"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// clock is a replaceable clock for the reminder tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestRemindersBeforeTheDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 3, 3, 8, 0, 0, 0, Prague)}
		alog := &audit.Log{Now: c.now}
		ps := partner.NewService(db, alog, c.now)
		withMail, err := ps.CreateOrganisation(ctx, partner.Organisation{Name: "Charita sv. Anežky Otrokovice", Kind: "provider", Email: "info@charita.example"})
		if err != nil {
			t.Fatal(err)
		}
		noMail, err := ps.CreateOrganisation(ctx, partner.Organisation{Name: "Klub bez e-mailu", Kind: "ngo"})
		if err != nil {
			t.Fatal(err)
		}
		box := &mail.Memory{}
		svc := NewService(db, alog, c.now, ps, box, "https://kpss.example")
		add := func(month int, org int64, deadline store.Date, state string) {
			if _, err := svc.SavePlanEntry(ctx, 0, PlanEntry{Year: 2026, Month: month, Topic: "Téma " + time.Month(month).String(), OrganisationID: org, Deadline: deadline, State: state}); err != nil {
				t.Fatal(err)
			}
		}
		add(4, withMail.ID, store.NewDate(2026, 3, 10), "planned") // 7 days ahead
		add(5, noMail.ID, store.NewDate(2026, 3, 9), "planned")    // no e-mail: skipped
		add(6, withMail.ID, store.NewDate(2026, 3, 8), "written")  // already written: skipped
		add(7, withMail.ID, store.NewDate(2026, 5, 20), "planned") // far ahead
		add(3, withMail.ID, store.NewDate(2026, 3, 1), "planned")  // past the deadline
		run := func(want int) {
			t.Helper()
			n, err := svc.RemindAuthors(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Fatalf("%s: sent %d reminders, want %d", c.t.Format(time.DateOnly), n, want)
			}
		}
		run(1)
		msgs := box.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "info@charita.example" {
			t.Fatalf("messages = %+v", msgs)
		}
		m := msgs[0]
		for _, want := range []string{"Zaostřeno na sociální služby", "na měsíc duben 2026", "Uzávěrka: 10.\u00a03.\u00a02026 (za 7 dní)", "Charita sv. Anežky Otrokovice", "https://kpss.example/aktuality"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("reminder text misses %q:\n%s", want, m.Text)
			}
		}
		if !strings.Contains(m.Subject, "Téma April") {
			t.Errorf("subject = %q", m.Subject)
		}
		// The job runs every hour: nothing more that day.
		c.t = c.t.Add(10 * time.Hour)
		run(0)
		// Nor on the following days of the week …
		c.t = time.Date(2026, 3, 6, 8, 0, 0, 0, Prague)
		run(0)
		// … until the day before the deadline.
		c.t = time.Date(2026, 3, 9, 7, 0, 0, 0, Prague)
		run(1)
		if msgs := box.Messages(); !strings.Contains(msgs[1].Text, "(zítra)") {
			t.Errorf("second reminder: %s", msgs[1].Text)
		}
		run(0)
		c.t = time.Date(2026, 3, 10, 7, 0, 0, 0, Prague)
		run(0)
		var audits int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'article_plan' AND action = 'remind'`).Scan(&audits)
		if audits != 2 {
			t.Errorf("audit rows for reminders = %d, want 2", audits)
		}
	})
}

func TestFeedsAreValidXML(t *testing.T) {
	pub := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	items := []Item{
		{Slug: "dluhy", Title: "Dluhy & <exekuce>", Perex: "Perex „s uvozovkami“", Body: "**Text** a [odkaz](/x)", PublishedAt: &pub, UpdatedAt: pub, Organisation: "Charita"},
		{Slug: "koncept", Title: "Koncept", UpdatedAt: pub},
	}
	f := Feed{Title: "Aktuality", Description: "Popis", Lang: "cs", Base: "https://kpss.example/"}
	b, err := f.RSS(items)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel struct {
			Title string `xml:"title"`
			Items []struct {
				Title   string `xml:"title"`
				Link    string `xml:"link"`
				PubDate string `xml:"pubDate"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(b, &r); err != nil {
		t.Fatalf("RSS is not XML: %v\n%s", err, b)
	}
	if r.Version != "2.0" || !strings.Contains(string(b), "<link>https://kpss.example/aktuality</link>") || len(r.Channel.Items) != 1 ||
		r.Channel.Items[0].Link != "https://kpss.example/aktuality/dluhy" {
		t.Fatalf("RSS = %+v", r)
	}
	if r.Channel.Items[0].Title != "Dluhy & <exekuce>" || r.Channel.Items[0].PubDate != "Fri, 20 Nov 2026 09:30:00 +0000" {
		t.Errorf("RSS item:\n%s", b)
	}
	b, err = f.Atom(items, pub)
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Content struct {
				Type  string `xml:"type,attr"`
				Value string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b, &a); err != nil {
		t.Fatalf("Atom is not XML: %v\n%s", err, b)
	}
	if len(a.Entries) != 1 || a.Entries[0].ID != "https://kpss.example/aktuality/dluhy" || a.Entries[0].Content.Value != "<p><strong>Text</strong> a <a href=\"/x\">odkaz</a></p>\n" {
		t.Errorf("Atom = %+v", a)
	}
	if _, err := time.Parse(time.RFC3339, a.Updated); err != nil {
		t.Errorf("Atom updated %q: %v", a.Updated, err)
	}
}

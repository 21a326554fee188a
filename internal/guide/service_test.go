package guide

import (
	"context"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Přišel jsem o bydlení":        "prisel-jsem-o-bydleni",
		"Blízký člověk potřebuje péči": "blizky-clovek-potrebuje-peci",
		"  Dítě – 3 roky!  ":           "dite-3-roky",
		"Žluťoučký kůň":                "zlutoucky-kun",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGuideStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := NewService(db, audit.New(), time.Now)
		for _, g := range []Guide{
			{Title: "Čekám dítě", Published: true, WhoHelps: "porodní asistentka"},
			{Title: "Cestování s vozíkem", Published: true, Summary: "Bezbariérová doprava"},
			{Title: "Chci pracovat", Published: true},
			{Title: "Hledám práci", Published: false},
		} {
			if _, err := svc.CreateGuide(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		items, total, err := svc.FindGuides(ctx, Filter{Paging: store.Paging{PerPage: -1}})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, g := range items {
			titles = append(titles, g.Title)
		}
		// Czech order: C, Č, … H, Ch; the draft left out.
		if want := []string{"Cestování s vozíkem", "Čekám dítě", "Chci pracovat"}; total != 3 || len(titles) != 3 || titles[0] != want[0] || titles[1] != want[1] || titles[2] != want[2] {
			t.Errorf("titles = %v (total %d), want %v", titles, total, want)
		}
		items, _, _ = svc.FindGuides(ctx, Filter{Q: "PORODNI", Paging: store.Paging{PerPage: -1}})
		if len(items) != 1 || items[0].Slug != "cekam-dite" {
			t.Errorf("search in a section: %v", items)
		}
		items, _, _ = svc.FindGuides(ctx, Filter{Q: "prac", Drafts: true, Paging: store.Paging{PerPage: -1}})
		if len(items) != 2 {
			t.Errorf("prefix search with drafts: %d", len(items))
		}
		if _, err := svc.FindGuideBySlug(ctx, "hledam-praci", false); err == nil {
			t.Errorf("draft found by the public")
		}
		if _, err := svc.CreateGuide(ctx, Guide{Title: "Nový", Slug: "novy"}); err == nil {
			t.Errorf("reserved slug accepted")
		}
	})
}

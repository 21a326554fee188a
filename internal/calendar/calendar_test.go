package calendar

import (
	"context"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

func TestBuildMonth(t *testing.T) {
	first := time.Date(2026, time.November, 1, 0, 0, 0, 0, Prague) // a Sunday
	items := []Item{
		{Title: "one day", Start: time.Date(2026, 11, 18, 10, 0, 0, 0, Prague), End: time.Date(2026, 11, 18, 12, 0, 0, 0, Prague)},
		{Title: "three days", Start: time.Date(2026, 11, 29, 0, 0, 0, 0, Prague), End: time.Date(2026, 12, 1, 0, 0, 0, 0, Prague), AllDay: true},
	}
	m := BuildMonth(first, time.Date(2026, 11, 18, 9, 0, 0, 0, Prague), items)
	if len(m.Weeks) != 6 {
		t.Fatalf("November 2026 has %d week rows, want 6 (Mon 26 Oct – Sun 6 Dec)", len(m.Weeks))
	}
	if d := m.Weeks[0].Days[0].Date; d.Day() != 26 || d.Month() != time.October {
		t.Errorf("grid starts %v, want Monday 26 October", d)
	}
	if m.Weeks[0].Days[6].Date.Day() != 1 || !m.Weeks[0].Days[6].InMonth || m.Weeks[0].Days[0].InMonth {
		t.Errorf("in-month flags wrong")
	}
	count := map[int]int{}
	for _, w := range m.Weeks {
		for _, c := range w.Days {
			if c.Today && c.Date.Day() != 18 {
				t.Errorf("today is %v", c.Date)
			}
			for range c.Items {
				count[c.Date.YearDay()]++
			}
		}
	}
	if len(count) != 4 {
		t.Errorf("items on %d days, want 4 (18th, 29th, 30th, 1 Dec)", len(count))
	}
	// A month that starts on Monday with four weeks still ends on Sunday.
	feb := BuildMonth(time.Date(2027, 2, 1, 0, 0, 0, 0, Prague), time.Now(), nil)
	if len(feb.Weeks) != 4 {
		t.Errorf("February 2027 has %d rows, want 4", len(feb.Weeks))
	}
}

func TestEventFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alog := audit.New()
		ps := partner.NewService(db, alog, time.Now)
		svc := NewService(db, alog, time.Now, ps)
		g, err := ps.CreateTargetGroup(ctx, partner.TargetGroup{Code: "SEN", Name: "Senioři"})
		if err != nil {
			t.Fatal(err)
		}
		staff := &auth.User{ID: 0, Role: auth.RoleCoordinator, Active: true}
		day := func(d int, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, Prague) }
		for _, ev := range []Event{
			{Title: "Přednáška o paměti", Category: "vzdelavani", Place: "Klub", Start: day(10, 14), End: day(10, 16), TargetGroupIDs: []int64{g.ID}},
			{Title: "Výstava", Category: "verejnost", Place: "Galerie", Start: day(9, 0), End: day(12, 0), AllDay: true},
			{Title: "Setkání", Category: "setkani", Place: "MěÚ", Start: day(20, 9), End: day(20, 9)},
		} {
			if _, err := svc.SubmitEvent(ctx, staff, ev); err != nil {
				t.Fatal(err)
			}
		}
		titles := func(f Filter) []string {
			f.PerPage = -1
			evs, _, err := svc.FindEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range evs {
				out = append(out, e.Title)
			}
			return out
		}
		// The exhibition overlaps the 11th although it started on the 9th.
		if got := titles(Filter{From: day(11, 0), To: day(12, 0)}); len(got) != 1 || got[0] != "Výstava" {
			t.Errorf("overlap on the 11th: %v", got)
		}
		if got := titles(Filter{TargetGroupID: g.ID}); len(got) != 1 || got[0] != "Přednáška o paměti" {
			t.Errorf("target group: %v", got)
		}
		if got := titles(Filter{Q: "PAMET"}); len(got) != 1 {
			t.Errorf("search: %v", got)
		}
		if got := titles(Filter{EndsBefore: day(15, 0), Newest: true}); len(got) != 2 || got[0] != "Přednáška o paměti" {
			t.Errorf("archive: %v", got)
		}
		evs, _, _ := svc.FindEvents(ctx, Filter{TargetGroupID: g.ID, Paging: store.Paging{PerPage: -1}})
		if len(evs) != 1 || len(evs[0].TargetGroups) != 1 || evs[0].TargetGroups[0] != "Senioři" {
			t.Errorf("target group names: %+v", evs)
		}
	})
}

package suggestion

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"kpss/internal/store"
	"kpss/internal/storetest"
)

// TestTalliesEqualRawCounts: after submissions at the edges of Prague days
// and months, routing and rerouting, quick wins on and off, resolving,
// closing, rejecting, referring, merging duplicates, returning and reopening,
// an import and generated suggestions, the statistics read from the tallies
// equal those counted from the suggestions, for whole and broken months;
// and a rebuild gives the same tallies.
func TestTalliesEqualRawCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := as(coordinator)
		must := func(_ *Suggestion, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		at := func(s string) time.Time {
			tm, err := time.ParseInLocation("2006-01-02 15:04", s, prague)
			if err != nil {
				t.Fatal(err)
			}
			return tm
		}
		var xs []*Suggestion
		for i, when := range []string{"2025-12-31 23:30", "2026-01-01 00:10", "2026-01-31 23:59", "2026-02-01 00:00", "2026-02-14 12:00",
			"2026-03-01 00:30", "2026-03-29 01:30", "2026-03-31 22:30", "2026-04-01 08:00", "2026-06-30 23:00"} {
			f.now = at(when).UTC()
			in := Input{Text: fmt.Sprintf("Podnět číslo %d k vyřešení", i), CategoryID: f.access, MunicipalityID: f.otrokovice, Source: SourcePhone}
			if i%2 == 1 {
				in.CategoryID, in.MunicipalityID, in.TargetGroupID, in.Source = f.traffic, f.belov, &f.seniors, SourceWeb
			}
			x, err := f.svc.Create(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			xs = append(xs, x)
		}
		step := func(when string) { f.now = at(when).UTC() }
		due := store.NewDate(2026, 12, 31)
		step("2026-07-01 09:00")
		must(f.svc.Route(ctx, xs[0].ID, f.social, due, ""))
		must(f.svc.Route(ctx, xs[0].ID, f.transport, due, "jinam")) // rerouted
		must(f.svc.SetQuickWin(ctx, xs[0].ID, true))
		must(f.svc.Transition(ctx, xs[0].ID, Change{Action: ActResolve, PublicNote: "Hotovo."}))
		must(f.svc.Route(ctx, xs[1].ID, f.social, due, ""))
		must(f.svc.SetQuickWin(ctx, xs[1].ID, true))
		must(f.svc.SetQuickWin(ctx, xs[1].ID, false))
		must(f.svc.Transition(ctx, xs[1].ID, Change{Action: ActClose, PublicNote: "Nejde to."}))
		step("2026-07-31 23:45")
		must(f.svc.Transition(ctx, xs[2].ID, Change{Action: ActReject, PublicNote: "Ne.", RedirectTo: "Kraj"}))
		must(f.svc.Transition(ctx, xs[3].ID, Change{Action: ActRefer, PlanRef: "KP 2.3"}))
		must(f.svc.Transition(ctx, xs[4].ID, Change{Action: ActDuplicate, DuplicateOf: xs[5].Code}))
		step("2026-08-01 00:15")
		must(f.svc.Transition(ctx, xs[5].ID, Change{Action: ActResolve, PublicNote: "Hotovo."}))
		must(f.svc.Transition(ctx, xs[0].ID, Change{Action: ActReopen})) // resolved → new
		must(f.svc.Route(ctx, xs[6].ID, f.social, due, ""))
		must(f.svc.Transition(ctx, xs[6].ID, Change{Action: ActReturn, InternalNote: "Není naše."}))
		must(f.svc.Transition(ctx, xs[7].ID, Change{Action: ActStart}))
		step("2026-09-15 10:00")
		must(f.svc.Transition(ctx, xs[0].ID, Change{Action: ActResolve, PublicNote: "Znovu hotovo."}))
		must(f.svc.Transition(ctx, xs[7].ID, Change{Action: ActResolve, PublicNote: "Hotovo."}))
		must(f.svc.Transition(ctx, xs[8].ID, Change{Action: ActResolve, PublicNote: "Hotovo."}))
		must(f.svc.Transition(ctx, xs[2].ID, Change{Action: ActReopen}))
		csv := "received_at;text;category;municipality;state;closed_at;answer\n" +
			"2024-03-31;Stará lavička u pošty;Bezbariérovost;Otrokovice;resolved;2024-04-10;Opraveno\n" +
			"31. 12. 2025;Chybí přechod;Doprava;Bělov;new;;\n"
		if res, err := f.svc.Import(ctx, strings.NewReader(csv)); err != nil || len(res.Problems) > 0 {
			t.Fatalf("import: %+v %v", res, err)
		}
		step("2026-10-01 12:00")
		if err := f.svc.Generate(ctx, 400, 7, nil); err != nil {
			t.Fatal(err)
		}

		days := func(a, b string) (time.Time, time.Time) {
			d1, _ := time.ParseInLocation(time.DateOnly, a, prague)
			d2, _ := time.ParseInLocation(time.DateOnly, b, prague)
			return d1, d2
		}
		check := func(label string) {
			t.Helper()
			for _, p := range [][2]string{{"2026-01-01", "2027-01-01"}, {"2026-01-15", "2026-03-10"}, {"2026-02-01", "2026-02-02"},
				{"2025-12-31", "2026-08-01"}, {"2026-07-31", "2026-09-16"}, {"2021-10-02", "2026-10-02"}, {"2020-01-01", "2021-01-01"}} {
				from, to := days(p[0], p[1])
				got, err := f.svc.Statistics(context.Background(), from, to)
				if err != nil {
					t.Fatal(err)
				}
				want, err := f.svc.statisticsRaw(context.Background(), from, to)
				if err != nil {
					t.Fatal(err)
				}
				if a, b := summary(got), summary(want); a != b {
					t.Errorf("%s, %s – %s:\n tallies %s\n raw     %s", label, p[0], p[1], a, b)
				}
			}
		}
		check("maintained")
		snapshot := func() map[string]int64 {
			rows, err := db.Query(context.Background(), `SELECT unit, bucket, kind, dim, item, n FROM suggestion_tallies WHERE n <> 0`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]int64{}
			for rows.Next() {
				var u, k, d, i string
				var b store.Date
				var n int64
				rows.Scan(&u, &b, &k, &d, &i, &n)
				out[u+b.String()+k+d+i] = n
			}
			return out
		}
		if bad, err := f.svc.CheckTallies(context.Background()); err != nil || bad != 0 {
			t.Fatalf("kpss check finds %d tallies off: %v", bad, err)
		}
		db.Exec(context.Background(), `UPDATE suggestion_tallies SET n = n + 1 WHERE unit = 'm' AND kind = 'received' AND dim = 'source' AND item = 'phone'`)
		if bad, _ := f.svc.CheckTallies(context.Background()); bad == 0 {
			t.Fatal("a corrupted tally went unnoticed")
		}
		db.Exec(context.Background(), `UPDATE suggestion_tallies SET n = n - 1 WHERE unit = 'm' AND kind = 'received' AND dim = 'source' AND item = 'phone'`)
		before := snapshot()
		if _, err := f.svc.RebuildTallies(context.Background()); err != nil {
			t.Fatal(err)
		}
		if after := snapshot(); !reflect.DeepEqual(before, after) {
			t.Errorf("a rebuild changed the tallies: %d rows before, %d after", len(before), len(after))
		}
		check("rebuilt")
	})
}

// summary prints the figures a user sees, breakdown rows without zeros.
func summary(st *Stats) string {
	m := "none"
	if st.MedianDays != nil {
		m = fmt.Sprint(*st.MedianDays)
	}
	s := fmt.Sprintf("received %d resolved %d closed %d rejected %d referred %d qw %d/%d access %d other %d overdue %d median %s",
		st.Received, st.Resolved, st.Closed, st.Rejected, st.Referred, st.QuickWins, st.QuickWinsResolved, st.AccessResolved, st.OtherResolved, st.Overdue, m)
	for _, dim := range Dimensions {
		var rows []string
		for _, r := range st.By[dim] {
			if r.Received+r.Resolved+r.Closed+r.Rejected > 0 {
				rows = append(rows, fmt.Sprintf("%s=%d/%d/%d/%d", r.Key, r.Received, r.Resolved, r.Closed, r.Rejected))
			}
		}
		sort.Strings(rows)
		s += " " + dim + "[" + strings.Join(rows, " ") + "]"
	}
	return s
}

package partner

import (
	"context"
	"strings"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// People archived for more than three years lose their name and contacts;
// the archived-recently, the active and the restored keep them; a second run
// changes nothing; the audit row does not carry the removed values.
func TestArchivedPeopleAreAnonymisedOnSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: "retention"})
		now := time.Date(2023, 1, 10, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		svc := NewService(db, audit.New(), clock)
		add := func(name string) int64 {
			p, err := svc.CreatePerson(ctx, Person{Name: name, Email: strings.ToLower(strings.Fields(name)[0]) + "@example.cz", Phone: "777 123 456", Position: "sociální pracovnice", Consent: true, ConsentNote: "souhlas na jednání PS"})
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		old, recent, active, restored := add("Marie Stará"), add("Petr Nedávný"), add("Eva Aktivní"), add("Jan Vrácený")
		for _, id := range []int64{old, restored} {
			if _, err := svc.SetPersonArchived(ctx, id, true); err != nil {
				t.Fatal(err)
			}
		}
		// An edit of an archived person does not restart the period.
		now = now.AddDate(1, 0, 0)
		if _, err := svc.UpdatePerson(ctx, old, Person{Name: "Marie Stará", Email: "marie@example.cz", Phone: "777 123 456", Position: "vedoucí", Archived: true, Consent: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetPersonArchived(ctx, restored, false); err != nil {
			t.Fatal(err)
		}
		now = now.AddDate(0, 6, 0)
		if _, err := svc.SetPersonArchived(ctx, recent, true); err != nil {
			t.Fatal(err)
		}

		now = time.Date(2026, 1, 11, 9, 0, 0, 0, time.UTC) // 36 months and a day after the first archiving
		dry, err := svc.AnonymisePeople(ctx, 36, true)
		if err != nil || len(dry.IDs) != 1 || dry.IDs[0] != old {
			t.Fatalf("dry run = %+v, %v; want only %d", dry, err, old)
		}
		if p, _ := svc.FindPersonByID(ctx, old); p.Name != "Marie Stará" {
			t.Fatal("the dry run changed data")
		}
		res, err := svc.AnonymisePeople(ctx, 36, false)
		if err != nil || len(res.IDs) != 1 {
			t.Fatalf("run = %+v, %v", res, err)
		}
		p, err := svc.FindPersonByID(ctx, old)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != AnonymisedName || p.Email != "" || p.Phone != "" || p.AnonymisedAt == nil || p.Position != "vedoucí" {
			t.Fatalf("after retention: %+v", p)
		}
		for _, id := range []int64{recent, active, restored} {
			if q, _ := svc.FindPersonByID(ctx, id); q.Name == AnonymisedName || q.Email == "" {
				t.Fatalf("person %d lost their data: %+v", id, q)
			}
		}
		// Found by nobody: the search column no longer holds the name.
		found, _, err := svc.FindPeople(ctx, Filter{Q: "stara", All: true, Paging: store.Paging{Page: 1, PerPage: 10}})
		if err != nil || len(found) != 0 {
			t.Fatalf("search still finds the anonymised person: %v %v", found, err)
		}
		again, err := svc.AnonymisePeople(ctx, 36, false)
		if err != nil || len(again.IDs) != 0 {
			t.Fatalf("second run = %+v, %v; want nothing", again, err)
		}
		rows, _, err := audit.Find(ctx, db, audit.Filter{Entity: "person", EntityID: old})
		if err != nil || len(rows) == 0 || rows[0].Action != "anonymise" {
			t.Fatalf("audit: %+v %v", rows, err)
		}
		var raw string
		db.QueryRow(ctx, `SELECT COALESCE(before_json, '') || COALESCE(after_json, '') FROM audit_log WHERE entity = 'person' AND entity_id = ? AND action = 'anonymise'`, old).Scan(&raw)
		if strings.Contains(raw, "Marie") || strings.Contains(raw, "777 123") || strings.Contains(raw, "marie@") {
			t.Fatalf("the audit row keeps what was removed: %s", raw)
		}
	})
}

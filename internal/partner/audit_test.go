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

// Every change writes exactly one audit row with who, what and before → after;
// a person's contact details never reach the log; a refused change writes none.
func TestEveryChangeIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{ID: 7, Name: "koordinator", IP: "192.0.2.1"})
		svc := NewService(db, audit.New(), time.Now)
		count := func() int {
			var n int
			db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n)
			return n
		}
		m, err := svc.CreateMunicipality(ctx, Municipality{Name: "Bělov", Kind: KindMunicipality})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.UpdateMunicipality(ctx, m.ID, Municipality{Name: "Bělov", Kind: KindMunicipality, Partner: true, Note: "nově partner"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetMunicipalityArchived(ctx, m.ID, true); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 3 {
			t.Fatalf("audit rows after create, update, archive = %d, want 3", n)
		}
		rows, _, err := audit.Find(ctx, db, audit.Filter{Entity: "municipality", EntityID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		upd := rows[1] // newest first: archive, update, create
		if upd.Action != "update" || upd.ActorName != "koordinator" || *upd.ActorID != 7 {
			t.Fatalf("update row = %+v", upd)
		}
		if strings.Join(upd.Changed, ",") != "note,partner" {
			t.Errorf("changed = %v, want note,partner", upd.Changed)
		}
		if upd.Before["partner"] != false || upd.After["partner"] != true || upd.After["note"] != "nově partner" {
			t.Errorf("before/after = %v → %v", upd.Before, upd.After)
		}
		// A refused change (bad ZÚJ) writes nothing.
		before := count()
		if _, err := svc.CreateMunicipality(ctx, Municipality{Name: "Chyba", Kind: KindTown, ZUJ: "12"}); err == nil {
			t.Fatal("bad ZÚJ accepted")
		}
		if count() != before {
			t.Error("a refused change wrote an audit row")
		}
		// Personal data are masked in the log, but the change is still visible.
		p, err := svc.CreatePerson(ctx, Person{Name: "Alena Nováková", Email: "alena@example.org", Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.UpdatePerson(ctx, p.ID, Person{Name: "Alena Nováková", Email: "alena.novakova@example.org", Consent: true}); err != nil {
			t.Fatal(err)
		}
		var raw string
		db.QueryRow(ctx, `SELECT before_json || after_json || summary || search FROM audit_log WHERE entity = 'person'`).Scan(&raw)
		var all []string
		rs, _ := db.Query(ctx, `SELECT before_json || after_json || summary || search FROM audit_log WHERE entity = 'person'`)
		for rs.Next() {
			var s string
			rs.Scan(&s)
			all = append(all, s)
		}
		rs.Close()
		joined := strings.Join(all, "\n")
		for _, secret := range []string{"alena", "Nováková", "novakova"} {
			if strings.Contains(strings.ToLower(joined), strings.ToLower(secret)) {
				t.Errorf("the audit log keeps personal data %q: %s", secret, joined)
			}
		}
		prow, _, _ := audit.Find(ctx, db, audit.Filter{Entity: "person", Action: "update"})
		if len(prow) != 1 || strings.Join(prow[0].Changed, ",") != "email" || prow[0].After["email"] != audit.Masked {
			t.Errorf("person update row = %+v", prow)
		}
	})
}

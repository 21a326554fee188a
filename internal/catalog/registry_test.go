package catalog

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

func importFile(t *testing.T, c *Catalog, name string, opt ImportOptions) *ImportReport {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := c.Import(context.Background(), f, opt)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return rep
}

// The registry import is idempotent, updates a changed record keeping local
// additions, marks a removed one inactive, reports what it skipped and why,
// and never stores the names of statutory bodies.
func TestRegistryImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ps := partner.NewService(db, audit.New(), time.Now)
		for _, m := range []partner.Municipality{{Name: "Otrokovice", ZUJ: "585599"}, {Name: "Napajedla", ZUJ: "585459"}, {Name: "Tlumačov"}} {
			m.Kind = partner.KindTown
			if _, err := ps.CreateMunicipality(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		for _, g := range []partner.TargetGroup{{Code: "SEN", Name: "Senioři"}, {Code: "OZP", Name: "OZP"}, {Code: "RD", Name: "Rodiny"}, {Code: "KRN", Name: "Krize"}} {
			if _, err := ps.CreateTargetGroup(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		c := New(db, audit.New(), ps, time.Now)

		rep := importFile(t, c, "rpss-sample.json", ImportOptions{})
		if len(rep.Created) != 4 || len(rep.Updated)+len(rep.Unchanged)+len(rep.Deactivated) != 0 || rep.Total != 6 {
			t.Fatalf("first import: %+v", rep)
		}
		if len(rep.Skipped) != 1 || rep.Skipped[0].ID != "3127002" || rep.Skipped[0].Reason != "catalog.import.skip.type" {
			t.Errorf("skipped: %+v (want the unknown type; Zlín is outside the region and not listed)", rep.Skipped)
		}
		all, _, _ := c.FindServices(ctx, Filter{Q: "pecovatelska", Paging: store.Paging{PerPage: -1}})
		if len(all) != 1 {
			t.Fatalf("care service: %+v", all)
		}
		care := all[0]
		if care.TypeCode != "p40" || !care.Field || !care.Outpatient || care.Residential || care.Capacity != "40 klientů; 3 klientů" ||
			care.Phone != "+420577000112" || len(care.Locations) != 1 || care.Locations[0].RUIANCode != "21735999" || care.Locations[0].Postcode != "763 61" ||
			len(care.TargetGroupIDs) != 2 || strings.Join(care.AgeGroups, ",") != "adults,seniors" || len(care.MunicipalityIDs) != 1 {
			t.Errorf("mapped care service: %+v", care)
		}
		// The new provider was created in the partners registry by its IČO.
		orgs, _, _ := ps.FindOrganisations(ctx, partner.Filter{Q: "25596641", Paging: store.Paging{PerPage: 5}})
		if len(orgs) != 1 || orgs[0].Name != "Spolek Pomocná ruka Tlumačov" {
			t.Errorf("new provider: %+v", orgs)
		}

		// A second import of the same file changes nothing.
		v1, _ := c.Version(ctx)
		var audits1 int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&audits1)
		rep = importFile(t, c, "rpss-sample.json", ImportOptions{})
		if len(rep.Unchanged) != 4 || len(rep.Created)+len(rep.Updated)+len(rep.Deactivated) != 0 {
			t.Fatalf("second import: %+v", rep)
		}
		v2, _ := c.Version(ctx)
		var audits2 int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&audits2)
		if v1 != v2 || audits1 != audits2 {
			t.Errorf("an unchanged import wrote: version %d→%d, audit rows %d→%d", v1, v2, audits1, audits2)
		}

		// Local additions: a description and the opening hours.
		care.Description = "Pomáháme i o víkendech."
		care.Locations[0].OpeningHours = "po–pá 7:00–15:30"
		care.Locations[0].Accessibility = "partial"
		if _, err := c.UpdateService(ctx, care.ID, care); err != nil {
			t.Fatal(err)
		}

		// The next day's export: one record changed, one gone.
		rep = importFile(t, c, "rpss-sample-next.json", ImportOptions{})
		if len(rep.Updated) != 1 || len(rep.Deactivated) != 1 || len(rep.Unchanged) != 2 || len(rep.Created) != 0 {
			t.Fatalf("next import: %+v", rep)
		}
		got, _ := c.FindServiceByID(ctx, care.ID)
		if got.Capacity != "55 klientů; 3 klientů" || got.Phone != "+420577000199" {
			t.Errorf("changed record not updated: %+v", got)
		}
		if got.Description != "Pomáháme i o víkendech." || got.Locations[0].OpeningHours != "po–pá 7:00–15:30" || got.Locations[0].Accessibility != "partial" {
			t.Errorf("local additions lost: %q %+v", got.Description, got.Locations)
		}
		gone, _, _ := c.FindServices(ctx, Filter{Q: "terenni programy", All: true, Paging: store.Paging{PerPage: -1}})
		if len(gone) != 1 || gone[0].Status != StatusInactive {
			t.Errorf("removed record: %+v", gone)
		}
		if rep = importFile(t, c, "rpss-sample-next.json", ImportOptions{}); len(rep.Unchanged) != 3 || len(rep.Updated)+len(rep.Deactivated)+len(rep.Created) != 0 {
			t.Errorf("repeated next import: %+v", rep)
		}

		// Only Napajedla: the rest is outside the filter and left alone.
		rep = importFile(t, c, "rpss-sample.json", ImportOptions{Municipalities: []string{"napajedla"}})
		if !slices.Equal(rep.Created, nil) || len(rep.Unchanged)+len(rep.Updated) != 1 {
			t.Errorf("filtered import: %+v", rep)
		}

		// Statutory bodies' names appear nowhere.
		for _, q := range []string{`SELECT COUNT(*) FROM audit_log WHERE before_json LIKE '%Statutárník%' OR after_json LIKE '%Statutárník%' OR after_json LIKE '%Předsedov%'`,
			`SELECT COUNT(*) FROM catalog_services WHERE search LIKE '%statutarnik%' OR description LIKE '%Statutárník%'`,
			`SELECT COUNT(*) FROM organisations WHERE description LIKE '%Předsedov%' OR search LIKE '%predsedov%'`} {
			var n int
			if err := db.QueryRow(ctx, q).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s: %d %v", q, n, err)
			}
		}
	})
}

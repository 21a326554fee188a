package catalog

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"kpss/internal/apperr"
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

func codeLists(t testing.TB) *CodeLists {
	t.Helper()
	cl, err := LoadCodeLists("testdata/ciselniky")
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// The real export's shape (../shared/specs/mpsv-registry/rpss-real-shape.json,
// copied to testdata): references into code lists, ulice as an object, target
// groups nested; ended registrations and facilities are not imported as
// active; names built from facility or provider; provider contacts as a
// fallback; the region filter by district or region; a clear error when a code
// list is missing.
func TestRegistryImportRealShape(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ps := partner.NewService(db, audit.New(), time.Now)
		for _, m := range []partner.Municipality{{Name: "Otrokovice", ZUJ: "585599"}, {Name: "Napajedla", ZUJ: "585459"}} {
			m.Kind = partner.KindTown
			if _, err := ps.CreateMunicipality(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		for _, g := range []partner.TargetGroup{{Code: "SEN", Name: "Senioři"}, {Code: "OZP", Name: "OZP"}} {
			if _, err := ps.CreateTargetGroup(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		c := New(db, audit.New(), ps, func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) })

		// Without its code lists the file is refused, saying which list is missing.
		f, _ := os.Open("testdata/rpss-real-shape.json")
		_, err := c.Import(ctx, f, ImportOptions{})
		f.Close()
		if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || e.Msg.Key != "catalog.err.codelist_missing" || e.Msg.Args["File"] != "ciselniky/druhy-socialni-sluzby.json" {
			t.Fatalf("without code lists: %v", err)
		}
		partial := NewCodeLists()
		for _, n := range []string{"druhy-socialni-sluzby.json", "formy-soc-sluzby.json", "cilove-skupiny-osoby.json", "typy-kapacity-socialni-sluzby.json"} {
			b, _ := os.ReadFile("testdata/ciselniky/" + n)
			if err := partial.Add(n, strings.NewReader(string(b))); err != nil {
				t.Fatal(err)
			}
		}
		f, _ = os.Open("testdata/rpss-real-shape.json")
		_, err = c.Import(ctx, f, ImportOptions{Codes: partial})
		f.Close()
		if e, ok := apperr.As(err); !ok || e.Msg.Args["File"] != "ciselniky/obce.json" || e.Msg.Args["Example"] != "Obec/585459" {
			t.Fatalf("without the municipalities: %v", err)
		}

		cl := codeLists(t)
		rep := importFile(t, c, "rpss-real-shape.json", ImportOptions{Codes: cl})
		if rep.Total != 2 || len(rep.Created) != 2 || len(rep.Skipped) != 0 {
			t.Fatalf("real shape: %+v", rep)
		}
		if !slices.Contains(rep.Created, "Domov pro seniory Napajedla") || !slices.Contains(rep.Created, "Domovy pro seniory – Odlehčovací služba Otrokovice") {
			t.Errorf("names: %q", rep.Created)
		}
		home, _, _ := c.FindServices(ctx, Filter{Q: "napajedla", Paging: store.Paging{PerPage: -1}})
		if len(home) != 1 {
			t.Fatalf("home: %+v", home)
		}
		h := home[0]
		if h.TypeCode != "p49" || !h.Residential || h.Outpatient || h.Capacity != "32 lůžek Maximální kapacita 32 lůžek s účinností od 01.09.2016." ||
			len(h.Locations) != 1 || h.Locations[0].Address != "Nábřeží 1200/5, Napajedla" || h.Locations[0].Postcode != "763 61" || h.Locations[0].StateProvince != "Zlínský kraj" ||
			len(h.TargetGroupIDs) != 2 || h.Email != "socialni@dsnapajedla.example" || len(h.MunicipalityIDs) != 1 {
			t.Errorf("home mapped: %+v", h)
		}

		// More records: a field service without a facility, an ended
		// registration, a closed facility, one outside the district, an unknown type.
		rep = importFile(t, c, "rpss-real-more.json", ImportOptions{Codes: cl, District: "CZ0724"})
		if rep.Total != 7 || rep.Outside != 1 || len(rep.Unchanged) != 2 || len(rep.Created) != 2 {
			t.Fatalf("more: %+v", rep)
		}
		reasons := map[string]string{}
		for _, s := range rep.Skipped {
			reasons[s.ID] = s.Reason + " " + s.Detail
		}
		if reasons["9900004"] != "catalog.import.skip.ended 31. 12. 2020" || reasons["9900005"] != "catalog.import.skip.facility_ended Odlehčovací pokoj Napajedla 30. 6. 2021" ||
			!strings.HasPrefix(reasons["9900007"], "catalog.import.skip.type") || len(rep.Skipped) != 3 {
			t.Errorf("skipped: %+v", rep.Skipped)
		}
		care, _, _ := c.FindServices(ctx, Filter{Q: "pecovatelska", Paging: store.Paging{PerPage: -1}})
		if len(care) != 1 || care[0].Name != "Pečovatelská služba – Charita sv. Anežky Otrokovice" || care[0].Email != "charita@otrokovice.example" ||
			care[0].Phone == "" || !care[0].Field || strings.Join(care[0].AgeGroups, ",") != "seniors" || care[0].Capacity != "40 klientů" || len(care[0].Locations) != 0 {
			t.Errorf("field service: %+v", care)
		}
		respite, _, _ := c.FindServices(ctx, Filter{Q: "klub slunce", Paging: store.Paging{PerPage: -1}})
		if len(respite) != 1 || respite[0].Name != "Odlehčovací služby – Klub Slunce" || len(respite[0].Locations) != 1 {
			t.Errorf("the closed facility is not a location: %+v", respite)
		}
		if all, _, _ := c.FindServices(ctx, Filter{Q: "kromeriz", All: true, Paging: store.Paging{PerPage: -1}}); len(all) != 0 {
			t.Errorf("outside the district: %+v", all)
		}

		// A registration that ends later is deactivated by the next import.
		b, _ := os.ReadFile("testdata/rpss-real-shape.json")
		ended := strings.Replace(string(b), `"datumPoskytovaniDo": null`, `"datumPoskytovaniDo": "2026-06-30"`, 1)
		rep, err = c.Import(ctx, strings.NewReader(ended), ImportOptions{Codes: cl, Region: "Zlínský kraj"})
		// (The records only in the other file are gone from this one: inactive too.)
		if err != nil || len(rep.Deactivated) != 3 || !slices.Contains(rep.Deactivated, "Domov pro seniory Napajedla") || len(rep.Skipped) != 1 {
			t.Errorf("ended later: %+v %v", rep, err)
		}
		if got, _ := c.FindServiceByID(ctx, h.ID); got.Status != StatusInactive {
			t.Errorf("ended service still %s", got.Status)
		}
		// The region by its code and the district by its registry id work too.
		for _, opt := range []ImportOptions{{Region: "Kraj/141"}, {Region: "CZ072"}, {District: "Okres/3705"}, {District: "3705"}, {District: "zlin"}} {
			opt.Codes = cl
			rep, err := c.Import(ctx, strings.NewReader(string(b)), opt)
			if err != nil || rep.Outside != 0 || len(rep.Skipped) != 0 {
				t.Errorf("%+v: %+v %v", opt, rep, err)
			}
		}
		if rep, err := c.Import(ctx, strings.NewReader(string(b)), ImportOptions{Codes: cl, District: "Okres/3708"}); err != nil || rep.Outside != 2 {
			t.Errorf("another district: %+v %v", rep, err)
		}
	})
}

// A broken record is reported, the rest imported; a broken file is a clear
// error, never a panic.
func FuzzRegistryDecode(f *testing.F) {
	for _, n := range []string{"rpss-real-shape.json", "rpss-sample.json"} {
		b, err := os.ReadFile("testdata/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"polozky":[{"id":1,"zarizeni":"x"},{"identifikator":"2","ciloveSkupiny":[{"cilovaSkupina":7}]}]}`))
	f.Add([]byte(`[{"ulice":{"nazev":{"cs":1}}}]`))
	cl, err := LoadCodeLists("testdata/ciselniky")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		err := streamRegistry(strings.NewReader(string(b)), func(r regService, decodeErr error) error {
			n++
			if decodeErr != nil {
				return nil
			}
			if err := r.resolve(cl); err != nil {
				return err
			}
			_ = serviceName(r, ServiceType{Name: "domovy pro seniory"}, r.Zarizeni)
			for _, z := range r.Zarizeni {
				_ = z.Adresa.String()
				_ = ended(z.PoskytujeDo, time.Now())
			}
			_ = czDate(r.DatumPoskytovaniDo)
			return nil
		})
		if err != nil && apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("not a clear error: %v", err)
		}
		if err := NewCodeLists().Add("obce.json", strings.NewReader(string(b))); err != nil && apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("code list: not a clear error: %v", err)
		}
	})
}

package catalog

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

type fixture struct {
	c     *Catalog
	db    *store.DB
	org   int64
	muni  int64
	group int64
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	ps := partner.NewService(db, audit.New(), time.Now)
	o, err := ps.CreateOrganisation(ctx, partner.Organisation{Name: "Charita Příklad", Kind: "provider", Email: "info@charita.example"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := ps.CreateMunicipality(ctx, partner.Municipality{Name: "Napajedla", Kind: partner.KindTown, ZUJ: "585459"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := ps.CreateTargetGroup(ctx, partner.TargetGroup{Code: "SEN", Name: "Senioři"})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{c: New(db, audit.New(), ps, time.Now), db: db, org: o.ID, muni: m.ID, group: g.ID}
}

func (fx *fixture) add(t *testing.T, name, typ string) *Service {
	t.Helper()
	s, err := fx.c.CreateService(context.Background(), Service{OrganisationID: fx.org, Name: name, TypeCode: typ, Field: true,
		MunicipalityIDs: []int64{fx.muni}, TargetGroupIDs: []int64{fx.group}})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return s
}

func names(ss []Service) string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return strings.Join(out, " | ")
}

// Results come in Czech order (Č after C, Ch after H) and the search ignores
// diacritics and case and takes the start of a word.
func TestSearchAndCzechOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		ctx := context.Background()
		for _, n := range []string{"Chráněné bydlení Zahrada", "Hospic sv. Anežky", "Čajovna pro seniory", "Centrum denních služeb", "Pečovatelská služba", "Domov Řepa", "Domov Rybníček"} {
			fx.add(t, n, "other")
		}
		all, total, err := fx.c.FindServices(ctx, Filter{Paging: store.Paging{PerPage: -1}})
		if err != nil {
			t.Fatal(err)
		}
		want := "Centrum denních služeb | Čajovna pro seniory | Domov Rybníček | Domov Řepa | Hospic sv. Anežky | Chráněné bydlení Zahrada | Pečovatelská služba"
		if got := names(all); got != want || total != 7 {
			t.Fatalf("order:\n got %s\nwant %s", got, want)
		}
		for _, q := range []string{"pečovat", "pecovatelska", "sluzb", "PEČOVATELSKÁ", "pecovatelska sluz"} {
			found, _, err := fx.c.FindServices(ctx, Filter{Q: q, Paging: store.Paging{PerPage: -1}})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(names(found), "Pečovatelská služba") {
				t.Errorf("q=%q found %q", q, names(found))
			}
		}
		// A type's name is searchable too: "odlehc" finds a service of type § 44.
		fx.add(t, "Úleva pro pečující", "p44")
		found, _, _ := fx.c.FindServices(ctx, Filter{Q: "odlehc", Paging: store.Paging{PerPage: -1}})
		if names(found) != "Úleva pro pečující" {
			t.Errorf("q=odlehc found %q", names(found))
		}
	})
}

// Both engines search alike through their full-text index (FTS5 on SQLite, a
// tsvector on PostgreSQL): every word must match the start of a word of the
// service's text, in any order, without diacritics; the middle of a word does
// not match; digits are words ("§ 44" finds the type's services by "44");
// punctuation and quotes are harmless; the index follows an edit.
func TestSearchSameOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		ctx := context.Background()
		fx.add(t, "Pečovatelská služba Napajedla", "p40")
		relief := fx.add(t, "Úleva pro pečující", "p44")
		fx.add(t, "Poradna pro rodinu a mezilidské vztahy", "counselling")
		for q, want := range map[string]string{
			"sluzba napajedla":        "Pečovatelská služba Napajedla",
			"NAPAJ pečov":             "Pečovatelská služba Napajedla",
			"ovatelska":               "",
			"44":                      "Úleva pro pečující",
			"§ 44":                    "Úleva pro pečující",
			"pečující odleh":          "Úleva pro pečující",
			"mezilid":                 "Poradna pro rodinu a mezilidské vztahy",
			"rodin' OR 1=1 --":        "",
			`"poradna" & !vztahy | x`: "",
			"poradna: vztahy!":        "Poradna pro rodinu a mezilidské vztahy",
			"charita":                 "Pečovatelská služba Napajedla | Poradna pro rodinu a mezilidské vztahy | Úleva pro pečující",
		} {
			found, n, err := fx.c.FindServices(ctx, Filter{Q: q, Paging: store.Paging{PerPage: -1}})
			if err != nil {
				t.Fatalf("q=%q: %v", q, err)
			}
			if names(found) != want || n != len(found) {
				t.Errorf("q=%q found %q (total %d), want %q", q, names(found), n, want)
			}
		}
		relief.Description = "Podpora pro ty, kdo doma pečují o blízkého s demencí."
		if _, err := fx.c.UpdateService(ctx, relief.ID, *relief); err != nil {
			t.Fatal(err)
		}
		found, _, _ := fx.c.FindServices(ctx, Filter{Q: "demenc", Paging: store.Paging{PerPage: -1}})
		if names(found) != "Úleva pro pečující" {
			t.Errorf("after the edit q=demenc found %q", names(found))
		}
	})
}

// Every change writes one audit row and bumps the version.
func TestChangesAreAuditedAndVersioned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		ctx := context.Background()
		v0, _ := fx.c.Version(ctx)
		s := fx.add(t, "Pečovatelská služba", "p40")
		s.Capacity = "40 klientů"
		if _, err := fx.c.UpdateService(ctx, s.ID, *s); err != nil {
			t.Fatal(err)
		}
		v1, _ := fx.c.Version(ctx)
		if v1 != v0+2 {
			t.Errorf("version %d → %d, want +2", v0, v1)
		}
		rows, n, err := audit.Find(ctx, db, audit.Filter{Entity: "catalog_service", EntityID: s.ID})
		if err != nil || n != 2 || rows[0].Action != "update" || strings.Join(rows[0].Changed, ",") != "capacity" {
			t.Fatalf("audit: %d rows %+v %v", n, rows, err)
		}
		// Bad input: Czech field errors, nothing stored.
		_, err = fx.c.CreateService(ctx, Service{OrganisationID: fx.org, TypeCode: "nope", Email: "x@"})
		if err == nil || !strings.Contains(err.Error(), "invalid") {
			t.Fatalf("invalid service accepted: %v", err)
		}
	})
}

// The yearly request: one e-mail per provider with a link whose token
// confirms every active service of that provider only, and only until used up.
func TestYearlyConfirmation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		ctx := context.Background()
		s1 := fx.add(t, "Pečovatelská služba", "p40")
		fx.add(t, "Tísňová péče", "p41")
		var sent mail.Memory
		rep, err := fx.c.RequestConfirmations(ctx, &sent, "https://kpss.example/")
		if err != nil || rep.Sent != 1 {
			t.Fatalf("sent %d: %v", rep.Sent, err)
		}
		msgs := sent.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "info@charita.example" || !strings.Contains(msgs[0].Text, "Tísňová péče") {
			t.Fatalf("messages: %+v", msgs)
		}
		link := regexp.MustCompile(`https://kpss\.example/katalog/potvrdit/([A-Za-z0-9_-]{40,})`).FindStringSubmatch(msgs[0].Text)
		if link == nil {
			t.Fatalf("no confirmation link in %q", msgs[0].Text)
		}
		if _, err := fx.c.Confirm(ctx, link[1]+"x"); err == nil {
			t.Fatal("a wrong token confirmed")
		}
		if _, err := fx.c.Confirm(ctx, link[1]); err != nil {
			t.Fatal(err)
		}
		s, _ := fx.c.FindServiceByID(ctx, s1.ID)
		if s.ConfirmedAt == nil || time.Since(*s.ConfirmedAt) > time.Minute {
			t.Fatalf("confirmed_at = %v", s.ConfirmedAt)
		}
		var stored int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM catalog_confirmations WHERE token_hash = ?`, link[1]).Scan(&stored)
		if stored != 0 {
			t.Error("the token is stored in clear")
		}
	})
}

// A search by distance finds services with a place, or a served
// municipality's centre, within the radius (a place without coordinates
// counts at its municipality's centre), nearest first, with the distance;
// it combines with the other filters and pages like any search.
func TestSearchByDistance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		ctx := context.Background()
		fp := func(f float64) *float64 { return &f }
		muni := func(name string, lat, lng float64) int64 {
			m, err := fx.c.Partners.CreateMunicipality(ctx, partner.Municipality{Name: name, Kind: partner.KindTown, Lat: fp(lat), Lng: fp(lng)})
			if err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		otrokovice, zlin := muni("Otrokovice", 49.2098, 17.5306), muni("Zlín", 49.2265, 17.6669)
		brno := muni("Brno", 49.1951, 16.6068)
		napajedla, err := fx.c.Partners.FindMunicipalityByID(ctx, fx.muni)
		if err != nil {
			t.Fatal(err)
		}
		napajedla.Lat, napajedla.Lng = fp(49.1716), fp(17.5119)
		if _, err := fx.c.Partners.UpdateMunicipality(ctx, napajedla.ID, *napajedla); err != nil {
			t.Fatal(err)
		}
		create := func(name, typ string, served []int64, locs ...Location) {
			if _, err := fx.c.CreateService(ctx, Service{OrganisationID: fx.org, Name: name, TypeCode: typ, Field: len(locs) == 0, Outpatient: len(locs) > 0,
				MunicipalityIDs: served, Locations: locs}); err != nil {
				t.Fatal(err)
			}
		}
		create("Pečovatelská služba Otrokovice", "p40", nil, Location{Address: "tř. T. Bati 1, Otrokovice", Latitude: fp(49.2110), Longitude: fp(17.5300)})
		create("Poradna Zlín", "p37", nil, Location{Address: "náměstí Míru 12, Zlín", MunicipalityID: &zlin})
		create("Terénní pečovatelky", "p40", []int64{fx.muni})
		create("Domov Brno", "p49", []int64{brno}, Location{Address: "Kounicova 1, Brno", Latitude: fp(49.2002), Longitude: fp(16.6033)})
		create("Služba bez místa", "p37", nil)
		_ = otrokovice

		near := func(km float64, q string, p store.Paging) ([]Service, int) {
			t.Helper()
			ss, n, err := fx.c.FindServices(ctx, Filter{Q: q, Near: &Near{Lat: 49.1716, Lng: 17.5119, Km: km}, Paging: p})
			if err != nil {
				t.Fatal(err)
			}
			return ss, n
		}
		all := store.Paging{PerPage: -1}
		ss, n := near(10, "", all)
		if names(ss) != "Terénní pečovatelky | Pečovatelská služba Otrokovice" || n != 2 {
			t.Fatalf("within 10 km: %q (%d)", names(ss), n)
		}
		if d := *ss[0].Distance; d != 0 || ss[0].NearMunicipalityID != fx.muni {
			t.Errorf("a service serving the municipality is 0 km away through it: %v km, municipality %d", d, ss[0].NearMunicipalityID)
		}
		if d := *ss[1].Distance; d < 4.3 || d > 4.6 || ss[1].NearLocation() == nil || ss[1].NearLocation().Address != "tř. T. Bati 1, Otrokovice" {
			t.Errorf("Otrokovice: %.2f km via %+v", d, ss[1].NearLocation())
		}
		ss, _ = near(20, "", all)
		if names(ss) != "Terénní pečovatelky | Pečovatelská služba Otrokovice | Poradna Zlín" {
			t.Errorf("within 20 km (Zlín's place counts at the town's centre): %q", names(ss))
		}
		if ss, _ = near(20, "pecov", all); names(ss) != "Terénní pečovatelky | Pečovatelská služba Otrokovice" {
			t.Errorf("within 20 km and q=pecov: %q", names(ss))
		}
		if ss, n = near(20, "", store.Paging{Page: 2, PerPage: 1}); names(ss) != "Pečovatelská služba Otrokovice" || n != 3 {
			t.Errorf("page 2 of 1: %q (%d)", names(ss), n)
		}
		if ss, n = near(100, "", all); n != 4 || ss[3].Name != "Domov Brno" {
			t.Errorf("within 100 km: %q", names(ss))
		}
	})
}

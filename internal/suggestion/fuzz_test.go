package suggestion

import (
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/geo"
	"kpss/internal/web/i18n"
)

var geoValid = geo.Valid

var fuzzLookups = importLookups{
	cats:   map[string]int64{"bezbarierovost": 1, "doprava": 2},
	munis:  map[string]int64{"otrokovice": 1, "belov": 2},
	groups: map[string]int64{"seniori": 1, "sen": 1},
	depts:  map[string]int64{"odbor socialnich veci": 1},
}

func TestImportRefusesWhatTheFormWould(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct{ csv, problem string }{
		{"received_at;text;category;municipality\n2021-03-04;Ahoj;doprava;Bělov\n", "řádek 2: text podnětu je kratší než 5 znaků"},
		{"received_at;text;category;municipality\n2021-03-04;Rozbitý chodník;doprava;B\xe9lov\n", "řádek 2: soubor není v kódování UTF-8"},
		{"received_at;text;category;municipality;state;closed_at;answer\n2021-03-04;Rozbitý chodník;doprava;Bělov;vyřešeno;2027-01-01;Opraveno\n", "datum uzavření 2027-01-01 je v budoucnosti"},
		{"received_at;text;category;municipality\n2021-03-04;\"Rozbitý chodník;doprava;Bělov\n", "soubor nelze přečíst jako CSV: řádek 2: chybné uvozovky"},
	} {
		items, problems := parseImport([]byte(c.csv), fuzzLookups, now)
		if len(items) != 0 || len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), c.problem) {
			t.Errorf("%q: %d rows, problems %q; want %q", c.csv, len(items), problems, c.problem)
		}
	}
	items, problems := parseImport([]byte("received_at;text;category;municipality\n2021-03-04;Rozbitý\x00 chodník\x1b;doprava;Bělov\n"), fuzzLookups, now)
	if len(problems) != 0 || len(items) != 1 || items[0].Text != "Rozbitý chodník" {
		t.Errorf("control characters: %q %+v", problems, items)
	}
}

// Any CSV file is either refused with Czech problems naming the line (or
// the file, or the header), or read into suggestions each of which the
// public form would take too (Input.Validate), with references from the
// lookups, dates not in the future and a closing date after the receipt.
func FuzzImportCSV(f *testing.F) {
	for _, s := range []string{
		"\ufeffreceived_at;text;category;municipality;state;closed_at;answer;quick_win\n2021-03-04;Chybí nájezd u pošty;Bezbariérovost;Otrokovice;vyřešeno;2021-04-01;Nájezd postaven;ano\n",
		"received_at,text,category,municipality,state,closed_at,answer,target_group,source,department,address\n4.5.2022,Rozbitý chodník,Doprava,Bělov,,,,SEN,phone,Odbor sociálních věcí,Tř. T. Bati 1\n",
		"received_at;text;category;municipality\n2022-13-01;Přechod;Doprava;Bělov\n31. 12. 2025;\"víceřádkový\ntext\";doprava;belov\n",
		"received_at;text;category;municipality\n2021-03-04;Ahoj;doprava;Bělov\n", "text;category\n", "", "\"", "received_at;text;category;municipality\n2021-03-04;a\x00bcdef;doprava;B\xe9lov\n",
		"received_at;text;category;municipality;state;closed_at\n2021-03-04;Dlouhý text;doprava;belov;closed;2021-03-01\n",
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		items, problems := parseImport(data, fuzzLookups, now)
		if len(problems) > 0 {
			for _, p := range problems {
				if !utf8.ValidString(p) || !(strings.HasPrefix(p, "řádek ") || strings.HasPrefix(p, "soubor ") || strings.HasPrefix(p, "hlavička: ")) {
					t.Fatalf("parseImport(%q): problem %q does not say where", data, p)
				}
			}
			return
		}
		for _, x := range items {
			in := Input{Text: x.Text, CategoryID: x.CategoryID, MunicipalityID: x.MunicipalityID, TargetGroupID: x.TargetGroupID, Address: x.Address, Source: x.Source}
			if err := in.Validate(); err != nil {
				t.Fatalf("parseImport(%q) accepted %+v, which the form refuses: %v", data, x, err)
			}
			if in.Text != x.Text || in.Address != x.Address {
				t.Fatalf("parseImport(%q) kept untrimmed text %q", data, x.Text)
			}
			for _, s := range []string{x.Text, x.Address, x.PublicNote} {
				if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
					t.Fatalf("parseImport(%q) accepted %q", data, s)
				}
			}
			if x.ReceivedAt.IsZero() || x.ReceivedAt.After(now) || !x.State.Valid() {
				t.Fatalf("parseImport(%q): received %v, state %q", data, x.ReceivedAt, x.State)
			}
			if !x.State.Open() && (x.ClosedAt == nil || x.ClosedAt.Before(x.ReceivedAt) || x.ClosedAt.After(now) || x.DaysToClose == nil || *x.DaysToClose < 0) {
				t.Fatalf("parseImport(%q): closed %v after %v", data, x.ClosedAt, x.ReceivedAt)
			}
			if x.State == StateResolved && x.PublicNote == "" {
				t.Fatalf("parseImport(%q): resolved without an answer", data)
			}
		}
	})
}

// Whatever an Open311 app sends as the address and the point, Locate names
// one of the region's municipalities or none; a municipality's own name as
// the address always finds it.
func FuzzLocate(f *testing.F) {
	f.Add("Tř. T. Bati 1234, 765 02 Otrokovice", 49.2101, 17.5302, true)
	f.Add("náves, BELOV", 50.0755, 14.4378, true)
	f.Add("", 91.0, 0.0, true)
	f.Add("\xff Nová\u00a0Dědina", 49.2, 17.45, false)
	f.Fuzz(func(t *testing.T, address string, lat, lng float64, point bool) {
		var la, ln *float64
		if point {
			la, ln = &lat, &lng
		}
		id := Locate(demoPlaces, la, ln, address)
		known := id == 0
		for _, p := range demoPlaces {
			known = known || p.ID == id
		}
		if !known {
			t.Fatalf("Locate(%q, %v, %v) = %d: no such municipality", address, lat, lng, id)
		}
		if id != 0 && byName(demoPlaces, address) == 0 && !point {
			t.Fatalf("Locate(%q) = %d without a name or a point", address, id)
		}
		for _, p := range demoPlaces {
			if byName(demoPlaces, p.Name) != p.ID {
				t.Fatalf("%s by its own name: %d", p.Name, byName(demoPlaces, p.Name))
			}
		}
	})
}

// catalogFor loads this module's and the shared messages.
func catalogFor(t testing.TB) *i18n.Catalog {
	c := i18n.NewCatalog()
	if err := c.Load(files, "i18n"); err != nil {
		t.Fatal(err)
	}
	if err := c.Load(os.DirFS("../web"), "i18n"); err != nil {
		t.Fatal(err)
	}
	return c
}

// Whatever body an Open311 app POSTs to requests.json, the form reads into
// either a clear problem, or a suggestion that the service takes (and
// places with Locate), or validation errors each under an Open311
// parameter (never one of our field names) with a Czech message.
func FuzzOpen311Form(f *testing.F) {
	for _, s := range []string{
		"service_code=bezbarierovost&lat=49.2101&long=17.5302&description=Nefunk%C4%8Dn%C3%AD+plo%C5%A1ina&email=jan%40example.cz",
		"service_code=doprava&address_string=Masarykova+12%2C+TLUMACOV&description=Chyb%C3%AD+lavi%C4%8Dka&first_name=Jan&last_name=Nov%C3%A1k&phone=%2B420+777+111+222",
		"service_code=x&lat=NaN&long=NaN&description=aaaaa", "service_code=x&lat=1e2&long=0x1p4", "lat=49,2&long=17,5&description=%00%00%00%00%00",
		"address_id=123&description=abc&email=not-an-email&attribute%5Bmunicipality%5D=-5&attribute%5Btarget_group%5D=abc",
		"lat=91&long=0&description=P%C5%99%C3%ADli%C5%A1+daleko", "description=x", "%zz", "a=1&a=2&lat=49&lat=50&long=17",
	} {
		f.Add(s)
	}
	l := catalogFor(f).For("cs")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return // answered 400 "the request body is not a form"
		}
		in, problem := o311Input(form, 1)
		if problem != "" {
			if (in.Lat != nil && in.Lng != nil) || in.Address != "" {
				t.Fatalf("%q: problem %q though a place is given", body, problem)
			}
			return
		}
		if in.Lat == nil && in.Lng == nil && strings.TrimSpace(in.Address) == "" {
			t.Fatalf("%q: accepted without a place", body)
		}
		in.Source = SourceWeb // as Submit does
		err = in.Validate()
		if err == nil {
			if in.Lat != nil && !geoValid(*in.Lat, *in.Lng) {
				t.Fatalf("%q: accepted the point %v, %v", body, *in.Lat, *in.Lng)
			}
			Locate(demoPlaces, in.Lat, in.Lng, in.Address)
			return
		}
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.Invalid {
			t.Fatalf("%q: %v", body, err)
		}
		errs := o311Errors(l, e)
		if len(errs) != len(e.Fields) && len(e.Fields) > 0 {
			t.Fatalf("%q: %d problems %v, %d Open311 errors %v", body, len(e.Fields), e.Fields, len(errs), errs)
		}
		for _, oe := range errs {
			param, msg, _ := strings.Cut(oe.Description, ": ")
			if oe.Code != 400 || msg == "" || strings.Contains(msg, "suggestion.") || strings.Contains(msg, "err.") || strings.Contains(param, "_id") {
				t.Fatalf("%q: Open311 error %+v", body, oe)
			}
		}
	})
}

package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/partner"
	"kpss/internal/storetest"
)

// Any file uploaded as the MPSV registry export is either refused with a
// Czech message (an application error, never an internal one), or read
// record by record into services whose texts the database takes as they
// are (valid UTF-8, no control characters: PostgreSQL refuses a NUL and the
// whole import would fail as an internal error). Seeded with the real
// export's shape (../shared/specs/mpsv-registry) and the samples. The
// database is read once before fuzzing (scope, types, groups); the import's
// writing is covered by TestRegistryImport* (a database under coverage
// instrumentation runs a few inputs a minute).
func FuzzRegistryImport(f *testing.F) {
	for _, name := range []string{"rpss-real-shape.json", "rpss-real-more.json", "rpss-sample.json", "rpss-sample-next.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, true)
		f.Add(b, false)
	}
	for _, s := range []string{`[]`, `{}`, `{"a":1,"polozky":[{"id":1}]}`, `[null]`, `"x"`, "\xef\xbb\xbf[", `[{"id":{"id":{}}}]`,
		`[{"id":"1","nazev":"Domov\u0000 A\u001b","druhSocialniSluzby":"§ 49","formy":[{"forma":"pobytová"}],"zarizeni":[{"nazev":"D\u0000","adresa":{"obec":{"nazev":"Otrokovice"}}}],"poskytovatel":{"nazev":"X","ico":25596641},"emaily":[{"email":"a@b.cz\u0000"}]}]`} {
		f.Add([]byte(s), false)
	}
	db := storetest.New(f, "sqlite")
	ctx := context.Background()
	ps := partner.NewService(db, audit.New(), time.Now)
	for _, m := range []partner.Municipality{{Name: "Otrokovice", ZUJ: "585599"}, {Name: "Napajedla", ZUJ: "585459"}, {Name: "Tlumačov"}} {
		m.Kind = partner.KindTown
		if _, err := ps.CreateMunicipality(ctx, m); err != nil {
			f.Fatal(err)
		}
	}
	groups := map[string]int64{}
	for _, g := range []partner.TargetGroup{{Code: "SEN", Name: "Senioři"}, {Code: "OZP", Name: "OZP"}, {Code: "RD", Name: "Rodiny"}, {Code: "KRN", Name: "Krize"}} {
		saved, err := ps.CreateTargetGroup(ctx, g)
		if err != nil {
			f.Fatal(err)
		}
		groups[g.Code] = saved.ID
	}
	today := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	c := New(db, audit.New(), ps, func() time.Time { return today })
	if _, err := c.Types(ctx); err != nil { // cached from here on
		f.Fatal(err)
	}
	sc, err := c.scope(ctx, ImportOptions{})
	if err != nil {
		f.Fatal(err)
	}
	cl := codeLists(f)
	cs := map[string]json.RawMessage{}
	if b, err := os.ReadFile("i18n/cs.json"); err == nil {
		json.Unmarshal(b, &cs)
	}
	clean := func(s string) bool {
		return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
	}
	f.Fuzz(func(t *testing.T, b []byte, withCodes bool) {
		var codes *CodeLists
		if withCodes {
			codes = cl
		}
		err := streamRegistry(bytes.NewReader(b), func(rec regService, decodeErr error) error {
			if decodeErr != nil {
				return nil // skipped as unreadable, with the reason
			}
			if err := rec.resolve(codes); err != nil {
				return err
			}
			s, reason, ok, notes := c.mapRecord(ctx, rec, sc, groups, today)
			if !ok {
				if cs[reason] == nil {
					t.Fatalf("a record skipped for %q, which has no Czech message", reason)
				}
				return nil
			}
			for _, n := range notes {
				if cs[n.Reason] == nil {
					t.Fatalf("a note %q has no Czech message", n.Reason)
				}
			}
			texts := []string{s.Name, s.TypeCode, s.RegistryID, s.Capacity, s.Email, s.Phone, s.Web}
			for _, l := range s.Locations {
				texts = append(texts, l.Name, l.Address, l.Postcode, l.RUIANCode)
			}
			for _, x := range texts {
				if !clean(x) {
					t.Fatalf("a record of %q maps to the text %q", b, x)
				}
			}
			if strings.TrimSpace(s.Name) == "" {
				t.Fatalf("a record of %q maps to a service without a name", b)
			}
			return nil
		})
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Code == apperr.Internal || cs[e.Msg.Key] == nil {
				t.Fatalf("streamRegistry(%q): %v is no Czech application error", b, err)
			}
		}
	})
}

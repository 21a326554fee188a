package server

import (
	"context"
	"kpss/internal/pagecache"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kpss/internal/guide"
)

type fakeFinder struct{ queries []string }

func (f *fakeFinder) FindServices(_ context.Context, q string, limit int) ([]guide.ServiceLink, error) {
	f.queries = append(f.queries, q)
	return []guide.ServiceLink{{Name: "Pečovatelská služba Charity", URL: "/katalog/sluzby/7", Provider: "Charita sv. Anežky Otrokovice", Place: "Otrokovice"}}, nil
}

func guideSvc(e *testEnv) *guide.Service {
	return e.srv.Env().Modules["guide"].(*guide.Handler).Svc
}

func TestGuidesArePublicAndSearchable(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	rec := e.do("GET", "/zivotni-situace", nil, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("list: %d", rec.Code)
	}
	for _, title := range []string{"Blízký člověk potřebuje péči", "Přišel jsem o bydlení", "Mám dluhy", "Dítě potřebuje pomoc", "Jsem v náhlé krizi"} {
		if !strings.Contains(body, title) {
			t.Errorf("the list misses %q", title)
		}
	}
	if !strings.Contains(body, `href="/zivotni-situace/prisel-jsem-o-bydleni"`) {
		t.Errorf("slug without diacritics missing")
	}
	rec = e.do("GET", "/zivotni-situace?q=bydleni", nil, nil)
	if b := rec.Body.String(); !strings.Contains(b, "Přišel jsem o bydlení") || strings.Contains(b, "Dítě potřebuje pomoc") {
		t.Errorf("search 'bydleni' found the wrong guides")
	}
	// The menu offers the guides to the public.
	if !strings.Contains(body, `<a href="/zivotni-situace" aria-current="page">Životní situace</a>`) {
		t.Errorf("menu entry missing for the public")
	}
}

func TestGuideDetailSectionsAndRelatedServices(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	svc := guideSvc(e)
	svc.Finder = nil
	rec := e.do("GET", "/zivotni-situace/blizky-clovek-potrebuje-peci", nil, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("detail: %d", rec.Code)
	}
	for _, want := range []string{"<h1>Blízký člověk potřebuje péči</h1>", `<h2 id="kdo-pomuze">Kdo vám pomůže</h2>`, `<h2 id="co-udelat">Co udělat jako první</h2>`,
		`<h2 id="co-vzit">Co si připravit a vzít s sebou</h2>`, `<h2 id="kde-a-kdy">Kam a kdy se obrátit</h2>`, `<h2 id="sluzby">Související služby</h2>`,
		"<strong>Pečovatelská služba</strong>", "Naposledy aktualizováno", `href="/katalog?q=pe%C4%8Dovatelsk%C3%A1&#43;slu%C5%BEba"`,
		"zatím v katalogu nenacházíme"} {
		if !strings.Contains(body, want) {
			t.Errorf("detail misses %s", want)
		}
	}
	f := &fakeFinder{}
	svc.Finder = f
	e.srv.public = pagecache.New(10) // the seam changed under the cache's feet (no audited change to see)
	body = e.do("GET", "/zivotni-situace/blizky-clovek-potrebuje-peci", nil, nil).Body.String()
	if !strings.Contains(body, `<a href="/katalog/sluzby/7">Pečovatelská služba Charity</a> – Charita sv. Anežky Otrokovice (Otrokovice)`) {
		t.Errorf("related service from the catalogue not shown")
	}
	if len(f.queries) != 1 || f.queries[0] != "pečovatelská služba" {
		t.Errorf("catalogue asked %v", f.queries)
	}
	if rec := e.do("GET", "/zivotni-situace/neexistuje", nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("unknown guide: %d", rec.Code)
	}
}

func TestCoordinatorWritesAGuide(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	c := e.session("koordinator")
	form := url.Values{"title": {""}, "summary": {"Shrnutí zůstane"}, "who_helps": {"- poradna"}}
	rec := e.do("POST", "/zivotni-situace/novy", form, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Vyplňte prosím toto pole.") || !strings.Contains(rec.Body.String(), "Shrnutí zůstane") {
		t.Fatalf("empty title: %d", rec.Code)
	}
	form = url.Values{"title": {"Potřebuji tlumočníka do znakového jazyka"}, "who_helps": {"<script>alert(1)</script>\n\n- [Tlumočníci](javascript:alert(2))\n- **Centrum** pro zdravotně postižené"}}
	rec = e.do("POST", "/zivotni-situace/novy", form, c)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/zivotni-situace/potrebuji-tlumocnika-do-znakoveho-jazyka" {
		t.Fatalf("create: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	// A draft: the public does not see it, the coordinator does.
	if rec := e.do("GET", "/zivotni-situace/potrebuji-tlumocnika-do-znakoveho-jazyka", nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("draft shown to the public: %d", rec.Code)
	}
	body := e.do("GET", "/zivotni-situace/potrebuji-tlumocnika-do-znakoveho-jazyka", nil, c).Body.String()
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "javascript:") || !strings.Contains(body, "&lt;script&gt;") || !strings.Contains(body, "<strong>Centrum</strong>") {
		t.Errorf("markdown not rendered safely")
	}
	// The same address twice is refused with a Czech message.
	rec = e.do("POST", "/zivotni-situace/novy", url.Values{"title": {"Jiný"}, "slug": {"mam-dluhy"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Tuto adresu už má jiný průvodce") {
		t.Errorf("duplicate slug: %d", rec.Code)
	}
	// Publish it.
	form.Set("published", "on")
	form.Set("slug", "tlumoceni")
	rec = e.do("POST", "/zivotni-situace/potrebuji-tlumocnika-do-znakoveho-jazyka/upravit", form, c)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/zivotni-situace/tlumoceni" {
		t.Fatalf("update: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := e.do("GET", "/zivotni-situace/tlumoceni", nil, nil); rec.Code != http.StatusOK {
		t.Errorf("published guide: %d", rec.Code)
	}
	var n int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE entity = 'guide' AND summary = ?`, "Potřebuji tlumočníka do znakového jazyka").Scan(&n)
	if n != 2 {
		t.Errorf("audit rows = %d, want 2 (create, update)", n)
	}
	// A provider may not write guides.
	if rec := e.do("GET", "/zivotni-situace/novy", nil, e.session("poskytovatel")); rec.Code != http.StatusForbidden {
		t.Errorf("provider opens the guide form: %d", rec.Code)
	}
}

// With the catalogue built in, a guide lists its services live.
func TestGuideRelatedServicesFromTheCatalogue(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	if _, ok := guideSvc(e).Finder.(catalogFinder); !ok {
		t.Fatalf("the guide is not connected to the catalogue: %T", guideSvc(e).Finder)
	}
	body := e.do("GET", "/zivotni-situace/blizky-clovek-potrebuje-peci", nil, nil).Body.String()
	i := strings.Index(body, `<ul class="related-services">`)
	if i < 0 || !strings.Contains(body[i:], `<a href="/katalog/sluzby/`) {
		t.Fatalf("no related service from the catalogue for pečovatelská služba")
	}
}

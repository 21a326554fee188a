package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kpss/internal/mail"
	"kpss/internal/storetest"
)

// publish is the coordinator publishing the text of the suggestion code.
func (e *testEnv) publish(code string) {
	e.t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT id FROM suggestions WHERE code = ?`, code).Scan(&id); err != nil {
		e.t.Fatalf("suggestion %s: %v", code, err)
	}
	if rec := e.do("POST", fmt.Sprintf("/podnety/%d/zverejneni", id), url.Values{"publication": {"published"}}, e.session("koordinator")); rec.Code != 303 {
		e.t.Fatalf("publish %s: %d %s", code, rec.Code, rec.Body.String())
	}
}

// TestPublicSuggestionReview: a citizen's text is not public until the
// coordinator publishes it; hidden, the list shows the reason instead; a
// category may publish at once; the form says what becomes public; the
// POST redirects to the thank-you page (a reload sends nothing again) and
// the same text from the same sender is one suggestion.
func TestPublicSuggestionReview(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newSuggestionEnv(t, engine, &mail.Memory{})
			ctx := context.Background()
			form := e.do("GET", "/podnet", nil, nil).Body.String()
			for _, want := range []string{"Co bude veřejné", "Veřejné nebude vaše jméno, e-mail, telefon ani fotografie", "až poté, co ho koordinátorka zkontroluje"} {
				if !strings.Contains(form, want) {
					t.Errorf("the form does not say %q", want)
				}
			}
			count := func() int {
				var n int
				e.db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestions`).Scan(&n)
				return n
			}
			before := count()
			in := url.Values{"text": {"Pan Soused z čísla 5 parkuje na chodníku u školky."}, "category_id": {fmt.Sprint(e.categoryID("bezpecnost"))},
				"municipality_id": {fmt.Sprint(e.ids.otrokovice)}}
			rec := e.postForm(in, "10.7.0.1")
			loc := rec.Header().Get("Location")
			if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/podnet/dekujeme?kod=") {
				t.Fatalf("POST /podnet: %d %q, want 303 to the thank-you page", rec.Code, loc)
			}
			code := strings.TrimPrefix(loc, "/podnet/dekujeme?kod=")
			thanks := e.do("GET", loc, nil, nil)
			if thanks.Code != 200 || !strings.Contains(thanks.Body.String(), `value="`+code+`"`) || !strings.Contains(thanks.Body.String(), "/static/suggestion.css") {
				t.Fatalf("thank-you page: %d", thanks.Code)
			}
			// A second send of the same text (a reload of an old POST, a double click) is the same suggestion.
			rec = e.postForm(in, "10.7.0.1")
			if rec.Header().Get("Location") != loc || count() != before+1 {
				t.Fatalf("the same text again: %q, %d new suggestions", rec.Header().Get("Location"), count()-before)
			}

			// Not public yet; the tracking page tells the sender so.
			if body := e.do("GET", "/podnety/verejne", nil, nil).Body.String(); strings.Contains(body, code) || strings.Contains(body, "Pan Soused") {
				t.Fatal("an unreviewed suggestion is on the public list")
			}
			if body := e.do("GET", "/podnety/verejne.geojson", nil, nil).Body.String(); strings.Contains(body, code) {
				t.Fatal("an unreviewed suggestion is on the public map")
			}
			if body := e.do("GET", "/open311/v2/requests.json", nil, nil).Body.String(); strings.Contains(body, "Pan Soused") {
				t.Fatal("an unreviewed text is in Open311")
			}
			if body := e.do("GET", "/podnet/"+code, nil, nil).Body.String(); !strings.Contains(body, "Text zatím není veřejný") {
				t.Error("the tracking page does not say the text is not public yet")
			}

			// The coordinator hides it: a reason is needed, and it shows instead of the text.
			var id int64
			e.db.QueryRow(ctx, `SELECT id FROM suggestions WHERE code = ?`, code).Scan(&id)
			coord := e.session("koordinator")
			detail := e.do("GET", fmt.Sprintf("/podnety/%d", id), nil, coord).Body.String()
			if !strings.Contains(detail, "Čeká na kontrolu") {
				t.Error("the desk does not say the text waits for review")
			}
			rec = e.do("POST", fmt.Sprintf("/podnety/%d/zverejneni", id), url.Values{"publication": {"hidden"}}, coord)
			if rec.Code != 422 || !strings.Contains(rec.Body.String(), "Napište, proč text nezveřejňujete") {
				t.Fatalf("hide without a reason: %d", rec.Code)
			}
			var audits int
			e.db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'suggestion' AND action = 'publication'`).Scan(&audits)
			if rec := e.do("POST", fmt.Sprintf("/podnety/%d/zverejneni", id), url.Values{"publication": {"hidden"}, "hidden_reason": {"Text obsahuje osobní údaje."}}, coord); rec.Code != 303 {
				t.Fatalf("hide: %d %s", rec.Code, rec.Body.String())
			}
			var after int
			e.db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'suggestion' AND action = 'publication'`).Scan(&after)
			if after != audits+1 {
				t.Errorf("hiding wrote %d audit rows", after-audits)
			}
			body := e.do("GET", "/podnety/verejne", nil, nil).Body.String()
			if !strings.Contains(body, code) || strings.Contains(body, "Pan Soused") || !strings.Contains(body, "Text nezveřejněn: Text obsahuje osobní údaje.") {
				t.Fatalf("hidden suggestion on the public list: code %v, text %v", strings.Contains(body, code), strings.Contains(body, "Pan Soused"))
			}
			if body := e.do("GET", "/podnet/"+code, nil, nil).Body.String(); strings.Contains(body, "Pan Soused") {
				t.Error("the tracking page (linked from the public list) shows the hidden text")
			}
			// Others may not decide.
			if rec := e.do("POST", fmt.Sprintf("/podnety/%d/zverejneni", id), url.Values{"publication": {"published"}}, e.session("odbor")); rec.Code != 403 {
				t.Errorf("an officer publishing: %d", rec.Code)
			}
			e.publish(code)
			if body := e.do("GET", "/podnety/verejne", nil, nil).Body.String(); !strings.Contains(body, "Pan Soused") {
				t.Error("a published text is not on the public list")
			}

			// A category that publishes at once.
			cat := e.categoryID("doprava")
			if rec := e.do("POST", fmt.Sprintf("/kategorie-podnetu/%d", cat), url.Values{"name": {"Doprava"}, "code": {"doprava"}, "sort_order": {"2"}, "publish_at_once": {"on"}}, coord); rec.Code != 303 {
				t.Fatalf("category: %d %s", rec.Code, rec.Body.String())
			}
			if !strings.Contains(e.do("GET", fmt.Sprintf("/kategorie-podnetu/%d", cat), nil, coord).Body.String(), `name="publish_at_once" type="checkbox" checked`) &&
				!strings.Contains(e.do("GET", fmt.Sprintf("/kategorie-podnetu/%d", cat), nil, coord).Body.String(), "checked") {
				t.Error("the category form does not keep publish at once")
			}
			rec = e.submitForm(url.Values{"text": {"Zastávka U Mostu potřebuje jízdní řád většími písmeny."}, "category_id": {fmt.Sprint(cat)}, "municipality_id": {fmt.Sprint(e.ids.otrokovice)}}, "10.7.0.2")
			quick := codeRe.FindStringSubmatch(rec.Body.String())
			if quick == nil {
				t.Fatalf("submit: %d", rec.Code)
			}
			if body := e.do("GET", "/podnety/verejne", nil, nil).Body.String(); !strings.Contains(body, "jízdní řád většími písmeny") {
				t.Error("a category that publishes at once did not")
			}
		})
	}
}

// TestPublicFormLimitKeepsText: the sixth submission within the limit shows
// the form again with the text, how long to wait and the coordinator's
// phone; a form error with a photo says to choose it again.
func TestPublicFormLimitKeepsText(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", &mail.Memory{})
	h := e.suggestionHandler()
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	h.Limiter.Now = func() time.Time { return now }
	h.Limiter.Shared.Now = h.Limiter.Now
	for i := 0; i < 5; i++ {
		form := url.Values{"text": {fmt.Sprintf("Podnět číslo %d z knihovny.", i)}, "category_id": {fmt.Sprint(e.categoryID("jine"))}, "municipality_id": {fmt.Sprint(e.ids.otrokovice)}}
		if rec := e.postForm(form, "10.8.0.1"); rec.Code != 303 {
			t.Fatalf("submission %d: %d", i+1, rec.Code)
		}
	}
	text := "Šestý podnět: v knihovně chybí lupa pro slabozraké."
	rec := e.postForm(url.Values{"text": {text}, "category_id": {fmt.Sprint(e.categoryID("jine"))}, "municipality_id": {fmt.Sprint(e.ids.otrokovice)}}, "10.8.0.1")
	body := rec.Body.String()
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("sixth: %d", rec.Code)
	}
	for _, want := range []string{text, "min.", "&#43;420 577 680 111", `<form method="post" action="/podnet"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the 429 form lacks %q", want)
		}
	}
	// The public contact is on the form, in the footer and in the accessibility statement.
	for _, path := range []string{"/podnet", "/", "/pristupnost"} {
		b := e.do("GET", path, nil, nil).Body.String()
		if !strings.Contains(b, `href="tel:&#43;420577680111"`) || !strings.Contains(b, "kpss@otrokovice.example") {
			t.Errorf("%s lacks the coordinator's contact", path)
		}
	}
	a11y := e.do("GET", "/pristupnost", nil, nil).Body.String()
	for _, want := range []string{"částečně v souladu", "Vypracování prohlášení", "vlastním posouzením", "Nepřístupný obsah", "Ministerstvo vnitra"} {
		if !strings.Contains(a11y, want) {
			t.Errorf("the accessibility statement lacks %q", want)
		}
	}
	if strings.Contains(a11y, "na stránce regionu") {
		t.Error("the statement still points to a page that needs a sign-in")
	}
}

// TestPublicContactEdit: the coordinator edits the contact; the footer shows
// it at once; bad input is a Czech 422 keeping what was typed.
func TestPublicContactEdit(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newSuggestionEnv(t, engine, &mail.Memory{})
			coord := e.session("koordinator")
			if rec := e.do("GET", "/sprava/kontakt", nil, nil); rec.Code != 303 {
				t.Errorf("the public may not edit: %d", rec.Code)
			}
			if rec := e.do("GET", "/sprava/kontakt", nil, e.session("clen")); rec.Code != 403 {
				t.Errorf("a member may not edit: %d", rec.Code)
			}
			rec := e.do("POST", "/sprava/kontakt", url.Values{"name": {"Mgr. Eva Nová"}, "phone": {"abc"}}, coord)
			if rec.Code != 422 || !strings.Contains(rec.Body.String(), "Mgr. Eva Nová") || !strings.Contains(rec.Body.String(), "error-summary") {
				t.Fatalf("bad phone: %d", rec.Code)
			}
			rec = e.do("POST", "/sprava/kontakt", url.Values{"name": {"Mgr. Eva Nová"}, "phone": {"+420 600 100 200"}, "email": {"eva.nova@example.cz"}, "hours": {"po–pá 8–12"}}, coord)
			if rec.Code != 303 {
				t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
			}
			footer := e.do("GET", "/podnety/statistiky", nil, nil).Body.String()
			if !strings.Contains(footer, "Mgr. Eva Nová") || !strings.Contains(footer, "tel:&#43;420600100200") || !strings.Contains(footer, "po–pá 8–12") {
				t.Error("the footer does not show the new contact")
			}
		})
	}
}

// TestPublicWrongOutput: the statistics' download links carry the chosen
// period; the summary's Czech plurals; a page past the end of a list is a
// 404 linking to the last page (not "Zobrazeno 2476–52 z 52"), a huge page
// number does not overflow; the calendar list counts what it shows.
func TestPublicWrongOutput(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", &mail.Memory{})
	body := e.do("GET", "/podnety/statistiky?od=2024-01-01&do=2024-12-31", nil, nil).Body.String()
	for _, want := range []string{`href="/podnety/statistiky.csv?od=2024-01-01&amp;do=2024-12-31"`, `href="/podnety/statistiky.xlsx?od=2024-01-01&amp;do=2024-12-31"`,
		`href="/podnety/statistiky.csv?od=2024-01-01&amp;do=2024-12-31&amp;tabulka=1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the statistics page lacks the link %s", want)
		}
	}
	if strings.Contains(body, "statistiky.csv?od%3d") || strings.Contains(body, "statistiky.xlsx?od%3d") {
		t.Error("a download link has the query encoded into its path")
	}
	// The link downloads the period it names: a period without suggestions has none.
	all := e.do("GET", "/podnety/statistiky.csv", nil, nil).Body.String()
	empty := e.do("GET", "/podnety/statistiky.csv?od=2000-01-01&do=2000-01-31", nil, nil).Body.String()
	if all == empty {
		t.Error("the CSV ignores the period")
	}
	if strings.Contains(body, " – Hodnota</caption>") {
		t.Error("a caption still reads \"… – Hodnota\"")
	}
	l := e.srv.Renderer().Catalog.For("cs")
	for _, c := range []struct {
		a, o int
		want string
	}{{1, 1, "1 podnět k bezbariérovosti a 1 ostatní"}, {2, 5, "2 podněty k bezbariérovosti a 5 ostatních"}, {5, 2, "5 podnětů k bezbariérovosti a 2 ostatní"}} {
		got := l.T("suggestion.stats.summary", "Access", l.N("suggestion.stats.access_count", c.a), "Other", l.N("suggestion.stats.other_count", c.o))
		if !strings.Contains(got, c.want) {
			t.Errorf("summary %d/%d = %q, want %q", c.a, c.o, got, c.want)
		}
	}

	// Pagination past the end.
	for _, path := range []string{"/podnety/verejne?page=99", "/podnety/verejne?page=99999999999999", "/aktuality?page=3"} {
		rec := e.do("GET", path, nil, nil)
		if rec.Code != 404 || !strings.Contains(rec.Body.String(), "Přejít na poslední stránku") {
			t.Errorf("%s: %d, want 404 with a link to the last page", path, rec.Code)
		}
	}
	if rec := e.do("GET", "/podnety/verejne?page=1", nil, nil); rec.Code != 200 {
		t.Errorf("page 1: %d", rec.Code)
	}

	// The calendar list: the count is what the page shows.
	cal := e.do("GET", "/kalendar/seznam", nil, nil).Body.String()
	if shown := strings.Count(cal, `class="event-item"`); shown > 0 && !strings.Contains(cal, fmt.Sprintf("z %d", shown)) {
		i := strings.Index(cal, "Zobrazeno")
		t.Errorf("the calendar list shows %d events and says %q", shown, cal[i:min(len(cal), i+40)])
	}
}

// TestPublicHTTP: a wrong method is 405 with Allow (in Czech), /static/ has
// no directory listings and /favicon.ico answers.
func TestPublicHTTP(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	rec := e.do("DELETE", "/podnet", nil, nil)
	if rec.Code != 405 || !strings.Contains(rec.Header().Get("Allow"), "GET") || !strings.Contains(rec.Header().Get("Allow"), "POST") ||
		!strings.Contains(rec.Body.String(), "Podporované metody") {
		t.Errorf("DELETE /podnet: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	if rec := e.do("POST", "/katalog", url.Values{}, nil); rec.Code != 405 || rec.Header().Get("Allow") == "" {
		t.Errorf("POST /katalog: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	if rec := e.do("GET", "/neexistuje", nil, nil); rec.Code != 404 {
		t.Errorf("unknown path: %d", rec.Code)
	}
	for _, p := range []string{"/static/", "/static/vendor/"} {
		if rec := e.do("GET", p, nil, nil); rec.Code != 404 || strings.Contains(rec.Body.String(), "kpss.css") {
			t.Errorf("%s: %d (a listing?)", p, rec.Code)
		}
	}
	if rec := e.do("GET", "/static/kpss.css", nil, nil); rec.Code != 200 {
		t.Errorf("/static/kpss.css: %d", rec.Code)
	}
	rec = e.do("GET", "/favicon.ico", nil, nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.Contains(rec.Body.String(), "<svg") {
		t.Errorf("/favicon.ico: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
}

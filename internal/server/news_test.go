package server

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestNewsAndFeeds(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	rec := e.do("GET", "/aktuality", nil, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Aktualizace komunitního plánu") || !strings.Contains(body, `href="/aktuality/rss.xml"`) {
		t.Fatalf("news list: %d", rec.Code)
	}
	if i, j := strings.Index(body, "Aktualizace komunitního plánu"), strings.Index(body, "Rotující seznamka pracovníků"); i > j {
		t.Errorf("news not newest first")
	}
	if rec := e.do("GET", "/aktuality/aktualizace-komunitniho-planu-pridejte-sve-pripominky", nil, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<h2>Jak se zapojit</h2>") {
		t.Errorf("news item: %d", rec.Code)
	}
	rss := e.do("GET", "/aktuality/rss.xml", nil, nil)
	if rss.Code != http.StatusOK || rss.Header().Get("Content-Type") != "application/rss+xml; charset=utf-8" {
		t.Fatalf("rss: %d %s", rss.Code, rss.Header().Get("Content-Type"))
	}
	var r struct {
		Version string `xml:"version,attr"`
		Items   []struct {
			Title string `xml:"title"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(rss.Body.Bytes(), &r); err != nil || r.Version != "2.0" || len(r.Items) < 3 {
		t.Fatalf("rss does not parse: %v %+v", err, r)
	}
	atom := e.do("GET", "/aktuality/atom.xml", nil, nil)
	var a struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Entries []struct {
			Link struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(atom.Body.Bytes(), &a); err != nil || len(a.Entries) < 3 || !strings.HasPrefix(a.Entries[0].Link.Href, "http://example.com/aktuality/") {
		t.Fatalf("atom: %v %+v", err, a)
	}
}

func TestCoordinatorKeepsTheArticlePlan(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	coord := e.session("koordinator")
	rec := e.do("GET", "/aktuality/plan?rok=2026", nil, coord)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("plan: %d", rec.Code)
	}
	for _, want := range []string{"Plán článků na rok 2026", `<th scope="row">leden</th>`, `<th scope="row">prosinec</th>`, "Pečovatelská služba: pomoc, která přijde domů", "Naděje Otrokovice", "Příspěvek na péči krok za krokem"} {
		if !strings.Contains(body, want) {
			t.Errorf("plan misses %q", want)
		}
	}
	if strings.Count(body, `<th scope="row">`) != 12 {
		t.Errorf("plan has %d months, want 12", strings.Count(body, `<th scope="row">`))
	}
	// Providers write the articles and see the plan; the public does not.
	if rec := e.do("GET", "/aktuality/plan", nil, e.session("poskytovatel")); rec.Code != http.StatusOK {
		t.Errorf("provider: %d", rec.Code)
	}
	if rec := e.do("GET", "/aktuality/plan", nil, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("public: %d", rec.Code)
	}
	form := url.Values{"year": {"2027"}, "month": {"1"}, "topic": {"Sociální bydlení"}, "organisation_id": {strconv.FormatInt(e.ids.charita, 10)},
		"deadline": {"20. 12. 2026"}, "state": {"published"}}
	rec = e.do("POST", "/aktuality/plan/novy", form, coord)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "U zveřejněného článku vyberte aktualitu") || !strings.Contains(rec.Body.String(), "Sociální bydlení") {
		t.Fatalf("published without article: %d", rec.Code)
	}
	form.Set("state", "planned")
	if rec := e.do("POST", "/aktuality/plan/novy", form, coord); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/aktuality/plan?rok=2027" {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	if b := e.do("GET", "/aktuality/plan?rok=2027", nil, coord).Body.String(); !strings.Contains(b, "Sociální bydlení") || !strings.Contains(b, "20.\u00a012.\u00a02026") {
		t.Errorf("new entry not in the 2027 plan")
	}
	// The coordinator writes a news item; a draft stays hidden.
	rec = e.do("POST", "/aktuality/nova", url.Values{"title": {"Nová služba v Bělově"}, "body": {"Text"}}, coord)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("news: %d", rec.Code)
	}
	if rec := e.do("GET", "/aktuality/nova-sluzba-v-belove", nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("draft public: %d", rec.Code)
	}
	rec = e.do("POST", "/aktuality/nova-sluzba-v-belove/upravit", url.Values{"title": {"Nová služba v Bělově"}, "body": {"Text"}, "publish": {"on"}}, coord)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d", rec.Code)
	}
	if rec := e.do("GET", "/aktuality/nova-sluzba-v-belove", nil, nil); rec.Code != http.StatusOK {
		t.Errorf("published: %d", rec.Code)
	}
}

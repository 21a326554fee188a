package server

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/contact"
	"kpss/internal/demo"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
	"kpss/internal/suggestion"
)

// newSuggestionEnv is newTestEnv with a mailer of the test's choice (the
// demo region, demo suggestions included).
func newSuggestionEnv(t testing.TB, engine string, m mail.Sender) *testEnv {
	t.Helper()
	db := storetest.New(t, engine)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(Deps{DB: db, Log: log, Mail: m, BaseURL: "http://kpss.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Auth().Argon = fastArgon
	ctx := context.Background()
	if _, err := demo.Load(ctx, demo.Deps{DB: db, Auth: srv.Auth(), Partners: partner.NewService(db, audit.New(), time.Now), Now: time.Now}, demoPassword); err != nil {
		t.Fatal(err)
	}
	// The demo set the public contact after the server had read it.
	srv.Env().Modules["public"].(*contact.Handler).Svc.Refresh(ctx)
	e := &testEnv{t: t, srv: srv, db: db}
	db.QueryRow(ctx, `SELECT id FROM municipalities WHERE name = ?`, "Otrokovice").Scan(&e.ids.otrokovice)
	db.QueryRow(ctx, `SELECT id FROM departments WHERE name = ?`, "Odbor sociálních věcí").Scan(&e.ids.social)
	return e
}

func (e *testEnv) suggestionHandler() *suggestion.Handler {
	return e.srv.Env().Modules["suggestion"].(*suggestion.Handler)
}

func (e *testEnv) categoryID(code string) int64 {
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT id FROM suggestion_categories WHERE code = ?`, code).Scan(&id); err != nil {
		e.t.Fatalf("category %s: %v", code, err)
	}
	return id
}

var codeRe = regexp.MustCompile(`/podnet/([2-9A-HJKMNP-Z]{10})"`)

// submitForm posts the public form as a browser would, from ip, and
// follows the redirect to the thank-you page (as a browser does).
func (e *testEnv) submitForm(form url.Values, ip string) *httptest.ResponseRecorder {
	rec := e.postForm(form, ip)
	if rec.Code == http.StatusSeeOther {
		return e.do("GET", rec.Header().Get("Location"), nil, nil)
	}
	return rec
}

// postForm posts the public form from ip without following the redirect.
func (e *testEnv) postForm(form url.Values, ip string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/podnet", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = ip + ":5555"
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

func TestCitizenSubmitsAndTracks(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			m := &mail.Memory{}
			e := newSuggestionEnv(t, engine, m)
			if rec := e.do("GET", "/podnet", nil, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Podat podnět") {
				t.Fatalf("form: %d", rec.Code)
			}
			// A wrong form keeps what was typed and says what is wrong, in Czech.
			bad := url.Values{"text": {"Chybí lavička"}, "contact_email": {"eva@example.cz"}}
			rec := e.submitForm(bad, "10.0.0.1")
			body := rec.Body.String()
			if rec.Code != 422 || !strings.Contains(body, "Vyberte, čeho se podnět týká.") || !strings.Contains(body, "Vyberte obec") ||
				!strings.Contains(body, "souhlasem") || !strings.Contains(body, "Chybí lavička") || !strings.Contains(body, "eva@example.cz") {
				t.Fatalf("bad form: %d\n%s", rec.Code, body)
			}
			good := url.Values{"text": {"Na zastávce Trávníky chybí lavička pro seniory."}, "category_id": {fmt.Sprint(e.categoryID("bezbarierovost"))},
				"municipality_id": {fmt.Sprint(e.ids.otrokovice)}, "address": {"Trávníky 1234, Otrokovice"}, "location_private": {"on"},
				"contact_name": {"Eva Malá"}, "contact_email": {"eva@example.cz"}, "contact_phone": {"+420 777 111 222"}, "consent": {"on"}}
			rec = e.submitForm(good, "10.0.0.1")
			if rec.Code != 200 {
				t.Fatalf("submit: %d %s", rec.Code, rec.Body.String())
			}
			code := codeRe.FindStringSubmatch(rec.Body.String())
			if code == nil {
				t.Fatalf("no tracking code on the thank-you page: %s", rec.Body.String())
			}
			e.deliver()
			msgs := m.Messages()
			if len(msgs) != 1 || msgs[0].To[0] != "eva@example.cz" || !strings.Contains(msgs[0].Text, "http://kpss.test/podnet/"+code[1]) {
				t.Fatalf("confirmation e-mail: %+v", msgs)
			}
			track := e.do("GET", "/podnet/"+code[1], nil, nil)
			tb := track.Body.String()
			if track.Code != 200 || !strings.Contains(tb, "Nový") || !strings.Contains(tb, "lavička") {
				t.Fatalf("tracking page: %d", track.Code)
			}
			for _, personal := range []string{"Eva Malá", "eva@example.cz", "777 111 222", "Trávníky 1234"} {
				if strings.Contains(tb, personal) {
					t.Errorf("the public tracking page shows %q", personal)
				}
			}
			// Lower case and spaces still find it.
			if rec := e.do("GET", "/podnet/sledovat?kod="+url.QueryEscape(strings.ToLower(code[1][:5]+" "+code[1][5:])), nil, nil); rec.Header().Get("Location") != "/podnet/"+code[1] {
				t.Errorf("lookup redirect: %d %s", rec.Code, rec.Header().Get("Location"))
			}
			if rec := e.do("GET", "/podnet/ABCDEFGHJK", nil, nil); rec.Code != 404 {
				t.Errorf("unknown code: %d", rec.Code)
			}

			// The coordinator sees the contact; routes it; the officer resolves it.
			var id int64
			e.db.QueryRow(context.Background(), `SELECT id FROM suggestions WHERE code = ?`, code[1]).Scan(&id)
			coord := e.session("koordinator")
			detail := e.do("GET", fmt.Sprintf("/podnety/%d", id), nil, coord).Body.String()
			if !strings.Contains(detail, "Eva Malá") || !strings.Contains(detail, "Trávníky 1234") {
				t.Errorf("the coordinator does not see the contact")
			}
			due := time.Now().AddDate(0, 0, 14).Format(time.DateOnly)
			if rec := e.do("POST", fmt.Sprintf("/podnety/%d/predat", id), url.Values{"department_id": {fmt.Sprint(e.ids.social)}, "due_date": {due}}, coord); rec.Code != 303 {
				t.Fatalf("route: %d %s", rec.Code, rec.Body.String())
			}
			off := e.session("odbor")
			if rec := e.do("GET", fmt.Sprintf("/podnety/%d", id), nil, off); rec.Code != 200 || !strings.Contains(rec.Body.String(), "eva@example.cz") {
				t.Fatalf("the officer of the routed department: %d", rec.Code)
			}
			rec = e.do("POST", fmt.Sprintf("/podnety/%d/stav", id), url.Values{"action": {"resolve"}, "internal_note": {"Objednáno u TS Otrokovice"}}, off)
			if rec.Code != 422 || !strings.Contains(rec.Body.String(), "Napište, co se udělalo") || !strings.Contains(rec.Body.String(), "Objednáno u TS Otrokovice") {
				t.Fatalf("resolve without an answer: %d", rec.Code)
			}
			if rec := e.do("POST", fmt.Sprintf("/podnety/%d/stav", id), url.Values{"action": {"resolve"}, "public_note": {"Lavička byla osazena."}, "internal_note": {"Faktura 2026/118"}}, off); rec.Code != 303 {
				t.Fatalf("resolve: %d %s", rec.Code, rec.Body.String())
			}
			tb = e.do("GET", "/podnet/"+code[1], nil, nil).Body.String()
			if !strings.Contains(tb, "Vyřešený") || !strings.Contains(tb, "Lavička byla osazena.") || strings.Contains(tb, "Faktura") {
				t.Errorf("tracking page after resolving: resolved=%v note=%v internal=%v", strings.Contains(tb, "Vyřešený"), strings.Contains(tb, "osazena"), strings.Contains(tb, "Faktura"))
			}
			e.deliver()
			if last := m.Messages()[len(m.Messages())-1]; !strings.Contains(last.Subject, "vyřešený") || !strings.Contains(last.Text, "Lavička byla osazena.") {
				t.Errorf("resolution e-mail: %+v", last)
			}
		})
	}
}

func TestSuggestionHoneypotAndRateLimit(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", &mail.Memory{})
	h := e.suggestionHandler()
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	h.Limiter.Now = func() time.Time { return now }
	h.Limiter.Shared.Now = h.Limiter.Now
	count := func() int {
		var n int
		e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM suggestions`).Scan(&n)
		return n
	}
	before := count()
	form := url.Values{"text": {"Rozbitý chodník u školy v Napajedlích."}, "category_id": {fmt.Sprint(e.categoryID("doprava"))}, "municipality_id": {fmt.Sprint(e.ids.otrokovice)}}
	bot := url.Values{}
	for k, v := range form {
		bot[k] = v
	}
	bot.Set("web_stranka", "http://spam.example")
	rec := e.submitForm(bot, "10.0.0.9")
	if rec.Code != 200 || !codeRe.MatchString(rec.Body.String()) || count() != before {
		t.Fatalf("honeypot: status %d, stored %d", rec.Code, count()-before)
	}
	for i := 0; i < 4; i++ {
		form.Set("text", fmt.Sprintf("Rozbitý chodník u školy v Napajedlích, místo %d.", i))
		if rec := e.submitForm(form, "10.0.0.9"); rec.Code != 200 {
			t.Fatalf("submission %d: %d", i+2, rec.Code)
		}
	}
	rec = e.submitForm(form, "10.0.0.9")
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "10 minutách") || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("sixth submission: %d", rec.Code)
	}
	if rec := e.submitForm(form, "10.0.0.10"); rec.Code != 200 {
		t.Errorf("another address is limited too: %d", rec.Code)
	}
	now = now.Add(11 * time.Minute)
	form.Set("text", "Rozbitý chodník u školy v Napajedlích, ještě jedno místo.")
	if rec := e.submitForm(form, "10.0.0.9"); rec.Code != 200 {
		t.Errorf("after 10 minutes: %d", rec.Code)
	}
	if got := count() - before; got != 6 {
		t.Errorf("stored %d suggestions, want 6 (4 + 1 + 1)", got)
	}
}

func TestSuggestionPhotoUploadStripsEXIF(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", nil)
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		img.Set(x, x%30, color.RGBA{200, 20, 20, 255})
	}
	var raw bytes.Buffer
	jpeg.Encode(&raw, img, nil)
	// An APP1 EXIF segment with a GPS marker right after SOI.
	exif := append([]byte("Exif\x00\x00GPSLatitude 49.2 GPSLongitude 17.5"), make([]byte, 20)...)
	seg := append([]byte{0xFF, 0xE1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}, exif...)
	withExif := append(append([]byte{0xFF, 0xD8}, seg...), raw.Bytes()[2:]...)

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"text": "Schody do úřadu nemají zábradlí.", "category_id": fmt.Sprint(e.categoryID("bezbarierovost")), "municipality_id": fmt.Sprint(e.ids.otrokovice)} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("photo", "IMG_0001.jpg")
	fw.Write(withExif)
	mw.Close()
	req := httptest.NewRequest("POST", "/podnet", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != 303 {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
	}
	var id int64
	var data []byte
	e.db.QueryRow(context.Background(), `SELECT suggestion_id, data FROM suggestion_photos ORDER BY suggestion_id DESC LIMIT 1`).Scan(&id, &data)
	if len(data) == 0 || bytes.Contains(data, []byte("Exif")) || bytes.Contains(data, []byte("GPS")) {
		t.Fatalf("stored photo: %d bytes, EXIF kept: %v", len(data), bytes.Contains(data, []byte("GPS")))
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("stored photo does not decode: %v", err)
	}
	// Only staff and the routed department get the photo.
	if rec := e.do("GET", fmt.Sprintf("/podnety/%d/foto", id), nil, nil); rec.Code != 303 {
		t.Errorf("public photo: %d", rec.Code)
	}
	if rec := e.do("GET", fmt.Sprintf("/podnety/%d/foto", id), nil, e.session("odbor")); rec.Code != 404 {
		t.Errorf("officer of no department gets the photo of an unrouted suggestion: %d", rec.Code)
	}
	if rec := e.do("GET", fmt.Sprintf("/podnety/%d/foto", id), nil, e.session("koordinator")); rec.Code != 200 || rec.Header().Get("Content-Type") != "image/jpeg" {
		t.Errorf("coordinator photo: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	// A text file called .jpg is refused with a Czech message.
	body.Reset()
	mw = multipart.NewWriter(&body)
	mw.WriteField("text", "Text podnětu s přílohou.")
	fw, _ = mw.CreateFormFile("photo", "virus.jpg")
	fw.Write([]byte("MZ this is not a picture"))
	mw.Close()
	req = httptest.NewRequest("POST", "/podnet", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec = httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "JPEG nebo PNG") {
		t.Errorf("a fake photo: %d", rec.Code)
	}
}

func TestSuggestionPagesAsEachRole(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", nil)
	coord, off := e.session("koordinator"), e.session("odbor")
	for _, p := range []string{"/podnety", "/podnety?state=open&overdue=1", "/podnety?q=lavicka", "/podnety/po-terminu", "/podnety/novy", "/kategorie-podnetu", "/kategorie-podnetu/nova", "/podnety/statistiky"} {
		if rec := e.do("GET", p, nil, coord); rec.Code != 200 {
			t.Errorf("coordinator %s: %d", p, rec.Code)
		}
	}
	// The officer's queue holds only their department's suggestions.
	var other, own int64
	e.db.QueryRow(context.Background(), `SELECT id FROM suggestions WHERE department_id IS NOT NULL AND department_id <> ? LIMIT 1`, e.ids.social).Scan(&other)
	e.db.QueryRow(context.Background(), `SELECT id FROM suggestions WHERE department_id = ? LIMIT 1`, e.ids.social).Scan(&own)
	if other == 0 || own == 0 {
		t.Fatal("the demo data lacks routed suggestions")
	}
	if rec := e.do("GET", fmt.Sprintf("/podnety/%d", other), nil, off); rec.Code != 404 {
		t.Errorf("officer opens another department's suggestion: %d, want 404", rec.Code)
	}
	if rec := e.do("GET", fmt.Sprintf("/podnety/%d", own), nil, off); rec.Code != 200 {
		t.Errorf("officer opens own department's suggestion: %d", rec.Code)
	}
	list := e.do("GET", "/podnety", nil, off).Body.String()
	var code string
	e.db.QueryRow(context.Background(), `SELECT code FROM suggestions WHERE id = ?`, other).Scan(&code)
	if strings.Contains(list, code) {
		t.Errorf("officer's list shows %s of another department", code)
	}
	if rec := e.do("GET", "/podnety", nil, e.session("clen")); rec.Code != 403 {
		t.Errorf("member opens the inbox: %d", rec.Code)
	}
}

func TestSuggestionStatisticsExports(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", nil)
	rec := e.do("GET", "/podnety/statistiky?od=2021-01-01&do="+time.Now().Format(time.DateOnly), nil, nil)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "<svg") || !strings.Contains(body, "<title id=\"chart-category-title\">") || !strings.Contains(body, "Bezbariérovost") {
		t.Fatalf("stats page: %d", rec.Code)
	}
	csvRec := e.do("GET", "/podnety/statistiky.csv?od=2021-01-01", nil, nil)
	if !bytes.HasPrefix(csvRec.Body.Bytes(), []byte("\ufeff")) || !strings.Contains(csvRec.Body.String(), "Přijato") {
		t.Errorf("CSV: %q", csvRec.Body.String()[:min(80, csvRec.Body.Len())])
	}
	x := e.do("GET", "/podnety/statistiky.xlsx", nil, nil)
	if x.Code != 200 || !bytes.HasPrefix(x.Body.Bytes(), []byte("PK")) {
		t.Errorf("XLSX: %d", x.Code)
	}
}

// Open311: the field lists of GeoReport v2, in JSON and XML.
func TestOpen311(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", nil)
	get := func(path string) *httptest.ResponseRecorder { return e.do("GET", path, nil, nil) }

	var services []map[string]any
	json.Unmarshal(get("/open311/v2/services.json").Body.Bytes(), &services)
	if len(services) < 7 {
		t.Fatalf("services: %d", len(services))
	}
	for _, f := range []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"} {
		if _, ok := services[0][f]; !ok {
			t.Errorf("service lacks %s", f)
		}
	}
	var def map[string]any
	json.Unmarshal(get("/open311/v2/services/bezbarierovost.json").Body.Bytes(), &def)
	attrs, _ := def["attributes"].([]any)
	if def["service_code"] != "bezbarierovost" || len(attrs) != 2 {
		t.Fatalf("service definition: %v", def)
	}
	for _, f := range []string{"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"} {
		if _, ok := attrs[0].(map[string]any)[f]; !ok {
			t.Errorf("attribute lacks %s", f)
		}
	}

	// POST needs a valid api_key.
	post := func(form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		return rec
	}
	form := url.Values{"service_code": {"bezbarierovost"}, "lat": {"49.2101"}, "long": {"17.5302"}, "description": {"Nefunkční plošina u nádraží."},
		"attribute[municipality]": {fmt.Sprint(e.ids.otrokovice)}, "email": {"jan@example.cz"}, "first_name": {"Jan"}, "last_name": {"Novák"}}
	rec := post(form)
	var errs []map[string]any
	if json.Unmarshal(rec.Body.Bytes(), &errs); rec.Code != 403 || len(errs) != 1 || errs[0]["code"] == nil || errs[0]["description"] == nil {
		t.Fatalf("POST without api_key: %d %s", rec.Code, rec.Body.String())
	}
	form.Set("api_key", e.token("koordinator"))
	rec = post(form)
	var created []map[string]any
	json.Unmarshal(rec.Body.Bytes(), &created)
	if rec.Code != 201 || len(created) != 1 || created[0]["service_request_id"] == "" {
		t.Fatalf("POST: %d %s", rec.Code, rec.Body.String())
	}
	for _, f := range []string{"service_request_id", "service_notice", "account_id"} {
		if _, ok := created[0][f]; !ok {
			t.Errorf("POST answer lacks %s", f)
		}
	}
	id := created[0]["service_request_id"].(string)
	bad := url.Values{"service_code": {"bezbarierovost"}, "api_key": {form.Get("api_key")}}
	if rec := post(bad); rec.Code != 400 {
		t.Errorf("POST without a place: %d", rec.Code)
	}

	var reqs []map[string]any
	json.Unmarshal(get("/open311/v2/requests.json?service_request_id="+id).Body.Bytes(), &reqs)
	if len(reqs) != 1 {
		t.Fatalf("requests by id: %v", reqs)
	}
	for _, f := range []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
		"service_notice", "requested_datetime", "updated_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"} {
		if _, ok := reqs[0][f]; !ok {
			t.Errorf("request lacks %s", f)
		}
	}
	if reqs[0]["status"] != "open" || strings.Contains(fmt.Sprint(reqs[0]), "jan@example.cz") || strings.Contains(fmt.Sprint(reqs[0]), "Novák") {
		t.Errorf("request: %v", reqs[0])
	}
	if _, err := time.Parse(time.RFC3339, reqs[0]["requested_datetime"].(string)); err != nil {
		t.Errorf("requested_datetime is not W3C: %v", err)
	}
	json.Unmarshal(get("/open311/v2/requests.json?status=closed").Body.Bytes(), &reqs)
	for _, r := range reqs {
		if r["status"] != "closed" {
			t.Errorf("status=closed gave %v", r["status"])
		}
	}
	if rec := get("/open311/v2/requests.json?status=maybe"); rec.Code != 400 {
		t.Errorf("bad status: %d", rec.Code)
	}
	// XML: the same fields under service_requests/request.
	var doc struct {
		XMLName  xml.Name `xml:"service_requests"`
		Requests []struct {
			ID     string `xml:"service_request_id"`
			Status string `xml:"status"`
		} `xml:"request"`
	}
	x := get("/open311/v2/requests/" + id + ".xml")
	if err := xml.Unmarshal(x.Body.Bytes(), &doc); err != nil || len(doc.Requests) != 1 || doc.Requests[0].ID != id || doc.Requests[0].Status != "open" {
		t.Fatalf("request XML: %v %s", err, x.Body.String())
	}
	var errDoc struct {
		XMLName xml.Name `xml:"errors"`
		Errors  []struct {
			Code        int    `xml:"code"`
			Description string `xml:"description"`
		} `xml:"error"`
	}
	x = get("/open311/v2/requests/NEEXISTUJE.xml")
	if err := xml.Unmarshal(x.Body.Bytes(), &errDoc); err != nil || x.Code != 404 || len(errDoc.Errors) != 1 || errDoc.Errors[0].Code != 404 {
		t.Errorf("XML error: %d %v %s", x.Code, err, x.Body.String())
	}
	var disc map[string]any
	json.Unmarshal(get("/open311/v2/discovery.json").Body.Bytes(), &disc)
	if disc["endpoints"] == nil {
		t.Errorf("discovery: %v", disc)
	}
}

func TestSuggestionAPI(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", nil)
	call := func(method, path, body, tok string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		return rec
	}
	coord := e.token("koordinator")
	body := fmt.Sprintf(`{"text":"Ze setkání PS Senioři: chybí bezbariérový vstup do knihovny.","category_id":%d,"municipality_id":%d,"source":"working_group"}`, e.categoryID("bezbarierovost"), e.ids.otrokovice)
	rec := call("POST", "/api/v1/suggestions", body, coord)
	var s map[string]any
	json.Unmarshal(rec.Body.Bytes(), &s)
	if rec.Code != 201 || s["source"] != "working_group" || s["state"] != "new" {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	id := int64(s["id"].(float64))
	rec = call("POST", fmt.Sprintf("/api/v1/suggestions/%d/transitions", id), `{"action":"reject"}`, coord)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "redirect_to") {
		t.Errorf("reject without reasons: %d %s", rec.Code, rec.Body.String())
	}
	rec = call("POST", fmt.Sprintf("/api/v1/suggestions/%d/transitions", id), `{"action":"refer","plan_ref":"KPSS 2026–2028, opatření 3.1"}`, coord)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"state":"referred"`) {
		t.Errorf("refer: %d %s", rec.Code, rec.Body.String())
	}
	rec = call("POST", fmt.Sprintf("/api/v1/suggestions/%d/transitions", id), `{"action":"accept"}`, coord)
	if rec.Code != 409 {
		t.Errorf("accept a referred one: %d", rec.Code)
	}
	rec = call("GET", "/api/v1/suggestions?state=referred&q=knihovny", "", coord)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"total":1`) {
		t.Errorf("list: %d %s", rec.Code, rec.Body.String())
	}
	off := e.token("odbor")
	if rec := call("GET", fmt.Sprintf("/api/v1/suggestions/%d", id), "", off); rec.Code != 404 {
		t.Errorf("officer reads an unrouted suggestion: %d", rec.Code)
	}
	var list struct {
		Data []suggestion.Suggestion `json:"data"`
	}
	json.Unmarshal(call("GET", "/api/v1/suggestions?per_page=200", "", off).Body.Bytes(), &list)
	for _, x := range list.Data {
		if x.DepartmentID == nil || *x.DepartmentID != e.ids.social {
			t.Errorf("officer's API list has %s of department %v", x.Code, x.DepartmentID)
		}
	}
	_ = store.Paging{}
}

// TestSuggestionPublicListAndMap: the public list and its GeoJSON show no
// personal data (a suggestion with a name, e-mail, phone and a private
// place), coarsen a private point, keep a public one exact, and filter by
// category, state and municipality.
func TestSuggestionPublicListAndMap(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newSuggestionEnv(t, engine, &mail.Memory{})
			access, traffic := fmt.Sprint(e.categoryID("bezbarierovost")), fmt.Sprint(e.categoryID("doprava"))
			muni := fmt.Sprint(e.ids.otrokovice)
			submit := func(form url.Values, ip string) string {
				t.Helper()
				rec := e.submitForm(form, ip)
				code := codeRe.FindStringSubmatch(rec.Body.String())
				if rec.Code != 200 || code == nil {
					t.Fatalf("submit: %d %s", rec.Code, rec.Body.String())
				}
				return code[1]
			}
			private := submit(url.Values{"text": {"U domu s pečovatelskou službou chybí zábradlí."}, "category_id": {access}, "municipality_id": {muni},
				"address": {"Tajná 77, Otrokovice"}, "lat": {"49.2091234"}, "lng": {"17.5301234"}, "location_private": {"on"},
				"contact_name": {"Eva Skrytá"}, "contact_email": {"eva.skryta@example.cz"}, "contact_phone": {"+420 777 999 888"}, "consent": {"on"}}, "10.0.1.1")
			open := submit(url.Values{"text": {"Přechod u nádraží potřebuje světla."}, "category_id": {traffic}, "municipality_id": {muni},
				"address": {"Nádražní 1, Otrokovice"}, "lat": {"49.2101"}, "lng": {"17.5202"}}, "10.0.1.2")

			nowhere := submit(url.Values{"text": {"V obci chybí pečovatelská služba o víkendu."}, "category_id": {access}, "municipality_id": {muni}}, "10.0.1.3")
			// Nothing is public before the coordinator has looked at it.
			if body := e.do("GET", "/podnety/verejne?municipality_id="+muni, nil, nil).Body.String(); strings.Contains(body, private) || strings.Contains(body, "zábradlí") {
				t.Fatalf("an unreviewed suggestion is public")
			}
			for _, c := range []string{private, open, nowhere} {
				e.publish(c)
			}

			rec := e.do("GET", "/podnety/verejne?municipality_id="+muni, nil, nil)
			body := rec.Body.String()
			if rec.Code != 200 || !strings.Contains(body, private) || !strings.Contains(body, open) || !strings.Contains(body, "/podnet/"+private) ||
				!strings.Contains(body, "Nádražní 1") || !strings.Contains(body, "zábradlí") {
				t.Fatalf("public list: %d\n%s", rec.Code, body)
			}
			personal := []string{"Eva Skrytá", "eva.skryta@example.cz", "777 999 888", "Tajná 77", "49.2091234", "49.20912", "17.53012"}
			for _, p := range personal {
				if strings.Contains(body, p) {
					t.Errorf("the public list shows %q", p)
				}
			}

			rec = e.do("GET", "/podnety/verejne.geojson?municipality_id="+muni, nil, nil)
			if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/geo+json") {
				t.Fatalf("geojson: %d %s", rec.Code, rec.Header().Get("Content-Type"))
			}
			for _, p := range personal {
				if strings.Contains(rec.Body.String(), p) {
					t.Errorf("the public GeoJSON shows %q", p)
				}
			}
			var fc struct {
				Type     string
				Features []struct {
					Geometry struct {
						Type        string
						Coordinates [2]float64
					}
					Properties struct{ Title, URL, Text string }
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil || fc.Type != "FeatureCollection" {
				t.Fatalf("geojson: %v %s", err, rec.Body.String())
			}
			points := map[string][2]float64{}
			for _, f := range fc.Features {
				points[f.Properties.URL] = f.Geometry.Coordinates
				if f.Geometry.Type != "Point" || f.Properties.Title == "" {
					t.Errorf("feature %+v", f)
				}
			}
			if p, ok := points["/podnet/"+open]; !ok || p != [2]float64{17.5202, 49.2101} {
				t.Errorf("the public place is not exact: %v (%v)", p, ok)
			}
			var clat, clng float64
			e.db.QueryRow(context.Background(), `SELECT latitude, longitude FROM municipalities WHERE id = ?`, e.ids.otrokovice).Scan(&clat, &clng)
			if p, ok := points["/podnet/"+nowhere]; !ok || clat == 0 || p != [2]float64{clng, clat} {
				t.Errorf("a suggestion without a place is not at the municipality's centre %v, %v: %v (%v)", clat, clng, p, ok)
			}
			p, ok := points["/podnet/"+private]
			if !ok || p == [2]float64{17.5301234, 49.2091234} || absf(p[0]-17.5301234) > 0.003 || absf(p[1]-49.2091234) > 0.002 {
				t.Errorf("the private place is not coarsened to about 150 m: %v (%v)", p, ok)
			}

			// Filters: category, state, municipality.
			body = e.do("GET", "/podnety/verejne?category_id="+traffic+"&municipality_id="+muni, nil, nil).Body.String()
			if !strings.Contains(body, open) || strings.Contains(body, private) {
				t.Errorf("category filter: open %v, private %v", strings.Contains(body, open), strings.Contains(body, private))
			}
			body = e.do("GET", "/podnety/verejne?state=resolved", nil, nil).Body.String()
			if strings.Contains(body, open) || strings.Contains(body, private) {
				t.Errorf("state filter shows new suggestions among the resolved")
			}
			var other int64
			e.db.QueryRow(context.Background(), `SELECT id FROM municipalities WHERE id <> ? ORDER BY id LIMIT 1`, e.ids.otrokovice).Scan(&other)
			body = e.do("GET", fmt.Sprintf("/podnety/verejne?municipality_id=%d", other), nil, nil).Body.String()
			if strings.Contains(body, open) || strings.Contains(body, private) {
				t.Errorf("municipality filter shows Otrokovice's suggestions")
			}
			// The public form links to the list.
			if !strings.Contains(e.do("GET", "/podnet", nil, nil).Body.String(), `href="/podnety/verejne"`) {
				t.Errorf("the public form does not link to the public list")
			}
		})
	}
}

func absf(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestSuggestionKeepsTheCitizensLanguage: a suggestion sent from the English
// page is stored as English, so its e-mails are in English.
func TestSuggestionKeepsTheCitizensLanguage(t *testing.T) {
	m := &mail.Memory{}
	e := newSuggestionEnv(t, "sqlite", m)
	form := url.Values{"text": {"The bus stop has no bench for seniors."}, "category_id": {fmt.Sprint(e.categoryID("doprava"))},
		"municipality_id": {fmt.Sprint(e.ids.otrokovice)}, "contact_email": {"jane@example.com"}, "consent": {"on"}}
	req := httptest.NewRequest("POST", "/podnet", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	req.RemoteAddr = "10.0.2.1:5555"
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code == http.StatusSeeOther {
		rec = e.do("GET", rec.Header().Get("Location"), nil, nil)
	}
	code := codeRe.FindStringSubmatch(rec.Body.String())
	if rec.Code != 200 || code == nil {
		t.Fatalf("submit in English: %d %s", rec.Code, rec.Body.String())
	}
	var lang string
	e.db.QueryRow(context.Background(), `SELECT lang FROM suggestions WHERE code = ?`, code[1]).Scan(&lang)
	e.deliver()
	msgs := m.Messages()
	if lang != "en" || len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "Your suggestion has the code "+code[1]) {
		t.Errorf("language %q, e-mails %+v", lang, msgs)
	}
}

// TestSuggestionCoordinatorEntersAPlace: the coordinator's form takes the
// place as "lat, lng" (the map picker fills it); a wrong one is a Czech
// error with everything typed kept.
func TestSuggestionCoordinatorEntersAPlace(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", &mail.Memory{})
	c := e.session("koordinator")
	if body := e.do("GET", "/podnety/novy", nil, c).Body.String(); !strings.Contains(body, `data-map-picker data-point="f-location"`) {
		t.Fatalf("the form has no map picker")
	}
	form := url.Values{"text": {"Na schůzce zaznělo: u polikliniky chybí lavička."}, "source": {"working_group"},
		"category_id": {fmt.Sprint(e.categoryID("bezbarierovost"))}, "municipality_id": {fmt.Sprint(e.ids.otrokovice)}, "location": {"49,21 sever"}}
	rec := e.do("POST", "/podnety/novy", form, c)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "Poloha na mapě není platná.") || !strings.Contains(rec.Body.String(), "u polikliniky chybí lavička") {
		t.Fatalf("bad place: %d", rec.Code)
	}
	form.Set("location", "49,2093; 17,5306")
	rec = e.do("POST", "/podnety/novy", form, c)
	if rec.Code != 303 {
		t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
	}
	if page := e.do("GET", rec.Header().Get("Location"), nil, c).Body.String(); !strings.Contains(page, "49.20930, 17.53060") {
		t.Errorf("the detail does not show the place")
	}
}

// fakeTracer is the groups module's trace as the suggestion pages see it.
type fakeTracer struct{}

func (fakeTracer) Trace(context.Context, int64) ([]suggestion.TraceStep, error) {
	at := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	return []suggestion.TraceStep{
		{Kind: suggestion.TraceMeeting, Label: "Jednání PS Senioři", URL: "/jednani/7", PublicURL: "/zapisy/7", At: at},
		{Kind: suggestion.TraceResolution, Label: "Usnesení 3/2026: schváleno", URL: "/usneseni/9", At: at},
		{Kind: suggestion.TraceTask, Label: "Úkol: objednat madlo (poznámka: rozpočet OSV)", URL: "/ukoly/4"},
		{Kind: "state", Label: "Stav podnětu: vyřešený"},
	}, nil
}

// TestSuggestionTraceOnBothPages: the desk sees every step with links; the
// citizen's tracking page only the meetings and resolutions, linked only to
// public pages, never the tasks.
func TestSuggestionTraceOnBothPages(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", &mail.Memory{})
	e.suggestionHandler().Svc.SetTracer(fakeTracer{})
	var id int64
	var code string
	e.db.QueryRow(context.Background(), `SELECT id, code FROM suggestions ORDER BY id LIMIT 1`).Scan(&id, &code)
	desk := e.do("GET", fmt.Sprintf("/podnety/%d", id), nil, e.session("koordinator")).Body.String()
	for _, want := range []string{`href="/jednani/7"`, `href="/usneseni/9"`, `href="/ukoly/4"`, "objednat madlo", ">Jednání</span>", ">Usnesení</span>", ">Úkol</span>", "Stav podnětu: vyřešený"} {
		if !strings.Contains(desk, want) {
			t.Errorf("the desk's trace lacks %q", want)
		}
	}
	public := e.do("GET", "/podnet/"+code, nil, nil).Body.String()
	for _, want := range []string{"Projednání v pracovních skupinách", `href="/zapisy/7"`, "Jednání PS Senioři", "Usnesení 3/2026: schváleno"} {
		if !strings.Contains(public, want) {
			t.Errorf("the tracking page's trace lacks %q", want)
		}
	}
	for _, not := range []string{"/jednani/7", "/usneseni/9", "/ukoly/4", "objednat madlo", "rozpočet"} {
		if strings.Contains(public, not) {
			t.Errorf("the tracking page shows %q", not)
		}
	}
}

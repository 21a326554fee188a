package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"kpss/internal/mail"
	"kpss/internal/storetest"
)

func (e *testEnv) int64Of(q string, args ...any) int64 {
	e.t.Helper()
	var v int64
	if err := e.db.QueryRow(context.Background(), q, args...).Scan(&v); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return v
}

func (e *testEnv) stringOf(q string, args ...any) string {
	e.t.Helper()
	var v string
	if err := e.db.QueryRow(context.Background(), q, args...).Scan(&v); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return v
}

func fmtInt(n int64) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{digits[n%10]}, b...)
		n /= 10
	}
	return string(b)
}

// The demo has the six seed workshops held, with certificates, and one
// coming workshop; the plan's project indicators count the six and their
// participants instead of "zatím nenapojeno".
// Two environments per engine (loading the demo on PostgreSQL is slow): the
// demo, its certificates and the ledger; then registrations and e-mails.
func TestWorkshopDemoAndCertificates(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			t.Run("demo", func(t *testing.T) { e.t = t; checkWorkshopAttendanceCertificateAndVerification(t, e) })
			t.Run("indicators", func(t *testing.T) { e.t = t; checkWorkshopDemoAndProjectIndicators(t, e) })
		})
	}
}

func TestWorkshopRegistrationAndEmails(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			t.Run("registration", func(t *testing.T) { e.t = t; checkWorkshopPublicRegistration(t, e) })
			t.Run("emails", func(t *testing.T) { e.t = t; checkWorkshopEmails(t, e) })
		})
	}
}

func checkWorkshopDemoAndProjectIndicators(t *testing.T, e *testEnv) {
	if n := e.int64Of(`SELECT COUNT(*) FROM workshops WHERE state = 'held'`); n != 6 {
		t.Fatalf("held workshops: %d", n)
	}
	rec := e.do("GET", "/workshopy", nil, nil)
	body := rec.Body.String()
	for _, want := range []string{"Fundraising a samofinancování sociálních služeb", "Transformace sociálních služeb", "Aktuálně: dluhy a exekuce", "Volno"} {
		if !strings.Contains(body, want) {
			t.Errorf("the public list lacks %q", want)
		}
	}
	c := e.session("koordinator")
	body = e.do("GET", "/plan/projekt", nil, c).Body.String()
	row := regexp.MustCompile(`Workshopy</th><td class="num">6</td><td class="num">(\d+)</td>`).FindStringSubmatch(body)
	if row == nil || row[1] != "6" {
		t.Fatalf("the plan's project page does not show 6 workshops held: %q", row)
	}
	parts := regexp.MustCompile(`Účastníci workshopů</th><td class="num">60</td><td class="num">(\d+)</td>`).FindStringSubmatch(body)
	if parts == nil || parts[1] == "0" {
		t.Fatalf("participants of workshops not counted: %q", parts)
	}
	if strings.Count(body, "zatím nenapojeno") != 0 {
		t.Error("a project indicator is still not connected")
	}
	// The retention job (the demo's workshops are years old) keeps the
	// attendees' names: the ledger of 2013 still lists them.
	for _, j := range e.srv.Jobs() {
		if j.Name == "workshop-retention" {
			if err := j.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := e.int64Of(`SELECT COUNT(*) FROM workshop_registrations WHERE email <> '' OR phone <> ''`); n != 8 {
		t.Errorf("contacts kept after the retention: %d, want the 8 of the coming workshop", n)
	}
	if body := e.do("GET", "/workshopy/hodiny?rok=2013", nil, c).Body.String(); !strings.Contains(body, "Hana Vaculíková") {
		t.Error("the 2013 ledger lost the names")
	}
}

// A carer registers without an account: a mistake keeps what was typed and
// says what is wrong in Czech; the registration page confirms the place and
// cancels it; the staff see the registration with the needs.
func checkWorkshopPublicRegistration(t *testing.T, e *testEnv) {
	id := e.int64Of(`SELECT id FROM workshops WHERE state = 'published'`)
	path := "/workshopy/" + fmtInt(id) + "/prihlaska"
	if rec := e.do("GET", path, nil, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Pečující o blízkou osobu") {
		t.Fatalf("form: %d", rec.Code)
	}
	bad := url.Values{"name": {"Marie Šťastná"}, "email": {"marie@"}, "audience": {"carer"}, "needs": {"Potřebuji místo pro vozík."}}
	rec := e.do("POST", path, bad, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Zadejte e-mailovou adresu") || !strings.Contains(body, `value="Marie Šťastná"`) ||
		!strings.Contains(body, "Potřebuji místo pro vozík.") || !strings.Contains(body, "error-summary") {
		t.Fatalf("422 re-render: %d\n%s", rec.Code, body)
	}
	good := url.Values{"name": {"Marie Šťastná"}, "phone": {"+420 603 123 456"}, "audience": {"carer"}, "needs": {"Potřebuji místo pro vozík."}}
	rec = e.do("POST", path, good, nil)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/ucast/") {
		t.Fatalf("register: %d %s", rec.Code, loc)
	}
	body = e.do("GET", loc, nil, nil).Body.String()
	if !strings.Contains(body, "Máte potvrzené místo.") || !strings.Contains(body, "Zrušit moji přihlášku") {
		t.Fatalf("registration page:\n%s", body)
	}
	c := e.session("koordinator")
	body = e.do("GET", "/workshopy/"+fmtInt(id), nil, c).Body.String()
	if !strings.Contains(body, "Marie Šťastná") || !strings.Contains(body, "Potřebuji místo pro vozík.") {
		t.Fatal("the coordinator does not see the registration and its needs")
	}
	// The public page does not show who registered.
	if strings.Contains(e.do("GET", "/workshopy/"+fmtInt(id), nil, nil).Body.String(), "Marie Šťastná") {
		t.Fatal("the public sees a participant's name")
	}
	rec = e.do("POST", loc, url.Values{"action": {"cancel"}}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", rec.Code)
	}
	if !strings.Contains(e.do("GET", loc, nil, nil).Body.String(), "Přihláška je zrušena.") {
		t.Fatal("cancelled registration not shown as cancelled")
	}
}

// The coordinator ticks attendance on screen; the certificate PDF has the
// Czech name with diacritics and the hours; the verification page confirms
// it to anyone and says plainly when a code is unknown.
func checkWorkshopAttendanceCertificateAndVerification(t *testing.T, e *testEnv) {
	c := e.session("koordinator")
	wid := e.int64Of(`SELECT id FROM workshops WHERE topic = ?`, "Motivace uživatelů")
	page := e.do("GET", "/workshopy/"+fmtInt(wid)+"/dochazka", nil, c)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `type="checkbox"`) {
		t.Fatalf("attendance grid: %d", page.Code)
	}
	if rec := e.do("GET", "/workshopy/"+fmtInt(wid)+"/dochazka", nil, e.session("poskytovatel")); rec.Code != http.StatusForbidden {
		t.Fatalf("a provider opens the attendance: %d", rec.Code)
	}
	sheet := e.do("GET", "/workshopy/"+fmtInt(wid)+"/prezencni-listina.pdf", nil, c)
	if text := pdfText(t, sheet.Body.Bytes()); !strings.Contains(text, "Prezenční listina") || !strings.Contains(text, "Motivace uživatelů") {
		t.Fatalf("sign-in sheet: %s", text)
	}
	certID := e.int64Of(`SELECT MIN(id) FROM workshop_certificates WHERE workshop_id = ?`, wid)
	holder := e.stringOf(`SELECT holder FROM workshop_certificates WHERE id = ?`, certID)
	code := e.stringOf(`SELECT code FROM workshop_certificates WHERE id = ?`, certID)
	number := e.stringOf(`SELECT number FROM workshop_certificates WHERE id = ?`, certID)
	rec := e.do("GET", "/workshopy/"+fmtInt(wid)+"/osvedceni/"+fmtInt(certID), nil, c)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("certificate: %d", rec.Code)
	}
	text := pdfText(t, rec.Body.Bytes())
	for _, want := range []string{"Osvědčení o účasti", holder, "Motivace uživatelů", "6 h z 6 h", number, "neakreditované", "/osvedceni/" + code} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "akreditovaný kurz") || strings.Contains(text, "akreditován MPSV") {
		t.Error("the certificate claims accreditation")
	}
	body := e.do("GET", "/osvedceni/"+code, nil, nil).Body.String()
	if !strings.Contains(body, "Osvědčení je platné") || !strings.Contains(body, holder) || !strings.Contains(body, number) {
		t.Fatalf("verification:\n%s", body)
	}
	if rec := e.do("GET", "/osvedceni/neplatny-kod", nil, nil); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "neevidujeme") {
		t.Fatalf("unknown code: %d", rec.Code)
	}
	// The register of certificates as XLSX and the ledger of hours.
	if rec := e.do("GET", "/workshopy/osvedceni.xlsx?rok=2013", nil, c); rec.Code != http.StatusOK || rec.Body.Len() < 1000 {
		t.Fatalf("register xlsx: %d", rec.Code)
	}
	body = e.do("GET", "/workshopy/hodiny?rok=2013", nil, c).Body.String()
	if !strings.Contains(body, holder) || !strings.Contains(body, "8 h") {
		t.Fatalf("ledger 2013 lacks %s or the 8 h cap", holder)
	}
}

// The coordinator builds a workshop: publishing is refused below 6 net
// hours with a Czech reason; blocks added; published; ticked attendance.
func TestWorkshopCoordinatorFlow(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	c := e.session("koordinator")
	place := e.int64Of(`SELECT MIN(id) FROM meeting_places`)
	form := url.Values{"topic": {"Komunikace s klientem"}, "lecturer_name": {"Mgr. Eva Řeháková"}, "place_id": {fmtInt(place)}, "organiser": {"Naděje Otrokovice"},
		"min_participants": {"10"}, "quota_staff": {"x"}, "quota_commissioner": {"2"}, "quota_user": {"2"}, "quota_carer": {"1"}, "cert_percent": {"75"}, "offer_hours": {"24"}}
	rec := e.do("POST", "/workshopy/novy", form, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Zadejte celé číslo") || !strings.Contains(rec.Body.String(), "Mgr. Eva Řeháková") {
		t.Fatalf("bad quota: %d", rec.Code)
	}
	form.Set("quota_staff", "12")
	rec = e.do("POST", "/workshopy/novy", form, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	loc := rec.Header().Get("Location")
	day := "2031-05-14"
	rec = e.do("POST", loc+"/bloky", url.Values{"block_day": {day}, "block_start": {"9:00"}, "block_end": {"12:00"}, "block_break": {"15"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("block: %d %s", rec.Code, rec.Body.String())
	}
	rec = e.do("POST", loc+"/bloky", url.Values{"block_day": {day}, "block_start": {"13:00"}, "block_end": {"12:00"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Konec musí být po začátku.") {
		t.Fatalf("bad block: %d", rec.Code)
	}
	rec = e.do("POST", loc+"/stav", url.Values{"action": {"publish"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "zveřejnit jej lze až od 6 h") {
		t.Fatalf("publish at 2 h 45: %d\n%s", rec.Code, rec.Body.String())
	}
	e.do("POST", loc+"/bloky", url.Values{"block_day": {day}, "block_start": {"12:45"}, "block_end": {"16:15"}, "block_break": {"15"}}, c)
	if rec = e.do("POST", loc+"/stav", url.Values{"action": {"publish"}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish at 6 h: %d %s", rec.Code, rec.Body.String())
	}
	body := e.do("GET", loc, nil, nil).Body.String()
	if !strings.Contains(body, "Komunikace s klientem") || !strings.Contains(body, "Přihlásit se") || !strings.Contains(body, "6 h") {
		t.Fatal("the public page of the published workshop")
	}
	// The calendar lists both blocks.
	cal := e.do("GET", "/kalendar?mesic=2031-05", nil, nil).Body.String()
	if !strings.Contains(cal, "Workshop: Komunikace s klientem (1/2)") {
		t.Errorf("the calendar does not show the workshop")
	}
	if ics := e.do("GET", "/workshopy/kalendar.ics", nil, nil).Body.String(); !strings.Contains(ics, "BEGIN:VEVENT") || !strings.Contains(ics, "Komunikace s klientem") {
		t.Error("the iCalendar feed lacks the workshop")
	}
}

// The list is read with a fixed number of queries whatever the number of
// workshops.
func TestWorkshopListQueryCount(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	count := func() int64 {
		before := e.db.QueryCount()
		if rec := e.do("GET", "/workshopy", nil, nil); rec.Code != http.StatusOK {
			t.Fatal(rec.Code)
		}
		return e.db.QueryCount() - before
	}
	n1 := count()
	c := e.session("koordinator")
	for i := 0; i < 5; i++ {
		form := url.Values{"topic": {"Téma " + fmtInt(int64(i))}, "min_participants": {"10"}, "quota_staff": {"12"}, "cert_percent": {"75"}, "offer_hours": {"24"}}
		loc := e.do("POST", "/workshopy/novy", form, c).Header().Get("Location")
		e.do("POST", loc+"/bloky", url.Values{"block_day": {"2031-06-0" + fmtInt(int64(i+1))}, "block_start": {"9:00"}, "block_end": {"16:00"}, "block_break": {"60"}}, c)
		e.do("POST", loc+"/stav", url.Values{"action": {"publish"}}, c)
	}
	if n2 := count(); n2 != n1 {
		t.Fatalf("queries for the list: %d with 7 workshops, %d with 12", n1, n2)
	}
}

// E-mails go through the outbox: the confirmation with the .ics and the
// personal link, the offer of a freed place, invitations by audience, and
// the workshop page tells how the mail is doing.
func checkWorkshopEmails(t *testing.T, e *testEnv) {
	sender := &mail.Memory{}
	e.srv.Env().Outbox.Mail = sender
	id := e.int64Of(`SELECT id FROM workshops WHERE state = 'published'`)
	path := "/workshopy/" + fmtInt(id)
	rec := e.do("POST", path+"/prihlaska", url.Values{"name": {"Jana Šimková"}, "email": {"jana.simkova@example.cz"}, "audience": {"staff"}}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("register: %d", rec.Code)
	}
	link := rec.Header().Get("Location")
	c := e.session("koordinator")
	if body := e.do("GET", path, nil, c).Body.String(); !strings.Contains(body, "E-maily: 0 z 1 odesláno, 1 čeká") {
		t.Errorf("queued mail not shown on the page")
	}
	e.deliver()
	msgs := sender.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "jana.simkova@example.cz" || !strings.Contains(msgs[0].Subject, "Potvrzení místa") ||
		!strings.Contains(msgs[0].Text, link) || len(msgs[0].Attachments) != 1 ||
		!strings.Contains(string(msgs[0].Attachments[0].Data), "BEGIN:VEVENT") {
		t.Fatalf("confirmation: %+v", msgs)
	}
	// Fill the staff places, one more waits; a cancellation offers the place.
	var tokens []string
	for i := 0; i < 4; i++ { // 7 of the demo, Jana and these four: the 12 staff places
		rec := e.do("POST", path+"/prihlaska", url.Values{"name": {"Pracovník " + fmtInt(int64(i))}, "email": {"p" + fmtInt(int64(i)) + "@example.cz"}, "audience": {"staff"}}, nil)
		tokens = append(tokens, strings.TrimPrefix(rec.Header().Get("Location"), "/ucast/"))
	}
	rec = e.do("POST", path+"/prihlaska", url.Values{"name": {"Náhradnice Nová"}, "email": {"nahradnice@example.cz"}, "audience": {"staff"}}, nil)
	wait := rec.Header().Get("Location")
	if !strings.Contains(e.do("GET", wait, nil, nil).Body.String(), "Jste mezi náhradníky.") {
		t.Fatal("the thirteenth staff member is not on the waiting list")
	}
	e.deliver()
	sender.Reset()
	e.do("POST", "/ucast/"+tokens[0], url.Values{"action": {"cancel"}}, nil)
	e.deliver()
	var offer *mail.Message
	for i, m := range sender.Messages() {
		if m.To[0] == "nahradnice@example.cz" {
			offer = &sender.Messages()[i]
		}
	}
	if offer == nil || !strings.Contains(offer.Subject, "Uvolnilo se místo") || !strings.Contains(offer.Text, "Držíme ho pro vás do") {
		t.Fatalf("offer mail: %+v", sender.Messages())
	}
	if rec := e.do("POST", wait, url.Values{"action": {"accept"}}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("accept: %d", rec.Code)
	}
	if !strings.Contains(e.do("GET", wait, nil, nil).Body.String(), "Máte potvrzené místo.") {
		t.Fatal("accepted offer not confirmed")
	}
	// Invitations: a bad extra address is a Czech error; then the providers' staff and a club.
	rec = e.do("POST", path+"/pozvanky", url.Values{"audiences": {"staff"}, "extra": {"klub@seniori"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "klub@seniori není platný e-mail") {
		t.Fatalf("bad address: %d", rec.Code)
	}
	sender.Reset()
	rec = e.do("POST", path+"/pozvanky", url.Values{"audiences": {"staff", "commissioner", "user"}, "extra": {"klub.senioru@example.cz"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("invite: %d %s", rec.Code, rec.Body.String())
	}
	e.deliver()
	found := false
	for _, m := range sender.Messages() {
		if m.To[0] == "klub.senioru@example.cz" && strings.Contains(m.Subject, "Pozvánka na workshop") && strings.Contains(m.Text, path+"/prihlaska") {
			found = true
		}
	}
	if !found || len(sender.Messages()) < 2 {
		t.Fatalf("invitations: %d, club found %v", len(sender.Messages()), found)
	}
}

// With the surveys module, a finished workshop gets its feedback form: the
// participant's page links it, the coordinator sees the answers' count.
func TestWorkshopFeedbackThroughSurveys(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	wid := e.int64Of(`SELECT id FROM workshops WHERE topic = ?`, "Transformace sociálních služeb")
	token := e.stringOf(`SELECT r.token FROM workshop_registrations r JOIN workshop_certificates c ON c.registration_id = r.id WHERE r.workshop_id = ? ORDER BY r.id LIMIT 1`, wid)
	body := e.do("GET", "/ucast/"+token, nil, nil).Body.String()
	if !strings.Contains(body, "Vyplnit dotazník") || !strings.Contains(body, "Stáhnout osvědčení") {
		t.Fatalf("participant page lacks the feedback form or the certificate:\n%s", body)
	}
	body = e.do("GET", "/workshopy/"+fmtInt(wid), nil, e.session("koordinator")).Body.String()
	if !strings.Contains(body, "Dotazník pro účastníky") || !strings.Contains(body, "Odpovědělo 0 účastníků.") {
		t.Fatalf("coordinator page lacks the feedback:\n%s", body)
	}
}

// The workshops' API answers match the OpenAPI document, for the public and
// for the coordinator (who also sees drafts).
func TestWorkshopAPIMatchesTheSpec(t *testing.T) {
	spec := loadSpec(t)
	spec.Servers = openapi3.Servers{{URL: "http://example.com"}}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, "sqlite")
	tok := e.token("koordinator")
	held := e.int64Of(`SELECT MIN(id) FROM workshops WHERE state = 'held'`)
	open := e.int64Of(`SELECT id FROM workshops WHERE state = 'published'`)
	for _, c := range []struct {
		path, token string
		status      int
	}{
		{"/api/v1/workshops", "", 200}, {"/api/v1/workshops?year=2013&per_page=2", "", 200}, {"/api/v1/workshops?year=x", "", 400},
		{"/api/v1/workshops/" + fmtInt(held), "", 200}, {"/api/v1/workshops/" + fmtInt(open), tok, 200}, {"/api/v1/workshops/999999", "", 404},
	} {
		req := httptest.NewRequest("GET", "http://example.com"+c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Fatalf("%s: %d %s", c.path, rec.Code, rec.Body.String())
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s: not in the spec: %v", c.path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s → %d does not match the spec: %v", c.path, rec.Code, err)
		}
		if c.path == "/api/v1/workshops/"+fmtInt(held) && !strings.Contains(rec.Body.String(), `"participants":`) {
			t.Errorf("a held workshop's participants missing: %s", rec.Body.String())
		}
	}
}

// Anonymous registrations are limited to 10 an hour per address; the
// coordinator registering people at the office is not.
func TestWorkshopRegistrationRateLimit(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	path := "/workshopy/" + fmtInt(e.int64Of(`SELECT id FROM workshops WHERE state = 'published'`)) + "/prihlaska"
	for i := 0; i < 10; i++ {
		if rec := e.do("POST", path, url.Values{"name": {"Host " + fmtInt(int64(i))}, "email": {"h" + fmtInt(int64(i)) + "@example.cz"}, "audience": {"user"}}, nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("registration %d: %d", i, rec.Code)
		}
	}
	rec := e.do("POST", path, url.Values{"name": {"Jedenáctý"}, "email": {"h11@example.cz"}, "audience": {"user"}}, nil)
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "příliš mnoho přihlášek") {
		t.Fatalf("the 11th: %d", rec.Code)
	}
	if rec := e.do("POST", path, url.Values{"name": {"Jedenáctý"}, "email": {"h11@example.cz"}, "audience": {"user"}}, e.session("koordinator")); rec.Code != http.StatusSeeOther {
		t.Fatalf("the coordinator is limited: %d", rec.Code)
	}
}

package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"kpss/internal/auth"
	"kpss/internal/group"
)

type groupIDs struct {
	sen, ozp, rd, senMeeting, ozpMeeting, resolution, task, member, place, item int64
}

func (e *testEnv) groupIDs() groupIDs {
	e.t.Helper()
	ctx := context.Background()
	id := func(q string, args ...any) int64 {
		var v int64
		if err := e.db.QueryRow(ctx, q, args...).Scan(&v); err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		return v
	}
	g := groupIDs{sen: id(`SELECT id FROM work_groups WHERE code = ?`, "PS-SEN"), ozp: id(`SELECT id FROM work_groups WHERE code = ?`, "PS-OZP"),
		rd: id(`SELECT id FROM work_groups WHERE code = ?`, "PS-RD")}
	g.senMeeting = id(`SELECT id FROM meetings WHERE group_id = ? ORDER BY starts_at LIMIT 1`, g.sen)
	g.ozpMeeting = id(`SELECT id FROM meetings WHERE group_id = ? ORDER BY starts_at LIMIT 1`, g.ozp)
	g.member = id(`SELECT id FROM group_members WHERE group_id = ? ORDER BY id LIMIT 1`, g.sen)
	g.place = id(`SELECT id FROM meeting_places ORDER BY id LIMIT 1`)
	g.item = id(`SELECT COALESCE(MIN(id), 0) FROM agenda_items WHERE meeting_id = ?`, g.senMeeting)
	g.resolution = id(`SELECT COALESCE(MIN(id), 0) FROM resolutions WHERE group_id = ?`, g.sen)
	g.task = id(`SELECT COALESCE(MIN(id), 0) FROM resolution_tasks WHERE group_id = ?`, g.sen)
	return g
}

// linkUser creates a member account acting as the person named.
func (e *testEnv) linkUser(login, person string) {
	e.t.Helper()
	ctx := context.Background()
	var pid int64
	if err := e.db.QueryRow(ctx, `SELECT id FROM people WHERE name = ?`, person).Scan(&pid); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.srv.Auth().CreateUser(ctx, auth.UserInput{Login: login, Role: auth.RoleMember, PersonID: &pid, Active: true}, demoPassword, true); err != nil {
		e.t.Fatal(err)
	}
}

// Every GET page of the module, as every role, on real demo rows: allowed
// callers get the page, the others 403 or the sign-in page, nobody a 500.
func TestGroupPagesForEveryRole(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	ctx := context.Background()
	users := map[string]*auth.User{}
	for role, login := range loginOf {
		if login != "" {
			u, err := e.srv.Auth().FindUserByLogin(ctx, login)
			if err != nil {
				t.Fatal(err)
			}
			users[role] = u
		}
	}
	fill := map[string]int64{"/skupiny/": g.sen, "/jednani/": g.senMeeting, "/usneseni/": g.resolution, "/ukoly/": g.task, "/clenstvi/": g.member, "/mista/": g.place}
	checked := 0
	for _, rt := range e.srv.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if method != "GET" || rt.API || !strings.Contains(path, "{id}") || strings.HasSuffix(path, "/prihlaska") {
			continue
		}
		var id int64
		for prefix, v := range fill {
			if strings.HasPrefix(path, prefix) {
				id = v
			}
		}
		if id == 0 {
			continue
		}
		target := strings.ReplaceAll(path, "{id}", fmt.Sprint(id))
		for role, login := range loginOf {
			req := httptest.NewRequest("GET", target, nil)
			if login != "" {
				req.AddCookie(e.session(login))
			}
			probe := req.Clone(req.Context())
			probe.SetPathValue("id", fmt.Sprint(id))
			want, err := rt.Policy.Allows(probe, users[role])
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			e.srv.ServeHTTP(rec, req)
			denied := rec.Code == http.StatusForbidden || (rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/prihlaseni"))
			switch {
			case rec.Code >= 500:
				t.Errorf("%s as %s: %d %s", target, role, rec.Code, rec.Body.String())
			case want && (denied || rec.Code != http.StatusOK):
				t.Errorf("%s as %s: %d, want the page", target, role, rec.Code)
			case !want && !denied:
				t.Errorf("%s as %s: %d, want denial", target, role, rec.Code)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d calls checked", checked)
	}
}

// A member of one working group sees its meetings and not another group's;
// nobody but the chair and the coordinator edits a group's minutes.
func TestGroupObjectPermissions(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	e.linkUser("predsedkyne-ozp", "Mgr. Eva Kopečná")
	clen, chair := e.session("clen"), e.session("predsedkyne-ozp")
	senMinutes, ozpMinutes := fmt.Sprintf("/jednani/%d/zapis", g.senMeeting), fmt.Sprintf("/jednani/%d/zapis", g.ozpMeeting)
	cases := []struct {
		who    *http.Cookie
		method string
		path   string
		want   int
	}{
		{clen, "GET", fmt.Sprintf("/jednani/%d", g.senMeeting), 200},
		{clen, "GET", fmt.Sprintf("/jednani/%d", g.ozpMeeting), 403},
		{clen, "GET", fmt.Sprintf("/skupiny/%d", g.ozp), 403},
		{clen, "POST", senMinutes, 403},
		{clen, "POST", ozpMinutes, 403},
		{chair, "POST", senMinutes, 403},
		{chair, "POST", fmt.Sprintf("/jednani/%d/dochazka", g.senMeeting), 403},
		{chair, "GET", fmt.Sprintf("/jednani/%d/dochazka", g.ozpMeeting), 200},
		{chair, "GET", fmt.Sprintf("/skupiny/%d/plan", g.ozp), 200},
		{chair, "GET", fmt.Sprintf("/skupiny/%d/plan", g.sen), 403},
		{nil, "GET", fmt.Sprintf("/skupiny/%d/zapisy", g.sen), 200},
		{nil, "GET", fmt.Sprintf("/skupiny/%d/zapisy", g.rd), 303},
		{nil, "GET", fmt.Sprintf("/skupiny/%d/kalendar.ics", g.sen), 200},
		{nil, "GET", fmt.Sprintf("/skupiny/%d/kalendar.ics", g.rd), 303},
		{nil, "GET", "/zapisy", 200},
		{nil, "GET", "/jednani/kalendar.ics", 200},
	}
	for _, c := range cases {
		var form url.Values
		if c.method == "POST" {
			form = url.Values{"body": {"## Přepsáno cizí skupinou"}}
		}
		if rec := e.do(c.method, c.path, form, c.who); rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, rec.Code, c.want)
		}
	}
	// The chair of PS-OZP edits its minutes (a meeting not yet approved).
	var open int64
	e.db.QueryRow(context.Background(), `SELECT t.id FROM meetings t WHERE t.group_id = ? AND NOT EXISTS (SELECT 1 FROM minutes m WHERE m.meeting_id = t.id AND m.state = 'approved') ORDER BY t.starts_at LIMIT 1`, g.ozp).Scan(&open)
	rec := e.do("POST", fmt.Sprintf("/jednani/%d/zapis", open), url.Values{"body": {"## Zahájení\nZapsala předsedkyně."}}, chair)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("chair saving own minutes: %d %s", rec.Code, rec.Body.String())
	}
	var body string
	e.db.QueryRow(context.Background(), `SELECT body FROM minutes WHERE meeting_id = ?`, open).Scan(&body)
	if !strings.Contains(body, "Zapsala předsedkyně") {
		t.Fatalf("minutes body %q", body)
	}
	// The member sees their own tasks.
	if rec := e.do("GET", "/ukoly", nil, clen); rec.Code != 200 || strings.Contains(rec.Body.String(), "není propojen") {
		t.Fatalf("member's tasks: %d", rec.Code)
	}
}

// A form with errors answers 422, keeps what was typed and names the problem in Czech.
func TestGroupFormErrors(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	c := e.session("koordinator")
	rec := e.do("POST", fmt.Sprintf("/skupiny/%d/plan", g.sen), url.Values{"year": {"2028"}, "weekday": {"2"}, "week": {"1"}, "start": {"25:00"}, "minutes": {"120"}}, c)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("plan with errors: %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{"Vyberte alespoň jeden měsíc.", "Zadejte čas ve tvaru HH:MM", `value="2028"`, `value="25:00"`, "error-summary"} {
		if !strings.Contains(body, want) {
			t.Errorf("plan form lacks %q", want)
		}
	}
	rec = e.do("POST", "/skupiny/nova", url.Values{"kind": {"working"}, "name": {"Nová pracovní skupina"}, "quorum_percent": {"50"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "vyberte cílovou skupinu") || !strings.Contains(rec.Body.String(), "Nová pracovní skupina") {
		t.Fatalf("group without target group: %d", rec.Code)
	}
}

// The groups API answers as its OpenAPI document says, and a member sees
// only their own groups.
func TestGroupAPIMatchesSpec(t *testing.T) {
	spec := loadSpec(t)
	spec.Servers = openapi3.Servers{{URL: "http://example.com"}}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	call := func(login, path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "http://example.com"+path, nil)
		req.Header.Set("Authorization", "Bearer "+e.token(login))
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s: not in the spec: %v", path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("GET %s as %s → %d does not match the spec: %v", path, login, rec.Code, err)
		}
		return rec
	}
	for _, path := range []string{"/api/v1/groups", fmt.Sprintf("/api/v1/groups/%d", g.sen), "/api/v1/meetings?year=2026&per_page=5",
		fmt.Sprintf("/api/v1/meetings/%d", g.senMeeting), "/api/v1/resolutions?year=2026", "/api/v1/tasks?state=overdue", "/api/v1/meetings?state=nonsense", "/api/v1/groups/999999"} {
		if rec := call("koordinator", path); rec.Code >= 500 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
	}
	var list struct {
		Data []struct {
			Code string `json:"code"`
		} `json:"data"`
	}
	rec := call("clen", "/api/v1/groups")
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Data) != 1 || list.Data[0].Code != "PS-SEN" {
		t.Fatalf("member's groups: %s", rec.Body.String())
	}
	if rec := call("clen", fmt.Sprintf("/api/v1/groups/%d", g.ozp)); rec.Code != http.StatusForbidden {
		t.Fatalf("member reading another group: %d", rec.Code)
	}
	call("clen", "/api/v1/tasks?mine=true")
}

// The statistics count the demo year's meetings per group, with the chart
// described for screen readers, and download as CSV and XLSX.
func TestGroupStats(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	c := e.session("koordinator")
	rec := e.do("GET", "/skupiny/statistiky?rok=2027", nil, c)
	if rec.Code != 200 {
		t.Fatalf("stats: %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{"<title id=\"chart-t\">", "<desc id=\"chart-d\">", "Řídící skupina KPSS", `<td class="num">36</td>`} {
		if !strings.Contains(body, want) {
			t.Errorf("stats page lacks %q", want)
		}
	}
	rec = e.do("GET", "/skupiny/statistiky.csv?rok=2027", nil, c)
	if !strings.HasPrefix(rec.Body.String(), "\ufeffSkupina;Rok;Naplánováno") || !strings.Contains(rec.Body.String(), "PS Senioři;2027;6;0;0") {
		t.Errorf("csv: %q", rec.Body.String())
	}
	rec = e.do("GET", "/skupiny/statistiky.xlsx?rok=2026", nil, c)
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "PK") {
		t.Errorf("xlsx: %d", rec.Code)
	}
	if rec := e.do("GET", "/skupiny/statistiky", nil, e.session("clen")); rec.Code != http.StatusForbidden {
		t.Errorf("member sees the statistics: %d", rec.Code)
	}
}

// Pages of the module load with a fixed number of queries, whatever the
// size of the group or the number of its meetings (no N+1).
func TestGroupPagesQueryCount(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	c := e.session("koordinator")
	count := func(path string) int64 {
		e.do("GET", path, nil, c) // warm the caches
		before := e.db.QueryCount()
		if rec := e.do("GET", path, nil, c); rec.Code != 200 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		return e.db.QueryCount() - before
	}
	var held int64
	e.db.QueryRow(context.Background(), `SELECT id FROM meetings WHERE group_id = ? AND state = 'held' ORDER BY starts_at DESC LIMIT 1`, g.ozp).Scan(&held)
	pairs := [][2]string{
		{fmt.Sprintf("/jednani/%d", g.senMeeting), fmt.Sprintf("/jednani/%d", held)},
		{fmt.Sprintf("/skupiny/%d", g.sen), fmt.Sprintf("/skupiny/%d", g.rd)},
		{fmt.Sprintf("/skupiny/%d/ukoly", g.sen), fmt.Sprintf("/skupiny/%d/ukoly", g.ozp)},
		{"/skupiny/statistiky?rok=2026", "/skupiny/statistiky?rok=2027"},
		{"/jednani?rok=2026", "/jednani?rok=2028"},
	}
	for _, p := range pairs {
		// Names of assignees are looked up once per kind (person,
		// organisation, department) present on the page, so counts may
		// differ by those few lookups, never by the number of rows.
		a, b := count(p[0]), count(p[1])
		if a > 25 || b > 25 || a-b > 3 || b-a > 3 {
			t.Errorf("%s takes %d queries, %s %d: the count depends on the data", p[0], a, p[1], b)
		}
		t.Logf("%s: %d queries", p[0], a)
	}
}

// BenchmarkMeetingPage renders a held meeting's page (agenda, attendance
// with quorum, resolutions) as the coordinator.
func BenchmarkMeetingPage(b *testing.B) {
	e := newTestEnv(b, "sqlite")
	g := e.groupIDs()
	c := e.session("koordinator")
	path := fmt.Sprintf("/jednani/%d", g.senMeeting)
	before := e.db.QueryCount()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rec := e.do("GET", path, nil, c); rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
	b.ReportMetric(float64(e.db.QueryCount()-before)/float64(b.N), "queries/op")
}

// BenchmarkMinutesPDF builds the PDF of a meeting's minutes.
func BenchmarkMinutesPDF(b *testing.B) {
	e := newTestEnv(b, "sqlite")
	g := e.groupIDs()
	c := e.session("koordinator")
	path := fmt.Sprintf("/jednani/%d/zapis.pdf", g.senMeeting)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rec := e.do("GET", path, nil, c); rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkDemoLoad loads the demo region (all modules) into a fresh database.
func BenchmarkDemoLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		newTestEnv(b, "sqlite")
	}
}

// The coordinator puts suggestions on an agenda by ticking them or by their
// tracking code; the agenda shows the code and summary with a link, and the
// suggestion's page shows the meeting, the resolution, its task and the
// suggestion's state.
func TestGroupSuggestionSeam(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	c := e.session("koordinator")
	ctx := context.Background()
	var meeting int64
	if err := e.db.QueryRow(ctx, `SELECT id FROM meetings WHERE group_id = ? AND state = 'planned' ORDER BY starts_at LIMIT 1`, g.sen).Scan(&meeting); err != nil {
		t.Fatal(err)
	}
	var newest, older int64
	var newestCode, olderCode string
	if err := e.db.QueryRow(ctx, `SELECT id, code FROM suggestions WHERE state IN ('new', 'accepted', 'in_progress') ORDER BY received_at DESC, id DESC LIMIT 1`).Scan(&newest, &newestCode); err != nil {
		t.Fatal(err)
	}
	if err := e.db.QueryRow(ctx, `SELECT id, code FROM suggestions WHERE id <> ? ORDER BY received_at, id LIMIT 1`, newest).Scan(&older, &olderCode); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/jednani/%d", meeting)
	body := e.do("GET", page, nil, c).Body.String()
	if !strings.Contains(body, fmt.Sprintf(`name="suggestion_ids" value="%d"`, newest)) || !strings.Contains(body, newestCode+" – ") {
		t.Fatalf("the agenda form does not offer the newest open suggestion %s", newestCode)
	}
	// A mistyped code: 422 with the code kept and a clear message.
	rec := e.do("POST", page+"/program", url.Values{"kind": {"suggestion"}, "codes": {"NEEXISTUJE1"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Podnět s kódem NEEXISTUJE1 nenacházíme") ||
		!strings.Contains(rec.Body.String(), `value="NEEXISTUJE1"`) || !strings.Contains(rec.Body.String(), "error-summary") {
		t.Fatalf("unknown code: %d", rec.Code)
	}
	if rec := e.do("POST", page+"/program", url.Values{"kind": {"suggestion"}}, c); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "Zaškrtněte podnět nebo napište jeho kód.") {
		t.Fatalf("nothing picked: %d", rec.Code)
	}
	// Ticked and typed (lower case, with a dash) at once.
	typed := strings.ToLower(olderCode[:5]) + "-" + olderCode[5:]
	if rec := e.do("POST", page+"/program", url.Values{"kind": {"suggestion"}, "suggestion_ids": {fmt.Sprint(newest)}, "codes": {typed}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("add suggestions: %d %s", rec.Code, rec.Body.String())
	}
	body = e.do("GET", page, nil, c).Body.String()
	for _, want := range []string{fmt.Sprintf(`href="/podnety/%d">%s – `, newest, newestCode), fmt.Sprintf(`href="/podnety/%d">%s – `, older, olderCode)} {
		if !strings.Contains(body, want) {
			t.Errorf("agenda lacks %s", want)
		}
	}
	if strings.Contains(body, fmt.Sprintf(`name="suggestion_ids" value="%d"`, newest)) {
		t.Error("a suggestion already on the agenda is offered again")
	}
	// Adding it again adds nothing.
	e.do("POST", page+"/program", url.Values{"kind": {"suggestion"}, "suggestion_ids": {fmt.Sprint(newest)}}, c)
	var n int
	e.db.QueryRow(ctx, `SELECT COUNT(*) FROM agenda_items WHERE meeting_id = ? AND kind = 'suggestion' AND ref_id = ?`, meeting, newest).Scan(&n)
	if n != 1 {
		t.Errorf("the suggestion is %d× on the agenda", n)
	}
	// A member who is not staff is linked to the public tracking page.
	e.linkUser("clen-sen", "Josef Kratochvíl")
	body = e.do("GET", page, nil, e.session("clen-sen")).Body.String()
	if !strings.Contains(body, fmt.Sprintf(`href="/podnet/%s">%s – `, newestCode, newestCode)) || strings.Contains(body, `name="suggestion_ids"`) {
		t.Errorf("a member sees the desk's link or the picker")
	}
	var item int64
	e.db.QueryRow(ctx, `SELECT id FROM agenda_items WHERE meeting_id = ? AND ref_id = ?`, meeting, newest).Scan(&item)

	// A resolution with a task on that item; the suggestion's page traces it.
	rec = e.do("POST", page+"/usneseni/nove", url.Values{"agenda_item_id": {fmt.Sprint(item)}, "text": {"Doporučuje odboru rozvoje řešit podnět do konce roku."},
		"votes_for": {"7"}, "votes_against": {"0"}, "votes_abstained": {"1"}, "outcome": {"adopted"},
		"task_title": {"Prověřit podnět na místě"}, "assignee": {fmt.Sprintf("department:%d", e.ids.social)}, "due_on": {"2027-06-30"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("resolution: %d %s", rec.Code, rec.Body.String())
	}
	var number string
	e.db.QueryRow(ctx, `SELECT number FROM resolutions WHERE agenda_item_id = ?`, item).Scan(&number)
	body = e.do("GET", fmt.Sprintf("/podnety/%d", newest), nil, c).Body.String()
	for _, want := range []string{"Cesta přes pracovní skupiny", "Projednáváno na jednání skupiny PS Senioři (naplánováno)", fmt.Sprintf(`href="/jednani/%d"`, meeting),
		number + " (přijato): Doporučuje odboru", "Prověřit podnět na místě – Odbor sociálních věcí, termín 30.", "Stav podnětu nyní:"} {
		if !strings.Contains(body, want) {
			t.Errorf("suggestion page lacks %q", want)
		}
	}
	// The public tracking page: the meeting (linked to the group's public
	// archive), not the resolution while the minutes are not approved, no tasks.
	public := e.do("GET", "/podnet/"+newestCode, nil, nil).Body.String()
	if !strings.Contains(public, "Projednáváno na jednání skupiny PS Senioři") || !strings.Contains(public, fmt.Sprintf(`href="/skupiny/%d/zapisy"`, g.sen)) {
		t.Errorf("the tracking page does not show the meeting")
	}
	for _, not := range []string{"Doporučuje odboru rozvoje", "Prověřit podnět", fmt.Sprintf(`href="/jednani/%d"`, meeting)} {
		if strings.Contains(public, not) {
			t.Errorf("the tracking page shows %q", not)
		}
	}
}

// Meetings of public groups and meetings taking registrations show in the
// public calendar; cancelled ones and others do not.
func TestGroupMeetingsInCalendar(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	c := e.session("koordinator")
	ctx := context.Background()
	next := func(group int64) (int64, time.Time) {
		var id int64
		var at time.Time
		if err := e.db.QueryRow(ctx, `SELECT id, starts_at FROM meetings WHERE group_id = ? AND state = 'planned' AND starts_at > ? ORDER BY starts_at LIMIT 1`, group, time.Now().UTC()).Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		return id, at
	}
	sen, senAt := next(g.sen) // public minutes
	rd, rdAt := next(g.rd)    // not public
	month := func(at time.Time) string {
		return e.do("GET", "/kalendar?mesic="+at.In(pragueTZ(t)).Format("2006-01"), nil, nil).Body.String()
	}
	body := month(senAt)
	if !strings.Contains(body, "Jednání: PS Senioři") || !strings.Contains(body, fmt.Sprintf("/skupiny/%d/zapisy", g.sen)) {
		t.Errorf("a planned meeting of a public group is not in the calendar")
	}
	if strings.Contains(month(rdAt), "Jednání: PS Rodiny s dětmi") {
		t.Errorf("a meeting of a group without the public switch is in the calendar")
	}
	// Registrations open: the meeting shows with the registration link.
	form := url.Values{"date": {rdAt.In(pragueTZ(t)).Format("2006-01-02")}, "start": {"15:00"}, "end": {"17:00"}, "capacity": {"12"}}
	if rec := e.do("POST", fmt.Sprintf("/jednani/%d/upravit", rd), form, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("capacity: %d", rec.Code)
	}
	body = month(rdAt)
	if !strings.Contains(body, "Jednání: PS Rodiny s dětmi") {
		t.Errorf("a meeting taking registrations is not in the calendar")
	}
	list := e.do("GET", "/kalendar/seznam?per_page=500", nil, nil).Body.String()
	if !strings.Contains(list, fmt.Sprintf("/jednani/%d/prihlaska", rd)) {
		t.Errorf("the calendar list does not link to the registration form")
	}
	// Cancelled: gone.
	if rec := e.do("POST", fmt.Sprintf("/jednani/%d/stav", sen), url.Values{"state": {"cancelled"}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", rec.Code)
	}
	if strings.Contains(month(senAt), fmt.Sprintf("meeting-%d@", sen)) || strings.Contains(e.do("GET", "/kalendar.ics", nil, nil).Body.String(), fmt.Sprintf("meeting-%d@", sen)) {
		t.Errorf("a cancelled meeting is still in the calendar")
	}
}

func pragueTZ(t *testing.T) *time.Location {
	l, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The coordinator corrects a resolution while the minutes are open; once
// they are approved, a new resolution annuls the old one and both pages
// link to each other.
func TestGroupResolutionCorrection(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	c := e.session("koordinator")
	ctx := context.Background()
	var next int64
	if err := e.db.QueryRow(ctx, `SELECT id FROM meetings WHERE group_id = ? AND state = 'planned' ORDER BY starts_at LIMIT 1`, g.sen).Scan(&next); err != nil {
		t.Fatal(err)
	}
	adopt := func(form url.Values) int64 {
		t.Helper()
		rec := e.do("POST", fmt.Sprintf("/jednani/%d/usneseni/nove", next), form, c)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("adopt: %d %s", rec.Code, rec.Body.String())
		}
		var id int64
		fmt.Sscanf(rec.Header().Get("Location"), "/usneseni/%d", &id)
		return id
	}
	fresh := adopt(url.Values{"text": {"Schvaluje termín setkání."}, "votes_for": {"6"}, "votes_against": {"0"}, "votes_abstained": {"0"}, "outcome": {"adopted"}})
	edit := fmt.Sprintf("/usneseni/%d/upravit", fresh)
	if body := e.do("GET", edit, nil, c).Body.String(); !strings.Contains(body, "Schvaluje termín setkání.") || !strings.Contains(body, "Číslo usnesení zůstává") {
		t.Fatalf("edit form")
	}
	rec := e.do("POST", edit, url.Values{"text": {"Schvaluje termín setkání 14. 10."}, "votes_for": {"sedm"}, "outcome": {"adopted"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Schvaluje termín setkání 14. 10.") {
		t.Fatalf("bad vote: %d", rec.Code)
	}
	if rec := e.do("POST", edit, url.Values{"text": {"Schvaluje termín setkání 14. 10."}, "votes_for": {"7"}, "votes_against": {"0"}, "votes_abstained": {"1"}, "outcome": {"adopted"}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("correction: %d", rec.Code)
	}
	if body := e.do("GET", fmt.Sprintf("/usneseni/%d", fresh), nil, c).Body.String(); !strings.Contains(body, "Schvaluje termín setkání 14. 10.") {
		t.Errorf("the correction is not shown")
	}

	// An old resolution with approved minutes: final, annulled by a new one.
	var old int64
	var oldNumber string
	if err := e.db.QueryRow(ctx, `SELECT r.id, r.number FROM resolutions r JOIN minutes n ON n.meeting_id = r.meeting_id WHERE r.group_id = ? AND n.state = 'approved' ORDER BY r.id LIMIT 1`, g.sen).Scan(&old, &oldNumber); err != nil {
		t.Fatal(err)
	}
	page := e.do("GET", fmt.Sprintf("/usneseni/%d/upravit", old), nil, c).Body.String()
	if !strings.Contains(page, "Zápis z jednání je schválen, usnesení už nelze opravit") || !strings.Contains(page, fmt.Sprintf("/jednani/%d/usneseni/nove?rusi=%d", next, old)) {
		t.Fatalf("a final resolution's edit page does not explain or offer annulment")
	}
	if rec := e.do("POST", fmt.Sprintf("/usneseni/%d/upravit", old), url.Values{"text": {"Přepsáno"}, "votes_for": {"5"}, "outcome": {"adopted"}}, c); rec.Code != http.StatusConflict {
		t.Errorf("rewriting a final resolution: %d", rec.Code)
	}
	form := e.do("GET", fmt.Sprintf("/jednani/%d/usneseni/nove?rusi=%d", next, old), nil, c).Body.String()
	if !strings.Contains(form, fmt.Sprintf(`<option value="%d" selected>%s – `, old, oldNumber)) {
		t.Fatalf("the new resolution's form does not preselect %s", oldNumber)
	}
	annul := adopt(url.Values{"supersedes_id": {fmt.Sprint(old)}, "supersede_kind": {"annul"}, "text": {"Ruší usnesení " + oldNumber + "."},
		"votes_for": {"7"}, "votes_against": {"0"}, "votes_abstained": {"0"}, "outcome": {"adopted"}})
	var annulNumber string
	e.db.QueryRow(ctx, `SELECT number FROM resolutions WHERE id = ?`, annul).Scan(&annulNumber)
	body := e.do("GET", fmt.Sprintf("/usneseni/%d", old), nil, c).Body.String()
	if !strings.Contains(body, fmt.Sprintf(`zrušeno usnesením <a href="/usneseni/%d">%s</a>`, annul, annulNumber)) {
		t.Errorf("the annulled resolution does not say it was annulled by %s", annulNumber)
	}
	body = e.do("GET", fmt.Sprintf("/usneseni/%d", annul), nil, c).Body.String()
	if !strings.Contains(body, fmt.Sprintf(`ruší usnesení <a href="/usneseni/%d">%s</a>`, old, oldNumber)) {
		t.Errorf("the annulling resolution does not link to %s", oldNumber)
	}
	// Once annulled it cannot be annulled again.
	rec = e.do("POST", fmt.Sprintf("/jednani/%d/usneseni/nove", next), url.Values{"supersedes_id": {fmt.Sprint(old)}, "supersede_kind": {"annul"}, "text": {"Znovu."},
		"votes_for": {"7"}, "outcome": {"adopted"}}, c)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("annulling twice: %d", rec.Code)
	}
}

// Sending invitations only queues them: the page says how many went out
// and how many wait, and the outbox job delivers them.
func TestGroupInvitationsGoThroughTheOutbox(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	c := e.session("koordinator")
	ctx := context.Background()
	var meeting int64
	if err := e.db.QueryRow(ctx, `SELECT id FROM meetings WHERE group_id = ? AND state = 'planned' ORDER BY starts_at LIMIT 1`, g.sen).Scan(&meeting); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/jednani/%d", meeting)
	if rec := e.do("POST", page+"/pozvanky", url.Values{}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("invite: %d", rec.Code)
	}
	var queued int
	e.db.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE ref = ? AND state = 'pending'`, fmt.Sprint("group:meeting:", meeting)).Scan(&queued)
	if queued < 7 {
		t.Fatalf("%d invitations queued", queued)
	}
	if body := e.do("GET", page, nil, c).Body.String(); !strings.Contains(body, fmt.Sprintf("Odesláno 0 z %d, čeká %d.", queued, queued)) {
		t.Errorf("the page does not show the waiting invitations")
	}
	svc := e.srv.Env().Modules["group"].(*group.Module).Svc
	if r, err := svc.ProcessOutbox(ctx); err != nil || r.Sent != queued {
		t.Fatalf("outbox: %+v %v", r, err)
	}
	if body := e.do("GET", page, nil, c).Body.String(); !strings.Contains(body, fmt.Sprintf("Odesláno %d z %d, čeká 0.", queued, queued)) {
		t.Errorf("the page does not show the delivered invitations")
	}
	// Sending again supersedes nothing delivered; a new round is counted anew.
	e.do("POST", page+"/pozvanky", url.Values{}, c)
	if body := e.do("GET", page, nil, c).Body.String(); !strings.Contains(body, fmt.Sprintf("Odesláno 0 z %d, čeká %d.", queued, queued)) {
		t.Errorf("the second round is not shown on its own")
	}
	if rec := e.do("POST", page+"/posta", url.Values{}, c); rec.Code != http.StatusConflict {
		t.Errorf("retry with nothing failed: %d", rec.Code)
	}
	if rec := e.do("POST", page+"/posta", url.Values{}, e.session("poskytovatel")); rec.Code != http.StatusForbidden {
		t.Errorf("retry by a provider: %d", rec.Code)
	}
}

// The OParl view: the system leads to the body, the body to the public
// groups, their meetings with agenda items and the people who agreed to be
// named; nothing of a group without the public switch, no e-mails.
func TestGroupOParl(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	get := func(path string, want int) map[string]any {
		t.Helper()
		rec := e.do("GET", path, nil, nil)
		if rec.Code != want {
			t.Fatalf("%s: %d, want %d: %s", path, rec.Code, want, rec.Body.String())
		}
		var v map[string]any
		if want == http.StatusOK {
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return v
	}
	rel := func(u any) string {
		s, _ := u.(string)
		_, after, _ := strings.Cut(s, "/oparl/v1")
		return "/oparl/v1" + after
	}
	sys := get("/oparl/v1", 200)
	if sys["type"] != "https://schema.oparl.org/1.1/System" || sys["oparlVersion"] != "https://schema.oparl.org/1.1/" {
		t.Fatalf("system %v", sys)
	}
	bodies := get(rel(sys["body"]), 200)
	body := bodies["data"].([]any)[0].(map[string]any)
	if body["type"] != "https://schema.oparl.org/1.1/Body" || body["shortName"] != "KPSS" {
		t.Fatalf("body %v", body)
	}
	orgs := get(rel(body["organization"]), 200)["data"].([]any)
	names := map[string]bool{}
	for _, o := range orgs {
		names[o.(map[string]any)["shortName"].(string)] = true
	}
	if !names["PS-SEN"] || names["PS-RD"] {
		t.Fatalf("organizations %v: want the public PS-SEN, not PS-RD", names)
	}
	meetings := get(rel(body["meeting"])+fmt.Sprintf("?organization=%d", g.sen), 200)
	if meetings["pagination"].(map[string]any)["totalElements"].(float64) < 6 {
		t.Fatalf("meetings %v", meetings["pagination"])
	}
	var withMinutes map[string]any
	for _, m := range meetings["data"].([]any) {
		mo := m.(map[string]any)
		if mo["type"] != "https://schema.oparl.org/1.1/Meeting" || !strings.HasSuffix(mo["organization"].([]any)[0].(string), fmt.Sprintf("/oparl/v1/organization/%d", g.sen)) {
			t.Fatalf("meeting %v", mo)
		}
		if mo["resultsProtocol"] != nil && withMinutes == nil {
			withMinutes = mo
		}
	}
	if withMinutes == nil {
		t.Fatal("no meeting with approved minutes")
	}
	items := withMinutes["agendaItem"].([]any)
	if len(items) == 0 || items[0].(map[string]any)["resolutionText"] == nil {
		t.Fatalf("agenda of a meeting with approved minutes lacks the resolution: %v", items)
	}
	one := get(rel(items[0].(map[string]any)["id"]), 200)
	if one["name"] != items[0].(map[string]any)["name"] || one["meeting"] != withMinutes["id"] {
		t.Errorf("agenda item by id %v", one)
	}
	if got := get(rel(withMinutes["id"]), 200); got["id"] != withMinutes["id"] {
		t.Errorf("meeting by id %v", got)
	}
	if loc := get(rel(withMinutes["location"].(map[string]any)["id"]), 200); !strings.Contains(loc["description"].(string), "Přístupnost") {
		t.Errorf("location %v", loc)
	}
	people := get(rel(body["person"]), 200)
	raw, _ := json.Marshal(people)
	if strings.Contains(string(raw), "@") {
		t.Errorf("the people list shows an e-mail address")
	}
	p0 := people["data"].([]any)[0].(map[string]any)
	ms := p0["membership"].([]any)
	if len(ms) == 0 || ms[0].(map[string]any)["type"] != "https://schema.oparl.org/1.1/Membership" {
		t.Fatalf("person %v", p0)
	}
	if got := get(rel(ms[0].(map[string]any)["id"]), 200); got["person"] != p0["id"] {
		t.Errorf("membership by id %v", got)
	}
	// A meeting of a group without the public switch does not exist here.
	var rd int64
	e.db.QueryRow(context.Background(), `SELECT id FROM meetings WHERE group_id = ? LIMIT 1`, g.rd).Scan(&rd)
	get(fmt.Sprintf("/oparl/v1/meeting/%d", rd), http.StatusNotFound)
	get(fmt.Sprintf("/oparl/v1/organization/%d", g.rd), http.StatusNotFound)
	get("/oparl/v1/nic/1", http.StatusNotFound)
	get("/oparl/v1/body/2", http.StatusNotFound)
}

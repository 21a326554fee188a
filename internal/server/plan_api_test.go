package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"kpss/internal/plan"
)

// The plan's API answers match its OpenAPI fragment.
func TestPlanAPIAnswersMatchTheSpec(t *testing.T) {
	spec := loadSpec(t)
	spec.Servers = openapi3.Servers{{URL: "http://example.com"}}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, "sqlite")
	s := planSvc(e)
	ctx := context.Background()
	per, _ := s.CurrentPeriod(ctx)
	_, ms := planIDs(t, e)
	rounds, _ := s.Rounds(ctx)
	reps, _ := s.Reports(ctx, plan.ReportFilter{RoundID: rounds[0].ID})
	tok := e.token("koordinator")
	calls := []string{
		"/api/v1/plans", fmt.Sprintf("/api/v1/plans/%d", per.ID), "/api/v1/measures", fmt.Sprintf("/api/v1/measures?plan_id=%d&per_page=3", per.ID),
		fmt.Sprintf("/api/v1/measures/%d", ms["SEN 1.1"]), "/api/v1/measures/999999", "/api/v1/indicators", "/api/v1/indicators?plan_id=x",
		"/api/v1/monitoring-rounds", fmt.Sprintf("/api/v1/monitoring-rounds/%d", rounds[0].ID), fmt.Sprintf("/api/v1/reports?round_id=%d", rounds[0].ID),
		fmt.Sprintf("/api/v1/reports/%d", reps[0].ID), "/api/v1/evaluations?year=2025",
	}
	for _, path := range calls {
		req := httptest.NewRequest("GET", "http://example.com"+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s: not in the spec: %v", path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestQueryParams: true}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("GET %s → %d does not match the spec: %v", path, rec.Code, err)
		}
	}
	// What an API client sees: the indicator series and the evaluations.
	req := httptest.NewRequest("GET", "/api/v1/indicators", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"name":"Klienti pečovatelské služby"`) || !strings.Contains(rec.Body.String(), `"2025":220`) {
		t.Errorf("indicators answer lacks the 2025 value: %.300s", rec.Body.String())
	}
}

// BenchmarkPlanPages measures the heaviest pages of the module on the demo
// region (SQLite) and reports queries per page.
func BenchmarkPlanPages(b *testing.B) {
	e := newTestEnv(b, "sqlite")
	s := planSvc(e)
	ctx := context.Background()
	per, _ := s.CurrentPeriod(ctx)
	rounds, _ := s.Rounds(ctx)
	c := e.session("koordinator")
	for _, page := range []string{"/plan", fmt.Sprintf("/monitoring/kola/%d", rounds[0].ID), fmt.Sprintf("/monitoring/varovani?kolo=%d", rounds[0].ID), "/monitoring/prehled", "/plan/hodnoceni?rok=2025"} {
		b.Run(page, func(b *testing.B) {
			start := e.db.QueryCount()
			for i := 0; i < b.N; i++ {
				if rec := e.do("GET", page, nil, c); rec.Code != 200 {
					b.Fatalf("%s: %d", page, rec.Code)
				}
			}
			b.ReportMetric(float64(e.db.QueryCount()-start)/float64(b.N), "queries/op")
		})
	}
	b.Run("outline", func(b *testing.B) {
		start := e.db.QueryCount()
		for i := 0; i < b.N; i++ {
			if _, err := s.Outline(ctx, per.ID); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(e.db.QueryCount()-start)/float64(b.N), "queries/op")
	})
	b.Run("evaluation-report-pdf", func(b *testing.B) {
		uctx := e.asUser("koordinator")
		ps, _ := s.Periods(ctx)
		for i := 0; i < b.N; i++ {
			if _, err := s.GenerateDocument(uctx, plan.DocEvaluation, ps[len(ps)-1].ID, 2025); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// specCheck validates a request and its answer against the OpenAPI document.
func specCheck(t *testing.T, router routers.Router, method, path, body string, rec *httptest.ResponseRecorder) {
	t.Helper()
	req := httptest.NewRequest(method, "http://example.com"+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: not in the spec: %v", method, path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if rec.Code < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s %s: the request does not match the spec: %v", method, path, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s → %d does not match the spec: %v", method, path, rec.Code, err)
	}
}

// What a provider's and the coordinator's software send: reports (only the
// token's organisation's; frozen ones refuse), manual indicator values and
// inputs of users; every answer matches the spec.
func TestPlanAPIWrites(t *testing.T) {
	spec := loadSpec(t)
	spec.Servers = openapi3.Servers{{URL: "http://example.com"}}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, "sqlite")
	svcIDs, ms := planIDs(t, e)
	r := openRound2026(t, e)
	prov, coord := e.token("poskytovatel"), e.token("koordinator")
	call := func(method, path, body, tok string) *httptest.ResponseRecorder {
		t.Helper()
		rec := e.api(method, path, body, tok)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
		}
		specCheck(t, router, method, path, body, rec)
		return rec
	}
	// The provider's software finds its report of the open round by service.
	own := reportOf(t, e, r.ID, svcIDs["Odlehčovací služba Charity"])
	rec := call("GET", fmt.Sprintf("/api/v1/reports?round_state=open&service_id=%d", own.ServiceID), "", prov)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), fmt.Sprintf(`"id":%d,`, own.ID)) || !strings.Contains(rec.Body.String(), `"total":1`) {
		t.Fatalf("find the open report: %d %s", rec.Code, rec.Body.String())
	}
	// A draft, then bad figures, then the submission.
	path := fmt.Sprintf("/api/v1/reports/%d", own.ID)
	if rec := call("PUT", path, `{"capacity":60,"clients":55,"refused":3,"waiting":2,"staff":{"care_worker":6.5},"income":{"state":2100000}}`, prov); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"state":"draft"`) {
		t.Fatalf("save a draft: %d %s", rec.Code, rec.Body.String())
	}
	rec = call("POST", path+"/submit", `{"capacity":60,"clients":-1,"staff":{"cook":1},"indicators":{"999999":3}}`, prov)
	body := rec.Body.String()
	if rec.Code != 400 || !strings.Contains(body, `"clients":"Zadejte nezáporné číslo."`) || !strings.Contains(body, `"staff.cook":"Tuto položku výkaz nezná."`) || !strings.Contains(body, `"indicators.999999"`) {
		t.Fatalf("bad figures: %d %s", rec.Code, body)
	}
	if rec := call("POST", path+"/submit", `{"capacity":60,"clients":58,"refused":7,"waiting":4,"costs":4200000,"comment":"Přibylo zájemců."}`, prov); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"state":"submitted"`) || !strings.Contains(rec.Body.String(), `"version":1`) {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body.String())
	}
	// Frozen: neither the provider nor the coordinator changes it.
	for _, tok := range []string{prov, coord} {
		rec := call("PUT", path, `{"clients":1}`, tok)
		if rec.Code != 409 || !strings.Contains(rec.Body.String(), "odeslaný a uzamčený") || !strings.Contains(rec.Body.String(), `"code":"conflict"`) {
			t.Fatalf("change a frozen report: %d %s", rec.Code, rec.Body.String())
		}
	}
	if got := reportOf(t, e, r.ID, own.ServiceID); got.Data.Clients != 58 || got.State != plan.ReportSubmitted {
		t.Fatalf("frozen report changed: %+v", got.Data)
	}
	// Confirm a pre-filled report unchanged; one not pre-filled refuses.
	pre := reportOf(t, e, r.ID, svcIDs["Tísňová péče Anežka"])
	if rec := call("POST", fmt.Sprintf("/api/v1/reports/%d/confirm", pre.ID), "", prov); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"unchanged":true`) {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body.String())
	}
	// Another organisation's report: 403, unchanged.
	other := reportOf(t, e, r.ID, svcIDs["Azylový dům Naděje"])
	for _, p := range []string{fmt.Sprintf("/api/v1/reports/%d/confirm", other.ID), fmt.Sprintf("/api/v1/reports/%d/submit", other.ID)} {
		if rec := call("POST", p, `{"clients":1}`, prov); rec.Code != 403 {
			t.Fatalf("POST %s with another provider's token: %d", p, rec.Code)
		}
	}
	if got := reportOf(t, e, r.ID, other.ServiceID); got.State != plan.ReportDraft {
		t.Fatalf("another provider's report changed: %+v", got)
	}
	// A provider may not record indicator values or inputs of users.
	if rec := call("GET", "/api/v1/voice-inputs", "", prov); rec.Code != 403 {
		t.Fatalf("provider lists voice inputs: %d", rec.Code)
	}
	// The coordinator records a manual indicator value; a computed one refuses.
	s := planSvc(e)
	m, _ := s.Measure(context.Background(), ms["SEN 1.1"])
	var manual, computed int64
	per, _ := s.CurrentPeriod(context.Background())
	inds, _ := s.FindIndicators(context.Background(), per.ID)
	for _, i := range inds {
		if i.Method == plan.MethodManual && manual == 0 {
			manual = i.ID
		}
		if i.Method == plan.MethodComputed && computed == 0 {
			computed = i.ID
		}
	}
	_ = m
	if manual == 0 || computed == 0 {
		t.Fatal("the demo lacks a manual or a computed indicator")
	}
	if rec := call("PUT", fmt.Sprintf("/api/v1/indicators/%d/values/2026", manual), `{"value":14,"note":"z výroční zprávy"}`, coord); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"value":14`) {
		t.Fatalf("record a manual value: %d %s", rec.Code, rec.Body.String())
	}
	if rec := call("PUT", fmt.Sprintf("/api/v1/indicators/%d/values/2026", computed), `{"value":14}`, coord); rec.Code != 409 {
		t.Fatalf("record a computed value: %d %s", rec.Code, rec.Body.String())
	}
	if rec := call("PUT", fmt.Sprintf("/api/v1/indicators/%d/values/1800", manual), `{}`, coord); rec.Code != 400 || !strings.Contains(rec.Body.String(), `"year"`) || !strings.Contains(rec.Body.String(), `"value"`) {
		t.Fatalf("bad value: %d %s", rec.Code, rec.Body.String())
	}
	series, _, _ := s.Series(context.Background(), []plan.Measure{mustMeasureOf(t, s, inds, manual)})
	if series[manual][2026] != 14 {
		t.Fatalf("the recorded value is not in the series: %v", series[manual])
	}
	// An input of users.
	rec = call("POST", "/api/v1/voice-inputs", fmt.Sprintf(`{"day":"2026-05-12","source":"users_council","text":"Chybí doprava do stacionáře.","measure_ids":[%d]}`, ms["SEN 1.1"]), coord)
	if rec.Code != 201 || !strings.HasPrefix(rec.Header().Get("Location"), "/api/v1/voice-inputs/") {
		t.Fatalf("record an input: %d %s", rec.Code, rec.Body.String())
	}
	if rec := call("GET", rec.Header().Get("Location"), "", coord); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Chybí doprava") {
		t.Fatalf("get the input: %d %s", rec.Code, rec.Body.String())
	}
	if rec := call("POST", "/api/v1/voice-inputs", `{"day":"12. 5.","source":"radio","text":""}`, coord); rec.Code != 400 || !strings.Contains(rec.Body.String(), `"day"`) || !strings.Contains(rec.Body.String(), `"source"`) || !strings.Contains(rec.Body.String(), `"text"`) {
		t.Fatalf("bad input: %d %s", rec.Code, rec.Body.String())
	}
	if rec := call("GET", fmt.Sprintf("/api/v1/voice-inputs?measure_id=%d", ms["SEN 1.1"]), "", coord); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Chybí doprava") {
		t.Fatalf("list inputs of a measure: %d %s", rec.Code, rec.Body.String())
	}
}

func mustMeasureOf(t *testing.T, s *plan.Service, inds []plan.Indicator, id int64) plan.Measure {
	t.Helper()
	for _, i := range inds {
		if i.ID == id {
			m, err := s.Measure(context.Background(), i.MeasureID)
			if err != nil {
				t.Fatal(err)
			}
			return *m
		}
	}
	t.Fatalf("no indicator %d", id)
	return plan.Measure{}
}

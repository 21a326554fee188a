package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
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

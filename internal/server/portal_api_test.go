package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"kpss/internal/calendar"
)

// The portal's API answers, public and with a token, match the document.
func TestPortalAPIMatchesTheSpec(t *testing.T) {
	spec := loadSpec(t)
	spec.Servers = openapi3.Servers{{URL: "http://example.com"}}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, "sqlite")
	var newsID, eventID int64
	e.db.QueryRow(context.Background(), `SELECT MIN(id) FROM news`).Scan(&newsID)
	e.db.QueryRow(context.Background(), `SELECT MIN(id) FROM events WHERE state = 'approved'`).Scan(&eventID)
	tok := e.token("koordinator")
	for _, c := range []struct {
		path, token string
		status      int
	}{
		{"/api/v1/events", "", 200},
		{"/api/v1/events?category=vzdelavani&per_page=1", "", 200},
		{"/api/v1/events?from=2026-13-01", "", 400},
		{fmt.Sprintf("/api/v1/events/%d", eventID), "", 200},
		{"/api/v1/events/999999", "", 404},
		{"/api/v1/news", "", 200},
		{fmt.Sprintf("/api/v1/news/%d", newsID), "", 200},
		{"/api/v1/news?q=plan", tok, 200},
		{"/api/v1/guides", "", 200},
		{"/api/v1/guides/mam-dluhy", "", 200},
		{"/api/v1/guides/neni", "", 404},
		{"/api/v1/article-plan?year=2026", tok, 200},
		{"/api/v1/article-plan", "", 401},
	} {
		req := httptest.NewRequest("GET", "http://example.com"+c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("%s: %d, want %d: %s", c.path, rec.Code, c.status, rec.Body.String())
			continue
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s: not in the spec: %v", c.path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestQueryParams: c.status == 400}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s → %d does not match the spec: %v", c.path, rec.Code, err)
		}
		if c.path == "/api/v1/guides/mam-dluhy" && !strings.Contains(rec.Body.String(), `"related_services":[`) {
			t.Errorf("guide without related_services")
		}
	}
}

// Public portal pages load with a fixed number of queries, whatever the
// number of events (no N+1).
func TestPortalPagesQueryCount(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	pages := []string{"/kalendar", "/kalendar/seznam", "/zivotni-situace", "/aktuality", "/kalendar.ics", "/api/v1/events"}
	count := func() map[string]int64 {
		out := map[string]int64{}
		for _, path := range pages {
			before := e.db.QueryCount()
			if rec := e.do("GET", path, nil, nil); rec.Code != 200 {
				t.Fatalf("%s: %d", path, rec.Code)
			}
			out[path] = e.db.QueryCount() - before
		}
		return out
	}
	first := count()
	svc := calendarSvc(e)
	u, _ := e.srv.Auth().FindUserByLogin(context.Background(), "koordinator")
	start := calendar.Day(time.Now()).Add(26 * time.Hour)
	for i := 0; i < 30; i++ {
		if _, err := svc.SubmitEvent(context.Background(), u, calendar.Event{Title: fmt.Sprintf("Akce %d", i), Category: "verejnost", Place: "Otrokovice",
			Start: start, End: start.Add(time.Hour), TargetGroupIDs: []int64{e.ids.seniors}, OrganisationID: &e.ids.charita}); err != nil {
			t.Fatal(err)
		}
	}
	second := count()
	for _, path := range pages {
		t.Logf("%s: %d queries", path, second[path])
		if second[path] != first[path] {
			t.Errorf("%s: %d queries with 30 more events, %d before", path, second[path], first[path])
		}
	}
}

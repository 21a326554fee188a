package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	spec, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("OpenAPI document does not load: %v", err)
	}
	if err := spec.Validate(context.Background()); err != nil {
		t.Fatalf("OpenAPI document is not valid: %v", err)
	}
	return spec
}

// TestOpenAPICoversEveryRoute fails when an /api/v1 route is missing from the
// OpenAPI document, or the document lists an operation no route serves.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	spec := loadSpec(t)
	e := newTestEnv(t, "sqlite")
	served := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		served[method+" "+path] = true
		item := spec.Paths.Find(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s is not in the OpenAPI document", rt.Pattern)
		}
	}
	for path, item := range spec.Paths.Map() {
		for method := range item.Operations() {
			if !served[method+" "+path] {
				t.Errorf("the OpenAPI document lists %s %s, which no route serves", method, path)
			}
		}
	}
}

// TestAPIAnswersMatchTheSpec calls the API as a client would and validates each
// answer against the document.
func TestAPIAnswersMatchTheSpec(t *testing.T) {
	spec := loadSpec(t)
	spec.Servers = openapi3.Servers{{URL: "http://example.com"}}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, "sqlite")
	tok := e.token("koordinator")
	calls := []struct{ method, path, body string }{
		{"GET", "/api/v1/me", ""},
		{"GET", "/api/v1/municipalities?q=belov", ""},
		{"GET", "/api/v1/organizations?per_page=2", ""},
		{"POST", "/api/v1/organizations", `{"name":"Klub Bělov","kind":"ngo","ico":"12345678"}`},
		{"POST", "/api/v1/organizations", `{"name":"Klub Bělov","kind":"ngo","ico":"25596641"}`},
		{"GET", "/api/v1/organizations/999999", ""},
		{"GET", "/api/v1/people", ""},
		{"GET", "/api/v1/departments", ""},
		{"GET", "/api/v1/target-groups", ""},
		{"GET", "/api/v1/region", ""},
	}
	for _, c := range calls {
		req := httptest.NewRequest(c.method, "http://example.com"+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+tok)
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", c.method, c.path, rec.Code, rec.Body.String())
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: not in the spec: %v", c.method, c.path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s %s → %d does not match the spec: %v", c.method, c.path, rec.Code, err)
		}
	}
	// No token: 401 in the documented error format.
	req := httptest.NewRequest("GET", "/api/v1/municipalities", nil)
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `"code":"unauthorized"`) || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("no token: %d %s", rec.Code, rec.Body.String())
	}
	// English messages on request.
	req = httptest.NewRequest("POST", "/api/v1/municipalities", strings.NewReader(`{"name":"","kind":"town"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept-Language", "en")
	rec = httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Please fill in this field.") {
		t.Errorf("English validation error: %d %s", rec.Code, rec.Body.String())
	}
}

package partner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/store"
	"kpss/internal/storetest"
	"kpss/internal/web"
)

// apiSpecDoc merges the fragment into a minimal base document, as the server
// does, and checks it is a valid OpenAPI 3.1 document.
func apiSpecDoc(t testing.TB) *openapi3.T {
	t.Helper()
	var frag map[string]json.RawMessage
	if err := json.Unmarshal(OpenAPI(), &frag); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range frag {
			if !yield(k) {
				return
			}
		}
	})
	if !slices.Equal(keys, []string{"components", "paths"}) {
		t.Fatalf("openapi.json: top-level keys %v, want only components and paths", keys)
	}
	var comps map[string]json.RawMessage
	if err := json.Unmarshal(frag["components"], &comps); err != nil || len(comps) != 1 || comps["schemas"] == nil {
		t.Fatalf("openapi.json: components must hold only schemas (err %v)", err)
	}
	base, _ := json.Marshal(map[string]any{
		"openapi":    "3.1.0",
		"info":       map[string]any{"title": "kpss partner API test", "version": "1"},
		"paths":      frag["paths"],
		"components": frag["components"],
	})
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(base)
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("spec is not valid: %v", err)
	}
	return doc
}

// apiRouteTable lists the module's API routes as the server registers them.
func apiRouteTable(h *Handler) map[string]web.HandlerFunc {
	return map[string]web.HandlerFunc{
		"GET /api/v1/region":              h.APIGetRegion,
		"PUT /api/v1/region":              h.APIUpdateRegion,
		"GET /api/v1/municipalities":      h.APIListMunicipalities,
		"POST /api/v1/municipalities":     h.APICreateMunicipality,
		"GET /api/v1/municipalities/{id}": h.APIGetMunicipality,
		"PUT /api/v1/municipalities/{id}": h.APIUpdateMunicipality,
		"GET /api/v1/organizations":       h.APIListOrganisations,
		"POST /api/v1/organizations":      h.APICreateOrganisation,
		"GET /api/v1/organizations/{id}":  h.APIGetOrganisation,
		"PUT /api/v1/organizations/{id}":  h.APIUpdateOrganisation,
		"GET /api/v1/people":              h.APIListPeople,
		"POST /api/v1/people":             h.APICreatePerson,
		"GET /api/v1/people/{id}":         h.APIGetPerson,
		"PUT /api/v1/people/{id}":         h.APIUpdatePerson,
		"GET /api/v1/departments":         h.APIListDepartments,
		"POST /api/v1/departments":        h.APICreateDepartment,
		"GET /api/v1/departments/{id}":    h.APIGetDepartment,
		"PUT /api/v1/departments/{id}":    h.APIUpdateDepartment,
		"GET /api/v1/target-groups":       h.APIListTargetGroups,
		"POST /api/v1/target-groups":      h.APICreateTargetGroup,
		"GET /api/v1/target-groups/{id}":  h.APIGetTargetGroup,
		"PUT /api/v1/target-groups/{id}":  h.APIUpdateTargetGroup,
	}
}

func TestOpenAPIFragmentCoversAPIRoutes(t *testing.T) {
	doc := apiSpecDoc(t)
	var inSpec []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			inSpec = append(inSpec, method+" "+path)
		}
	}
	var inCode []string
	for pattern := range apiRouteTable(&Handler{}) {
		inCode = append(inCode, pattern)
	}
	sort.Strings(inSpec)
	sort.Strings(inCode)
	if !slices.Equal(inSpec, inCode) {
		t.Errorf("spec operations\n  %v\ndiffer from the routes\n  %v", inSpec, inCode)
	}
	ids := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" || op.Summary == "" || len(op.Tags) == 0 {
				t.Errorf("%s %s: needs operationId, summary and tags", method, path)
			}
			if ids[op.OperationID] {
				t.Errorf("%s %s: operationId %q used twice", method, path, op.OperationID)
			}
			ids[op.OperationID] = true
		}
	}
}

type apiEnv struct {
	t     *testing.T
	svc   *Service
	mux   *http.ServeMux
	spec  *openapi3.T
	staff *auth.User
}

func newAPIEnv(t *testing.T, db *store.DB) *apiEnv {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := NewService(db, audit.New(), time.Now)
	rd, err := web.NewRenderer(log)
	if err != nil {
		t.Fatal(err)
	}
	api := &web.API{Catalog: rd.Catalog, Log: log}
	h, err := NewHandler(svc, rd, api)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for pattern, fn := range apiRouteTable(h) {
		mux.Handle(pattern, api.Handle(fn))
	}
	return &apiEnv{t: t, svc: svc, mux: mux, spec: apiSpecDoc(t),
		staff: &auth.User{ID: 1, Login: "koordinator", Role: auth.RoleCoordinator, Active: true}}
}

// do calls the API as u and checks the answer against the spec: its status
// must be documented and its headers and body must match; for a successful
// call the request must match the spec too. body is a string of raw JSON or a
// value to encode.
func (e *apiEnv) do(u *auth.User, method, target string, body any) (*httptest.ResponseRecorder, map[string]any) {
	e.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			e.t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, target, bytes.NewReader(raw))
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req = req.WithContext(auth.WithUser(req.Context(), u))
	rec := httptest.NewRecorder()
	e.mux.ServeHTTP(rec, req)

	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		e.t.Fatalf("%s %s: answer is not a JSON object: %v\n%s", method, target, err, rec.Body)
	}
	e.checkSpec(req, raw, rec)
	return rec, out
}

func (e *apiEnv) checkSpec(req *http.Request, raw []byte, rec *httptest.ResponseRecorder) {
	e.t.Helper()
	method, path, ok := strings.Cut(req.Pattern, " ")
	if !ok {
		e.t.Fatalf("%s %s: matched no route (pattern %q)", req.Method, req.URL, req.Pattern)
	}
	item := e.spec.Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		e.t.Fatalf("%s: not in the spec", req.Pattern)
	}
	route := &routers.Route{Spec: e.spec, Path: path, PathItem: item, Method: method, Operation: item.GetOperation(method)}
	params := map[string]string{}
	if id := req.PathValue("id"); id != "" {
		params["id"] = id
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: req.Clone(ctx), PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true}}
	if rec.Code < 300 {
		in.Request.Body = io.NopCloser(bytes.NewReader(raw))
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			e.t.Errorf("%s %s: the request was accepted but does not match the spec: %v\n%s", req.Method, req.URL, err, raw)
		}
	}
	res := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Body:    io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(ctx, res); err != nil {
		e.t.Errorf("%s %s → %d: the answer does not match the spec: %v\n%s", req.Method, req.URL, rec.Code, err, rec.Body)
	}
}

// must calls the API and fails unless the status is want.
func (e *apiEnv) must(want int, u *auth.User, method, target string, body any) (*httptest.ResponseRecorder, map[string]any) {
	e.t.Helper()
	rec, out := e.do(u, method, target, body)
	if rec.Code != want {
		e.t.Fatalf("%s %s: status %d, want %d\n%s", method, target, rec.Code, want, rec.Body)
	}
	return rec, out
}

// fieldError checks an invalid-input answer names field with a message containing msg.
func (e *apiEnv) fieldError(out map[string]any, field, msg string) {
	e.t.Helper()
	er, _ := out["error"].(map[string]any)
	if er["code"] != "invalid" {
		e.t.Errorf("error.code = %v, want invalid (%v)", er["code"], out)
	}
	fields, _ := er["fields"].(map[string]any)
	got, _ := fields[field].(string)
	if got == "" || !strings.Contains(got, msg) {
		e.t.Errorf("error.fields.%s = %q, want a message containing %q (%v)", field, got, msg, out)
	}
}

func apiID(t *testing.T, v map[string]any) int64 {
	t.Helper()
	id, ok := v["id"].(float64)
	if !ok || id <= 0 {
		t.Fatalf("no id in %v", v)
	}
	return int64(id)
}

func apiIDs(v any) []int64 {
	var out []int64
	for _, x := range v.([]any) {
		out = append(out, int64(x.(float64)))
	}
	slices.Sort(out)
	return out
}

func apiNames(list map[string]any) []string {
	var out []string
	for _, x := range list["data"].([]any) {
		out = append(out, x.(map[string]any)["name"].(string))
	}
	return out
}

func TestAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newAPIEnv(t, db)
		staff := e.staff

		// ---- region: 404 before the set-up, then saved and read back.
		_, out := e.must(404, staff, "GET", "/api/v1/region", nil)
		if out["error"].(map[string]any)["code"] != "not_found" {
			t.Errorf("region before set-up: %v", out)
		}
		_, out = e.must(200, staff, "PUT", "/api/v1/region", map[string]any{"name": "ORP Otrokovice", "web": "www.otrokovice.cz", "email": "kpss@otrokovice.cz", "description": ""})
		if out["web"] != "https://www.otrokovice.cz" || out["kind"] != "orp" {
			t.Errorf("saved region: %v", out)
		}
		_, out = e.must(200, staff, "GET", "/api/v1/region", nil)
		if out["name"] != "ORP Otrokovice" {
			t.Errorf("region: %v", out)
		}
		_, out = e.must(400, staff, "PUT", "/api/v1/region", map[string]any{"name": ""})
		e.fieldError(out, "name", "Vyplňte")

		// ---- municipalities
		rec, m1 := e.must(201, staff, "POST", "/api/v1/municipalities", map[string]any{"name": "Otrokovice", "kind": "town", "zuj": "585807", "population": 17800, "partner": true, "note": ""})
		m1ID := apiID(t, m1)
		if loc := rec.Header().Get("Location"); loc != fmt.Sprintf("/api/v1/municipalities/%d", m1ID) {
			t.Errorf("Location = %q", loc)
		}
		if m1["population"] != float64(17800) || m1["partner"] != true || m1["archived"] != false {
			t.Errorf("created municipality: %v", m1)
		}
		_, m2 := e.must(201, staff, "POST", "/api/v1/municipalities", map[string]any{"name": "Tlumačov", "kind": "town", "zuj": "585858"})
		m2ID := apiID(t, m2)
		_, m3 := e.must(201, staff, "POST", "/api/v1/municipalities", map[string]any{"name": "Bělov", "kind": "municipality"})
		m3ID := apiID(t, m3)
		if m3["population"] != nil {
			t.Errorf("population without a value: %v", m3["population"])
		}
		_, out = e.must(400, staff, "POST", "/api/v1/municipalities", map[string]any{"name": "Kvasice", "kind": "municipality", "zuj": "585807"})
		e.fieldError(out, "zuj", "už v registru")
		_, out = e.must(400, staff, "POST", "/api/v1/municipalities", map[string]any{"name": "Kvasice", "kind": "village"})
		e.fieldError(out, "kind", "Vyberte")

		_, out = e.must(200, staff, "GET", "/api/v1/municipalities", nil)
		if got := apiNames(out); !slices.Equal(got, []string{"Bělov", "Otrokovice", "Tlumačov"}) {
			t.Errorf("municipalities in Czech order: %v", got)
		}
		_, out = e.must(200, staff, "GET", "/api/v1/municipalities?q=tlumacov", nil)
		if got := apiNames(out); !slices.Equal(got, []string{"Tlumačov"}) {
			t.Errorf("q=tlumacov: %v", got)
		}
		_, out = e.must(200, staff, "GET", "/api/v1/municipalities?kind=municipality", nil)
		if got := apiNames(out); !slices.Equal(got, []string{"Bělov"}) {
			t.Errorf("kind=municipality: %v", got)
		}
		_, out = e.must(200, staff, "GET", "/api/v1/municipalities?partner=true", nil)
		if got := apiNames(out); !slices.Equal(got, []string{"Otrokovice"}) {
			t.Errorf("partner=true: %v", got)
		}
		_, out = e.must(200, staff, "PUT", fmt.Sprintf("/api/v1/municipalities/%d", m3ID), map[string]any{"name": "Bělov", "kind": "municipality", "population": 350, "note": "Malá obec"})
		if out["population"] != float64(350) || out["note"] != "Malá obec" || out["created_at"] != m3["created_at"] {
			t.Errorf("updated municipality: %v", out)
		}
		_, out = e.must(200, staff, "GET", fmt.Sprintf("/api/v1/municipalities/%d", m3ID), nil)
		if out["population"] != float64(350) {
			t.Errorf("municipality read back: %v", out)
		}
		// archived is not settable through the API.
		_, out = e.must(400, staff, "PUT", fmt.Sprintf("/api/v1/municipalities/%d", m3ID), map[string]any{"name": "Bělov", "kind": "municipality", "archived": true})
		if out["error"].(map[string]any)["code"] != "invalid" {
			t.Errorf("archived in PUT: %v", out)
		}
		e.must(404, staff, "GET", "/api/v1/municipalities/999999", nil)
		e.must(404, staff, "GET", "/api/v1/municipalities/abc", nil)
		e.must(404, staff, "PUT", "/api/v1/municipalities/999999", map[string]any{"name": "Nikde", "kind": "town"})

		// ---- target groups
		_, tg := e.must(201, staff, "POST", "/api/v1/target-groups", map[string]any{"code": "sen", "name": "Senioři", "sort_order": 1})
		tgID := apiID(t, tg)
		if tg["code"] != "SEN" {
			t.Errorf("code not upper-cased: %v", tg)
		}
		_, out = e.must(400, staff, "POST", "/api/v1/target-groups", map[string]any{"code": "SEN", "name": "Senioři 2"})
		e.fieldError(out, "code", "zkratku")
		e.must(200, staff, "PUT", fmt.Sprintf("/api/v1/target-groups/%d", tgID), map[string]any{"code": "SEN", "name": "Senioři", "description": "Lidé nad 65 let", "sort_order": 2})
		_, out = e.must(200, staff, "GET", fmt.Sprintf("/api/v1/target-groups/%d", tgID), nil)
		if out["sort_order"] != float64(2) || out["description"] != "Lidé nad 65 let" {
			t.Errorf("target group: %v", out)
		}
		_, out = e.must(200, staff, "GET", "/api/v1/target-groups?q=senior", nil)
		if out["total"] != float64(1) {
			t.Errorf("target groups q=senior: %v", out)
		}

		// ---- organisations
		_, out = e.must(400, staff, "POST", "/api/v1/organizations", map[string]any{"name": "Špatné IČO", "ico": "12345678", "kind": "provider"})
		e.fieldError(out, "ico", "kontrolní číslic")

		charitaIn := map[string]any{"name": "Charita sv. Anežky Otrokovice", "ico": "25596641", "kind": "provider", "web": "charitaotrokovice.cz",
			"municipality_ids": []int64{m2ID, m1ID}, "target_group_ids": []int64{tgID}}
		rec, charita := e.must(201, staff, "POST", "/api/v1/organizations", charitaIn)
		charitaID := apiID(t, charita)
		if loc := rec.Header().Get("Location"); loc != fmt.Sprintf("/api/v1/organizations/%d", charitaID) {
			t.Errorf("Location = %q", loc)
		}
		if got := apiIDs(charita["municipality_ids"]); !slices.Equal(got, []int64{min(m1ID, m2ID), max(m1ID, m2ID)}) {
			t.Errorf("municipality_ids = %v, want %d and %d", got, m1ID, m2ID)
		}
		if charita["web"] != "https://charitaotrokovice.cz" || charita["partner"] != false {
			t.Errorf("created organisation: %v", charita)
		}
		_, out = e.must(200, staff, "GET", fmt.Sprintf("/api/v1/organizations/%d", charitaID), nil)
		if got := apiIDs(out["municipality_ids"]); !slices.Equal(got, apiIDs(charita["municipality_ids"])) || out["ico"] != "25596641" {
			t.Errorf("organisation read back: %v", out)
		}

		_, out = e.must(400, staff, "POST", "/api/v1/organizations", map[string]any{"name": "Druhá charita", "ico": "25596641", "kind": "provider"})
		e.fieldError(out, "ico", "už v registru")
		_, out = e.must(400, staff, "POST", "/api/v1/organizations", `{"name":"Neznámé pole","kind":"ngo","founded":1990}`)
		if out["error"].(map[string]any)["code"] != "invalid" {
			t.Errorf("unknown field: %v", out)
		}
		e.must(400, staff, "POST", "/api/v1/organizations", `{"name":"Dvakrát","kind":"ngo"} {}`)
		_, out = e.must(400, staff, "POST", "/api/v1/organizations", map[string]any{"name": "Obec nikde", "kind": "ngo", "municipality_ids": []int64{999999}})
		e.fieldError(out, "municipality_ids", "neexistuje")

		_, diakonie := e.must(201, staff, "POST", "/api/v1/organizations", map[string]any{"name": "Diakonie ČCE", "kind": "ngo"})
		_, azyl := e.must(201, staff, "POST", "/api/v1/organizations", map[string]any{"name": "Azylový dům Otrokovice", "kind": "provider", "municipality_ids": []int64{m1ID}})

		for _, q := range []string{"charita", "CHARITA", "anezky", "charita anež"} {
			_, out = e.must(200, staff, "GET", "/api/v1/organizations?q="+strings.ReplaceAll(q, " ", "+"), nil)
			if got := apiNames(out); !slices.Equal(got, []string{"Charita sv. Anežky Otrokovice"}) || out["total"] != float64(1) {
				t.Errorf("q=%s: %v", q, out)
			}
		}
		_, out = e.must(200, staff, "GET", fmt.Sprintf("/api/v1/organizations?municipality_id=%d", m2ID), nil)
		if got := apiNames(out); !slices.Equal(got, []string{"Charita sv. Anežky Otrokovice"}) {
			t.Errorf("municipality_id filter: %v", got)
		}
		_, out = e.must(200, staff, "GET", fmt.Sprintf("/api/v1/organizations?target_group_id=%d", tgID), nil)
		if out["total"] != float64(1) {
			t.Errorf("target_group_id filter: %v", out)
		}
		_, out = e.must(200, staff, "GET", "/api/v1/organizations?kind=ngo", nil)
		if got := apiNames(out); !slices.Equal(got, []string{"Diakonie ČCE"}) {
			t.Errorf("kind filter: %v", got)
		}

		// Pagination: 3 organisations, 2 per page.
		rec, out = e.must(200, staff, "GET", "/api/v1/organizations?per_page=2", nil)
		next, _ := out["next"].(string)
		if len(out["data"].([]any)) != 2 || out["total"] != float64(3) || out["page"] != float64(1) || out["per_page"] != float64(2) || next == "" {
			t.Fatalf("first page: %v", out)
		}
		if link := rec.Header().Get("Link"); link != "<"+next+`>; rel="next"` || !strings.Contains(next, "page=2") {
			t.Errorf("Link = %q, next = %q", link, next)
		}
		first := apiNames(out)
		rec, out = e.must(200, staff, "GET", next, nil)
		if len(out["data"].([]any)) != 1 || out["next"] != nil || rec.Header().Get("Link") != "" {
			t.Errorf("last page: %v (Link %q)", out, rec.Header().Get("Link"))
		}
		if all := append(first, apiNames(out)...); !slices.Equal(all, []string{"Azylový dům Otrokovice", "Diakonie ČCE", "Charita sv. Anežky Otrokovice"}) {
			t.Errorf("pages in Czech order (ch after h): %v", all)
		}

		_, out = e.must(404, staff, "GET", "/api/v1/organizations/999999", nil)
		if out["error"].(map[string]any)["code"] != "not_found" {
			t.Errorf("unknown id: %v", out)
		}

		// A provider representative updates their own organisation but not its partner flag.
		provider := &auth.User{ID: 2, Login: "charita", Role: auth.RoleProvider, OrganisationID: &charitaID, Active: true}
		upd := map[string]any{"name": "Charita Otrokovice", "ico": "25596641", "kind": "provider", "partner": true,
			"municipality_ids": []int64{m1ID}, "target_group_ids": []int64{tgID}, "phone": "+420 577 000 111"}
		_, out = e.must(200, provider, "PUT", fmt.Sprintf("/api/v1/organizations/%d", charitaID), upd)
		if out["partner"] != false || out["name"] != "Charita Otrokovice" || out["phone"] != "+420 577 000 111" {
			t.Errorf("provider's update: %v", out)
		}
		if got := apiIDs(out["municipality_ids"]); !slices.Equal(got, []int64{m1ID}) {
			t.Errorf("municipality_ids after update = %v", got)
		}
		_, out = e.must(200, staff, "PUT", fmt.Sprintf("/api/v1/organizations/%d", charitaID), upd)
		if out["partner"] != true {
			t.Errorf("staff sets partner: %v", out)
		}
		upd["partner"] = false
		_, out = e.must(200, provider, "PUT", fmt.Sprintf("/api/v1/organizations/%d", charitaID), upd)
		if out["partner"] != true {
			t.Errorf("provider unset partner: %v", out)
		}
		_, out = e.must(403, provider, "PUT", fmt.Sprintf("/api/v1/organizations/%d", apiID(t, diakonie)), map[string]any{"name": "Cizí", "kind": "ngo"})
		if out["error"].(map[string]any)["code"] != "forbidden" {
			t.Errorf("provider on another organisation: %v", out)
		}

		// state filter
		if _, err := e.svc.SetOrganisationArchived(context.Background(), apiID(t, azyl), true); err != nil {
			t.Fatal(err)
		}
		for state, want := range map[string]float64{"": 2, "active": 2, "archived": 1, "all": 3} {
			target := "/api/v1/organizations"
			if state != "" {
				target += "?state=" + state
			}
			_, out = e.must(200, staff, "GET", target, nil)
			if out["total"] != want {
				t.Errorf("state=%q: total %v, want %v", state, out["total"], want)
			}
		}
		_, out = e.must(400, staff, "GET", "/api/v1/organizations?state=deleted", nil)
		e.fieldError(out, "state", "Vyberte")
		_, out = e.must(200, staff, "GET", fmt.Sprintf("/api/v1/organizations/%d", apiID(t, azyl)), nil)
		if out["archived"] != true {
			t.Errorf("archived organisation: %v", out)
		}

		// ---- people
		_, out = e.must(400, staff, "POST", "/api/v1/people", map[string]any{"name": "Jana Nováková", "email": "jana@example.cz"})
		e.fieldError(out, "consent", "souhlasem")
		_, out = e.must(400, staff, "POST", "/api/v1/people", map[string]any{"name": "Jana Nováková", "organisation_id": 999999})
		e.fieldError(out, "organisation_id", "neexistuje")
		rec, jana := e.must(201, staff, "POST", "/api/v1/people", map[string]any{"name": "Jana Nováková", "email": "jana@example.cz",
			"position": "sociální pracovnice", "organisation_id": charitaID, "consent": true, "consent_note": "ústně 1. 3."})
		janaID := apiID(t, jana)
		if rec.Header().Get("Location") != fmt.Sprintf("/api/v1/people/%d", janaID) || jana["consent_at"] == nil {
			t.Errorf("created person: %v", jana)
		}
		_, petr := e.must(201, staff, "POST", "/api/v1/people", map[string]any{"name": "Petr Adámek"})
		_, out = e.must(200, staff, "GET", fmt.Sprintf("/api/v1/people?organisation_id=%d", charitaID), nil)
		if got := apiNames(out); !slices.Equal(got, []string{"Jana Nováková"}) {
			t.Errorf("people of the organisation: %v", got)
		}
		_, out = e.must(200, staff, "GET", "/api/v1/people", nil)
		if got := apiNames(out); !slices.Equal(got, []string{"Petr Adámek", "Jana Nováková"}) {
			t.Errorf("people by surname: %v", got)
		}
		_, out = e.must(200, staff, "PUT", fmt.Sprintf("/api/v1/people/%d", janaID), map[string]any{"name": "Jana Nováková", "email": "jana@example.cz",
			"position": "vedoucí", "organisation_id": charitaID, "consent": true})
		if out["consent_at"] != jana["consent_at"] || out["position"] != "vedoucí" || out["consent_note"] != "" {
			t.Errorf("updated person: %v (consent_at was %v)", out, jana["consent_at"])
		}
		e.must(200, staff, "GET", fmt.Sprintf("/api/v1/people/%d", apiID(t, petr)), nil)
		e.must(404, staff, "GET", "/api/v1/people/999999", nil)

		// ---- departments
		rec, osv := e.must(201, staff, "POST", "/api/v1/departments", map[string]any{"name": "Odbor sociálních věcí", "email": "osv@otrokovice.cz", "head_person_id": janaID})
		osvID := apiID(t, osv)
		if rec.Header().Get("Location") != fmt.Sprintf("/api/v1/departments/%d", osvID) || osv["head_person_id"] != float64(janaID) {
			t.Errorf("created department: %v", osv)
		}
		_, out = e.must(400, staff, "POST", "/api/v1/departments", map[string]any{"name": "Odbor sociálních věcí"})
		e.fieldError(out, "name", "už existuje")
		_, out = e.must(400, staff, "POST", "/api/v1/departments", map[string]any{"name": "Odbor školství", "head_person_id": 999999})
		e.fieldError(out, "head_person_id", "neexistuje")
		_, out = e.must(200, staff, "PUT", fmt.Sprintf("/api/v1/departments/%d", osvID), map[string]any{"name": "Odbor sociálních věcí", "email": "socialni@otrokovice.cz"})
		if out["head_person_id"] != nil || out["email"] != "socialni@otrokovice.cz" {
			t.Errorf("updated department: %v", out)
		}
		_, out = e.must(200, staff, "GET", "/api/v1/departments?q=socialnich", nil)
		if out["total"] != float64(1) {
			t.Errorf("departments q=socialnich: %v", out)
		}
		e.must(200, staff, "GET", fmt.Sprintf("/api/v1/departments/%d", osvID), nil)

		// Anything but JSON is refused.
		req := httptest.NewRequest("POST", "/api/v1/departments", strings.NewReader("name=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rr := httptest.NewRecorder()
		e.mux.ServeHTTP(rr, req.WithContext(auth.WithUser(req.Context(), staff)))
		if rr.Code != 400 {
			t.Errorf("form body: status %d", rr.Code)
		}
	})
}

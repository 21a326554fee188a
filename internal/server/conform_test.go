package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/xuri/excelize/v2"

	"kpss/internal/audit"
	"kpss/internal/group"
	"kpss/internal/pdf"
)

// A coordinator uploads the registry's real export with its code lists; without
// them the page says which list is missing and keeps the form.
func TestConformRegistryUpload(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	coord := e.session("koordinator")
	upload := func(lists bool, fields map[string]string) *httptest.ResponseRecorder {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "rpss.json")
		b, err := os.ReadFile("../catalog/testdata/rpss-real-shape.json")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(b)
		if lists {
			files, _ := filepath.Glob("../catalog/testdata/ciselniky/*.json")
			for _, f := range files {
				fw, _ := mw.CreateFormFile("ciselniky", filepath.Base(f))
				b, _ := os.ReadFile(f)
				fw.Write(b)
			}
		}
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		mw.Close()
		req := httptest.NewRequest("POST", "/katalog/sprava/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(coord)
		rr := httptest.NewRecorder()
		e.srv.ServeHTTP(rr, req)
		return rr
	}
	rr := upload(false, map[string]string{"kraj": "Zlínský kraj"})
	if body := rr.Body.String(); rr.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "druhy sociálních služeb") ||
		!strings.Contains(body, `id="f-ciselniky-error"`) || !strings.Contains(body, `value="Zlínský kraj"`) {
		t.Fatalf("without code lists: %d", rr.Code)
	}
	rr = upload(true, map[string]string{"kraj": "Zlínský kraj"})
	if body := rr.Body.String(); rr.Code != http.StatusOK || !strings.Contains(body, "Domov pro seniory Napajedla") {
		t.Fatalf("with code lists: %d %s", rr.Code, body)
	}
}

// specsDir is the standards' official schemas (../shared/specs beside the
// repository, as CI lays it out; /work/shared/specs on a developer's machine).
func specsDir(t testing.TB) string {
	t.Helper()
	wd, _ := os.Getwd()
	for _, d := range []string{filepath.Join(wd, "..", "..", "..", "shared", "specs"), "/work/shared/specs"} {
		if _, err := os.Stat(filepath.Join(d, "README.md")); err == nil {
			return d
		}
	}
	if os.Getenv("CI") != "" || os.Getenv("KPSS_REQUIRE_BROWSER") == "1" {
		t.Fatal("the official schemas (../shared/specs) are missing")
	}
	t.Skip("the official schemas (../shared/specs) are missing")
	return ""
}

// strict forbids properties a schema does not name (the standards allow
// them; issue 15 asks for none), everywhere in the schema.
func strict(v any) {
	switch x := v.(type) {
	case map[string]any:
		if props, ok := x["properties"].(map[string]any); ok {
			if _, set := x["additionalProperties"]; !set {
				x["additionalProperties"] = false
			}
			for _, p := range props {
				strict(p)
			}
		}
		for k, c := range x {
			if k != "properties" {
				strict(c)
			}
		}
	case []any:
		for _, c := range x {
			strict(c)
		}
	}
}

// loadSchemas adds every *.json under dir (and dir/compiled) to c under base.
func loadSchemas(t testing.TB, c *jsonschema.Compiler, dir, base string, tweak func(name string, doc any)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, _ := filepath.Rel(dir, path)
		if tweak != nil {
			tweak(rel, doc)
		}
		strict(doc)
		return c.AddResource(base+filepath.ToSlash(rel), doc)
	})
	if err != nil {
		t.Fatal(err)
	}
}

const hsdsBase = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

// hsdsSchemas compiles the validators of every kind of HSDS answer from the
// official schemas, with extra properties forbidden.
func hsdsSchemas(t testing.TB) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	loadSchemas(t, c, filepath.Join(specsDir(t), "hsds-3.0", "schema"), hsdsBase, nil)
	// The root and the paginated envelope, as the official openapi.json gives them.
	b, err := os.ReadFile(filepath.Join(specsDir(t), "hsds-3.0", "schema", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas map[string]map[string]any
		}
	}
	if err := json.Unmarshal(b, &api); err != nil {
		t.Fatal(err)
	}
	var rootOp struct {
		Responses map[string]struct {
			Content map[string]struct{ Schema map[string]any }
		}
	}
	json.Unmarshal(api.Paths["/"]["get"], &rootOp)
	root := rootOp.Responses["200"].Content["application/json"].Schema
	strict(root)
	c.AddResource("kpss:root", root)
	out := map[string]*jsonschema.Schema{}
	mustCompile := func(name, url string) {
		s, err := c.Compile(url)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		out[name] = s
	}
	mustCompile("root", "kpss:root")
	pageProps := api.Components.Schemas["Page"]["properties"].(map[string]any)
	for name, item := range map[string]string{
		"services": "compiled/service_list.json", "services-full": "compiled/service.json",
		"organizations": "compiled/organization_list.json", "organizations-full": "compiled/organization.json",
		"service_at_locations": "compiled/service_at_location_list.json", "service_at_locations-full": "compiled/service_at_location.json",
		"taxonomies": "taxonomy.json", "taxonomy_terms": "taxonomy_term.json",
	} {
		props := map[string]any{"contents": map[string]any{"type": "array", "items": map[string]any{"$ref": hsdsBase + item}}}
		for k, v := range pageProps {
			props[k] = v
		}
		page := map[string]any{"type": "object", "properties": props, "additionalProperties": false,
			"required": []any{"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}}
		c.AddResource("kpss:page:"+name, page)
		mustCompile("page:"+name, "kpss:page:"+name)
	}
	for name, file := range map[string]string{"service": "compiled/service.json", "organization": "compiled/organization.json",
		"service_at_location": "compiled/service_at_location.json", "taxonomy": "taxonomy.json", "taxonomy_term": "taxonomy_term.json"} {
		mustCompile(name, hsdsBase+file)
	}
	return out
}

// collectIDs records, for every object with an id, the kind of object it is
// (the key it sits under); an id used by two kinds is an error.
func collectIDs(v any, kind string, seen map[string]string, dup func(id, a, b string)) {
	switch x := v.(type) {
	case map[string]any:
		if id, ok := x["id"].(string); ok && kind != "" {
			k := strings.TrimSuffix(kind, "s")
			switch k {
			case "taxonomie", "taxonomy_detail":
				k = "taxonomy"
			case "addresse":
				k = "address"
			}
			if prev, ok := seen[id]; ok && prev != k {
				dup(id, prev, k)
			}
			seen[id] = k
		}
		for key, c := range x {
			collectIDs(c, key, seen, dup)
		}
	case []any:
		for _, c := range x {
			collectIDs(c, kind, seen, dup)
		}
	}
}

// Every kind of answer of /hsds/ validates against the official HSDS 3.0
// schemas with extra properties forbidden; no null anywhere; ids unique
// across kinds of object; state_province filled; bad parameters and unknown
// paths are JSON errors; /hsds/ points at kpss's own API description.
func TestConformHSDSValidates(t *testing.T) {
	schemas := hsdsSchemas(t)
	e := newTestEnv(t, "sqlite")
	seen := map[string]string{}
	get := func(path, schema string) map[string]any {
		t.Helper()
		rec := e.do("GET", path, nil, nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
		}
		if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: no CORS header", path)
		}
		if strings.Contains(rec.Body.String(), ":null") {
			t.Errorf("GET %s: a null value", path)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(rec.Body.String()))
		if err != nil {
			t.Fatal(err)
		}
		if err := schemas[schema].Validate(inst); err != nil {
			t.Errorf("GET %s does not validate against %s: %v", path, schema, err)
		}
		var m map[string]any
		json.Unmarshal(rec.Body.Bytes(), &m)
		kind := strings.SplitN(strings.TrimPrefix(path, "/hsds/"), "?", 2)[0]
		if i := strings.IndexByte(kind, '/'); i >= 0 {
			kind = kind[:i]
		}
		collectIDs(m, kind, seen, func(id, a, b string) {
			if !(a == "content" || b == "content") { // page items are checked under their own kind
				t.Errorf("GET %s: id %s is both a %s and a %s", path, id, a, b)
			}
		})
		return m
	}
	items := func(m map[string]any) []map[string]any {
		var out []map[string]any
		for _, c := range m["contents"].([]any) {
			out = append(out, c.(map[string]any))
		}
		return out
	}

	root := get("/hsds/", "root")
	if u, _ := root["openapi_url"].(string); !strings.HasSuffix(u, "/hsds/openapi.json") || strings.Contains(u, "githubusercontent") {
		t.Errorf("openapi_url: %v", root["openapi_url"])
	}
	rec := e.do("GET", "/hsds/openapi.json", nil, nil)
	var api map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &api) != nil || api["openapi"] != "3.1.0" {
		t.Errorf("our API description: %d", rec.Code)
	}

	services := get("/hsds/services?per_page=50", "page:services")
	all := items(services)
	if len(all) < 13 {
		t.Fatalf("services: %d", len(all))
	}
	get("/hsds/services?per_page=3&page=2", "page:services")
	get("/hsds/services?full=true&per_page=5", "page:services-full")
	get("/hsds/services?search=pecovatelska", "page:services")
	get("/hsds/services?lat=49.22&long=17.52&proximity=20000", "page:services")
	minimal := get("/hsds/services?minimal=true", "page:services")
	if m := items(minimal); len(m) != len(all) || len(m[0]) != 4 || m[0]["last_modified"] == nil {
		t.Errorf("minimal: %d services, first %v", len(m), m[0])
	}
	withGroups := items(get("/hsds/services?per_page=50&taxonomy_id=6b700005-0000-4000-8000-000000000002", "page:services"))
	withTypes := items(get("/hsds/services?per_page=50&taxonomy_id=6b700005-0000-4000-8000-000000000001", "page:services"))
	if len(withTypes) != len(all) || len(withGroups) == 0 || len(withGroups) > len(all) {
		t.Errorf("taxonomy_id: %d with a type, %d with a group, of %d", len(withTypes), len(withGroups), len(all))
	}
	for _, s := range all {
		svc := get("/hsds/services/"+s["id"].(string), "service")
		for _, sal := range svc["service_at_locations"].([]any) {
			loc := sal.(map[string]any)["location"].(map[string]any)
			for _, a := range loc["addresses"].([]any) {
				if sp := a.(map[string]any)["state_province"]; sp != "Zlínský kraj" {
					t.Errorf("%s: state_province %v", s["name"], sp)
				}
			}
		}
	}
	orgs := items(get("/hsds/organizations", "page:organizations"))
	get("/hsds/organizations?full=true", "page:organizations-full")
	get("/hsds/organizations?full_service=true&per_page=2", "page:organizations-full")
	for _, o := range orgs {
		get("/hsds/organizations/"+o["id"].(string), "organization")
	}
	get("/hsds/organizations/"+orgs[0]["id"].(string)+"?full_service=true", "organization")
	sals := items(get("/hsds/service_at_locations?per_page=50", "page:service_at_locations"))
	get("/hsds/service_at_locations?full=true", "page:service_at_locations-full")
	get("/hsds/service_at_locations?postcode=76361", "page:service_at_locations")
	for _, s := range sals {
		if one := get("/hsds/service_at_locations/"+s["id"].(string), "service_at_location"); one["service"] == nil || one["location"] == nil {
			t.Errorf("service at location %s lacks its service or place", s["id"])
		}
	}
	for _, x := range items(get("/hsds/taxonomies", "page:taxonomies")) {
		get("/hsds/taxonomies/"+x["id"].(string), "taxonomy")
	}
	terms := items(get("/hsds/taxonomy_terms?per_page=200", "page:taxonomy_terms"))
	for _, x := range terms {
		if one := get("/hsds/taxonomy_terms/"+x["id"].(string), "taxonomy_term"); one["taxonomy_detail"] == nil {
			t.Errorf("term %s without its taxonomy", x["id"])
		}
	}
	if top := items(get("/hsds/taxonomy_terms?per_page=200&top_only=true", "page:taxonomy_terms")); len(top) != len(terms) {
		t.Errorf("top_only: %d of %d", len(top), len(terms))
	}

	// Refused with a JSON error, never an HTML page.
	for path, status := range map[string]int{
		"/hsds/services?page=0": 400, "/hsds/services?per_page=0": 400, "/hsds/services?minimal=perhaps": 400,
		"/hsds/services?taxonomy_id=nonsense": 400, "/hsds/services?format=ndjson": 400, "/hsds/taxonomy_terms?page=-1": 400,
		"/hsds/service_at_locations?full=maybe": 400, "/hsds/organizations?page=x": 400,
		"/hsds/nonsense": 404, "/hsds/services/nonsense": 404, "/hsds/taxonomies/nonsense": 404, "/hsds/taxonomy_terms/nonsense": 404,
		"/hsds/service_at_locations/6b700004-0000-4000-8000-0000000fffff": 404,
	} {
		rec := e.do("GET", path, nil, nil)
		var body struct {
			Error struct{ Code, Message string }
		}
		if rec.Code != status || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Error.Message == "" {
			t.Errorf("GET %s: %d %s %s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
}

// oparlSchemas compiles the official OParl 1.1 schemas (draft 4 style) with
// extra properties forbidden; their own "schema": "X.json" links to the
// schema of an inline object become references, so inline objects are
// validated too; the "url" format is an absolute http(s) URL.
func oparlSchemas(t testing.TB) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.RegisterFormat(&jsonschema.Format{Name: "url", Validate: func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%q is not an absolute URL", s)
		}
		return nil
	}})
	c.AssertFormat()
	var link func(v any)
	link = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["schema"].(string); ok && x["type"] == "object" {
				delete(x, "schema")
				x["$ref"] = ref
			}
			for _, c := range x {
				link(c)
			}
		case []any:
			for _, c := range x {
				link(c)
			}
		}
	}
	const base = "https://schema.oparl.org/1.1/"
	loadSchemas(t, c, filepath.Join(specsDir(t), "oparl-1.1", "schema"), base, func(_ string, doc any) { link(doc) })
	out := map[string]*jsonschema.Schema{}
	for _, k := range []string{"System", "Body", "Organization", "Person", "Membership", "Meeting", "AgendaItem", "Location", "File", "Paper"} {
		s, err := c.Compile(base + k + ".json")
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k] = s
		str := map[string]any{"type": "string", "format": "url"}
		list := map[string]any{"type": "object", "additionalProperties": false, "required": []any{"data", "pagination", "links"},
			"properties": map[string]any{"data": map[string]any{"type": "array", "items": map[string]any{"$ref": base + k + ".json"}},
				"pagination": map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
					"totalElements": map[string]any{"type": "integer"}, "elementsPerPage": map[string]any{"type": "integer"},
					"currentPage": map[string]any{"type": "integer"}, "totalPages": map[string]any{"type": "integer"}}},
				"links": map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
					"first": str, "last": str, "prev": str, "next": str, "self": str}}}}
		c.AddResource("kpss:oparl-list:"+k, list)
		if out["list:"+k], err = c.Compile("kpss:oparl-list:" + k); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// OParl 1.1: every answer validates against the official schemas with extra
// properties forbidden; every object, inline ones too, has created and
// modified; no null; System.product a URL; the created/modified filters
// work and report what left the public view as deleted; File.id is the
// File's own JSON, its accessUrl the PDF.
func TestConformOParlValidates(t *testing.T) {
	schemas := oparlSchemas(t)
	e := newTestEnv(t, "sqlite")
	rel := func(u any) string {
		_, after, _ := strings.Cut(fmt.Sprint(u), "/oparl/v1")
		return "/oparl/v1" + after
	}
	var stamps func(path string, v any)
	stamps = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if typ, _ := x["type"].(string); strings.HasPrefix(typ, "https://schema.oparl.org/1.1/") {
				if x["created"] == nil || x["modified"] == nil {
					t.Errorf("GET %s: %s %v lacks created or modified", path, typ, x["id"])
				}
			}
			for _, c := range x {
				stamps(path, c)
			}
		case []any:
			for _, c := range x {
				stamps(path, c)
			}
		}
	}
	get := func(path, schema string) map[string]any {
		t.Helper()
		rec := e.do("GET", path, nil, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
		}
		if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: no CORS header", path)
		}
		if strings.Contains(rec.Body.String(), ":null") {
			t.Errorf("GET %s: a null value", path)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(rec.Body.String()))
		if err != nil {
			t.Fatal(err)
		}
		if err := schemas[schema].Validate(inst); err != nil {
			t.Errorf("GET %s does not validate against %s: %v", path, schema, err)
		}
		var m map[string]any
		json.Unmarshal(rec.Body.Bytes(), &m)
		stamps(path, m)
		return m
	}
	data := func(m map[string]any) []map[string]any {
		var out []map[string]any
		for _, d := range m["data"].([]any) {
			out = append(out, d.(map[string]any))
		}
		return out
	}
	sys := get("/oparl/v1", "System")
	if p, _ := sys["product"].(string); !strings.HasPrefix(p, "http") {
		t.Errorf("System.product: %v", sys["product"])
	}
	body := data(get(rel(sys["body"]), "list:Body"))[0]
	get(rel(body["id"]), "Body")
	orgs := data(get(rel(body["organization"]), "list:Organization"))
	for _, o := range orgs {
		get(rel(o["id"]), "Organization")
		get(rel(o["meeting"]), "list:Meeting")
	}
	people := data(get(rel(body["person"]), "list:Person"))
	for _, p := range people {
		get(rel(p["id"]), "Person")
		for _, m := range p["membership"].([]any) {
			get(rel(m.(map[string]any)["id"]), "Membership")
		}
	}
	get(rel(body["paper"]), "list:Paper")
	meetings := data(get(rel(body["meeting"]), "list:Meeting"))
	files := 0
	for _, m := range meetings {
		get(rel(m["id"]), "Meeting")
		for _, it := range m["agendaItem"].([]any) {
			get(rel(it.(map[string]any)["id"]), "AgendaItem")
		}
		if l, ok := m["location"].(map[string]any); ok {
			get(rel(l["id"]), "Location")
		}
		if f, ok := m["resultsProtocol"].(map[string]any); ok {
			files++
			one := get(rel(f["id"]), "File")
			if one["id"] != f["id"] || !strings.HasSuffix(fmt.Sprint(one["accessUrl"]), "/zapis.pdf") || strings.HasSuffix(fmt.Sprint(one["id"]), ".pdf") {
				t.Errorf("file: %v", one)
			}
			if rec := e.do("GET", strings.TrimPrefix(fmt.Sprint(one["accessUrl"]), strings.SplitN(fmt.Sprint(one["accessUrl"]), "/jednani/", 2)[0]), nil, nil); rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
				t.Errorf("the file's accessUrl: %d %s", rec.Code, rec.Header().Get("Content-Type"))
			}
		}
	}
	if files == 0 || len(meetings) == 0 || len(people) == 0 {
		t.Fatalf("demo: %d meetings, %d files, %d people", len(meetings), files, len(people))
	}

	// Filters.
	meetingsPath := rel(body["meeting"])
	future := url.QueryEscape(time.Now().Add(24 * time.Hour).Format(time.RFC3339))
	past := url.QueryEscape("2000-01-01T00:00:00Z")
	if n := len(data(get(meetingsPath+"?modified_since="+future, "list:Meeting"))); n != 0 {
		t.Errorf("modified_since tomorrow: %d meetings", n)
	}
	if n := len(data(get(meetingsPath+"?created_until="+past, "list:Meeting"))); n != 0 {
		t.Errorf("created_until 2000: %d meetings", n)
	}
	if n := len(data(get(meetingsPath+"?created_since="+past+"&modified_until="+future, "list:Meeting"))); n != len(meetings) {
		t.Errorf("created_since 2000: %d of %d meetings", n, len(meetings))
	}
	page := get(rel(body["organization"])+"?modified_since="+past, "list:Organization")
	if first := fmt.Sprint(page["links"].(map[string]any)["first"]); !strings.Contains(first, "modified_since=") {
		t.Errorf("links lose the filter: %s", first)
	}
	// An item taken off an open meeting's agenda stays known as deleted, and its meeting has changed.
	since := time.Now().Add(-time.Second)
	svc := e.srv.Env().Modules["group"].(*group.Module).Svc
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	var removed int64
	for _, m := range meetings {
		if m["meetingState"] == "held" || m["meetingState"] == "cancelled" {
			continue
		}
		var mid int64
		fmt.Sscan(path.Base(fmt.Sprint(m["id"])), &mid)
		it, err := svc.AddItem(ctx, group.AgendaItem{MeetingID: mid, Kind: group.ItemText, Title: "Bod navíc"})
		if err != nil {
			continue // a closed meeting
		}
		if err := svc.RemoveItem(ctx, it.ID); err != nil {
			continue // an item of a held meeting stays
		}
		removed = it.ID
		if got := get(rel(m["id"]), "Meeting"); got["modified"] == m["modified"] {
			t.Errorf("the meeting's modified did not move: %v", got["modified"])
		}
		break
	}
	if removed == 0 {
		t.Fatal("no open public meeting to change")
	}
	if one := get(fmt.Sprintf("/oparl/v1/agendaItem/%d", removed), "AgendaItem"); one["deleted"] != true {
		t.Errorf("removed agenda item: %v", one)
	}
	// A group turns its public switch off: since then it is reported as deleted, and so are its meetings.
	time.Sleep(1100 * time.Millisecond) // (the filters count whole seconds)
	since = time.Now()
	sen := e.groupIDs().sen
	if _, err := e.db.Exec(context.Background(), `UPDATE work_groups SET public_minutes = ?, updated_at = ? WHERE id = ?`, false, time.Now().Add(time.Second).UTC(), sen); err != nil {
		t.Fatal(err)
	}
	sinceQ := "?modified_since=" + url.QueryEscape(since.Format(time.RFC3339))
	gone := data(get(rel(body["organization"])+sinceQ, "list:Organization"))
	if len(gone) != 1 || gone[0]["deleted"] != true || !strings.HasSuffix(fmt.Sprint(gone[0]["id"]), fmt.Sprintf("/organization/%d", sen)) || gone[0]["name"] != nil {
		t.Errorf("deleted organization: %v", gone)
	}
	goneMeetings := data(get(meetingsPath+sinceQ, "list:Meeting"))
	if len(goneMeetings) == 0 {
		t.Error("the hidden group's meetings are not reported as deleted")
	}
	for _, m := range goneMeetings {
		if m["deleted"] != true {
			t.Errorf("meeting after the switch: %v", m)
		}
	}
	for path, status := range map[string]int{meetingsPath + "?modified_since=yesterday": 400, meetingsPath + "?page=0": 400, "/oparl/v1/file/999999": 404} {
		if rec := e.do("GET", path, nil, nil); rec.Code != status || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
}

// icsEvents reads the VEVENTs of a calendar as property name → value (the
// parameters dropped), after unfolding lines.
func icsEvents(t *testing.T, body []byte) []map[string]string {
	t.Helper()
	text := strings.ReplaceAll(string(body), "\r\n ", "")
	var out []map[string]string
	var cur map[string]string
	for _, line := range strings.Split(text, "\r\n") {
		switch {
		case line == "BEGIN:VEVENT":
			cur = map[string]string{}
		case line == "END:VEVENT":
			out = append(out, cur)
			cur = nil
		case cur != nil:
			name, value, _ := strings.Cut(line, ":")
			name, _, _ = strings.Cut(name, ";")
			cur[name] = value
		}
	}
	return out
}

// Calendar identity: UIDs on the configured site's domain (not the listen
// address), the same for a meeting in every feed and in its invitation,
// stable between requests; DTSTAMP on every event; SEQUENCE rising when a
// meeting is cancelled; ORGANIZER the real sender (KPSS_SMTP_FROM), so that
// replies reach the coordinator.
func TestConformCalendarIdentity(t *testing.T) {
	t.Setenv("KPSS_SITE_ID", "kpss.otrokovice.example")
	t.Setenv("KPSS_SMTP_FROM", "KPSS Otrokovice <kpss@otrokovice.example>")
	e := newTestEnv(t, "sqlite")
	ctx := context.Background()
	feeds := map[string][]map[string]string{}
	for _, path := range []string{"/kalendar.ics", "/jednani/kalendar.ics"} {
		rec := e.do("GET", path, nil, nil)
		again := e.do("GET", path, nil, nil)
		if rec.Code != http.StatusOK || rec.Body.String() != again.Body.String() {
			t.Fatalf("GET %s: %d; the same twice: %v", path, rec.Code, rec.Body.String() == again.Body.String())
		}
		evs := icsEvents(t, rec.Body.Bytes())
		if len(evs) == 0 {
			t.Fatalf("%s: no events", path)
		}
		seen := map[string]bool{}
		for _, ev := range evs {
			uid := ev["UID"]
			if seen[uid] {
				t.Errorf("%s: UID %s twice", path, uid)
			}
			seen[uid] = true
			if (strings.HasPrefix(uid, "meeting-") || strings.HasPrefix(uid, "event-")) && !strings.HasSuffix(uid, "@kpss.otrokovice.example") {
				t.Errorf("%s: UID %s is not on the site's domain", path, uid)
			}
			if ev["DTSTAMP"] == "" {
				t.Errorf("%s: %s has no DTSTAMP", path, uid)
			}
		}
		feeds[path] = evs
	}
	var meeting int64
	var seq int
	if err := e.db.QueryRow(ctx, `SELECT id, sequence FROM meetings WHERE group_id = ? AND state = 'planned' ORDER BY starts_at LIMIT 1`, e.groupIDs().sen).Scan(&meeting, &seq); err != nil {
		t.Fatal(err)
	}
	uid := fmt.Sprintf("meeting-%d@kpss.otrokovice.example", meeting)
	for path, evs := range feeds {
		found := false
		for _, ev := range evs {
			found = found || ev["UID"] == uid
		}
		if !found {
			t.Errorf("%s lacks %s", path, uid)
		}
	}
	// The invitation and, after the cancellation, the cancel notice.
	c := e.session("koordinator")
	attachment := func(kind string) map[string]string {
		t.Helper()
		var raw string
		if err := e.db.QueryRow(ctx, `SELECT message FROM outbox WHERE ref = ? AND kind = ? ORDER BY id DESC LIMIT 1`, fmt.Sprint("group:meeting:", meeting), kind).Scan(&raw); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		var msg struct {
			Attachments []struct {
				Name string
				Data []byte
			}
		}
		if err := json.Unmarshal([]byte(raw), &msg); err != nil || len(msg.Attachments) == 0 {
			t.Fatalf("%s: %v %.200s", kind, err, raw)
		}
		evs := icsEvents(t, msg.Attachments[0].Data)
		if len(evs) != 1 {
			t.Fatalf("%s: %d events", kind, len(evs))
		}
		return evs[0]
	}
	if rec := e.do("POST", fmt.Sprintf("/jednani/%d/pozvanky", meeting), url.Values{}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("invite: %d", rec.Code)
	}
	inv := attachment("invitation")
	if inv["UID"] != uid || inv["ORGANIZER"] != "mailto:kpss@otrokovice.example" || inv["DTSTAMP"] == "" || inv["SEQUENCE"] == "" {
		t.Errorf("invitation: %v", inv)
	}
	if rec := e.do("POST", fmt.Sprintf("/jednani/%d/stav", meeting), url.Values{"state": {"cancelled"}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d %s", rec.Code, rec.Body.String())
	}
	cancel := attachment("cancellation")
	var s1, s2 int
	fmt.Sscan(inv["SEQUENCE"], &s1)
	fmt.Sscan(cancel["SEQUENCE"], &s2)
	if cancel["UID"] != uid || cancel["STATUS"] != "CANCELLED" || s2 <= s1 || cancel["ORGANIZER"] != "mailto:kpss@otrokovice.example" {
		t.Errorf("cancellation: %v (invitation's SEQUENCE %d)", cancel, s1)
	}
	for _, ev := range icsEvents(t, e.do("GET", "/jednani/kalendar.ics", nil, nil).Body.Bytes()) {
		if ev["UID"] == uid && (ev["STATUS"] != "CANCELLED" || ev["SEQUENCE"] != cancel["SEQUENCE"]) {
			t.Errorf("the feed after the cancellation: %v", ev)
		}
	}
}

// Exports for Czech Excel: every CSV is one table with ';' and decimal
// commas; the workbooks hold real numbers and dates (percent formatted) and
// name kpss, the region and the date in their properties.
func TestConformExports(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	c := e.session("koordinator")
	for _, path := range []string{"/skupiny/statistiky.csv?rok=2026", "/skupiny/statistiky.csv?rok=2026&tabulka=clenove",
		"/skupiny/statistiky.csv?rok=2026&tabulka=organizace", "/podnety/statistiky.csv?od=2021-01-01", "/podnety/statistiky.csv?od=2021-01-01&tabulka=1"} {
		rec := e.do("GET", path, nil, c)
		body := rec.Body.String()
		lines := strings.Split(strings.TrimRight(strings.TrimPrefix(body, "\ufeff"), "\r\n"), "\n")
		if rec.Code != http.StatusOK || !strings.HasPrefix(body, "\ufeff") || len(lines) < 2 {
			t.Fatalf("GET %s: %d %q", path, rec.Code, body[:min(len(body), 80)])
		}
		cols := strings.Count(lines[0], ";")
		for i, l := range lines {
			if strings.TrimSpace(l) == "" || strings.Count(l, ";") != cols {
				t.Errorf("GET %s: line %d is not a row of the one table: %q", path, i+1, l)
			}
		}
		if strings.Contains(path, "/skupiny/") && !strings.Contains(path, "tabulka") && !regexpMatch(`;\d+,\d %`, body) {
			t.Errorf("GET %s: no percentage with a decimal comma: %q", path, body)
		}
	}
	for _, path := range []string{"/skupiny/statistiky.xlsx?rok=2026", "/podnety/statistiky.xlsx"} {
		rec := e.do("GET", path, nil, c)
		x, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		props, _ := x.GetDocProps()
		if props == nil || !strings.Contains(props.Creator+props.Description+props.Subject+props.Title, "kpss") && !strings.Contains(props.Creator, "kpss") {
			t.Errorf("GET %s: document properties %+v", path, props)
		}
		sheets := x.GetSheetList()
		if len(sheets) < 3 {
			t.Errorf("GET %s: sheets %v", path, sheets)
		}
		typ, _ := x.GetCellType(sheets[0], "C2")
		if !strings.Contains(path, "podnety") && typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("GET %s: C2 is %v, not a number", path, typ)
		}
		x.Close()
	}
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// vnuJar is the Nu Html Checker of node_modules (npm vnu-jar), or "".
func vnuJar(t *testing.T) string {
	t.Helper()
	wd, _ := os.Getwd()
	jar := filepath.Join(wd, "..", "..", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	_, err := os.Stat(jar)
	_, jerr := exec.LookPath("java")
	if err != nil || jerr != nil {
		if os.Getenv("CI") != "" { // CI installs both (.ci/run); a developer may not have run npm ci since vnu-jar came
			t.Fatalf("the Nu Html Checker needs java and node_modules/vnu-jar (npm ci): %v %v", err, jerr)
		}
		t.Skip("no java or node_modules/vnu-jar: run npm ci")
	}
	return jar
}

// The pages the browser tests visit are valid HTML as the Nu Html Checker
// (the W3C validator's engine) reads them: no errors.
func TestConformHTMLValid(t *testing.T) {
	jar := vnuJar(t)
	e := newTestEnv(t, "sqlite")
	ctx := context.Background()
	coord := e.session("koordinator")
	one := func(q string) int64 {
		var id int64
		if err := e.db.QueryRow(ctx, q).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	meeting := one(`SELECT id FROM meetings WHERE state = 'held' ORDER BY id LIMIT 1`)
	round := one(`SELECT id FROM monitoring_rounds ORDER BY id LIMIT 1`)
	service := one(`SELECT id FROM catalog_services ORDER BY id LIMIT 1`)
	var code string
	e.db.QueryRow(ctx, `SELECT code FROM suggestions WHERE public = ? ORDER BY id LIMIT 1`, true).Scan(&code)
	pages := map[string]*http.Cookie{
		"/": nil, "/aktuality": nil, "/kalendar": nil, "/kalendar/seznam": nil, "/kalendar/archiv": nil, "/katalog": nil,
		fmt.Sprintf("/katalog/sluzby/%d", service): nil, "/katalog/poskytovatele": nil, "/podnet": nil, "/podnety/verejne": nil,
		"/plan": coord, "/plan/dokumenty": coord, "/skupiny": coord, "/prihlaseni": nil, "/pristupnost": nil, "/workshopy": coord, "/seznamka": coord, "/dotazniky": coord, "/dotace": coord,
		"/partneri/obce": coord, "/podnety/novy": coord,
		"/kalendar/sprava": coord, "/monitoring": coord, "/monitoring/prehled": coord, fmt.Sprintf("/monitoring/kola/%d", round): coord,
		fmt.Sprintf("/jednani/%d", meeting): coord, fmt.Sprintf("/jednani/%d/zapis", meeting): coord, "/podnety": coord,
		"/katalog/sprava": coord, "/katalog/sprava/import": coord, fmt.Sprintf("/katalog/sprava/sluzby/%d", service): coord,
		"/skupiny/statistiky": coord, "/podnety/statistiky": nil,
	}
	if code != "" {
		pages["/podnet/"+code] = nil
	}
	dir := t.TempDir()
	names := map[string]string{}
	var files []string
	for path, c := range pages {
		rec := e.do("GET", path, nil, c)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", path, rec.Code)
			continue
		}
		f := filepath.Join(dir, fmt.Sprintf("page%d.html", len(files)))
		os.WriteFile(f, rec.Body.Bytes(), 0o600)
		names["file:"+f] = path
		files = append(files, f)
	}
	// A form sent back with errors (the error summary, aria-invalid, the text kept).
	for _, path := range []string{"/podnet", "/katalog/sprava/nova"} {
		rec := e.do("POST", path, url.Values{"description": {"Chybí kategorie"}}, coord)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("POST %s: %d", path, rec.Code)
			continue
		}
		f := filepath.Join(dir, fmt.Sprintf("page%d.html", len(files)))
		os.WriteFile(f, rec.Body.Bytes(), 0o600)
		names["file:"+f] = "POST " + path
		files = append(files, f)
	}
	out, err := exec.Command("java", append([]string{"-jar", jar, "--errors-only", "--format", "json", "--exit-zero-always"}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("vnu: %v %s", err, out)
	}
	var res struct {
		Messages []struct {
			Type, URL, Message, Extract string
			LastLine                    int
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("vnu output: %v %.300s", err, out)
	}
	for _, m := range res.Messages {
		if m.Type == "error" || m.Type == "non-document-error" {
			t.Errorf("%s line %d: %s\n    %s", names[m.URL], m.LastLine, m.Message, m.Extract)
		}
	}
}

// pdfStructure is what pdfinfo says of a PDF: its info and its structure tree.
func pdfStructure(t *testing.T, b []byte) (info, tree string) {
	t.Helper()
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Skip("pdfinfo not found (poppler-utils)")
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	os.WriteFile(f, b, 0o600)
	i, err := exec.Command("pdfinfo", f).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	s, _ := exec.Command("pdfinfo", "-struct", f).Output()
	return string(i), string(s)
}

// The tagged documents are accessible PDFs: tagged, with a structure tree of
// headings and tables with header cells, the language Czech and the title.
func TestConformTaggedPDFs(t *testing.T) {
	if !pdf.TaggedAvailable() {
		if os.Getenv("KPSS_REQUIRE_BROWSER") == "1" {
			t.Fatal("no Chromium to print tagged PDFs")
		}
		t.Skip("no Chromium")
	}
	e := newTestEnv(t, "sqlite")
	ctx := context.Background()
	var minutes, document int64
	e.db.QueryRow(ctx, `SELECT meeting_id FROM minutes_versions ORDER BY meeting_id LIMIT 1`).Scan(&minutes)
	e.db.QueryRow(ctx, `SELECT id FROM plan_documents ORDER BY id LIMIT 1`).Scan(&document)
	docs := map[string]*http.Cookie{"/katalog/tisk.pdf": nil, fmt.Sprintf("/jednani/%d/zapis.pdf", minutes): e.session("koordinator")}
	if document != 0 {
		docs[fmt.Sprintf("/plan/dokumenty/%d/pdf", document)] = e.session("ridici")
	}
	for path, c := range docs {
		rec := e.do("GET", path, nil, c)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		info, tree := pdfStructure(t, rec.Body.Bytes())
		if !regexp.MustCompile(`(?m)^Tagged:\s+yes`).MatchString(info) || !regexp.MustCompile(`(?m)^Title:\s+\S`).MatchString(info) {
			t.Errorf("GET %s: not tagged or no title:\n%s", path, info)
		}
		want := []string{"H1", "H2", "Table", "TH", "TD"}
		if strings.Contains(path, "katalog") {
			want = append(want, "H3", "/Scope /Row")
		}
		for _, want := range want {
			if !strings.Contains(tree, want) {
				t.Errorf("GET %s: the structure tree has no %s:\n%.600s", path, want, tree)
			}
		}
		if !bytes.Contains(rec.Body.Bytes(), []byte("/Lang (cs)")) {
			t.Errorf("GET %s: no /Lang (cs)", path)
		}
	}
}

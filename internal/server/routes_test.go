package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"kpss/internal/auth"
)

// loginOf maps each role to its demo account ("" is the public).
var loginOf = map[string]string{
	"public": "", "admin": "admin", "coordinator": "koordinator", "steering": "ridici", "member": "clen",
	"provider": "poskytovatel", "officer": "odbor", "evaluator": "hodnotitel",
}

// fill replaces the path wildcards of a route pattern with real ids of the
// demo region; own picks the provider's own organisation or another one.
func (e *testEnv) fill(pattern string, ownOrg bool) string {
	_, path, _ := strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	id := int64(0)
	switch {
	case strings.Contains(path, "/organizace/"), strings.Contains(path, "/organizations/"):
		id = e.ids.otherOrg
		if ownOrg {
			id = e.ids.charita
		}
	case strings.Contains(path, "/obce/"), strings.Contains(path, "/municipalities/"):
		id = e.ids.otrokovice
	case strings.Contains(path, "/odbory/"), strings.Contains(path, "/departments/"):
		id = e.ids.social
	case strings.Contains(path, "/cilove-skupiny/"), strings.Contains(path, "/target-groups/"):
		id = e.ids.seniors
	case strings.Contains(path, "/osoby/"), strings.Contains(path, "/people/"):
		id = e.ids.person
	case strings.Contains(path, "/uzivatele/"):
		id = e.ids.targetUser
	}
	r := strings.NewReplacer("{id}", fmt.Sprint(id), "{lang}", "cs", "{action}", "obnovit")
	path = r.Replace(path)
	// Other wildcards (slugs, codes, feeds) get a value no object has: the
	// policy is still checked, the handler answers 404.
	for strings.Contains(path, "{") {
		i := strings.Index(path, "{")
		j := strings.Index(path[i:], "}")
		if j < 0 {
			break
		}
		path = path[:i] + "neexistuje" + path[i+j+1:]
	}
	return path
}

// TestEveryRouteForEveryRole calls every route of the route list as the
// public and as each role, and checks the answer against the route's policy:
// allowed callers never get 401/403 or the sign-in redirect; others do.
func TestEveryRouteForEveryRole(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	ctx := context.Background()
	users := map[string]*auth.User{}
	tokens := map[string]string{}
	for role, login := range loginOf {
		if login == "" {
			continue
		}
		u, err := e.srv.Auth().FindUserByLogin(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		users[role] = u
		tokens[role] = e.token(login)
	}
	checked := 0
	for _, rt := range e.srv.Routes() {
		method, _, _ := strings.Cut(rt.Pattern, " ")
		for role, login := range loginOf {
			for _, own := range []bool{false, true} {
				if own && !strings.Contains(rt.Pattern, "{id}") {
					continue
				}
				target := e.fill(rt.Pattern, own)
				req := httptest.NewRequest(method, target, nil)
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				if method != http.MethodGet {
					if rt.API {
						req = httptest.NewRequest(method, target, strings.NewReader("{}"))
						req.Header.Set("Content-Type", "application/json")
					} else {
						req = httptest.NewRequest(method, target, strings.NewReader(url.Values{}.Encode()))
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					}
					req.Header.Set("Sec-Fetch-Site", "same-origin")
				}
				if login != "" {
					if rt.API {
						req.Header.Set("Authorization", "Bearer "+tokens[role])
					} else {
						// A fresh session each time: some routes (sign-out) end it.
						req.AddCookie(e.session(login))
					}
				}
				// The mux fills path values when it routes; the policy check
				// here needs them too.
				probe := req.Clone(req.Context())
				if id := idIn(rt.Pattern, target); id != "" {
					probe.SetPathValue("id", id)
				}
				want, err := rt.Policy.Allows(probe, users[role])
				if err != nil {
					t.Fatal(err)
				}
				rec := httptest.NewRecorder()
				e.srv.ServeHTTP(rec, req)
				denied := rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden ||
					(rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/prihlaseni?next="))
				if rt.Pattern == "GET /prihlaseni" || rt.Pattern == "POST /prihlaseni" {
					denied = rec.Code == http.StatusForbidden
				}
				switch {
				case want && denied:
					t.Errorf("%s %s as %s: status %d, want access (policy %s)", method, target, role, rec.Code, rt.Policy.Name)
				case !want && !denied:
					t.Errorf("%s %s as %s: status %d, want denial (policy %s)", method, target, role, rec.Code, rt.Policy.Name)
				case !want && login == "" && rt.API && rec.Code != http.StatusUnauthorized:
					t.Errorf("%s %s as public: status %d, want 401", method, target, rec.Code)
				case !want && login != "" && rec.Code != http.StatusForbidden:
					t.Errorf("%s %s as %s: status %d, want 403", method, target, role, rec.Code)
				}
				if rec.Code >= 500 {
					t.Errorf("%s %s as %s: status %d: %s", method, target, role, rec.Code, rec.Body.String())
				}
				checked++
			}
		}
	}
	if checked < len(e.srv.Routes())*len(loginOf) {
		t.Fatalf("checked %d calls, fewer than routes × roles", checked)
	}
}

// The provider representative may edit their own organisation and no other.
func TestProviderEditsOnlyOwnOrganisation(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	c := e.session("poskytovatel")
	own := fmt.Sprintf("/partneri/organizace/%d/upravit", e.ids.charita)
	other := fmt.Sprintf("/partneri/organizace/%d/upravit", e.ids.otherOrg)
	if rec := e.do("GET", own, nil, c); rec.Code != http.StatusOK {
		t.Fatalf("own organisation form: %d", rec.Code)
	}
	if rec := e.do("GET", other, nil, c); rec.Code != http.StatusForbidden {
		t.Fatalf("other organisation form: %d, want 403", rec.Code)
	}
	form := url.Values{"name": {"Naděje – přepsáno"}, "kind": {"provider"}}
	if rec := e.do("POST", other, form, c); rec.Code != http.StatusForbidden {
		t.Fatalf("saving another organisation: %d, want 403", rec.Code)
	}
	var name string
	e.db.QueryRow(context.Background(), `SELECT name FROM organisations WHERE id = ?`, e.ids.otherOrg).Scan(&name)
	if name != "Naděje Otrokovice" {
		t.Fatalf("other organisation renamed to %q", name)
	}
	form = url.Values{"name": {"Charita sv. Anežky Otrokovice"}, "kind": {"provider"}, "phone": {"+420 577 999 888"}}
	if rec := e.do("POST", own, form, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("saving own organisation: %d %s", rec.Code, rec.Body.String())
	}
	// The API applies the same rule.
	tok := e.token("poskytovatel")
	req := httptest.NewRequest("PUT", fmt.Sprintf("/api/v1/organizations/%d", e.ids.otherOrg), strings.NewReader(`{"name":"X","kind":"provider"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), `"code":"forbidden"`) {
		t.Fatalf("API update of another organisation: %d %s", rec.Code, rec.Body.String())
	}
}

// idIn returns the value standing for {id} of pattern in target.
func idIn(pattern, target string) string {
	_, path, _ := strings.Cut(pattern, " ")
	ps, ts := strings.Split(path, "/"), strings.Split(target, "/")
	for i, seg := range ps {
		if seg == "{id}" && i < len(ts) {
			return ts[i]
		}
	}
	return ""
}

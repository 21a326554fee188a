package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"kpss/internal/account"
)

func TestSecurityHeadersAndErrorPages(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	rec := e.do("GET", "/", nil, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("home: %d", rec.Code)
	}
	h := rec.Header()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff header")
	}
	body := rec.Body.String()
	for _, want := range []string{`<html lang="cs">`, "ORP Otrokovice", "Přeskočit na obsah", `<main id="main"`, "9 obcí", "5 cílových skupin"} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	rec = e.do("GET", "/neexistuje", nil, nil)
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Stránka nenalezena") {
		t.Errorf("unknown page: %d, want a Czech 404 page", rec.Code)
	}
	rec = e.do("GET", "/healthz", nil, nil)
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "ok" {
		t.Errorf("healthz: %d %q", rec.Code, rec.Body.String())
	}
	// A page for staff asked for by the public sends them to sign in, and back.
	rec = e.do("GET", "/partneri/obce", nil, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/prihlaseni?next=%2Fpartneri%2Fobce" {
		t.Errorf("anonymous registry: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
}

func TestCrossSitePostIsRefused(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	c := e.session("koordinator")
	req := httptest.NewRequest("POST", "/partneri/obce/nova", strings.NewReader("name=Podvrh&kind=town"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "nepřišel z této aplikace") {
		t.Fatalf("cross-site POST: %d, want 403 with a Czech explanation", rec.Code)
	}
	var n int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM municipalities WHERE name = 'Podvrh'`).Scan(&n)
	if n != 0 {
		t.Fatal("cross-site POST created a municipality")
	}
}

func TestSignInSessionCookieAndRotation(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	old := e.session("clen")
	form := url.Values{"login": {"koordinator"}, "password": {demoPassword}, "next": {"/partneri"}}
	rec := e.do("POST", "/prihlaseni", form, old)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/partneri" {
		t.Fatalf("sign-in: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	var sc *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == account.SessionCookie {
			sc = c
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Value == old.Value || sc.Value == "" {
		t.Fatalf("session cookie %+v: want new HttpOnly SameSite=Lax id", sc)
	}
	// The session from before sign-in is gone (no fixation).
	if rec := e.do("GET", "/partneri", nil, old); rec.Code != http.StatusSeeOther {
		t.Errorf("old session still works: %d", rec.Code)
	}
	if rec := e.do("GET", "/partneri", nil, sc); rec.Code != http.StatusOK {
		t.Errorf("new session: %d", rec.Code)
	}
	// An open redirect is not possible through next.
	form.Set("next", "//evil.example/")
	if rec := e.do("POST", "/prihlaseni", form, nil); rec.Header().Get("Location") != "/" {
		t.Errorf("next=//evil.example redirected to %q", rec.Header().Get("Location"))
	}
	// Wrong password: a Czech message, the login kept, the password not.
	rec = e.do("POST", "/prihlaseni", url.Values{"login": {"koordinator"}, "password": {"spatne"}}, nil)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "není správné") || !strings.Contains(rec.Body.String(), `value="koordinator"`) {
		t.Errorf("wrong password: %d", rec.Code)
	}
}

func TestSessionIdleTimeout(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	now := time.Now()
	e.srv.Auth().Now = func() time.Time { return now }
	c := e.session("koordinator")
	now = now.Add(29 * time.Minute)
	if rec := e.do("GET", "/partneri", nil, c); rec.Code != http.StatusOK {
		t.Fatalf("after 29 idle minutes: %d", rec.Code)
	}
	now = now.Add(31 * time.Minute)
	rec := e.do("GET", "/partneri", nil, c)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/prihlaseni") {
		t.Fatalf("after 31 more idle minutes: %d, want sign-in", rec.Code)
	}
}

func TestSignInThrottle(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	bad := url.Values{"login": {"koordinator"}, "password": {"spatne-heslo"}}
	for i := 1; i <= 5; i++ {
		if rec := e.do("POST", "/prihlaseni", bad, nil); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i, rec.Code)
		}
	}
	// The 6th attempt within a minute is refused, even with the right password.
	rec := e.do("POST", "/prihlaseni", url.Values{"login": {"koordinator"}, "password": {demoPassword}}, nil)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("6th attempt: %d Retry-After %q, want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if !strings.Contains(rec.Body.String(), "Příliš mnoho neúspěšných pokusů") {
		t.Error("429 page has no Czech explanation")
	}
	// Another account is not affected.
	if rec := e.do("POST", "/prihlaseni", url.Values{"login": {"clen"}, "password": {demoPassword}}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("other account: %d", rec.Code)
	}
}

func TestLanguageSwitchAndAcceptLanguage(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	req := httptest.NewRequest("GET", "/prihlaseni", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `<html lang="en">`) || !strings.Contains(rec.Body.String(), "Sign in") {
		t.Error("Accept-Language: en did not give English")
	}
	rec = e.do("GET", "/jazyk/en?next=/pristupnost", nil, nil)
	var lc *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "kpss_lang" {
			lc = c
		}
	}
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/pristupnost" || lc == nil || lc.Value != "en" {
		t.Fatalf("language switch: %d %q %+v", rec.Code, rec.Header().Get("Location"), lc)
	}
	rec = e.do("GET", "/pristupnost", nil, lc)
	if !strings.Contains(rec.Body.String(), "Accessibility statement") {
		t.Error("the remembered language was not used")
	}
	// The cookie wins over Accept-Language; Czech is the default.
	req = httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Language", "de")
	rec = httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `<html lang="cs">`) {
		t.Error("an unsupported language did not fall back to Czech")
	}
}

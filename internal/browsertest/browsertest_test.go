package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const accessiblePage = `<!doctype html>
<html lang="cs">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Přihláška na kurz – KPSS</title>
</head>
<body>
<header><p>Krajský portál</p></header>
<main>
<h1>Přihláška na kurz první pomoci</h1>
<form method="post" action="/odeslano">
<label for="jmeno">Jméno a příjmení</label>
<input id="jmeno" name="jmeno" type="text" autocomplete="name">
<button type="submit">Odeslat přihlášku</button>
</form>
</main>
</body>
</html>`

const inaccessiblePage = `<!doctype html>
<html lang="cs">
<head><meta charset="utf-8"><title>Špatná stránka</title></head>
<body>
<main>
<h1>Špatná stránka</h1>
<img src="/logo.png">
<input type="text" name="bez-popisku">
<p style="color:#bbb;background:#fff">Text, který skoro není vidět.</p>
</main>
</body>
</html>`

const sentPage = `<!doctype html>
<html lang="cs"><head><meta charset="utf-8"><title>Odesláno</title></head>
<body><main><h1>Přihláška odeslána</h1><p id="kdo"></p></main>
<script>document.getElementById('kdo').textContent = new URLSearchParams(location.search).get('jmeno');</script>
</body></html>`

const brokenScriptPage = `<!doctype html>
<html lang="cs"><head><meta charset="utf-8"><title>Chyba</title></head>
<body><main><h1>Stránka s chybou</h1></main>
<script>nedefinovanaFunkce();</script>
</body></html>`

func testServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	html := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(body))
		}
	}
	mux.HandleFunc("GET /{$}", html(accessiblePage))
	mux.HandleFunc("GET /spatna", html(inaccessiblePage))
	mux.HandleFunc("GET /chyba", html(brokenScriptPage))
	mux.HandleFunc("GET /hotovo", html(sentPage))
	mux.HandleFunc("POST /odeslano", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hotovo?jmeno="+r.FormValue("jmeno"), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /jazyk", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html lang="cs"><head><meta charset="utf-8"><title>Jazyk</title></head>` +
			`<body><main><h1 id="jazyk">` + r.Header.Get("Accept-Language") + `</h1></main></body></html>`))
	})
	// No /favicon.ico: the browser's 404 for it must not count as a
	// console error (TestAccessiblePagePasses checks).
	mux.HandleFunc("GET /logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestAccessiblePagePasses(t *testing.T) {
	b := New(t)
	srv := testServer(t)

	b.Navigate(t, srv.URL+"/")
	if got, want := b.Text(t, "h1"), "Přihláška na kurz první pomoci"; got != want {
		t.Errorf("h1 read through the browser = %q, want %q", got, want)
	}
	if vs := b.Axe(t); len(vs) != 0 {
		t.Errorf("Axe returned %d violations on an accessible page", len(vs))
	}
	b.NoConsoleErrors(t)
}

func TestInaccessiblePageIsCaught(t *testing.T) {
	b := New(t)
	srv := testServer(t)

	b.Navigate(t, srv.URL+"/spatna")
	vs := b.AxeViolations(t)
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
		if len(v.Nodes) == 0 || len(v.Nodes[0].Target) == 0 {
			t.Errorf("violation %s names no element", v.ID)
		}
	}
	for _, want := range []string{"image-alt", "label", "color-contrast"} {
		if !slices.Contains(ids, want) {
			t.Errorf("axe did not report %q on a page that breaks it; got %v", want, ids)
		}
	}

	// Axe itself must fail the test on such a page; run it against a
	// recording testing.TB to see that it does and what it says.
	rec := &recordingTB{TB: t}
	b.Axe(rec)
	if !rec.failed {
		t.Fatal("Axe did not fail the test on an inaccessible page")
	}
	all := strings.Join(rec.errors, "\n")
	t.Logf("what Axe reports on such a page:\n%s", all)
	for _, want := range []string{"image-alt", "label", "img", srv.URL + "/spatna"} {
		if !strings.Contains(all, want) {
			t.Errorf("Axe's report does not mention %q:\n%s", want, all)
		}
	}
}

func TestFormSubmitAndRedirect(t *testing.T) {
	b := New(t)
	srv := testServer(t)

	b.Navigate(t, srv.URL+"/")
	b.Fill(t, "#jmeno", "Jana Nováková")
	b.ClickAndWait(t, "button[type=submit]")
	if got := b.URL(t); !strings.HasPrefix(got, srv.URL+"/hotovo?") {
		t.Errorf("after submitting, the tab is at %s, want %s/hotovo?...", got, srv.URL)
	}
	if got, want := b.Text(t, "h1"), "Přihláška odeslána"; got != want {
		t.Errorf("h1 after submit = %q, want %q", got, want)
	}
	if got, want := b.Text(t, "#kdo"), "Jana Nováková"; got != want {
		t.Errorf("name shown after submit = %q, want %q", got, want)
	}
	b.NoConsoleErrors(t)
}

func TestConsoleErrorsAreCaptured(t *testing.T) {
	b := New(t)
	srv := testServer(t)

	b.Navigate(t, srv.URL+"/chyba")
	b.Text(t, "h1")
	errs := b.ConsoleErrors()
	found := false
	for _, e := range errs {
		if e.Kind == "exception" && strings.Contains(e.Text, "nedefinovanaFunkce") {
			found = true
		}
	}
	if !found {
		t.Errorf("a ReferenceError thrown by the page was not captured; got %v", errs)
	}
}

func TestCzechBrowser(t *testing.T) {
	b := New(t)
	srv := testServer(t)

	b.Navigate(t, srv.URL+"/jazyk")
	if got := b.Text(t, "#jazyk"); !strings.HasPrefix(got, "cs") {
		t.Errorf("the browser sent Accept-Language %q, want Czech first", got)
	}
}

func TestSessionsAreSeparate(t *testing.T) {
	b := New(t)
	srv := testServer(t)

	b.Navigate(t, srv.URL+"/")
	b.Run(t, chromedp.Evaluate(`document.cookie = "kdo=anna; path=/"`, nil))
	tab := b.NewTab(t)
	tab.Navigate(t, srv.URL+"/")
	other := b.NewSession(t)
	other.Navigate(t, srv.URL+"/")
	if got := cookie(t, tab); got != "kdo=anna" {
		t.Errorf("a new tab sees cookies %q, want the first tab's kdo=anna", got)
	}
	if got := cookie(t, other); got != "" {
		t.Errorf("a new session sees cookies %q, want none", got)
	}
}

func TestScreenshot(t *testing.T) {
	b := New(t)
	srv := testServer(t)

	b.Navigate(t, srv.URL+"/")
	p := filepath.Join(t.TempDir(), "stranka.png")
	b.Screenshot(t, p)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "\x89PNG") {
		t.Errorf("screenshot is not a PNG (%d bytes)", len(data))
	}
}

func TestErrorPageIsAConsoleError(t *testing.T) {
	b := New(t)
	srv := testServer(t)

	b.Navigate(t, srv.URL+"/neni")
	errs := b.ConsoleErrors()
	if len(errs) != 1 || !strings.Contains(errs[0].Text, "404") || errs[0].URL != srv.URL+"/neni" {
		t.Errorf("visiting a missing page: console errors %v, want one 404 for /neni", errs)
	}
	b.ResetConsoleErrors()
	b.Navigate(t, srv.URL+"/")
	b.NoConsoleErrors(t)
}

// TestTimeoutFails checks that waiting for something that never appears
// ends at Browser.Timeout with a failure naming the page, not a hang.
func TestTimeoutFails(t *testing.T) {
	b := New(t)
	srv := testServer(t)

	b.Navigate(t, srv.URL+"/")
	b.Timeout = time.Since(b.start) + 2*time.Second
	rec := &recordingTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Text(rec, "#nikdy-nebude")
	}()
	<-done
	if !rec.failed {
		t.Fatal("waiting for a missing element past Browser.Timeout did not fail")
	}
	all := strings.Join(rec.errors, "\n")
	for _, want := range []string{"Browser.Timeout", srv.URL + "/"} {
		if !strings.Contains(all, want) {
			t.Errorf("the failure does not mention %q: %s", want, all)
		}
	}
}

// TestMissingBrowser runs this package's tests again in a child process with
// no Chromium: they skip by default and fail with KPSS_REQUIRE_BROWSER=1.
func TestMissingBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts go test binaries; skipped with -short")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	run := func(require string) (string, error) {
		cmd := exec.Command(exe, "-test.run=^TestAccessiblePagePasses$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), EnvChromium+"=/nonexistent/chromium", EnvRequireBrowser+"="+require)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := run("")
	if err != nil || !strings.Contains(out, "--- SKIP") {
		t.Errorf("without a browser and without %s=1 the test should skip; err=%v\n%s", EnvRequireBrowser, err, out)
	}
	out, err = run("1")
	if err == nil || !strings.Contains(out, "--- FAIL") || !strings.Contains(out, "/nonexistent/chromium") {
		t.Errorf("without a browser and with %s=1 the test should fail naming the binary; err=%v\n%s", EnvRequireBrowser, err, out)
	}
}

func cookie(t *testing.T, b *Browser) string {
	t.Helper()
	var s string
	b.Run(t, chromedp.Evaluate(`document.cookie`, &s))
	return s
}

// recordingTB records Errorf calls instead of failing the real test.
type recordingTB struct {
	testing.TB
	failed bool
	errors []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.failed = true
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Error(args ...any) {
	r.failed = true
	r.errors = append(r.errors, fmt.Sprint(args...))
}

// Fatalf records like Errorf and ends the calling goroutine, as the real one
// does; call it only from a goroutine started for that.
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

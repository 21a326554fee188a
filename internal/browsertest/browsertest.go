// Package browsertest runs end-to-end tests in headless Chromium through
// chromedp.
//
// A test asks for a browser with [New], drives it with [Browser.Run] or the
// small helpers ([Browser.Navigate], [Browser.Click], [Browser.Fill],
// [Browser.ClickAndWait], [Browser.Text], [Browser.URL]) and checks a page's
// accessibility with [Browser.Axe]. JavaScript exceptions, console.error calls
// and browser error log entries are collected for [Browser.ConsoleErrors] and
// [Browser.NoConsoleErrors].
//
// Without a Chromium binary the test is skipped, unless the environment sets
// KPSS_REQUIRE_BROWSER=1 (CI does), in which case it fails. KPSS_CHROMIUM
// names the binary explicitly.
//
// Browser tests check what a user sees; they don't sleep: wait for an element
// (chromedp.WaitVisible) or a load ([Browser.ClickAndWait]) instead.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// DefaultTimeout is the time a Browser gives a whole test, counted from New,
// unless the test changes Browser.Timeout.
const DefaultTimeout = 2 * time.Minute

// Environment variables read by New.
const (
	// EnvChromium names the Chromium (or Chrome) binary to use.
	EnvChromium = "KPSS_CHROMIUM"
	// EnvRequireBrowser, when "1", turns a missing browser into a test
	// failure instead of a skip.
	EnvRequireBrowser = "KPSS_REQUIRE_BROWSER"
)

// AxeTags are the axe-core rule tags Axe checks: WCAG 2.0 and 2.1, levels A
// and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// Browser is one headless Chromium process with one tab, owned by one test.
// Its methods must be called from the test's goroutine.
type Browser struct {
	// Timeout is the time allowed for the whole test, counted from New. It
	// bounds every Run and helper call (and the context from Ctx). It never
	// goes past the deadline of `go test -timeout`.
	Timeout time.Duration

	start   time.Time
	ctx     context.Context // the tab's chromedp context, no deadline
	testDL  time.Time       // deadline of the test binary, zero if none
	cancels []context.CancelFunc
	root    *Browser // the Browser that owns the Chromium process

	mu      sync.Mutex
	console []ConsoleError
}

// ConsoleError is a JavaScript exception, console.error call or browser
// error log entry (for example a failed resource load) seen in a tab.
type ConsoleError struct {
	Kind string // "exception", "console.error" or "log:<source>"
	Text string
	URL  string // script or resource URL, when known
	Line int64  // 1-based line, 0 when unknown
}

func (e ConsoleError) String() string {
	s := e.Kind + ": " + e.Text
	if e.URL != "" {
		s += " (" + e.URL
		if e.Line > 0 {
			s += fmt.Sprintf(":%d", e.Line)
		}
		s += ")"
	}
	return s
}

// AxeViolation is one failed axe-core rule on a page.
type AxeViolation struct {
	ID          string    `json:"id"`     // rule id, e.g. "image-alt"
	Impact      string    `json:"impact"` // minor, moderate, serious or critical
	Description string    `json:"description"`
	Help        string    `json:"help"`
	HelpURL     string    `json:"helpUrl"`
	Tags        []string  `json:"tags"`
	Nodes       []AxeNode `json:"nodes"`
}

// AxeNode is one element that fails an axe-core rule.
type AxeNode struct {
	// Target is the CSS selector path of the element; more than one entry
	// means the element sits inside iframes or shadow roots.
	Target         []string `json:"target"`
	HTML           string   `json:"html"`
	FailureSummary string   `json:"failureSummary"`
}

// FindChromium returns the path of the Chromium binary New would use, or ""
// when there is none: $KPSS_CHROMIUM if set (it must exist), else
// /usr/bin/chromium, else chromium, chromium-browser or google-chrome in PATH.
func FindChromium() string {
	if p := os.Getenv(EnvChromium); p != "" {
		if isExecutable(p) {
			return p
		}
		if lp, err := exec.LookPath(p); err == nil {
			return lp
		}
		return ""
	}
	if isExecutable("/usr/bin/chromium") {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// New starts headless Chromium for the test t and opens one tab. The browser
// is closed when the test ends. Without a Chromium binary the test is
// skipped, or fails when KPSS_REQUIRE_BROWSER=1.
func New(t testing.TB) *Browser {
	t.Helper()
	bin := FindChromium()
	if bin == "" {
		msg := "browsertest: no Chromium found (looked at $" + EnvChromium +
			", /usr/bin/chromium, chromium, chromium-browser, google-chrome in PATH)"
		if v := os.Getenv(EnvChromium); v != "" {
			msg = fmt.Sprintf("browsertest: $%s=%q is not an executable file", EnvChromium, v)
		}
		if os.Getenv(EnvRequireBrowser) == "1" {
			t.Fatal(msg + "; " + EnvRequireBrowser + "=1, so this is a failure: install Debian's chromium package or set " + EnvChromium)
		}
		t.Skip(msg + "; set " + EnvRequireBrowser + "=1 to fail instead of skipping")
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0], chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts,
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// No user-data-dir flag: chromedp then makes a fresh temporary
		// one for this process and removes it when the process exits.
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "cs-CZ"),
		chromedp.Flag("accept-lang", "cs-CZ,cs"),
		chromedp.Env("LANGUAGE=cs_CZ:cs"),
	)

	b := &Browser{Timeout: DefaultTimeout, start: time.Now()}
	b.root = b
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			b.testDL = dl
		}
	}

	// chromedp reports protocol messages it can't decode through errorf;
	// they are not test failures, but worth seeing with -v. It may call it
	// from its own goroutines, so stop before the test is over.
	var logMu sync.Mutex
	testOver := false
	errorf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		if !testOver {
			t.Logf("browsertest: chromedp: "+format, args...)
		}
	}

	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	tabCtx, tabCancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(errorf))
	b.ctx = tabCtx
	b.listen()

	t.Cleanup(func() {
		defer func() {
			logMu.Lock()
			testOver = true
			logMu.Unlock()
		}()
		for i := len(b.cancels) - 1; i >= 0; i-- {
			b.cancels[i]()
		}
		// Close the browser gracefully, giving it a few seconds, then
		// make sure it is gone. allocCancel waits for the process to
		// exit and for its temporary profile to be removed.
		closeCtx, cancel := context.WithTimeout(tabCtx, 10*time.Second)
		_ = chromedp.Cancel(closeCtx) // a browser that closes badly doesn't fail the test
		cancel()
		tabCancel()
		allocCancel()
	})

	// The first Run starts the process (chromedp gives up after 20s without
	// a DevTools address). It must get the tab context itself, not one with
	// a deadline: the browser lives as long as that context.
	if err := chromedp.Run(tabCtx); err != nil {
		t.Fatalf("browsertest: starting %s: %v", bin, err)
	}
	return b
}

// listen collects console errors of b's tab.
func (b *Browser) listen() {
	chromedp.ListenTarget(b.ctx, func(ev any) {
		var ce ConsoleError
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			if d == nil {
				return
			}
			ce = ConsoleError{Kind: "exception", Text: d.Text, URL: d.URL}
			if d.Exception != nil && d.Exception.Description != "" {
				ce.Text = d.Exception.Description
			}
			if d.URL != "" {
				ce.Line = d.LineNumber + 1
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type != runtime.APITypeError {
				return
			}
			parts := make([]string, 0, len(ev.Args))
			for _, a := range ev.Args {
				parts = append(parts, remoteObjectString(a))
			}
			ce = ConsoleError{Kind: "console.error", Text: strings.Join(parts, " ")}
			if st := ev.StackTrace; st != nil && len(st.CallFrames) > 0 {
				ce.URL = st.CallFrames[0].URL
				ce.Line = st.CallFrames[0].LineNumber + 1
			}
		case *cdplog.EventEntryAdded:
			e := ev.Entry
			if e == nil || e.Level != cdplog.LevelError {
				return
			}
			if e.Source == cdplog.SourceNetwork && isFavicon(e.URL) {
				// The browser asks for /favicon.ico by itself; a
				// missing one is not an error of the page.
				return
			}
			ce = ConsoleError{Kind: "log:" + string(e.Source), Text: e.Text, URL: e.URL}
			if e.LineNumber > 0 {
				ce.Line = e.LineNumber + 1
			}
		default:
			return
		}
		b.mu.Lock()
		b.console = append(b.console, ce)
		b.mu.Unlock()
	})
}

func isFavicon(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && u.Path == "/favicon.ico"
}

func remoteObjectString(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if len(o.Value) > 0 {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
		return string(o.Value)
	}
	if o.UnserializableValue != "" {
		return string(o.UnserializableValue)
	}
	if o.Description != "" {
		return o.Description
	}
	return string(o.Type)
}

// deadline is when the test's browser time is up.
func (b *Browser) deadline() time.Time {
	root := b.root
	dl := root.start.Add(b.Timeout)
	if !root.testDL.IsZero() {
		// Leave a little time for the test to report and clean up.
		if t := root.testDL.Add(-5 * time.Second); t.Before(dl) {
			dl = t
		}
	}
	return dl
}

// Ctx returns the tab's chromedp context, bounded by Timeout, for use with
// chromedp.Run directly. A context from chromedp.NewContext(b.Ctx()) opens
// another tab in the same browser (same cookies); prefer NewTab and
// NewSession, which also collect console errors.
func (b *Browser) Ctx() context.Context {
	ctx, cancel := context.WithDeadline(b.ctx, b.deadline())
	b.cancels = append(b.cancels, cancel)
	return ctx
}

// Run runs chromedp actions in the tab and fails the test (t.Fatal) if one
// fails, saying which page the tab was on.
func (b *Browser) Run(t testing.TB, actions ...chromedp.Action) {
	t.Helper()
	if err := b.run(actions...); err != nil {
		t.Fatalf("browsertest: %v (page %s)", err, b.currentURL())
	}
}

func (b *Browser) run(actions ...chromedp.Action) error {
	ctx, cancel := context.WithDeadline(b.ctx, b.deadline())
	defer cancel()
	err := chromedp.Run(ctx, actions...)
	if err != nil && ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("%w: browser test time is up (Browser.Timeout %v from New)", err, b.Timeout)
	}
	return err
}

// currentURL is the tab's URL for error messages, "?" when unknown.
func (b *Browser) currentURL() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	var u string
	if err := chromedp.Run(ctx, chromedp.Location(&u)); err != nil {
		return "?"
	}
	return u
}

// URL returns the tab's current URL.
func (b *Browser) URL(t testing.TB) string {
	t.Helper()
	var u string
	b.Run(t, chromedp.Location(&u))
	return u
}

// Navigate opens url in the tab and waits for the page to load.
func (b *Browser) Navigate(t testing.TB, rawURL string) {
	t.Helper()
	if err := b.run(chromedp.Navigate(rawURL)); err != nil {
		t.Fatalf("browsertest: navigate to %s: %v", rawURL, err)
	}
}

// Text returns the visible text (innerText) of the first element matching
// the CSS selector, waiting until such an element exists.
func (b *Browser) Text(t testing.TB, selector string) string {
	t.Helper()
	var s string
	b.Run(t, chromedp.Text(selector, &s, chromedp.ByQuery))
	return s
}

// Click clicks the first element matching the CSS selector, once it is
// visible. It doesn't wait for what the click starts; see ClickAndWait.
func (b *Browser) Click(t testing.TB, selector string) {
	t.Helper()
	b.Run(t, chromedp.Click(selector, chromedp.ByQuery, chromedp.NodeVisible))
}

// Fill sets the value of the form field matching the CSS selector (input,
// textarea or select), replacing what was there, and fires input and change
// events.
func (b *Browser) Fill(t testing.TB, selector, value string) {
	t.Helper()
	sel, _ := json.Marshal(selector)
	val, _ := json.Marshal(value)
	b.Run(t,
		chromedp.WaitVisible(selector, chromedp.ByQuery),
		chromedp.Evaluate(`(() => { const e = document.querySelector(`+string(sel)+`);
			e.value = `+string(val)+`;
			e.dispatchEvent(new Event('input', {bubbles: true}));
			e.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil),
	)
}

// ClickAndWait clicks the first element matching the CSS selector (a link,
// a submit button) and waits until the page it leads to has loaded, after
// any redirects.
func (b *Browser) ClickAndWait(t testing.TB, selector string) {
	t.Helper()
	loaded := make(chan struct{}, 1)
	lctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	chromedp.ListenTarget(lctx, func(ev any) {
		if _, ok := ev.(*page.EventLoadEventFired); ok {
			select {
			case loaded <- struct{}{}:
			default:
			}
		}
	})
	b.Run(t, chromedp.Click(selector, chromedp.ByQuery, chromedp.NodeVisible))
	wait := time.Until(b.deadline())
	select {
	case <-loaded:
	case <-time.After(wait):
		t.Fatalf("browsertest: clicking %q loaded no page within the test's time (page %s)", selector, b.currentURL())
	}
}

// WaitFor waits up to 10 s until the JavaScript expression js is true (a map
// drawn, a field filled by a script), and fails the test otherwise.
func (b *Browser) WaitFor(t testing.TB, js string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		b.Run(t, chromedp.Evaluate(js, &ok))
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("browsertest: waited 10 s for %s (page %s)", js, b.currentURL())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Screenshot saves a full-page PNG of the tab at path (directories are
// created), for a human to look at; tests don't compare screenshots.
func (b *Browser) Screenshot(t testing.TB, path string) {
	t.Helper()
	var png []byte
	b.Run(t, chromedp.FullScreenshot(&png, 100))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
	t.Logf("browsertest: screenshot of %s saved to %s", b.currentURL(), path)
}

// ConsoleErrors returns the JavaScript exceptions, console.error calls and
// browser error log entries (such as a resource that failed to load) seen in
// this tab since New, NewTab or NewSession, in order. A page that answers
// with an error status (404, 500) counts too. The browser's own request for
// /favicon.ico does not.
func (b *Browser) ConsoleErrors() []ConsoleError {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]ConsoleError(nil), b.console...)
}

// ResetConsoleErrors forgets the console errors seen so far in this tab,
// for a test that visits an error page on purpose and goes on.
func (b *Browser) ResetConsoleErrors() {
	b.mu.Lock()
	b.console = nil
	b.mu.Unlock()
}

// NoConsoleErrors reports each console error seen so far in this tab with
// t.Errorf.
func (b *Browser) NoConsoleErrors(t testing.TB) {
	t.Helper()
	for _, e := range b.ConsoleErrors() {
		t.Errorf("browser console error: %s", e)
	}
}

// NewTab opens another tab in the same browser session: it shares cookies
// and storage with b (the same logged-in user), and has its own console
// errors. It closes when the test ends.
func (b *Browser) NewTab(t testing.TB) *Browser {
	t.Helper()
	return b.open(t, false)
}

// NewSession opens a tab in a new, separate browser session: no cookies or
// storage shared with b, as if a second person used another computer. It
// closes when the test ends.
func (b *Browser) NewSession(t testing.TB) *Browser {
	t.Helper()
	return b.open(t, true)
}

func (b *Browser) open(t testing.TB, separate bool) *Browser {
	t.Helper()
	root := b.root
	var opts []chromedp.ContextOption
	if separate {
		// chromedp's WithNewBrowserContext asks for a tab without a window,
		// which headless Chromium refuses for a new browser context ("no
		// browser is open"); make the context and a windowed tab here.
		bexec := cdp.WithExecutor(root.ctx, chromedp.FromContext(root.ctx).Browser)
		ctxID, err := target.CreateBrowserContext().Do(bexec)
		if err != nil {
			t.Fatalf("browsertest: new browser session: %v", err)
		}
		root.cancels = append(root.cancels, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = target.DisposeBrowserContext(ctxID).Do(cdp.WithExecutor(ctx, chromedp.FromContext(root.ctx).Browser))
		})
		id, err := target.CreateTarget("about:blank").
			WithBrowserContextID(ctxID).
			WithNewWindow(true).
			Do(bexec)
		if err != nil {
			t.Fatalf("browsertest: new browser session: %v", err)
		}
		opts = append(opts, chromedp.WithTargetID(id))
	}
	ctx, cancel := chromedp.NewContext(root.ctx, opts...)
	nb := &Browser{Timeout: b.Timeout, start: root.start, ctx: ctx, root: root}
	nb.listen()
	root.cancels = append(root.cancels, cancel)
	// As in New, the first Run attaches to the tab and must get the tab's
	// own context: the tab lives as long as the context of its first Run.
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("browsertest: opening a tab: %v", err)
	}
	return nb
}

// Axe runs the axe-core accessibility checks (WCAG 2.0/2.1 A and AA, see
// AxeTags) on the tab's current page and reports each violation with
// t.Errorf: rule, impact, help and the first few offending elements. It
// returns the violations.
func (b *Browser) Axe(t testing.TB) []AxeViolation {
	t.Helper()
	vs := b.AxeViolations(t)
	if len(vs) == 0 {
		return vs
	}
	pageURL := b.currentURL()
	for _, v := range vs {
		t.Errorf("accessibility: %s", FormatViolation(v, pageURL))
	}
	return vs
}

// FormatViolation describes an axe violation in one line: rule id, impact,
// help text, up to three offending elements and the page URL.
func FormatViolation(v AxeViolation, pageURL string) string {
	const maxTargets = 3
	var targets []string
	for i, n := range v.Nodes {
		if i == maxTargets {
			targets = append(targets, fmt.Sprintf("and %d more", len(v.Nodes)-maxTargets))
			break
		}
		targets = append(targets, strings.Join(n.Target, " >>> "))
	}
	return fmt.Sprintf("%s (%s): %s; elements: %s; page %s; see %s",
		v.ID, v.Impact, v.Help, strings.Join(targets, ", "), pageURL, v.HelpURL)
}

// AxeViolations runs the same checks as Axe but only returns the violations,
// without failing the test because of them. It still fails the test
// (t.Fatal) if axe-core can't be loaded or run.
func (b *Browser) AxeViolations(t testing.TB) []AxeViolation {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	var loaded bool
	b.Run(t, chromedp.Evaluate(`typeof window.axe === 'object' && typeof window.axe.run === 'function'`, &loaded))
	if !loaded {
		b.Run(t, chromedp.Evaluate(src+"\n;true", nil))
	}
	tags, _ := json.Marshal(AxeTags)
	script := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']})
	.then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || '', description: v.description, help: v.help,
		helpUrl: v.helpUrl, tags: v.tags,
		nodes: v.nodes.map(n => ({
			target: n.target.map(x => Array.isArray(x) ? x.join(' ') : String(x)),
			html: n.html, failureSummary: n.failureSummary || '',
		})),
	})))`
	var vs []AxeViolation
	b.Run(t, chromedp.Evaluate(script, &vs, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
	return vs
}

var (
	axeMu  sync.Mutex
	axeSrc string
)

// axeSource reads node_modules/axe-core/axe.min.js from the repository
// root once.
func axeSource() (string, error) {
	axeMu.Lock()
	defer axeMu.Unlock()
	if axeSrc != "" {
		return axeSrc, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "node_modules", "axe-core", "axe.min.js")
	data, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("axe-core is missing (%v): run `npm ci` in %s", err, root)
	}
	axeSrc = string(data)
	return axeSrc, nil
}

// RepoRoot returns the repository root: the nearest directory at or above
// the working directory that holds go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory")
		}
		dir = parent
	}
}

package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"kpss/internal/browsertest"
	"kpss/internal/survey"
)

// tabTo presses Tab until the focused element matches selector, as a
// keyboard user moves through the form (it fails after 200 presses).
func tabTo(t *testing.T, b *browsertest.Browser, selector string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		var ok bool
		b.Run(t, chromedp.Evaluate(fmt.Sprintf(`document.activeElement && document.activeElement.matches(%q)`, selector), &ok))
		if ok {
			return
		}
		b.Run(t, chromedp.KeyEvent(kb.Tab))
	}
	t.Fatalf("Tab never reached %s", selector)
}

// TestRespondentAnswersTheAnonymousSurveyByKeyboard: a respondent opens the
// open anonymous 2026 survey, sends it without the required answers and
// gets the Czech error summary with everything kept, then answers by
// keyboard only – radio buttons with Space, the matrix (a real table whose
// radio buttons are named by their row and column headers), the ranking
// with the arrow keys, a condition revealing a question – and sends it;
// then again with JavaScript off. axe-core checks every page.
func TestRespondentAnswersTheAnonymousSurveyByKeyboard(t *testing.T) {
	b := browsertest.New(t)
	e := newTestEnv(t, "sqlite")
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	ctx := context.Background()
	h := surveyH(e)
	items, _, _ := h.FindSurveys(ctx, survey.Filter{Q: "spokojenost uzivatelu"})
	v := items[0]
	_, qs, _ := h.FindSurvey(ctx, v.ID)
	field := map[string]string{}
	for _, q := range qs {
		field[q.Code] = "f-" + q.Field()
	}
	before := v.Responses

	b.Navigate(t, ts.URL+v.RespondURL())
	if got := b.Text(t, "h1"); got != v.Title {
		t.Fatalf("h1 = %q", got)
	}
	b.Axe(t)
	// The matrix is a table a screen reader can read: column and row headers,
	// each radio button named by its row and its column.
	var names []string
	b.Run(t, chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll('#%s input[type=radio]')).map(i =>
		i.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id).textContent.trim()).join(' / '))`, field["vyroky"]), &names))
	if len(names) != 12 || names[0] != "Pracovníci jsou ochotní. / Rozhodně ano" {
		t.Fatalf("matrix radio names = %v", names)
	}
	var scopes int
	b.Run(t, chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll('#%[1]s th[scope=col]').length * 10 + document.querySelectorAll('#%[1]s th[scope=row]').length`, field["vyroky"]), &scopes))
	if scopes != 43 {
		t.Errorf("matrix headers: %d (want 4 columns, 3 rows)", scopes)
	}
	// The question shown only to the less satisfied is hidden by the script.
	var hidden bool
	b.Run(t, chromedp.Evaluate(`document.querySelector('.survey-q[data-code="zlepsit"]').hidden`, &hidden))
	if !hidden {
		t.Error("the conditional question shows before its condition is met")
	}

	// Sending nothing: the error summary names the required questions.
	tabTo(t, b, `.survey-form button[type=submit]`)
	b.ClickAndWait(t, `.survey-form button[type=submit]`)
	if s := b.Text(t, ".error-summary"); !strings.Contains(s, "Otázka 1: odpovězte prosím") || !strings.Contains(s, "Otázka 3: odpovězte prosím") {
		t.Fatalf("error summary = %q", s)
	}
	b.Axe(t)

	// By keyboard only.
	tabTo(t, b, "#"+field["skupina"]+"-1")
	b.Run(t, chromedp.KeyEvent(" "))
	tabTo(t, b, "#"+field["sluzba"]+"-1")
	b.Run(t, chromedp.KeyEvent(kb.ArrowDown)) // Osobní asistence
	// A radio group is one Tab stop; the arrow keys move along the scale.
	tabTo(t, b, "#"+field["spokojenost"]+"-1")
	b.Run(t, chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight))
	var checked bool
	b.Run(t, chromedp.Evaluate(`document.getElementById('`+field["spokojenost"]+`-3').checked`, &checked))
	if !checked || !strings.HasPrefix(b.Text(t, "label[for="+field["spokojenost"]+"-3]"), "3") {
		t.Fatal("the arrow keys did not choose 3 on the scale")
	}
	b.Run(t, chromedp.Evaluate(`document.querySelector('.survey-q[data-code="zlepsit"]').hidden`, &hidden))
	if hidden {
		t.Fatal("the conditional question did not appear after answering 3")
	}
	tabTo(t, b, "#"+field["zlepsit"])
	b.Run(t, chromedp.KeyEvent("Delší provozní doba."))
	for row := 1; row <= 3; row++ {
		tabTo(t, b, fmt.Sprintf("#%s-r%d-1", field["vyroky"], row))
		b.Run(t, chromedp.KeyEvent(" "))
	}
	tabTo(t, b, "#"+field["dulezite"]+"-o3")
	b.Run(t, chromedp.KeyEvent(kb.ArrowDown)) // 1. místo
	tabTo(t, b, `.survey-form button[type=submit]`)
	b.Axe(t)
	b.Run(t, chromedp.KeyEvent(kb.Enter))
	b.WaitFor(t, `location.pathname.endsWith('/dekujeme')`)
	b.WaitFor(t, `document.readyState === 'complete'`)
	if got := b.Text(t, "h1"); got != "Děkujeme" {
		t.Fatalf("after sending: h1 %q", got)
	}
	b.Axe(t)
	res, _ := h.Results(ctx, v.ID)
	if res.Responses != before+1 {
		t.Fatalf("responses %d → %d", before, res.Responses)
	}
	if q := res.Of("zlepsit"); q.Answered == 0 {
		t.Error("the conditional answer was not stored")
	}

	// Without JavaScript: every question shows, the condition in words.
	b.Run(t, emulation.SetScriptExecutionDisabled(true))
	b.Navigate(t, ts.URL+v.RespondURL())
	b.Run(t, chromedp.Evaluate(`document.querySelector('.survey-q[data-code="zlepsit"]').hidden`, &hidden))
	if hidden || !strings.Contains(b.Text(t, "main"), "Odpovězte, jen pokud jste v otázce 3 zvolili 1 nebo 2 nebo 3.") {
		t.Fatal("without JavaScript the conditional question or its sentence is missing")
	}
	b.Click(t, "label[for="+field["skupina"]+"-2]")
	b.Click(t, "label[for="+field["sluzba"]+"-4]")
	b.Click(t, "label[for="+field["spokojenost"]+"-5]")
	b.ClickAndWait(t, `.survey-form button[type=submit]`)
	if got := b.Text(t, "h1"); got != "Děkujeme" {
		t.Fatalf("without JavaScript: h1 %q", got)
	}
	b.Run(t, emulation.SetScriptExecutionDisabled(false))
	if res, _ = h.Results(ctx, v.ID); res.Responses != before+2 {
		t.Fatalf("responses without JavaScript: %d", res.Responses)
	}
	screenshot(t, b, "survey-thanks")
}

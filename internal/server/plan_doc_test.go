package server

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kpss/internal/plan"
	"kpss/internal/storetest"
)

// pdfText extracts a PDF's text with pdftotext (poppler-utils).
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("KPSS_REQUIRE_BROWSER") == "1" {
			t.Fatalf("pdftotext not found (install poppler-utils)")
		}
		t.Skip("pdftotext not found (install poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	// Table cells wrap; compare the words.
	return strings.Join(strings.Fields(string(out)), " ")
}

// The plan document and the evaluation report come out as a page and a PDF
// with Czech diacritics, a table of contents and page numbers; each
// generation is kept as a version.
func TestGeneratedPlanDocuments(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			s := planSvc(e)
			ctx := e.asUser("koordinator")
			per, _ := s.CurrentPeriod(ctx)
			doc, err := s.GenerateDocument(ctx, plan.DocPlan, per.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, doc.PDF)
			for _, want := range []string{"Komunitní plán sociálních služeb ORP Otrokovice 2026–2028", "Obsah", "Úvod", "Cílová skupina: Senioři",
				"Cílová skupina: Osoby se zdravotním postižením", "Priorita SEN 1: Život seniorů doma co nejdéle", "Pečovatelská služba i o víkendech a svátcích",
				"Přeprava vozíčkářů – automobil s plošinou", "Startovací byty", "Souhrn nákladů", "Charita sv. Anežky Otrokovice", "Strana 1 z"} {
				if !strings.Contains(text, want) {
					t.Errorf("plan PDF lacks %q", want)
				}
			}
			if !strings.Contains(doc.HTML, "<h3 id=") || !strings.Contains(doc.HTML, "Cílová skupina: Rodiny s dětmi") {
				t.Error("plan HTML lacks its headings")
			}
			old, _ := s.Periods(ctx)
			var prev plan.Period
			for _, p := range old {
				if !p.Current {
					prev = p
				}
			}
			ev, err := s.GenerateDocument(ctx, plan.DocEvaluation, prev.ID, 2025)
			if err != nil {
				t.Fatal(err)
			}
			text = pdfText(t, ev.PDF)
			for _, want := range []string{"Hodnotící zpráva komunitního plánu ORP Otrokovice za rok 2025", "Plnění opatření", "Ukazatele", "splněno částečně",
				"Odstraněno 16 z 20 plánovaných bariér", "Včasná varování", "Pořadník vzrostl z 14 na 22", "Domov se zvláštním režimem SENIOR", "Hlas uživatelů a obcí",
				"Ukazatele projektu KPSS", "Strana 2 z"} {
				if !strings.Contains(text, want) {
					t.Errorf("evaluation PDF lacks %q", want)
				}
			}
			again, err := s.GenerateDocument(ctx, plan.DocEvaluation, prev.ID, 2025)
			if err != nil || again.Version != 2 {
				t.Fatalf("second generation: %+v %v", again, err)
			}
			docs, _ := s.Documents(context.Background())
			if len(docs) != 3 {
				t.Fatalf("kept documents = %d", len(docs))
			}
			first, err := s.Document(context.Background(), ev.ID)
			if err != nil || !bytes.Equal(first.PDF, ev.PDF) {
				t.Fatal("the first version's PDF is not kept as it was")
			}
			c := e.session("ridici")
			rec := e.do("GET", fmt.Sprintf("/plan/dokumenty/%d/pdf", ev.ID), nil, c)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) {
				t.Fatalf("PDF download: %d %s", rec.Code, rec.Header().Get("Content-Type"))
			}
			page := e.do("GET", fmt.Sprintf("/plan/dokumenty/%d", ev.ID), nil, c).Body.String()
			if !strings.Contains(page, "Plnění opatření") || !strings.Contains(page, "Obsah") {
				t.Fatal("document page lacks its content")
			}
		})
	}
}

// The round's spreadsheet has one row per service; the CSV import of
// indicator values is all or nothing.
func TestRoundExportAndIndicatorImport(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	s := planSvc(e)
	rounds, _ := s.Rounds(context.Background())
	c := e.session("koordinator")
	rec := e.do("GET", fmt.Sprintf("/monitoring/kola/%d/export.xlsx", rounds[0].ID), nil, c)
	if rec.Code != 200 {
		t.Fatalf("export: %d", rec.Code)
	}
	x, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Kolo 2025")
	if err != nil {
		t.Fatal(err)
	}
	svcs, _ := s.Services(context.Background(), 0, true)
	if len(rows) != len(svcs)+1 || rows[0][0] != "Služba" || !strings.Contains(strings.Join(rows[0], "|"), "Čekatelé na konci roku") {
		t.Fatalf("sheet has %d rows, header %v", len(rows), rows[0])
	}
	found := false
	for _, r := range rows {
		if r[0] == "Pečovatelská služba Charity Otrokovice" && r[9] == "134" && r[12] == "22" {
			found = true
		}
	}
	if !found {
		t.Error("the Charita home care row is missing or wrong")
	}
	if rec := e.do("GET", fmt.Sprintf("/monitoring/kola/%d/export.xlsx", rounds[0].ID), nil, e.session("poskytovatel")); rec.Code != http.StatusForbidden {
		t.Fatalf("provider downloads the whole round: %d", rec.Code)
	}
	// CSV import.
	_, ms := planIDs(t, e)
	m, _ := s.Measure(context.Background(), ms["OZP 1.1"])
	ind := m.Indicators[0].ID
	computed, _ := s.Measure(context.Background(), ms["SEN 1.2"])
	upload := func(body string) *httptest.ResponseRecorder {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "hodnoty.csv")
		fw.Write([]byte(body))
		mw.Close()
		req := httptest.NewRequest("POST", "/plan/ukazatele/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(c)
		rr := httptest.NewRecorder()
		e.srv.ServeHTTP(rr, req)
		return rr
	}
	bad := fmt.Sprintf("\xef\xbb\xbfukazatel;rok;hodnota;poznámka\n%d;2026;640;evidence CZP\n%d;2026;dvě stě;\n", ind, ind)
	if rr := upload(bad); rr.Code != http.StatusUnprocessableEntity || !strings.Contains(rr.Body.String(), "Řádek 3") {
		t.Fatalf("bad CSV: %d", rr.Code)
	}
	vals, _ := s.ComputeValues(context.Background(), []plan.Measure{*m}, 2026)
	if _, ok := vals[ind]; ok {
		t.Fatal("a failed import stored a value")
	}
	if rr := upload(fmt.Sprintf("%d;2026;40;\n", computed.Indicators[0].ID)); rr.Code != http.StatusUnprocessableEntity || !strings.Contains(rr.Body.String(), "počítá z výkazů") {
		t.Fatalf("import into a computed indicator: %d", rr.Code)
	}
	if rr := upload(fmt.Sprintf("%d;2026;640,5;evidence CZP\n", ind)); rr.Code != http.StatusSeeOther {
		t.Fatalf("good CSV: %d %s", rr.Code, rr.Body.String())
	}
	vals, _ = s.ComputeValues(context.Background(), []plan.Measure{*m}, 2026)
	if vals[ind] != 640.5 {
		t.Fatalf("imported value = %v", vals[ind])
	}
}

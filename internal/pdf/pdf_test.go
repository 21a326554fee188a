package pdf_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kpss/internal/pdf"
)

const pangram = "Příliš žluťoučký kůň úpěl ďábelské ódy"

var fixedNow = func() time.Time { return time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC) }

// requireTool finds a poppler tool; CI sets KPSS_REQUIRE_BROWSER=1 so that a
// missing tool fails instead of silently skipping the check.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("KPSS_REQUIRE_BROWSER") == "1" {
			t.Fatalf("%s not found (install poppler-utils): %v", name, err)
		}
		t.Skipf("%s not found (install poppler-utils); set KPSS_REQUIRE_BROWSER=1 to fail instead", name)
	}
	return path
}

func report() *pdf.Doc {
	d := pdf.New("Komunitní plán sociálních služeb ORP Příklad 2026–2028", pdf.Options{
		Author: "Odbor sociálních věcí", Subject: "Monitorovací zpráva", TOC: true, Now: fixedNow,
	})
	d.Heading(1, "Úvod")
	d.Paragraph(pangram + ". Ěščřžýáíéůúňťď ĚŠČŘŽÝÁÍÉŮÚŇŤĎ „uvozovky“ – pomlčka…")
	d.KeyValue([][2]string{{"Zadavatel", "Město Příklad"}, {"Období", "2026–2028"}})
	d.Heading(2, "Cíle plánu")
	d.Paragraph(strings.Repeat("Plán popisuje priority, opatření a aktivity v sociálních službách. ", 12))
	d.PageBreak()
	d.Heading(1, "Přehled služeb")
	rows := make([][]string, 70)
	for i := range rows {
		rows[i] = []string{
			fmt.Sprintf("Služba č. %d", i+1),
			"Charita Příklad, o. p. s.",
			strings.Repeat("terénní a ambulantní forma, ", 1+i%4),
		}
	}
	rows[3][2] = "Dlouhý popis: " + strings.Repeat("odlehčovací služby pro seniory a osoby se zdravotním postižením, ", 5) + "KONEC BUŇKY"
	d.Table([]string{"Služba", "Poskytovatel", "Forma poskytování"}, rows, []float64{1, 1.5, 2})
	d.Heading(1, "Závěr")
	d.Paragraph("Zpracoval řídící tým KPSS.")
	return d
}

func render(t *testing.T, d *pdf.Doc) string {
	t.Helper()
	var buf bytes.Buffer
	n, err := d.WriteTo(&buf)
	if err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	if n != int64(buf.Len()) || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("WriteTo wrote %d bytes, reported %d, prefix %q", buf.Len(), n, buf.Bytes()[:min(8, buf.Len())])
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pages returns the text of each page as pdftotext extracts it; flags such
// as -layout are passed on.
func pages(t *testing.T, path string, flags ...string) []string {
	t.Helper()
	args := append([]string{"-enc", "UTF-8"}, flags...)
	out, err := exec.Command(requireTool(t, "pdftotext"), append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	ps := strings.Split(string(out), "\f")
	if len(ps) > 0 && strings.TrimSpace(ps[len(ps)-1]) == "" {
		ps = ps[:len(ps)-1]
	}
	return ps
}

var space = regexp.MustCompile(`\s+`)

func flat(s string) string { return space.ReplaceAllString(s, " ") }

func TestReportTextHasCzechAndPageNumbers(t *testing.T) {
	path := render(t, report())
	ps := pages(t, path)
	all := flat(strings.Join(ps, "\n"))
	if len(ps) < 4 {
		t.Fatalf("got %d pages, want at least 4 (TOC, body, a long table)", len(ps))
	}
	for _, want := range []string{
		pangram,
		"Ěščřžýáíéůúňťď ĚŠČŘŽÝÁÍÉŮÚŇŤĎ „uvozovky“ – pomlčka…",
		"Obsah", "Úvod", "Cíle plánu", "Přehled služeb", "Závěr",
		"Zadavatel", "Město Příklad",
		"KONEC BUŇKY",
		"Strana 1 z ",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	for i, p := range ps {
		if want := fmt.Sprintf("Strana %d z %d", i+1, len(ps)); !strings.Contains(p, want) {
			t.Errorf("page %d lacks footer %q", i+1, want)
		}
	}
}

func TestReportTableOfContentsPointsToPages(t *testing.T) {
	// -layout keeps a TOC title and its page number on one line.
	ps := pages(t, render(t, report()), "-layout")
	toc := flat(ps[0])
	if !strings.Contains(toc, "Obsah") {
		t.Fatalf("first page has no table of contents: %q", toc)
	}
	for _, h := range []string{"Úvod", "Cíle plánu", "Přehled služeb", "Závěr"} {
		page := 0
		for i, p := range ps[1:] { // the heading itself, not its TOC entry
			if regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(h) + `\s*$`).MatchString(p) {
				page = i + 2
				break
			}
		}
		if page == 0 {
			t.Errorf("heading %q not found in the body", h)
			continue
		}
		if !regexp.MustCompile(regexp.QuoteMeta(h) + ` \d+`).MatchString(toc) {
			t.Errorf("TOC lacks a page number for %q: %q", h, toc)
			continue
		}
		if want := fmt.Sprintf("%s %d", h, page); !strings.Contains(toc, want) {
			t.Errorf("TOC entry for %q does not say page %d: %q", h, page, toc)
		}
	}
}

func TestTableHeaderRepeatsOnEveryPage(t *testing.T) {
	ps := pages(t, render(t, report()))
	var tablePages int
	for i, p := range ps {
		if !strings.Contains(p, "Charita Příklad") {
			continue
		}
		tablePages++
		if !strings.Contains(p, "Forma poskytování") {
			t.Errorf("page %d has table rows but no header row", i+1)
		}
	}
	if tablePages < 2 {
		t.Errorf("table spans %d pages, want a test table that breaks", tablePages)
	}
	all := flat(strings.Join(ps, " "))
	for i := 1; i <= 70; i++ {
		if !strings.Contains(all, fmt.Sprintf("Služba č. %d ", i)) {
			t.Errorf("row %d lost", i)
		}
	}
}

func TestMetadata(t *testing.T) {
	path := render(t, report())
	out, err := exec.Command(requireTool(t, "pdfinfo"), "-enc", "UTF-8", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	info := string(out)
	for _, re := range []string{
		`(?m)^Title:\s+Komunitní plán sociálních služeb ORP Příklad 2026–2028$`,
		`(?m)^Author:\s+Odbor sociálních věcí$`,
		`(?m)^Creator:\s+kpss$`,
		`(?m)^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)`,
	} {
		if !regexp.MustCompile(re).MatchString(info) {
			t.Errorf("pdfinfo lacks %s:\n%s", re, info)
		}
	}
}

func TestWithoutTOCBodyStartsOnFirstPage(t *testing.T) {
	d := pdf.New("Zápis", pdf.Options{Now: fixedNow})
	d.Heading(1, "Usnesení")
	d.Paragraph(pangram)
	ps := pages(t, render(t, d))
	if len(ps) != 1 {
		t.Fatalf("got %d pages, want 1", len(ps))
	}
	if strings.Contains(ps[0], "Obsah") || !strings.Contains(ps[0], pangram) || !strings.Contains(ps[0], "Strana 1 z 1") {
		t.Errorf("page text = %q", ps[0])
	}
}

// A cell taller than a page continues on the next page instead of running
// off the bottom or looping.
func TestTableRowTallerThanPage(t *testing.T) {
	d := pdf.New("Dlouhá buňka", pdf.Options{Now: fixedNow})
	long := ""
	for i := 1; i <= 150; i++ {
		long += fmt.Sprintf("řádek%d\n", i)
	}
	d.Table([]string{"Název", "Text"}, [][]string{{"A", long}, {"B", "konec"}}, nil)
	ps := pages(t, render(t, d))
	if len(ps) < 3 {
		t.Fatalf("got %d pages, want the cell spread over at least 3", len(ps))
	}
	all := flat(strings.Join(ps, " "))
	for _, want := range []string{"řádek1 ", "řádek75 ", "řádek150 ", "konec"} {
		if !strings.Contains(all, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

func TestOutputIsReproducible(t *testing.T) {
	var a, b bytes.Buffer
	if _, err := report().WriteTo(&a); err != nil {
		t.Fatal(err)
	}
	if _, err := report().WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders of the same document with the same clock differ")
	}
}

func BenchmarkReport(b *testing.B) {
	for b.Loop() {
		var buf bytes.Buffer
		if _, err := report().WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

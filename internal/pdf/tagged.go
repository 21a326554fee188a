package pdf

import (
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Accessible (tagged) PDFs. fpdf writes no structure tree, so a screen
// reader gets the text of a page as one run, without headings, tables or
// language (Czech law 99/2019 Sb. asks for more). A document built with
// Options.Tagged keeps an HTML rendition of the same content beside the fpdf
// one and, where headless Chromium is installed, prints that: Chromium's PDF
// is tagged (a structure tree with H1–H4, P, Table/TR/TH/TD with scopes,
// reading order, /Lang from <html lang>, the title from <title> shown as the
// window title), with the document outline as bookmarks and "Strana X z Y"
// in the footer. Without Chromium (or when printing fails) the fpdf layout
// is written, as before. The Chromium binary is KPSS_CHROMIUM, else chromium
// (or chromium-browser, google-chrome) on PATH; KPSS_PDF_ENGINE=fpdf turns
// printing through Chromium off.

var chromium struct {
	once sync.Once
	path string
}

// chromiumPath is the browser that prints tagged PDFs, or "".
func chromiumPath() string {
	chromium.once.Do(func() {
		if os.Getenv("KPSS_PDF_ENGINE") == "fpdf" {
			return
		}
		if p := os.Getenv("KPSS_CHROMIUM"); p != "" {
			chromium.path = p
			return
		}
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				chromium.path = p
				return
			}
		}
	})
	return chromium.path
}

// TaggedAvailable says whether documents with Options.Tagged come out tagged.
func TaggedAvailable() bool { return chromiumPath() != "" }

// printSem keeps at most two browsers printing at once (each is a process).
var printSem = make(chan struct{}, 2)

// htmlDoc is the HTML rendition of a Doc.
func (d *Doc) htmlDoc() string {
	var b strings.Builder
	esc := html.EscapeString
	lines := func(s string) string { return strings.ReplaceAll(esc(s), "\n", "<br>") }
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>%s</title>`, esc(d.opts.Lang), esc(d.title))
	if d.opts.Author != "" {
		fmt.Fprintf(&b, `<meta name="author" content="%s">`, esc(d.opts.Author))
	}
	if d.opts.Subject != "" {
		fmt.Fprintf(&b, `<meta name="description" content="%s">`, esc(d.opts.Subject))
	}
	b.WriteString(`<style>
@page { size: A4; margin: 20mm 18mm 18mm 18mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.4; color: #000; }
h1 { font-size: 20pt; margin: 0 0 6mm; } h2 { font-size: 15pt; margin: 7mm 0 3mm; break-after: avoid; }
h3 { font-size: 12pt; margin: 5mm 0 2mm; break-after: avoid; } h4 { font-size: 10.5pt; margin: 4mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2.5mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 4mm; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 1.6mm; }
table.grid th, table.grid td { border: 0.3mm solid #555; } table.grid thead th { background: #e8e8e8; }
table.kv th { width: 33%; font-weight: bold; }
tr { break-inside: avoid; } thead { display: table-header-group; }
nav.toc ol { list-style: none; padding: 0; } nav.toc li.l2 { padding-left: 5mm; } nav.toc li.l3 { padding-left: 10mm; }
nav.toc a { color: #000; text-decoration: none; }
.page-break { break-after: page; }
</style></head><body>`)
	fmt.Fprintf(&b, "<h1>%s</h1>\n", esc(d.title))
	if d.opts.TOC && len(d.headings) > 0 {
		toc := "Obsah"
		if !strings.HasPrefix(d.opts.Lang, "cs") {
			toc = "Contents"
		}
		fmt.Fprintf(&b, `<nav class="toc" aria-labelledby="toc"><h2 id="toc">%s</h2><ol>`, toc)
		for i, h := range d.headings {
			fmt.Fprintf(&b, `<li class="l%d"><a href="#h%d">%s</a></li>`, h.level, i, esc(h.text))
		}
		b.WriteString("</ol></nav><div class=\"page-break\"></div>\n")
	}
	// The title is the h1; the highest level used comes next (h2), so no
	// level is skipped whatever levels the document starts with.
	top := 3
	for _, h := range d.headings {
		top = min(top, h.level)
	}
	for _, op := range d.html {
		switch op.kind {
		case "h":
			n := op.level - top + 2
			fmt.Fprintf(&b, "<h%d id=\"h%d\">%s</h%d>\n", n, op.index, esc(op.text), n)
		case "p":
			fmt.Fprintf(&b, "<p>%s</p>\n", lines(op.text))
		case "table":
			b.WriteString(`<table class="grid">`)
			if len(op.headers) > 0 {
				b.WriteString("<thead><tr>")
				for _, h := range op.headers {
					fmt.Fprintf(&b, `<th scope="col">%s</th>`, lines(h))
				}
				b.WriteString("</tr></thead>")
			}
			b.WriteString("<tbody>")
			for _, row := range op.rows {
				b.WriteString("<tr>")
				for _, c := range row {
					fmt.Fprintf(&b, "<td>%s</td>", lines(c))
				}
				b.WriteString("</tr>")
			}
			b.WriteString("</tbody></table>\n")
		case "kv":
			b.WriteString(`<table class="kv"><tbody>`)
			for _, row := range op.rows {
				fmt.Fprintf(&b, `<tr><th scope="row">%s</th><td>%s</td></tr>`, lines(row[0]), lines(row[1]))
			}
			b.WriteString("</tbody></table>\n")
		case "break":
			b.WriteString("<div class=\"page-break\"></div>\n")
		}
	}
	b.WriteString("</body></html>")
	return b.String()
}

// htmlOp is one piece of the HTML rendition.
type htmlOp struct {
	kind         string // h, p, table, kv, break
	level, index int
	text         string
	headers      []string
	rows         [][]string
}

// printTagged prints the HTML rendition through headless Chromium.
func (d *Doc) printTagged(path string) ([]byte, error) {
	printSem <- struct{}{}
	defer func() { <-printSem }()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("font-render-hinting", "none"))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	doc := d.htmlDoc()
	footer := fmt.Sprintf(`<div style="font-size:8pt;width:100%%;text-align:center;color:#444">%s <span class="pageNumber"></span> %s <span class="totalPages"></span></div>`,
		pageWord(d.opts.Lang), ofWord(d.opts.Lang))
	header := fmt.Sprintf(`<div style="font-size:8pt;width:100%%;margin:0 18mm;color:#444">%s</div>`, html.EscapeString(d.title))
	var out []byte
	err := chromedp.Run(bctx, chromedp.Navigate("about:blank"), chromedp.ActionFunc(func(ctx context.Context) error {
		tree, err := page.GetFrameTree().Do(ctx)
		if err != nil {
			return err
		}
		if err := page.SetDocumentContent(tree.Frame.ID, doc).Do(ctx); err != nil {
			return err
		}
		out, _, err = page.PrintToPDF().WithPaperWidth(8.27).WithPaperHeight(11.69).WithPreferCSSPageSize(true).
			WithDisplayHeaderFooter(true).WithHeaderTemplate(header).WithFooterTemplate(footer).
			WithGenerateTaggedPDF(true).WithGenerateDocumentOutline(true).WithPrintBackground(true).Do(ctx)
		return err
	}))
	if err != nil {
		return nil, fmt.Errorf("pdf: printing through %s: %w", path, err)
	}
	return out, nil
}

func pageWord(lang string) string {
	if strings.HasPrefix(lang, "cs") {
		return "Strana"
	}
	return "Page"
}

func ofWord(lang string) string {
	if strings.HasPrefix(lang, "cs") {
		return "z"
	}
	return "of"
}

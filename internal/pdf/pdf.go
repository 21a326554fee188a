// Package pdf builds simple A4 reports (headings, paragraphs, tables, a table
// of contents) with fonts that cover Czech, over codeberg.org/go-pdf/fpdf.
//
// The Doc records content and lays it out only in WriteTo, so that page
// numbers ("Strana X z Y", the table of contents) are known: it renders until
// the numbers no longer change, which is twice in practice.
package pdf

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// Options describe the document as a whole.
type Options struct {
	Author  string // document metadata
	Subject string // document metadata
	Lang    string // BCP 47 language of the text; empty means "cs"
	// TOC puts a table of contents ("Obsah") of all headings on the first
	// page, after the title; the body starts on a new page.
	TOC bool
	// Now gives the creation date; nil means time.Now. Tests replace it.
	Now func() time.Time
	// Tagged prints the document as an accessible, tagged PDF through
	// headless Chromium where it is installed (see tagged.go); else, and
	// when false, fpdf lays it out.
	Tagged bool
}

// Doc is a document being built. It is not safe for concurrent use.
type Doc struct {
	title    string
	opts     Options
	ops      []func(*renderer)
	headings []heading
	html     []htmlOp // the same content for the tagged rendition
	// Engine is what wrote the last WriteTo: "chromium" (tagged) or "fpdf".
	Engine string
}

type heading struct {
	level int
	text  string
}

// New starts a document; title is the metadata title, the big title on the
// first page and the running header of the other pages.
func New(title string, opts Options) *Doc {
	if opts.Lang == "" {
		opts.Lang = "cs"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Doc{title: title, opts: opts}
}

// Heading adds a heading of level 1 (chapter) to 3 (lowest); other levels are
// clamped. Headings appear in the table of contents and the PDF outline.
func (d *Doc) Heading(level int, text string) {
	level = min(max(level, 1), 3)
	i := len(d.headings)
	d.headings = append(d.headings, heading{level, text})
	d.ops = append(d.ops, func(r *renderer) { r.heading(i) })
	d.html = append(d.html, htmlOp{kind: "h", level: level, index: i, text: text})
}

// Paragraph adds wrapped body text; "\n" starts a new line.
func (d *Doc) Paragraph(text string) {
	d.ops = append(d.ops, func(r *renderer) { r.paragraph(text) })
	d.html = append(d.html, htmlOp{kind: "p", text: text})
}

// Table adds a bordered table. widths are relative column widths scaled to
// the text width; nil (or a wrong count) means equal columns. Cells wrap; the
// header row repeats on every page the table spans.
func (d *Doc) Table(headers []string, rows [][]string, widths []float64) {
	d.ops = append(d.ops, func(r *renderer) {
		r.grid(gridSpec{headers: headers, rows: rows, widths: widths, border: true})
	})
	d.html = append(d.html, htmlOp{kind: "table", headers: headers, rows: rows})
}

// KeyValue adds label–value pairs (e.g. "Poskytovatel: Charita"), labels in
// bold, values wrapped.
func (d *Doc) KeyValue(pairs [][2]string) {
	rows := make([][]string, len(pairs))
	for i, p := range pairs {
		rows[i] = []string{p[0], p[1]}
	}
	d.ops = append(d.ops, func(r *renderer) {
		r.grid(gridSpec{rows: rows, widths: []float64{1, 2}, boldFirstColumn: true})
	})
	d.html = append(d.html, htmlOp{kind: "kv", rows: rows})
}

// PageBreak starts a new page.
func (d *Doc) PageBreak() {
	d.ops = append(d.ops, func(r *renderer) { r.f.AddPage() })
	d.html = append(d.html, htmlOp{kind: "break"})
}

// WriteTo lays the document out and writes the PDF to w. It implements
// io.WriterTo; the count is of bytes written to w.
func (d *Doc) WriteTo(w io.Writer) (int64, error) {
	if path := chromiumPath(); d.opts.Tagged && path != "" {
		if b, err := d.printTagged(path); err == nil {
			d.Engine = "chromium"
			n, err := w.Write(b)
			return int64(n), err
		}
		// A browser that fails (missing libraries, a timeout) leaves the
		// untagged layout, so the document still arrives.
	}
	d.Engine = "fpdf"
	var (
		r     *renderer
		pages []int // page of each heading, from the previous pass
		total int
	)
	// Numbers printed in a pass come from the one before; stop when the
	// pass confirms them. A fixed bound guards against oscillation.
	for pass := 0; pass < 4; pass++ {
		r = d.render(pages, total)
		if err := r.f.Error(); err != nil {
			return 0, fmt.Errorf("pdf: %w", err)
		}
		if pass > 0 && r.f.PageCount() == total && slices.Equal(r.pages, pages) {
			break
		}
		pages, total = r.pages, r.f.PageCount()
	}
	cw := &countingWriter{w: w}
	if err := r.f.Output(cw); err != nil {
		return cw.n, fmt.Errorf("pdf: %w", err)
	}
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Layout in millimetres and points.
const (
	family      = "go"
	marginSide  = 20.0
	marginTop   = 20.0
	marginBot   = 20.0
	bodySize    = 11.0
	bodyLine    = 5.5
	tableSize   = 10.0
	tableLine   = 5.0
	cellPadding = 1.5
	tocNumWidth = 12.0
)

var headingStyle = [...]struct{ size, line, before, after float64 }{
	1: {16, 8, 6, 2},
	2: {13, 6.5, 5, 1.5},
	3: {11.5, 6, 4, 1},
}

type renderer struct {
	d        *Doc
	f        *fpdf.Fpdf
	oldPages []int // heading pages printed in the table of contents
	total    int   // page count printed in footers
	pages    []int // heading pages found in this pass
	links    []int
	outline  int // level of the last bookmark, to keep the outline a tree
}

func (d *Doc) render(oldPages []int, total int) *renderer {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	r := &renderer{d: d, f: f, oldPages: oldPages, total: total, pages: make([]int, len(d.headings)), outline: -1}
	f.AddUTF8FontFromBytes(family, "", goregular.TTF)
	f.AddUTF8FontFromBytes(family, "B", gobold.TTF)
	f.AddUTF8FontFromBytes(family, "I", goitalic.TTF)
	f.SetMargins(marginSide, marginTop, marginSide)
	f.SetAutoPageBreak(true, marginBot)
	now := d.opts.Now()
	f.SetCreationDate(now)
	f.SetModificationDate(now)
	f.SetCatalogSort(true)
	f.SetTitle(d.title, true)
	f.SetAuthor(d.opts.Author, true)
	f.SetSubject(d.opts.Subject, true)
	f.SetCreator("kpss", true)
	f.SetLang(d.opts.Lang)
	f.SetHeaderFunc(r.header)
	f.SetFooterFunc(r.footer)
	for range d.headings {
		r.links = append(r.links, f.AddLink())
	}

	f.AddPage()
	f.SetFont(family, "B", 20)
	f.MultiCell(0, 9, d.title, "", "L", false)
	f.Ln(4)
	if d.opts.TOC {
		r.toc()
		f.AddPage()
	}
	for _, op := range d.ops {
		op(r)
	}
	return r
}

// header repeats the title on every page but the first, which shows it big.
func (r *renderer) header() {
	f := r.f
	if f.PageNo() == 1 {
		return
	}
	f.SetFont(family, "", 8)
	f.SetTextColor(80, 80, 80)
	f.SetXY(marginSide, 10)
	f.CellFormat(0, 5, r.fit(r.d.title, r.width()-2), "B", 0, "L", false, 0, "")
	f.SetTextColor(0, 0, 0)
	f.SetXY(marginSide, marginTop)
}

func (r *renderer) footer() {
	f := r.f
	f.SetFont(family, "", 8)
	f.SetTextColor(80, 80, 80)
	f.SetY(-13)
	f.CellFormat(0, 5, fmt.Sprintf("Strana %d z %d", f.PageNo(), r.total), "", 0, "C", false, 0, "")
	f.SetTextColor(0, 0, 0)
}

// width is the text width of the page.
func (r *renderer) width() float64 {
	w, _ := r.f.GetPageSize()
	return w - 2*marginSide
}

// bottom is where the automatic page break happens.
func (r *renderer) bottom() float64 {
	_, h := r.f.GetPageSize()
	return h - marginBot
}

// fit shortens s with an ellipsis to fit width w in the current font.
func (r *renderer) fit(s string, w float64) string {
	if r.f.GetStringWidth(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && r.f.GetStringWidth(string(rs)+"…") > w {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimSpace(string(rs)) + "…"
}

func (r *renderer) toc() {
	f := r.f
	f.SetFont(family, "B", headingStyle[1].size)
	r.bookmark("Obsah", 1)
	f.MultiCell(0, headingStyle[1].line, "Obsah", "", "L", false)
	f.Ln(2)
	for i, h := range r.d.headings {
		indent := float64(h.level-1) * 6
		titleW := r.width() - indent - tocNumWidth
		style := ""
		if h.level == 1 {
			style = "B"
		}
		f.SetFont(family, style, bodySize)
		lines := nonEmpty(f.SplitText(h.text, titleW))
		page := ""
		if i < len(r.oldPages) {
			page = fmt.Sprint(r.oldPages[i])
		}
		for j, line := range lines {
			f.SetX(marginSide + indent)
			if j < len(lines)-1 {
				f.CellFormat(titleW, bodyLine, line, "", 1, "L", false, r.links[i], "")
				continue
			}
			f.CellFormat(titleW, bodyLine, line, "", 0, "L", false, r.links[i], "")
			// Dotted leader drawn, not typed, so that text extraction and
			// screen readers get "title page" without a row of dots.
			x0 := marginSide + indent + f.GetStringWidth(line) + 3
			x1 := marginSide + r.width() - tocNumWidth + 1
			if x1 > x0 {
				y := f.GetY() + bodyLine*0.7
				f.SetDashPattern([]float64{0.3, 1.2}, 0)
				f.Line(x0, y, x1, y)
				f.SetDashPattern(nil, 0)
			}
			f.CellFormat(tocNumWidth, bodyLine, page, "", 1, "R", false, r.links[i], "")
		}
	}
}

func (r *renderer) bookmark(text string, level int) {
	// fpdf builds the outline tree from levels; a jump of more than one
	// level (heading 1 then 3) would break it.
	level = min(level-1, r.outline+1)
	r.outline = level
	r.f.Bookmark(text, level, -1)
}

func (r *renderer) heading(i int) {
	f := r.f
	h := r.d.headings[i]
	st := headingStyle[h.level]
	f.SetFont(family, "B", st.size)
	lines := nonEmpty(f.SplitText(h.text, r.width()))
	height := float64(len(lines)) * st.line
	// Keep a heading with the first lines of what follows it.
	if f.GetY()+st.before+height+3*bodyLine > r.bottom() {
		f.AddPage()
	} else if f.GetY() > marginTop+0.01 {
		f.Ln(st.before)
	}
	f.SetFont(family, "B", st.size) // AddPage may reset it
	f.SetLink(r.links[i], -1, -1)
	r.bookmark(h.text, h.level)
	r.pages[i] = f.PageNo()
	f.MultiCell(0, st.line, h.text, "", "L", false)
	f.Ln(st.after)
}

func (r *renderer) paragraph(text string) {
	r.f.SetFont(family, "", bodySize)
	r.f.MultiCell(0, bodyLine, strings.TrimRight(text, "\r\n"), "", "L", false)
	r.f.Ln(2.5)
}

type gridSpec struct {
	headers         []string
	rows            [][]string
	widths          []float64
	border          bool
	boldFirstColumn bool
}

// grid draws a table row by row, breaking pages itself so that a row is
// never cut by fpdf's automatic break and the header repeats.
func (r *renderer) grid(g gridSpec) {
	f := r.f
	cols := len(g.headers)
	for _, row := range g.rows {
		cols = max(cols, len(row))
	}
	if cols == 0 {
		return
	}
	widths := r.columnWidths(g.widths, cols)

	auto, margin := f.GetAutoPageBreak()
	f.SetAutoPageBreak(false, margin)
	defer f.SetAutoPageBreak(auto, margin)

	split := func(cells []string, header bool) [][]string {
		out := make([][]string, cols)
		for c := range cols {
			text := ""
			if c < len(cells) {
				text = cells[c]
			}
			f.SetFont(family, r.cellStyle(g, c, header), tableSize)
			out[c] = nonEmpty(f.SplitText(text, widths[c]))
		}
		return out
	}
	var header [][]string
	if len(g.headers) > 0 {
		header = split(g.headers, true)
	}
	drawHeader := func() {
		if header != nil {
			r.row(g, widths, header, true)
		}
	}

	fresh := f.GetY() <= marginTop+0.01 // nothing above the table on this page
	if len(g.rows) > 0 {
		// Do not leave a header alone at the bottom of a page.
		first := split(g.rows[0], false)
		if !fresh && f.GetY()+rowHeight(header)+rowHeight(first) > r.bottom() {
			f.AddPage()
		}
	}
	drawHeader()
	fresh = true
	for _, cells := range g.rows {
		lines := split(cells, false)
		for {
			if f.GetY()+rowHeight(lines) <= r.bottom() {
				r.row(g, widths, lines, false)
				fresh = false
				break
			}
			if !fresh {
				f.AddPage()
				drawHeader()
				fresh = true
				continue
			}
			// Taller than a whole page: draw what fits, continue overleaf.
			fit := max(int((r.bottom()-f.GetY()-2*cellPadding)/tableLine), 1)
			head, tail := cutLines(lines, fit)
			r.row(g, widths, head, false)
			f.AddPage()
			drawHeader()
			if tail == nil {
				break
			}
			lines = tail
		}
	}
	f.SetFont(family, "", bodySize)
	f.Ln(4)
}

func (r *renderer) cellStyle(g gridSpec, col int, header bool) string {
	if header || (g.boldFirstColumn && col == 0) {
		return "B"
	}
	return ""
}

// columnWidths scales relative widths to the text width.
func (r *renderer) columnWidths(rel []float64, cols int) []float64 {
	sum := 0.0
	for _, w := range rel {
		if w <= 0 {
			sum = 0
			break
		}
		sum += w
	}
	out := make([]float64, cols)
	for c := range out {
		if len(rel) == cols && sum > 0 {
			out[c] = rel[c] / sum * r.width()
		} else {
			out[c] = r.width() / float64(cols)
		}
	}
	return out
}

func rowHeight(lines [][]string) float64 {
	if lines == nil {
		return 0
	}
	n := 0
	for _, l := range lines {
		n = max(n, len(l))
	}
	return float64(n)*tableLine + 2*cellPadding
}

func (r *renderer) row(g gridSpec, widths []float64, lines [][]string, header bool) {
	f := r.f
	x, y := marginSide, f.GetY()
	h := rowHeight(lines)
	for c, cell := range lines {
		if g.border {
			style := "D"
			if header {
				f.SetFillColor(230, 230, 230)
				style = "FD"
			}
			f.Rect(x, y, widths[c], h, style)
		}
		f.SetFont(family, r.cellStyle(g, c, header), tableSize)
		for j, line := range cell {
			f.SetXY(x, y+cellPadding+float64(j)*tableLine)
			f.CellFormat(widths[c], tableLine, line, "", 0, "L", false, 0, "")
		}
		x += widths[c]
	}
	f.SetXY(marginSide, y+h)
}

// cutLines splits every cell after n lines; tail is nil when nothing is
// left.
func cutLines(lines [][]string, n int) (head, tail [][]string) {
	head = make([][]string, len(lines))
	tail = make([][]string, len(lines))
	left := false
	for c, l := range lines {
		k := min(n, len(l))
		head[c], tail[c] = l[:k], l[k:]
		left = left || len(tail[c]) > 0
	}
	if !left {
		return head, nil
	}
	return head, tail
}

// nonEmpty makes an empty text one empty line, so rows keep a height.
func nonEmpty(lines []string) []string {
	if len(lines) == 0 {
		return []string{""}
	}
	return lines
}

// Package export writes tables for Czech Excel, the one way every module
// exports data (statistics, monitoring rounds, surveys, grants, workshops).
//
// A Table is a name, typed columns and rows of Go values. CSV writes one table
// per file: UTF-8 with a BOM, ';' between fields, decimal commas, dates as
// 7.12.2026 — what Czech Excel opens by a double click. XLSX writes a workbook
// with one sheet per table: numbers and dates are real cells (not text),
// percentages carry a percent format, the header row is bold and frozen, and
// the document properties name kpss, the region and the date.
//
//	t := export.Table{Name: "Skupiny", Columns: []export.Column{
//		{Title: "Skupina"}, {Title: "Schůzky", Kind: export.Int}, {Title: "Účast", Kind: export.Percent}}}
//	t.Add("Senioři", 12, 83.5) // 83.5 means 83,5 %
//	export.CSV(w, "skupiny-2026", t)
//	export.XLSX(w, "skupiny-2026", export.Meta{Title: "Statistika skupin", Region: region, Date: now}, t, t2)
//
// Values may be string, int, int64, float64, bool, time.Time, store.Date,
// a pointer to one of them, or nil (an empty cell).
package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"kpss/internal/store"
	"kpss/internal/web"
)

// Kind is how a column's values are written.
type Kind int

const (
	Text     Kind = iota // as given
	Int                  // whole numbers
	Number               // decimals (Column.Decimals places, default 1)
	Percent              // a value in percent: 42.5 is 42,5 %
	Date                 // a day: 7.12.2026
	DateTime             // a moment in Prague time: 7.12.2026 14:30
	Money                // Czech crowns, two decimals in the sheet
)

// Column is a table's column.
type Column struct {
	Title    string
	Kind     Kind
	Decimals int     // for Number and Percent; 0 means 1
	Width    float64 // in the sheet, characters; 0: chosen by kind
}

// Table is one table: one CSV file or one sheet of a workbook.
type Table struct {
	Name    string // the sheet's name (Excel keeps 31 characters)
	Columns []Column
	Rows    [][]any
	// Stream, when set, produces the rows one at a time instead of Rows (a
	// database cursor calling emit for each row), so that a large export
	// never holds its rows in memory.
	Stream func(emit func(row []any) error) error
}

// each calls fn for every row of the table: Rows, or those of Stream.
func (t *Table) each(fn func(i int, row []any) error) error {
	if t.Stream == nil {
		for i, row := range t.Rows {
			if err := fn(i, row); err != nil {
				return err
			}
		}
		return nil
	}
	i := 0
	return t.Stream(func(row []any) error {
		err := fn(i, row)
		i++
		return err
	})
}

// Add appends a row.
func (t *Table) Add(values ...any) { t.Rows = append(t.Rows, values) }

// Meta is what a workbook's document properties say.
type Meta struct {
	Title   string    // e.g. "Statistika podnětů 2026"
	Region  string    // the region's name (web.Renderer.Site)
	Date    time.Time // when it was exported (env.Now)
	Subject string    // optional
}

// Prague is the time zone dates and times are written in.
var Prague = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Prague"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

const (
	contentCSV  = "text/csv; charset=utf-8"
	contentXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// CSV answers the table as a CSV download name.csv.
func CSV(w http.ResponseWriter, name string, t Table) error {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, t); err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentCSV)
	w.Header().Set("Content-Disposition", disposition(name, ".csv"))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

// XLSX answers the tables as a workbook download name.xlsx.
func XLSX(w http.ResponseWriter, name string, meta Meta, tables ...Table) error {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, meta, tables...); err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentXLSX)
	w.Header().Set("Content-Disposition", disposition(name, ".xlsx"))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

// StreamCSV answers a (streamed) table as a CSV download written straight
// to w, for exports too large to buffer; an error after the first bytes
// cuts the download short.
func StreamCSV(w http.ResponseWriter, name string, t Table) error {
	w.Header().Set("Content-Type", contentCSV)
	w.Header().Set("Content-Disposition", disposition(name, ".csv"))
	w.Header().Set("Cache-Control", "private, no-store")
	return WriteCSV(w, t)
}

// StreamXLSX answers (streamed) tables as a workbook written straight to w;
// the sheets' rows go through excelize's stream writer (kept on disk past
// its buffer), not the response's memory.
func StreamXLSX(w http.ResponseWriter, name string, meta Meta, tables ...Table) error {
	w.Header().Set("Content-Type", contentXLSX)
	w.Header().Set("Content-Disposition", disposition(name, ".xlsx"))
	w.Header().Set("Cache-Control", "private, no-store")
	return WriteXLSX(w, meta, tables...)
}

func disposition(name, ext string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s%s"`, ascii, ext)
}

// WriteCSV writes the table with a BOM, a header line and ';' separators.
func WriteCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Title
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	err := t.each(func(n int, row []any) error {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = FormatCSV(t.Columns[i], row[i])
			}
		}
		if n%1000 == 999 {
			cw.Flush()
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// FormatCSV writes one value the way Czech Excel reads it.
func FormatCSV(c Column, v any) string {
	v = deref(v)
	if v == nil {
		return ""
	}
	switch c.Kind {
	case Int, Number, Percent, Money:
		f, ok := number(v)
		if !ok {
			return fmt.Sprint(v)
		}
		var s string
		switch c.Kind {
		case Int:
			s = strconv.FormatFloat(math.Round(f), 'f', 0, 64)
		case Money:
			s = strconv.FormatFloat(f, 'f', -1, 64)
		default:
			s = strconv.FormatFloat(f, 'f', decimals(c), 64)
		}
		s = strings.Replace(s, ".", ",", 1)
		if c.Kind == Percent {
			s += " %"
		}
		return s
	case Date, DateTime:
		t, ok := moment(v)
		if !ok {
			return fmt.Sprint(v)
		}
		if c.Kind == Date {
			return t.Format("2.1.2006")
		}
		return t.In(Prague).Format("2.1.2006 15:04")
	}
	switch x := v.(type) {
	case bool:
		if x {
			return "ano"
		}
		return "ne"
	case float64:
		return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
	case time.Time:
		return x.In(Prague).Format("2.1.2006 15:04")
	case store.Date:
		return x.Format("2.1.2006")
	}
	return fmt.Sprint(v)
}

func decimals(c Column) int {
	if c.Decimals > 0 {
		return c.Decimals
	}
	return 1
}

func deref(v any) any {
	switch x := v.(type) {
	case *string:
		if x == nil {
			return nil
		}
		return *x
	case *int:
		if x == nil {
			return nil
		}
		return *x
	case *int64:
		if x == nil {
			return nil
		}
		return *x
	case *float64:
		if x == nil {
			return nil
		}
		return *x
	case *time.Time:
		if x == nil {
			return nil
		}
		return *x
	case *store.Date:
		if x == nil {
			return nil
		}
		return *x
	case time.Time:
		if x.IsZero() {
			return nil
		}
	case store.Date:
		if x.IsZero() {
			return nil
		}
	}
	return v
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case float32:
		return float64(x), true
	}
	return 0, false
}

func moment(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case store.Date:
		return x.Time, true
	}
	return time.Time{}, false
}

// WriteXLSX writes the tables as sheets of one workbook.
func WriteXLSX(w io.Writer, meta Meta, tables ...Table) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	styles := map[string]int{}
	style := func(format string) (int, error) {
		if id, ok := styles[format]; ok {
			return id, nil
		}
		fm := format
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fm})
		styles[format] = id
		return id, err
	}
	used := map[string]bool{}
	for ti, t := range tables {
		sheet := sheetName(t.Name, ti, used)
		if ti == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		colStyles := make([]int, len(t.Columns))
		for i, c := range t.Columns {
			if colStyles[i], err = style(numFmt(c)); err != nil {
				return err
			}
			width := c.Width
			if width == 0 {
				width = defaultWidth(c)
			}
			if err := sw.SetColWidth(i+1, i+1, width); err != nil {
				return err
			}
		}
		head := make([]any, len(t.Columns))
		for i, c := range t.Columns {
			head[i] = excelize.Cell{StyleID: bold, Value: c.Title}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		cells := make([]any, len(t.Columns))
		err = t.each(func(ri int, row []any) error {
			for i, c := range t.Columns {
				var v any
				if i < len(row) {
					v = cellValue(c, row[i])
				}
				cells[i] = excelize.Cell{StyleID: colStyles[i], Value: v}
			}
			cell, _ := excelize.CoordinatesToCellName(1, ri+2)
			return sw.SetRow(cell, cells)
		})
		if err != nil {
			return err
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	date := meta.Date
	if date.IsZero() {
		date = time.Now()
	}
	title := meta.Title
	desc := "kpss"
	if meta.Region != "" {
		desc += " – " + meta.Region
	}
	desc += " – " + date.In(Prague).Format("2. 1. 2006")
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Subject: meta.Subject, Creator: "kpss", LastModifiedBy: "kpss",
		Description: desc, Keywords: strings.TrimSpace("kpss " + meta.Region), Category: meta.Region, Language: "cs-CZ",
		Created: date.UTC().Format(time.RFC3339), Modified: date.UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	if err := f.SetAppProps(&excelize.AppProperties{Application: "kpss", Company: meta.Region}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func numFmt(c Column) string {
	zeros := strings.Repeat("0", decimals(c))
	switch c.Kind {
	case Int:
		return "#,##0"
	case Number:
		return "#,##0." + zeros
	case Percent:
		return "0." + zeros + "%"
	case Money:
		return "#,##0.00"
	case Date:
		return "d.m.yyyy"
	case DateTime:
		return "d.m.yyyy h:mm"
	}
	return "@"
}

func defaultWidth(c Column) float64 {
	switch c.Kind {
	case Text:
		if n := len([]rune(c.Title)) + 2; n > 30 {
			return float64(n)
		}
		return 30
	case DateTime:
		return 17
	}
	if n := float64(len([]rune(c.Title))) + 2; n > 12 {
		return min(n, 24)
	}
	return 12
}

// cellValue is what goes into the sheet: numbers and dates as such, a
// percentage as its fraction (the format shows it as percent).
func cellValue(c Column, v any) any {
	v = deref(v)
	if v == nil {
		return nil
	}
	switch c.Kind {
	case Int, Number, Money:
		if f, ok := number(v); ok {
			if c.Kind == Int {
				return int64(math.Round(f))
			}
			return f
		}
	case Percent:
		if f, ok := number(v); ok {
			return f / 100
		}
	case Date:
		if t, ok := moment(v); ok {
			// A day stays that day: no time zone shift.
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
	case DateTime:
		if t, ok := moment(v); ok {
			p := t.In(Prague)
			return time.Date(p.Year(), p.Month(), p.Day(), p.Hour(), p.Minute(), p.Second(), 0, time.UTC)
		}
	}
	switch x := v.(type) {
	case bool:
		if x {
			return "ano"
		}
		return "ne"
	case store.Date:
		return x.String()
	case time.Time:
		return x.In(Prague).Format("2.1.2006 15:04")
	}
	return v
}

// sheetName makes a valid, unique sheet name: at most 31 characters, none of : \ / ? * [ ].
func sheetName(name string, i int, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, "'")
	if name == "" {
		name = "List " + strconv.Itoa(i+1)
	}
	base := name
	for n := 2; ; n++ {
		if r := []rune(name); len(r) > 31 {
			name = string(r[:31])
		}
		if !used[strings.ToLower(name)] {
			break
		}
		suffix := " (" + strconv.Itoa(n) + ")"
		r := []rune(base)
		if len(r) > 31-len(suffix) {
			r = r[:31-len(suffix)]
		}
		name = string(r) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

// MetaFor fills Meta with the region shown in the site's header.
func MetaFor(rd *web.Renderer, r *http.Request, title string, now time.Time) Meta {
	m := Meta{Title: title, Date: now}
	if rd != nil && rd.Site != nil {
		m.Region = rd.Site(r)
	}
	return m
}

package suggestion

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"kpss/internal/apperr"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

// period reads ?od=YYYY-MM-DD&do=YYYY-MM-DD (both days included); the
// default is the current year up to today.
func (h *Handler) period(r *http.Request) (from, to store.Date, err error) {
	today := h.Svc.Today()
	from, to = store.NewDate(today.Year(), 1, 1), today
	q := r.URL.Query()
	if v := q.Get("od"); v != "" {
		if from, err = store.ParseDate(v); err != nil {
			return from, to, apperr.New(apperr.Invalid, "suggestion.err.date")
		}
	}
	if v := q.Get("do"); v != "" {
		if to, err = store.ParseDate(v); err != nil {
			return from, to, apperr.New(apperr.Invalid, "suggestion.err.date")
		}
	}
	if to.Before(from.Time) {
		from, to = to, from
	}
	return from, to, nil
}

// bounds turns days into the [from, to) instants in Prague.
func bounds(from, to store.Date) (time.Time, time.Time) {
	return time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, prague), time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, prague)
}

// Bar is one bar pair of a chart.
type Bar struct {
	Label              string
	Received, Resolved int
	Y                  int
	WReceived, WResol  int
}

// Chart is an SVG bar chart with its data table.
type Chart struct {
	ID, Title, Desc string
	Bars            []Bar
	Height          int
	Rows            []Row
}

func (h *Handler) charts(l *i18n.Localizer, st *Stats) []Chart {
	var out []Chart
	for _, dim := range Dimensions {
		rows := st.By[dim]
		for i := range rows {
			switch {
			case dim == "source" && rows[i].Key != "":
				rows[i].Label = l.T("suggestion.source." + rows[i].Key)
			case rows[i].Label == "":
				rows[i].Label = l.T("suggestion.stats.none_label")
			}
		}
		max := 1
		for _, r := range rows {
			max = maxInt(max, maxInt(r.Received, r.Resolved))
		}
		c := Chart{ID: "chart-" + dim, Title: l.T("suggestion.stats.by." + dim), Rows: rows}
		c.Desc = l.T("suggestion.stats.chart_desc", "What", c.Title)
		for i, r := range rows {
			c.Bars = append(c.Bars, Bar{Label: r.Label, Received: r.Received, Resolved: r.Resolved, Y: i * 44,
				WReceived: r.Received * 380 / max, WResol: r.Resolved * 380 / max})
		}
		c.Height = len(rows)*44 + 4
		out = append(out, c)
	}
	return out
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// ShowStats is the statistics page of a period.
func (h *Handler) ShowStats(w http.ResponseWriter, r *http.Request) error {
	from, to, err := h.period(r)
	if err != nil {
		return err
	}
	f, t := bounds(from, to)
	st, err := h.Svc.Statistics(r.Context(), f, t)
	if err != nil {
		return err
	}
	l := h.R.Localizer(r)
	p := h.R.Page(r, "suggestion.stats.title")
	p.Wide = true
	today := h.Svc.Today()
	five := store.NewDate(today.Year()-5, today.Month(), today.Day()).AddDate(0, 0, 1)
	qs := "od=" + from.String() + "&do=" + to.String()
	median := l.T("suggestion.stats.median_none")
	if st.MedianDays != nil {
		median = l.Num(*st.MedianDays)
	}
	p.Data = map[string]any{"S": st, "From": from, "To": to, "Charts": h.charts(l, st), "QS": qs, "Median": median,
		"Summary5": "/podnety/statistiky?od=" + five.Format(time.DateOnly) + "&do=" + today.String() + "#souhrn"}
	h.R.Render(w, r, http.StatusOK, "suggestion/stats", p)
	return nil
}

// statsTable is the export: one sheet of totals, one per breakdown.
func (h *Handler) statsTable(r *http.Request) (string, [][][]string, []string, error) {
	from, to, err := h.period(r)
	if err != nil {
		return "", nil, nil, err
	}
	f, t := bounds(from, to)
	st, err := h.Svc.Statistics(r.Context(), f, t)
	if err != nil {
		return "", nil, nil, err
	}
	l := h.R.Localizer(r)
	median := ""
	if st.MedianDays != nil {
		median = strconv.FormatFloat(*st.MedianDays, 'f', 1, 64)
	}
	totals := [][]string{{l.T("suggestion.stats.measure"), l.T("suggestion.stats.value")},
		{l.T("suggestion.stats.from"), from.String()}, {l.T("suggestion.stats.to"), to.String()},
		{l.T("suggestion.stats.received"), strconv.Itoa(st.Received)}, {l.T("suggestion.stats.resolved"), strconv.Itoa(st.Resolved)},
		{l.T("suggestion.stats.closed"), strconv.Itoa(st.Closed)}, {l.T("suggestion.stats.rejected"), strconv.Itoa(st.Rejected)},
		{l.T("suggestion.stats.referred"), strconv.Itoa(st.Referred)}, {l.T("suggestion.stats.quick_wins"), strconv.Itoa(st.QuickWins)},
		{l.T("suggestion.stats.quick_wins_resolved"), strconv.Itoa(st.QuickWinsResolved)}, {l.T("suggestion.stats.overdue"), strconv.Itoa(st.Overdue)},
		{l.T("suggestion.stats.median"), median},
		{l.T("suggestion.category.accessibility") + " – " + l.T("suggestion.stats.resolved"), strconv.Itoa(st.AccessResolved)},
		{l.T("suggestion.stats.resolved") + " – ostatní / other", strconv.Itoa(st.OtherResolved)}}
	sheets := [][][]string{totals}
	names := []string{l.T("suggestion.stats.totals")}
	for _, c := range h.charts(l, st) {
		tab := [][]string{{c.Title, l.T("suggestion.stats.received"), l.T("suggestion.stats.resolved"), l.T("suggestion.stats.closed"), l.T("suggestion.stats.rejected")}}
		for _, row := range c.Rows {
			tab = append(tab, []string{row.Label, strconv.Itoa(row.Received), strconv.Itoa(row.Resolved), strconv.Itoa(row.Closed), strconv.Itoa(row.Rejected)})
		}
		sheets = append(sheets, tab)
		names = append(names, c.Title)
	}
	return "podnety-" + from.String() + "-" + to.String(), sheets, names, nil
}

// ExportStatsCSV downloads the statistics as CSV (UTF-8 with BOM, for Excel).
func (h *Handler) ExportStatsCSV(w http.ResponseWriter, r *http.Request) error {
	name, sheets, names, err := h.statsTable(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';' // Czech Excel expects semicolons
	for i, tab := range sheets {
		if i > 0 {
			cw.Write([]string{})
		}
		cw.Write([]string{names[i]})
		cw.WriteAll(tab)
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	w.Write(buf.Bytes())
	return nil
}

// ExportStatsXLSX downloads the statistics as an Excel workbook, one sheet each.
func (h *Handler) ExportStatsXLSX(w http.ResponseWriter, r *http.Request) error {
	name, sheets, names, err := h.statsTable(r)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	for i, tab := range sheets {
		sheet := names[i]
		if len([]rune(sheet)) > 31 {
			sheet = string([]rune(sheet)[:31])
		}
		if i == 0 {
			x.SetSheetName("Sheet1", sheet)
		} else {
			x.NewSheet(sheet)
		}
		for ri, row := range tab {
			for ci, v := range row {
				cell, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
				if n, err := strconv.Atoi(v); err == nil && ri > 0 && ci > 0 {
					x.SetCellValue(sheet, cell, n)
				} else {
					x.SetCellValue(sheet, cell, v)
				}
			}
		}
		x.SetColWidth(sheet, "A", "A", 40)
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
	return x.Write(w)
}

// ShowOverdue lists open suggestions past their due date (an officer: their department's).
func (h *Handler) ShowOverdue(w http.ResponseWriter, r *http.Request) error {
	f := Filter{Overdue: true, CountCap: ListCountCap, Paging: web.PagingFrom(r)}
	items, total, err := h.Svc.Find(r.Context(), f)
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "suggestion.overdue.title").Crumb("/podnety", h.R.Localizer(r).T("suggestion.list.title"))
	p.Wide = true
	pv := p.PagerView(web.NewPager(r, f.Paging, total))
	if total > ListCountCap {
		pv.Summary = p.L.T("suggestion.public.summary_more", "From", pv.From(), "To", pv.To(), "Cap", ListCountCap)
	}
	p.Data = map[string]any{"Items": items, "Pager": pv, "N": n, "Today": h.Svc.Today()}
	h.R.Render(w, r, http.StatusOK, "suggestion/overdue", p)
	return nil
}

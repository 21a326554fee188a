package suggestion

import (
	"net/http"
	"strconv"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/export"
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

// statsTables are the export: one table of totals, one per breakdown (one
// CSV file or sheet each).
func (h *Handler) statsTables(r *http.Request) (string, []export.Table, error) {
	from, to, err := h.period(r)
	if err != nil {
		return "", nil, err
	}
	f, t := bounds(from, to)
	st, err := h.Svc.Statistics(r.Context(), f, t)
	if err != nil {
		return "", nil, err
	}
	l := h.R.Localizer(r)
	var median any
	if st.MedianDays != nil {
		median = *st.MedianDays
	}
	totals := export.Table{Name: l.T("suggestion.stats.totals"), Columns: []export.Column{{Title: l.T("suggestion.stats.measure"), Width: 44}, {Title: l.T("suggestion.stats.value"), Width: 14}}}
	totals.Add(l.T("suggestion.stats.from"), from)
	totals.Add(l.T("suggestion.stats.to"), to)
	for _, row := range []struct {
		label string
		v     any
	}{{l.T("suggestion.stats.received"), st.Received}, {l.T("suggestion.stats.resolved"), st.Resolved}, {l.T("suggestion.stats.closed"), st.Closed},
		{l.T("suggestion.stats.rejected"), st.Rejected}, {l.T("suggestion.stats.referred"), st.Referred}, {l.T("suggestion.stats.quick_wins"), st.QuickWins},
		{l.T("suggestion.stats.quick_wins_resolved"), st.QuickWinsResolved}, {l.T("suggestion.stats.overdue"), st.Overdue}, {l.T("suggestion.stats.median"), median},
		{l.T("suggestion.category.accessibility") + " – " + l.T("suggestion.stats.resolved"), st.AccessResolved},
		{l.T("suggestion.stats.resolved") + " – ostatní / other", st.OtherResolved}} {
		totals.Add(row.label, row.v)
	}
	tables := []export.Table{totals}
	for _, c := range h.charts(l, st) {
		tab := export.Table{Name: c.Title, Columns: []export.Column{{Title: c.Title, Width: 40}, {Title: l.T("suggestion.stats.received"), Kind: export.Int},
			{Title: l.T("suggestion.stats.resolved"), Kind: export.Int}, {Title: l.T("suggestion.stats.closed"), Kind: export.Int}, {Title: l.T("suggestion.stats.rejected"), Kind: export.Int}}}
		for _, row := range c.Rows {
			tab.Add(row.Label, row.Received, row.Resolved, row.Closed, row.Rejected)
		}
		tables = append(tables, tab)
	}
	return "podnety-" + from.String() + "-" + to.String(), tables, nil
}

// ExportStatsCSV downloads one table of the statistics as CSV for Czech
// Excel (UTF-8 with a BOM, ';', decimal commas): ?tabulka=N the N-th
// breakdown, else the totals.
func (h *Handler) ExportStatsCSV(w http.ResponseWriter, r *http.Request) error {
	name, tables, err := h.statsTables(r)
	if err != nil {
		return err
	}
	i, _ := strconv.Atoi(r.URL.Query().Get("tabulka"))
	if i < 0 || i >= len(tables) {
		return apperr.New(apperr.NotFound, "err.page_not_found")
	}
	if i > 0 {
		name += "-" + strconv.Itoa(i)
	}
	return export.CSV(w, name, tables[i])
}

// ExportStatsXLSX downloads the statistics as an Excel workbook, one sheet each.
func (h *Handler) ExportStatsXLSX(w http.ResponseWriter, r *http.Request) error {
	name, tables, err := h.statsTables(r)
	if err != nil {
		return err
	}
	meta := export.Meta{Title: h.R.Localizer(r).T("suggestion.stats.title"), Date: h.Svc.Now()}
	if h.R.Site != nil {
		meta.Region = h.R.Site(r)
	}
	return export.XLSX(w, name, meta, tables...)
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

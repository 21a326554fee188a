package plan

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"
	"sync/atomic"

	"kpss/internal/web/i18n"
)

// Point is one bar of a chart.
type Point struct {
	Label string
	Value float64
	Has   bool
}

// Chart is a small bar chart drawn as SVG with a <title> and a <desc> that
// says the values in words; pages show the same values in a table too.
type Chart struct {
	ID     string
	Title  string
	Desc   string
	Unit   string
	Points []Point
	Target *float64
	F      Fmt
}

var chartSeq atomic.Int64

// IndicatorChart builds the trend of an indicator over the round years.
func IndicatorChart(l *i18n.Localizer, ind Indicator, years []int, vals map[int]float64) Chart {
	c := Chart{ID: "chart-ind-" + itoa(ind.ID), Title: ind.Name, Unit: ind.Unit, Target: ind.Target, F: Fmt{Lang: l.Lang}}
	for _, y := range years {
		v, ok := vals[y]
		c.Points = append(c.Points, Point{Label: strconv.Itoa(y), Value: v, Has: ok})
	}
	c.Desc = c.describe(l)
	return c
}

// NewChart builds a chart of values by label.
func NewChart(l *i18n.Localizer, id, title, unit string, points []Point) Chart {
	c := Chart{ID: id, Title: title, Unit: unit, Points: points, F: Fmt{Lang: l.Lang}}
	c.Desc = c.describe(l)
	return c
}

func (c Chart) describe(l *i18n.Localizer) string {
	var parts []string
	for _, p := range c.Points {
		if p.Has {
			parts = append(parts, p.Label+": "+c.F.N(p.Value)+" "+c.Unit)
		} else {
			parts = append(parts, p.Label+": "+l.T("plan.chart.no_value"))
		}
	}
	s := strings.Join(parts, "; ")
	if c.Target != nil {
		s += "; " + l.T("plan.indicator.target") + ": " + c.F.N(*c.Target) + " " + c.Unit
	}
	if len(parts) == 0 {
		return l.T("plan.chart.empty")
	}
	return s
}

// SVG draws the chart.
func (c Chart) SVG() template.HTML {
	const w, h, left, bottom, top = 420.0, 200.0, 8.0, 28.0, 22.0
	maxV := 0.0
	for _, p := range c.Points {
		if p.Has && p.Value > maxV {
			maxV = p.Value
		}
	}
	if c.Target != nil && *c.Target > maxV {
		maxV = *c.Target
	}
	if maxV == 0 {
		maxV = 1
	}
	id := c.ID
	if id == "" {
		id = "chart-" + strconv.FormatInt(chartSeq.Add(1), 10)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(c.Title), id, html.EscapeString(c.Desc))
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#555" stroke-width="1"/>`, left, h-bottom, w-left, h-bottom)
	n := len(c.Points)
	if n > 0 {
		slot := (w - 2*left) / float64(n)
		bw := slot * 0.6
		for i, p := range c.Points {
			x := left + slot*float64(i) + (slot-bw)/2
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" fill="#222">%s</text>`, x+bw/2, h-bottom+16, html.EscapeString(p.Label))
			if !p.Has {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" fill="#555">–</text>`, x+bw/2, h-bottom-4)
				continue
			}
			bh := (h - bottom - top) * p.Value / maxV
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#1d5e8c"/>`, x, h-bottom-bh, bw, bh)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" fill="#222">%s</text>`, x+bw/2, h-bottom-bh-5, html.EscapeString(c.F.N(p.Value)))
		}
	}
	if c.Target != nil {
		y := h - bottom - (h-bottom-top)*(*c.Target)/maxV
		fmt.Fprintf(&b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#a4262c" stroke-width="2" stroke-dasharray="6 4"/>`, left, y, w-left, y)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

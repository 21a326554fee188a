package survey

import (
	"fmt"
	"strings"

	"kpss/internal/czech"
	"kpss/internal/web/i18n"
)

// Bar is one bar of a chart: a share in percent, drawn as a width.
type Bar struct {
	Label       string
	Count       int
	Share       string // "65,0 %"
	Y, W, TextX int
}

// Chart is a horizontal bar chart drawn as SVG with a title, a description
// that says the numbers in words, and a data table beside it.
type Chart struct {
	ID, Title, Desc string
	Height          int
	Bars            []Bar
}

const (
	barLeft  = 260
	barWidth = 300
	barStep  = 28
)

func pct(l *i18n.Localizer, v float64) string {
	return czech.FormatFloat(l.Lang, v, 1) + " %"
}

// optionLabel names an option; "other" has an empty stored label.
func optionLabel(l *i18n.Localizer, c Count) string {
	if c.Value == 0 && c.Label == "" {
		return l.T("survey.respond.other")
	}
	return c.Label
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// chartOf draws the counts of a question (nil for kinds without counts).
func chartOf(l *i18n.Localizer, qr *QuestionResult) *Chart {
	if len(qr.Counts) == 0 {
		return nil
	}
	c := &Chart{ID: fmt.Sprintf("chart-%d", qr.Question.ID), Title: fmt.Sprintf("%d. %s", qr.Question.Position, qr.Question.Label)}
	var words []string
	for i, n := range qr.Counts {
		w := int(n.Share * barWidth / 100)
		label := optionLabel(l, n)
		c.Bars = append(c.Bars, Bar{Label: truncate(label, 34), Count: n.Count, Share: pct(l, n.Share), Y: i * barStep, W: w, TextX: barLeft + w + 6})
		words = append(words, label+" "+pct(l, n.Share))
	}
	c.Height = len(c.Bars)*barStep + 4
	c.Desc = l.T("survey.results.chart_desc", "Answered", qr.Answered) + " " + strings.Join(words, ", ") + "."
	return c
}

// charts draws a chart of every question with counts, by question id.
func charts(l *i18n.Localizer, r *Results) map[int64]*Chart {
	out := map[int64]*Chart{}
	for i := range r.Questions {
		if c := chartOf(l, &r.Questions[i]); c != nil {
			out[r.Questions[i].Question.ID] = c
		}
	}
	return out
}

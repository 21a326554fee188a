package survey

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"

	"kpss/internal/export"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// column is one export column: which question and which part of it.
type column struct {
	q    *Question
	part int // 0 the question's value; option / row number for multiple, matrix, ranking; -1 "other" text
	col  export.Column
}

// exportColumns lists one stable column per question (and per option, row or
// ranked item of the kinds that have several values), whatever branch a
// respondent took: a question not shown to someone is an empty cell.
func exportColumns(l *i18n.Localizer, qs []Question) (head []export.Column, cols []column) {
	head = []export.Column{{Title: l.T("survey.export.number"), Kind: export.Int}, {Title: l.T("survey.export.channel")},
		{Title: l.T("survey.export.form_number")}, {Title: l.T("survey.export.day"), Kind: export.Date}}
	add := func(q *Question, part int, title string, kind export.Kind) {
		c := export.Column{Title: title, Kind: kind}
		cols = append(cols, column{q: q, part: part, col: c})
		head = append(head, c)
	}
	for i := range qs {
		q := &qs[i]
		title := fmt.Sprintf("%d. %s", q.Position, q.Label)
		switch q.Kind {
		case Single:
			add(q, 0, title, export.Text)
			if q.Other {
				add(q, -1, title+" – "+l.T("survey.respond.other"), export.Text)
			}
		case Multiple:
			for o, label := range q.Options {
				add(q, o+1, title+" – "+label, export.Int)
			}
			if q.Other {
				add(q, 1000, title+" – "+l.T("survey.respond.other"), export.Int)
				add(q, -1, title+" – "+l.T("survey.respond.other_text"), export.Text)
			}
		case Matrix:
			for r, label := range q.Rows {
				add(q, r+1, title+" – "+label, export.Text)
			}
		case Ranking:
			for o, label := range q.Options {
				add(q, o+1, title+" – "+label, export.Int)
			}
		case Scale:
			add(q, 0, title, export.Int)
		case Number:
			add(q, 0, title, export.Number)
		case DateQ:
			add(q, 0, title, export.Date)
		default:
			add(q, 0, title, export.Text)
		}
	}
	return head, cols
}

// cellOf is the value of column c from the answer rows of one response.
func cellOf(l *i18n.Localizer, c column, rows map[answerKey]answerRow) any {
	q := c.q
	get := func(item int) (answerRow, bool) { r, ok := rows[answerKey{q.ID, item}]; return r, ok }
	base, answered := get(0)
	if !answered {
		return nil
	}
	switch q.Kind {
	case Single:
		if c.part == -1 {
			return base.value
		}
		n := int(*base.num)
		if n == 0 {
			return l.T("survey.respond.other")
		}
		if n >= 1 && n <= len(q.Options) {
			return q.Options[n-1]
		}
		return nil
	case Multiple:
		if c.part == -1 {
			return base.value
		}
		item := c.part
		if c.part == 1000 {
			item = -1
		}
		if _, ok := get(item); ok {
			return 1
		}
		return 0
	case Matrix:
		if r, ok := get(c.part); ok && r.num != nil {
			if n := int(*r.num); n >= 1 && n <= len(q.Options) {
				return q.Options[n-1]
			}
		}
		return nil
	case Ranking:
		if r, ok := get(c.part); ok && r.num != nil {
			return int(*r.num)
		}
		return nil
	case Scale:
		return int(*base.num)
	case Number:
		return *base.num
	case DateQ:
		if d, err := store.ParseDate(base.value); err == nil {
			return d
		}
		return base.value
	}
	return base.value
}

type answerKey struct {
	q    int64
	item int
}

// ExportTable returns the survey's responses as a streamed table: rows are
// read from one cursor and written one at a time, so memory stays flat
// whatever the number of responses. Errors: not_found.
func (s *Service) ExportTable(ctx context.Context, l *i18n.Localizer, id int64) (*Survey, export.Table, error) {
	v, qs, err := s.FindSurvey(ctx, id)
	if err != nil {
		return nil, export.Table{}, err
	}
	head, cols := exportColumns(l, qs)
	channels := map[string]string{}
	for _, c := range []Channel{Link, Token, Paper} {
		channels[string(c)] = l.T("survey.channel." + string(c))
	}
	t := export.Table{Name: l.T("survey.export.sheet"), Columns: head}
	t.Stream = func(emit func(row []any) error) error {
		rows, err := s.DB.Query(ctx, `SELECT r.id, r.channel, r.form_number, r.submitted_on, a.question_id, a.item, a.num, a.value
			FROM survey_responses r LEFT JOIN survey_answers a ON a.response_id = r.id
			WHERE r.survey_id = ? AND r.state = 'complete' ORDER BY r.id, a.question_id, a.item`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			cur     int64
			n       int
			meta    []any
			answers = map[answerKey]answerRow{}
			out     = make([]any, len(head))
		)
		flush := func() error {
			if cur == 0 {
				return nil
			}
			copy(out, meta)
			for i, c := range cols {
				out[4+i] = cellOf(l, c, answers)
			}
			clear(answers)
			return emit(out)
		}
		for rows.Next() {
			var (
				rid       int64
				channel   string
				form      string
				day       store.Date
				qid, item sql.NullInt64
				num       sql.NullFloat64
				value     sql.NullString
			)
			if err := rows.Scan(&rid, &channel, &form, &day, &qid, &item, &num, &value); err != nil {
				return err
			}
			if rid != cur {
				if err := flush(); err != nil {
					return err
				}
				cur = rid
				n++
				meta = []any{n, channels[channel], form, day}
			}
			if qid.Valid {
				ar := answerRow{question: qid.Int64, item: int(item.Int64), value: value.String}
				if num.Valid {
					f := num.Float64
					ar.num = &f
				}
				answers[answerKey{qid.Int64, int(item.Int64)}] = ar
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return flush()
	}
	return v, t, nil
}

func exportName(v *Survey) string {
	name := "dotaznik-" + strconv.FormatInt(v.ID, 10)
	if v.Wave != "" {
		name += "-" + v.Wave
	}
	return name
}

// ExportCSV downloads the responses of survey {id} as CSV (UTF-8 with BOM).
func (h *Handler) ExportCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, t, err := h.ExportTable(r.Context(), h.l(r), id)
	if err != nil {
		return err
	}
	return export.StreamCSV(w, exportName(v), t)
}

// ExportXLSX downloads the responses and the summary of survey {id} as a workbook.
func (h *Handler) ExportXLSX(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l := h.l(r)
	v, t, err := h.ExportTable(r.Context(), l, id)
	if err != nil {
		return err
	}
	res, err := h.Results(r.Context(), id)
	if err != nil {
		return err
	}
	return export.StreamXLSX(w, exportName(v), export.MetaFor(h.R, r, v.Title, h.Now()), summaryTable(l, res), t)
}

// summaryTable is the results' counts as one table: question, answer, count, share.
func summaryTable(l *i18n.Localizer, res *Results) export.Table {
	t := export.Table{Name: l.T("survey.export.summary"), Columns: []export.Column{{Title: l.T("survey.export.question")}, {Title: l.T("survey.results.option")},
		{Title: l.T("survey.results.count"), Kind: export.Int}, {Title: l.T("survey.results.share"), Kind: export.Percent}}}
	for _, qr := range res.Questions {
		title := fmt.Sprintf("%d. %s", qr.Question.Position, qr.Question.Label)
		for _, c := range qr.Counts {
			t.Add(title, optionLabel(l, c), c.Count, c.Share)
		}
		for _, m := range qr.Matrix {
			for _, c := range m.Counts {
				t.Add(title+" – "+m.Label, c.Label, c.Count, c.Share)
			}
		}
		if qr.Mean != nil {
			t.Add(title, l.T("survey.results.mean")+" "+qr.MeanText(l), qr.Answered, nil)
		}
		if len(qr.Counts) == 0 && len(qr.Matrix) == 0 {
			t.Add(title, l.T("survey.results.answered"), qr.Answered, share(qr.Answered, res.Responses))
		}
	}
	return t
}

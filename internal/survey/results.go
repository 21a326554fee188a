package survey

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"kpss/internal/czech"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// Count is one option's (or scale point's) number of answers and share of
// the question's respondents, in percent.
type Count struct {
	Label string  `json:"label"`
	Value int     `json:"value"` // option number (0 = other) or scale point
	Count int     `json:"count"`
	Share float64 `json:"share"`
}

// MatrixRow is one statement of a matrix question with the counts of its columns.
type MatrixRow struct {
	Label    string  `json:"label"`
	Answered int     `json:"answered"`
	Counts   []Count `json:"counts"`
}

// RankResult is one option of a ranking question: its mean rank (1 best)
// and how often it was put first.
type RankResult struct {
	Label    string  `json:"label"`
	MeanRank float64 `json:"mean_rank"`
	First    int     `json:"first"`
	Ranked   int     `json:"ranked"`
}

// QuestionResult is the summary of one question.
type QuestionResult struct {
	Question Question     `json:"question"`
	Answered int          `json:"answered"`
	Counts   []Count      `json:"counts,omitempty"`
	Mean     *float64     `json:"mean,omitempty"`
	Min      *float64     `json:"min,omitempty"`
	Max      *float64     `json:"max,omitempty"`
	Matrix   []MatrixRow  `json:"matrix,omitempty"`
	Ranking  []RankResult `json:"ranking,omitempty"`
	// Texts are some of the written answers (texts and "other"), for staff.
	Texts []string `json:"texts,omitempty"`
}

// Results are a survey's results.
type Results struct {
	Survey    *Survey          `json:"survey"`
	Responses int              `json:"responses"`
	Questions []QuestionResult `json:"questions"`
}

// Of returns the result of the question with code, or nil.
func (r *Results) Of(code string) *QuestionResult {
	for i := range r.Questions {
		if r.Questions[i].Question.Code == code {
			return &r.Questions[i]
		}
	}
	return nil
}

// textSample is how many written answers of each question the results show.
const textSample = 5

type tallyKey struct {
	q    int64
	item int
	num  float64
	has  bool
}

// Results counts the complete responses of survey id in a fixed number of
// queries (the survey, its questions, the responses, the stored tallies and
// one sample of written answers), whatever the number of responses.
// Errors: not_found.
func (s *Service) Results(ctx context.Context, id int64) (*Results, error) {
	v, qs, err := s.FindSurvey(ctx, id)
	if err != nil {
		return nil, err
	}
	return results(ctx, s.DB, v, qs, true)
}

func results(ctx context.Context, q store.Q, v *Survey, qs []Question, texts bool) (*Results, error) {
	tally := map[tallyKey]int{}
	rows, err := q.Query(ctx, `SELECT question_id, item, CASE WHEN has_num THEN num END, n FROM survey_tallies WHERE survey_id = ?`, v.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			k   tallyKey
			num sql.NullFloat64
			n   int
		)
		if err := rows.Scan(&k.q, &k.item, &num, &n); err != nil {
			rows.Close()
			return nil, err
		}
		k.num, k.has = num.Float64, num.Valid
		tally[k] += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sample := map[int64][]string{}
	if texts {
		if sample, err = textAnswers(ctx, q, qs); err != nil {
			return nil, err
		}
	}
	res := &Results{Survey: v, Responses: v.Responses}
	for _, qu := range qs {
		res.Questions = append(res.Questions, summarise(qu, tally, sample[qu.ID]))
	}
	return res, nil
}

// textAnswers returns up to textSample written answers (texts and "other")
// of each question that has them: one query, a UNION of one indexed
// look-up per question, so that it costs the same at any number of responses.
func textAnswers(ctx context.Context, q store.Q, qs []Question) (map[int64][]string, error) {
	out := map[int64][]string{}
	var parts []string
	var args []any
	for _, qu := range qs {
		if qu.Kind == Text || qu.Kind == LongText || qu.Kind.Choice() && qu.Other {
			parts = append(parts, `SELECT * FROM (SELECT question_id, value FROM survey_answers
				WHERE question_id = ? AND item = 0 AND value <> '' ORDER BY response_id LIMIT ?) t`+strconv.Itoa(len(parts)))
			args = append(args, qu.ID, textSample)
		}
	}
	if len(parts) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id int64
			s  string
		)
		if err := rows.Scan(&id, &s); err != nil {
			return nil, err
		}
		out[id] = append(out[id], s)
	}
	return out, rows.Err()
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) * 100 / float64(of)
}

func summarise(q Question, tally map[tallyKey]int, texts []string) QuestionResult {
	r := QuestionResult{Question: q, Texts: texts}
	at := func(item int, num float64) int { return tally[tallyKey{q.ID, item, num, true}] }
	switch q.Kind {
	case Single:
		for i, o := range q.Options {
			n := at(0, float64(i+1))
			r.Answered += n
			r.Counts = append(r.Counts, Count{Label: o, Value: i + 1, Count: n})
		}
		if q.Other {
			n := at(0, 0)
			r.Answered += n
			r.Counts = append(r.Counts, Count{Label: "", Value: 0, Count: n})
		}
	case Scale:
		var sum float64
		for _, p := range q.Points() {
			n := at(0, float64(p))
			r.Answered += n
			sum += float64(p * n)
			r.Counts = append(r.Counts, Count{Label: strconv.Itoa(p), Value: p, Count: n})
		}
		if r.Answered > 0 {
			m := sum / float64(r.Answered)
			r.Mean = &m
		}
	case Multiple:
		r.Answered = tally[tallyKey{q.ID, 0, 0, false}]
		for i, o := range q.Options {
			r.Counts = append(r.Counts, Count{Label: o, Value: i + 1, Count: at(i+1, float64(i+1))})
		}
		if q.Other {
			r.Counts = append(r.Counts, Count{Label: "", Value: 0, Count: at(-1, 0)})
		}
	case Matrix:
		r.Answered = tally[tallyKey{q.ID, 0, 0, false}]
		for ri, label := range q.Rows {
			mr := MatrixRow{Label: label}
			for ci, o := range q.Options {
				n := at(ri+1, float64(ci+1))
				mr.Answered += n
				mr.Counts = append(mr.Counts, Count{Label: o, Value: ci + 1, Count: n})
			}
			for i := range mr.Counts {
				mr.Counts[i].Share = share(mr.Counts[i].Count, mr.Answered)
			}
			r.Matrix = append(r.Matrix, mr)
		}
	case Ranking:
		r.Answered = tally[tallyKey{q.ID, 0, 0, false}]
		for oi, label := range q.Options {
			rr := RankResult{Label: label}
			var sum int
			for rank := 1; rank <= len(q.Options); rank++ {
				n := at(oi+1, float64(rank))
				rr.Ranked += n
				sum += rank * n
				if rank == 1 {
					rr.First = n
				}
			}
			if rr.Ranked > 0 {
				rr.MeanRank = float64(sum) / float64(rr.Ranked)
			}
			r.Ranking = append(r.Ranking, rr)
		}
	case Number:
		var sum float64
		for k, n := range tally {
			if k.q != q.ID || k.item != 0 || !k.has {
				continue
			}
			r.Answered += n
			sum += k.num * float64(n)
			if r.Min == nil || k.num < *r.Min {
				x := k.num
				r.Min = &x
			}
			if r.Max == nil || k.num > *r.Max {
				x := k.num
				r.Max = &x
			}
		}
		if r.Answered > 0 {
			m := sum / float64(r.Answered)
			r.Mean = &m
		}
	default:
		r.Answered = tally[tallyKey{q.ID, 0, 0, false}]
	}
	of := r.Answered
	for i := range r.Counts {
		r.Counts[i].Share = share(r.Counts[i].Count, of)
	}
	return r
}

func numText(l *i18n.Localizer, p *float64) string {
	if p == nil {
		return ""
	}
	return czech.FormatFloat(l.Lang, *p, 1)
}

// ShareText is the share written for people: "65,0 %".
func (c Count) ShareText(l *i18n.Localizer) string { return pct(l, c.Share) }

// MeanText, MinText and MaxText are the question's figures written for people.
func (r QuestionResult) MeanText(l *i18n.Localizer) string { return numText(l, r.Mean) }
func (r QuestionResult) MinText(l *i18n.Localizer) string  { return numText(l, r.Min) }
func (r QuestionResult) MaxText(l *i18n.Localizer) string  { return numText(l, r.Max) }

// MeanText is the mean rank written for people.
func (r RankResult) MeanText(l *i18n.Localizer) string { return numText(l, &r.MeanRank) }

// compareWaves gives, for each question of cur, the shares of the same
// answers (by label) of the same question (by code) in the earlier wave
// prev: question id → answer label → "65,0 %".
func compareWaves(l *i18n.Localizer, cur, prev *Results) map[int64]map[string]string {
	out := map[int64]map[string]string{}
	for _, qr := range cur.Questions {
		pq := prev.Of(qr.Question.Code)
		if pq == nil || pq.Question.Kind != qr.Question.Kind || len(pq.Counts) == 0 {
			continue
		}
		m := map[string]string{}
		for _, c := range pq.Counts {
			m[c.Label] = c.ShareText(l)
		}
		if pq.Mean != nil {
			m["__mean"] = pq.MeanText(l)
		}
		out[qr.Question.ID] = m
	}
	return out
}

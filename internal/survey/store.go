package survey

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"kpss/internal/czech"
	"kpss/internal/store"
)

// Filter selects surveys for the staff list.
type Filter struct {
	Q     string
	State State
	store.Paging
}

const surveyCols = `id, title, intro, thanks, audience, wave, previous_id, owner, public_key, public_link, anonymous, one_per_page, state, opens_at, closes_at, min_group, created_at, updated_at`

type scanner interface{ Scan(...any) error }

func scanSurvey(s scanner) (Survey, error) {
	var (
		v      Survey
		owner  sql.NullString
		prev   sql.NullInt64
		op, cl sql.NullTime
	)
	err := s.Scan(&v.ID, &v.Title, &v.Intro, &v.Thanks, &v.Audience, &v.Wave, &prev, &owner, &v.PublicKey, &v.PublicLink, &v.Anonymous, &v.OnePerPage,
		&v.State, &op, &cl, &v.MinGroup, &v.CreatedAt, &v.UpdatedAt)
	if prev.Valid {
		v.PreviousID = &prev.Int64
	}
	v.Owner = owner.String
	if op.Valid {
		t := op.Time
		v.OpensAt = &t
	}
	if cl.Valid {
		t := cl.Time
		v.ClosesAt = &t
	}
	return v, err
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func findSurvey(ctx context.Context, q store.Q, where string, arg any) (Survey, error) {
	v, err := scanSurvey(q.QueryRow(ctx, `SELECT `+surveyCols+` FROM surveys WHERE `+where, arg))
	if err != nil {
		return v, store.AppError(store.MapError(err), "survey")
	}
	return v, nil
}

func findSurveys(ctx context.Context, q store.Q, f Filter) ([]Survey, int, error) {
	where := []string{"1=1"}
	var args []any
	if f.State != "" {
		where = append(where, "state = ?")
		args = append(args, f.State)
	}
	for _, w := range store.LikeWords(czech.Fold(f.Q)) {
		where = append(where, `search LIKE ? ESCAPE '\'`)
		args = append(args, w)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM surveys WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	query := `SELECT ` + surveyCols + `, (SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = surveys.id AND r.state = 'complete')
		FROM surveys WHERE ` + cond + ` ORDER BY created_at DESC, id DESC`
	if f.PerPage >= 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit(), f.Offset())
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Survey{}
	for rows.Next() {
		var n int
		v, err := scanSurvey(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &n)...) }))
		if err != nil {
			return nil, 0, err
		}
		v.Responses = n
		out = append(out, v)
	}
	return out, total, rows.Err()
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

func insertSurvey(ctx context.Context, q store.Q, v *Survey) error {
	var err error
	v.ID, err = store.InsertID(ctx, q, `INSERT INTO surveys (title, intro, thanks, audience, wave, previous_id, owner, public_key, public_link, anonymous, one_per_page, state, opens_at, closes_at, min_group, search, sort_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.Title, v.Intro, v.Thanks, v.Audience, v.Wave, v.PreviousID, nullStr(v.Owner), v.PublicKey, v.PublicLink, v.Anonymous, v.OnePerPage, v.State,
		nullTime(v.OpensAt), nullTime(v.ClosesAt), v.MinGroup, czech.FoldJoin(v.Title, v.Wave, v.Audience), czech.SortKey(v.Title), v.CreatedAt, v.UpdatedAt)
	return err
}

func updateSurvey(ctx context.Context, q store.Q, v *Survey) error {
	_, err := q.Exec(ctx, `UPDATE surveys SET title = ?, intro = ?, thanks = ?, audience = ?, wave = ?, previous_id = ?, public_link = ?, anonymous = ?, one_per_page = ?,
		state = ?, opens_at = ?, closes_at = ?, min_group = ?, search = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		v.Title, v.Intro, v.Thanks, v.Audience, v.Wave, v.PreviousID, v.PublicLink, v.Anonymous, v.OnePerPage, v.State,
		nullTime(v.OpensAt), nullTime(v.ClosesAt), v.MinGroup, czech.FoldJoin(v.Title, v.Wave, v.Audience), czech.SortKey(v.Title), v.UpdatedAt, v.ID)
	return err
}

const questionCols = `id, survey_id, position, code, section, kind, label, help, required, options, rows_json, other, scale_min, scale_max, min_label, max_label, num_min, num_max, cond`

func scanQuestion(s scanner) (Question, error) {
	var (
		q               Question
		opts, rws, cond string
		numMin, numMax  sql.NullFloat64
	)
	err := s.Scan(&q.ID, &q.SurveyID, &q.Position, &q.Code, &q.Section, &q.Kind, &q.Label, &q.Help, &q.Required, &opts, &rws, &q.Other,
		&q.ScaleMin, &q.ScaleMax, &q.MinLabel, &q.MaxLabel, &numMin, &numMax, &cond)
	if err != nil {
		return q, err
	}
	_ = json.Unmarshal([]byte(opts), &q.Options)
	_ = json.Unmarshal([]byte(rws), &q.Rows)
	if cond != "" {
		q.Cond = &Condition{}
		_ = json.Unmarshal([]byte(cond), q.Cond)
	}
	if numMin.Valid {
		q.NumMin = &numMin.Float64
	}
	if numMax.Valid {
		q.NumMax = &numMax.Float64
	}
	return q, nil
}

// findQuestions returns the questions of the surveys ids, by survey and position.
func findQuestions(ctx context.Context, q store.Q, ids ...int64) (map[int64][]Question, error) {
	out := map[int64][]Question{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, `SELECT `+questionCols+` FROM survey_questions WHERE survey_id IN (`+store.Placeholders(len(ids))+`) ORDER BY survey_id, position, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		qu, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		out[qu.SurveyID] = append(out[qu.SurveyID], qu)
	}
	return out, rows.Err()
}

func condJSON(c *Condition) string {
	if c == nil {
		return ""
	}
	return encodeJSON(c)
}

func listJSON(l []string) string {
	if l == nil {
		l = []string{}
	}
	return encodeJSON(l)
}

func insertQuestion(ctx context.Context, q store.Q, qu *Question) error {
	var err error
	qu.ID, err = store.InsertID(ctx, q, `INSERT INTO survey_questions (survey_id, position, code, section, kind, label, help, required, options, rows_json, other, scale_min, scale_max, min_label, max_label, num_min, num_max, cond)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		qu.SurveyID, qu.Position, qu.Code, qu.Section, qu.Kind, qu.Label, qu.Help, qu.Required, listJSON(qu.Options), listJSON(qu.Rows), qu.Other,
		qu.ScaleMin, qu.ScaleMax, qu.MinLabel, qu.MaxLabel, qu.NumMin, qu.NumMax, condJSON(qu.Cond))
	return err
}

func updateQuestion(ctx context.Context, q store.Q, qu *Question) error {
	_, err := q.Exec(ctx, `UPDATE survey_questions SET position = ?, code = ?, section = ?, kind = ?, label = ?, help = ?, required = ?, options = ?, rows_json = ?, other = ?,
		scale_min = ?, scale_max = ?, min_label = ?, max_label = ?, num_min = ?, num_max = ?, cond = ? WHERE id = ?`,
		qu.Position, qu.Code, qu.Section, qu.Kind, qu.Label, qu.Help, qu.Required, listJSON(qu.Options), listJSON(qu.Rows), qu.Other,
		qu.ScaleMin, qu.ScaleMax, qu.MinLabel, qu.MaxLabel, qu.NumMin, qu.NumMax, condJSON(qu.Cond), qu.ID)
	return err
}

func countResponses(ctx context.Context, q store.Q, surveyID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND state = 'complete'`, surveyID).Scan(&n)
	return n, err
}

// answerRows encodes the answers of one response as rows of survey_answers.
// Item 0 is written for every answered question (the "answered" marker that
// carries the value of single-valued kinds); multi-valued kinds add one row
// per option (item = option number, -1 for "other"), matrix row (item = row,
// num = column) or ranked option (item = option, num = rank).
type answerRow struct {
	question int64
	item     int
	num      *float64
	value    string
}

func fp(n int) *float64 { f := float64(n); return &f }

func encodeAnswers(qs []Question, a Answers) []answerRow {
	var out []answerRow
	for i := range qs {
		q := &qs[i]
		v, ok := a[q.Code]
		if !ok || v.Empty() {
			continue
		}
		switch q.Kind {
		case Single:
			out = append(out, answerRow{q.ID, 0, fp(v.Choices[0]), v.Other})
		case Scale:
			out = append(out, answerRow{q.ID, 0, fp(v.Choices[0]), ""})
		case Multiple:
			out = append(out, answerRow{q.ID, 0, nil, v.Other})
			for _, c := range v.Choices {
				item := c
				if c == 0 {
					item = -1
				}
				out = append(out, answerRow{q.ID, item, fp(c), ""})
			}
		case Matrix:
			out = append(out, answerRow{q.ID, 0, nil, ""})
			for r := 1; r <= len(q.Rows); r++ {
				if c, ok := v.Rows[r]; ok {
					out = append(out, answerRow{q.ID, r, fp(c), ""})
				}
			}
		case Ranking:
			out = append(out, answerRow{q.ID, 0, nil, ""})
			for o := 1; o <= len(q.Options); o++ {
				if r, ok := v.Ranks[o]; ok {
					out = append(out, answerRow{q.ID, o, fp(r), ""})
				}
			}
		case Number:
			out = append(out, answerRow{q.ID, 0, v.Num, ""})
		default:
			out = append(out, answerRow{q.ID, 0, nil, v.Text})
		}
	}
	return out
}

// insertAnswers writes the rows in batches (one statement per 200 rows).
func insertAnswers(ctx context.Context, q store.Q, surveyID, responseID int64, rows []answerRow) error {
	const batch = 200
	for start := 0; start < len(rows); start += batch {
		part := rows[start:min(start+batch, len(rows))]
		var b strings.Builder
		b.WriteString(`INSERT INTO survey_answers (survey_id, response_id, question_id, item, num, value) VALUES `)
		args := make([]any, 0, len(part)*6)
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?)")
			args = append(args, surveyID, responseID, r.question, r.item, r.num, r.value)
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// addTallies counts one response's answer rows into survey_tallies (one
// statement; each row of a response is a distinct key).
func addTallies(ctx context.Context, q store.Q, surveyID int64, rows []answerRow) error {
	if len(rows) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO survey_tallies (survey_id, question_id, item, has_num, num, n) VALUES `)
	args := make([]any, 0, len(rows)*5)
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, 1)")
		var num float64
		if r.num != nil {
			num = *r.num
		}
		args = append(args, surveyID, r.question, r.item, r.num != nil, num)
	}
	b.WriteString(` ON CONFLICT (survey_id, question_id, item, has_num, num) DO UPDATE SET n = survey_tallies.n + excluded.n`)
	_, err := q.Exec(ctx, b.String(), args...)
	return err
}

// rebuildTallies recounts survey_tallies of a survey from its answers.
func rebuildTallies(ctx context.Context, q store.Q, surveyID int64) error {
	if _, err := q.Exec(ctx, `DELETE FROM survey_tallies WHERE survey_id = ?`, surveyID); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO survey_tallies (survey_id, question_id, item, has_num, num, n)
		SELECT survey_id, question_id, item, num IS NOT NULL, COALESCE(num, 0), COUNT(*) FROM survey_answers WHERE survey_id = ?
		GROUP BY survey_id, question_id, item, num`, surveyID)
	return err
}

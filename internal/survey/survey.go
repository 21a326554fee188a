// Package survey runs questionnaires (dotazníky): the coordinator builds a
// survey of sections and questions with display conditions, people answer it
// through a public link, a personal invitation or on paper (typed in by
// staff), and the results are counted per question with charts, data tables,
// cross-tabs with suppressed small cells, comparisons with an earlier wave and
// exports with one stable column per question.
//
// The module is also the feedback.Provider of the modules that ask for
// feedback (workshops, speed networking): their forms are surveys made from
// the standard feedback template.
package survey

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
)

// Kind is the type of a question.
type Kind string

const (
	Single   Kind = "single"   // one option (radio buttons), optionally "other"
	Multiple Kind = "multiple" // several options (checkboxes), optionally "other"
	Scale    Kind = "scale"    // a point of a numbered scale (1–5), e.g. satisfaction
	Matrix   Kind = "matrix"   // statements (rows) × the same options (columns), e.g. Likert
	Number   Kind = "number"   // a number, optionally within a range
	Text     Kind = "text"     // a short text
	LongText Kind = "longtext" // a long text
	DateQ    Kind = "date"     // a day
	Ranking  Kind = "ranking"  // options put in order of importance
)

// Kinds lists the kinds in the builder's order.
var Kinds = []Kind{Single, Multiple, Scale, Matrix, Number, Text, LongText, DateQ, Ranking}

// Choice reports whether answers of the kind are options counted per option.
func (k Kind) Choice() bool { return k == Single || k == Multiple }

// HasOptions reports whether the kind uses the options list.
func (k Kind) HasOptions() bool { return k == Single || k == Multiple || k == Matrix || k == Ranking }

// State is where a survey is in its life.
type State string

const (
	Draft     State = "draft"     // being built; nobody can answer
	Published State = "published" // answers are taken between the opening and closing dates
	Closed    State = "closed"    // no more answers
)

// Channel is how a response came.
type Channel string

const (
	Link  Channel = "link"  // the public link
	Token Channel = "token" // a personal invitation
	Paper Channel = "paper" // a paper form typed in by staff
)

// Survey is one questionnaire.
type Survey struct {
	ID         int64      `json:"id"`
	Title      string     `json:"title"`
	Intro      string     `json:"intro"`
	Thanks     string     `json:"thanks"`
	Audience   string     `json:"audience"`
	Wave       string     `json:"wave"`
	PreviousID *int64     `json:"previous_id"`
	Owner      string     `json:"owner,omitempty"`
	PublicKey  string     `json:"public_key"`
	PublicLink bool       `json:"public_link"`
	Anonymous  bool       `json:"anonymous"`
	OnePerPage bool       `json:"one_per_page"`
	State      State      `json:"state"`
	OpensAt    *time.Time `json:"opens_at"`
	ClosesAt   *time.Time `json:"closes_at"`
	MinGroup   int        `json:"min_group"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`

	// Responses is the number of complete responses (filled by the lists).
	Responses int `json:"responses"`
}

// Open reports whether the survey takes answers at now.
func (s *Survey) Open(now time.Time) bool {
	if s.State != Published {
		return false
	}
	if s.OpensAt != nil && now.Before(*s.OpensAt) {
		return false
	}
	if s.ClosesAt != nil && !now.Before(*s.ClosesAt) {
		return false
	}
	return true
}

// LastDay is the last day answers are taken (the day before ClosesAt in
// Prague), as a bare date; nil when the survey has no end.
func (s *Survey) LastDay() *time.Time {
	if s.ClosesAt == nil {
		return nil
	}
	p := s.ClosesAt.In(prague).Add(-time.Second)
	d := time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

// RespondURL is the public path of the survey's form.
func (s *Survey) RespondURL() string { return "/dotaznik/" + s.PublicKey }

// URL is the staff page of the survey.
func (s *Survey) URL() string { return "/dotazniky/" + strconv.FormatInt(s.ID, 10) }

// Validate checks a survey's own fields before it is stored.
func (s *Survey) Validate() error {
	for _, p := range []*string{&s.Title, &s.Audience, &s.Wave} {
		*p = strings.TrimSpace(*p)
	}
	f := apperr.Fields{}
	if s.Title == "" {
		f.Add("title", "err.required")
	}
	checkLen(f, "title", s.Title, 200)
	checkLen(f, "intro", s.Intro, 5000)
	checkLen(f, "thanks", s.Thanks, 2000)
	checkLen(f, "audience", s.Audience, 200)
	checkLen(f, "wave", s.Wave, 40)
	if s.State == "" {
		s.State = Draft
	}
	if s.State != Draft && s.State != Published && s.State != Closed {
		f.Add("state", "survey.err.state")
	}
	if s.OpensAt != nil && s.ClosesAt != nil && !s.ClosesAt.After(*s.OpensAt) {
		f.Add("closes_at", "survey.err.closes_before_opens")
	}
	if s.MinGroup == 0 {
		s.MinGroup = 5
	}
	if s.MinGroup < 2 || s.MinGroup > 100 {
		f.Add("min_group", "survey.err.min_group")
	}
	return f.Err()
}

// Condition shows a question only when an earlier question was answered a
// certain way: for a choice or scale question, with one of Values (option
// numbers or scale points); with no Values, when it was answered at all.
type Condition struct {
	Code   string   `json:"q"`
	Values []string `json:"values,omitempty"`
	// Not inverts: show when the earlier answer is NOT one of Values.
	Not bool `json:"not,omitempty"`
}

// Question is one question of a survey.
type Question struct {
	ID       int64    `json:"id"`
	SurveyID int64    `json:"survey_id"`
	Position int      `json:"position"`
	Code     string   `json:"code"`
	Section  string   `json:"section"`
	Kind     Kind     `json:"kind"`
	Label    string   `json:"label"`
	Help     string   `json:"help"`
	Required bool     `json:"required"`
	Options  []string `json:"options"`
	Rows     []string `json:"rows"`
	Other    bool     `json:"other"`
	ScaleMin int      `json:"scale_min"`
	ScaleMax int      `json:"scale_max"`
	MinLabel string   `json:"min_label"`
	MaxLabel string   `json:"max_label"`
	NumMin   *float64 `json:"num_min"`
	NumMax   *float64 `json:"num_max"`
	// Cond, when set, shows the question only after a matching earlier answer.
	Cond *Condition `json:"condition"`
}

// Number is the question's number shown to people (its position, from 1).
func (q *Question) Number() int { return q.Position }

// Points lists the scale's points (ScaleMin … ScaleMax).
func (q *Question) Points() []int {
	var out []int
	for i := q.ScaleMin; i <= q.ScaleMax; i++ {
		out = append(out, i)
	}
	return out
}

// Field is the form field name of the question.
func (q *Question) Field() string { return "q" + strconv.FormatInt(q.ID, 10) }

// Validate checks a question's own fields (the survey-wide rules – codes,
// conditions on earlier questions – are checked by ValidateQuestions).
func (q *Question) Validate() error {
	q.Label = strings.TrimSpace(q.Label)
	q.Section = strings.TrimSpace(q.Section)
	q.Code = strings.TrimSpace(q.Code)
	q.Options = cleanList(q.Options)
	q.Rows = cleanList(q.Rows)
	f := apperr.Fields{}
	if q.Label == "" {
		f.Add("label", "err.required")
	}
	checkLen(f, "label", q.Label, 500)
	checkLen(f, "help", q.Help, 1000)
	checkLen(f, "section", q.Section, 200)
	known := false
	for _, k := range Kinds {
		known = known || k == q.Kind
	}
	if !known {
		f.Add("kind", "survey.err.kind")
	}
	if q.Kind.HasOptions() {
		if len(q.Options) < 2 {
			f.Add("options", "survey.err.options_few")
		}
		if len(q.Options) > 50 {
			f.Add("options", "survey.err.options_many")
		}
		for _, o := range q.Options {
			checkLen(f, "options", o, 200)
		}
	} else {
		q.Options = nil
	}
	if q.Kind == Matrix {
		if len(q.Rows) < 1 {
			f.Add("rows", "survey.err.rows_few")
		}
		for _, o := range q.Rows {
			checkLen(f, "rows", o, 300)
		}
	} else {
		q.Rows = nil
	}
	if !q.Kind.Choice() {
		q.Other = false
	}
	if q.Kind == Scale {
		if q.ScaleMin == 0 && q.ScaleMax == 0 {
			q.ScaleMin, q.ScaleMax = 1, 5
		}
		if q.ScaleMin < 0 || q.ScaleMax > 10 || q.ScaleMax-q.ScaleMin < 1 {
			f.Add("scale_max", "survey.err.scale")
		}
	} else {
		q.ScaleMin, q.ScaleMax, q.MinLabel, q.MaxLabel = 1, 5, "", ""
	}
	if q.Kind == Number {
		if q.NumMin != nil && q.NumMax != nil && *q.NumMax < *q.NumMin {
			f.Add("num_max", "survey.err.range")
		}
	} else {
		q.NumMin, q.NumMax = nil, nil
	}
	return f.Err()
}

// ValidateQuestions checks the rules between the questions of a survey, in
// their order: unique codes, and conditions only on an earlier question that
// exists and can carry the values (so there are no cycles). The error names
// the question ("Otázka 4: …"); field is "cond".
func ValidateQuestions(qs []Question) error {
	seen := map[string]int{}
	for i := range qs {
		q := &qs[i]
		if j, ok := seen[q.Code]; ok {
			return condErr("code", "survey.err.code_taken", q, "Other", j+1)
		}
		seen[q.Code] = i
		if q.Cond == nil {
			continue
		}
		j, ok := seen[q.Cond.Code]
		if !ok || j == i {
			later := false
			for _, o := range qs[i:] {
				later = later || o.Code == q.Cond.Code
			}
			if later {
				return condErr("cond", "survey.err.cond_later", q, "Other", positionOf(qs, q.Cond.Code))
			}
			return condErr("cond", "survey.err.cond_missing", q)
		}
		src := &qs[j]
		for _, v := range q.Cond.Values {
			if !src.validValue(v) {
				return condErr("cond", "survey.err.cond_value", q, "Other", j+1)
			}
		}
		if len(q.Cond.Values) > 0 && !(src.Kind.Choice() || src.Kind == Scale) {
			return condErr("cond", "survey.err.cond_kind", q, "Other", j+1)
		}
	}
	return nil
}

func positionOf(qs []Question, code string) int {
	for i, q := range qs {
		if q.Code == code {
			return i + 1
		}
	}
	return 0
}

func condErr(field, key string, q *Question, args ...any) error {
	f := apperr.Fields{}
	f.Add(field, key, append([]any{"Number", q.Position, "Label", q.Label}, args...)...)
	return f.Err()
}

// validValue reports whether v is a possible answer value of a condition
// source: an option number (0 for "other") or a scale point.
func (q *Question) validValue(v string) bool {
	n, err := strconv.Atoi(v)
	if err != nil {
		return false
	}
	switch {
	case q.Kind.Choice():
		return n >= 1 && n <= len(q.Options) || n == 0 && q.Other
	case q.Kind == Scale:
		return n >= q.ScaleMin && n <= q.ScaleMax
	}
	return false
}

func cleanList(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func checkLen(f apperr.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "err.too_long", "Max", max)
	}
}

// Answer is one question's answer in a response.
type Answer struct {
	// Choices are the chosen option numbers (1-based; 0 is "other"), for
	// single, multiple and scale (the point).
	Choices []int `json:"choices,omitempty"`
	// Other is the text of "other".
	Other string `json:"other,omitempty"`
	// Rows: matrix row number → chosen column (option number).
	Rows map[int]int `json:"rows,omitempty"`
	// Ranks: option number → rank (1 = most important).
	Ranks map[int]int `json:"ranks,omitempty"`
	Num   *float64    `json:"num,omitempty"`
	Text  string      `json:"text,omitempty"`
}

// Empty reports whether nothing was answered.
func (a Answer) Empty() bool {
	return len(a.Choices) == 0 && a.Other == "" && len(a.Rows) == 0 && len(a.Ranks) == 0 && a.Num == nil && a.Text == ""
}

// Answers are a response's answers by question code.
type Answers map[string]Answer

// Visible reports whether q is shown given the answers so far.
func Visible(q *Question, a Answers) bool {
	if q.Cond == nil {
		return true
	}
	got, ok := a[q.Cond.Code]
	if !ok || got.Empty() {
		return q.Cond.Not && len(q.Cond.Values) > 0
	}
	if len(q.Cond.Values) == 0 {
		return true
	}
	match := false
	for _, c := range got.Choices {
		for _, v := range q.Cond.Values {
			if strconv.Itoa(c) == v {
				match = true
			}
		}
	}
	return match != q.Cond.Not
}

// VisibleQuestions returns the questions shown for the answers: a question
// hidden by its condition hides the questions conditioned on it too, because
// its answer is dropped.
func VisibleQuestions(qs []Question, a Answers) []Question {
	kept := Answers{}
	var out []Question
	for i := range qs {
		if Visible(&qs[i], kept) {
			out = append(out, qs[i])
			if v, ok := a[qs[i].Code]; ok {
				kept[qs[i].Code] = v
			}
		}
	}
	return out
}

// CheckAnswer validates one answer of q; the message names the problem in
// the respondent's words.
func CheckAnswer(q *Question, a Answer) *apperr.Msg {
	if a.Empty() {
		if q.Required {
			return &apperr.Msg{Key: "survey.err.answer_required"}
		}
		return nil
	}
	bad := &apperr.Msg{Key: "survey.err.answer_invalid"}
	switch q.Kind {
	case Single, Multiple:
		if q.Kind == Single && len(a.Choices) > 1 {
			return &apperr.Msg{Key: "survey.err.answer_one"}
		}
		for _, c := range a.Choices {
			if c < 0 || c > len(q.Options) || c == 0 && !q.Other {
				return bad
			}
			if c == 0 && strings.TrimSpace(a.Other) == "" {
				return &apperr.Msg{Key: "survey.err.other_empty"}
			}
		}
		if len(a.Choices) == 0 && a.Other != "" {
			return &apperr.Msg{Key: "survey.err.other_unchecked"}
		}
		if utf8.RuneCountInString(a.Other) > 500 {
			return &apperr.Msg{Key: "err.too_long", Args: map[string]any{"Max": 500}}
		}
	case Scale:
		if len(a.Choices) != 1 || a.Choices[0] < q.ScaleMin || a.Choices[0] > q.ScaleMax {
			return bad
		}
	case Matrix:
		for r, c := range a.Rows {
			if r < 1 || r > len(q.Rows) || c < 1 || c > len(q.Options) {
				return bad
			}
		}
		if q.Required && len(a.Rows) < len(q.Rows) {
			return &apperr.Msg{Key: "survey.err.matrix_rows"}
		}
	case Ranking:
		used := map[int]bool{}
		for o, r := range a.Ranks {
			if o < 1 || o > len(q.Options) || r < 1 || r > len(q.Options) {
				return bad
			}
			if used[r] {
				return &apperr.Msg{Key: "survey.err.rank_twice", Args: map[string]any{"Rank": r}}
			}
			used[r] = true
		}
	case Number:
		if a.Num == nil || math.IsNaN(*a.Num) || math.IsInf(*a.Num, 0) {
			return &apperr.Msg{Key: "survey.err.number"}
		}
		if q.NumMin != nil && *a.Num < *q.NumMin || q.NumMax != nil && *a.Num > *q.NumMax {
			return &apperr.Msg{Key: "survey.err.number_range", Args: map[string]any{"Min": fmtNum(q.NumMin), "Max": fmtNum(q.NumMax)}}
		}
	case Text, LongText:
		max := 500
		if q.Kind == LongText {
			max = 5000
		}
		if utf8.RuneCountInString(a.Text) > max {
			return &apperr.Msg{Key: "err.too_long", Args: map[string]any{"Max": max}}
		}
	case DateQ:
		if _, err := time.Parse(time.DateOnly, a.Text); err != nil {
			return &apperr.Msg{Key: "survey.err.answer_date"}
		}
	}
	return nil
}

func fmtNum(p *float64) string {
	if p == nil {
		return "–"
	}
	return strings.Replace(strconv.FormatFloat(*p, 'f', -1, 64), ".", ",", 1)
}

func encodeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("survey: encode %T: %v", v, err))
	}
	return string(b)
}

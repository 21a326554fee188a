package survey

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

// lockedErr refuses a change of the questions' structure once people have
// answered: their answers would change meaning.
func lockedErr() error { return apperr.New(apperr.Conflict, "survey.err.locked") }

// editQuestions loads the survey's questions in tx, lets change rearrange
// them, checks the result as a whole and writes what changed, with one
// audit row. structural says whether the change needs a survey without
// responses.
func (s *Service) editQuestions(ctx context.Context, surveyID int64, action string, structural bool, change func(v *Survey, qs []Question, locked bool) ([]Question, *Question, error)) (*Question, error) {
	var out *Question
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		v, err := findSurvey(ctx, tx, "id = ?", surveyID)
		if err != nil {
			return err
		}
		all, err := findQuestions(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		before := all[surveyID]
		n, err := countAllResponses(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		locked := n > 0
		if locked && structural {
			return lockedErr()
		}
		old := append([]Question(nil), before...)
		qs, target, err := change(&v, append([]Question(nil), before...), locked)
		if err != nil {
			return err
		}
		for i := range qs {
			qs[i].Position = i + 1
		}
		if err := ValidateQuestions(qs); err != nil {
			return err
		}
		oldByID := map[int64]Question{}
		for _, q := range old {
			oldByID[q.ID] = q
		}
		keep := map[int64]bool{}
		for i := range qs {
			q := &qs[i]
			q.SurveyID = surveyID
			if q.ID == 0 {
				if err := insertQuestion(ctx, tx, q); err != nil {
					return err
				}
				if target != nil && target.ID == 0 && target.Code == q.Code {
					target = q
				}
			} else if encodeJSON(*q) != encodeJSON(oldByID[q.ID]) {
				if err := updateQuestion(ctx, tx, q); err != nil {
					return err
				}
			}
			keep[q.ID] = true
		}
		for _, q := range old {
			if !keep[q.ID] {
				if _, err := tx.Exec(ctx, `DELETE FROM survey_questions WHERE id = ?`, q.ID); err != nil {
					return err
				}
			}
		}
		if target == nil {
			target = &Question{}
		}
		out = target
		var beforeQ any
		if q, ok := oldByID[target.ID]; ok {
			beforeQ = &q
		}
		var afterQ any = target
		if action == "question_delete" {
			afterQ = nil
		}
		if _, err := tx.Exec(ctx, `UPDATE surveys SET updated_at = ? WHERE id = ?`, s.now(), surveyID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "survey_question", EntityID: target.ID,
			Summary: fmt.Sprintf("%s – %d. %s", v.Title, target.Position, target.Label), Before: beforeQ, After: afterQ})
	})
	return out, err
}

func nextCode(qs []Question) string {
	max := 0
	for _, q := range qs {
		if n, err := strconv.Atoi(strings.TrimPrefix(q.Code, "q")); err == nil && strings.HasPrefix(q.Code, "q") && n > max {
			max = n
		}
	}
	return fmt.Sprintf("q%d", max+1)
}

// SaveQuestion adds q to the end of survey surveyID (q.ID 0) or replaces the
// question q.ID. Once the survey has responses only the wording (label,
// help, section) may change. Errors: not_found, invalid, conflict.
func (s *Service) SaveQuestion(ctx context.Context, surveyID int64, q Question) (*Question, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	action := "update"
	if q.ID == 0 {
		action = "create"
	}
	return s.editQuestions(ctx, surveyID, action, q.ID == 0, func(v *Survey, qs []Question, locked bool) ([]Question, *Question, error) {
		if q.ID == 0 {
			if q.Code == "" {
				q.Code = nextCode(qs)
			}
			q.Position = len(qs) + 1
			qs = append(qs, q)
			return qs, &qs[len(qs)-1], nil
		}
		for i := range qs {
			if qs[i].ID != q.ID {
				continue
			}
			if q.Code == "" {
				q.Code = qs[i].Code
			}
			q.Position = qs[i].Position
			if locked {
				old := qs[i]
				old.Label, old.Help, old.Section = q.Label, q.Help, q.Section
				if encodeJSON(old) != encodeJSON(q) {
					return nil, nil, lockedErr()
				}
			}
			qs[i] = q
			return qs, &qs[i], nil
		}
		return nil, nil, apperr.NotFoundErr("survey_question")
	})
}

// DeleteQuestion removes a question (not while another question's condition
// refers to it, nor once people have answered). Errors: not_found, invalid, conflict.
func (s *Service) DeleteQuestion(ctx context.Context, surveyID, questionID int64) error {
	_, err := s.editQuestions(ctx, surveyID, "question_delete", true, func(v *Survey, qs []Question, locked bool) ([]Question, *Question, error) {
		for i := range qs {
			if qs[i].ID == questionID {
				gone := qs[i]
				qs = append(qs[:i], qs[i+1:]...)
				return qs, &gone, nil
			}
		}
		return nil, nil, apperr.NotFoundErr("survey_question")
	})
	return asConflict(err)
}

// asConflict turns a check of the questions as a whole (a condition that
// would lose its question) into a plain conflict whose message names the
// question, for actions without a form.
func asConflict(err error) error {
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		for _, m := range e.Fields {
			return &apperr.Error{Code: apperr.Conflict, Msg: m}
		}
	}
	return err
}

// MoveQuestion moves a question one place up (delta -1) or down (+1); a
// move that would put a condition before its question is refused.
// Errors: not_found, invalid, conflict.
func (s *Service) MoveQuestion(ctx context.Context, surveyID, questionID int64, delta int) error {
	_, err := s.editQuestions(ctx, surveyID, "question_move", true, func(v *Survey, qs []Question, locked bool) ([]Question, *Question, error) {
		for i := range qs {
			if qs[i].ID != questionID {
				continue
			}
			j := i + delta
			if j < 0 || j >= len(qs) {
				return qs, &qs[i], nil
			}
			qs[i], qs[j] = qs[j], qs[i]
			return qs, &qs[j], nil
		}
		return nil, nil, apperr.NotFoundErr("survey_question")
	})
	return asConflict(err)
}

// CopySurvey makes a new draft wave of survey id with the same questions
// (the same codes, so that the waves compare question by question), linked
// to it as the previous wave. Errors: not_found, invalid.
func (s *Service) CopySurvey(ctx context.Context, id int64, title, wave string) (*Survey, error) {
	v, qs, err := s.FindSurvey(ctx, id)
	if err != nil {
		return nil, err
	}
	c := *v
	c.ID, c.Owner, c.PublicKey, c.State, c.OpensAt, c.ClosesAt, c.Responses = 0, "", "", Draft, nil, nil, 0
	c.PreviousID = &v.ID
	c.Title, c.Wave = title, wave
	for i := range qs {
		qs[i].ID = 0
	}
	return s.CreateSurvey(ctx, c, qs)
}

var questionFields = []string{"section", "label", "help", "kind", "required", "options", "other", "rows", "scale_min", "scale_max", "min_label", "max_label", "num_min", "num_max", "cond", "code"}

func (h *Handler) kindOptions(l *i18n.Localizer) []web.Option {
	out := make([]web.Option, 0, len(Kinds))
	for _, k := range Kinds {
		out = append(out, web.Option{Value: string(k), Label: l.T("survey.kind." + string(k))})
	}
	return out
}

// condOptions are the choices of a question's condition: each option of
// every earlier choice or scale question, and "answered at all" for each
// earlier question, as "code=value" / "code=*".
func condOptions(l *i18n.Localizer, earlier []Question) []web.Option {
	var out []web.Option
	for _, q := range earlier {
		prefix := l.T("survey.cond.option_prefix", "Number", q.Position, "Label", truncate(q.Label, 60))
		switch {
		case q.Kind.Choice():
			for i, o := range q.Options {
				out = append(out, web.Option{Value: fmt.Sprintf("%s=%d", q.Code, i+1), Label: prefix + " „" + o + "“"})
			}
			if q.Other {
				out = append(out, web.Option{Value: q.Code + "=0", Label: prefix + " " + l.T("survey.respond.other")})
			}
		case q.Kind == Scale:
			for _, p := range q.Points() {
				out = append(out, web.Option{Value: fmt.Sprintf("%s=%d", q.Code, p), Label: prefix + " " + strconv.Itoa(p)})
			}
		}
		out = append(out, web.Option{Value: q.Code + "=*", Label: prefix + " " + l.T("survey.cond.any_answer")})
	}
	return out
}

// parseCond reads the condition checkboxes; all must be of one question.
func parseCond(f *web.Form) (*Condition, error) {
	vals := f.Values["cond"]
	if len(vals) == 0 {
		return nil, nil
	}
	c := &Condition{Not: f.Bool("cond_not")}
	for _, v := range vals {
		code, val, ok := strings.Cut(v, "=")
		if !ok {
			continue
		}
		if c.Code != "" && c.Code != code {
			fe := apperr.Fields{}
			fe.Add("cond", "survey.err.cond_one_question")
			return nil, fe.Err()
		}
		c.Code = code
		if val != "*" {
			c.Values = append(c.Values, val)
		}
	}
	if c.Code == "" {
		return nil, nil
	}
	if len(c.Values) == 0 {
		c.Not = false
	}
	return c, nil
}

func lines(s string) []string { return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") }

func optFloat(f *web.Form, name string, fe apperr.Fields) *float64 {
	s := f.Get(name)
	if s == "" {
		return nil
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil {
		fe.Add(name, "survey.err.number_plain")
		return nil
	}
	return &n
}

func questionValues(q *Question) url.Values {
	vals := url.Values{"section": {q.Section}, "label": {q.Label}, "help": {q.Help}, "kind": {string(q.Kind)},
		"options": {strings.Join(q.Options, "\n")}, "rows": {strings.Join(q.Rows, "\n")},
		"scale_min": {strconv.Itoa(q.ScaleMin)}, "scale_max": {strconv.Itoa(q.ScaleMax)}, "min_label": {q.MinLabel}, "max_label": {q.MaxLabel}}
	if q.Required {
		vals.Set("required", "on")
	}
	if q.Other {
		vals.Set("other", "on")
	}
	if q.NumMin != nil {
		vals.Set("num_min", strconv.FormatFloat(*q.NumMin, 'f', -1, 64))
	}
	if q.NumMax != nil {
		vals.Set("num_max", strconv.FormatFloat(*q.NumMax, 'f', -1, 64))
	}
	if c := q.Cond; c != nil {
		if len(c.Values) == 0 {
			vals.Add("cond", c.Code+"=*")
		}
		for _, v := range c.Values {
			vals.Add("cond", c.Code+"="+v)
		}
		if c.Not {
			vals.Set("cond_not", "on")
		}
	}
	return vals
}

// ShowQuestionForm shows the form of a new question or of question {qid}.
func (h *Handler) ShowQuestionForm(w http.ResponseWriter, r *http.Request) error {
	v, qs, q, err := h.questionOf(r)
	if err != nil {
		return err
	}
	vals := url.Values{"kind": {string(Single)}, "scale_min": {"1"}, "scale_max": {"5"}}
	if q != nil {
		vals = questionValues(q)
	}
	return h.renderQuestionForm(w, r, v, qs, q, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) questionOf(r *http.Request) (*Survey, []Question, *Question, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, nil, err
	}
	v, qs, err := h.FindSurvey(r.Context(), id)
	if err != nil {
		return nil, nil, nil, err
	}
	if r.PathValue("qid") == "" {
		return v, qs, nil, nil
	}
	qid, err := pathID(r, "qid")
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range qs {
		if qs[i].ID == qid {
			return v, qs, &qs[i], nil
		}
	}
	return nil, nil, nil, apperr.NotFoundErr("survey_question")
}

func (h *Handler) renderQuestionForm(w http.ResponseWriter, r *http.Request, v *Survey, qs []Question, q *Question, f *web.Form, status int) error {
	title := "survey.question.new"
	earlier := qs
	if q != nil {
		title = "survey.question.edit"
		earlier = qs[:q.Position-1]
	}
	p := h.R.Page(r, title, "Number", len(qs)+1).Crumb(listPath, h.l(r).T(listTitle)).Crumb(v.URL(), v.Title)
	if q != nil {
		p.Title = p.L.T(title, "Number", q.Position)
	}
	p.Form, p.NoIndex = f, true
	p.Data = map[string]any{"S": v, "Kinds": h.kindOptions(p.L), "Cond": condOptions(p.L, earlier), "Locked": v.Responses > 0, "Q": q}
	h.R.Render(w, r, status, "survey/question", p)
	return nil
}

// SaveQuestionForm saves the question form.
func (h *Handler) SaveQuestionForm(w http.ResponseWriter, r *http.Request) error {
	v, qs, old, err := h.questionOf(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fe := apperr.Fields{}
	q := Question{Section: f.Get("section"), Label: f.Get("label"), Help: f.Get("help"), Kind: Kind(f.Get("kind")), Required: f.Bool("required"),
		Options: lines(f.Values.Get("options")), Rows: lines(f.Values.Get("rows")), Other: f.Bool("other"),
		MinLabel: f.Get("min_label"), MaxLabel: f.Get("max_label"), NumMin: optFloat(f, "num_min", fe), NumMax: optFloat(f, "num_max", fe)}
	q.ScaleMin, _ = strconv.Atoi(f.Get("scale_min"))
	q.ScaleMax, _ = strconv.Atoi(f.Get("scale_max"))
	if old != nil {
		q.ID, q.Code = old.ID, old.Code
	}
	cond, err := parseCond(f)
	q.Cond = cond
	if err == nil {
		err = fe.Err()
	}
	if err == nil {
		_, err = h.SaveQuestion(r.Context(), v.ID, q)
	}
	if err != nil {
		if f.SetError(h.l(r), err, questionFields...) {
			return h.renderQuestionForm(w, r, v, qs, old, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, v.URL()+"#otazky", "flash.saved")
	return nil
}

// SaveQuestionMove moves question {qid} up or down (dir=up|down).
func (h *Handler) SaveQuestionMove(w http.ResponseWriter, r *http.Request) error {
	v, _, q, err := h.questionOf(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	delta := 1
	if f.Get("dir") == "up" {
		delta = -1
	}
	if err := h.MoveQuestion(r.Context(), v.ID, q.ID, delta); err != nil {
		return err
	}
	web.Redirect(w, r, v.URL()+"#otazky", "survey.flash.moved")
	return nil
}

// SaveQuestionDelete removes question {qid}.
func (h *Handler) SaveQuestionDelete(w http.ResponseWriter, r *http.Request) error {
	v, _, q, err := h.questionOf(r)
	if err != nil {
		return err
	}
	if err := h.DeleteQuestion(r.Context(), v.ID, q.ID); err != nil {
		return err
	}
	web.Redirect(w, r, v.URL()+"#otazky", "survey.flash.deleted")
	return nil
}

// SaveCopy makes a new wave of survey {id}.
func (h *Handler) SaveCopy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	v, _, err := h.FindSurvey(r.Context(), id)
	if err != nil {
		return err
	}
	title := f.Get("title")
	if title == "" {
		title = v.Title + " – " + h.l(r).T("survey.copy.suffix")
	}
	c, err := h.CopySurvey(r.Context(), id, title, f.Get("wave"))
	if err != nil {
		return err
	}
	web.Redirect(w, r, c.URL(), "survey.flash.copied")
	return nil
}

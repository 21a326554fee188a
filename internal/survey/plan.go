package survey

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/store"
	"kpss/internal/web"
)

// PlanIndicator is a manual indicator of the current community plan.
type PlanIndicator struct {
	ID      int64
	Name    string
	Unit    string
	Measure string // "1.2 Odlehčovací služba"
}

// PlanMeasure is a measure of the current community plan.
type PlanMeasure struct {
	ID    int64
	Label string // "1.2 Odlehčovací služba"
}

// PlanLink is the community plan as the surveys need it: a question's result
// becomes the value of an indicator for a year, a survey becomes a voice
// input of measures. The plan module (below this one) fulfils it through a
// small adapter in mod_survey.go; without it the page offers nothing.
type PlanLink interface {
	ManualIndicators(ctx context.Context) ([]PlanIndicator, error)
	Measures(ctx context.Context) ([]PlanMeasure, error)
	// SetIndicatorValue stores the value for the year (the plan audits it).
	SetIndicatorValue(ctx context.Context, indicatorID int64, year int, value float64, note string) error
	// AddVoiceInput records what users said, linked to measures (the plan audits it).
	AddVoiceInput(ctx context.Context, day store.Date, text string, measureIDs []int64) error
}

// IndicatorValue is the figure of question code of the results for an
// indicator: the share (percent) of the question's respondents whose answer
// is one of values (option numbers, 0 = other, or scale points), or with no
// values the question's mean (scale, number). Errors: invalid.
func IndicatorValue(res *Results, code string, values []int) (float64, error) {
	q := res.Of(code)
	if q == nil {
		return 0, apperr.New(apperr.Invalid, "survey.err.plan_question")
	}
	if len(values) == 0 {
		if q.Mean == nil {
			return 0, apperr.New(apperr.Invalid, "survey.err.plan_mean")
		}
		return *q.Mean, nil
	}
	if len(q.Counts) == 0 || q.Answered == 0 {
		return 0, apperr.New(apperr.Invalid, "survey.err.plan_share")
	}
	if q.Question.Kind == Multiple && len(values) > 1 {
		// Someone may have ticked several of them: shares do not add up.
		return 0, apperr.New(apperr.Invalid, "survey.err.plan_multiple")
	}
	n := 0
	for _, c := range q.Counts {
		for _, v := range values {
			if c.Value == v {
				n += c.Count
			}
		}
	}
	return share(n, q.Answered), nil
}

func (h *Handler) planPage(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := h.Results(r.Context(), id)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "survey.plan.title").Crumb(listPath, h.l(r).T(listTitle)).Crumb(res.Survey.URL(), res.Survey.Title)
	p.Form, p.NoIndex = f, true
	data := map[string]any{"S": res.Survey}
	if h.Plan != nil {
		inds, err := h.Plan.ManualIndicators(r.Context())
		if err != nil {
			return err
		}
		ms, err := h.Plan.Measures(r.Context())
		if err != nil {
			return err
		}
		var indOpts, answerOpts, measureOpts []web.Option
		indOpts = append(indOpts, web.Option{Value: "", Label: p.L.T("form.none")})
		for _, i := range inds {
			indOpts = append(indOpts, web.Option{Value: strconv.FormatInt(i.ID, 10), Label: i.Measure + " – " + i.Name + unitSuffix(i.Unit)})
		}
		answerOpts = append(answerOpts, web.Option{Value: "", Label: p.L.T("form.none")})
		for _, qr := range res.Questions {
			q := qr.Question
			prefix := fmt.Sprintf("%d. %s", q.Position, truncate(q.Label, 60))
			for _, c := range qr.Counts {
				answerOpts = append(answerOpts, web.Option{Value: fmt.Sprintf("%s=%d", q.Code, c.Value),
					Label: p.L.T("survey.plan.share_of", "Question", prefix, "Answer", optionLabel(p.L, c), "Share", c.ShareText(p.L))})
			}
			if qr.Mean != nil {
				answerOpts = append(answerOpts, web.Option{Value: q.Code + "=mean", Label: p.L.T("survey.plan.mean_of", "Question", prefix, "Mean", qr.MeanText(p.L))})
			}
		}
		for _, m := range ms {
			measureOpts = append(measureOpts, web.Option{Value: strconv.FormatInt(m.ID, 10), Label: m.Label})
		}
		data["Indicators"], data["Answers"], data["Measures"] = indOpts, answerOpts, measureOpts
	}
	p.Data = data
	h.R.Render(w, r, status, "survey/plan", p)
	return nil
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " (" + u + ")"
}

// ShowPlanLink shows how the survey's results go into the community plan.
func (h *Handler) ShowPlanLink(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm(nil)
	if y := h.yearOf(r); y != "" {
		f.Values.Set("year", y)
	}
	return h.planPage(w, r, f, http.StatusOK)
}

func (h *Handler) yearOf(r *http.Request) string {
	id, err := pathID(r, "id")
	if err != nil {
		return ""
	}
	v, err := findSurvey(r.Context(), h.DB, "id = ?", id)
	if err != nil {
		return ""
	}
	if n, err := strconv.Atoi(v.Wave); err == nil && n > 1990 && n < 2200 {
		return v.Wave
	}
	return strconv.Itoa(h.Now().Year())
}

// SavePlanIndicator stores a question's result as an indicator's value for a year.
func (h *Handler) SavePlanIndicator(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if h.Plan == nil {
		return apperr.New(apperr.Conflict, "survey.err.no_plan")
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fe := apperr.Fields{}
	indID, _ := strconv.ParseInt(f.Get("indicator"), 10, 64)
	if indID == 0 {
		fe.Add("indicator", "err.choose")
	}
	year, err := strconv.Atoi(f.Get("year"))
	if err != nil || year < 1990 || year > 2200 {
		fe.Add("year", "survey.err.year")
	}
	code, val, ok := strings.Cut(f.Get("answer"), "=")
	if !ok {
		fe.Add("answer", "err.choose")
	}
	var value float64
	if err := fe.Err(); err == nil {
		res, err := h.Results(r.Context(), id)
		if err != nil {
			return err
		}
		var values []int
		if val != "mean" {
			n, _ := strconv.Atoi(val)
			values = []int{n}
		}
		if value, err = IndicatorValue(res, code, values); err != nil {
			if e, ok := apperr.As(err); ok {
				fe["answer"] = e.Msg
			}
		} else {
			note := h.l(r).T("survey.plan.note", "Title", res.Survey.Title, "N", res.Responses)
			if err := h.Plan.SetIndicatorValue(r.Context(), indID, year, value, note); err != nil {
				if f.SetError(h.l(r), err, "indicator", "year", "answer") {
					return h.planPage(w, r, f, http.StatusUnprocessableEntity)
				}
				return err
			}
		}
	}
	if err := fe.Err(); err != nil {
		f.SetError(h.l(r), err, "indicator", "year", "answer")
		return h.planPage(w, r, f, http.StatusUnprocessableEntity)
	}
	web.Redirect(w, r, fmt.Sprintf("/dotazniky/%d/plan", id), "survey.flash.indicator_saved")
	return nil
}

// SavePlanVoice records the survey as a voice input of the chosen measures.
func (h *Handler) SavePlanVoice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if h.Plan == nil {
		return apperr.New(apperr.Conflict, "survey.err.no_plan")
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	measures := f.Int64s("measures")
	fe := apperr.Fields{}
	if len(measures) == 0 {
		fe.Add("measures", "survey.err.plan_measures")
	}
	if strings.TrimSpace(f.Values.Get("summary")) == "" {
		fe.Add("summary", "err.required")
	}
	if err := fe.Err(); err != nil {
		f.SetError(h.l(r), err, "summary", "measures")
		return h.planPage(w, r, f, http.StatusUnprocessableEntity)
	}
	v, _, err := h.FindSurvey(r.Context(), id)
	if err != nil {
		return err
	}
	text := h.l(r).T("survey.plan.voice_text", "Title", v.Title, "N", v.Responses, "URL", v.URL()+"/vysledky") + "\n\n" + strings.TrimSpace(f.Values.Get("summary"))
	day := store.Date{Time: dayOf(h.Now())}
	if err := h.Plan.AddVoiceInput(r.Context(), day, text, measures); err != nil {
		if f.SetError(h.l(r), err, "summary", "measures") {
			return h.planPage(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, fmt.Sprintf("/dotazniky/%d/plan", id), "survey.flash.voice_saved")
	return nil
}

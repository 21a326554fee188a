package survey

import (
	"net/http"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/web"
)

// ShowPaperForm shows the form on which staff type in a paper questionnaire
// of survey {id}: the respondents' questions and the form's number.
func (h *Handler) ShowPaperForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, qs, err := h.FindSurvey(r.Context(), id)
	if err != nil {
		return err
	}
	return h.renderPaper(w, r, v, qs, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderPaper(w http.ResponseWriter, r *http.Request, v *Survey, qs []Question, f *web.Form, status int) error {
	p := h.R.Page(r, "survey.paper.title").Crumb(listPath, h.l(r).T(listTitle)).Crumb(v.URL(), v.Title)
	p.Form, p.NoIndex = f, true
	p.Data = map[string]any{"S": v, "Questions": h.questionViews(p.L, qs, f, nil), "Draft": v.State == Draft}
	h.R.Render(w, r, status, "survey/paper", p)
	return nil
}

// SavePaperForm stores a typed-in paper questionnaire, marked as paper with
// who entered it and the form's number.
func (h *Handler) SavePaperForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, qs, err := h.FindSurvey(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r.Context())
	sub := Submission{Channel: Paper, Answers: parseAnswers(qs, f), FormNumber: f.Get("form_number")}
	if u != nil {
		sub.EnteredBy = u.ID
	}
	if _, err = h.Submit(r.Context(), v.ID, sub); err != nil {
		if apperr.CodeOf(err) != apperr.Internal && f.SetError(h.l(r), err, append([]string{"form_number"}, fieldOrder(qs)...)...) {
			return h.renderPaper(w, r, v, qs, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, v.URL()+"/papirovy", "survey.flash.paper_saved")
	return nil
}

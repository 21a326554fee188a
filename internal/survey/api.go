package survey

import (
	"net/http"

	"kpss/internal/web"
)

// APIListSurveys lists the surveys (?q, ?state, page, per_page), newest first.
func (h *Handler) APIListSurveys(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := Filter{Q: q.Get("q"), State: State(q.Get("state")), Paging: web.PagingFrom(r)}
	items, total, err := h.FindSurveys(r.Context(), f)
	if err != nil {
		return err
	}
	web.WriteList(w, r, items, f.Paging, total)
	return nil
}

// APIGetSurvey answers a survey with its questions.
func (h *Handler) APIGetSurvey(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, qs, err := h.FindSurvey(r.Context(), id)
	if err != nil {
		return err
	}
	if qs == nil {
		qs = []Question{}
	}
	web.JSON(w, http.StatusOK, struct {
		*Survey
		Questions []Question `json:"questions"`
	}{v, qs})
	return nil
}

// APIGetResults answers a survey's results: counts, shares and means per
// question, and with ?by=<code> the cross-tabs by that question's answer
// (small cells suppressed). Written answers are left out of anonymous
// surveys: the API never gives an anonymous respondent's own words.
func (h *Handler) APIGetResults(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	res, err := h.Results(r.Context(), id)
	if err != nil {
		return err
	}
	if res.Survey.Anonymous {
		for i := range res.Questions {
			res.Questions[i].Texts = nil
		}
	}
	out := struct {
		*Results
		CrossTabs []CrossTab `json:"cross_tabs,omitempty"`
	}{Results: res}
	if by := r.URL.Query().Get("by"); by != "" {
		if out.CrossTabs, err = h.CrossTabs(r.Context(), id, by); err != nil {
			return err
		}
	}
	if out.Questions == nil {
		out.Questions = []QuestionResult{}
	}
	web.JSON(w, http.StatusOK, out)
	return nil
}

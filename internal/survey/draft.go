package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/store"
	"kpss/internal/web"
)

// A draft is a partial response: answers saved to be finished later (or the
// answers so far of a survey shown one question per page). It lives in
// survey_responses with state 'partial', found by the hash of its resume
// key, which only the respondent holds (in the link). It is not counted,
// exported or tallied, and keeps no time but the day it was last saved.

// SaveDraft stores the answers a of a partial response of survey id, without
// checking them, and returns its resume key (resume when it was given and
// found, else a new one). page is the code of the question the respondent
// is at (one question per page). Errors: not_found, conflict (closed).
func (s *Service) SaveDraft(ctx context.Context, id int64, resume string, a Answers, page string) (string, error) {
	v, err := findSurvey(ctx, s.DB, "id = ?", id)
	if err != nil {
		return "", err
	}
	if !v.Open(s.Now()) {
		return "", apperr.New(apperr.Conflict, "survey.err.closed")
	}
	b, err := json.Marshal(draftData{Answers: a, Page: page})
	if err != nil {
		return "", err
	}
	day := store.Date{Time: dayOf(s.Now())}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if resume != "" {
			r, err := tx.Exec(ctx, `UPDATE survey_responses SET draft = ?, submitted_on = ? WHERE survey_id = ? AND resume_hash = ? AND state = 'partial'`,
				string(b), day, id, hashKey(resume))
			if err != nil {
				return err
			}
			if n, _ := r.RowsAffected(); n == 1 {
				return nil
			}
		}
		resume = newKey(16)
		_, err := tx.Exec(ctx, `INSERT INTO survey_responses (id, survey_id, channel, state, resume_hash, draft, submitted_on) VALUES (?, ?, 'link', 'partial', ?, ?, ?)`,
			randomID(), id, hashKey(resume), string(b), day)
		return err
	})
	// A draft is the respondent's own scratch pad: not an audited change of
	// the survey (it is neither counted nor shown to anyone); its answers
	// are audited when the response is sent.
	return resume, err
}

type draftData struct {
	Answers Answers `json:"answers"`
	Page    string  `json:"page,omitempty"`
}

// FindDraft returns the answers and page of the draft with resume key.
// Errors: not_found.
func (s *Service) FindDraft(ctx context.Context, id int64, resume string) (Answers, string, error) {
	var raw string
	err := s.DB.QueryRow(ctx, `SELECT draft FROM survey_responses WHERE survey_id = ? AND resume_hash = ? AND state = 'partial'`, id, hashKey(resume)).Scan(&raw)
	if err != nil {
		return nil, "", apperr.New(apperr.NotFound, "survey.err.draft_unknown")
	}
	var d draftData
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return nil, "", err
	}
	if d.Answers == nil {
		d.Answers = Answers{}
	}
	return d.Answers, d.Page, nil
}

// PurgeDrafts deletes drafts not saved for maxAge or of closed surveys.
func (s *Service) PurgeDrafts(ctx context.Context, maxAge time.Duration) (int64, error) {
	cutoff := store.Date{Time: dayOf(s.Now().Add(-maxAge))}
	r, err := s.DB.Exec(ctx, `DELETE FROM survey_responses WHERE state = 'partial' AND (submitted_on < ? OR survey_id IN (SELECT id FROM surveys WHERE state = 'closed'))`, cutoff)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// answerValues turns answers back into form values (to show a draft).
func answerValues(qs []Question, a Answers) url.Values {
	vals := url.Values{}
	for _, q := range qs {
		v, ok := a[q.Code]
		if !ok {
			continue
		}
		name := q.Field()
		switch q.Kind {
		case Single, Multiple, Scale:
			for _, c := range v.Choices {
				vals.Add(name, strconv.Itoa(c))
			}
			if v.Other != "" {
				vals.Set(name+"-other", v.Other)
			}
		case Matrix:
			for r, c := range v.Rows {
				vals.Set(fmt.Sprintf("%s-r%d", name, r), strconv.Itoa(c))
			}
		case Ranking:
			for o, r := range v.Ranks {
				vals.Set(fmt.Sprintf("%s-o%d", name, o), strconv.Itoa(r))
			}
		case Number:
			if v.Num != nil {
				vals.Set(name, strconv.FormatFloat(*v.Num, 'f', -1, 64))
			}
		default:
			vals.Set(name, v.Text)
		}
	}
	return vals
}

// step is where a one-question-per-page respondent is.
type step struct {
	Index, Total int
	Q            *Question
	Last         bool
}

// stepAt returns the visible question with code (or the first one) given the answers.
func stepAt(qs []Question, a Answers, code string) step {
	vis := VisibleQuestions(qs, a)
	st := step{Total: len(vis)}
	if len(vis) == 0 {
		return st
	}
	i := 0
	for j := range vis {
		if vis[j].Code == code {
			i = j
		}
	}
	st.Index, st.Q, st.Last = i+1, &vis[i], i == len(vis)-1
	return st
}

// neighbour returns the code of the visible question before (delta -1) or
// after (+1) code, "" when there is none.
func neighbour(qs []Question, a Answers, code string, delta int) string {
	vis := VisibleQuestions(qs, a)
	for j := range vis {
		if vis[j].Code == code {
			if k := j + delta; k >= 0 && k < len(vis) {
				return vis[k].Code
			}
			return ""
		}
	}
	return ""
}

func (h *Handler) draftURL(v *Survey, resume string) string {
	return v.RespondURL() + "/pokracovat/" + resume
}

// ShowDraft shows a saved draft: the whole form filled in, or the question
// the respondent was at (one question per page).
func (h *Handler) ShowDraft(w http.ResponseWriter, r *http.Request) error {
	v, qs, err := h.FindPublic(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	resume := r.PathValue("resume")
	a, page, err := h.FindDraft(r.Context(), v.ID, resume)
	if err != nil {
		return err
	}
	if q := r.URL.Query().Get("otazka"); q != "" {
		page = q
	}
	f := web.NewForm(answerValues(qs, a))
	f.Values.Set("r", resume)
	return h.renderForm(w, r, v, qs, f, a, page, http.StatusOK)
}

// ShowSaved tells where to come back to finish.
func (h *Handler) ShowSaved(w http.ResponseWriter, r *http.Request) error {
	v, _, err := h.FindPublic(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	resume := r.PathValue("resume")
	if _, _, err := h.FindDraft(r.Context(), v.ID, resume); err != nil {
		return err
	}
	p := h.R.Page(r, "survey.saved.title")
	p.NoIndex = true
	p.Data = map[string]any{"S": v, "Link": h.absURL(r, h.draftURL(v, resume)), "Path": h.draftURL(v, resume)}
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.R.Render(w, r, http.StatusOK, "survey/saved", p)
	return nil
}

// SaveStep takes the answer of one question (one question per page) and
// goes to the next or previous visible question, saves the draft for later,
// or sends the response after the last question.
func (h *Handler) SaveStep(w http.ResponseWriter, r *http.Request) error {
	v, qs, err := h.FindPublic(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if f.Get("web") != "" {
		return apperr.New(apperr.Invalid, "err.invalid")
	}
	token := f.Get("t")
	if token == "" && !v.PublicLink {
		return apperr.NotFoundErr("survey")
	}
	resume := f.Get("r")
	a := Answers{}
	if resume != "" {
		if a, _, err = h.FindDraft(r.Context(), v.ID, resume); err != nil {
			return err
		}
	}
	code := f.Get("q")
	var cur *Question
	for i := range qs {
		if qs[i].Code == code {
			cur = &qs[i]
		}
	}
	if cur == nil {
		return apperr.New(apperr.Invalid, "err.invalid")
	}
	got := parseAnswers([]Question{*cur}, f)
	if ans, ok := got[cur.Code]; ok {
		a[cur.Code] = ans
	} else {
		delete(a, cur.Code)
	}
	nav := f.Get("nav")
	if nav == "next" || nav == "send" {
		if m := CheckAnswer(cur, a[cur.Code]); m != nil {
			fe := apperr.Fields{}
			args := []any{"Number", cur.Position, "Label", cur.Label}
			for k, x := range m.Args {
				args = append(args, k, x)
			}
			fe.Add(cur.Field(), m.Key, args...)
			f.SetError(h.l(r), fe.Err(), cur.Field())
			return h.renderForm(w, r, v, qs, f, a, cur.Code, http.StatusUnprocessableEntity)
		}
	}
	next := cur.Code
	switch nav {
	case "back":
		if c := neighbour(qs, a, cur.Code, -1); c != "" {
			next = c
		}
	case "next", "send":
		next = neighbour(qs, a, cur.Code, 1)
	}
	if next == "" { // after the last question: send
		if err := h.limit(r); err != nil {
			return err
		}
		return h.submitFrom(w, r, v, qs, f, a, token, resume)
	}
	if resume, err = h.SaveDraft(r.Context(), v.ID, resume, a, next); err != nil {
		return err
	}
	if nav == "save" {
		http.Redirect(w, r, v.RespondURL()+"/ulozeno/"+resume, http.StatusSeeOther)
		return nil
	}
	target := h.draftURL(v, resume) + "?otazka=" + url.QueryEscape(next)
	if token != "" {
		target += "&t=" + url.QueryEscape(token)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// submitFrom sends the answers a as a complete response (deleting the
// draft in the same transaction) and thanks the respondent; errors show
// the whole form again.
func (h *Handler) submitFrom(w http.ResponseWriter, r *http.Request, v *Survey, qs []Question, f *web.Form, a Answers, token, resume string) error {
	sub := Submission{Channel: Link, Answers: a, Resume: resume}
	if token != "" {
		sub.Channel, sub.Invitation = Token, token
	}
	if _, err := h.Submit(r.Context(), v.ID, sub); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			vf := web.NewForm(answerValues(qs, a))
			if !v.OnePerPage {
				vf = f
			}
			vf.Values.Set("r", resume)
			vf.Values.Set("t", token)
			vf.SetError(h.l(r), err, fieldOrder(qs)...)
			// The first question with a problem, alone (one per page) or in the form.
			page := ""
			if len(vf.Errors) > 0 {
				for _, q := range qs {
					if q.Field() == vf.Errors[0].Field {
						page = q.Code
					}
				}
			}
			return h.renderForm(w, r, v, qs, vf, a, page, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, v.RespondURL()+"/dekujeme", "")
	return nil
}

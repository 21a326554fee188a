package survey

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

//go:embed templates/*.html templates/partials/*.html i18n/*.json openapi.json
var files embed.FS

// Limiter bounds how often one key (an address) may do something, across
// the server's replicas (the platform's env.Limits).
type Limiter interface {
	Allow(ctx context.Context, key string, max int, per time.Duration) (bool, error)
}

// Handler serves the surveys' pages and API.
type Handler struct {
	*Service
	R   *web.Renderer
	API *web.API
	// Limits, when set, bounds the public answers per address.
	Limits Limiter
	// ClientIP returns the caller's address for the limit.
	ClientIP func(*http.Request) string
	// Plan, when set, takes results into the community plan.
	Plan PlanLink
}

// NewHandler registers the module's templates and messages.
func NewHandler(svc *Service, r *web.Renderer, api *web.API, clientIP func(*http.Request) string) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("survey", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Service: svc, R: r, API: api, ClientIP: clientIP}, nil
}

const (
	formMax     = 1 << 20
	listTitle   = "survey.list.title"
	listPath    = "/dotazniky"
	publicLimit = 20 // public answers per address and hour
)

func (h *Handler) l(r *http.Request) *i18n.Localizer { return h.R.Localizer(r) }

// ShowSurveyList lists the surveys for staff.
func (h *Handler) ShowSurveyList(w http.ResponseWriter, r *http.Request) error {
	f := Filter{Q: r.URL.Query().Get("q"), State: State(r.URL.Query().Get("stav")), Paging: web.PagingFrom(r)}
	items, total, err := h.FindSurveys(r.Context(), f)
	if err != nil {
		return err
	}
	p := h.R.Page(r, listTitle)
	p.NoIndex = true
	p.Data = map[string]any{"Items": items, "Q": f.Q, "State": string(f.State), "Pager": web.NewPager(r, f.Paging, total), "States": h.stateOptions(p.L, true)}
	h.R.Render(w, r, http.StatusOK, "survey/list", p)
	return nil
}

func (h *Handler) stateOptions(l *i18n.Localizer, any bool) []web.Option {
	var out []web.Option
	if any {
		out = append(out, web.Option{Value: "", Label: l.T("survey.state.any")})
	}
	for _, s := range []State{Draft, Published, Closed} {
		out = append(out, web.Option{Value: string(s), Label: l.T("survey.state." + string(s))})
	}
	return out
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFoundErr("survey")
	}
	return id, nil
}

// ShowSurvey shows a survey's settings, questions and links for staff.
func (h *Handler) ShowSurvey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, qs, err := h.FindSurvey(r.Context(), id)
	if err != nil {
		return err
	}
	var prev *Survey
	if v.PreviousID != nil {
		if pv, err := findSurvey(r.Context(), h.DB, "id = ?", *v.PreviousID); err == nil {
			prev = &pv
		}
	}
	p := h.R.Page(r, "survey.detail.title", "Title", v.Title).Crumb(listPath, h.l(r).T(listTitle))
	p.NoIndex = true
	p.Data = map[string]any{"S": v, "Questions": h.questionViews(p.L, qs, nil, nil), "Open": v.Open(h.Now()), "Prev": prev,
		"Locked": v.Responses > 0, "PublicURL": h.absURL(r, v.RespondURL()), "Transitions": h.transitions(p.L, v)}
	h.R.Render(w, r, http.StatusOK, "survey/survey", p)
	return nil
}

// transitions are the state buttons of a survey's page.
func (h *Handler) transitions(l *i18n.Localizer, v *Survey) []web.Option {
	var out []web.Option
	for _, st := range []State{Published, Closed, Draft} {
		if st == v.State || st == Draft && v.Responses > 0 {
			continue
		}
		key := "survey.action." + string(st)
		if st == Published && v.State == Closed {
			key = "survey.action.reopen"
		}
		out = append(out, web.Option{Value: string(st), Label: l.T(key)})
	}
	return out
}

func (h *Handler) absURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

var surveyFields = []string{"title", "wave", "audience", "intro", "thanks", "anonymous", "public_link", "one_per_page", "opens_on", "closes_on", "min_group", "state"}

// ShowSurveyForm shows the form of a new survey or of the survey {id}.
func (h *Handler) ShowSurveyForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{"anonymous": {"on"}, "public_link": {"on"}, "min_group": {"5"}, "state": {string(Draft)}}
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		v, _, err := h.FindSurvey(r.Context(), id)
		if err != nil {
			return err
		}
		vals = surveyValues(v)
	}
	return h.renderSurveyForm(w, r, web.NewForm(vals), http.StatusOK)
}

func surveyValues(v *Survey) url.Values {
	vals := url.Values{"title": {v.Title}, "wave": {v.Wave}, "audience": {v.Audience}, "intro": {v.Intro}, "thanks": {v.Thanks},
		"min_group": {strconv.Itoa(v.MinGroup)}, "state": {string(v.State)}}
	for name, on := range map[string]bool{"anonymous": v.Anonymous, "public_link": v.PublicLink, "one_per_page": v.OnePerPage} {
		if on {
			vals.Set(name, "on")
		}
	}
	if v.OpensAt != nil {
		vals.Set("opens_on", v.OpensAt.In(prague).Format(time.DateOnly))
	}
	if v.ClosesAt != nil {
		vals.Set("closes_on", v.LastDay().Format(time.DateOnly))
	}
	return vals
}

func (h *Handler) renderSurveyForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "survey.new"
	if r.PathValue("id") != "" {
		title = "survey.edit"
	}
	p := h.R.Page(r, title).Crumb(listPath, h.l(r).T(listTitle))
	p.Form, p.NoIndex = f, true
	p.Data = map[string]any{"ID": r.PathValue("id"), "States": h.stateOptions(p.L, false)}
	h.R.Render(w, r, status, "survey/form", p)
	return nil
}

// parseDay reads a day typed as 2026-03-31 or 31. 3. 2026 (Prague).
func parseDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{time.DateOnly, "2.1.2006"} {
		if t, err := time.ParseInLocation(layout, strings.ReplaceAll(s, " ", ""), prague); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// SaveSurvey creates or updates a survey from the form.
func (h *Handler) SaveSurvey(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	v := Survey{Title: f.Get("title"), Wave: f.Get("wave"), Audience: f.Get("audience"), Intro: f.Values.Get("intro"), Thanks: f.Values.Get("thanks"),
		Anonymous: f.Bool("anonymous"), PublicLink: f.Bool("public_link"), OnePerPage: f.Bool("one_per_page"), State: State(f.Get("state"))}
	fe := apperr.Fields{}
	if n, err := strconv.Atoi(f.Get("min_group")); err == nil {
		v.MinGroup = n
	} else if f.Get("min_group") != "" {
		fe.Add("min_group", "survey.err.min_group")
	}
	if t, ok := parseDay(f.Get("opens_on")); !ok {
		fe.Add("opens_on", "survey.err.date")
	} else if !t.IsZero() {
		v.OpensAt = &t
	}
	if t, ok := parseDay(f.Get("closes_on")); !ok {
		fe.Add("closes_on", "survey.err.date")
	} else if !t.IsZero() {
		t = t.AddDate(0, 0, 1)
		v.ClosesAt = &t
	}
	var saved *Survey
	if err = fe.Err(); err == nil {
		if r.PathValue("id") == "" {
			saved, err = h.CreateSurvey(r.Context(), v, nil)
		} else {
			id, perr := pathID(r, "id")
			if perr != nil {
				return perr
			}
			old, _, ferr := h.FindSurvey(r.Context(), id)
			if ferr != nil {
				return ferr
			}
			v.PreviousID = old.PreviousID
			saved, err = h.UpdateSurvey(r.Context(), id, v)
		}
	}
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Fields["closes_at"].Key != "" {
			e.Fields["closes_on"] = e.Fields["closes_at"]
			delete(e.Fields, "closes_at")
		}
		if f.SetError(h.l(r), err, surveyFields...) {
			return h.renderSurveyForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, saved.URL(), "flash.saved")
	return nil
}

// SaveState publishes, closes or reopens the survey {id}.
func (h *Handler) SaveState(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	v, err := h.SetState(r.Context(), id, State(f.Get("state")))
	if err != nil {
		return err
	}
	web.Redirect(w, r, v.URL(), "survey.flash.state_"+string(v.State))
	return nil
}

// QuestionView is what the templates need to draw a question: the question,
// what was typed, its problem, and the sentence that explains its condition.
type QuestionView struct {
	Q        Question
	Form     *web.Form
	Error    string
	CondText string
	L        *i18n.Localizer
}

// ID is the HTML id of the question's first control (the error summary links to it).
func (v QuestionView) ID() string { return "f-" + v.Q.Field() }

// Name is the form field of the question; Sub a field of a part (a matrix row, a ranked option).
func (v QuestionView) Name() string { return v.Q.Field() }
func (v QuestionView) Sub(part string, n int) string {
	return v.Q.Field() + "-" + part + strconv.Itoa(n)
}

// Checked reports whether value is chosen in the field name.
func (v QuestionView) Checked(name, value string) bool {
	return v.Form != nil && v.Form.Has(name, value)
}

// Value is what was typed in the field name.
func (v QuestionView) Value(name string) string {
	if v.Form == nil {
		return ""
	}
	return v.Form.Values.Get(name)
}

// DescribedBy lists the ids of the question's help and error.
func (v QuestionView) DescribedBy() string {
	var ids []string
	if v.Q.Help != "" {
		ids = append(ids, v.ID()+"-hint")
	}
	if v.CondText != "" {
		ids = append(ids, v.ID()+"-cond")
	}
	if v.Error != "" {
		ids = append(ids, v.ID()+"-error")
	}
	return strings.Join(ids, " ")
}

// Ranks lists 1 … the number of options (the choices of a ranking).
func (v QuestionView) Ranks() []int {
	out := make([]int, len(v.Q.Options))
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func (h *Handler) questionViews(l *i18n.Localizer, qs []Question, f *web.Form, show []Question) []QuestionView {
	byCode := map[string]*Question{}
	for i := range qs {
		byCode[qs[i].Code] = &qs[i]
	}
	list := qs
	if show != nil {
		list = show
	}
	out := make([]QuestionView, 0, len(list))
	for _, q := range list {
		v := QuestionView{Q: q, Form: f, L: l}
		if f != nil {
			v.Error = f.Error(q.Field())
		}
		if q.Cond != nil {
			v.CondText = condText(l, q.Cond, byCode[q.Cond.Code])
		}
		out = append(out, v)
	}
	return out
}

// condText says in words when a question is asked: "Odpovězte, jen pokud
// jste v otázce 3 odpověděli: Ano nebo Spíše ano."
func condText(l *i18n.Localizer, c *Condition, src *Question) string {
	if src == nil {
		return ""
	}
	if len(c.Values) == 0 {
		return l.T("survey.cond.answered", "Number", src.Position)
	}
	var labels []string
	for _, val := range c.Values {
		n, _ := strconv.Atoi(val)
		switch {
		case src.Kind == Scale:
			labels = append(labels, val)
		case n == 0:
			labels = append(labels, l.T("survey.respond.other"))
		case n <= len(src.Options):
			labels = append(labels, "„"+src.Options[n-1]+"“")
		}
	}
	key := "survey.cond.values"
	if c.Not {
		key = "survey.cond.not_values"
	}
	return l.T(key, "Number", src.Position, "Values", strings.Join(labels, " "+l.T("survey.cond.or")+" "))
}

// parseAnswers reads the answers of qs from a submitted form.
func parseAnswers(qs []Question, f *web.Form) Answers {
	a := Answers{}
	for _, q := range qs {
		name := q.Field()
		var v Answer
		switch q.Kind {
		case Single, Multiple, Scale:
			for _, s := range f.Values[name] {
				if n, err := strconv.Atoi(s); err == nil {
					v.Choices = append(v.Choices, n)
				} else {
					v.Choices = append(v.Choices, -1)
				}
			}
			if q.Other {
				v.Other = f.Get(name + "-other")
			}
		case Matrix:
			for i := range q.Rows {
				if s := f.Get(fmt.Sprintf("%s-r%d", name, i+1)); s != "" {
					if v.Rows == nil {
						v.Rows = map[int]int{}
					}
					n, err := strconv.Atoi(s)
					if err != nil {
						n = -1
					}
					v.Rows[i+1] = n
				}
			}
		case Ranking:
			for i := range q.Options {
				if s := f.Get(fmt.Sprintf("%s-o%d", name, i+1)); s != "" {
					if v.Ranks == nil {
						v.Ranks = map[int]int{}
					}
					n, err := strconv.Atoi(s)
					if err != nil {
						n = -1
					}
					v.Ranks[i+1] = n
				}
			}
		case Number:
			if s := f.Get(name); s != "" {
				n, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, ",", "."), " ", ""), 64)
				if err != nil {
					n = nanValue()
				}
				v.Num = &n
			}
		case DateQ:
			if s := f.Get(name); s != "" {
				if t, ok := parseDay(s); ok && !t.IsZero() {
					v.Text = t.Format(time.DateOnly)
				} else {
					v.Text = s
				}
			}
		default:
			v.Text = strings.TrimSpace(f.Values.Get(name))
		}
		if !v.Empty() {
			a[q.Code] = v
		}
	}
	return a
}

func nanValue() float64 {
	var zero float64
	return zero / zero
}

// ShowRespond shows the public form of the survey with key {key}.
func (h *Handler) ShowRespond(w http.ResponseWriter, r *http.Request) error {
	v, qs, err := h.FindPublic(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	if !v.PublicLink {
		return apperr.NotFoundErr("survey")
	}
	return h.renderForm(w, r, v, qs, web.NewForm(nil), Answers{}, "", http.StatusOK)
}

// renderForm shows the respondents' form: every question, or (one question
// per page) the visible question page with a progress line. f holds what
// was typed and the hidden r (draft) and t (invitation); a the answers so
// far, used for the conditions of the one-per-page order.
func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, v *Survey, qs []Question, f *web.Form, a Answers, page string, status int) error {
	p := h.R.Page(r, "survey.respond.title", "Title", v.Title)
	p.Form, p.NoIndex = f, true
	if t := r.URL.Query().Get("t"); t != "" && f.Get("t") == "" {
		f.Values.Set("t", t)
	}
	open := v.Open(h.Now())
	data := map[string]any{"S": v, "Open": open, "Action": v.RespondURL(), "Intro": paragraphs(v.Intro),
		"NotYet": v.OpensAt != nil && h.Now().Before(*v.OpensAt), "R": f.Get("r"), "T": f.Get("t")}
	if v.OnePerPage {
		st := stepAt(qs, a, page)
		data["Step"] = st
		data["Action"] = v.RespondURL() + "/krok"
		if st.Q != nil {
			data["Questions"] = h.questionViews(p.L, qs, f, []Question{*st.Q})
			data["First"] = st.Index == 1
		}
	} else {
		data["Questions"] = h.questionViews(p.L, qs, f, nil)
	}
	p.Data = data
	h.R.Render(w, r, status, "survey/respond", p)
	return nil
}

// limit counts a public answer of the caller's address (kept only hashed,
// for an hour, across the replicas).
func (h *Handler) limit(r *http.Request) error {
	if h.Limits == nil || h.ClientIP == nil {
		return nil
	}
	ok, err := h.Limits.Allow(r.Context(), "survey:"+hashKey(h.ClientIP(r))[:16], publicLimit, time.Hour)
	if err != nil {
		return err
	}
	if !ok {
		return &apperr.Error{Code: apperr.TooMany, Msg: apperr.Msg{Key: "survey.err.too_many"}, Retry: 3600}
	}
	return nil
}

// SaveRespond takes the whole form of the survey with key {key}: sends it,
// or (nav=save) keeps it as a draft to finish later.
func (h *Handler) SaveRespond(w http.ResponseWriter, r *http.Request) error {
	v, qs, err := h.FindPublic(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	token := f.Get("t")
	if token == "" {
		token = r.PathValue("token")
	}
	if !v.PublicLink && token == "" {
		return apperr.NotFoundErr("survey")
	}
	if f.Get("web") != "" { // honeypot: people do not see the field, robots fill it
		return apperr.New(apperr.Invalid, "err.invalid")
	}
	a := parseAnswers(qs, f)
	if f.Get("nav") == "save" {
		resume, err := h.SaveDraft(r.Context(), v.ID, f.Get("r"), a, "")
		if err != nil {
			return err
		}
		http.Redirect(w, r, v.RespondURL()+"/ulozeno/"+resume, http.StatusSeeOther)
		return nil
	}
	if err := h.limit(r); err != nil {
		return err
	}
	f.Values.Set("t", token)
	return h.submitFrom(w, r, v, qs, f, a, token, f.Get("r"))
}

func fieldOrder(qs []Question) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Field()
	}
	return out
}

// ShowThanks thanks the respondent.
func (h *Handler) ShowThanks(w http.ResponseWriter, r *http.Request) error {
	v, _, err := h.FindPublic(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	p := h.R.Page(r, "survey.thanks.title")
	p.NoIndex = true
	p.Data = map[string]any{"S": v}
	h.R.Render(w, r, http.StatusOK, "survey/thanks", p)
	return nil
}

// ShowResults shows the results of the survey {id} with charts and tables.
func (h *Handler) ShowResults(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := h.Results(r.Context(), id)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "survey.results.title", "Title", res.Survey.Title).Crumb(listPath, h.l(r).T(listTitle)).Crumb(res.Survey.URL(), res.Survey.Title)
	p.NoIndex, p.Wide = true, true
	_, qs, err := h.FindSurvey(r.Context(), id)
	if err != nil {
		return err
	}
	data := map[string]any{"R": res, "Charts": charts(p.L, res), "By": r.URL.Query().Get("podle"), "PrevShares": map[int64]map[string]string{}}
	var byOpts []web.Option
	byOpts = append(byOpts, web.Option{Value: "", Label: p.L.T("survey.crosstab.none")})
	for _, q := range byOptions(qs) {
		byOpts = append(byOpts, web.Option{Value: q.Code, Label: fmt.Sprintf("%d. %s", q.Position, truncate(q.Label, 80))})
	}
	data["ByOptions"] = byOpts
	if by := r.URL.Query().Get("podle"); by != "" {
		cts, err := h.CrossTabs(r.Context(), id, by)
		if err != nil {
			return err
		}
		m := map[int64]CrossTab{}
		for _, ct := range cts {
			for i := range ct.Groups {
				switch ct.Groups[i].Label {
				case "":
					ct.Groups[i].Label = p.L.T("survey.respond.other")
				case "-":
					ct.Groups[i].Label = p.L.T("survey.crosstab.no_answer")
				}
			}
			for i := range ct.Rows {
				if ct.Rows[i].Label == "" {
					ct.Rows[i].Label = p.L.T("survey.respond.other")
				}
			}
			m[ct.Question.ID] = ct
		}
		data["Cross"] = m
		data["MinGroup"] = res.Survey.MinGroup
	}
	if res.Survey.PreviousID != nil {
		prev, err := h.Results(r.Context(), *res.Survey.PreviousID)
		if err != nil {
			return err
		}
		data["Prev"] = prev
		data["PrevShares"] = compareWaves(p.L, res, prev)
	}
	p.Data = data
	h.R.Render(w, r, http.StatusOK, "survey/results", p)
	return nil
}

// paragraphs splits a text at empty lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// OpenAPI returns the module's fragment of the API description.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return slices.Clone(b)
}

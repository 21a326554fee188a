package grant

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/web"
)

// ShowBoard shows the coordinator the evaluators of a call's applications:
// who is assigned, whom the registry excludes, a balanced suggestion.
func (h *Handler) ShowBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := h.Svc.FindCall(r.Context(), id, true)
	if err != nil {
		return err
	}
	return h.renderBoard(w, r, c, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderBoard(w http.ResponseWriter, r *http.Request, c *Call, f *web.Form, status int) error {
	b, err := h.Svc.Board(r.Context(), c)
	if err != nil {
		return err
	}
	p := h.page(r, "grant.assign.title", "Title", c.Title)
	p.Crumb("/dotace/vyzvy/"+itoa(c.ID), c.Title)
	p.Form, p.Wide = f, true
	p.Data = map[string]any{"B": b, "C": c, "Decided": !c.DecisionDate.IsZero()}
	h.R.Render(w, r, status, "grant/board", p)
	return nil
}

// SaveBoard assigns (one evaluator, or the whole suggestion) or removes an
// assignment.
func (h *Handler) SaveBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := h.Svc.FindCall(r.Context(), id, true)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	flash := "grant.flash.assigned"
	switch f.Get("action") {
	case "suggest":
		_, err = h.Svc.ApplySuggestion(r.Context(), c)
	case "unassign":
		if g := f.Int64Ptr("assignment_id"); g != nil {
			err, flash = h.Svc.Unassign(r.Context(), *g), "grant.flash.unassigned"
		}
	default:
		app, ev := f.Int64Ptr("application_id"), f.Int64Ptr("evaluator_id")
		if app == nil || ev == nil {
			fields := apperr.Fields{}
			fields.Add("evaluator_id", "grant.err.choose_evaluator")
			err = fields.Err()
		} else {
			err = h.Svc.Assign(r.Context(), *app, *ev)
		}
	}
	if err != nil {
		if c := apperr.CodeOf(err); (c == apperr.Invalid || c == apperr.Conflict) && f.SetError(h.R.Localizer(r), err) {
			return h.renderBoard(w, r, c2(h, r, id), f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/dotace/vyzvy/"+itoa(c.ID)+"/hodnotitele", flash)
	return nil
}

func c2(h *Handler, r *http.Request, id int64) *Call {
	c, _ := h.Svc.FindCall(r.Context(), id, true)
	return c
}

// EvalRow is an assignment in the evaluator's list.
type EvalRow struct {
	Assignment
	Call *Call
	App  *Application
}

// ShowMyEvaluations lists the evaluator's assignments.
func (h *Handler) ShowMyEvaluations(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	gs, err := h.Svc.EvaluatorAssignments(r.Context(), u.ID)
	if err != nil {
		return err
	}
	cs, err := h.Svc.FindCalls(r.Context(), true)
	if err != nil {
		return err
	}
	calls := map[int64]*Call{}
	for i := range cs {
		calls[cs[i].ID] = &cs[i]
	}
	var ids []int64
	for _, g := range gs {
		ids = append(ids, g.ApplicationID)
	}
	apps := map[int64]*Application{}
	if len(ids) > 0 {
		as, err := findApps(r.Context(), h.Svc.DB, "a.id IN ("+joinIDs(ids)+")")
		if err != nil {
			return err
		}
		for i := range as {
			apps[as[i].ID] = &as[i]
		}
	}
	rows := make([]EvalRow, len(gs))
	for i, g := range gs {
		rows[i] = EvalRow{Assignment: g, Call: calls[g.CallID], App: apps[g.ApplicationID]}
	}
	p := h.page(r, "grant.eval.mine")
	p.Data = map[string]any{"Rows": rows}
	h.R.Render(w, r, http.StatusOK, "grant/evaluations", p)
	return nil
}

func (h *Handler) assignment(r *http.Request) (*Assignment, *Application, *Call, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, nil, nil, err
	}
	g, err := h.Svc.FindAssignment(r.Context(), id)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := h.Svc.FindApplication(r.Context(), g.ApplicationID)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := h.Svc.FindCall(r.Context(), a.CallID, true)
	if err != nil {
		return nil, nil, nil, err
	}
	return g, a, c, nil
}

func scoreValues(g *Assignment) url.Values {
	v := url.Values{"summary": {g.Summary}}
	if g.Recommend {
		v.Set("recommend", "on")
	}
	for cid, s := range g.Scores {
		if s.Score != nil {
			v.Set(ScoreField(cid, "score"), strconv.Itoa(*s.Score))
		}
		v.Set(ScoreField(cid, "comment"), s.Comment)
	}
	for lid, fl := range g.Flags {
		v.Set(FlagField(lid, "kind"), fl.Kind)
		v.Set(FlagField(lid, "amount"), itoa(int64(fl.Amount)))
		v.Set(FlagField(lid, "note"), fl.Note)
	}
	return v
}

// ShowAssignment shows the evaluator their assignment: first the
// declaration about a conflict of interest (nothing of the application
// before it), then the application with the scoring form; the other
// evaluators' scores only once their own are submitted.
func (h *Handler) ShowAssignment(w http.ResponseWriter, r *http.Request) error {
	g, a, c, err := h.assignment(r)
	if err != nil {
		return err
	}
	return h.renderAssignment(w, r, g, a, c, web.NewForm(scoreValues(g)), http.StatusOK)
}

// CriterionView is one criterion of the scoring form.
type CriterionView struct {
	Criterion
	Field, Comment web.FieldView
	Levels         []web.Option
	Narrative      string
	Own            *int
}

// FlagView is one budget line of the scoring form.
type FlagView struct {
	Service string
	Line    BudgetLine
	Kind    web.FieldView
	Amount  web.FieldView
	Note    web.FieldView
}

// OtherView is another evaluator's submitted evaluation, shown anonymously.
type OtherView struct {
	N         int
	Total     Points
	Scores    map[int64]Score
	Recommend bool
	Summary   string
}

func (h *Handler) renderAssignment(w http.ResponseWriter, r *http.Request, g *Assignment, a *Application, c *Call, f *web.Form, status int) error {
	p := h.page(r, "grant.eval.title", "Org", a.Organisation)
	p.Crumb("/dotace/hodnoceni", p.L.T("grant.eval.mine"))
	p.Form, p.Wide = f, true
	data := map[string]any{"G": g, "C": c, "ScaleMax": c.ScaleMax}
	if g.State == AssignDeclared || g.State == AssignSubmitted {
		labels, _, err := h.typeLabels(r)
		if err != nil {
			return err
		}
		data["A"], data["Labels"], data["Requested"] = a, labels, a.Requested()
		var crits []CriterionView
		for _, cr := range c.Criteria {
			cv := CriterionView{Criterion: cr, Narrative: a.Narratives[cr.ID], Own: g.Scores[cr.ID].Score,
				Field:   p.Field(ScoreField(cr.ID, "score"), "grant.eval.score", "required"),
				Comment: p.Field(ScoreField(cr.ID, "comment"), "grant.eval.comment", "type=textarea", "rows=3", "hint=grant.eval.comment_hint")}
			cv.Field.Label = cr.Name
			for i, l := range cr.Levels {
				cv.Levels = append(cv.Levels, web.Option{Value: strconv.Itoa(i), Label: p.L.T("grant.eval.level", "N", strconv.Itoa(i), "Text", l)})
			}
			crits = append(crits, cv)
		}
		data["Criteria"] = crits
		var flags []FlagView
		kinds := []web.Option{{Value: "", Label: p.L.T("grant.flag.none")}, {Value: FlagIneligible, Label: p.L.T("grant.flag.ineligible")}, {Value: FlagOverstated, Label: p.L.T("grant.flag.overstated")}}
		for _, sv := range a.Services {
			for _, l := range sv.Lines {
				if l.Requested == 0 {
					continue
				}
				kind := p.Field(FlagField(l.ID, "kind"), "grant.flag.kind", kinds)
				kind.Label = p.L.T("grant.line."+l.Kind) + " – " + sv.ServiceName
				flags = append(flags, FlagView{Service: sv.ServiceName, Line: l, Kind: kind,
					Amount: p.Field(FlagField(l.ID, "amount"), "grant.flag.amount", "inputmode=numeric"),
					Note:   p.Field(FlagField(l.ID, "note"), "grant.flag.note")})
			}
		}
		data["Flags"] = flags
		others, err := h.Svc.Others(r.Context(), g)
		if err != nil {
			return err
		}
		var ov []OtherView
		for i, o := range others {
			v := OtherView{N: i + 1, Scores: o.Scores, Recommend: o.Recommend, Summary: o.Summary}
			if o.Total != nil {
				v.Total = *o.Total
			}
			ov = append(ov, v)
		}
		data["Others"] = ov
		if g.Total != nil {
			data["Total"] = *g.Total
		}
	}
	p.Data = data
	h.R.Render(w, r, status, "grant/assignment", p)
	return nil
}

// DeclareAssignment records the evaluator's declaration.
func (h *Handler) DeclareAssignment(w http.ResponseWriter, r *http.Request) error {
	g, a, c, err := h.assignment(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	switch f.Get("declaration") {
	case "none":
		_, err = h.Svc.Declare(r.Context(), g.ID, true)
	case "conflict":
		_, err = h.Svc.Declare(r.Context(), g.ID, false)
	default:
		fields := apperr.Fields{}
		fields.Add("declaration", "grant.err.declaration")
		err = fields.Err()
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid && f.SetError(h.R.Localizer(r), err, "declaration") {
			return h.renderAssignment(w, r, g, a, c, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/dotace/hodnoceni/"+itoa(g.ID), "grant.flash.declared")
	return nil
}

// SaveAssignment saves (or submits) the evaluator's scores.
func (h *Handler) SaveAssignment(w http.ResponseWriter, r *http.Request) error {
	g, a, c, err := h.assignment(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	submit := f.Get("action") == "submit"
	in := Assignment{Scores: map[int64]Score{}, Flags: map[int64]Flag{}, Recommend: f.Bool("recommend"), Summary: f.Values.Get("summary")}
	fields := apperr.Fields{}
	var order []string
	for _, cr := range c.Criteria {
		s := Score{Comment: strings.TrimSpace(f.Values.Get(ScoreField(cr.ID, "comment")))}
		if v := f.Get(ScoreField(cr.ID, "score")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				fields.Add(ScoreField(cr.ID, "score"), "grant.err.score_range", "Max", c.ScaleMax)
			}
			s.Score = &n
		}
		if s.Score != nil || s.Comment != "" {
			in.Scores[cr.ID] = s
		}
		order = append(order, ScoreField(cr.ID, "score"), ScoreField(cr.ID, "comment"))
	}
	for _, sv := range a.Services {
		for _, l := range sv.Lines {
			kind := f.Get(FlagField(l.ID, "kind"))
			if kind == "" {
				continue
			}
			amount := parseAmount(f, FlagField(l.ID, "amount"), fields)
			in.Flags[l.ID] = Flag{Kind: kind, Amount: amount, Note: f.Get(FlagField(l.ID, "note"))}
			order = append(order, FlagField(l.ID, "kind"), FlagField(l.ID, "amount"))
		}
	}
	if len(fields) > 0 {
		err = mergeErr(fields, ValidateScores(c, a, &in, submit))
	} else {
		_, err = h.Svc.SaveScores(r.Context(), g.ID, in, submit)
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid && f.SetError(h.R.Localizer(r), err, order...) {
			return h.renderAssignment(w, r, g, a, c, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	if submit {
		web.Redirect(w, r, "/dotace/hodnoceni/"+itoa(g.ID), "grant.flash.scored")
		return nil
	}
	web.Redirect(w, r, "/dotace/hodnoceni/"+itoa(g.ID), "flash.saved")
	return nil
}

// ShowPanel shows the coordinator the ranking with the evaluators' means,
// spreads, their agreement and the ranking by z-scores beside the raw one.
func (h *Handler) ShowPanel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := h.Svc.FindCall(r.Context(), id, true)
	if err != nil {
		return err
	}
	pn, err := h.Svc.Panel(r.Context(), c)
	if err != nil {
		return err
	}
	p := h.page(r, "grant.rank.title", "Title", c.Title)
	p.Crumb("/dotace/vyzvy/"+itoa(c.ID), c.Title)
	p.Wide = true
	p.Data = map[string]any{"P": pn, "C": c, "Chart": rankChart(pn)}
	h.R.Render(w, r, http.StatusOK, "grant/panel", p)
	return nil
}

// APIGetAssignment answers the evaluator's own assignment with the other
// evaluations, blind: none before their own is submitted.
func (h *Handler) APIGetAssignment(w http.ResponseWriter, r *http.Request) error {
	g, _, _, err := h.assignment(r)
	if err != nil {
		return err
	}
	others, err := h.Svc.Others(r.Context(), g)
	if err != nil {
		return err
	}
	type other struct {
		Total     *Points         `json:"total"`
		Recommend bool            `json:"recommend"`
		Scores    map[int64]Score `json:"scores"`
	}
	out := struct {
		*Assignment
		Others []other `json:"others"`
	}{Assignment: g, Others: []other{}}
	for _, o := range others {
		out.Others = append(out.Others, other{Total: o.Total, Recommend: o.Recommend, Scores: o.Scores})
	}
	web.JSON(w, http.StatusOK, out)
	return nil
}

// APIListAssignments lists the evaluator's own assignments.
func (h *Handler) APIListAssignments(w http.ResponseWriter, r *http.Request) error {
	gs, err := h.Svc.EvaluatorAssignments(r.Context(), auth.UserFrom(r.Context()).ID)
	if err != nil {
		return err
	}
	if gs == nil {
		gs = []Assignment{}
	}
	// The list never carries scores of others; own scores stay in.
	pg := web.PagingFrom(r)
	pg.PerPage = -1
	web.WriteList(w, r, gs, pg, len(gs))
	return nil
}

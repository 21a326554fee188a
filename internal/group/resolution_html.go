package group

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
)

var resolutionFields = []string{"supersedes_id", "supersede_kind", "agenda_item_id", "text", "votes_for", "votes_against", "votes_abstained", "outcome", "task_title", "assignee", "due_on"}

// ShowResolutionForm shows the form of a new resolution of meeting {id}.
func (h *Handler) ShowResolutionForm(w http.ResponseWriter, r *http.Request) error {
	m, _, err := h.meetingOf(r)
	if err != nil {
		return err
	}
	roll, err := h.Svc.Roll(r.Context(), m)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	vals := url.Values{"votes_for": {strconv.Itoa(roll.Quorum.Present)}, "votes_against": {"0"}, "votes_abstained": {"0"}, "outcome": {Adopted},
		"agenda_item_id": {q.Get("bod")}, "supersedes_id": {q.Get("rusi")}, "supersede_kind": {Annul}}
	if q.Get("druh") == Amend {
		vals.Set("supersede_kind", Amend)
	}
	return h.renderResolutionForm(w, r, m, web.NewForm(vals), http.StatusOK)
}

// ShowResolutionEdit shows the form correcting resolution {id} (while the
// minutes of its meeting are not approved).
func (h *Handler) ShowResolutionEdit(w http.ResponseWriter, r *http.Request) error {
	res, m, err := h.resolutionOf(r)
	if err != nil {
		return err
	}
	if ok, err := h.Svc.ResolutionEditable(r.Context(), m.ID); err != nil {
		return err
	} else if !ok {
		// Final: the resolution's page says why and offers a new resolution.
		return h.showResolution(w, r, "group.err.resolution_frozen")
	}
	vals := url.Values{"agenda_item_id": {idStr(res.AgendaItemID)}, "text": {res.Text}, "votes_for": {strconv.Itoa(res.VotesFor)},
		"votes_against": {strconv.Itoa(res.VotesAgainst)}, "votes_abstained": {strconv.Itoa(res.VotesAbstained)}, "outcome": {res.Outcome}}
	return h.renderResolutionEdit(w, r, res, m, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) resolutionOf(r *http.Request) (*Resolution, *Meeting, error) {
	id, err := web.PathID(r)
	if err != nil {
		return nil, nil, err
	}
	res, err := h.Svc.FindResolutionByID(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	m, err := h.Svc.FindMeetingByID(r.Context(), res.MeetingID)
	return res, m, err
}

func (h *Handler) renderResolutionEdit(w http.ResponseWriter, r *http.Request, res *Resolution, m *Meeting, f *web.Form, status int) error {
	ok, err := h.Svc.ResolutionEditable(r.Context(), m.ID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.Conflict, "group.err.resolution_frozen")
	}
	agenda, err := h.Svc.Agenda(r.Context(), m.ID)
	if err != nil {
		return err
	}
	p := h.crumbs(h.R.Page(r, "group.resolution.edit", "Number", res.Number)).Crumb("/skupiny/"+itoa(m.GroupID), m.GroupName).Crumb("/usneseni/"+itoa(res.ID), res.Number)
	p.Form = f
	p.Data = map[string]any{"M": m, "Res": res, "Items": itemOptions(p.L.T("form.none"), agenda), "Outcomes": options(p.L, "group.outcome.", Adopted, Rejected), "Editing": true}
	h.R.Render(w, r, status, "group/resolution_form", p)
	return nil
}

// SaveResolutionEdit corrects resolution {id}.
func (h *Handler) SaveResolutionEdit(w http.ResponseWriter, r *http.Request) error {
	res, m, err := h.resolutionOf(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	in := Resolution{AgendaItemID: f.Int64Ptr("agenda_item_id"), Text: f.Values.Get("text"), VotesFor: atoi(f, "votes_for", fields),
		VotesAgainst: atoi(f, "votes_against", fields), VotesAbstained: atoi(f, "votes_abstained", fields), Outcome: f.Get("outcome")}
	if err = fields.Err(); err == nil {
		_, err = h.Svc.UpdateResolution(r.Context(), res.ID, in)
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Conflict && f.SetError(h.l(r), err, resolutionFields...) {
			return h.renderResolutionEdit(w, r, res, m, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/usneseni/"+itoa(res.ID), "flash.saved")
	return nil
}

func itemOptions(none string, agenda []AgendaItem) []web.Option {
	items := []web.Option{{Value: "", Label: none}}
	for i, it := range agenda {
		items = append(items, web.Option{Value: itoa(it.ID), Label: fmt.Sprintf("%d. %s", i+1, it.Title)})
	}
	return items
}

// assigneeOptions lists people, organisations and departments as
// "person:12", "organisation:3", "department:5".
func (h *Handler) assigneeOptions(r *http.Request, none string) ([]web.Option, error) {
	ctx := r.Context()
	l := h.l(r)
	out := []web.Option{{Value: "", Label: none}}
	people, _, err := h.Svc.Partners.FindPeople(ctx, partner.Filter{Paging: all})
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		out = append(out, web.Option{Value: "person:" + itoa(p.ID), Label: l.T("group.assignee.person") + ": " + p.Name})
	}
	orgs, _, err := h.Svc.Partners.FindOrganisations(ctx, partner.Filter{Paging: all})
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		out = append(out, web.Option{Value: "organisation:" + itoa(o.ID), Label: l.T("group.assignee.organisation") + ": " + o.Name})
	}
	ds, _, err := h.Svc.Partners.FindDepartments(ctx, partner.Filter{Paging: all})
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		out = append(out, web.Option{Value: "department:" + itoa(d.ID), Label: l.T("group.assignee.department") + ": " + d.Name})
	}
	return out, nil
}

func parseAssignee(v string) (string, int64) {
	kind, id, _ := strings.Cut(v, ":")
	n, _ := strconv.ParseInt(id, 10, 64)
	return kind, n
}

func (h *Handler) renderResolutionForm(w http.ResponseWriter, r *http.Request, m *Meeting, f *web.Form, status int) error {
	agenda, err := h.Svc.Agenda(r.Context(), m.ID)
	if err != nil {
		return err
	}
	p := h.crumbs(h.R.Page(r, "group.resolution.new")).Crumb("/skupiny/"+itoa(m.GroupID), m.GroupName).Crumb("/jednani/"+itoa(m.ID), h.l(r).Date(m.StartsAt))
	p.Form = f
	assignees, err := h.assigneeOptions(r, p.L.T("form.none"))
	if err != nil {
		return err
	}
	inForce, err := h.Svc.InForce(r.Context(), m.GroupID)
	if err != nil {
		return err
	}
	earlier := []web.Option{{Value: "", Label: p.L.T("form.none")}}
	for _, x := range inForce {
		earlier = append(earlier, web.Option{Value: itoa(x.ID), Label: x.Number + " – " + shorten(x.Text, 80)})
	}
	p.Data = map[string]any{"M": m, "Items": itemOptions(p.L.T("form.none"), agenda), "Outcomes": options(p.L, "group.outcome.", Adopted, Rejected), "Assignees": assignees,
		"Earlier": earlier, "SupersedeKinds": options(p.L, "group.resolution.kind.", Annul, Amend)}
	h.R.Render(w, r, status, "group/resolution_form", p)
	return nil
}

func atoi(f *web.Form, name string, fields apperr.Fields) int {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fields.Add(name, "err.number")
	}
	return n
}

// SaveResolution adopts a resolution (and its task, when one is filled in).
func (h *Handler) SaveResolution(w http.ResponseWriter, r *http.Request) error {
	m, _, err := h.meetingOf(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	in := ResolutionInput{Resolution: Resolution{MeetingID: m.ID, AgendaItemID: f.Int64Ptr("agenda_item_id"), Text: f.Values.Get("text"),
		SupersedesID: f.Int64Ptr("supersedes_id"), SupersedeKind: f.Get("supersede_kind"),
		VotesFor: atoi(f, "votes_for", fields), VotesAgainst: atoi(f, "votes_against", fields), VotesAbstained: atoi(f, "votes_abstained", fields), Outcome: f.Get("outcome")}}
	if f.Get("task_title") != "" || f.Get("assignee") != "" || f.Get("due_on") != "" {
		kind, aid := parseAssignee(f.Get("assignee"))
		t := &Task{Title: f.Get("task_title"), AssigneeKind: kind, AssigneeID: aid}
		if f.Get("due_on") != "" {
			d, derr := store.ParseDate(f.Get("due_on"))
			if derr != nil {
				fields.Add("due_on", "group.err.date")
			}
			t.DueOn = d
		}
		in.Task = t
	}
	var res *Resolution
	if err = fields.Err(); err == nil {
		res, err = h.Svc.AdoptResolution(r.Context(), in)
	}
	if err != nil {
		if f.SetError(h.l(r), err, resolutionFields...) {
			return h.renderResolutionForm(w, r, m, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Flash(w, "group.flash.adopted")
	http.Redirect(w, r, "/usneseni/"+itoa(res.ID), http.StatusSeeOther)
	return nil
}

// ShowResolution shows a resolution with its vote, its tasks and the
// agenda item (and so the suggestion or measure) behind it.
func (h *Handler) ShowResolution(w http.ResponseWriter, r *http.Request) error {
	return h.showResolution(w, r, "")
}

func (h *Handler) showResolution(w http.ResponseWriter, r *http.Request, notice string) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	res, err := h.Svc.FindResolutionByID(ctx, id)
	if err != nil {
		return err
	}
	m, err := h.Svc.FindMeetingByID(ctx, res.MeetingID)
	if err != nil {
		return err
	}
	acc, err := h.access(r, res.GroupID)
	if err != nil {
		return err
	}
	tasks, _, err := h.Svc.FindTasks(ctx, TaskFilter{ResolutionID: id, Paging: all})
	if err != nil {
		return err
	}
	var item *AgendaItem
	if res.AgendaItemID != nil {
		agenda, err := h.Svc.Agenda(ctx, m.ID)
		if err != nil {
			return err
		}
		for i := range agenda {
			if agenda[i].ID == *res.AgendaItemID {
				item = &agenda[i]
			}
		}
	}
	p := h.crumbs(h.R.Page(r, "group.resolution.detail", "Number", res.Number)).Crumb("/skupiny/"+itoa(m.GroupID), m.GroupName).Crumb("/jednani/"+itoa(m.ID), h.l(r).Date(m.StartsAt))
	p.Form = web.NewForm(nil)
	var assignees []web.Option
	if acc.Manage {
		if assignees, err = h.assigneeOptions(r, p.L.T("form.none")); err != nil {
			return err
		}
	}
	var editable bool
	var next *Meeting
	if acc.Manage {
		if editable, err = h.Svc.ResolutionEditable(ctx, m.ID); err != nil {
			return err
		}
		if !editable && res.InForce() {
			if next, err = h.Svc.NextMeeting(ctx, res.GroupID); err != nil {
				return err
			}
		}
	}
	p.Data = map[string]any{"Res": res, "M": m, "Tasks": tasks, "Item": item, "Acc": acc, "Assignees": assignees, "States": []string{TaskOpen, TaskDone, TaskCancelled},
		"Editable": editable, "Next": next, "Notice": notice}
	h.R.Render(w, r, http.StatusOK, "group/resolution", p)
	return nil
}

// AddTask adds a task to resolution {id}.
func (h *Handler) AddTask(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	kind, aid := parseAssignee(f.Get("assignee"))
	d, _ := store.ParseDate(f.Get("due_on"))
	if _, err := h.Svc.AddTask(r.Context(), Task{ResolutionID: id, Title: f.Get("task_title"), AssigneeKind: kind, AssigneeID: aid, DueOn: d}); err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
			web.Flash(w, "group.flash.task_invalid")
			http.Redirect(w, r, "/usneseni/"+itoa(id), http.StatusSeeOther)
			return nil
		}
		return err
	}
	web.Redirect(w, r, "/usneseni/"+itoa(id), "group.flash.task_added")
	return nil
}

// SaveTaskState changes the state of task {id} with a note.
func (h *Handler) SaveTaskState(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	t, err := h.Svc.SetTaskState(r.Context(), id, f.Get("state"), f.Values.Get("note"))
	if err != nil {
		return err
	}
	back := f.Get("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/ukoly/" + itoa(t.ID)
	}
	web.Redirect(w, r, back, "flash.saved")
	return nil
}

// ShowTask shows one task.
func (h *Handler) ShowTask(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := h.Svc.FindTaskByID(ctx, id)
	if err != nil {
		return err
	}
	res, err := h.Svc.FindResolutionByID(ctx, t.ResolutionID)
	if err != nil {
		return err
	}
	canEdit, err := h.Svc.CanEditTask(ctx, auth.UserFrom(ctx), t)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "group.task.detail", "Title", t.Title).Crumb("/ukoly", h.l(r).T("group.task.mine"))
	p.Data = map[string]any{"T": t, "Res": res, "CanEdit": canEdit, "States": []string{TaskOpen, TaskDone, TaskCancelled}}
	h.R.Render(w, r, http.StatusOK, "group/task", p)
	return nil
}

// ShowMyTasks lists the tasks of the signed-in user's person, and the staff
// sees every open task.
func (h *Handler) ShowMyTasks(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	var mine, others []Task
	var err error
	if u.PersonID != nil {
		if mine, _, err = h.Svc.FindTasks(ctx, TaskFilter{PersonID: *u.PersonID, Paging: all}); err != nil {
			return err
		}
	}
	if u.IsStaff() {
		if others, _, err = h.Svc.FindTasks(ctx, TaskFilter{State: TaskOpen, Paging: all}); err != nil {
			return err
		}
	}
	p := h.R.Page(r, "group.task.mine")
	p.Data = map[string]any{"Mine": mine, "Others": others, "HasPerson": u.PersonID != nil, "Staff": u.IsStaff()}
	h.R.Render(w, r, http.StatusOK, "group/task_list", p)
	return nil
}

// ShowGroupTasks lists the tasks of group {id}.
func (h *Handler) ShowGroupTasks(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	g, err := h.Svc.FindGroupByID(ctx, id)
	if err != nil {
		return err
	}
	state := r.URL.Query().Get("stav")
	ts, _, err := h.Svc.FindTasks(ctx, TaskFilter{GroupID: id, State: state, Paging: all})
	if err != nil {
		return err
	}
	p := h.crumbs(h.R.Page(r, "group.task.of_group", "Group", g.Name)).Crumb("/skupiny/"+itoa(id), g.Name)
	p.Data = map[string]any{"G": g, "Tasks": ts, "State": state, "States": options(p.L, "group.task.state.", TaskOpen, TaskOverdue, TaskDone, TaskCancelled)}
	h.R.Render(w, r, http.StatusOK, "group/group_tasks", p)
	return nil
}

// ShowGroupResolutions lists the resolutions of group {id} by year.
func (h *Handler) ShowGroupResolutions(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	g, err := h.Svc.FindGroupByID(ctx, id)
	if err != nil {
		return err
	}
	year := yearFrom(r, h.Svc.Now())
	res, _, err := h.Svc.FindResolutions(ctx, ResolutionFilter{GroupID: id, Year: year, Paging: all})
	if err != nil {
		return err
	}
	p := h.crumbs(h.R.Page(r, "group.resolution.of_group", "Group", g.Name, "Year", strconv.Itoa(year))).Crumb("/skupiny/"+itoa(id), g.Name)
	p.Data = map[string]any{"G": g, "Resolutions": res, "Year": year, "PrevYear": year - 1, "NextYear": year + 1}
	h.R.Render(w, r, http.StatusOK, "group/group_resolutions", p)
	return nil
}

// shorten cuts s to at most n runes.
func shorten(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

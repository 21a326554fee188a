package group

import (
	"context"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/store"
	"kpss/internal/suggestion"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

// SuggestionPicker is a RefSource for suggestions that also offers the
// coordinator the suggestions to put on an agenda and finds one by its
// tracking code.
type SuggestionPicker interface {
	RefSource
	// Candidates lists open suggestions, newest first, at most limit.
	Candidates(ctx context.Context, limit int) ([]Candidate, int, error)
	// ByCode finds a suggestion by its tracking code (NotFound when none).
	ByCode(ctx context.Context, code string) (Candidate, error)
}

// Candidate is a suggestion offered for an agenda.
type Candidate struct {
	ID    int64
	Code  string
	Title string
}

// Label is "ABCD1234EF – the first line of the text".
func (c Candidate) Label() string { return c.Code + " – " + c.Title }

// Suggestions connects the suggestions module (below this one) to the
// groups: agenda items show a suggestion's code and summary with a link, the
// coordinator picks suggestions for an agenda, and the suggestion's page
// shows its trace through meetings, resolutions and tasks
// (suggestion.Tracer). Wire it in mod_group.go:
//
//	link := &group.Suggestions{S: sugg.Svc, G: svc, Catalog: env.R.Catalog}
//	svc.Suggestions = link
//	sugg.Svc.SetTracer(link)
type Suggestions struct {
	S       *suggestion.Service
	G       *Service
	Catalog *i18n.Catalog
}

var (
	_ SuggestionPicker  = (*Suggestions)(nil)
	_ suggestion.Tracer = (*Suggestions)(nil)
)

// Refs gives the code and summary of each suggestion; the link is the
// desk's page for those who may see it there (staff, the officers of its
// department) and the public tracking page for everyone else.
func (a *Suggestions) Refs(ctx context.Context, ids []int64) (map[int64]Ref, error) {
	out := map[int64]Ref{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := a.S.DB.Query(ctx, `SELECT id, code, text, department_id FROM suggestions WHERE id IN (`+store.Placeholders(len(ids))+`)`, int64Args(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var x suggestion.Suggestion
		if err := rows.Scan(&x.ID, &x.Code, &x.Text, &x.DepartmentID); err != nil {
			return nil, err
		}
		url := "/podnet/" + x.Code
		if suggestion.CanSee(ctx, &x) {
			url = "/podnety/" + itoa(x.ID)
		}
		out[x.ID] = Ref{Title: x.Code + " – " + x.Title(), URL: url}
	}
	return out, rows.Err()
}

// Candidates lists open suggestions (new, accepted, in progress), newest
// first, with their total.
func (a *Suggestions) Candidates(ctx context.Context, limit int) ([]Candidate, int, error) {
	xs, total, err := a.S.FindPublic(ctx, suggestion.Filter{States: suggestion.OpenStates, Paging: store.Paging{Page: 1, PerPage: limit}})
	if err != nil {
		return nil, 0, err
	}
	out := make([]Candidate, len(xs))
	for i, x := range xs {
		out[i] = Candidate{ID: x.ID, Code: x.Code, Title: x.Title()}
	}
	return out, total, nil
}

// ByCode finds a suggestion by its tracking code.
func (a *Suggestions) ByCode(ctx context.Context, code string) (Candidate, error) {
	x, err := a.S.FindByCode(ctx, code)
	if err != nil {
		return Candidate{}, err
	}
	return Candidate{ID: x.ID, Code: x.Code, Title: x.Title()}, nil
}

// Trace is the way a suggestion went through the groups: each meeting that
// had it on the agenda, the resolutions adopted on it, their tasks, and at
// the end the suggestion's present state. Nil when no meeting discussed it.
//
// The public tracking page shows the meeting and resolution steps: a
// meeting links publicly (PublicURL) to its approved minutes or the group's
// public archive when the group has the public switch; a resolution is a
// public step only once it is final (the minutes approved) in a public
// group – otherwise it shows on the desk only.
func (a *Suggestions) Trace(ctx context.Context, suggestionID int64) ([]suggestion.TraceStep, error) {
	ds, err := a.G.DiscussedIn(ctx, ItemSuggestion, suggestionID)
	if err != nil || len(ds) == 0 {
		return nil, err
	}
	l := a.Catalog.For(web.LangFrom(ctx))
	var resIDs, meetingIDs []int64
	for _, d := range ds {
		meetingIDs = append(meetingIDs, d.Meeting.ID)
		for _, r := range d.Resolutions {
			resIDs = append(resIDs, r.ID)
		}
	}
	type pub struct{ public, approved bool }
	pubs := map[int64]pub{}
	rows, err := a.G.DB.Query(ctx, `SELECT t.id, g.public_minutes, (SELECT COUNT(*) FROM minutes_versions v WHERE v.meeting_id = t.id)
		FROM meetings t JOIN work_groups g ON g.id = t.group_id WHERE t.id IN (`+store.Placeholders(len(meetingIDs))+`)`, int64Args(meetingIDs)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var p pub
		var versions int
		if err := rows.Scan(&id, &p.public, &versions); err != nil {
			rows.Close()
			return nil, err
		}
		p.approved = versions > 0
		pubs[id] = p
	}
	rows.Close()
	tasks := map[int64][]Task{}
	if len(resIDs) > 0 {
		ts, _, err := a.G.FindTasks(ctx, TaskFilter{ResolutionIDs: resIDs, Paging: all})
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			tasks[t.ResolutionID] = append(tasks[t.ResolutionID], t)
		}
	}
	var out []suggestion.TraceStep
	for _, d := range ds {
		mt, p := d.Meeting, pubs[d.Meeting.ID]
		label := l.T("group.trace.meeting", "Group", mt.GroupName)
		if mt.State != StateHeld {
			label += " (" + strings.ToLower(l.T("group.state."+mt.State)) + ")"
		}
		step := suggestion.TraceStep{Kind: suggestion.TraceMeeting, Label: label, URL: "/jednani/" + itoa(mt.ID), At: mt.StartsAt}
		switch {
		case p.public && p.approved:
			step.PublicURL = "/jednani/" + itoa(mt.ID) + "/zapis"
		case p.public:
			step.PublicURL = "/skupiny/" + itoa(mt.GroupID) + "/zapisy"
		}
		out = append(out, step)
		for _, r := range d.Resolutions {
			label := l.T("group.trace.resolution", "Number", r.Number, "Outcome", l.T("group.outcome."+r.Outcome), "Text", suggestion.Shorten(r.Text, 120))
			if n := annulledBy(r); n != "" {
				label += " – " + l.T("group.resolution.annulled_by", "Number", n)
			}
			step := suggestion.TraceStep{Kind: suggestion.TraceResolution, Label: label, URL: "/usneseni/" + itoa(r.ID), At: r.MeetingAt}
			switch {
			case p.public && p.approved:
				step.PublicURL = "/jednani/" + itoa(mt.ID) + "/zapis"
			case !p.approved: // not final: the desk only
				step.Kind, step.Label = "resolution-draft", l.T("group.trace.resolution_draft", "Label", label)
			default: // a group without the public switch: the desk only
				step.Kind, step.Label = "resolution-internal", l.T("group.trace.resolution_internal", "Label", label)
			}
			out = append(out, step)
			for _, t := range tasks[r.ID] {
				label := l.T("group.trace.task", "Title", t.Title, "Assignee", t.Assignee, "Due", l.Date(t.DueOn), "State", l.T("group.task.state."+t.Shown))
				step := suggestion.TraceStep{Kind: suggestion.TraceTask, Label: label, URL: "/ukoly/" + itoa(t.ID)}
				if !t.DoneOn.IsZero() {
					step.At = t.DoneOn.Time
				}
				out = append(out, step)
			}
		}
	}
	x, err := a.S.FindByID(ctx, suggestionID)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return out, nil
		}
		return nil, err
	}
	step := suggestion.TraceStep{Kind: "state", Label: l.T("group.trace.state", "State", l.T("suggestion.state."+string(x.State)))}
	if x.ClosedAt != nil {
		step.At = *x.ClosedAt
	}
	return append(out, step), nil
}

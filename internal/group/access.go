package group

import (
	"context"
	"net/http"
	"strconv"

	"kpss/internal/auth"
)

// CanEditTask says whether u may change a task: the staff, the chair of its
// group, or the person the task is for.
func (s *Service) CanEditTask(ctx context.Context, u *auth.User, t *Task) (bool, error) {
	if u == nil {
		return false, nil
	}
	if u.IsStaff() {
		return true, nil
	}
	if u.PersonID != nil && t.AssigneeKind == AssignPerson && t.AssigneeID == *u.PersonID {
		return true, nil
	}
	a, err := s.AccessTo(ctx, u, t.GroupID)
	return a.Manage, err
}

// Policies are the module's object-level route policies. Each reads the
// route's {id} and asks the service; an unknown id gives the staff access
// (so they see a 404) and the others none.
type Policies struct {
	GroupView, GroupManage       auth.Policy
	MeetingView, MeetingManage   auth.Policy
	MeetingPublic, GroupPublic   auth.Policy
	ResolutionView               auth.Policy
	ResolutionManage             auth.Policy
	TaskView, TaskEdit           auth.Policy
	MemberManage, RegistrationMg auth.Policy
	ItemManage                   auth.Policy
}

func pathID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// NewPolicies builds the policies over svc.
func NewPolicies(svc *Service) *Policies {
	byGroup := func(name string, public bool, group func(r *http.Request) (int64, error), want func(Access, bool) bool) auth.Policy {
		return auth.Policy{Name: name, Public: public, Object: func(r *http.Request, u *auth.User) (bool, error) {
			gid, err := group(r)
			if err != nil {
				return false, err
			}
			if gid == 0 {
				return u.IsStaff(), nil
			}
			a, err := svc.AccessTo(r.Context(), u, gid)
			if err != nil {
				return false, err
			}
			pub := false
			if public && !a.View {
				if g, err := findGroup(r.Context(), svc.DB, gid); err == nil {
					pub = g.PublicMinutes && !g.Archived
				}
			}
			return want(a, pub), nil
		}}
	}
	lookup := func(query string) func(r *http.Request) (int64, error) {
		return func(r *http.Request) (int64, error) {
			var gid int64
			err := svc.DB.QueryRow(r.Context(), query, pathID(r)).Scan(&gid)
			if err != nil {
				return 0, nil
			}
			return gid, nil
		}
	}
	group := func(r *http.Request) (int64, error) {
		var gid int64
		if err := svc.DB.QueryRow(r.Context(), `SELECT id FROM work_groups WHERE id = ?`, pathID(r)).Scan(&gid); err != nil {
			return 0, nil
		}
		return gid, nil
	}
	meeting := lookup(`SELECT group_id FROM meetings WHERE id = ?`)
	resolution := lookup(`SELECT group_id FROM resolutions WHERE id = ?`)
	member := lookup(`SELECT group_id FROM group_members WHERE id = ?`)
	registration := lookup(`SELECT t.group_id FROM meeting_registrations g JOIN meetings t ON t.id = g.meeting_id WHERE g.id = ?`)
	view := func(a Access, _ bool) bool { return a.View }
	manage := func(a Access, _ bool) bool { return a.Manage }
	public := func(a Access, pub bool) bool { return a.View || pub }
	p := &Policies{
		GroupView:        byGroup("group-view", false, group, view),
		GroupManage:      byGroup("group-manage", false, group, manage),
		GroupPublic:      byGroup("group-public", true, group, public),
		MeetingView:      byGroup("meeting-view", false, meeting, view),
		MeetingManage:    byGroup("meeting-manage", false, meeting, manage),
		MeetingPublic:    byGroup("meeting-public", true, meeting, public),
		ResolutionView:   byGroup("resolution-view", false, resolution, view),
		ResolutionManage: byGroup("resolution-manage", false, resolution, manage),
		MemberManage:     byGroup("member-manage", false, member, manage),
		RegistrationMg:   byGroup("registration-manage", false, registration, manage),
		ItemManage:       byGroup("agenda-manage", false, lookup(`SELECT t.group_id FROM agenda_items a JOIN meetings t ON t.id = a.meeting_id WHERE a.id = ?`), manage),
	}
	task := func(r *http.Request) (*Task, error) {
		t, err := one(r.Context(), svc.DB, scanTask, "task", `SELECT `+taskCols+` FROM `+taskFrom+` WHERE k.id = ?`, pathID(r))
		if err != nil {
			return nil, nil
		}
		return &t, nil
	}
	p.TaskEdit = auth.Policy{Name: "task-edit", Object: func(r *http.Request, u *auth.User) (bool, error) {
		t, _ := task(r)
		if t == nil {
			return u.IsStaff(), nil
		}
		return svc.CanEditTask(r.Context(), u, t)
	}}
	p.TaskView = auth.Policy{Name: "task-view", Object: func(r *http.Request, u *auth.User) (bool, error) {
		t, _ := task(r)
		if t == nil {
			return u.IsStaff(), nil
		}
		if ok, err := svc.CanEditTask(r.Context(), u, t); ok || err != nil {
			return ok, err
		}
		a, err := svc.AccessTo(r.Context(), u, t.GroupID)
		return a.View, err
	}}
	return p
}

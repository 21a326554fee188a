package group

import (
	"net/http"
	"strconv"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/store"
	"kpss/internal/web"
)

// The read-only JSON API of groups, meetings, resolutions and tasks under
// /api/v1 (spec: openapi.json). Lists hold what the caller may see: the
// staff everything, members their groups.

// APIGroup is a group in the API.
type APIGroup struct {
	ID            int64       `json:"id"`
	Kind          string      `json:"kind"`
	Code          string      `json:"code"`
	Name          string      `json:"name"`
	TargetGroupID *int64      `json:"target_group_id"`
	Purpose       string      `json:"purpose"`
	QuorumPercent int         `json:"quorum_percent"`
	PublicMinutes bool        `json:"public_minutes"`
	ActiveMembers int         `json:"active_members"`
	SizeWarning   string      `json:"size_warning"`
	Members       []APIMember `json:"members,omitempty"`
}

// APIMember is a membership in the API.
type APIMember struct {
	ID              int64   `json:"id"`
	PersonID        int64   `json:"person_id"`
	Name            string  `json:"name"`
	Role            string  `json:"role"`
	OrganisationID  *int64  `json:"organisation_id"`
	MunicipalityID  *int64  `json:"municipality_id"`
	RepresentsUsers bool    `json:"represents_users"`
	Voting          bool    `json:"voting"`
	JoinedOn        string  `json:"joined_on"`
	LeftOn          *string `json:"left_on"`
}

// APIMeeting is a meeting in the API.
type APIMeeting struct {
	ID          int64           `json:"id"`
	GroupID     int64           `json:"group_id"`
	GroupCode   string          `json:"group_code"`
	StartsAt    time.Time       `json:"starts_at"`
	EndsAt      time.Time       `json:"ends_at"`
	State       string          `json:"state"`
	PlaceID     *int64          `json:"place_id"`
	Place       string          `json:"place"`
	Capacity    int             `json:"capacity"`
	Agenda      []APIItem       `json:"agenda,omitempty"`
	Resolutions []APIResolution `json:"resolutions,omitempty"`
}

// APIItem is an agenda item in the API.
type APIItem struct {
	ID            int64  `json:"id"`
	Position      int    `json:"position"`
	Kind          string `json:"kind"`
	RefID         *int64 `json:"ref_id"`
	Title         string `json:"title"`
	CarriedFromID *int64 `json:"carried_from_id"`
}

// APIResolution is a resolution in the API.
type APIResolution struct {
	ID             int64  `json:"id"`
	Number         string `json:"number"`
	GroupID        int64  `json:"group_id"`
	MeetingID      int64  `json:"meeting_id"`
	AgendaItemID   *int64 `json:"agenda_item_id"`
	Text           string `json:"text"`
	VotesFor       int    `json:"votes_for"`
	VotesAgainst   int    `json:"votes_against"`
	VotesAbstained int    `json:"votes_abstained"`
	Outcome        string `json:"outcome"`
	// A correction: the earlier resolution this one annuls or amends.
	SupersedesID  *int64  `json:"supersedes_id"`
	SupersedeKind *string `json:"supersede_kind"`
	// The latest adopted resolution annulling or amending this one.
	SupersededByID   *int64  `json:"superseded_by_id"`
	SupersededByKind *string `json:"superseded_by_kind"`
	InForce          bool    `json:"in_force"`
}

// APITask is a task in the API.
type APITask struct {
	ID               int64   `json:"id"`
	ResolutionID     int64   `json:"resolution_id"`
	ResolutionNumber string  `json:"resolution_number"`
	GroupID          int64   `json:"group_id"`
	Title            string  `json:"title"`
	AssigneeKind     string  `json:"assignee_kind"`
	AssigneeID       int64   `json:"assignee_id"`
	Assignee         string  `json:"assignee"`
	DueOn            string  `json:"due_on"`
	State            string  `json:"state"`
	Note             string  `json:"note"`
	DoneOn           *string `json:"done_on"`
}

func optDate(d store.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func apiGroup(g Group) APIGroup {
	return APIGroup{ID: g.ID, Kind: g.Kind, Code: g.Code, Name: g.Name, TargetGroupID: g.TargetGroupID, Purpose: g.Purpose,
		QuorumPercent: g.QuorumPercent, PublicMinutes: g.PublicMinutes, ActiveMembers: g.ActiveMembers, SizeWarning: g.SizeWarning()}
}

func apiMeeting(m Meeting) APIMeeting {
	return APIMeeting{ID: m.ID, GroupID: m.GroupID, GroupCode: m.GroupCode, StartsAt: m.StartsAt, EndsAt: m.EndsAt, State: m.State,
		PlaceID: m.PlaceID, Place: m.PlaceName, Capacity: m.Capacity}
}

func apiResolution(r Resolution) APIResolution {
	return APIResolution{ID: r.ID, Number: r.Number, GroupID: r.GroupID, MeetingID: r.MeetingID, AgendaItemID: r.AgendaItemID, Text: r.Text,
		VotesFor: r.VotesFor, VotesAgainst: r.VotesAgainst, VotesAbstained: r.VotesAbstained, Outcome: r.Outcome,
		SupersedesID: r.SupersedesID, SupersedeKind: strOrNil(r.SupersedeKind),
		SupersededByID: r.SupersededByID, SupersededByKind: strOrNil(r.SupersededByKind), InForce: r.InForce()}
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func apiTask(t Task) APITask {
	return APITask{ID: t.ID, ResolutionID: t.ResolutionID, ResolutionNumber: t.ResolutionNumber, GroupID: t.GroupID, Title: t.Title,
		AssigneeKind: t.AssigneeKind, AssigneeID: t.AssigneeID, Assignee: t.Assignee, DueOn: t.DueOn.String(), State: t.Shown, Note: t.Note, DoneOn: optDate(t.DoneOn)}
}

// visibleGroups returns nil for the staff (everything) or the caller's groups.
func (h *Handler) visibleGroups(r *http.Request) ([]int64, error) {
	u := auth.UserFrom(r.Context())
	if u.IsStaff() {
		return nil, nil
	}
	return h.Svc.GroupIDsOf(r.Context(), u)
}

func queryInt(r *http.Request, name string, f apperr.Fields) int64 {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		f.Add(name, "err.number")
	}
	return n
}

func page[T any](items []T, p store.Paging) []T {
	p = p.Normalize()
	from := min(p.Offset(), len(items))
	to := min(from+p.Limit(), len(items))
	return items[from:to]
}

// APIListGroups answers GET /api/v1/groups.
func (h *Handler) APIListGroups(w http.ResponseWriter, r *http.Request) error {
	groups, err := h.Svc.FindGroups(r.Context(), false)
	if err != nil {
		return err
	}
	vis, err := h.visibleGroups(r)
	if err != nil {
		return err
	}
	out := []APIGroup{}
	for _, g := range groups {
		if vis == nil || contains(vis, g.ID) {
			out = append(out, apiGroup(g))
		}
	}
	p := web.PagingFrom(r)
	web.WriteList(w, r, page(out, p), p, len(out))
	return nil
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// APIGetGroup answers GET /api/v1/groups/{id} with the active members.
func (h *Handler) APIGetGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	g, err := h.Svc.FindGroupByID(r.Context(), id)
	if err != nil {
		return err
	}
	ms, err := h.Svc.FindMembers(r.Context(), id)
	if err != nil {
		return err
	}
	out := apiGroup(*g)
	out.Members = []APIMember{}
	for _, m := range ActiveMembers(ms, h.Svc.Today()) {
		out.Members = append(out.Members, APIMember{ID: m.ID, PersonID: m.PersonID, Name: m.Name, Role: m.Role, OrganisationID: m.OrganisationID,
			MunicipalityID: m.MunicipalityID, RepresentsUsers: m.RepresentsUsers, Voting: m.Voting, JoinedOn: m.JoinedOn.String(), LeftOn: optDate(m.LeftOn)})
	}
	web.JSON(w, http.StatusOK, out)
	return nil
}

// APIListMeetings answers GET /api/v1/meetings (?group_id=&year=&state=).
func (h *Handler) APIListMeetings(w http.ResponseWriter, r *http.Request) error {
	fe := apperr.Fields{}
	f := MeetingFilter{GroupID: queryInt(r, "group_id", fe), Year: int(queryInt(r, "year", fe)), State: r.URL.Query().Get("state"), Paging: web.PagingFrom(r)}
	if f.State != "" && !oneOf(f.State, StatePlanned, StateInvited, StateHeld, StateCancelled) {
		fe.Add("state", "err.choose")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	vis, err := h.visibleGroups(r)
	if err != nil {
		return err
	}
	f.GroupIDs = vis
	ms, total, err := h.Svc.FindMeetings(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]APIMeeting, len(ms))
	for i, m := range ms {
		out[i] = apiMeeting(m)
	}
	web.WriteList(w, r, out, f.Paging, total)
	return nil
}

// APIGetMeeting answers GET /api/v1/meetings/{id} with agenda and resolutions.
func (h *Handler) APIGetMeeting(w http.ResponseWriter, r *http.Request) error {
	m, _, err := h.meetingOf(r)
	if err != nil {
		return err
	}
	items, err := h.Svc.Agenda(r.Context(), m.ID)
	if err != nil {
		return err
	}
	res, _, err := h.Svc.FindResolutions(r.Context(), ResolutionFilter{MeetingID: m.ID, Paging: all})
	if err != nil {
		return err
	}
	out := apiMeeting(*m)
	out.Agenda, out.Resolutions = []APIItem{}, []APIResolution{}
	for _, it := range items {
		out.Agenda = append(out.Agenda, APIItem{ID: it.ID, Position: it.Position, Kind: it.Kind, RefID: it.RefID, Title: it.Title, CarriedFromID: it.CarriedFromID})
	}
	for _, x := range res {
		out.Resolutions = append(out.Resolutions, apiResolution(x))
	}
	web.JSON(w, http.StatusOK, out)
	return nil
}

// APIListResolutions answers GET /api/v1/resolutions (?group_id=&year=).
func (h *Handler) APIListResolutions(w http.ResponseWriter, r *http.Request) error {
	fe := apperr.Fields{}
	f := ResolutionFilter{GroupID: queryInt(r, "group_id", fe), Year: int(queryInt(r, "year", fe)), Paging: web.PagingFrom(r)}
	if err := fe.Err(); err != nil {
		return err
	}
	vis, err := h.visibleGroups(r)
	if err != nil {
		return err
	}
	f.GroupIDs = vis
	rs, total, err := h.Svc.FindResolutions(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]APIResolution, len(rs))
	for i, x := range rs {
		out[i] = apiResolution(x)
	}
	web.WriteList(w, r, out, f.Paging, total)
	return nil
}

// APIListTasks answers GET /api/v1/tasks (?group_id=&state=&mine=true).
func (h *Handler) APIListTasks(w http.ResponseWriter, r *http.Request) error {
	fe := apperr.Fields{}
	f := TaskFilter{GroupID: queryInt(r, "group_id", fe), State: r.URL.Query().Get("state"), Paging: web.PagingFrom(r)}
	if f.State != "" && !oneOf(f.State, TaskOpen, TaskOverdue, TaskDone, TaskCancelled) {
		fe.Add("state", "err.choose")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	u := auth.UserFrom(r.Context())
	mine := r.URL.Query().Get("mine")
	if mine == "true" || mine == "1" {
		if u.PersonID == nil {
			web.WriteList(w, r, []APITask{}, f.Paging, 0)
			return nil
		}
		f.PersonID = *u.PersonID
	} else {
		vis, err := h.visibleGroups(r)
		if err != nil {
			return err
		}
		f.GroupIDs = vis
	}
	ts, total, err := h.Svc.FindTasks(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]APITask, len(ts))
	for i, t := range ts {
		out[i] = apiTask(t)
	}
	web.WriteList(w, r, out, f.Paging, total)
	return nil
}

// Package group runs the working groups and the steering group of the KPSS:
// members (with history), meeting places and their accessibility, the
// meeting plan of a year, agendas, attendance with the quorum, invitations
// with an .ics attachment, registrations of non-members with a waitlist,
// numbered resolutions, their tasks, and minutes that are approved, frozen
// and corrected by new versions.
package group

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/store"
)

// Group kinds.
const (
	KindWorking  = "working"
	KindSteering = "steering"
	KindOther    = "other"
)

// Kinds in the order the UI offers them.
var Kinds = []string{KindWorking, KindSteering, KindOther}

// Working groups should have 7–20 active members (the seed project's rule).
const (
	MinMembers = 7
	MaxMembers = 20
)

// Group is a working group, the steering group or another body.
type Group struct {
	ID            int64     `json:"id"`
	Kind          string    `json:"kind"`
	Code          string    `json:"code"` // "ŘS", "PS-SEN": prefix of resolution numbers
	Name          string    `json:"name"`
	TargetGroupID *int64    `json:"target_group_id"`
	Purpose       string    `json:"purpose"`
	QuorumPercent int       `json:"quorum_percent"` // more than this share of voting members must be present
	PublicMinutes bool      `json:"public_minutes"`
	Archived      bool      `json:"archived"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	// Filled by lists.
	ActiveMembers int `json:"active_members"`
}

// SizeWarning says whether a working group is outside 7–20 active members:
// "few", "many" or "".
func (g Group) SizeWarning() string {
	if g.Kind != KindWorking {
		return ""
	}
	switch {
	case g.ActiveMembers < MinMembers:
		return "few"
	case g.ActiveMembers > MaxMembers:
		return "many"
	}
	return ""
}

// Member roles.
const (
	RoleChair  = "chair"
	RoleDeputy = "deputy"
	RoleMember = "member"
	RoleGuest  = "guest"
)

// Roles of a member, in the order the UI offers them.
var Roles = []string{RoleChair, RoleDeputy, RoleMember, RoleGuest}

// Member is a person's membership of a group; it ends (LeftOn) rather than
// disappearing, so the history is kept.
type Member struct {
	ID              int64      `json:"id"`
	GroupID         int64      `json:"group_id"`
	PersonID        int64      `json:"person_id"`
	Role            string     `json:"role"`
	OrganisationID  *int64     `json:"organisation_id"`
	MunicipalityID  *int64     `json:"municipality_id"`
	RepresentsUsers bool       `json:"represents_users"`
	Voting          bool       `json:"voting"`
	JoinedOn        store.Date `json:"joined_on"`
	LeftOn          store.Date `json:"left_on"`
	Note            string     `json:"note"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	// Display, filled by the service.
	Name         string `json:"name,omitempty"`
	Email        string `json:"-"`
	Organisation string `json:"organisation,omitempty"`
	Municipality string `json:"municipality,omitempty"`
}

// Active reports whether the membership lasts on day.
func (m Member) Active(day store.Date) bool {
	return !m.JoinedOn.After(day.Time) && (m.LeftOn.IsZero() || m.LeftOn.After(day.Time))
}

// Represents is the organisation or municipality the member speaks for.
func (m Member) Represents() string {
	switch {
	case m.Organisation != "" && m.Municipality != "":
		return m.Organisation + ", " + m.Municipality
	case m.Organisation != "":
		return m.Organisation
	}
	return m.Municipality
}

// Place is where meetings happen, with its accessibility.
type Place struct {
	ID               int64     `json:"id"`
	Name             string    `json:"name"`
	Address          string    `json:"address"`
	Wheelchair       bool      `json:"wheelchair"`
	InductionLoop    bool      `json:"induction_loop"`
	AccessibleToilet bool      `json:"accessible_toilet"`
	Parking          bool      `json:"parking"`
	PublicTransport  bool      `json:"public_transport"`
	Note             string    `json:"note"`
	Archived         bool      `json:"archived"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Features lists the i18n keys of the place's accessibility features.
func (p Place) Features() []string {
	var out []string
	for _, f := range []struct {
		on  bool
		key string
	}{{p.Wheelchair, "group.place.wheelchair"}, {p.InductionLoop, "group.place.induction_loop"},
		{p.AccessibleToilet, "group.place.accessible_toilet"}, {p.Parking, "group.place.parking"},
		{p.PublicTransport, "group.place.public_transport"}} {
		if f.on {
			out = append(out, f.key)
		}
	}
	return out
}

// Meeting states: planned → invited → held | cancelled.
const (
	StatePlanned   = "planned"
	StateInvited   = "invited"
	StateHeld      = "held"
	StateCancelled = "cancelled"
)

// Meeting is one meeting of a group.
type Meeting struct {
	ID        int64      `json:"id"`
	GroupID   int64      `json:"group_id"`
	StartsAt  time.Time  `json:"starts_at"`
	EndsAt    time.Time  `json:"ends_at"`
	PlaceID   *int64     `json:"place_id"`
	State     string     `json:"state"`
	Note      string     `json:"note"`
	Capacity  int        `json:"capacity"` // places for registered non-members; 0: no registration
	Sequence  int        `json:"-"`
	InvitedAt *time.Time `json:"invited_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	// Display, filled by lists.
	GroupCode string `json:"group_code,omitempty"`
	GroupName string `json:"group_name,omitempty"`
	PlaceName string `json:"place_name,omitempty"`
}

// Open reports whether the meeting still lies ahead (planned or invited).
func (m Meeting) Open() bool { return m.State == StatePlanned || m.State == StateInvited }

// Agenda item kinds: free text, or pointing to a suggestion, a plan
// measure or an overdue task.
const (
	ItemText       = "text"
	ItemSuggestion = "suggestion"
	ItemMeasure    = "measure"
	ItemTask       = "task"
)

// AgendaItem is one point of a meeting's agenda.
type AgendaItem struct {
	ID            int64     `json:"id"`
	MeetingID     int64     `json:"meeting_id"`
	Position      int       `json:"position"`
	Kind          string    `json:"kind"`
	RefID         *int64    `json:"ref_id"`
	Title         string    `json:"title"`
	Body          string    `json:"body"`
	CarriedFromID *int64    `json:"carried_from_id"`
	CarriedToID   *int64    `json:"carried_to_id"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	// Display: the earlier meetings this item was carried over from.
	History  []ItemHistory `json:"history,omitempty"`
	RefLink  string        `json:"-"`
	RefTitle string        `json:"-"` // what it points to, when the item's own title differs
}

// ItemHistory is one earlier appearance of a carried-over item.
type ItemHistory struct {
	ItemID    int64     `json:"item_id"`
	MeetingID int64     `json:"meeting_id"`
	StartsAt  time.Time `json:"starts_at"`
}

// Attendance statuses and invitation answers.
const (
	Present = "present"
	Excused = "excused"
	Absent  = "absent"

	AnswerAttend  = "attend"
	AnswerExcused = "excused"
)

// Attendance is a member's presence at a meeting and their answer to the
// invitation.
type Attendance struct {
	MeetingID   int64      `json:"meeting_id"`
	MemberID    int64      `json:"member_id"`
	Status      string     `json:"status"`
	Response    string     `json:"response"`
	RespondedAt *time.Time `json:"responded_at"`
}

// Guest is a non-member present at a meeting.
type Guest struct {
	ID          int64     `json:"id"`
	MeetingID   int64     `json:"meeting_id"`
	Name        string    `json:"name"`
	Affiliation string    `json:"affiliation"`
	CreatedAt   time.Time `json:"created_at"`
}

// Registration kinds and states.
const (
	RegUser  = "user"
	RegCarer = "carer"
	RegOther = "other"

	RegConfirmed  = "confirmed"
	RegWaitlisted = "waitlisted"
	RegCancelled  = "cancelled"
)

// Registration is a non-member (a service user, a carer …) signed up for a meeting.
type Registration struct {
	ID        int64     `json:"id"`
	MeetingID int64     `json:"meeting_id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Kind      string    `json:"kind"`
	State     string    `json:"state"`
	Token     string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RegistrationPersonal are the fields the audit log masks.
var RegistrationPersonal = []string{"name", "email"}

// Resolution outcomes.
const (
	Adopted  = "adopted"
	Rejected = "rejected"
)

// Resolution is a numbered resolution of a group (ŘS/2026/07).
type Resolution struct {
	ID             int64     `json:"id"`
	GroupID        int64     `json:"group_id"`
	MeetingID      int64     `json:"meeting_id"`
	AgendaItemID   *int64    `json:"agenda_item_id"`
	Year           int       `json:"year"`
	Seq            int       `json:"seq"`
	Number         string    `json:"number"`
	Text           string    `json:"text"`
	VotesFor       int       `json:"votes_for"`
	VotesAgainst   int       `json:"votes_against"`
	VotesAbstained int       `json:"votes_abstained"`
	Outcome        string    `json:"outcome"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	// A correction: this resolution annuls or amends an earlier one.
	SupersedesID  *int64 `json:"supersedes_id"`
	SupersedeKind string `json:"supersede_kind"` // "", annul, amend
	// Display.
	AgendaTitle        string    `json:"agenda_title,omitempty"`
	MeetingAt          time.Time `json:"meeting_at"`
	SupersedesNumber   string    `json:"supersedes_number,omitempty"`
	SupersededByID     *int64    `json:"superseded_by_id"` // the latest adopted resolution annulling or amending this one
	SupersededByNumber string    `json:"superseded_by_number,omitempty"`
	SupersededByKind   string    `json:"superseded_by_kind,omitempty"`
}

// Supersede kinds: a later resolution annuls or amends an earlier one.
const (
	Annul = "annul"
	Amend = "amend"
)

// InForce reports whether an adopted resolution still holds (no later
// adopted resolution annulled it).
func (r Resolution) InForce() bool { return r.Outcome == Adopted && r.SupersededByKind != Annul }

// Task states; "overdue" is an open task past its deadline.
const (
	TaskOpen      = "open"
	TaskDone      = "done"
	TaskCancelled = "cancelled"
	TaskOverdue   = "overdue"
)

// Assignee kinds.
const (
	AssignPerson       = "person"
	AssignOrganisation = "organisation"
	AssignDepartment   = "department"
)

// Task is work a resolution gave someone.
type Task struct {
	ID           int64      `json:"id"`
	ResolutionID int64      `json:"resolution_id"`
	GroupID      int64      `json:"group_id"`
	Title        string     `json:"title"`
	AssigneeKind string     `json:"assignee_kind"`
	AssigneeID   int64      `json:"assignee_id"`
	DueOn        store.Date `json:"due_on"`
	State        string     `json:"state"` // stored state: open, done, cancelled
	Note         string     `json:"note"`
	DoneOn       store.Date `json:"done_on"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	// Display.
	Assignee         string `json:"assignee,omitempty"`
	ResolutionNumber string `json:"resolution_number,omitempty"`
	GroupCode        string `json:"group_code,omitempty"`
	// Shown is the state a user sees: overdue for an open task past its deadline.
	Shown string `json:"shown_state"`
}

// ShownState is the state a user sees on day.
func (t Task) ShownState(day store.Date) string {
	if t.State == TaskOpen && t.DueOn.Before(day.Time) {
		return TaskOverdue
	}
	return t.State
}

// Minutes states: draft → comments → approved (frozen).
const (
	MinutesDraft    = "draft"
	MinutesComments = "comments"
	MinutesApproved = "approved"
)

// Minutes is the record (zápis) of a meeting.
type Minutes struct {
	MeetingID  int64      `json:"meeting_id"`
	State      string     `json:"state"`
	Version    int        `json:"version"`
	Body       string     `json:"body"` // Markdown
	ApprovedAt *time.Time `json:"approved_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// MinutesVersion is an approved, frozen version.
type MinutesVersion struct {
	MeetingID  int64     `json:"meeting_id"`
	Version    int       `json:"version"`
	Body       string    `json:"body"`
	Reason     string    `json:"reason"`
	ApprovedAt time.Time `json:"approved_at"`
	ApprovedBy string    `json:"approved_by"`
}

// Comment is a member's comment on a draft sent for comments.
type Comment struct {
	ID        int64     `json:"id"`
	MeetingID int64     `json:"meeting_id"`
	Version   int       `json:"version"`
	UserID    *int64    `json:"user_id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// ---------- validation

var codeRe = regexp.MustCompile(`^[\p{Lu}0-9][\p{Lu}0-9-]{0,11}$`)

func trim(ss ...*string) {
	for _, s := range ss {
		*s = strings.TrimSpace(*s)
	}
}

func checkLen(f apperr.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "err.too_long", "Max", max)
	}
}

func oneOf(v string, list ...string) bool {
	for _, x := range list {
		if v == x {
			return true
		}
	}
	return false
}

// Validate checks and normalises a group.
func (g *Group) Validate() error {
	f := apperr.Fields{}
	trim(&g.Name, &g.Code, &g.Purpose)
	g.Code = strings.ToUpper(g.Code)
	if !oneOf(g.Kind, Kinds...) {
		f.Add("kind", "err.choose")
	}
	if g.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", g.Name, 160)
	if g.Code != "" && !codeRe.MatchString(g.Code) {
		f.Add("code", "group.err.code_format")
	}
	if g.Kind == KindWorking && g.TargetGroupID == nil && g.Code == "" {
		f.Add("target_group_id", "group.err.working_needs_target")
	}
	if g.QuorumPercent == 0 {
		g.QuorumPercent = 50
	}
	if g.QuorumPercent < 1 || g.QuorumPercent > 99 {
		f.Add("quorum_percent", "group.err.quorum")
	}
	checkLen(f, "purpose", g.Purpose, 5000)
	return f.Err()
}

// Validate checks a membership.
func (m *Member) Validate() error {
	f := apperr.Fields{}
	trim(&m.Note)
	if m.PersonID <= 0 {
		f.Add("person_id", "err.required")
	}
	if !oneOf(m.Role, Roles...) {
		f.Add("role", "err.choose")
	}
	if m.Role == RoleGuest {
		m.Voting = false
	}
	if m.JoinedOn.IsZero() {
		f.Add("joined_on", "group.err.date")
	}
	if !m.LeftOn.IsZero() && m.LeftOn.Before(m.JoinedOn.Time) {
		f.Add("left_on", "group.err.left_before_joined")
	}
	checkLen(f, "note", m.Note, 1000)
	return f.Err()
}

// Validate checks a place.
func (p *Place) Validate() error {
	f := apperr.Fields{}
	trim(&p.Name, &p.Address, &p.Note)
	if p.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", p.Name, 160)
	checkLen(f, "address", p.Address, 300)
	checkLen(f, "note", p.Note, 1000)
	return f.Err()
}

// Validate checks a meeting's editable fields.
func (m *Meeting) Validate() error {
	f := apperr.Fields{}
	trim(&m.Note)
	if m.StartsAt.IsZero() {
		f.Add("date", "group.err.date")
	}
	if m.EndsAt.IsZero() || !m.EndsAt.After(m.StartsAt) {
		if !m.StartsAt.IsZero() {
			f.Add("end", "group.err.end_before_start")
		}
	}
	if m.Capacity < 0 || m.Capacity > 500 {
		f.Add("capacity", "group.err.capacity")
	}
	checkLen(f, "note", m.Note, 2000)
	return f.Err()
}

// Validate checks an agenda item.
func (a *AgendaItem) Validate() error {
	f := apperr.Fields{}
	trim(&a.Title, &a.Body)
	if !oneOf(a.Kind, ItemText, ItemSuggestion, ItemMeasure, ItemTask) {
		f.Add("kind", "err.choose")
	}
	if a.Kind != ItemText && (a.RefID == nil || *a.RefID <= 0) {
		f.Add("ref_id", "group.err.ref_needed")
	}
	if a.Kind == ItemText {
		a.RefID = nil
	}
	if a.Title == "" && a.Kind == ItemText {
		f.Add("title", "err.required")
	}
	checkLen(f, "title", a.Title, 300)
	checkLen(f, "body", a.Body, 5000)
	return f.Err()
}

// Validate checks a resolution.
func (r *Resolution) Validate() error {
	f := apperr.Fields{}
	trim(&r.Text)
	if r.Text == "" {
		f.Add("text", "err.required")
	}
	checkLen(f, "text", r.Text, 5000)
	for name, v := range map[string]int{"votes_for": r.VotesFor, "votes_against": r.VotesAgainst, "votes_abstained": r.VotesAbstained} {
		if v < 0 || v > 500 {
			f.Add(name, "group.err.votes")
		}
	}
	if r.Outcome == "" {
		if r.VotesFor > r.VotesAgainst {
			r.Outcome = Adopted
		} else {
			r.Outcome = Rejected
		}
	}
	if !oneOf(r.Outcome, Adopted, Rejected) {
		f.Add("outcome", "err.choose")
	}
	return f.Err()
}

// Validate checks a task.
func (t *Task) Validate() error {
	f := apperr.Fields{}
	trim(&t.Title, &t.Note)
	if t.Title == "" {
		f.Add("task_title", "err.required")
	}
	checkLen(f, "task_title", t.Title, 500)
	if !oneOf(t.AssigneeKind, AssignPerson, AssignOrganisation, AssignDepartment) || t.AssigneeID <= 0 {
		f.Add("assignee", "group.err.assignee")
	}
	if t.DueOn.IsZero() {
		f.Add("due_on", "group.err.date")
	}
	if t.State == "" {
		t.State = TaskOpen
	}
	if !oneOf(t.State, TaskOpen, TaskDone, TaskCancelled) {
		f.Add("state", "err.choose")
	}
	checkLen(f, "note", t.Note, 2000)
	return f.Err()
}

// Validate checks a registration.
func (r *Registration) Validate() error {
	f := apperr.Fields{}
	trim(&r.Name, &r.Email)
	if r.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", r.Name, 120)
	if r.Email != "" {
		a, err := mail.ParseAddress(r.Email)
		if err != nil || a.Address != r.Email || !strings.Contains(r.Email, ".") {
			f.Add("email", "err.email")
		}
	}
	if !oneOf(r.Kind, RegUser, RegCarer, RegOther) {
		f.Add("kind", "err.choose")
	}
	return f.Err()
}

// Start is the meeting's start in Prague time (for display).
func (m Meeting) Start() time.Time { return m.StartsAt.In(pragueLoc) }

// Clock is "15:00–17:00" in Prague time.
func (m Meeting) Clock() string {
	return m.StartsAt.In(pragueLoc).Format("15:04") + "–" + m.EndsAt.In(pragueLoc).Format("15:04")
}

// Package suggestion is the agenda of suggestions (podněty): a citizen's note
// or a point raised at a meeting, routed to a town-office department, tracked
// in the open to its resolution ("co jde, vyřešme hned"), with statistics,
// Open311 GeoReport v2 and the JSON API.
package suggestion

import (
	"context"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/geo"
	"kpss/internal/store"
)

// State is where a suggestion is in its life.
type State string

const (
	StateNew        State = "new"         // received, waiting for the coordinator / department
	StateAccepted   State = "accepted"    // the department took it on
	StateInProgress State = "in_progress" // being solved
	StateResolved   State = "resolved"    // solved (what was done is in PublicNote)
	StateClosed     State = "closed"      // closed without fixing (reason), counted apart from resolved
	StateRejected   State = "rejected"    // rejected (reason + where to turn instead)
	StateReferred   State = "referred"    // referred to the community / strategic plan
	StateDuplicate  State = "duplicate"   // a duplicate of another suggestion
)

// States in the order the UI offers them.
var States = []State{StateNew, StateAccepted, StateInProgress, StateResolved, StateClosed, StateRejected, StateReferred, StateDuplicate}

// OpenStates are those still waiting for someone's work.
var OpenStates = []State{StateNew, StateAccepted, StateInProgress}

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	for _, x := range States {
		if x == s {
			return true
		}
	}
	return false
}

// Open reports whether s still waits for work (Open311 "open").
func (s State) Open() bool { return s == StateNew || s == StateAccepted || s == StateInProgress }

// Source is how a suggestion reached the KPSS.
type Source string

const (
	SourceWeb          Source = "web"           // the public form (or Open311)
	SourceWorkingGroup Source = "working_group" // raised at a working-group meeting
	SourcePublic       Source = "public_meeting"
	SourcePhone        Source = "phone"
	SourceEmail        Source = "email"
)

// Sources in the order the UI offers them.
var Sources = []Source{SourceWeb, SourceWorkingGroup, SourcePublic, SourcePhone, SourceEmail}

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	for _, x := range Sources {
		if x == s {
			return true
		}
	}
	return false
}

// Category is a kind of suggestion (Bezbariérovost, Doprava …); it is an
// Open311 service. A category may name the department that usually solves it.
type Category struct {
	ID            int64     `json:"id"`
	Code          string    `json:"code"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	DepartmentID  *int64    `json:"department_id"`
	SortOrder     int       `json:"sort_order"`
	Accessibility bool      `json:"accessibility"` // counts as "bezbariérovost" in the summary
	Archived      bool      `json:"archived"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

var codeRe = regexp.MustCompile(`^[a-z0-9-]{2,30}$`)

// Validate checks a category.
func (c *Category) Validate() error {
	c.Code = strings.ToLower(strings.TrimSpace(c.Code))
	c.Name = strings.TrimSpace(c.Name)
	c.Description = strings.TrimSpace(c.Description)
	f := apperr.Fields{}
	if !codeRe.MatchString(c.Code) {
		f.Add("code", "suggestion.err.category_code")
	}
	if c.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", c.Name, 100)
	checkLen(f, "description", c.Description, 1000)
	return f.Err()
}

// Suggestion is one podnět. Contact*, the photo and (when LocationPrivate)
// the address and coordinates are personal data: only staff and the officers
// of the department it is routed to see them.
type Suggestion struct {
	ID              int64      `json:"id"`
	Code            string     `json:"code"` // the citizen's tracking code
	Text            string     `json:"text"`
	CategoryID      int64      `json:"category_id"`
	MunicipalityID  int64      `json:"municipality_id"` // 0: not known yet ("obec nezjištěna")
	TargetGroupID   *int64     `json:"target_group_id"`
	Address         string     `json:"address"`
	Lat             *float64   `json:"lat"`
	Lng             *float64   `json:"lng"`
	LocationPrivate bool       `json:"location_private"`
	Source          Source     `json:"source"`
	State           State      `json:"state"`
	DepartmentID    *int64     `json:"department_id"`
	DueDate         Day        `json:"due_date"`
	QuickWin        bool       `json:"quick_win"`
	DuplicateOf     *int64     `json:"duplicate_of"`
	PublicNote      string     `json:"public_note"`     // what was done / why closed or rejected
	RedirectTo      string     `json:"redirect_to"`     // where to turn instead (rejected)
	PlanRef         string     `json:"plan_ref"`        // the plan it was referred to
	PlanMeasureID   *int64     `json:"plan_measure_id"` // the measure of the community plan (PlanMeasures)
	Lang            string     `json:"lang"`            // the citizen's language, "cs" or "en", for e-mails
	ContactName     string     `json:"contact_name"`
	ContactEmail    string     `json:"contact_email"`
	ContactPhone    string     `json:"contact_phone"`
	ConsentAt       *time.Time `json:"consent_at"`
	HasPhoto        bool       `json:"has_photo"`
	ReceivedAt      time.Time  `json:"received_at"`
	ClosedAt        *time.Time `json:"closed_at"`
	DaysToClose     *int64     `json:"days_to_close"`
	AnonymisedAt    *time.Time `json:"anonymised_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// PersonalFields of a Suggestion, masked in the audit log.
var PersonalFields = []string{"contact_name", "contact_email", "contact_phone", "address", "lat", "lng"}

// Overdue reports whether the suggestion is open past its due date on day today.
func (s *Suggestion) Overdue(today store.Date) bool {
	return s.State.Open() && !s.DueDate.IsZero() && s.DueDate.Date.Before(today.Time)
}

// Coordinates are "lat, lng" with 5 decimals, or "" when there are none.
func (s *Suggestion) Coordinates() string {
	if s.Lat == nil || s.Lng == nil {
		return ""
	}
	return strconv.FormatFloat(*s.Lat, 'f', 5, 64) + ", " + strconv.FormatFloat(*s.Lng, 'f', 5, 64)
}

// Title is the first line of the text, shortened, for lists and e-mails.
func (s *Suggestion) Title() string { return Shorten(s.Text, 90) }

// Shorten cuts text to its first line and at most n runes.
func Shorten(text string, n int) string {
	t, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	t = strings.TrimSpace(t)
	if utf8.RuneCountInString(t) <= n {
		return t
	}
	r := []rune(t)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// Input is what a citizen or the coordinator fills in for a new suggestion.
type Input struct {
	Text            string
	CategoryID      int64
	MunicipalityID  int64
	TargetGroupID   *int64
	Address         string
	Lat, Lng        *float64
	LocationPrivate bool
	Source          Source
	ContactName     string
	ContactEmail    string
	ContactPhone    string
	Consent         bool
	ReceivedAt      time.Time // zero: now (the coordinator may enter an older date)
	Lang            string    // the citizen's language ("cs" when empty or unknown)
	Photo           []byte    // as uploaded; checked and re-encoded
}

var phoneRe = regexp.MustCompile(`^\+?[0-9 ()/-]{9,20}$`)

// Validate checks the input; field names match the form's.
func (in *Input) Validate() error {
	in.Text = strings.TrimSpace(in.Text)
	in.Address = strings.TrimSpace(in.Address)
	in.ContactName = strings.TrimSpace(in.ContactName)
	in.ContactEmail = strings.TrimSpace(in.ContactEmail)
	in.ContactPhone = strings.TrimSpace(in.ContactPhone)
	f := apperr.Fields{}
	if in.Text == "" {
		f.Add("text", "suggestion.err.text_required")
	} else if utf8.RuneCountInString(in.Text) < 5 {
		f.Add("text", "suggestion.err.text_short")
	}
	checkLen(f, "text", in.Text, 5000)
	if in.CategoryID <= 0 {
		f.Add("category_id", "suggestion.err.category_required")
	}
	if in.MunicipalityID < 0 {
		f.Add("municipality_id", "err.bad_reference")
	}
	checkLen(f, "address", in.Address, 300)
	if (in.Lat == nil) != (in.Lng == nil) || (in.Lat != nil && !geo.Valid(*in.Lat, *in.Lng)) {
		f.Add("lat", "suggestion.err.coordinates")
	}
	if !in.Source.Valid() {
		f.Add("source", "err.choose")
	}
	checkLen(f, "contact_name", in.ContactName, 200)
	if in.ContactEmail != "" {
		a, err := mail.ParseAddress(in.ContactEmail)
		if err != nil || a.Address != in.ContactEmail || !strings.Contains(in.ContactEmail[strings.Index(in.ContactEmail, "@"):], ".") {
			f.Add("contact_email", "err.email")
		}
	}
	if in.ContactPhone != "" && !phoneRe.MatchString(in.ContactPhone) {
		f.Add("contact_phone", "err.phone")
	}
	// Contact details are kept only with consent (a web submission); the
	// coordinator recording a phone call asks for it and ticks it too.
	if (in.ContactName != "" || in.ContactEmail != "" || in.ContactPhone != "") && !in.Consent {
		f.Add("consent", "suggestion.err.consent")
	}
	return f.Err()
}

func checkLen(f apperr.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "err.too_long", "Max", max)
	}
}

// Action is a change of state someone asks for.
type Action string

const (
	ActAccept    Action = "accept"    // the department takes it on
	ActStart     Action = "start"     // work has started
	ActResolve   Action = "resolve"   // solved: what was done (public)
	ActClose     Action = "close"     // closed without fixing: the reason (public)
	ActReject    Action = "reject"    // rejected: the reason and where to turn
	ActRefer     Action = "refer"     // referred to the community / strategic plan
	ActDuplicate Action = "duplicate" // a duplicate of another suggestion
	ActReopen    Action = "reopen"    // the coordinator opens a finished one again
	ActReturn    Action = "return"    // the department sends it back to the coordinator
)

// Actions in the order the UI offers them.
var Actions = []Action{ActAccept, ActStart, ActResolve, ActReturn, ActClose, ActReject, ActRefer, ActDuplicate, ActReopen}

// rule says from which states an action may be taken, what it leads to and
// whether only the coordinator (staff) may take it.
type rule struct {
	from      []State
	to        State
	staffOnly bool
}

var rules = map[Action]rule{
	ActAccept:    {from: []State{StateNew}, to: StateAccepted},
	ActStart:     {from: []State{StateNew, StateAccepted}, to: StateInProgress},
	ActResolve:   {from: []State{StateNew, StateAccepted, StateInProgress}, to: StateResolved},
	ActReturn:    {from: []State{StateNew, StateAccepted, StateInProgress}, to: StateNew},
	ActClose:     {from: []State{StateNew, StateAccepted, StateInProgress}, to: StateClosed, staffOnly: true},
	ActReject:    {from: []State{StateNew, StateAccepted, StateInProgress}, to: StateRejected, staffOnly: true},
	ActRefer:     {from: []State{StateNew, StateAccepted, StateInProgress}, to: StateReferred, staffOnly: true},
	ActDuplicate: {from: []State{StateNew, StateAccepted, StateInProgress}, to: StateDuplicate, staffOnly: true},
	ActReopen:    {from: []State{StateResolved, StateClosed, StateRejected, StateReferred}, to: StateNew, staffOnly: true},
}

// Allowed reports whether action may be taken from state, and where it leads.
func Allowed(from State, a Action) (State, bool) {
	r, ok := rules[a]
	if !ok {
		return "", false
	}
	for _, s := range r.from {
		if s == from {
			return r.to, true
		}
	}
	return "", false
}

// StaffOnly reports whether only the coordinator may take the action.
func StaffOnly(a Action) bool { return rules[a].staffOnly }

// Change is a change of state with what the form says about it.
type Change struct {
	Action       Action
	PublicNote   string // the public answer: what was done, the reason …
	InternalNote string // seen only by the coordinator and the department
	RedirectTo   string // rejected: where to turn instead
	PlanRef      string // referred: the plan and its measure (free text)
	PlanMeasure  int64  // referred: the id of a measure of the community plan (PlanMeasures), 0 none
	DuplicateOf  string // duplicate: the other suggestion's code or number
}

// Validate checks that the action has what it needs.
func (c *Change) Validate() error {
	c.PublicNote = strings.TrimSpace(c.PublicNote)
	c.InternalNote = strings.TrimSpace(c.InternalNote)
	c.RedirectTo = strings.TrimSpace(c.RedirectTo)
	c.PlanRef = strings.TrimSpace(c.PlanRef)
	c.DuplicateOf = strings.TrimSpace(c.DuplicateOf)
	f := apperr.Fields{}
	if _, ok := rules[c.Action]; !ok {
		f.Add("action", "err.choose")
		return f.Err()
	}
	switch c.Action {
	case ActResolve:
		if c.PublicNote == "" {
			f.Add("public_note", "suggestion.err.resolution_required")
		}
	case ActClose:
		if c.PublicNote == "" {
			f.Add("public_note", "suggestion.err.reason_required")
		}
	case ActReject:
		if c.PublicNote == "" {
			f.Add("public_note", "suggestion.err.reason_required")
		}
		if c.RedirectTo == "" {
			f.Add("redirect_to", "suggestion.err.redirect_required")
		}
	case ActRefer:
		if c.PlanRef == "" && c.PlanMeasure <= 0 {
			f.Add("plan_ref", "suggestion.err.plan_required")
		}
	case ActDuplicate:
		if c.DuplicateOf == "" {
			f.Add("duplicate_of", "suggestion.err.duplicate_required")
		}
	case ActReturn:
		if c.InternalNote == "" {
			f.Add("internal_note", "suggestion.err.return_reason")
		}
	}
	checkLen(f, "public_note", c.PublicNote, 5000)
	checkLen(f, "internal_note", c.InternalNote, 5000)
	checkLen(f, "redirect_to", c.RedirectTo, 500)
	checkLen(f, "plan_ref", c.PlanRef, 500)
	return f.Err()
}

// Event kinds of the history.
const (
	EventCreated  = "created"
	EventState    = "state"
	EventRoute    = "route"
	EventNote     = "note"
	EventQuickWin = "quick_win"
	EventMerged   = "merged" // another suggestion was merged into this one
)

// Event is one entry of a suggestion's history. PublicNote shows on the
// citizen's tracking page; InternalNote never does.
type Event struct {
	ID           int64     `json:"id"`
	SuggestionID int64     `json:"suggestion_id"`
	At           time.Time `json:"at"`
	ActorID      *int64    `json:"actor_id"`
	ActorName    string    `json:"actor_name"`
	Kind         string    `json:"kind"`
	FromState    State     `json:"from_state"`
	ToState      State     `json:"to_state"`
	DepartmentID *int64    `json:"department_id"`
	DueDate      Day       `json:"due_date"`
	PublicNote   string    `json:"public_note"`
	InternalNote string    `json:"internal_note"`
}

// Public reports whether the event shows on the public tracking page.
func (e Event) Public() bool {
	switch e.Kind {
	case EventCreated, EventState:
		return true
	case EventNote:
		return e.PublicNote != ""
	}
	return false
}

// TraceStep is one step of the way a suggestion went through the working
// groups: meeting → resolution → task → resolved.
type TraceStep struct {
	Kind  string // TraceMeeting, TraceResolution, TraceTask, TraceDone (others show as they are)
	Label string // what to show
	URL   string // where to read more ("" for none); may be a page for staff only
	// PublicURL is a page anyone may open (a public group's minutes), the
	// only link the public tracking page shows; "" for none.
	PublicURL string
	At        time.Time // when (zero for none)
}

// Kinds of trace steps. The public tracking page shows meetings and
// resolutions only (their URLs must be public pages); tasks and the rest are
// for the desk.
const (
	TraceMeeting    = "meeting"
	TraceResolution = "resolution"
	TraceTask       = "task"
	TraceDone       = "resolved"
)

// PublicStep reports whether a step may show on the public tracking page.
func (t TraceStep) PublicStep() bool { return t.Kind == TraceMeeting || t.Kind == TraceResolution }

// KindKey is the catalog key naming the step's kind, "" for other kinds.
func (t TraceStep) KindKey() string {
	// A kind may carry a variant after a dash ("resolution-draft"); the
	// badge names the kind.
	kind, _, _ := strings.Cut(t.Kind, "-")
	switch kind {
	case TraceMeeting, TraceResolution, TraceTask, TraceDone:
		return "suggestion.trace.kind." + kind
	}
	return ""
}

// Tracer gives the trace of a suggestion through the working groups. The
// groups module (above this one) implements it and sets it with
// Service.SetTracer, so this package never imports it.
type Tracer interface {
	Trace(ctx context.Context, suggestionID int64) ([]TraceStep, error)
}

// Day is a calendar date (a due date) that reads as "YYYY-MM-DD" or null in
// JSON and formats in templates (it has Time).
type Day struct{ store.Date }

// Time returns the day as a time, for the templates' date formatting.
func (d Day) Time() time.Time { return d.Date.Time }

// MarshalJSON writes "YYYY-MM-DD" or null.
func (d Day) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Day) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Day{}
		return nil
	}
	v, err := store.ParseDate(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*d = Day{v}
	return nil
}

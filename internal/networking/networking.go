// Package networking runs the yearly speed-networking event ("rotující
// seznamka") of the providers' frontline workers: the event with its tables
// and rounds, the participants, their wishes (whom they must or want to
// meet and whom not), a schedule of rounds as short as can be proven, and
// the timetables people hold in their hands: a page, a PDF, an .ics, the
// table cards and the moderator's room view.
package networking

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/czech"
)

// Event is one speed-networking event.
type Event struct {
	ID       int64     `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	Place    string    `json:"place"`
	// Tables is how many tables the room has (one pair at each).
	Tables int `json:"tables"`
	// RoundMinutes is how long a round lasts, ChangeMinutes the time to
	// change tables between rounds.
	RoundMinutes  int `json:"round_minutes"`
	ChangeMinutes int `json:"change_minutes"`
	// A break of BreakMinutes comes after every BreakEvery rounds (0: none).
	BreakEvery   int `json:"break_every"`
	BreakMinutes int `json:"break_minutes"`
	// MaxRounds caps the number of rounds (0: as many as the wishes need).
	MaxRounds int `json:"max_rounds"`
	// Quota is the most people one participant may ask to meet.
	Quota int `json:"quota"`
	// Registration opens the public registration form.
	Registration bool       `json:"registration"`
	Note         string     `json:"note"`
	PlannedAt    *time.Time `json:"planned_at"`
	LowerBound   int        `json:"lower_bound"`
	Optimal      bool       `json:"optimal"`
	// FeedbackURL is where participants answer the feedback form.
	FeedbackURL string    `json:"feedback_url"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Owner is the event's key for the feedback form.
func (e *Event) Owner() string { return "networking:" + itoa(e.ID) }

// StartClock is the start time of day in Prague ("13:00").
func (e *Event) StartClock() string { return clock(e.StartsAt) }

// RoundStart is when round r (1-based) starts.
func (e *Event) RoundStart(r int) time.Time {
	m := (r - 1) * (e.RoundMinutes + e.ChangeMinutes)
	if e.BreakEvery > 0 {
		m += (r - 1) / e.BreakEvery * e.BreakMinutes
	}
	return e.StartsAt.Add(time.Duration(m) * time.Minute)
}

// RoundEnd is when round r ends.
func (e *Event) RoundEnd(r int) time.Time {
	return e.RoundStart(r).Add(time.Duration(e.RoundMinutes) * time.Minute)
}

// BreakAfter reports whether a break follows round r (of rounds).
func (e *Event) BreakAfter(r, rounds int) bool {
	return e.BreakEvery > 0 && e.BreakMinutes > 0 && r%e.BreakEvery == 0 && r < rounds
}

// RoundAt is the round running at t (0 before the first, rounds+1 after
// the last); between rounds it is the next one, with between true.
func (e *Event) RoundAt(t time.Time, rounds int) (round int, between bool) {
	if rounds == 0 || t.Before(e.StartsAt) {
		return 0, false
	}
	for r := 1; r <= rounds; r++ {
		if t.Before(e.RoundStart(r)) {
			return r, true
		}
		if t.Before(e.RoundEnd(r)) {
			return r, false
		}
	}
	return rounds + 1, false
}

// HeldRounds is how many rounds have started by t: a re-plan keeps them.
func (e *Event) HeldRounds(t time.Time, rounds int) int {
	n := 0
	for r := 1; r <= rounds; r++ {
		if !t.Before(e.RoundStart(r)) {
			n = r
		}
	}
	return n
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

func checkLen(f apperr.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "err.too_long", "Max", max)
	}
}

// Validate checks an event.
func (e *Event) Validate() error {
	e.Title, e.Place, e.Note = strings.TrimSpace(e.Title), strings.TrimSpace(e.Place), strings.TrimSpace(e.Note)
	f := apperr.Fields{}
	if e.Title == "" {
		f.Add("title", "err.required")
	}
	checkLen(f, "title", e.Title, 200)
	checkLen(f, "place", e.Place, 300)
	checkLen(f, "note", e.Note, 2000)
	if e.StartsAt.IsZero() {
		f.Add("starts_at", "networking.err.starts_at")
	}
	if e.Tables < 1 || e.Tables > 500 {
		f.Add("tables", "networking.err.tables")
	}
	if e.RoundMinutes < 2 || e.RoundMinutes > 120 {
		f.Add("round_minutes", "networking.err.round_minutes")
	}
	if e.ChangeMinutes < 0 || e.ChangeMinutes > 30 {
		f.Add("change_minutes", "networking.err.change_minutes")
	}
	if e.BreakEvery < 0 || e.BreakEvery > 100 {
		f.Add("break_every", "networking.err.break_every")
	}
	if e.BreakMinutes < 0 || e.BreakMinutes > 180 {
		f.Add("break_minutes", "networking.err.break_minutes")
	}
	if e.MaxRounds < 0 || e.MaxRounds > 200 {
		f.Add("max_rounds", "networking.err.max_rounds")
	}
	if e.Quota < 1 || e.Quota > 100 {
		f.Add("quota", "networking.err.quota")
	}
	return f.Err()
}

// Participant statuses.
const (
	StatusRegistered = "registered" // expected
	StatusAbsent     = "absent"     // did not come (a no-show)
	StatusWalkIn     = "walk-in"    // came without registering
)

// Statuses in the order the UI offers them.
var Statuses = []string{StatusRegistered, StatusAbsent, StatusWalkIn}

// Participant is one person taking part in an event. Name, e-mail and phone
// are personal data.
type Participant struct {
	ID       int64  `json:"id"`
	EventID  int64  `json:"event_id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	PersonID *int64 `json:"person_id"`
	// OrganisationID is the organisation in the partner registry; one not
	// there is OrganisationName (a public registration).
	OrganisationID   *int64 `json:"organisation_id"`
	OrganisationName string `json:"organisation_name"`
	// Organisation is the name to show (filled by the service).
	Organisation string `json:"organisation"`
	Service      string `json:"service"`
	// ShareContacts is the consent to give the e-mail and phone to the
	// people met, on their contact sheets.
	ShareContacts bool       `json:"share_contacts"`
	Token         string     `json:"-"`
	Status        string     `json:"status"`
	FromRound     int        `json:"from_round"`
	AnonymisedAt  *time.Time `json:"-"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// PersonalFields of a Participant, masked in the audit log.
var PersonalFields = []string{"name", "email", "phone"}

// OrgKey identifies the participant's organisation for the rule that people
// of one organisation never meet ("" is none).
func (p *Participant) OrgKey() string {
	if p.OrganisationID != nil {
		return "o:" + itoa(*p.OrganisationID)
	}
	if n := czech.Fold(strings.TrimSpace(p.OrganisationName)); n != "" {
		return "n:" + n
	}
	return ""
}

// ServiceKey is the folded service for wishes by service type.
func (p *Participant) ServiceKey() string { return czech.Fold(strings.TrimSpace(p.Service)) }

// Present reports whether the participant takes part in round r.
func (p *Participant) Present() bool { return p.Status != StatusAbsent }

// Validate checks a participant.
func (p *Participant) Validate() error {
	p.Name, p.Email, p.Phone = strings.TrimSpace(p.Name), strings.TrimSpace(p.Email), strings.TrimSpace(p.Phone)
	p.OrganisationName, p.Service = strings.TrimSpace(p.OrganisationName), strings.TrimSpace(p.Service)
	f := apperr.Fields{}
	if p.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", p.Name, 200)
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			f.Add("email", "networking.err.email")
		}
	}
	checkLen(f, "email", p.Email, 200)
	checkLen(f, "phone", p.Phone, 40)
	if p.OrganisationID == nil && p.OrganisationName == "" {
		f.Add("organisation", "networking.err.organisation")
	}
	checkLen(f, "organisation", p.OrganisationName, 200)
	checkLen(f, "service", p.Service, 200)
	if p.Status == "" {
		p.Status = StatusRegistered
	}
	if !slices.Contains(Statuses, p.Status) {
		f.Add("status", "err.choose")
	}
	if p.FromRound < 1 {
		p.FromRound = 1
	}
	return f.Err()
}

// Wish kinds.
const (
	WishMust  = "must"
	WishWant  = "want"
	WishAvoid = "avoid"
)

// WishKinds in the order the UI offers them.
var WishKinds = []string{WishMust, WishWant, WishAvoid}

// Wish is whom a participant must or wants to meet, or avoids: one person,
// anyone of one organisation, or anyone giving one service type.
type Wish struct {
	ID                  int64     `json:"id"`
	EventID             int64     `json:"event_id"`
	ParticipantID       int64     `json:"participant_id"`
	Kind                string    `json:"kind"`
	TargetParticipantID *int64    `json:"target_participant_id"`
	TargetOrganisation  string    `json:"target_organisation"` // an OrgKey
	TargetService       string    `json:"target_service"`      // a ServiceKey
	CreatedAt           time.Time `json:"created_at"`
}

// Slot is a planned meeting of two participants at a table in a round.
type Slot struct {
	Round int    `json:"round"`
	Table int    `json:"table"`
	A     int64  `json:"a"`
	B     int64  `json:"b"`
	Kind  string `json:"kind"`
}

// Unmet is a wished pair left out of the plan, with the reason.
type Unmet struct {
	A, B   int64
	Kind   string
	Reason string
}

// Package workshop runs the workshops of key activity 3 of the seed project:
// non-accredited training for the staff of providers and commissioners, with
// service users and carers of a close person invited too. A workshop has a
// topic, a lecturer, a place (one of the groups' places, with its
// accessibility), time blocks with breaks (net hours), quotas of places per
// audience, registrations with a waiting list whose places are offered for a
// limited time, attendance per block (ticked from the printed sign-in sheet
// or by a code shown at the workshop), feedback through the surveys module,
// certificates of attendance with a public verification page, and the hours
// per person over the year.
//
// The rules of the project: a workshop is published only with at least
// MinNetMinutes of net time and a minimum of MinParticipants set; it counts
// as held when at least its minimum of participants attended.
package workshop

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/web/i18n"
)

var (
	prague  = i18n.Prague
	phoneRe = regexp.MustCompile(`^\+?[0-9 ()/-]{9,20}$`)
)

// The project's rules (seed 001: "minimální délka 6 hodin a min. počet 10
// účastníků na jeden workshop").
const (
	MinNetMinutes   = 6 * 60
	MinParticipants = 10
	// MaxCountedMinutes is how much of a year's "školicí akce" counts towards
	// the further training of social workers (108/2006 Sb. §111: 24 h a year,
	// training events at most 8 h of it).
	MaxCountedMinutes  = 8 * 60
	RequiredYearHours  = 24
	DefaultCertPercent = 75
	DefaultOfferHours  = 24
)

// States of a workshop: draft → published → held | not_held; cancelled.
const (
	StateDraft     = "draft"
	StatePublished = "published"
	StateHeld      = "held"
	StateNotHeld   = "not_held"
	StateCancelled = "cancelled"
)

// Audiences invited, each with its quota of places.
const (
	AudStaff        = "staff"        // providers' staff
	AudCommissioner = "commissioner" // commissioners (municipalities, the region)
	AudUser         = "user"         // users of services
	AudCarer        = "carer"        // people caring for a close person
)

// Audiences in the order the forms list them.
var Audiences = []string{AudStaff, AudCommissioner, AudUser, AudCarer}

// Registration states. An offered place is held for the person until the
// offer expires; cancelled and expired registrations free their place.
const (
	RegConfirmed  = "confirmed"
	RegWaitlisted = "waitlisted"
	RegOffered    = "offered"
	RegCancelled  = "cancelled"
	RegExpired    = "expired"
)

// Attendance methods.
const (
	BySheet = "sheet"
	ByCode  = "code"
)

// Workshop is one workshop.
type Workshop struct {
	ID              int64     `json:"id"`
	Topic           string    `json:"topic"`
	Description     string    `json:"description"`
	LecturerName    string    `json:"lecturer_name"`
	LecturerOrg     string    `json:"lecturer_organisation"`
	LecturerBio     string    `json:"lecturer_bio"`
	PlaceID         *int64    `json:"place_id"`
	Organiser       string    `json:"organiser"`
	MinParticipants int       `json:"min_participants"`
	CertPercent     int       `json:"certificate_percent"`
	OfferHours      int       `json:"offer_hours"`
	State           string    `json:"state"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`

	// Filled by the service where a page needs them.
	Blocks []Block          `json:"blocks,omitempty"`
	Quotas map[string]int   `json:"quotas,omitempty"`
	Counts map[string]int   `json:"-"` // places taken per audience (confirmed + offered)
	Place  *PlaceView       `json:"-"`
	Tally  *AttendanceTally `json:"-"`
	// FeedbackURL is the feedback form's public path, when made.
	FeedbackURL string `json:"-"`
}

// PlaceView is what a workshop shows of its place.
type PlaceView struct {
	Name, Address string
	Features      []string // i18n keys of the groups' catalog
	Note          string
}

// Block is a time block of a workshop; BreakMinutes are the breaks inside it.
type Block struct {
	ID           int64     `json:"id"`
	WorkshopID   int64     `json:"-"`
	Title        string    `json:"title"`
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"`
	BreakMinutes int       `json:"break_minutes"`
	Code         string    `json:"-"`
}

// NetMinutes is the block's length without its breaks.
func (b Block) NetMinutes() int {
	m := int(b.EndsAt.Sub(b.StartsAt).Minutes()) - b.BreakMinutes
	return max(m, 0)
}

// Start and End are in Prague time, for display.
func (b Block) Start() time.Time { return b.StartsAt.In(prague) }
func (b Block) End() time.Time   { return b.EndsAt.In(prague) }

// Clock is "9:00–12:30".
func (b Block) Clock() string {
	return b.Start().Format("15:04") + "–" + b.End().Format("15:04")
}

// NetMinutes sums the net time of blocks.
func NetMinutes(bs []Block) int {
	n := 0
	for _, b := range bs {
		n += b.NetMinutes()
	}
	return n
}

// Hours formats minutes as hours the Czech way: "6 h", "6,5 h", "7 h 20 min".
func Hours(minutes int) string {
	h, m := minutes/60, minutes%60
	switch m {
	case 0:
		return fmt.Sprintf("%d h", h)
	case 30:
		return fmt.Sprintf("%d,5 h", h)
	}
	if h == 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// Net is the workshop's net time (Blocks must be loaded).
func (w Workshop) Net() int { return NetMinutes(w.Blocks) }

// NetText is Net formatted.
func (w Workshop) NetText() string { return Hours(w.Net()) }

// Capacity is the sum of the quotas.
func (w Workshop) Capacity() int {
	n := 0
	for _, q := range w.Quotas {
		n += q
	}
	return n
}

// Free is how many places of an audience are still free.
func (w Workshop) Free(aud string) int { return max(w.Quotas[aud]-w.Counts[aud], 0) }

// FreeTotal is the free places of all audiences.
func (w Workshop) FreeTotal() int {
	n := 0
	for _, a := range Audiences {
		n += w.Free(a)
	}
	return n
}

// First and Last are the first block's start and the last block's end
// (zero without blocks).
func (w Workshop) First() time.Time {
	if len(w.Blocks) == 0 {
		return time.Time{}
	}
	return w.Blocks[0].StartsAt
}

func (w Workshop) Last() time.Time {
	var t time.Time
	for _, b := range w.Blocks {
		if b.EndsAt.After(t) {
			t = b.EndsAt
		}
	}
	return t
}

// Open says whether registrations are taken at now: published, with places
// set and before the first block.
func (w Workshop) Open(now time.Time) bool {
	return w.State == StatePublished && w.Capacity() > 0 && len(w.Blocks) > 0 && now.Before(w.First())
}

// Finished says whether the last block has ended.
func (w Workshop) Finished(now time.Time) bool {
	return len(w.Blocks) > 0 && !now.Before(w.Last())
}

// Public says whether the public may see the workshop.
func (w Workshop) Public() bool { return w.State != StateDraft }

// Registration is a person signed up for a workshop.
type Registration struct {
	ID             int64      `json:"id"`
	WorkshopID     int64      `json:"workshop_id"`
	UserID         *int64     `json:"user_id"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	Phone          string     `json:"phone"`
	Organisation   string     `json:"organisation"`
	Role           string     `json:"role"`
	Audience       string     `json:"audience"`
	Needs          string     `json:"needs"`
	Assistant      bool       `json:"assistant"`
	State          string     `json:"state"`
	Position       int        `json:"position"`
	OfferExpiresAt *time.Time `json:"offer_expires_at"`
	Token          string     `json:"-"`
	PersonKey      string     `json:"-"`
	AnonymisedAt   *time.Time `json:"anonymised_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// RegistrationPersonal are the fields the audit log masks.
var RegistrationPersonal = []string{"name", "email", "phone", "organisation", "role", "needs"}

// Holds says whether the registration holds a place (or, for an assistant, comes).
func (r Registration) Holds() bool { return r.State == RegConfirmed || r.State == RegOffered }

// Certificate is an issued certificate of attendance.
type Certificate struct {
	ID             int64     `json:"id"`
	Number         string    `json:"number"`
	Code           string    `json:"-"`
	WorkshopID     int64     `json:"workshop_id"`
	RegistrationID int64     `json:"registration_id"`
	Holder         string    `json:"holder"`
	Minutes        int       `json:"minutes"`
	IssuedAt       time.Time `json:"issued_at"`
}

// ---------- validation

func trim(ss ...*string) {
	for _, s := range ss {
		*s = strings.TrimSpace(*s)
	}
}

func checkLen(f apperr.Fields, field, v string, max int) {
	if len([]rune(v)) > max {
		f.Add(field, "err.too_long", "Max", max)
	}
}

// Validate checks a workshop's own fields (the publishing rules are checked
// by Publish, since they need the blocks).
func (w *Workshop) Validate() error {
	f := apperr.Fields{}
	trim(&w.Topic, &w.Description, &w.LecturerName, &w.LecturerOrg, &w.LecturerBio, &w.Organiser)
	if w.Topic == "" {
		f.Add("topic", "err.required")
	}
	checkLen(f, "topic", w.Topic, 200)
	checkLen(f, "description", w.Description, 5000)
	checkLen(f, "lecturer_name", w.LecturerName, 120)
	checkLen(f, "lecturer_org", w.LecturerOrg, 200)
	checkLen(f, "lecturer_bio", w.LecturerBio, 2000)
	checkLen(f, "organiser", w.Organiser, 200)
	if w.MinParticipants < 0 || w.MinParticipants > 1000 {
		f.Add("min_participants", "workshop.err.range", "Min", 0, "Max", 1000)
	}
	if w.CertPercent < 1 || w.CertPercent > 100 {
		f.Add("cert_percent", "workshop.err.range", "Min", 1, "Max", 100)
	}
	if w.OfferHours < 1 || w.OfferHours > 14*24 {
		f.Add("offer_hours", "workshop.err.range", "Min", 1, "Max", 14*24)
	}
	for a, n := range w.Quotas {
		if !slices.Contains(Audiences, a) {
			f.Add("quota_"+a, "err.choose")
		}
		if n < 0 || n > 500 {
			f.Add("quota_"+a, "workshop.err.range", "Min", 0, "Max", 500)
		}
	}
	return f.Err()
}

// Validate checks a block.
func (b *Block) Validate() error {
	f := apperr.Fields{}
	trim(&b.Title)
	checkLen(f, "block_title", b.Title, 200)
	if b.StartsAt.IsZero() {
		f.Add("block_start", "err.required")
	}
	if b.EndsAt.IsZero() {
		f.Add("block_end", "err.required")
	}
	if !b.StartsAt.IsZero() && !b.EndsAt.IsZero() {
		if !b.EndsAt.After(b.StartsAt) {
			f.Add("block_end", "workshop.err.end_before_start")
		} else if b.EndsAt.Sub(b.StartsAt) > 12*time.Hour {
			f.Add("block_end", "workshop.err.block_too_long")
		}
	}
	if b.BreakMinutes < 0 || (!b.EndsAt.IsZero() && b.BreakMinutes >= int(b.EndsAt.Sub(b.StartsAt).Minutes()) && b.EndsAt.After(b.StartsAt)) {
		f.Add("block_break", "workshop.err.break")
	}
	return f.Err()
}

// Validate checks a registration.
func (r *Registration) Validate() error {
	f := apperr.Fields{}
	trim(&r.Name, &r.Email, &r.Phone, &r.Organisation, &r.Role, &r.Needs)
	if r.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", r.Name, 120)
	if r.Email == "" && r.Phone == "" {
		f.Add("email", "workshop.err.contact_needed")
	} else if r.Email != "" {
		if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email || !strings.Contains(r.Email, ".") {
			f.Add("email", "err.email")
		}
	}
	if r.Phone != "" && !phoneRe.MatchString(r.Phone) {
		f.Add("phone", "err.phone")
	}
	checkLen(f, "email", r.Email, 200)
	checkLen(f, "organisation", r.Organisation, 200)
	checkLen(f, "role", r.Role, 120)
	checkLen(f, "needs", r.Needs, 1000)
	if !slices.Contains(Audiences, r.Audience) {
		f.Add("audience", "err.choose")
	}
	return f.Err()
}

// NetText is the block's net time formatted.
func (b Block) NetText() string { return Hours(b.NetMinutes()) }

// HoursText is the certificate's hours formatted.
func (c Certificate) HoursText() string { return Hours(c.Minutes) }

// HoursText and CountedText format a ledger row's times.
func (l LedgerRow) HoursText() string   { return Hours(l.Minutes) }
func (l LedgerRow) CountedText() string { return Hours(l.Counted) }

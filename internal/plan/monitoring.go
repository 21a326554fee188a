package plan

import (
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/store"
)

// ProviderService is a service a provider reports on in the monitoring
// rounds. Seam: the catalogue module may later own the services of the
// region; this table then becomes a mirror of it (see docs/plan.md).
type ProviderService struct {
	ID             int64  `json:"id"`
	OrganisationID int64  `json:"organisation_id"`
	Name           string `json:"name"`
	ServiceType    string `json:"service_type"` // e.g. "pečovatelská služba (§ 40)"
	TargetGroupID  *int64 `json:"target_group_id"`
	CapacityUnit   string `json:"capacity_unit"` // klientů, lůžek …
	// MunicipalityID is where the service is provided (the network map
	// places it at the municipality's centre); nil when not given.
	MunicipalityID *int64    `json:"municipality_id"`
	Archived       bool      `json:"archived"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Validate checks a provider service.
func (s *ProviderService) Validate() error {
	f := apperr.Fields{}
	trim(&s.Name, &s.ServiceType, &s.CapacityUnit)
	required(f, "name", s.Name)
	checkLen(f, "name", s.Name, 200)
	checkLen(f, "service_type", s.ServiceType, 200)
	checkLen(f, "capacity_unit", s.CapacityUnit, 40)
	if s.OrganisationID == 0 {
		f.Add("organisation_id", "err.choose")
	}
	return f.Err()
}

// Round states.
const (
	RoundOpen   = "open"
	RoundClosed = "closed"
)

// Round (monitorovací kolo) collects the providers' reports on one year.
type Round struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Year      int       `json:"year"`
	Deadline  JSONDate  `json:"deadline"`
	State     string    `json:"state"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// JSONDate is a calendar date that the API writes as "YYYY-MM-DD" (the
// store's Date would marshal as a time.Time).
type JSONDate struct{ store.Date }

// MakeDate returns the date y-m-d.
func MakeDate(y int, m time.Month, d int) JSONDate { return JSONDate{store.NewDate(y, m, d)} }

// MarshalJSON writes the date as "YYYY-MM-DD" (null when zero).
func (d JSONDate) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.Format(time.DateOnly) + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *JSONDate) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*d = JSONDate{}
		return nil
	}
	v, err := store.ParseDate(s)
	if err != nil {
		return err
	}
	*d = JSONDate{v}
	return nil
}

// Validate checks a round.
func (r *Round) Validate() error {
	f := apperr.Fields{}
	trim(&r.Name, &r.Note)
	if r.Year < 2000 || r.Year > 2100 {
		f.Add("year", "plan.err.year")
	}
	if r.Name == "" {
		r.Name = strconv.Itoa(r.Year)
	}
	checkLen(f, "name", r.Name, 120)
	if r.Deadline.IsZero() {
		f.Add("deadline", "plan.err.date")
	}
	checkLen(f, "note", r.Note, 2000)
	return f.Err()
}

// Report states.
const (
	ReportDraft     = "draft"     // being filled (pre-filled from the last round)
	ReportSubmitted = "submitted" // sent and frozen
	ReportReturned  = "returned"  // returned by the coordinator for correction
)

// Staff professions of a report, in the order of the form.
var Professions = []string{"social_worker", "care_worker", "health", "other"}

// Income sources of a report, in the order of the form.
var IncomeSources = []string{"state", "region", "municipalities", "users", "insurance", "eu", "other"}

// ReportData are the figures a provider reports on one service for a year.
type ReportData struct {
	Capacity int64              `json:"capacity"`
	Clients  int64              `json:"clients"`
	Contacts int64              `json:"contacts"`
	Refused  int64              `json:"refused"` // refused for lack of capacity
	Waiting  int64              `json:"waiting"` // waiting list at the end of the period
	Staff    map[string]float64 `json:"staff"`   // FTE by profession
	Costs    int64              `json:"costs"`
	Income   map[string]int64   `json:"income"`     // CZK by source
	Values   map[string]float64 `json:"indicators"` // indicator id → value
	Comment  string             `json:"comment"`    // what is missing in the region
}

// FTE is the total staff.
func (d ReportData) FTE() float64 {
	var n float64
	for _, v := range d.Staff {
		n += v
	}
	return n
}

// IncomeTotal sums the income.
func (d ReportData) IncomeTotal() int64 {
	var n int64
	for _, v := range d.Income {
		n += v
	}
	return n
}

// Utilisation is clients per capacity in percent (0 without capacity).
func (d ReportData) Utilisation() float64 {
	if d.Capacity <= 0 {
		return 0
	}
	return float64(d.Clients) * 100 / float64(d.Capacity)
}

// Metrics are the report figures a computed indicator can sum.
var Metrics = []string{"capacity", "clients", "contacts", "refused", "waiting", "fte", "costs", "income"}

func validMetric(m string) bool { return contains(Metrics, m) }

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Metric returns the figure named m.
func (d ReportData) Metric(m string) float64 {
	switch m {
	case "capacity":
		return float64(d.Capacity)
	case "clients":
		return float64(d.Clients)
	case "contacts":
		return float64(d.Contacts)
	case "refused":
		return float64(d.Refused)
	case "waiting":
		return float64(d.Waiting)
	case "fte":
		return d.FTE()
	case "costs":
		return float64(d.Costs)
	case "income":
		return float64(d.IncomeTotal())
	}
	return 0
}

// Validate checks the figures.
func (d *ReportData) Validate() error {
	f := apperr.Fields{}
	d.Comment = strings.TrimSpace(d.Comment)
	for name, v := range map[string]int64{"capacity": d.Capacity, "clients": d.Clients, "contacts": d.Contacts, "refused": d.Refused, "waiting": d.Waiting, "costs": d.Costs} {
		if v < 0 || v > 100_000_000_000 {
			f.Add(name, "plan.err.non_negative")
		}
	}
	for k, v := range d.Staff {
		if !contains(Professions, k) {
			f.Add("staff_"+k, "plan.err.unknown_item")
		} else if v < 0 || v > 10000 {
			f.Add("staff_"+k, "plan.err.non_negative")
		}
	}
	for k, v := range d.Income {
		if !contains(IncomeSources, k) {
			f.Add("income_"+k, "plan.err.unknown_item")
		} else if v < 0 {
			f.Add("income_"+k, "plan.err.non_negative")
		}
	}
	checkLen(f, "comment", d.Comment, 5000)
	return f.Err()
}

// Report is one provider service's report in a round.
type Report struct {
	ID             int64      `json:"id"`
	RoundID        int64      `json:"round_id"`
	ServiceID      int64      `json:"service_id"`
	OrganisationID int64      `json:"organisation_id"`
	State          string     `json:"state"`
	Version        int        `json:"version"`
	Data           ReportData `json:"data"`
	Prefilled      bool       `json:"prefilled"`
	Unchanged      bool       `json:"unchanged"`
	ReturnComment  string     `json:"return_comment"`
	SubmittedAt    *time.Time `json:"submitted_at"`
	SubmittedBy    string     `json:"submitted_by"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// Filled by the listing queries for display.
	ServiceName string `json:"service_name"`
}

// Editable reports whether the provider may still change the report.
func (r Report) Editable() bool { return r.State != ReportSubmitted }

// Late reports whether the report was (or still is) late against deadline.
func (r Report) Late(deadline store.Date, now time.Time) bool {
	end := deadline.AddDate(0, 0, 1) // the whole deadline day counts
	if r.SubmittedAt != nil && r.State == ReportSubmitted {
		return r.SubmittedAt.After(end)
	}
	return now.After(end)
}

// ReportVersion is a frozen submission.
type ReportVersion struct {
	Version     int        `json:"version"`
	Data        ReportData `json:"data"`
	Unchanged   bool       `json:"unchanged"`
	SubmittedAt time.Time  `json:"submitted_at"`
	SubmittedBy string     `json:"submitted_by"`
}

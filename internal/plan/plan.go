// Package plan is the community plan of social services and its monitoring
// and evaluation: plan periods with priorities and measures (opatření),
// indicators, plan updates kept as versions with a readable diff, monitoring
// rounds in which providers report on their services (pre-filled from the
// previous round, frozen when sent), early warning of instability, the voice
// of users and municipalities, the yearly evaluation of every measure and the
// generated plan and evaluation documents.
package plan

import (
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
)

// Period is a medium-term plan period, e.g. 2026–2028. One is current; the
// others are kept read-only.
type Period struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	YearFrom  int       `json:"year_from"`
	YearTo    int       `json:"year_to"`
	Current   bool      `json:"current"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Years lists the years of the period.
func (p Period) Years() []int {
	var out []int
	for y := p.YearFrom; y <= p.YearTo; y++ {
		out = append(out, y)
	}
	return out
}

// Priority groups measures: for a target group, or cross-cutting (no group).
type Priority struct {
	ID            int64     `json:"id"`
	PeriodID      int64     `json:"period_id"`
	TargetGroupID *int64    `json:"target_group_id"`
	Code          string    `json:"code"`
	Title         string    `json:"title"`
	Description   string    `json:"description"`
	SortOrder     int       `json:"sort_order"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Measures      []Measure `json:"measures,omitempty"`
}

// Measure kinds.
const (
	KindKeep     = "keep"     // keep an existing service
	KindDevelop  = "develop"  // develop a service
	KindNew      = "new"      // a new service
	KindSystemic = "systemic" // a systemic measure
)

// MeasureKinds in the order the UI offers them.
var MeasureKinds = []string{KindKeep, KindDevelop, KindNew, KindSystemic}

// Cost is the estimated cost of a measure in one year, with its funding.
type Cost struct {
	Year   int    `json:"year"`
	Amount int64  `json:"amount"` // CZK
	Source string `json:"source"`
}

// Measure (opatření) is what the plan will do.
type Measure struct {
	ID          int64  `json:"id"`
	PeriodID    int64  `json:"period_id"`
	PriorityID  int64  `json:"priority_id"`
	Code        string `json:"code"`
	Title       string `json:"title"`
	Kind        string `json:"kind"`
	Description string `json:"description"`
	Activities  string `json:"activities"`
	// ResponsibleIDs and PartnerIDs are organisations of the partners registry.
	ResponsibleIDs []int64 `json:"responsible_ids"`
	PartnerIDs     []int64 `json:"partner_ids"`
	Timeframe      string  `json:"timeframe"`
	Costs          []Cost  `json:"costs"`
	// Services is the free-text list of the services concerned; ServiceIDs
	// link the provider services whose reports feed computed indicators.
	// Seam: when the catalogue module exists, ServiceIDs name its services.
	Services   []string    `json:"services"`
	ServiceIDs []int64     `json:"service_ids"`
	Dropped    bool        `json:"dropped"`
	Indicators []Indicator `json:"indicators"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// TotalCost sums the yearly costs.
func (m Measure) TotalCost() int64 {
	var n int64
	for _, c := range m.Costs {
		n += c.Amount
	}
	return n
}

// Indicator methods: how the value of a year is obtained.
const (
	MethodManual   = "manual"   // typed or imported (CSV)
	MethodComputed = "computed" // summed from the round's reports of the measure's services
	MethodReported = "reported" // reported by the provider of one service in its report
)

// Methods in the order the UI offers them.
var Methods = []string{MethodManual, MethodComputed, MethodReported}

// Indicator (ukazatel) measures a measure.
type Indicator struct {
	ID        int64    `json:"id"`
	MeasureID int64    `json:"measure_id"`
	Name      string   `json:"name"`
	Unit      string   `json:"unit"`
	Baseline  *float64 `json:"baseline"`
	Target    *float64 `json:"target"`
	Source    string   `json:"source"`
	Method    string   `json:"method"`
	// Metric is the report figure a computed indicator sums (see Metrics).
	Metric    string    `json:"metric"`
	ServiceID *int64    `json:"service_id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

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

func required(f apperr.Fields, field, v string) {
	if v == "" {
		f.Add(field, "err.required")
	}
}

// Validate checks a period.
func (p *Period) Validate() error {
	f := apperr.Fields{}
	trim(&p.Name, &p.Note)
	if p.YearFrom < 2000 || p.YearFrom > 2100 {
		f.Add("year_from", "plan.err.year")
	}
	if p.YearTo < p.YearFrom || p.YearTo > p.YearFrom+10 {
		f.Add("year_to", "plan.err.year_to")
	}
	if p.Name == "" && f.Err() == nil {
		p.Name = yearsName(p.YearFrom, p.YearTo)
	}
	checkLen(f, "name", p.Name, 120)
	checkLen(f, "note", p.Note, 5000)
	return f.Err()
}

func yearsName(a, b int) string {
	if a == b {
		return itoa(int64(a))
	}
	return itoa(int64(a)) + "–" + itoa(int64(b))
}

// Validate checks a priority.
func (p *Priority) Validate() error {
	f := apperr.Fields{}
	trim(&p.Code, &p.Title, &p.Description)
	p.Code = strings.ToUpper(p.Code)
	required(f, "code", p.Code)
	checkLen(f, "code", p.Code, 20)
	required(f, "title", p.Title)
	checkLen(f, "title", p.Title, 300)
	checkLen(f, "description", p.Description, 5000)
	return f.Err()
}

// Validate checks a measure against its period's years.
func (m *Measure) Validate(per Period) error {
	f := apperr.Fields{}
	trim(&m.Code, &m.Title, &m.Description, &m.Activities, &m.Timeframe)
	m.Code = strings.ToUpper(m.Code)
	required(f, "code", m.Code)
	checkLen(f, "code", m.Code, 20)
	required(f, "title", m.Title)
	checkLen(f, "title", m.Title, 300)
	ok := false
	for _, k := range MeasureKinds {
		ok = ok || k == m.Kind
	}
	if !ok {
		f.Add("kind", "err.choose")
	}
	if m.PriorityID == 0 {
		f.Add("priority_id", "err.choose")
	}
	checkLen(f, "description", m.Description, 10000)
	checkLen(f, "activities", m.Activities, 10000)
	checkLen(f, "timeframe", m.Timeframe, 100)
	var services []string
	for _, s := range m.Services {
		if s = strings.TrimSpace(s); s != "" {
			services = append(services, s)
			checkLen(f, "services", s, 200)
		}
	}
	m.Services = services
	var costs []Cost
	for _, c := range m.Costs {
		c.Source = strings.TrimSpace(c.Source)
		if c.Amount == 0 && c.Source == "" {
			continue
		}
		name := "cost_" + itoa(int64(c.Year))
		if c.Year < per.YearFrom || c.Year > per.YearTo {
			f.Add(name, "plan.err.cost_year")
		}
		if c.Amount < 0 || c.Amount > 10_000_000_000 {
			f.Add(name, "plan.err.amount")
		}
		checkLen(f, "source_"+itoa(int64(c.Year)), c.Source, 300)
		costs = append(costs, c)
	}
	m.Costs = costs
	return f.Err()
}

// Validate checks an indicator.
func (i *Indicator) Validate() error {
	f := apperr.Fields{}
	trim(&i.Name, &i.Unit, &i.Source, &i.Metric)
	required(f, "name", i.Name)
	checkLen(f, "name", i.Name, 300)
	checkLen(f, "unit", i.Unit, 40)
	checkLen(f, "source", i.Source, 300)
	switch i.Method {
	case MethodManual:
		i.Metric, i.ServiceID = "", nil
	case MethodComputed:
		if !validMetric(i.Metric) {
			f.Add("metric", "err.choose")
		}
		i.ServiceID = nil
	case MethodReported:
		i.Metric = ""
		if i.ServiceID == nil {
			f.Add("service_id", "err.choose")
		}
	default:
		f.Add("method", "err.choose")
	}
	return f.Err()
}

// Package grant runs the yearly grant round decided by expert evaluation: a
// call (výzva) with weighted criteria, applications of providers split by
// their catalogue services with budget tables, blind evaluations with
// conflict-of-interest declarations, a third evaluator on disagreement, the
// ranking, the allocation within the budget, the council's decision and the
// settlement (vyúčtování).
package grant

import (
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/store"
)

// Rules of the third evaluator's score.
const (
	ThirdReplaceFurther = "replace_further" // the third replaces the first two's score further from it
	ThirdMedian         = "median"          // the median of the three
	ThirdClosestMean    = "closest_mean"    // the mean of the two closest
)

// ThirdRules lists the rules in the order the form offers them.
var ThirdRules = []string{ThirdReplaceFurther, ThirdMedian, ThirdClosestMean}

// Allocation methods.
const (
	AllocGreedy       = "greedy"         // down the ranking, skipping what does not fit
	AllocFullMinScore = "full_min_score" // full adjusted requests down to the minimum score, the last one partly
	AllocProportional = "proportional"   // proportional to score × adjusted request, capped
)

// AllocMethods lists the methods in the order the form offers them.
var AllocMethods = []string{AllocGreedy, AllocFullMinScore, AllocProportional}

// Phases of a call, from its dates and decision.
const (
	PhaseDraft      = "draft"      // not published yet
	PhasePublished  = "published"  // published, applications not yet accepted
	PhaseOpen       = "open"       // accepting applications
	PhaseEvaluation = "evaluation" // closed, being evaluated
	PhaseDecided    = "decided"    // the council decided
)

// Call is a yearly call for applications (výzva).
type Call struct {
	ID                int64       `json:"id"`
	Year              int         `json:"year"`
	Title             string      `json:"title"`
	Description       string      `json:"description"`
	Budget            CZK         `json:"budget"`
	MaxRequest        CZK         `json:"max_request"`
	ScaleMax          int         `json:"scale_max"`
	EligibleTypes     []string    `json:"eligible_types"`
	MeasureIDs        []int64     `json:"measure_ids"`
	FormalChecks      []string    `json:"formal_checks"`
	PublishedOn       store.Date  `json:"published_on"`
	ApplyFrom         store.Date  `json:"apply_from"`
	ApplyUntil        store.Date  `json:"apply_until"`
	EvaluateUntil     store.Date  `json:"evaluate_until"`
	DecideOn          store.Date  `json:"decide_on"`
	SettleUntil       store.Date  `json:"settle_until"`
	DisagreePct       int         `json:"disagree_pct"`
	DisagreeRecommend bool        `json:"disagree_recommend"`
	DisagreePoints    int         `json:"disagree_points"`
	ThirdRule         string      `json:"third_rule"`
	AllocMethod       string      `json:"alloc_method"`
	MinScore          float64     `json:"min_score"`
	CapPct            int         `json:"cap_pct"`
	DecisionNumber    string      `json:"decision_number"`
	DecisionBody      string      `json:"decision_body"`
	DecisionDate      store.Date  `json:"decision_date"`
	CopiedFrom        *int64      `json:"copied_from"`
	Criteria          []Criterion `json:"criteria"`
	CreatedAt         time.Time   `json:"created_at"`
	UpdatedAt         time.Time   `json:"updated_at"`
}

// Criterion is one weighted criterion of a call; Levels word each score
// from 0 to the call's ScaleMax.
type Criterion struct {
	ID          int64    `json:"id"`
	Position    int      `json:"position"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Weight      int      `json:"weight"`
	Levels      []string `json:"levels"`
}

// Phase is where the call is on day (a date in Prague).
func (c *Call) Phase(day store.Date) string {
	switch {
	case !c.DecisionDate.IsZero():
		return PhaseDecided
	case !c.PublishedOn.IsZero() && day.Before(c.PublishedOn.Time):
		return PhaseDraft
	case c.PublishedOn.IsZero() && day.Before(c.ApplyFrom.Time):
		return PhaseDraft
	case day.Before(c.ApplyFrom.Time):
		return PhasePublished
	case !day.After(c.ApplyUntil.Time):
		return PhaseOpen
	}
	return PhaseEvaluation
}

// Public reports whether the public sees the call on day.
func (c *Call) Public(day store.Date) bool { return c.Phase(day) != PhaseDraft }

// Eligible reports whether the catalogue type code may get money.
func (c *Call) Eligible(typeCode string) bool { return slices.Contains(c.EligibleTypes, typeCode) }

// WeightSum is the sum of the criteria's weights (must be 100).
func (c *Call) WeightSum() int {
	n := 0
	for _, cr := range c.Criteria {
		n += cr.Weight
	}
	return n
}

func checkLen(f apperr.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "err.too_long", "Max", max)
	}
}

// CriterionField names the form fields of criterion i of the call form.
func CriterionField(i int, part string) string { return "c" + strconv.Itoa(i) + "_" + part }

// Validate checks a call: the weights sum to 100, each criterion words every
// score level, the dates follow each other, the amounts make sense.
func (c *Call) Validate() error {
	f := apperr.Fields{}
	c.Title = strings.TrimSpace(c.Title)
	if c.Title == "" {
		f.Add("title", "grant.err.title")
	}
	checkLen(f, "title", c.Title, 200)
	checkLen(f, "description", c.Description, 10000)
	if c.Year < 2000 || c.Year > 2100 {
		f.Add("year", "grant.err.year")
	}
	if c.Budget <= 0 {
		f.Add("budget", "grant.err.budget")
	}
	if c.MaxRequest <= 0 {
		f.Add("max_request", "grant.err.max_request")
	} else if c.Budget > 0 && c.MaxRequest > c.Budget {
		f.Add("max_request", "grant.err.max_over_budget")
	}
	if c.ScaleMax != 5 && c.ScaleMax != 10 {
		f.Add("scale_max", "grant.err.scale")
	}
	if len(c.EligibleTypes) == 0 {
		f.Add("eligible_types", "grant.err.eligible_types")
	}
	if c.ApplyFrom.IsZero() {
		f.Add("apply_from", "grant.err.date_required")
	}
	if c.ApplyUntil.IsZero() {
		f.Add("apply_until", "grant.err.date_required")
	}
	if !c.ApplyFrom.IsZero() && !c.ApplyUntil.IsZero() && c.ApplyUntil.Before(c.ApplyFrom.Time) {
		f.Add("apply_until", "grant.err.until_before_from")
	}
	if !c.PublishedOn.IsZero() && !c.ApplyFrom.IsZero() && c.ApplyFrom.Before(c.PublishedOn.Time) {
		f.Add("apply_from", "grant.err.from_before_published")
	}
	if !c.EvaluateUntil.IsZero() && !c.ApplyUntil.IsZero() && c.EvaluateUntil.Before(c.ApplyUntil.Time) {
		f.Add("evaluate_until", "grant.err.evaluate_before_until")
	}
	if !c.DecideOn.IsZero() && !c.ApplyUntil.IsZero() && c.DecideOn.Before(c.ApplyUntil.Time) {
		f.Add("decide_on", "grant.err.decide_before_until")
	}
	if c.DisagreePct < 0 || c.DisagreePct > 100 {
		f.Add("disagree_pct", "grant.err.percent")
	}
	if c.DisagreePoints < 0 || c.DisagreePoints > c.ScaleMax {
		f.Add("disagree_points", "grant.err.points", "Max", c.ScaleMax)
	}
	if !slices.Contains(ThirdRules, c.ThirdRule) {
		f.Add("third_rule", "grant.err.choose")
	}
	if !slices.Contains(AllocMethods, c.AllocMethod) {
		f.Add("alloc_method", "grant.err.choose")
	}
	if c.MinScore < 0 || c.MinScore > 100 {
		f.Add("min_score", "grant.err.percent")
	}
	if c.CapPct <= 0 || c.CapPct > 100 {
		f.Add("cap_pct", "grant.err.cap")
	}
	for i := range c.FormalChecks {
		c.FormalChecks[i] = strings.TrimSpace(c.FormalChecks[i])
	}
	c.FormalChecks = slices.DeleteFunc(c.FormalChecks, func(s string) bool { return s == "" })
	if len(c.Criteria) == 0 {
		f.Add("criteria", "grant.err.no_criteria")
	}
	for i := range c.Criteria {
		cr := &c.Criteria[i]
		cr.Name = strings.TrimSpace(cr.Name)
		cr.Position = i + 1
		if cr.Name == "" {
			f.Add(CriterionField(i, "name"), "grant.err.criterion_name")
		}
		checkLen(f, CriterionField(i, "name"), cr.Name, 200)
		if cr.Weight <= 0 || cr.Weight > 100 {
			f.Add(CriterionField(i, "weight"), "grant.err.weight")
		}
		for j := range cr.Levels {
			cr.Levels[j] = strings.TrimSpace(cr.Levels[j])
		}
		for len(cr.Levels) > 0 && cr.Levels[len(cr.Levels)-1] == "" {
			cr.Levels = cr.Levels[:len(cr.Levels)-1]
		}
		if len(cr.Levels) != c.ScaleMax+1 || slices.Contains(cr.Levels, "") {
			f.Add(CriterionField(i, "levels"), "grant.err.levels", "N", c.ScaleMax+1, "Max", c.ScaleMax)
		}
	}
	if len(c.Criteria) > 0 {
		if sum := c.WeightSum(); sum != 100 {
			f.Add("criteria", "grant.err.weights_sum", "Sum", sum)
		}
	}
	return f.Err()
}

// Application states.
const (
	StateDraft     = "draft"
	StateSubmitted = "submitted"
	StateReturned  = "returned" // returned for completion by the formal check
	StatePassed    = "passed"   // passed the formal check: evaluated
	StateExcluded  = "excluded"
)

// States lists the application states in order.
var States = []string{StateDraft, StateSubmitted, StateReturned, StatePassed, StateExcluded}

// Budget line kinds, in the order of the table.
var LineKinds = []string{"staff", "material", "energy", "services", "travel", "other"}

// Application is a provider's application to a call.
type Application struct {
	ID             int64            `json:"id"`
	CallID         int64            `json:"call_id"`
	OrganisationID int64            `json:"organisation_id"`
	State          string           `json:"state"`
	ContactName    string           `json:"contact_name"`
	ContactEmail   string           `json:"contact_email"`
	ContactPhone   string           `json:"contact_phone"`
	SubmittedAt    *time.Time       `json:"submitted_at"`
	ChecksDone     []string         `json:"checks_done"`
	CheckNote      string           `json:"check_note"`
	FixUntil       store.Date       `json:"fix_until"`
	ReopenUntil    store.Date       `json:"reopen_until"`
	ReopenReason   string           `json:"reopen_reason"`
	Proposed       *CZK             `json:"proposed"`
	Amount         *CZK             `json:"amount"`
	AmountReason   string           `json:"amount_reason"`
	Decided        *CZK             `json:"decided"`
	Services       []AppService     `json:"services"`
	Narratives     map[int64]string `json:"narratives"`
	Attachments    []Attachment     `json:"attachments"`
	AnonymisedAt   *time.Time       `json:"-"`
	CreatedAt      time.Time        `json:"created_at"`
	UpdatedAt      time.Time        `json:"updated_at"`

	// Filled for display.
	Organisation string `json:"organisation"`
	ICO          string `json:"ico"`
}

// PersonalFields are the Application fields the audit log masks.
var PersonalFields = []string{"contact_name", "contact_email", "contact_phone"}

// AppService is one catalogue service of an application with its budget.
type AppService struct {
	ID          int64        `json:"id"`
	ServiceID   int64        `json:"service_id"`
	ServiceName string       `json:"service_name"`
	TypeCode    string       `json:"type_code"`
	RegistryID  string       `json:"registry_id"`
	Requested   CZK          `json:"requested"`
	Note        string       `json:"note"`
	Lines       []BudgetLine `json:"lines"`
}

// BudgetLine is one row of a service's budget table.
type BudgetLine struct {
	ID           int64  `json:"id"`
	Kind         string `json:"kind"`
	TotalCost    CZK    `json:"total_cost"`
	OtherSources CZK    `json:"other_sources"`
	Requested    CZK    `json:"requested"`
	Actual       *CZK   `json:"actual,omitempty"`
}

// Attachment is a PDF attached to an application.
type Attachment struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Size      int64     `json:"size"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxAttachment is the largest attachment accepted (bytes).
const MaxAttachment = 5 << 20

// Requested is the application's whole request.
func (a *Application) Requested() CZK {
	var n CZK
	for _, s := range a.Services {
		n += s.Requested
	}
	return n
}

// Line returns the service's line of kind (a zero line when missing).
func (s *AppService) Line(kind string) BudgetLine {
	for _, l := range s.Lines {
		if l.Kind == kind {
			return l
		}
	}
	return BudgetLine{Kind: kind}
}

// LineSum is the sum of the requested amounts of the lines.
func (s *AppService) LineSum() CZK {
	var n CZK
	for _, l := range s.Lines {
		n += l.Requested
	}
	return n
}

// Empty reports whether nothing was typed for the service.
func (s *AppService) Empty() bool {
	if s.Requested != 0 || strings.TrimSpace(s.Note) != "" {
		return false
	}
	for _, l := range s.Lines {
		if l.TotalCost != 0 || l.OtherSources != 0 || l.Requested != 0 {
			return false
		}
	}
	return true
}

// ServiceField names a form field of a service (s12_requested).
func ServiceField(serviceID int64, part string) string {
	return "s" + strconv.FormatInt(serviceID, 10) + "_" + part
}

// LineField names a form field of a budget line (s12_staff_total).
func LineField(serviceID int64, kind, col string) string {
	return ServiceField(serviceID, kind+"_"+col)
}

// NarrativeField names the form field of a criterion's narrative.
func NarrativeField(criterionID int64) string { return "n" + strconv.FormatInt(criterionID, 10) }

// Validate checks what the form holds; submit adds the rules a submitted
// application must meet: something requested, the lines summing to the
// request, a narrative for every criterion and a contact. eligible maps the
// provider's catalogue services the call accepts.
func (a *Application) Validate(c *Call, eligible map[int64]bool, submit bool) error {
	f := apperr.Fields{}
	a.ContactName, a.ContactEmail, a.ContactPhone = strings.TrimSpace(a.ContactName), strings.TrimSpace(a.ContactEmail), strings.TrimSpace(a.ContactPhone)
	checkLen(f, "contact_name", a.ContactName, 200)
	if a.ContactEmail != "" {
		if _, err := mail.ParseAddress(a.ContactEmail); err != nil || !strings.Contains(a.ContactEmail, "@") {
			f.Add("contact_email", "grant.err.email")
		}
	}
	checkLen(f, "contact_phone", a.ContactPhone, 40)
	any := false
	for i := range a.Services {
		s := &a.Services[i]
		if s.Empty() {
			continue
		}
		if !eligible[s.ServiceID] {
			f.Add(ServiceField(s.ServiceID, "requested"), "grant.err.not_eligible", "Service", s.ServiceName)
			continue
		}
		any = true
		checkLen(f, ServiceField(s.ServiceID, "note"), s.Note, 2000)
		if s.Requested < 0 {
			f.Add(ServiceField(s.ServiceID, "requested"), "grant.err.negative")
		}
		for _, l := range s.Lines {
			switch {
			case l.TotalCost < 0:
				f.Add(LineField(s.ServiceID, l.Kind, "total"), "grant.err.negative")
			case l.OtherSources < 0:
				f.Add(LineField(s.ServiceID, l.Kind, "other"), "grant.err.negative")
			case l.Requested < 0:
				f.Add(LineField(s.ServiceID, l.Kind, "requested"), "grant.err.negative")
			case l.OtherSources > l.TotalCost:
				f.Add(LineField(s.ServiceID, l.Kind, "other"), "grant.err.other_over_total", "Service", s.ServiceName)
			case l.Requested > l.TotalCost-l.OtherSources:
				f.Add(LineField(s.ServiceID, l.Kind, "requested"), "grant.err.line_over_uncovered",
					"Service", s.ServiceName, "Uncovered", czk(l.TotalCost-l.OtherSources))
			}
		}
		if submit && s.LineSum() != s.Requested {
			f.Add(ServiceField(s.ServiceID, "requested"), "grant.err.line_sum", "Service", s.ServiceName,
				"Sum", czk(s.LineSum()), "Requested", czk(s.Requested))
		}
	}
	if total := a.Requested(); total > c.MaxRequest {
		f.Add("requested", "grant.err.over_max", "Requested", czk(total), "Max", czk(c.MaxRequest))
	}
	if submit {
		if !any || a.Requested() <= 0 {
			f.Add("requested", "grant.err.nothing_requested")
		}
		if a.ContactName == "" {
			f.Add("contact_name", "grant.err.contact_name")
		}
		if a.ContactEmail == "" {
			f.Add("contact_email", "grant.err.email")
		}
		for _, cr := range c.Criteria {
			if strings.TrimSpace(a.Narratives[cr.ID]) == "" {
				f.Add(NarrativeField(cr.ID), "grant.err.narrative", "Criterion", cr.Name)
			}
		}
	}
	for _, cr := range c.Criteria {
		checkLen(f, NarrativeField(cr.ID), a.Narratives[cr.ID], 4000)
	}
	return f.Err()
}

// czk formats an amount the Czech way: "120 000 Kč".
func czk(n CZK) string { return n.String() }

// CZK is an amount in whole Czech crowns; it prints as "120 000 Kč".
type CZK int64

// String formats the amount the Czech way.
func (c CZK) String() string { return FormatCZK(int64(c)) }

// Points is a score in points of 100; it prints as "72,5".
type Points float64

func (p Points) String() string { return FormatPoints(float64(p)) }

// FormatCZK formats an amount in whole crowns with non-breaking spaces.
func FormatCZK(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	out := b.String() + "\u00a0Kč"
	if neg {
		return "−" + out
	}
	return out
}

// ParseCZK reads an amount typed the Czech way ("120 000", "120 000,00 Kč",
// "120.000"); "" is 0. ok is false for anything else (or halíře).
func ParseCZK(s string) (CZK, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "Kč"), ",-")
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ".", "").Replace(s)
	if s == "" {
		return 0, true
	}
	if whole, dec, ok := strings.Cut(s, ","); ok {
		if strings.Trim(dec, "0") != "" && dec != "-" {
			return 0, false
		}
		s = whole
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > 1_000_000_000_000 {
		return 0, false
	}
	return CZK(n), true
}

// FormatPoints formats a score in points with one decimal ("72,5").
func FormatPoints(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', 1, 64), ".", ",", 1)
}

func joinIDs(ids []int64) string {
	ss := make([]string, len(ids))
	for i, id := range ids {
		ss[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(ss, ",")
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func splitList(s, sep string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func czDateTime(t time.Time) string {
	t = t.In(Prague)
	return fmt.Sprintf("%d.\u00a0%d.\u00a0%d %02d:%02d", t.Day(), t.Month(), t.Year(), t.Hour(), t.Minute())
}

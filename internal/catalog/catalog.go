// Package catalog is the public catalogue of services in the region: the
// services of the partner organisations (providers), typed by the § of zákon
// 108/2006 Sb. or as a non-registered kind (health, school, counselling …),
// with their forms, target and age groups, municipalities served, locations,
// contacts, capacity, fees and how to apply. Visitors search it by what,
// where and for whom; providers propose changes that the coordinator
// approves; the MPSV registry's open data can be imported; it is published
// as HSDS 3.0 at /hsds and as a printable PDF.
package catalog

import (
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
)

// ServiceType is an entry of the code list of service types.
type ServiceType struct {
	ID         int64  `json:"id"`
	Code       string `json:"code"`
	Paragraph  string `json:"paragraph"` // "§ 40"; empty for non-registered kinds
	Name       string `json:"name"`
	Category   string `json:"category"` // counselling, care, prevention, other
	Registered bool   `json:"registered"`
	SortOrder  int    `json:"sort_order"`
}

// Label is the name with its paragraph: "pečovatelská služba (§ 40)".
func (t ServiceType) Label() string {
	if t.Paragraph == "" {
		return t.Name
	}
	return t.Name + " (" + t.Paragraph + ")"
}

// Statuses of a service.
const (
	StatusActive   = "active"
	StatusInactive = "inactive"
)

// AgeGroups are the age groups a service is for, in order.
var AgeGroups = []string{"children", "youth", "adults", "seniors"}

// ageRange is the age span of each group (inclusive), for HSDS minimum/maximum_age.
var ageRange = map[string][2]int{"children": {0, 15}, "youth": {16, 26}, "adults": {27, 64}, "seniors": {65, 120}}

// Accessibility levels of a building.
var Accessibilities = []string{"full", "partial", "none", "unknown"}

// Location is a place where a service is provided.
type Location struct {
	ID                int64    `json:"id"`
	Name              string   `json:"name"`
	Address           string   `json:"address"`
	Postcode          string   `json:"postcode"`
	MunicipalityID    *int64   `json:"municipality_id"`
	RUIANCode         string   `json:"ruian_code"`
	OpeningHours      string   `json:"opening_hours"`
	Accessibility     string   `json:"accessibility"`
	AccessibilityNote string   `json:"accessibility_note"`
	Latitude          *float64 `json:"latitude"`
	Longitude         *float64 `json:"longitude"`
	// StateProvince is the region (kraj) of the place, from the registry.
	StateProvince string `json:"state_province,omitempty"`
}

// NearLocation is the place of a search by distance that was nearest, or nil.
func (s *Service) NearLocation() *Location {
	for i := range s.Locations {
		if s.NearLocationID != 0 && s.Locations[i].ID == s.NearLocationID {
			return &s.Locations[i]
		}
	}
	return nil
}

// MapQuery is what a map search needs: the coordinates when known, else the address.
func (l Location) MapQuery() string {
	if l.Latitude != nil && l.Longitude != nil {
		return strconv.FormatFloat(*l.Latitude, 'f', 6, 64) + "," + strconv.FormatFloat(*l.Longitude, 'f', 6, 64)
	}
	return l.Address
}

// Service is one service of a provider.
type Service struct {
	ID              int64      `json:"id"`
	OrganisationID  int64      `json:"organisation_id"`
	TypeCode        string     `json:"type_code"`
	Name            string     `json:"name"`
	RegistryID      string     `json:"registry_id"`
	Residential     bool       `json:"form_residential"`
	Outpatient      bool       `json:"form_outpatient"`
	Field           bool       `json:"form_field"`
	AgeGroups       []string   `json:"age_groups"`
	TargetGroupIDs  []int64    `json:"target_group_ids"`
	MunicipalityIDs []int64    `json:"municipality_ids"`
	Locations       []Location `json:"locations"`
	Description     string     `json:"description"`
	HowToApply      string     `json:"how_to_apply"`
	Capacity        string     `json:"capacity"`
	FeesFree        bool       `json:"fees_free"`
	FeesDescription string     `json:"fees_description"`
	Email           string     `json:"email"`
	Phone           string     `json:"phone"`
	Web             string     `json:"web"`
	Status          string     `json:"status"`
	Source          string     `json:"source"`
	ConfirmedAt     *time.Time `json:"confirmed_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`

	// Filled for display by the finders.
	OrganisationName string `json:"-"`
	// Distance is the distance in km of a search by distance (nil otherwise),
	// to the place NearLocationID or the served municipality NearMunicipalityID.
	Distance           *float64 `json:"-"`
	NearLocationID     int64    `json:"-"`
	NearMunicipalityID int64    `json:"-"`
	registryHash       string
}

// Forms lists the forms of the service ("residential", "outpatient", "field").
func (s *Service) Forms() []string {
	var out []string
	if s.Residential {
		out = append(out, "residential")
	}
	if s.Outpatient {
		out = append(out, "outpatient")
	}
	if s.Field {
		out = append(out, "field")
	}
	return out
}

// MinAge and MaxAge span the service's age groups (nil when it has none).
func (s *Service) AgeSpan() (min, max *int) {
	for _, g := range s.AgeGroups {
		r, ok := ageRange[g]
		if !ok {
			continue
		}
		lo, hi := r[0], r[1]
		if min == nil || lo < *min {
			min = &lo
		}
		if max == nil || hi > *max {
			max = &hi
		}
	}
	return min, max
}

var (
	phoneRe = regexp.MustCompile(`^\+?[0-9 ()/-]{9,20}$`)
	pscRe   = regexp.MustCompile(`^[0-9]{3} ?[0-9]{2}$`)
)

func checkLen(f apperr.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "err.too_long", "Max", max)
	}
}

// Validate checks and normalises a service (its type is checked against the
// code list by the service layer).
func (s *Service) Validate() error {
	f := apperr.Fields{}
	for _, p := range []*string{&s.Name, &s.TypeCode, &s.RegistryID, &s.Description, &s.HowToApply, &s.Capacity, &s.FeesDescription, &s.Email, &s.Phone, &s.Web} {
		*p = strings.TrimSpace(*p)
	}
	if s.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", s.Name, 200)
	if s.TypeCode == "" {
		f.Add("type_code", "err.choose")
	}
	if s.OrganisationID == 0 {
		f.Add("organisation_id", "err.choose")
	}
	if !s.Residential && !s.Outpatient && !s.Field {
		f.Add("forms", "catalog.err.forms")
	}
	ages := []string{}
	for _, g := range AgeGroups {
		if slices.Contains(s.AgeGroups, g) {
			ages = append(ages, g)
		}
	}
	if len(ages) != len(s.AgeGroups) {
		f.Add("age_groups", "err.choose")
	}
	s.AgeGroups = ages
	checkLen(f, "registry_id", s.RegistryID, 40)
	checkLen(f, "description", s.Description, 5000)
	checkLen(f, "how_to_apply", s.HowToApply, 3000)
	checkLen(f, "capacity", s.Capacity, 200)
	checkLen(f, "fees_description", s.FeesDescription, 2000)
	if s.Email != "" {
		a, err := mail.ParseAddress(s.Email)
		if err != nil || a.Address != s.Email || !strings.Contains(s.Email[strings.Index(s.Email, "@"):], ".") {
			f.Add("email", "err.email")
		}
	}
	if s.Phone != "" && !phoneRe.MatchString(s.Phone) {
		f.Add("phone", "err.phone")
	}
	if s.Web != "" {
		if !strings.Contains(s.Web, "://") {
			s.Web = "https://" + s.Web
		}
		u, err := url.Parse(s.Web)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Host, ".") {
			f.Add("web", "err.url")
		}
	}
	if s.Status == "" {
		s.Status = StatusActive
	}
	if s.Status != StatusActive && s.Status != StatusInactive {
		f.Add("status", "err.choose")
	}
	if s.Source == "" {
		s.Source = "local"
	}
	if s.Locations == nil {
		s.Locations = []Location{}
	}
	for i := range s.Locations {
		l := &s.Locations[i]
		for _, p := range []*string{&l.Name, &l.Address, &l.Postcode, &l.RUIANCode, &l.OpeningHours, &l.AccessibilityNote} {
			*p = strings.TrimSpace(*p)
		}
		if l.Accessibility == "" {
			l.Accessibility = "unknown"
		}
		field := func(n string) string { return "loc" + itoa(int64(i)) + "_" + n }
		if l.Address == "" {
			f.Add(field("address"), "err.required")
		}
		checkLen(f, field("address"), l.Address, 300)
		checkLen(f, field("name"), l.Name, 200)
		checkLen(f, field("opening_hours"), l.OpeningHours, 1000)
		checkLen(f, field("accessibility_note"), l.AccessibilityNote, 1000)
		if l.Postcode != "" && !pscRe.MatchString(l.Postcode) {
			f.Add(field("postcode"), "catalog.err.postcode")
		}
		if !slices.Contains(Accessibilities, l.Accessibility) {
			f.Add(field("accessibility"), "err.choose")
		}
		if (l.Latitude == nil) != (l.Longitude == nil) ||
			(l.Latitude != nil && (*l.Latitude < -90 || *l.Latitude > 90 || *l.Longitude < -180 || *l.Longitude > 180)) {
			f.Add(field("latitude"), "catalog.err.coords")
		}
	}
	return f.Err()
}

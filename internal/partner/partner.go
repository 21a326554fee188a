// Package partner is the registry of the KPSS partners: the region (ORP), its
// municipalities, organisations (providers, commissioners …), people,
// town-office departments and target groups. Nothing referenced elsewhere is
// ever deleted: entries are archived.
package partner

import (
	"kpss/internal/geo"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/czech"
)

// Region is the planning region (ORP) the installation serves; there is one.
type Region struct {
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`
	Description string    `json:"description"`
	Web         string    `json:"web"`
	Email       string    `json:"email"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Municipality kinds.
const (
	KindTown         = "town"
	KindMunicipality = "municipality"
)

// Municipality is a town or municipality of the region.
type Municipality struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	ZUJ        string `json:"zuj"`
	Population *int64 `json:"population"`
	Partner    bool   `json:"partner"`
	Note       string `json:"note"`
	// Lat and Lng are the centre of the municipality (WGS 84); nil when unknown.
	Lat       *float64  `json:"latitude"`
	Lng       *float64  `json:"longitude"`
	Archived  bool      `json:"archived"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Point writes the municipality's centre as the form takes it and maps
// show it, "49.2098, 17.5307"; "" when unknown.
func (m Municipality) Point() string {
	if m.Lat == nil || m.Lng == nil {
		return ""
	}
	return strconv.FormatFloat(*m.Lat, 'f', -1, 64) + ", " + strconv.FormatFloat(*m.Lng, 'f', -1, 64)
}

// OrganisationKinds in the order the UI offers them.
var OrganisationKinds = []string{"provider", "commissioner", "school", "ngo", "health", "other"}

// Organisation is a provider, commissioner, school, NGO … taking part in the KPSS.
type Organisation struct {
	ID              int64     `json:"id"`
	Name            string    `json:"name"`
	ICO             string    `json:"ico"`
	Kind            string    `json:"kind"`
	Address         string    `json:"address"`
	Web             string    `json:"web"`
	Email           string    `json:"email"`
	Phone           string    `json:"phone"`
	Description     string    `json:"description"`
	Partner         bool      `json:"partner"`
	MunicipalityIDs []int64   `json:"municipality_ids"`
	TargetGroupIDs  []int64   `json:"target_group_ids"`
	Archived        bool      `json:"archived"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Person is a contact person or a member of a group. Name, e-mail and phone
// are personal data, kept only with a recorded consent.
type Person struct {
	ID             int64      `json:"id"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	Phone          string     `json:"phone"`
	Position       string     `json:"position"`
	OrganisationID *int64     `json:"organisation_id"`
	Consent        bool       `json:"consent"`
	ConsentAt      *time.Time `json:"consent_at"`
	ConsentNote    string     `json:"consent_note"`
	Archived       bool       `json:"archived"`
	AnonymisedAt   *time.Time `json:"anonymised_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// PersonalFields of a Person, masked in the audit log.
var PersonalFields = []string{"name", "email", "phone"}

// Department is a department (odbor) of the town office.
type Department struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	HeadPersonID *int64    `json:"head_person_id"`
	Archived     bool      `json:"archived"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TargetGroup is a group of people the planning is for (Senioři …).
type TargetGroup struct {
	ID          int64     `json:"id"`
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	SortOrder   int       `json:"sort_order"`
	Archived    bool      `json:"archived"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

var (
	zujRe   = regexp.MustCompile(`^[0-9]{6}$`)
	phoneRe = regexp.MustCompile(`^\+?[0-9 ()/-]{9,20}$`)
	codeRe  = regexp.MustCompile(`^[A-Z0-9-]{2,10}$`)
)

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

func checkEmail(f apperr.Fields, field, v string) {
	if v == "" {
		return
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.Index(v, "@"):], ".") {
		f.Add(field, "err.email")
	}
}

func checkPhone(f apperr.Fields, field, v string) {
	if v != "" && !phoneRe.MatchString(v) {
		f.Add(field, "err.phone")
	}
}

// normalizeWeb adds https:// to a bare domain and checks the URL.
func normalizeWeb(f apperr.Fields, field string, v *string) {
	if *v == "" {
		return
	}
	if !strings.Contains(*v, "://") {
		*v = "https://" + *v
	}
	u, err := url.Parse(*v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Host, ".") {
		f.Add(field, "err.url")
	}
}

// Validate checks and normalises a municipality.
func (m *Municipality) Validate() error {
	f := apperr.Fields{}
	trim(&m.Name, &m.ZUJ, &m.Note)
	if m.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", m.Name, 120)
	if m.Kind != KindTown && m.Kind != KindMunicipality {
		f.Add("kind", "err.choose")
	}
	if m.ZUJ != "" && !zujRe.MatchString(m.ZUJ) {
		f.Add("zuj", "err.zuj_format")
	}
	if m.Population != nil && (*m.Population < 0 || *m.Population > 2_000_000) {
		f.Add("population", "err.population")
	}
	checkLen(f, "note", m.Note, 2000)
	if (m.Lat == nil) != (m.Lng == nil) || (m.Lat != nil && !geo.Valid(*m.Lat, *m.Lng)) {
		f.Add("location", "err.point")
	}
	return f.Err()
}

// Validate checks and normalises an organisation, including the IČO check digit.
func (o *Organisation) Validate() error {
	f := apperr.Fields{}
	trim(&o.Name, &o.ICO, &o.Address, &o.Web, &o.Email, &o.Phone, &o.Description)
	o.ICO = strings.ReplaceAll(o.ICO, " ", "")
	if o.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", o.Name, 200)
	switch {
	case o.ICO == "":
	case len(o.ICO) < 8 && regexp.MustCompile(`^[0-9]+$`).MatchString(o.ICO):
		// Registers often drop leading zeros: 284301 is 00284301.
		o.ICO = strings.Repeat("0", 8-len(o.ICO)) + o.ICO
		if !czech.ValidICO(o.ICO) {
			f.Add("ico", "err.ico_checksum")
		}
	case !regexp.MustCompile(`^[0-9]{8}$`).MatchString(o.ICO):
		f.Add("ico", "err.ico_format")
	case !czech.ValidICO(o.ICO):
		f.Add("ico", "err.ico_checksum")
	}
	valid := false
	for _, k := range OrganisationKinds {
		valid = valid || k == o.Kind
	}
	if !valid {
		f.Add("kind", "err.choose")
	}
	checkLen(f, "address", o.Address, 300)
	normalizeWeb(f, "web", &o.Web)
	checkEmail(f, "email", o.Email)
	checkPhone(f, "phone", o.Phone)
	checkLen(f, "description", o.Description, 5000)
	return f.Err()
}

// Validate checks and normalises a person.
func (p *Person) Validate() error {
	f := apperr.Fields{}
	trim(&p.Name, &p.Email, &p.Phone, &p.Position, &p.ConsentNote)
	if p.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", p.Name, 120)
	checkEmail(f, "email", p.Email)
	checkPhone(f, "phone", p.Phone)
	checkLen(f, "position", p.Position, 120)
	if !p.Consent && (p.Email != "" || p.Phone != "") {
		f.Add("consent", "err.consent_needed")
	}
	checkLen(f, "consent_note", p.ConsentNote, 500)
	return f.Err()
}

// Validate checks and normalises a department.
func (d *Department) Validate() error {
	f := apperr.Fields{}
	trim(&d.Name, &d.Email)
	if d.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", d.Name, 160)
	checkEmail(f, "email", d.Email)
	return f.Err()
}

// Validate checks and normalises a target group.
func (g *TargetGroup) Validate() error {
	f := apperr.Fields{}
	trim(&g.Name, &g.Code, &g.Description)
	g.Code = strings.ToUpper(g.Code)
	if g.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", g.Name, 120)
	if !codeRe.MatchString(g.Code) {
		f.Add("code", "err.code_format")
	}
	checkLen(f, "description", g.Description, 2000)
	return f.Err()
}

// Validate checks the region.
func (r *Region) Validate() error {
	f := apperr.Fields{}
	trim(&r.Name, &r.Description, &r.Web, &r.Email)
	if r.Name == "" {
		f.Add("name", "err.required")
	}
	checkLen(f, "name", r.Name, 160)
	normalizeWeb(f, "web", &r.Web)
	checkEmail(f, "email", r.Email)
	return f.Err()
}

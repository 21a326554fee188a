package catalog

import (
	_ "embed"

	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/czech"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
)

// The catalogue as Open Referral HSDS 3.0 at /hsds. Identifiers are UUIDs
// that carry the kind of object and our numeric id (so they are stable and
// can be resolved without a mapping table): 6b70000K-0000-4000-8000-<id>.

const (
	kService = iota + 1
	kOrganization
	kLocation
	kServiceAtLocation
	kTaxonomy
	kTermType
	kTermGroup
	kPhone
	kSchedule
	kAddress
	kServiceArea
	kCost
	kAttribute
	kAccessibility
	kIdentifier
	kLanguage
)

//go:embed hsds_openapi.json
var hsdsOpenAPI []byte

func uid(kind int, n int64) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", 0x6b700000+kind, n)
}

// parseUID returns the kind and number of an id made by uid.
func parseUID(s string) (int, int64, bool) {
	if len(s) != 36 || !strings.HasPrefix(s, "6b70") || s[8:24] != "-0000-4000-8000-" {
		return 0, 0, false
	}
	k, err1 := strconv.ParseInt(s[4:8], 16, 32)
	n, err2 := strconv.ParseInt(s[24:], 16, 64)
	return int(k), n, err1 == nil && err2 == nil
}

const (
	taxonomyTypes  = 1
	taxonomyGroups = 2
)

// HSDS objects: the fields of the HSDS 3.0 schema, nothing else; a value we
// do not know is left out (never null). The "core" parts are the one-to-one
// fields that list answers carry (compiled/*_list.json); the full objects
// add the nested arrays.

type hsdsServiceCore struct {
	ID                     string  `json:"id"`
	OrganizationID         string  `json:"organization_id,omitempty"`
	Name                   string  `json:"name"`
	Description            string  `json:"description,omitempty"`
	URL                    *string `json:"url,omitempty"`
	Email                  *string `json:"email,omitempty"`
	Status                 string  `json:"status"`
	ApplicationProcess     string  `json:"application_process,omitempty"`
	FeesDescription        string  `json:"fees_description,omitempty"`
	EligibilityDescription string  `json:"eligibility_description,omitempty"`
	MinimumAge             *int    `json:"minimum_age,omitempty"`
	MaximumAge             *int    `json:"maximum_age,omitempty"`
	AssuredDate            *string `json:"assured_date,omitempty"`
	Licenses               *string `json:"licenses,omitempty"`
	LastModified           string  `json:"last_modified,omitempty"`
}

type hsdsService struct {
	hsdsServiceCore
	Phones             []hsdsPhone       `json:"phones"`
	Schedules          []any             `json:"schedules"`
	ServiceAreas       []hsdsArea        `json:"service_areas"`
	ServiceAtLocations []hsdsSAL         `json:"service_at_locations,omitempty"` // left out where the service is nested in one
	Languages          []hsdsLanguage    `json:"languages"`
	Funding            []any             `json:"funding"`
	CostOptions        []hsdsCost        `json:"cost_options"`
	RequiredDocuments  []any             `json:"required_documents"`
	Contacts           []any             `json:"contacts"`
	Attributes         []hsdsAttribute   `json:"attributes"`
	Metadata           []any             `json:"metadata"`
	Organization       *hsdsOrganization `json:"organization,omitempty"`
}

// hsdsMinimal is a service of ?minimal=true: its id and when it changed (and
// the two fields every service has).
type hsdsMinimal struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	LastModified string `json:"last_modified,omitempty"`
}

type hsdsPhone struct {
	ID         string  `json:"id"`
	ServiceID  *string `json:"service_id,omitempty"`
	OrgID      *string `json:"organization_id,omitempty"`
	Number     string  `json:"number"`
	Type       string  `json:"type,omitempty"`
	Languages  []any   `json:"languages"`
	Attributes []any   `json:"attributes"`
	Metadata   []any   `json:"metadata"`
}

type hsdsArea struct {
	ID         string  `json:"id"`
	ServiceID  string  `json:"service_id"`
	Name       string  `json:"name,omitempty"`
	ExtentType *string `json:"extent_type,omitempty"`
	Attributes []any   `json:"attributes"`
	Metadata   []any   `json:"metadata"`
}

type hsdsLanguage struct {
	ID         string `json:"id"`
	ServiceID  string `json:"service_id"`
	Name       string `json:"name"`
	Code       string `json:"code"`
	Attributes []any  `json:"attributes"`
	Metadata   []any  `json:"metadata"`
}

type hsdsCost struct {
	ID                string   `json:"id"`
	ServiceID         string   `json:"service_id"`
	Option            string   `json:"option,omitempty"`
	Currency          string   `json:"currency,omitempty"`
	Amount            *float64 `json:"amount,omitempty"`
	AmountDescription string   `json:"amount_description,omitempty"`
	Attributes        []any    `json:"attributes"`
	Metadata          []any    `json:"metadata"`
}

type hsdsAttribute struct {
	ID             string    `json:"id"`
	LinkID         string    `json:"link_id"`
	TaxonomyTermID string    `json:"taxonomy_term_id"`
	LinkType       string    `json:"link_type"`
	LinkEntity     string    `json:"link_entity"`
	TaxonomyTerm   *hsdsTerm `json:"taxonomy_term,omitempty"`
	Metadata       []any     `json:"metadata"`
}

type hsdsSALCore struct {
	ID         string `json:"id"`
	ServiceID  string `json:"service_id"`
	LocationID string `json:"location_id"`
}

type hsdsSAL struct {
	hsdsSALCore
	Contacts   []any         `json:"contacts"`
	Phones     []any         `json:"phones"`
	Schedules  []any         `json:"schedules"`
	Location   *hsdsLocation `json:"location,omitempty"`
	Service    *hsdsService  `json:"service,omitempty"`
	Attributes []any         `json:"attributes"`
	Metadata   []any         `json:"metadata"`
}

// hsdsSALItem is a service at a location in a list: the one-to-one fields of
// the place and of the service.
type hsdsSALItem struct {
	hsdsSALCore
	Location *hsdsLocationCore `json:"location,omitempty"`
	Service  *hsdsServiceCore  `json:"service,omitempty"`
}

type hsdsLocationCore struct {
	ID                     string   `json:"id"`
	LocationType           string   `json:"location_type"`
	OrganizationID         string   `json:"organization_id,omitempty"`
	Name                   string   `json:"name,omitempty"`
	Latitude               *float64 `json:"latitude,omitempty"`
	Longitude              *float64 `json:"longitude,omitempty"`
	ExternalIdentifier     *string  `json:"external_identifier,omitempty"`
	ExternalIdentifierType *string  `json:"external_identifier_type,omitempty"`
}

type hsdsLocation struct {
	hsdsLocationCore
	Languages     []any          `json:"languages"`
	Addresses     []hsdsAddress  `json:"addresses"`
	Contacts      []any          `json:"contacts"`
	Accessibility []hsdsAccess   `json:"accessibility"`
	Phones        []any          `json:"phones"`
	Schedules     []hsdsSchedule `json:"schedules"`
	Attributes    []any          `json:"attributes"`
	Metadata      []any          `json:"metadata"`
}

type hsdsAddress struct {
	ID            string `json:"id"`
	LocationID    string `json:"location_id"`
	Address1      string `json:"address_1"`
	City          string `json:"city"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
	Attributes    []any  `json:"attributes"`
	Metadata      []any  `json:"metadata"`
}

type hsdsAccess struct {
	ID          string  `json:"id"`
	LocationID  string  `json:"location_id"`
	Description string  `json:"description,omitempty"`
	Details     *string `json:"details,omitempty"`
	Attributes  []any   `json:"attributes"`
	Metadata    []any   `json:"metadata"`
}

type hsdsSchedule struct {
	ID          string `json:"id"`
	LocationID  string `json:"location_id"`
	Description string `json:"description,omitempty"`
	Attributes  []any  `json:"attributes"`
	Metadata    []any  `json:"metadata"`
}

type hsdsOrganizationCore struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Email       *string `json:"email,omitempty"`
	Website     *string `json:"website,omitempty"`
	TaxID       *string `json:"tax_id,omitempty"`
}

type hsdsOrganization struct {
	hsdsOrganizationCore
	Funding                 []any            `json:"funding"`
	Contacts                []any            `json:"contacts"`
	Phones                  []hsdsPhone      `json:"phones"`
	Locations               []any            `json:"locations"`
	Programs                []any            `json:"programs"`
	OrganizationIdentifiers []hsdsIdentifier `json:"organization_identifiers"`
	Attributes              []any            `json:"attributes"`
	Metadata                []any            `json:"metadata"`
	Services                []any            `json:"services,omitempty"`
}

type hsdsIdentifier struct {
	ID               string  `json:"id"`
	OrganizationID   string  `json:"organization_id"`
	IdentifierScheme *string `json:"identifier_scheme,omitempty"`
	IdentifierType   string  `json:"identifier_type"`
	Identifier       string  `json:"identifier"`
	Attributes       []any   `json:"attributes"`
	Metadata         []any   `json:"metadata"`
}

type hsdsTaxonomy struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	URI         *string `json:"uri,omitempty"`
	Version     *string `json:"version,omitempty"`
	Metadata    []any   `json:"metadata"`
}

type hsdsTerm struct {
	ID          string        `json:"id"`
	Code        string        `json:"code,omitempty"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Taxonomy    string        `json:"taxonomy,omitempty"`
	TaxonomyID  string        `json:"taxonomy_id,omitempty"`
	Language    string        `json:"language,omitempty"`
	TaxonomyDet *hsdsTaxonomy `json:"taxonomy_detail,omitempty"`
	Metadata    []any         `json:"metadata"`
}

// page is the HSDS paginated envelope.
type page struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"`
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"`
	Contents   any  `json:"contents"`
}

func newPage[T any](items []T, p store.Paging, total int) page {
	p = p.Normalize()
	pages := (total + p.PerPage - 1) / p.PerPage
	if items == nil {
		items = []T{}
	}
	return page{TotalItems: total, TotalPages: pages, PageNumber: p.Page, Size: len(items), FirstPage: p.Page == 1,
		LastPage: p.Page >= pages, Empty: len(items) == 0, Contents: items}
}

// pageOf is the page p of items held in memory.
func pageOf[T any](items []T, p store.Paging) page {
	return newPage(window(items, p), p, len(items))
}

// window is the part of items that page p shows.
func window[T any](items []T, p store.Paging) []T {
	return items[min(p.Offset(), len(items)):min(p.Offset()+p.Limit(), len(items))]
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// hsdsPaging reads page and per_page; anything but a whole number from 1 is
// refused (the API has no page 0).
func hsdsPaging(r *http.Request) (store.Paging, error) {
	q := r.URL.Query()
	p := store.Paging{Page: 1, PerPage: 50}
	bad := apperr.Fields{}
	for _, x := range []struct {
		name string
		dst  *int
	}{{"page", &p.Page}, {"per_page", &p.PerPage}} {
		if v := q.Get(x.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				bad.Add(x.name, "catalog.err.hsds_page")
				continue
			}
			*x.dst = n
		}
	}
	return p.Normalize(), bad.Err()
}

// hsdsBool reads a boolean parameter (true/false, 1/0).
func hsdsBool(r *http.Request, name string, bad apperr.Fields) bool {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		bad.Add(name, "catalog.err.hsds_bool")
	}
	return b
}

func (h *Handler) hsdsJSON(w http.ResponseWriter, v any) { web.JSON(w, http.StatusOK, v) }

func foldQ(s string) string { return czech.Fold(s) }

// hsdsBase is the absolute address of the API.
func (h *Handler) hsdsBase(r *http.Request) string {
	if h.BaseURL != "" {
		return h.BaseURL + "/hsds"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/hsds"
}

// HSDSRoot is the API's metadata (GET /hsds/): the version and where kpss's
// own description of the API is.
func (h *Handler) HSDSRoot(w http.ResponseWriter, r *http.Request) error {
	h.hsdsJSON(w, map[string]any{"version": "3.0", "profile": "https://docs.openreferral.org/en/latest/hsds/",
		"openapi_url": h.hsdsBase(r) + "/openapi.json"})
	return nil
}

// HSDSOpenAPI is kpss's description of its HSDS API (GET /hsds/openapi.json):
// the endpoints and parameters it serves, the answers referring to the
// standard's schemas.
func (h *Handler) HSDSOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write([]byte(strings.ReplaceAll(string(hsdsOpenAPI), "{{SERVER}}", h.hsdsBase(r))))
	return err
}

// HSDSNotFound answers an unknown path under /hsds/ with a JSON 404.
func (h *Handler) HSDSNotFound(w http.ResponseWriter, r *http.Request) error {
	return apperr.New(apperr.NotFound, "err.page_not_found")
}

// hsdsFilter reads the standard's query parameters.
func (h *Handler) hsdsFilter(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	p, err := hsdsPaging(r)
	bad := apperr.Fields{}
	if e, ok := apperr.As(err); ok {
		for k, m := range e.Fields {
			bad[k] = m
		}
	}
	f := Filter{Q: q.Get("search"), Paging: p}
	if v := q.Get("taxonomy_term_id"); v != "" {
		k, n, ok := parseUID(v)
		switch {
		case ok && k == kTermType:
			types, err := h.C.Types(r.Context())
			if err != nil {
				return f, err
			}
			f.TypeCode = "-"
			for _, t := range types {
				if t.ID == n {
					f.TypeCode = t.Code
				}
			}
		case ok && k == kTermGroup:
			f.TargetGroupID = n
		default:
			bad.Add("taxonomy_term_id", "err.choose")
		}
	}
	// taxonomy_id: services with any term of the taxonomy. Every service has
	// a type; not every one names its target groups.
	if v := q.Get("taxonomy_id"); v != "" {
		switch v {
		case uid(kTaxonomy, taxonomyTypes):
		case uid(kTaxonomy, taxonomyGroups):
			f.AnyTargetGroup = true
		default:
			bad.Add("taxonomy_id", "err.choose")
		}
	}
	if v := q.Get("organization_id"); v != "" {
		k, n, ok := parseUID(v)
		if !ok || k != kOrganization {
			bad.Add("organization_id", "err.choose")
		}
		f.OrganisationID = n
	}
	if v := q.Get("modified_after"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t, err = time.Parse(time.DateOnly, v)
		}
		if err != nil {
			bad.Add("modified_after", "catalog.err.datetime")
		}
		f.ModifiedAfter = t
	}
	if v := q.Get("format"); v != "" && v != "json" {
		bad.Add("format", "catalog.err.hsds_format")
	}
	// Proximity (HSDS 3.0: metres from a point). The standard measures from
	// the centroid of a postcode; we have no postcode centroids, so the point
	// is given as lat and long (WGS 84), the way profiles of the standard do.
	lat, long, prox := q.Get("lat"), q.Get("long"), q.Get("proximity")
	if lat != "" || long != "" || prox != "" {
		la, ln, ok := pointFrom(lat, long)
		if !ok {
			bad.Add("lat", "catalog.err.point")
		}
		m, err := strconv.ParseFloat(prox, 64)
		if err != nil || m <= 0 || m > maxKm*1000 {
			bad.Add("proximity", "catalog.err.proximity", "Max", maxKm*1000)
		}
		f.Near = &Near{Lat: la, Lng: ln, Km: m / 1000}
	}
	return f, bad.Err()
}

// hsdsContext holds the names a page of services refers to.
type hsdsContext struct {
	types  map[string]ServiceType
	groups map[int64]partner.TargetGroup
	munis  Names
	// state is the region (kraj) of places that do not know theirs: the one
	// most places of the catalogue have, else the planning region's name.
	state string
}

func (h *Handler) hsdsCtx(ctx context.Context, ss []Service) (*hsdsContext, error) {
	hc := &hsdsContext{types: map[string]ServiceType{}, groups: map[int64]partner.TargetGroup{}}
	ts, err := h.C.Types(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		hc.types[t.Code] = t
	}
	gs, _, err := h.Partners.FindTargetGroups(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		hc.groups[g.ID] = g
	}
	if hc.munis, err = h.names(ctx, "municipalities", ss); err != nil {
		return nil, err
	}
	known := false
	for i := range ss {
		for _, l := range ss[i].Locations {
			known = known || l.StateProvince == ""
		}
	}
	if known { // some place does not know its region
		err := h.C.DB.QueryRow(ctx, `SELECT state_province FROM catalog_locations WHERE state_province <> ''
			GROUP BY state_province ORDER BY COUNT(*) DESC, state_province LIMIT 1`).Scan(&hc.state)
		if err != nil && !errors.Is(store.MapError(err), store.ErrNotFound) {
			return nil, err
		}
		if hc.state == "" {
			if reg, err := h.Partners.Region(ctx); err == nil && reg != nil {
				hc.state = reg.Name
			}
		}
	}
	return hc, nil
}

func typeTerm(t ServiceType) hsdsTerm {
	desc := t.Label()
	if t.Registered {
		desc += " – druh sociální služby podle zákona č. 108/2006 Sb."
	}
	return hsdsTerm{ID: uid(kTermType, t.ID), Code: t.Code, Name: t.Label(), Description: desc, Taxonomy: "kpss-druhy-sluzeb",
		TaxonomyID: uid(kTaxonomy, taxonomyTypes), Language: "cs", Metadata: []any{}}
}

func groupTerm(g partner.TargetGroup) hsdsTerm {
	desc := g.Description
	if desc == "" {
		desc = g.Name
	}
	return hsdsTerm{ID: uid(kTermGroup, g.ID), Code: g.Code, Name: g.Name, Description: desc, Taxonomy: "kpss-cilove-skupiny",
		TaxonomyID: uid(kTaxonomy, taxonomyGroups), Language: "cs", Metadata: []any{}}
}

func taxonomies() []hsdsTaxonomy {
	return []hsdsTaxonomy{
		{ID: uid(kTaxonomy, taxonomyTypes), Name: "kpss-druhy-sluzeb", Description: "Druhy služeb: sociální služby podle § zákona č. 108/2006 Sb. a další (zdravotní, školské, poradenské …).",
			URI: strp("https://www.zakonyprolidi.cz/cs/2006-108"), Version: strp("2026"), Metadata: []any{}},
		{ID: uid(kTaxonomy, taxonomyGroups), Name: "kpss-cilove-skupiny", Description: "Cílové skupiny komunitního plánování regionu.", Metadata: []any{}},
	}
}

// webURL is a web address as a URI: "www.charita.cz" gets its scheme; what
// still is no absolute http(s) address is left out.
func webURL(s string) *string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, " \t") {
		return nil
	}
	return &s
}

// emailAddr is an e-mail address, or nothing when it is not one.
func emailAddr(s string) *string {
	s = strings.TrimSpace(s)
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return nil
	}
	return &s
}

func toLocation(s *Service, l Location, hc *hsdsContext) hsdsLocation {
	lid := uid(kLocation, l.ID)
	name := l.Name
	if name == "" {
		name = s.Name
	}
	city := ""
	if l.MunicipalityID != nil {
		city = hc.munis[*l.MunicipalityID]
	}
	addr1 := l.Address
	if city != "" {
		addr1 = strings.TrimSuffix(strings.TrimSuffix(addr1, city), ", ")
	}
	state := l.StateProvince
	if state == "" {
		state = hc.state
	}
	loc := hsdsLocation{hsdsLocationCore: hsdsLocationCore{ID: lid, LocationType: "physical", OrganizationID: uid(kOrganization, s.OrganisationID), Name: name,
		Latitude: l.Latitude, Longitude: l.Longitude},
		Languages: []any{}, Contacts: []any{}, Phones: []any{}, Attributes: []any{}, Metadata: []any{},
		Addresses: []hsdsAddress{{ID: uid(kAddress, l.ID), LocationID: lid, Address1: addr1, City: city, StateProvince: state, PostalCode: l.Postcode,
			Country: "CZ", AddressType: "physical", Attributes: []any{}, Metadata: []any{}}},
		Accessibility: []hsdsAccess{{ID: uid(kAccessibility, l.ID), LocationID: lid, Description: accessText[l.Accessibility], Details: strp(l.AccessibilityNote),
			Attributes: []any{}, Metadata: []any{}}},
		Schedules: []hsdsSchedule{}}
	if l.RUIANCode != "" {
		loc.ExternalIdentifier, loc.ExternalIdentifierType = strp(l.RUIANCode), strp("RUIAN kód adresního místa")
	}
	if l.OpeningHours != "" {
		loc.Schedules = append(loc.Schedules, hsdsSchedule{ID: uid(kSchedule, l.ID), LocationID: lid, Description: l.OpeningHours, Attributes: []any{}, Metadata: []any{}})
	}
	return loc
}

var accessText = map[string]string{"full": "bezbariérový přístup", "partial": "částečně bezbariérový přístup", "none": "bez bezbariérového přístupu", "unknown": "přístupnost neověřena"}

func serviceCore(s *Service, hc *hsdsContext) hsdsServiceCore {
	status := "active"
	if s.Status != StatusActive {
		status = "inactive"
	}
	out := hsdsServiceCore{ID: uid(kService, s.ID), OrganizationID: uid(kOrganization, s.OrganisationID), Name: s.Name, Description: s.Description, Status: status,
		URL: webURL(s.Web), Email: emailAddr(s.Email), ApplicationProcess: s.HowToApply, FeesDescription: s.FeesDescription, Licenses: strp(s.RegistryID),
		LastModified: s.UpdatedAt.UTC().Format(time.RFC3339)}
	if s.Capacity != "" {
		out.Description = strings.TrimSpace(out.Description + "\nKapacita: " + s.Capacity)
	}
	if s.ConfirmedAt != nil {
		out.AssuredDate = strp(s.ConfirmedAt.UTC().Format(time.DateOnly))
	}
	var elig []string
	for _, id := range s.TargetGroupIDs {
		elig = append(elig, hc.groups[id].Name)
	}
	out.EligibilityDescription = strings.Join(elig, ", ")
	out.MinimumAge, out.MaximumAge = s.AgeSpan()
	return out
}

func toService(s *Service, hc *hsdsContext) hsdsService {
	sid := uid(kService, s.ID)
	out := hsdsService{hsdsServiceCore: serviceCore(s, hc), Phones: []hsdsPhone{}, Schedules: []any{}, ServiceAreas: []hsdsArea{}, ServiceAtLocations: []hsdsSAL{},
		Languages: []hsdsLanguage{{ID: uid(kLanguage, s.ID), ServiceID: sid, Name: "čeština", Code: "cs", Attributes: []any{}, Metadata: []any{}}}, Funding: []any{}, CostOptions: []hsdsCost{},
		RequiredDocuments: []any{}, Contacts: []any{}, Attributes: []hsdsAttribute{}, Metadata: []any{}}
	if s.Phone != "" {
		out.Phones = append(out.Phones, hsdsPhone{ID: uid(kPhone, s.ID), ServiceID: &sid, Number: s.Phone, Type: "voice", Languages: []any{}, Attributes: []any{}, Metadata: []any{}})
	}
	for _, m := range s.MunicipalityIDs {
		out.ServiceAreas = append(out.ServiceAreas, hsdsArea{ID: uid(kServiceArea, s.ID*100000+m), ServiceID: sid, Name: hc.munis[m], ExtentType: strp("municipality"), Attributes: []any{}, Metadata: []any{}})
	}
	option := "za úhradu"
	if s.FeesFree {
		option = "zdarma"
	}
	var amount *float64
	if s.FeesFree {
		zero := 0.0
		amount = &zero
	}
	out.CostOptions = append(out.CostOptions, hsdsCost{ID: uid(kCost, s.ID), ServiceID: sid, Option: option, Currency: "CZK", Amount: amount,
		AmountDescription: s.FeesDescription, Attributes: []any{}, Metadata: []any{}})
	if t, ok := hc.types[s.TypeCode]; ok {
		term := typeTerm(t)
		out.Attributes = append(out.Attributes, hsdsAttribute{ID: uid(kAttribute, s.ID*1000), LinkID: sid, TaxonomyTermID: term.ID, LinkType: "service",
			LinkEntity: "service", TaxonomyTerm: &term, Metadata: []any{}})
	}
	for i, id := range s.TargetGroupIDs {
		term := groupTerm(hc.groups[id])
		out.Attributes = append(out.Attributes, hsdsAttribute{ID: uid(kAttribute, s.ID*1000+int64(i)+1), LinkID: sid, TaxonomyTermID: term.ID, LinkType: "service",
			LinkEntity: "service", TaxonomyTerm: &term, Metadata: []any{}})
	}
	for _, l := range s.Locations {
		out.ServiceAtLocations = append(out.ServiceAtLocations, toSAL(s, l, hc))
	}
	return out
}

func toSAL(s *Service, l Location, hc *hsdsContext) hsdsSAL {
	loc := toLocation(s, l, hc)
	return hsdsSAL{hsdsSALCore: hsdsSALCore{ID: uid(kServiceAtLocation, l.ID), ServiceID: uid(kService, s.ID), LocationID: loc.ID}, Location: &loc,
		Contacts: []any{}, Phones: []any{}, Schedules: []any{}, Attributes: []any{}, Metadata: []any{}}
}

func orgCore(o *partner.Organisation) hsdsOrganizationCore {
	desc := o.Description
	if desc == "" {
		desc = o.Name
	}
	return hsdsOrganizationCore{ID: uid(kOrganization, o.ID), Name: o.Name, Description: desc, Email: emailAddr(o.Email), Website: webURL(o.Web), TaxID: strp(o.ICO)}
}

func toOrganization(o *partner.Organisation) hsdsOrganization {
	oid := uid(kOrganization, o.ID)
	out := hsdsOrganization{hsdsOrganizationCore: orgCore(o),
		Funding: []any{}, Contacts: []any{}, Phones: []hsdsPhone{}, Locations: []any{}, Programs: []any{}, OrganizationIdentifiers: []hsdsIdentifier{},
		Attributes: []any{}, Metadata: []any{}}
	if o.Phone != "" {
		out.Phones = append(out.Phones, hsdsPhone{ID: uid(kPhone, 1_000_000_000+o.ID), OrgID: &oid, Number: o.Phone, Type: "voice", Languages: []any{}, Attributes: []any{}, Metadata: []any{}})
	}
	if o.ICO != "" {
		out.OrganizationIdentifiers = append(out.OrganizationIdentifiers, hsdsIdentifier{ID: uid(kIdentifier, o.ID), OrganizationID: oid,
			IdentifierScheme: strp("CZ-ICO"), IdentifierType: "IČO", Identifier: o.ICO, Attributes: []any{}, Metadata: []any{}})
	}
	return out
}

// HSDSServices lists services (search, taxonomy_term_id, taxonomy_id,
// organization_id, modified_after, lat + long + proximity in metres: nearest
// first, page, per_page): their one-to-one fields; full=true nests
// everything, minimal=true gives only ids and dates (all on one page).
func (h *Handler) HSDSServices(w http.ResponseWriter, r *http.Request) error {
	f, err := h.hsdsFilter(r)
	bad := apperr.Fields{}
	full, minimal := hsdsBool(r, "full", bad), hsdsBool(r, "minimal", bad)
	if err := mergeBad(err, bad); err != nil {
		return err
	}
	if minimal && r.URL.Query().Get("per_page") == "" {
		f.Paging = store.Paging{Page: f.Page, PerPage: -1}
	}
	ss, total, err := h.C.FindServices(r.Context(), f)
	if err != nil {
		return err
	}
	switch {
	case minimal:
		out := make([]hsdsMinimal, len(ss))
		for i, s := range ss {
			c := serviceCore(&s, &hsdsContext{})
			out[i] = hsdsMinimal{ID: c.ID, Name: c.Name, Status: c.Status, LastModified: c.LastModified}
		}
		p := f.Paging
		if p.PerPage < 0 {
			p = store.Paging{Page: 1, PerPage: max(1, total)}
		}
		h.hsdsJSON(w, newPage(out, p, total))
	case full:
		out, err := h.hsdsServices(r.Context(), ss)
		if err != nil {
			return err
		}
		h.hsdsJSON(w, newPage(out, f.Paging, total))
	default:
		hc, err := h.hsdsCtx(r.Context(), nil)
		if err != nil {
			return err
		}
		out := make([]hsdsServiceCore, len(ss))
		for i := range ss {
			out[i] = serviceCore(&ss[i], hc)
		}
		h.hsdsJSON(w, newPage(out, f.Paging, total))
	}
	return nil
}

// mergeBad joins the field errors of err and bad into one error.
func mergeBad(err error, bad apperr.Fields) error {
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || len(e.Fields) == 0 {
			return err
		}
		for k, m := range e.Fields {
			if _, dup := bad[k]; !dup {
				bad[k] = m
			}
		}
	}
	return bad.Err()
}

// hsdsServices is ss in the standard's form, with the names they refer to.
func (h *Handler) hsdsServices(ctx context.Context, ss []Service) ([]hsdsService, error) {
	hc, err := h.hsdsCtx(ctx, ss)
	if err != nil {
		return nil, err
	}
	out := make([]hsdsService, len(ss))
	for i := range ss {
		out[i] = toService(&ss[i], hc)
	}
	return out, nil
}

func (h *Handler) hsdsID(r *http.Request, kind int) (int64, error) {
	k, n, ok := parseUID(r.PathValue("id"))
	if !ok || k != kind {
		return 0, apperr.New(apperr.NotFound, "err.not_found")
	}
	return n, nil
}

// HSDSService is one service with its organization.
func (h *Handler) HSDSService(w http.ResponseWriter, r *http.Request) error {
	id, err := h.hsdsID(r, kService)
	if err != nil {
		return err
	}
	s, err := h.C.FindServiceByID(r.Context(), id)
	if err != nil {
		return err
	}
	hc, err := h.hsdsCtx(r.Context(), []Service{*s})
	if err != nil {
		return err
	}
	out := toService(s, hc)
	o, err := h.Partners.FindOrganisationByID(r.Context(), s.OrganisationID)
	if err != nil {
		return err
	}
	org := toOrganization(o)
	out.Organization = &org
	h.hsdsJSON(w, out)
	return nil
}

// HSDSServiceAtLocation is one service at one of its places (GET
// /hsds/service_at_locations/{id}), with the place and the service.
func (h *Handler) HSDSServiceAtLocation(w http.ResponseWriter, r *http.Request) error {
	id, err := h.hsdsID(r, kServiceAtLocation)
	if err != nil {
		return err
	}
	var sid int64
	if err := h.C.DB.QueryRow(r.Context(), `SELECT service_id FROM catalog_locations WHERE id = ?`, id).Scan(&sid); err != nil {
		return store.AppError(store.MapError(err), "service")
	}
	s, err := h.C.FindServiceByID(r.Context(), sid)
	if err != nil {
		return err
	}
	hc, err := h.hsdsCtx(r.Context(), []Service{*s})
	if err != nil {
		return err
	}
	svc := toService(s, hc)
	for _, l := range s.Locations {
		if l.ID == id {
			sal := toSAL(s, l, hc)
			svc.ServiceAtLocations = nil
			sal.Service = &svc
			h.hsdsJSON(w, sal)
			return nil
		}
	}
	return apperr.NotFoundErr("service")
}

// HSDSOrganizations lists the providers that have services in the catalogue
// (search, page, per_page; full=true: with phones and identifiers;
// full_service=true: with their services).
func (h *Handler) HSDSOrganizations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := hsdsPaging(r)
	bad := apperr.Fields{}
	full, fullService := hsdsBool(r, "full", bad), hsdsBool(r, "full_service", bad)
	if err := mergeBad(err, bad); err != nil {
		return err
	}
	provs, err := h.C.Providers(ctx)
	if err != nil {
		return err
	}
	has := map[int64]bool{}
	for _, pc := range provs {
		has[pc.ID] = true
	}
	orgs, _, err := h.Partners.FindOrganisations(ctx, partner.Filter{Q: r.URL.Query().Get("search"), Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	var mine []partner.Organisation
	for i := range orgs {
		if has[orgs[i].ID] {
			mine = append(mine, orgs[i])
		}
	}
	shown := window(mine, p)
	if !full && !fullService {
		out := make([]hsdsOrganizationCore, len(shown))
		for i := range shown {
			out[i] = orgCore(&shown[i])
		}
		h.hsdsJSON(w, newPage(out, p, len(mine)))
		return nil
	}
	out := make([]hsdsOrganization, len(shown))
	for i := range shown {
		out[i] = toOrganization(&shown[i])
	}
	if fullService && len(shown) > 0 {
		var ids []int64
		for _, o := range shown {
			ids = append(ids, o.ID)
		}
		ss, _, err := h.C.FindServices(ctx, Filter{OrganisationIDs: ids, Paging: store.Paging{PerPage: -1}})
		if err != nil {
			return err
		}
		full, err := h.hsdsServices(ctx, ss)
		if err != nil {
			return err
		}
		for i := range out {
			out[i].Services = []any{}
			for j := range ss {
				if ss[j].OrganisationID == shown[i].ID {
					out[i].Services = append(out[i].Services, full[j])
				}
			}
		}
	}
	h.hsdsJSON(w, newPage(out, p, len(mine)))
	return nil
}

// HSDSOrganization is one organization with its services (their one-to-one
// fields; full_service=true: everything).
func (h *Handler) HSDSOrganization(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Fields{}
	fullService := hsdsBool(r, "full_service", bad)
	if err := bad.Err(); err != nil {
		return err
	}
	id, err := h.hsdsID(r, kOrganization)
	if err != nil {
		return err
	}
	o, err := h.Partners.FindOrganisationByID(r.Context(), id)
	if err != nil {
		return err
	}
	ss, _, err := h.C.FindServices(r.Context(), Filter{OrganisationID: id, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	if len(ss) == 0 {
		return apperr.NotFoundErr("organisation")
	}
	out := toOrganization(o)
	out.Services = []any{}
	if fullService {
		full, err := h.hsdsServices(r.Context(), ss)
		if err != nil {
			return err
		}
		for _, s := range full {
			out.Services = append(out.Services, s)
		}
	} else {
		hc, err := h.hsdsCtx(r.Context(), nil)
		if err != nil {
			return err
		}
		for i := range ss {
			out.Services = append(out.Services, serviceCore(&ss[i], hc))
		}
	}
	h.hsdsJSON(w, out)
	return nil
}

// HSDSServiceAtLocations lists where services are provided (search, postcode,
// taxonomy_term_id, taxonomy_id, organization_id, modified_after, lat + long
// + proximity in metres: nearest first, page, per_page; full=true nests
// everything).
func (h *Handler) HSDSServiceAtLocations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := h.hsdsFilter(r)
	bad := apperr.Fields{}
	full := hsdsBool(r, "full", bad)
	if err := mergeBad(err, bad); err != nil {
		return err
	}
	type pair struct{ loc, svc int64 }
	var pairs []pair
	var sids []int64
	var total int
	if f.Near != nil {
		places, err := nearPlaces(ctx, h.C.DB, f, false)
		if err != nil {
			return err
		}
		total = len(places)
		for _, p := range window(places, f.Paging) {
			pairs = append(pairs, pair{p.locationID, p.serviceID})
			sids = append(sids, p.serviceID)
		}
	} else {
		where, args := f.where(h.C.DB.Dialect())
		if pc := strings.ReplaceAll(r.URL.Query().Get("postcode"), " ", ""); pc != "" {
			where = append(where, "REPLACE(l.postcode, ' ', '') = ?")
			args = append(args, pc)
		}
		cond := strings.Join(where, " AND ")
		if err := h.C.DB.QueryRow(ctx, `SELECT COUNT(*) FROM catalog_locations l JOIN catalog_services s ON s.id = l.service_id WHERE `+cond, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := h.C.DB.Query(ctx, `SELECT l.id, l.service_id FROM catalog_locations l JOIN catalog_services s ON s.id = l.service_id WHERE `+cond+
			` ORDER BY s.sort_key, l.id LIMIT ? OFFSET ?`, append(args, f.Limit(), f.Offset())...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p pair
			if err := rows.Scan(&p.loc, &p.svc); err != nil {
				rows.Close()
				return err
			}
			pairs = append(pairs, p)
			sids = append(sids, p.svc)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	ss, _, err := h.C.FindServices(ctx, Filter{IDs: dedupe(sids), All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	hc, err := h.hsdsCtx(ctx, ss)
	if err != nil {
		return err
	}
	byID := map[int64]*Service{}
	for i := range ss {
		byID[ss[i].ID] = &ss[i]
	}
	var fulls []hsdsSAL
	items := []hsdsSALItem{}
	for _, p := range pairs {
		s := byID[p.svc]
		if s == nil {
			continue
		}
		for _, l := range s.Locations {
			if l.ID != p.loc {
				continue
			}
			sal := toSAL(s, l, hc)
			if full {
				svc := toService(s, hc)
				svc.ServiceAtLocations = nil
				sal.Service = &svc
				fulls = append(fulls, sal)
			} else {
				core := serviceCore(s, hc)
				items = append(items, hsdsSALItem{hsdsSALCore: sal.hsdsSALCore, Location: &sal.Location.hsdsLocationCore, Service: &core})
			}
		}
	}
	if full {
		h.hsdsJSON(w, newPage(fulls, f.Paging, total))
	} else {
		h.hsdsJSON(w, newPage(items, f.Paging, total))
	}
	return nil
}

// HSDSTaxonomies lists our two taxonomies: service types and target groups
// (search, page, per_page).
func (h *Handler) HSDSTaxonomies(w http.ResponseWriter, r *http.Request) error {
	p, err := hsdsPaging(r)
	if err != nil {
		return err
	}
	var out []hsdsTaxonomy
	words := strings.Fields(foldQ(r.URL.Query().Get("search")))
	for _, t := range taxonomies() {
		if matchWords(foldQ(t.Name+" "+t.Description), words) {
			out = append(out, t)
		}
	}
	h.hsdsJSON(w, pageOf(out, p))
	return nil
}

// HSDSTaxonomy is one taxonomy.
func (h *Handler) HSDSTaxonomy(w http.ResponseWriter, r *http.Request) error {
	for _, t := range taxonomies() {
		if t.ID == r.PathValue("id") {
			h.hsdsJSON(w, t)
			return nil
		}
	}
	return apperr.New(apperr.NotFound, "err.not_found")
}

func matchWords(hay string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// hsdsTerms are all terms of both taxonomies.
func (h *Handler) hsdsTerms(ctx context.Context) ([]hsdsTerm, error) {
	var terms []hsdsTerm
	ts, err := h.C.Types(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		terms = append(terms, typeTerm(t))
	}
	gs, _, err := h.Partners.FindTargetGroups(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		terms = append(terms, groupTerm(g))
	}
	return terms, nil
}

// HSDSTaxonomyTerms lists the terms (taxonomy_id, search, top_only, parent_id,
// page, per_page). Our taxonomies are flat: every term is a top one.
func (h *Handler) HSDSTaxonomyTerms(w http.ResponseWriter, r *http.Request) error {
	p, err := hsdsPaging(r)
	bad := apperr.Fields{}
	hsdsBool(r, "top_only", bad)
	if err := mergeBad(err, bad); err != nil {
		return err
	}
	q := r.URL.Query()
	terms, err := h.hsdsTerms(r.Context())
	if err != nil {
		return err
	}
	out := []hsdsTerm{}
	words := strings.Fields(foldQ(q.Get("search")))
	for _, t := range terms {
		if tx := q.Get("taxonomy_id"); tx != "" && tx != t.TaxonomyID {
			continue
		}
		if q.Get("parent_id") != "" { // no term has children
			continue
		}
		if matchWords(foldQ(t.Name+" "+t.Code+" "+t.Description), words) {
			out = append(out, t)
		}
	}
	h.hsdsJSON(w, pageOf(out, p))
	return nil
}

// HSDSTaxonomyTerm is one term with its taxonomy.
func (h *Handler) HSDSTaxonomyTerm(w http.ResponseWriter, r *http.Request) error {
	terms, err := h.hsdsTerms(r.Context())
	if err != nil {
		return err
	}
	for _, t := range terms {
		if t.ID == r.PathValue("id") {
			for _, x := range taxonomies() {
				if x.ID == t.TaxonomyID {
					t.TaxonomyDet = &x
				}
			}
			h.hsdsJSON(w, t)
			return nil
		}
	}
	return apperr.New(apperr.NotFound, "err.not_found")
}

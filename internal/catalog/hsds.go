package catalog

import (
	"context"
	"fmt"
	"net/http"
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
)

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

// HSDS objects (fields of the HSDS 3.0 schema; unused ones are null or []).
type hsdsService struct {
	ID                     string            `json:"id"`
	OrganizationID         string            `json:"organization_id"`
	ProgramID              *string           `json:"program_id"`
	Name                   string            `json:"name"`
	AlternateName          *string           `json:"alternate_name"`
	Description            string            `json:"description"`
	URL                    *string           `json:"url"`
	Email                  *string           `json:"email"`
	Status                 string            `json:"status"`
	InterpretationServices *string           `json:"interpretation_services"`
	ApplicationProcess     string            `json:"application_process"`
	FeesDescription        string            `json:"fees_description"`
	WaitTime               *string           `json:"wait_time"`
	Fees                   *string           `json:"fees"`
	Accreditations         *string           `json:"accreditations"`
	EligibilityDescription string            `json:"eligibility_description"`
	MinimumAge             *int              `json:"minimum_age"`
	MaximumAge             *int              `json:"maximum_age"`
	AssuredDate            *string           `json:"assured_date"`
	AssurerEmail           *string           `json:"assurer_email"`
	Licenses               *string           `json:"licenses"`
	Alert                  *string           `json:"alert"`
	LastModified           string            `json:"last_modified"`
	Phones                 []hsdsPhone       `json:"phones"`
	Schedules              []any             `json:"schedules"`
	ServiceAreas           []hsdsArea        `json:"service_areas"`
	ServiceAtLocations     []hsdsSAL         `json:"service_at_locations"`
	Languages              []hsdsLanguage    `json:"languages"`
	Funding                []any             `json:"funding"`
	CostOptions            []hsdsCost        `json:"cost_options"`
	RequiredDocuments      []any             `json:"required_documents"`
	Contacts               []any             `json:"contacts"`
	Attributes             []hsdsAttribute   `json:"attributes"`
	Metadata               []any             `json:"metadata"`
	Organization           *hsdsOrganization `json:"organization,omitempty"`
}

type hsdsPhone struct {
	ID          string  `json:"id"`
	ServiceID   *string `json:"service_id"`
	OrgID       *string `json:"organization_id"`
	Number      string  `json:"number"`
	Extension   *int    `json:"extension"`
	Type        string  `json:"type"`
	Description *string `json:"description"`
	Languages   []any   `json:"languages"`
	Attributes  []any   `json:"attributes"`
	Metadata    []any   `json:"metadata"`
}

type hsdsArea struct {
	ID          string  `json:"id"`
	ServiceID   string  `json:"service_id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Extent      *string `json:"extent"`
	ExtentType  *string `json:"extent_type"`
	URI         *string `json:"uri"`
	Attributes  []any   `json:"attributes"`
	Metadata    []any   `json:"metadata"`
}

type hsdsLanguage struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id"`
	Name      string `json:"name"`
	Code      string `json:"code"`
	Note      any    `json:"note"`
}

type hsdsCost struct {
	ID                string   `json:"id"`
	ServiceID         string   `json:"service_id"`
	ValidFrom         *string  `json:"valid_from"`
	ValidTo           *string  `json:"valid_to"`
	Option            string   `json:"option"`
	Currency          string   `json:"currency"`
	Amount            *float64 `json:"amount"`
	AmountDescription string   `json:"amount_description"`
	Attributes        []any    `json:"attributes"`
	Metadata          []any    `json:"metadata"`
}

type hsdsAttribute struct {
	ID             string    `json:"id"`
	LinkID         string    `json:"link_id"`
	TaxonomyTermID string    `json:"taxonomy_term_id"`
	LinkType       string    `json:"link_type"`
	LinkEntity     string    `json:"link_entity"`
	Value          *string   `json:"value"`
	Label          string    `json:"label"`
	TaxonomyTerm   *hsdsTerm `json:"taxonomy_term"`
	Metadata       []any     `json:"metadata"`
}

type hsdsSAL struct {
	ID          string        `json:"id"`
	ServiceID   string        `json:"service_id"`
	LocationID  string        `json:"location_id"`
	Description *string       `json:"description"`
	Contacts    []any         `json:"contacts"`
	Phones      []any         `json:"phones"`
	Schedules   []any         `json:"schedules"`
	Location    *hsdsLocation `json:"location"`
	Service     *hsdsService  `json:"service,omitempty"`
	Attributes  []any         `json:"attributes"`
	Metadata    []any         `json:"metadata"`
}

type hsdsLocation struct {
	ID                     string         `json:"id"`
	LocationType           string         `json:"location_type"`
	URL                    *string        `json:"url"`
	OrganizationID         string         `json:"organization_id"`
	Name                   string         `json:"name"`
	AlternateName          *string        `json:"alternate_name"`
	Description            *string        `json:"description"`
	Transportation         *string        `json:"transportation"`
	Latitude               *float64       `json:"latitude"`
	Longitude              *float64       `json:"longitude"`
	ExternalIdentifier     *string        `json:"external_identifier"`
	ExternalIdentifierType *string        `json:"external_identifier_type"`
	Languages              []any          `json:"languages"`
	Addresses              []hsdsAddress  `json:"addresses"`
	Contacts               []any          `json:"contacts"`
	Accessibility          []hsdsAccess   `json:"accessibility"`
	Phones                 []any          `json:"phones"`
	Schedules              []hsdsSchedule `json:"schedules"`
	Attributes             []any          `json:"attributes"`
	Metadata               []any          `json:"metadata"`
}

type hsdsAddress struct {
	ID            string  `json:"id"`
	LocationID    string  `json:"location_id"`
	Attention     *string `json:"attention"`
	Address1      string  `json:"address_1"`
	Address2      *string `json:"address_2"`
	City          string  `json:"city"`
	Region        *string `json:"region"`
	StateProvince string  `json:"state_province"`
	PostalCode    string  `json:"postal_code"`
	Country       string  `json:"country"`
	AddressType   string  `json:"address_type"`
	Attributes    []any   `json:"attributes"`
	Metadata      []any   `json:"metadata"`
}

type hsdsAccess struct {
	ID          string  `json:"id"`
	LocationID  string  `json:"location_id"`
	Description string  `json:"description"`
	Details     *string `json:"details"`
	URL         *string `json:"url"`
	Attributes  []any   `json:"attributes"`
	Metadata    []any   `json:"metadata"`
}

type hsdsSchedule struct {
	ID          string  `json:"id"`
	LocationID  string  `json:"location_id"`
	ValidFrom   *string `json:"valid_from"`
	ValidTo     *string `json:"valid_to"`
	Dtstart     *string `json:"dtstart"`
	Freq        *string `json:"freq"`
	Interval    *int    `json:"interval"`
	Byday       *string `json:"byday"`
	OpensAt     *string `json:"opens_at"`
	ClosesAt    *string `json:"closes_at"`
	Description string  `json:"description"`
	Attributes  []any   `json:"attributes"`
	Metadata    []any   `json:"metadata"`
}

type hsdsOrganization struct {
	ID                      string           `json:"id"`
	Name                    string           `json:"name"`
	AlternateName           *string          `json:"alternate_name"`
	Description             string           `json:"description"`
	Email                   *string          `json:"email"`
	Website                 *string          `json:"website"`
	TaxStatus               *string          `json:"tax_status"`
	TaxID                   *string          `json:"tax_id"`
	YearIncorporated        *int             `json:"year_incorporated"`
	LegalStatus             *string          `json:"legal_status"`
	Logo                    *string          `json:"logo"`
	URI                     *string          `json:"uri"`
	ParentOrganizationID    *string          `json:"parent_organization_id"`
	Funding                 []any            `json:"funding"`
	Contacts                []any            `json:"contacts"`
	Phones                  []hsdsPhone      `json:"phones"`
	Locations               []any            `json:"locations"`
	Programs                []any            `json:"programs"`
	OrganizationIdentifiers []hsdsIdentifier `json:"organization_identifiers"`
	Attributes              []any            `json:"attributes"`
	Metadata                []any            `json:"metadata"`
	Services                []hsdsService    `json:"services,omitempty"`
}

type hsdsIdentifier struct {
	ID               string  `json:"id"`
	OrganizationID   string  `json:"organization_id"`
	IdentifierScheme *string `json:"identifier_scheme"`
	IdentifierType   string  `json:"identifier_type"`
	Identifier       string  `json:"identifier"`
	Attributes       []any   `json:"attributes"`
	Metadata         []any   `json:"metadata"`
}

type hsdsTaxonomy struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	URI         *string `json:"uri"`
	Version     *string `json:"version"`
	Metadata    []any   `json:"metadata"`
}

type hsdsTerm struct {
	ID          string        `json:"id"`
	Code        string        `json:"code"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	ParentID    *string       `json:"parent_id"`
	Taxonomy    string        `json:"taxonomy"`
	TaxonomyID  string        `json:"taxonomy_id"`
	Language    string        `json:"language"`
	TermURI     *string       `json:"term_uri"`
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

func hsdsPaging(r *http.Request) store.Paging {
	p := web.PagingFrom(r)
	if r.URL.Query().Get("per_page") == "" {
		p.PerPage = 50
	}
	return p.Normalize()
}

func (h *Handler) hsdsJSON(w http.ResponseWriter, v any) { web.JSON(w, http.StatusOK, v) }

func foldQ(s string) string { return czech.Fold(s) }

// HSDSRoot is the API's metadata (GET /hsds/).
func (h *Handler) HSDSRoot(w http.ResponseWriter, r *http.Request) error {
	h.hsdsJSON(w, map[string]any{"version": "3.0", "profile": "https://docs.openreferral.org/en/latest/hsds/",
		"openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
		"publisher":   "kpss", "language": "cs"})
	return nil
}

// hsdsFilter reads the standard's query parameters.
func (h *Handler) hsdsFilter(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	f := Filter{Q: q.Get("search"), Paging: hsdsPaging(r)}
	bad := apperr.Fields{}
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
	orgs   map[int64]*partner.Organisation
}

func (h *Handler) hsdsCtx(ctx context.Context, ss []Service) (*hsdsContext, error) {
	hc := &hsdsContext{types: map[string]ServiceType{}, groups: map[int64]partner.TargetGroup{}, orgs: map[int64]*partner.Organisation{}}
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
	loc := hsdsLocation{ID: lid, LocationType: "physical", OrganizationID: uid(kOrganization, s.OrganisationID), Name: name,
		Latitude: l.Latitude, Longitude: l.Longitude, Languages: []any{}, Contacts: []any{}, Phones: []any{}, Attributes: []any{}, Metadata: []any{},
		Addresses: []hsdsAddress{{ID: uid(kAddress, l.ID), LocationID: lid, Address1: addr1, City: city, StateProvince: "", PostalCode: l.Postcode,
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

func toService(s *Service, hc *hsdsContext) hsdsService {
	sid := uid(kService, s.ID)
	status := "active"
	if s.Status != StatusActive {
		status = "inactive"
	}
	out := hsdsService{ID: sid, OrganizationID: uid(kOrganization, s.OrganisationID), Name: s.Name, Description: s.Description, Status: status,
		URL: strp(s.Web), Email: strp(s.Email), ApplicationProcess: s.HowToApply, FeesDescription: s.FeesDescription, Licenses: strp(s.RegistryID),
		LastModified: s.UpdatedAt.UTC().Format(time.RFC3339), Phones: []hsdsPhone{}, Schedules: []any{}, ServiceAreas: []hsdsArea{}, ServiceAtLocations: []hsdsSAL{},
		Languages: []hsdsLanguage{{ID: uid(kService, s.ID), ServiceID: sid, Name: "čeština", Code: "cs"}}, Funding: []any{}, CostOptions: []hsdsCost{},
		RequiredDocuments: []any{}, Contacts: []any{}, Attributes: []hsdsAttribute{}, Metadata: []any{}}
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
			LinkEntity: "service", Label: "druh služby", TaxonomyTerm: &term, Metadata: []any{}})
	}
	for i, id := range s.TargetGroupIDs {
		term := groupTerm(hc.groups[id])
		out.Attributes = append(out.Attributes, hsdsAttribute{ID: uid(kAttribute, s.ID*1000+int64(i)+1), LinkID: sid, TaxonomyTermID: term.ID, LinkType: "service",
			LinkEntity: "service", Label: "cílová skupina", TaxonomyTerm: &term, Metadata: []any{}})
	}
	for _, l := range s.Locations {
		loc := toLocation(s, l, hc)
		out.ServiceAtLocations = append(out.ServiceAtLocations, hsdsSAL{ID: uid(kServiceAtLocation, l.ID), ServiceID: sid, LocationID: loc.ID, Location: &loc,
			Contacts: []any{}, Phones: []any{}, Schedules: []any{}, Attributes: []any{}, Metadata: []any{}})
	}
	return out
}

func toOrganization(o *partner.Organisation) hsdsOrganization {
	oid := uid(kOrganization, o.ID)
	desc := o.Description
	if desc == "" {
		desc = o.Name
	}
	out := hsdsOrganization{ID: oid, Name: o.Name, Description: desc, Email: strp(o.Email), Website: strp(o.Web), TaxID: strp(o.ICO),
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

// HSDSServices lists services (search, taxonomy_term_id, organization_id,
// modified_after, lat + long + proximity in metres: nearest first, page, per_page).
func (h *Handler) HSDSServices(w http.ResponseWriter, r *http.Request) error {
	f, err := h.hsdsFilter(r)
	if err != nil {
		return err
	}
	ss, total, err := h.C.FindServices(r.Context(), f)
	if err != nil {
		return err
	}
	out, err := h.hsdsServices(r.Context(), ss)
	if err != nil {
		return err
	}
	h.hsdsJSON(w, newPage(out, f.Paging, total))
	return nil
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

// HSDSOrganizations lists the providers that have services in the catalogue.
func (h *Handler) HSDSOrganizations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := hsdsPaging(r)
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
	var all []hsdsOrganization
	for i := range orgs {
		if has[orgs[i].ID] {
			all = append(all, toOrganization(&orgs[i]))
		}
	}
	h.hsdsJSON(w, pageOf(all, p))
	return nil
}

// HSDSOrganization is one organization with its services.
func (h *Handler) HSDSOrganization(w http.ResponseWriter, r *http.Request) error {
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
	if out.Services, err = h.hsdsServices(r.Context(), ss); err != nil {
		return err
	}
	h.hsdsJSON(w, out)
	return nil
}

// HSDSServiceAtLocations lists where services are provided (search, postcode,
// lat + long + proximity in metres: nearest first, page).
func (h *Handler) HSDSServiceAtLocations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := h.hsdsFilter(r)
	if err != nil {
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
	out := []hsdsSAL{}
	for _, p := range pairs {
		s := byID[p.svc]
		svc := toService(s, hc)
		for _, sal := range svc.ServiceAtLocations {
			if sal.ID == uid(kServiceAtLocation, p.loc) {
				short := svc
				short.ServiceAtLocations = []hsdsSAL{}
				sal.Service = &short
				out = append(out, sal)
			}
		}
	}
	h.hsdsJSON(w, newPage(out, f.Paging, total))
	return nil
}

// HSDSTaxonomies lists our two taxonomies: service types and target groups.
func (h *Handler) HSDSTaxonomies(w http.ResponseWriter, r *http.Request) error {
	t := taxonomies()
	h.hsdsJSON(w, newPage(t, store.Paging{Page: 1, PerPage: 50}, len(t)))
	return nil
}

// HSDSTaxonomyTerms lists the terms (taxonomy_id, search, page, per_page).
func (h *Handler) HSDSTaxonomyTerms(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := hsdsPaging(r)
	q := r.URL.Query()
	var terms []hsdsTerm
	ts, err := h.C.Types(ctx)
	if err != nil {
		return err
	}
	for _, t := range ts {
		terms = append(terms, typeTerm(t))
	}
	gs, _, err := h.Partners.FindTargetGroups(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	for _, g := range gs {
		terms = append(terms, groupTerm(g))
	}
	var out []hsdsTerm
	words := strings.Fields(foldQ(q.Get("search")))
	for _, t := range terms {
		if tx := q.Get("taxonomy_id"); tx != "" && tx != t.TaxonomyID {
			continue
		}
		hay := foldQ(t.Name + " " + t.Code + " " + t.Description)
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(hay, w)
		}
		if ok {
			out = append(out, t)
		}
	}
	h.hsdsJSON(w, pageOf(out, p))
	return nil
}

package catalog

import (
	"context"
	"embed"
	"html/template"
	"kpss/internal/pagecache"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/czech"
	"kpss/internal/geo"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
)

//go:embed templates/*.html i18n/*.json
var files embed.FS

// Handler serves the catalogue's pages, its HSDS API and its PDF.
type Handler struct {
	C        *Catalog
	R        *web.Renderer
	API      *web.API
	Partners *partner.Service
	Mail     mail.Sender
	BaseURL  string
	cache    *pagecache.Cache
}

// NewHandler registers the module's templates and messages.
func NewHandler(c *Catalog, r *web.Renderer, api *web.API, ms mail.Sender, baseURL string) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("catalog", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{C: c, R: r, API: api, Partners: c.Partners, Mail: ms, BaseURL: strings.TrimSuffix(baseURL, "/"), cache: pagecache.New(5000)}, nil
}

// manyMunicipalities is where a select of municipalities turns into a text field.
const manyMunicipalities = 200

// Names maps ids to names for display.
type Names map[int64]string

// Distances are the radii the search form offers, in km.
var Distances = []int{5, 10, 20, 50}

// maxKm caps a radius asked for in the URL.
const maxKm = 300

// where is the "where" part of a search as the visitor gave it.
type where struct {
	Obec     string // an id or a name
	Km       int    // 0: in the municipality only
	Here     bool   // from the visitor's own position (lat, lng)
	Lat, Lng string // the position as sent (rounded), to keep it in the form
	Origin   string // the municipality's name a distance is measured from
	NoCentre bool   // a distance was asked from a municipality without known centre
}

// nearInfo is how far a result is and through which place.
type nearInfo struct {
	Km           float64
	Address      string // the nearest place's address, or
	Municipality string // the served municipality whose centre was nearest
}

// searchData is what the search page shows.
type searchData struct {
	Filter         Filter
	Where          where
	Distances      []int
	NearOf         map[int64]*nearInfo // by service id, in a search by distance
	WithoutHere    string              // the search without the visitor's position
	Map            template.JS         // the GeoJSON of the results' places with coordinates
	MapPoints      int
	Obec           string
	Items          []Service
	Pager          web.Pager
	Searched       bool
	Municipalities []web.Option // nil when there are too many for a select
	Groups         []web.Option
	Types          []web.Option
	TypeOf         map[string]ServiceType
	MuniNames      Names
	GroupNames     Names
	AgeGroupList   []string
	FormList       []string
}

// filterFrom reads the visitor's search: q (what), obec (where: an id or a
// name), km (a radius around the municipality's centre instead of the
// municipality alone), lat and lng (the visitor's position, with km),
// skupina (target group), vek (age group), druh (type), forma (form).
func (h *Handler) filterFrom(ctx context.Context, q url.Values) (Filter, where, error) {
	f, obec, err := h.filterWhat(ctx, q)
	wh := where{Obec: obec}
	if err != nil {
		return f, wh, err
	}
	km, _ := strconv.Atoi(q.Get("km"))
	if km <= 0 {
		return f, wh, nil
	}
	wh.Km = min(km, maxKm)
	if lat, lng, ok := pointFrom(q.Get("lat"), q.Get("lng")); ok {
		// The position is rounded to about 100 m: enough for "within N km",
		// and the URL (logs, the page cache) does not pinpoint a home.
		lat, lng = math.Round(lat*1000)/1000, math.Round(lng*1000)/1000
		wh.Here, wh.Lat, wh.Lng = true, strconv.FormatFloat(lat, 'f', 3, 64), strconv.FormatFloat(lng, 'f', 3, 64)
		f.MunicipalityID = 0
		f.Near = &Near{Lat: lat, Lng: lng, Km: float64(wh.Km)}
		return f, wh, nil
	}
	if f.MunicipalityID <= 0 {
		wh.Km = 0
		return f, wh, nil
	}
	m, err := h.Partners.FindMunicipalityByID(ctx, f.MunicipalityID)
	if err != nil {
		return f, wh, err
	}
	wh.Origin = m.Name
	if m.Lat == nil || m.Lng == nil {
		wh.NoCentre = true // searched in the municipality alone, and said so
		return f, wh, nil
	}
	f.MunicipalityID = 0
	f.Near = &Near{Lat: *m.Lat, Lng: *m.Lng, Km: float64(wh.Km)}
	return f, wh, nil
}

// pointFrom reads a latitude and longitude ("49.21", "17.53"; a decimal
// comma is fine).
func pointFrom(lat, lng string) (float64, float64, bool) {
	if lat == "" || lng == "" {
		return 0, 0, false
	}
	la, err1 := geo.ParseCoord(lat)
	ln, err2 := geo.ParseCoord(lng)
	if err1 != nil || err2 != nil || !geo.Valid(la, ln) {
		return 0, 0, false
	}
	return la, ln, true
}

// filterWhat reads everything but the distance.
func (h *Handler) filterWhat(ctx context.Context, q url.Values) (Filter, string, error) {
	f := Filter{Q: strings.TrimSpace(q.Get("q")), AgeGroup: q.Get("vek"), TypeCode: q.Get("druh"), Form: q.Get("forma")}
	if !slices.Contains(AgeGroups, f.AgeGroup) {
		f.AgeGroup = ""
	}
	f.TargetGroupID, _ = strconv.ParseInt(q.Get("skupina"), 10, 64)
	obec := strings.TrimSpace(q.Get("obec"))
	if id, err := strconv.ParseInt(obec, 10, 64); err == nil {
		f.MunicipalityID = id
	} else if obec != "" {
		ms, _, err := h.Partners.FindMunicipalities(ctx, partner.Filter{Q: obec, Paging: store.Paging{PerPage: 20}})
		if err != nil {
			return f, obec, err
		}
		for _, m := range ms {
			if czech.Fold(m.Name) == czech.Fold(obec) {
				f.MunicipalityID = m.ID
			}
		}
		if f.MunicipalityID == 0 && len(ms) == 1 {
			f.MunicipalityID = ms[0].ID
		}
		if f.MunicipalityID == 0 {
			f.MunicipalityID = -1 // no such municipality: nothing found
		}
	}
	return f, obec, nil
}

// ShowSearch is the public catalogue: search by what, where and for whom.
func (h *Handler) ShowSearch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f, wh, err := h.filterFrom(ctx, q)
	if err != nil {
		return err
	}
	f.Paging = web.PagingFrom(r)
	if q.Get("per_page") == "" {
		f.PerPage = 20
	}
	items, total, err := h.C.FindServices(ctx, f)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "catalog.search.title")
	d, err := h.searchData(ctx, p)
	if err != nil {
		return err
	}
	d.Filter, d.Where, d.Obec, d.Items, d.Pager = f, wh, wh.Obec, items, web.NewPager(r, f.Paging, total)
	d.Searched = f.Q != "" || wh.Obec != "" || wh.Here || f.TargetGroupID != 0 || f.AgeGroup != "" || f.TypeCode != "" || f.Form != ""
	if d.MuniNames, err = h.names(ctx, "municipalities", items); err != nil {
		return err
	}
	d.Map, d.MapPoints = mapOf(items)
	d.NearOf = map[int64]*nearInfo{}
	for i := range items {
		s := &items[i]
		if s.Distance == nil {
			continue
		}
		n := &nearInfo{Km: *s.Distance, Municipality: d.MuniNames[s.NearMunicipalityID]}
		if l := s.NearLocation(); l != nil {
			n.Address = l.Address
		}
		d.NearOf[s.ID] = n
	}
	if wh.Here {
		u := *r.URL
		v := u.Query()
		for k, vs := range v {
			if k == "lat" || k == "lng" || k == "km" || k == "page" || len(vs) == 0 || vs[0] == "" {
				v.Del(k)
			}
		}
		u.RawQuery = v.Encode()
		d.WithoutHere = u.RequestURI()
	}
	p.Data = d
	h.R.Render(w, r, http.StatusOK, "catalog/search", p)
	return nil
}

// mapOf is the GeoJSON of the places of ss that have coordinates: the same
// entries as the list next to the map, each linked to its service.
func mapOf(ss []Service) (template.JS, int) {
	var fs []web.Feature
	for _, s := range ss {
		for _, l := range s.Locations {
			if l.Latitude != nil && l.Longitude != nil {
				fs = append(fs, web.Feature{Lat: *l.Latitude, Lng: *l.Longitude, Title: s.Name, URL: "/katalog/sluzby/" + itoa(s.ID), Text: l.Address})
			}
		}
	}
	return web.FeatureCollection(fs), len(fs)
}

func (h *Handler) searchData(ctx context.Context, p *web.Page) (searchData, error) {
	d := searchData{Distances: Distances, TypeOf: map[string]ServiceType{}, AgeGroupList: AgeGroups, FormList: []string{"residential", "outpatient", "field"}}
	_, nm, err := h.Partners.FindMunicipalities(ctx, partner.Filter{Paging: store.Paging{PerPage: 1}})
	if err != nil {
		return d, err
	}
	if nm <= manyMunicipalities {
		ms, _, err := h.Partners.FindMunicipalities(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
		if err != nil {
			return d, err
		}
		d.Municipalities = []web.Option{{Value: "", Label: p.L.T("catalog.search.anywhere")}}
		for _, m := range ms {
			d.Municipalities = append(d.Municipalities, web.Option{Value: itoa(m.ID), Label: m.Name})
		}
	}
	gs, _, err := h.Partners.FindTargetGroups(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return d, err
	}
	d.GroupNames = Names{}
	d.Groups = []web.Option{{Value: "", Label: p.L.T("catalog.search.anyone")}}
	for _, g := range gs {
		d.Groups = append(d.Groups, web.Option{Value: itoa(g.ID), Label: g.Name})
		d.GroupNames[g.ID] = g.Name
	}
	ts, err := h.C.Types(ctx)
	if err != nil {
		return d, err
	}
	d.Types = []web.Option{{Value: "", Label: p.L.T("catalog.search.any_type")}}
	for _, t := range ts {
		d.Types = append(d.Types, web.Option{Value: t.Code, Label: t.Label()})
		d.TypeOf[t.Code] = t
	}
	return d, nil
}

// names returns the names of the municipalities the services refer to.
func (h *Handler) names(ctx context.Context, table string, ss []Service) (Names, error) {
	var ids []int64
	for _, s := range ss {
		ids = append(ids, s.MunicipalityIDs...)
		for _, l := range s.Locations {
			if l.MunicipalityID != nil {
				ids = append(ids, *l.MunicipalityID)
			}
		}
	}
	ids = dedupe(ids)
	out := Names{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := h.C.DB.Query(ctx, `SELECT id, name FROM `+table+` WHERE id IN (`+store.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// ShowService is a service's public detail page (printable).
func (h *Handler) ShowService(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	s, err := h.C.FindServiceByID(ctx, id)
	if err != nil {
		return err
	}
	u := auth.UserFrom(ctx)
	canEdit := u.IsStaff() || (u.Is(auth.RoleProvider) && u.OrganisationID != nil && *u.OrganisationID == s.OrganisationID)
	if s.Status != StatusActive && !canEdit {
		return apperr.NotFoundErr("service")
	}
	p := h.R.Page(r, "catalog.service.title", "Name", s.Name).Crumb("/katalog", h.R.Localizer(r).T("catalog.search.title"))
	d, err := h.searchData(ctx, p)
	if err != nil {
		return err
	}
	muni, err := h.names(ctx, "municipalities", []Service{*s})
	if err != nil {
		return err
	}
	m, n := mapOf([]Service{*s})
	p.Data = map[string]any{"S": s, "Type": d.TypeOf[s.TypeCode], "Munis": muni, "Groups": d.GroupNames, "CanEdit": canEdit, "Map": m, "MapPoints": n}
	h.R.Render(w, r, http.StatusOK, "catalog/service", p)
	return nil
}

// ShowProvider is a provider's public page with its services.
func (h *Handler) ShowProvider(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, err := h.Partners.FindOrganisationByID(ctx, id)
	if err != nil {
		return err
	}
	items, _, err := h.C.FindServices(ctx, Filter{OrganisationID: id, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	if o.Archived && len(items) == 0 {
		return apperr.NotFoundErr("organisation")
	}
	p := h.R.Page(r, "catalog.provider.title", "Name", o.Name).Crumb("/katalog", h.R.Localizer(r).T("catalog.search.title"))
	d, err := h.searchData(ctx, p)
	if err != nil {
		return err
	}
	muni, err := h.names(ctx, "municipalities", items)
	if err != nil {
		return err
	}
	m, n := mapOf(items)
	p.Data = map[string]any{"O": o, "Items": items, "TypeOf": d.TypeOf, "Munis": muni, "Groups": d.GroupNames, "Map": m, "MapPoints": n}
	h.R.Render(w, r, http.StatusOK, "catalog/provider", p)
	return nil
}

// ShowProviders lists the providers that have services in the catalogue.
func (h *Handler) ShowProviders(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.C.Providers(r.Context())
	if err != nil {
		return err
	}
	p := h.R.Page(r, "catalog.providers.title").Crumb("/katalog", h.R.Localizer(r).T("catalog.search.title"))
	p.Data = map[string]any{"Items": ps}
	h.R.Render(w, r, http.StatusOK, "catalog/providers", p)
	return nil
}

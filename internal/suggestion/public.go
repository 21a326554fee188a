package suggestion

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kpss/internal/geo"
	"kpss/internal/web"
)

// The public list and map of suggestions (/podnety/verejne): filterable by
// category, state and municipality, without any personal data. A place shows
// exactly only when the citizen did not ask for privacy; otherwise it is
// coarsened, and a suggestion without a point shows at its municipality.

// MapCap is the most points the public map shows (the newest of the
// filtered set); the list below it has them all.
const MapCap = 500

// PublicItem is one entry of the public list and map.
type PublicItem struct {
	Code           string
	Title          string
	CategoryID     int64
	MunicipalityID int64
	State          State
	QuickWin       bool
	ReceivedAt     time.Time
	Address        string   // "" when private
	Lat, Lng       *float64 // exact, coarsened (private) or the municipality's (none)
	Approx         bool     // the point is not the exact place
	Private        bool     // the citizen asked to hide the exact place
}

// URL is the public tracking page.
func (p PublicItem) URL() string { return "/podnet/" + p.Code }

// publicCols are the only columns the public list reads: no contact, no photo.
const publicCols = `s.code, s.text, s.category_id, COALESCE(s.municipality_id, 0), s.state, s.quick_win, s.received_at, s.address, s.lat, s.lng, s.location_private`

// PublicList returns a page of the public list (newest first) and the count,
// capped at ListCountCap (a total above it means "more than").
func (s *Service) PublicList(ctx context.Context, f Filter) ([]PublicItem, int, error) {
	f = publicOnly(f)
	where, args := f.where()
	cond := strings.Join(where, " AND ")
	total, err := countSuggestions(ctx, s.DB, "suggestions s", cond, args, ListCountCap)
	if err != nil {
		return nil, 0, err
	}
	items, err := s.publicItems(ctx, cond, args, f.Limit(), f.Offset())
	return items, total, err
}

// PublicPoints returns the newest MapCap suggestions of the filter that have
// a point to show, and whether there were more.
func (s *Service) PublicPoints(ctx context.Context, f Filter) ([]PublicItem, bool, error) {
	f = publicOnly(f)
	where, args := f.where()
	items, err := s.publicItems(ctx, strings.Join(where, " AND "), args, MapCap+1, 0)
	if err != nil {
		return nil, false, err
	}
	more := len(items) > MapCap
	if more {
		items = items[:MapCap]
	}
	out := items[:0]
	for _, it := range items {
		if it.Lat != nil && it.Lng != nil {
			out = append(out, it)
		}
	}
	return out, more, nil
}

// publicOnly keeps only the filters the public may use.
func publicOnly(f Filter) Filter {
	return Filter{States: f.States, CategoryID: f.CategoryID, MunicipalityID: f.MunicipalityID, Paging: f.Paging}
}

func (s *Service) publicItems(ctx context.Context, cond string, args []any, limit, offset int) ([]PublicItem, error) {
	centroids, err := s.centroids(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+publicCols+` FROM suggestions s WHERE `+cond+` ORDER BY s.received_at DESC, s.id DESC LIMIT ? OFFSET ?`,
		append(append([]any(nil), args...), limit, offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PublicItem
	for rows.Next() {
		var it PublicItem
		var text string
		var private bool
		if err := rows.Scan(&it.Code, &text, &it.CategoryID, &it.MunicipalityID, &it.State, &it.QuickWin, &it.ReceivedAt, &it.Address, &it.Lat, &it.Lng, &private); err != nil {
			return nil, err
		}
		it.Title = Shorten(text, 120)
		publicPlace(&it, private, centroids)
		out = append(out, it)
	}
	return out, rows.Err()
}

// publicPlace hides what the citizen asked to hide: the address, and the
// exact point (coarsened to a grid of about 150 m); with no point the
// municipality's centre stands in.
func publicPlace(it *PublicItem, private bool, centroids map[int64][2]float64) {
	if private {
		it.Address, it.Private = "", true
		if it.Lat != nil && it.Lng != nil {
			la, lo := geo.Coarsen(*it.Lat, *it.Lng)
			it.Lat, it.Lng, it.Approx = &la, &lo, true
		}
	}
	if it.Lat == nil || it.Lng == nil {
		it.Lat, it.Lng = nil, nil
		if c, ok := centroids[it.MunicipalityID]; ok {
			la, lo := c[0], c[1]
			it.Lat, it.Lng, it.Approx = &la, &lo, true
		}
	}
}

// ---------- pages

// publicFilterFrom reads the public filters: state, category, municipality.
func publicFilterFrom(r *http.Request) Filter {
	f := filterFrom(r)
	return publicOnly(f)
}

// publicQuery is the filter part of the query string (for the map's source
// and the pager), without the page.
func publicQuery(r *http.Request) string {
	q := url.Values{}
	for _, k := range []string{"state", "category_id", "municipality_id"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// ShowPublicList is the public list and map of suggestions.
func (h *Handler) ShowPublicList(w http.ResponseWriter, r *http.Request) error {
	f := publicFilterFrom(r)
	items, total, err := h.Svc.PublicList(r.Context(), f)
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "suggestion.public.title")
	p.Wide = true
	p.Form = web.NewForm(r.URL.Query())
	munis, err := h.municipalityOptions(r, p, "form.any")
	if err != nil {
		return err
	}
	pv := p.PagerView(web.NewPager(r, f.Paging, total))
	more := total > ListCountCap
	if more {
		pv.Summary = p.L.T("suggestion.public.summary_more", "From", pv.From(), "To", pv.To(), "Cap", ListCountCap)
	}
	src := "/podnety/verejne.geojson"
	if q := publicQuery(r); q != "" {
		src += "?" + q
	}
	p.Data = map[string]any{"Items": items, "Pager": pv, "Total": total, "More": more, "Cap": ListCountCap, "N": n,
		"States": stateOptions(p), "Categories": h.categoryOptions(p, n, "form.any"), "Municipalities": munis,
		"MapSrc": src, "MapCap": MapCap}
	h.R.Render(w, r, http.StatusOK, "suggestion/public", p)
	return nil
}

// PublicGeoJSON is the public map's points as a GeoJSON FeatureCollection
// (at most MapCap, the newest of the filter; the header X-Truncated says
// there were more, and the page says so in words).
func (h *Handler) PublicGeoJSON(w http.ResponseWriter, r *http.Request) error {
	items, more, err := h.Svc.PublicPoints(r.Context(), publicFilterFrom(r))
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	l := h.R.Localizer(r)
	points := make([]web.Feature, 0, len(items))
	for _, it := range items {
		text := l.T("suggestion.state."+string(it.State)) + " · " + n.Category(it.CategoryID) + " · " + n.Municipality[it.MunicipalityID] + " · " + l.Date(it.ReceivedAt)
		if it.Approx {
			text += " · " + l.T("suggestion.public.approx")
		}
		points = append(points, web.Feature{Lat: *it.Lat, Lng: *it.Lng, Title: it.Code + ": " + it.Title, URL: it.URL(), Text: text})
	}
	if more {
		w.Header().Set("X-Truncated", strconv.Itoa(MapCap))
	}
	w.Header().Set("Content-Type", "application/geo+json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	_, err = w.Write(web.GeoJSON(points))
	return err
}

// centroids are the centres of the municipalities that have one.
func (s *Service) centroids(ctx context.Context) (map[int64][2]float64, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, latitude, longitude FROM municipalities WHERE latitude IS NOT NULL AND longitude IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][2]float64{}
	for rows.Next() {
		var id int64
		var la, lo float64
		if err := rows.Scan(&id, &la, &lo); err != nil {
			return nil, err
		}
		out[id] = [2]float64{la, lo}
	}
	return out, rows.Err()
}

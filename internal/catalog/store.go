package catalog

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"kpss/internal/czech"
	"kpss/internal/geo"
	"kpss/internal/store"
)

// Filter selects services. By default only active ones.
type Filter struct {
	Q               string // words, diacritics-insensitive, each may be a prefix or part of a word
	MunicipalityID  int64  // served there or located there
	TargetGroupID   int64
	AnyTargetGroup  bool   // services for at least one target group
	AgeGroup        string // services for this age group (or for all ages)
	TypeCode        string
	Form            string // residential, outpatient, field
	OrganisationID  int64
	OrganisationIDs []int64 // services of any of these
	All             bool    // active and inactive
	ModifiedAfter   time.Time
	IDs             []int64
	Near            *Near // a search by distance: results sorted by it
	store.Paging
}

// Near is a search by distance: services that have a place, or serve a
// municipality whose centre is, within Km of (Lat, Lng).
type Near struct {
	Lat, Lng, Km float64
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

type scanner interface{ Scan(...any) error }

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// searchWords splits folded text into the words the full-text indexes know:
// runs of letters and digits.
func searchWords(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// ftsQuery turns folded words into an FTS5 query of word prefixes
// ("pecovat"* "napaj"*); "" when no word is left.
func ftsQuery(folded string) string {
	var terms []string
	for _, w := range searchWords(folded) {
		terms = append(terms, `"`+w+`"*`)
	}
	return strings.Join(terms, " ")
}

// tsQuery is the same for PostgreSQL's to_tsquery: 'pecovat':* & 'napaj':*.
// The words hold only letters and digits, so quoting cannot break out.
func tsQuery(folded string) string {
	var terms []string
	for _, w := range searchWords(folded) {
		terms = append(terms, "'"+w+"':*")
	}
	return strings.Join(terms, " & ")
}

func (f Filter) where(d store.Dialect) ([]string, []any) {
	var where []string
	var args []any
	if !f.All {
		where = append(where, "s.status = ?")
		args = append(args, StatusActive)
	}
	// Both engines match word prefixes through a full-text index: FTS5 on
	// SQLite, a GIN-indexed tsvector on PostgreSQL (migration 0011).
	// Text without a single word ("§") falls back to LIKE on the folded column.
	folded := czech.Fold(f.Q)
	switch {
	case len(searchWords(folded)) == 0:
		for _, w := range store.LikeWords(folded) {
			where = append(where, `s.search LIKE ? ESCAPE '\'`)
			args = append(args, w)
		}
	case d == store.SQLite:
		where = append(where, `s.id IN (SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH ?)`)
		args = append(args, ftsQuery(folded))
	default:
		where = append(where, `s.search_tsv @@ to_tsquery('simple', ?)`)
		args = append(args, tsQuery(folded))
	}
	if f.MunicipalityID != 0 {
		where = append(where, `(EXISTS (SELECT 1 FROM catalog_service_municipalities m WHERE m.service_id = s.id AND m.municipality_id = ?)
			OR EXISTS (SELECT 1 FROM catalog_locations l WHERE l.service_id = s.id AND l.municipality_id = ?))`)
		args = append(args, f.MunicipalityID, f.MunicipalityID)
	}
	if f.TargetGroupID != 0 {
		where = append(where, `EXISTS (SELECT 1 FROM catalog_service_target_groups g WHERE g.service_id = s.id AND g.target_group_id = ?)`)
		args = append(args, f.TargetGroupID)
	}
	if f.AnyTargetGroup {
		where = append(where, `EXISTS (SELECT 1 FROM catalog_service_target_groups g WHERE g.service_id = s.id)`)
	}
	if f.AgeGroup != "" {
		where = append(where, `(s.age_groups = '' OR s.age_groups LIKE ?)`)
		args = append(args, "%,"+f.AgeGroup+",%")
	}
	if f.TypeCode != "" {
		where = append(where, "s.type_code = ?")
		args = append(args, f.TypeCode)
	}
	switch f.Form {
	case "residential":
		where = append(where, "s.form_residential = ?")
		args = append(args, true)
	case "outpatient":
		where = append(where, "s.form_outpatient = ?")
		args = append(args, true)
	case "field":
		where = append(where, "s.form_field = ?")
		args = append(args, true)
	}
	if f.OrganisationID != 0 {
		where = append(where, "s.organisation_id = ?")
		args = append(args, f.OrganisationID)
	}
	if len(f.OrganisationIDs) > 0 {
		where = append(where, "s.organisation_id IN (?"+strings.Repeat(", ?", len(f.OrganisationIDs)-1)+")")
		for _, id := range f.OrganisationIDs {
			args = append(args, id)
		}
	}
	if !f.ModifiedAfter.IsZero() {
		where = append(where, "s.updated_at > ?")
		args = append(args, f.ModifiedAfter.UTC())
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			where = append(where, "1=0")
		} else {
			where = append(where, "s.id IN ("+store.Placeholders(len(f.IDs))+")")
			for _, id := range f.IDs {
				args = append(args, id)
			}
		}
	}
	if len(where) == 0 {
		where = append(where, "1=1")
	}
	return where, args
}

const serviceCols = `s.id, s.organisation_id, s.type_code, s.name, s.registry_id, s.form_residential, s.form_outpatient, s.form_field,
	s.age_groups, s.description, s.how_to_apply, s.capacity, s.fees_free, s.fees_description, s.email, s.phone, s.web,
	s.status, s.source, s.registry_hash, s.confirmed_at, s.created_at, s.updated_at, o.name`

func scanService(sc scanner) (Service, error) {
	var s Service
	var reg sql.NullString
	var ages string
	err := sc.Scan(&s.ID, &s.OrganisationID, &s.TypeCode, &s.Name, &reg, &s.Residential, &s.Outpatient, &s.Field,
		&ages, &s.Description, &s.HowToApply, &s.Capacity, &s.FeesFree, &s.FeesDescription, &s.Email, &s.Phone, &s.Web,
		&s.Status, &s.Source, &s.registryHash, &s.ConfirmedAt, &s.CreatedAt, &s.UpdatedAt, &s.OrganisationName)
	s.RegistryID = reg.String
	s.AgeGroups = splitAges(ages)
	s.TargetGroupIDs, s.MunicipalityIDs, s.Locations = []int64{}, []int64{}, []Location{}
	return s, err
}

func splitAges(s string) []string {
	out := []string{}
	for _, g := range strings.Split(strings.Trim(s, ","), ",") {
		if g != "" {
			out = append(out, g)
		}
	}
	return out
}

func joinAges(gs []string) string {
	if len(gs) == 0 {
		return ""
	}
	return "," + strings.Join(gs, ",") + ","
}

// findServices returns a page of services in Czech order with their links,
// in five queries whatever the page size; a search by distance (f.Near)
// sorts by distance and takes one query more.
func findServices(ctx context.Context, q store.Q, f Filter) ([]Service, int, error) {
	if f.Near != nil {
		return findNear(ctx, q, f)
	}
	where, args := f.where(q.Dialect())
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM catalog_services s WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	query := `SELECT ` + serviceCols + ` FROM catalog_services s JOIN organisations o ON o.id = s.organisation_id WHERE ` + cond + ` ORDER BY s.sort_key, s.id`
	if f.PerPage >= 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit(), f.Offset())
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	out := []Service{}
	for rows.Next() {
		s, err := scanService(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, loadLinks(ctx, q, out)
}

// loadLinks fills target groups, municipalities and locations of services
// with three queries.
func loadLinks(ctx context.Context, q store.Q, ss []Service) error {
	if len(ss) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(ss))
	for i, s := range ss {
		idx[s.ID] = i
		args[i] = s.ID
	}
	in := store.Placeholders(len(ss))
	for _, link := range []struct {
		query string
		add   func(s *Service, id int64)
	}{
		{`SELECT l.service_id, l.target_group_id FROM catalog_service_target_groups l JOIN target_groups g ON g.id = l.target_group_id WHERE l.service_id IN (` + in + `) ORDER BY g.sort_order, g.id`,
			func(s *Service, id int64) { s.TargetGroupIDs = append(s.TargetGroupIDs, id) }},
		{`SELECT l.service_id, l.municipality_id FROM catalog_service_municipalities l JOIN municipalities m ON m.id = l.municipality_id WHERE l.service_id IN (` + in + `) ORDER BY m.sort_key`,
			func(s *Service, id int64) { s.MunicipalityIDs = append(s.MunicipalityIDs, id) }},
	} {
		rows, err := q.Query(ctx, link.query, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var sid, id int64
			if err := rows.Scan(&sid, &id); err != nil {
				rows.Close()
				return err
			}
			link.add(&ss[idx[sid]], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	rows, err := q.Query(ctx, `SELECT service_id, id, name, address, postcode, municipality_id, ruian_code, opening_hours, accessibility, accessibility_note, latitude, longitude, state_province
		FROM catalog_locations WHERE service_id IN (`+in+`) ORDER BY sort_order, id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var l Location
		if err := rows.Scan(&sid, &l.ID, &l.Name, &l.Address, &l.Postcode, &l.MunicipalityID, &l.RUIANCode, &l.OpeningHours, &l.Accessibility, &l.AccessibilityNote, &l.Latitude, &l.Longitude, &l.StateProvince); err != nil {
			return err
		}
		s := &ss[idx[sid]]
		s.Locations = append(s.Locations, l)
	}
	return rows.Err()
}

func findService(ctx context.Context, q store.Q, id int64) (Service, error) {
	s, err := scanService(q.QueryRow(ctx, `SELECT `+serviceCols+` FROM catalog_services s JOIN organisations o ON o.id = s.organisation_id WHERE s.id = ?`, id))
	if err != nil {
		return s, store.AppError(store.MapError(err), "service")
	}
	ss := []Service{s}
	err = loadLinks(ctx, q, ss)
	return ss[0], err
}

func insertService(ctx context.Context, q store.Q, s *Service, search string) error {
	var err error
	s.ID, err = store.InsertID(ctx, q, `INSERT INTO catalog_services (organisation_id, type_code, name, registry_id, form_residential, form_outpatient, form_field,
		age_groups, description, how_to_apply, capacity, fees_free, fees_description, email, phone, web, status, source, registry_hash, confirmed_at,
		search, sort_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.OrganisationID, s.TypeCode, s.Name, nullStr(s.RegistryID), s.Residential, s.Outpatient, s.Field, joinAges(s.AgeGroups),
		s.Description, s.HowToApply, s.Capacity, s.FeesFree, s.FeesDescription, s.Email, s.Phone, s.Web, s.Status, s.Source, s.registryHash,
		s.ConfirmedAt, search, czech.SortKey(s.Name), s.CreatedAt, s.UpdatedAt)
	if err != nil {
		return err
	}
	if err := saveFTS(ctx, q, s.ID, search); err != nil {
		return err
	}
	return saveLinks(ctx, q, s)
}

func updateService(ctx context.Context, q store.Q, s *Service, search string) error {
	_, err := q.Exec(ctx, `UPDATE catalog_services SET organisation_id = ?, type_code = ?, name = ?, registry_id = ?, form_residential = ?, form_outpatient = ?,
		form_field = ?, age_groups = ?, description = ?, how_to_apply = ?, capacity = ?, fees_free = ?, fees_description = ?, email = ?, phone = ?, web = ?,
		status = ?, source = ?, registry_hash = ?, confirmed_at = ?, search = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		s.OrganisationID, s.TypeCode, s.Name, nullStr(s.RegistryID), s.Residential, s.Outpatient, s.Field, joinAges(s.AgeGroups),
		s.Description, s.HowToApply, s.Capacity, s.FeesFree, s.FeesDescription, s.Email, s.Phone, s.Web, s.Status, s.Source, s.registryHash,
		s.ConfirmedAt, search, czech.SortKey(s.Name), s.UpdatedAt, s.ID)
	if err != nil {
		return err
	}
	if err := saveFTS(ctx, q, s.ID, search); err != nil {
		return err
	}
	return saveLinks(ctx, q, s)
}

// saveFTS keeps the SQLite full-text index in step with the search column.
func saveFTS(ctx context.Context, q store.Q, id int64, search string) error {
	if q.Dialect() != store.SQLite {
		return nil
	}
	if _, err := q.Exec(ctx, `DELETE FROM catalog_fts WHERE rowid = ?`, id); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO catalog_fts (rowid, search) VALUES (?, ?)`, id, search)
	return err
}

func saveLinks(ctx context.Context, q store.Q, s *Service) error {
	for _, t := range []string{"catalog_service_target_groups", "catalog_service_municipalities", "catalog_locations"} {
		if _, err := q.Exec(ctx, `DELETE FROM `+t+` WHERE service_id = ?`, s.ID); err != nil {
			return err
		}
	}
	for _, id := range s.TargetGroupIDs {
		if _, err := q.Exec(ctx, `INSERT INTO catalog_service_target_groups (service_id, target_group_id) VALUES (?, ?)`, s.ID, id); err != nil {
			return err
		}
	}
	for _, id := range s.MunicipalityIDs {
		if _, err := q.Exec(ctx, `INSERT INTO catalog_service_municipalities (service_id, municipality_id) VALUES (?, ?)`, s.ID, id); err != nil {
			return err
		}
	}
	for i := range s.Locations {
		l := &s.Locations[i]
		var err error
		l.ID, err = store.InsertID(ctx, q, `INSERT INTO catalog_locations (service_id, name, address, postcode, municipality_id, ruian_code, opening_hours,
			accessibility, accessibility_note, latitude, longitude, sort_order, state_province) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, l.Name, l.Address, l.Postcode, l.MunicipalityID, l.RUIANCode, l.OpeningHours, l.Accessibility, l.AccessibilityNote, l.Latitude, l.Longitude, i, l.StateProvince)
		if err != nil {
			return err
		}
	}
	return nil
}

// bumpVersion marks the catalogue as changed (cached pages become stale).
func bumpVersion(ctx context.Context, q store.Q) error {
	_, err := q.Exec(ctx, `UPDATE catalog_state SET version = version + 1 WHERE id = 1`)
	return err
}

func findTypes(ctx context.Context, q store.Q) ([]ServiceType, error) {
	rows, err := q.Query(ctx, `SELECT id, code, paragraph, name, category, registered, sort_order FROM catalog_service_types ORDER BY sort_order`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ServiceType
	for rows.Next() {
		var t ServiceType
		if err := rows.Scan(&t.ID, &t.Code, &t.Paragraph, &t.Name, &t.Category, &t.Registered, &t.SortOrder); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// place is a point a service is reachable at: one of its locations (by its
// own coordinates, or its municipality's centre when it has none) or the
// centre of a municipality it serves.
type place struct {
	serviceID      int64
	sortKey        string
	locationID     int64 // 0 for a served municipality
	municipalityID int64 // the served municipality (0 for a location)
	km             float64
}

// nearPlaces returns the places of the services matching f (without its
// Near) within f.Near.Km, nearest first. A latitude/longitude box (geo.Box,
// index catalog_locations_geo) cuts the candidates, geo.Distance the exact
// circle. served adds the centres of the municipalities the services serve.
func nearPlaces(ctx context.Context, q store.Q, f Filter, served bool) ([]place, error) {
	n := *f.Near
	f.Near = nil
	where, args := f.where(q.Dialect())
	cond := strings.Join(where, " AND ")
	minLat, maxLat, minLng, maxLng := geo.Box(n.Lat, n.Lng, n.Km)
	box := []any{minLat, maxLat, minLng, maxLng}
	var all []any
	// CROSS JOIN fixes SQLite's join order (the box first, then the services
	// by key) whatever its statistics say; PostgreSQL plans it as an inner join.
	query := `SELECT s.id, s.sort_key, l.id, 0, l.latitude, l.longitude FROM catalog_locations l CROSS JOIN catalog_services s
		WHERE l.latitude BETWEEN ? AND ? AND l.longitude BETWEEN ? AND ? AND s.id = l.service_id AND ` + cond + `
		UNION ALL
		SELECT s.id, s.sort_key, l.id, 0, m.latitude, m.longitude FROM municipalities m CROSS JOIN catalog_locations l CROSS JOIN catalog_services s
		WHERE m.latitude BETWEEN ? AND ? AND m.longitude BETWEEN ? AND ? AND l.municipality_id = m.id AND l.latitude IS NULL AND s.id = l.service_id AND ` + cond
	all = append(append(append(append(all, box...), args...), box...), args...)
	if served {
		query += `
		UNION ALL
		SELECT s.id, s.sort_key, 0, m.id, m.latitude, m.longitude FROM municipalities m CROSS JOIN catalog_service_municipalities sm CROSS JOIN catalog_services s
		WHERE m.latitude BETWEEN ? AND ? AND m.longitude BETWEEN ? AND ? AND sm.municipality_id = m.id AND s.id = sm.service_id AND ` + cond
		all = append(append(all, box...), args...)
	}
	rows, err := q.Query(ctx, query, all...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []place
	for rows.Next() {
		var p place
		var lat, lng float64
		if err := rows.Scan(&p.serviceID, &p.sortKey, &p.locationID, &p.municipalityID, &lat, &lng); err != nil {
			return nil, err
		}
		if p.km = geo.Distance(n.Lat, n.Lng, lat, lng); p.km <= n.Km {
			out = append(out, p)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b place) int {
		return cmp.Or(cmp.Compare(a.km, b.km), cmp.Compare(a.sortKey, b.sortKey), cmp.Compare(a.serviceID, b.serviceID),
			cmp.Compare(a.locationID, b.locationID), cmp.Compare(a.municipalityID, b.municipalityID))
	})
	return out, nil
}

// locationBias is how much further (km) a service's own place may be than
// a municipality it serves and still be the one shown.
const locationBias = 1.0

// findNear is findServices for a search by distance: nearest first (then in
// Czech order), each service with its distance and nearest place.
func findNear(ctx context.Context, q store.Q, f Filter) ([]Service, int, error) {
	places, err := nearPlaces(ctx, q, f, true)
	if err != nil {
		return nil, 0, err
	}
	// One place per service: the nearest, but a place of the service itself
	// rather than a served municipality's centre when it is at most
	// locationBias further (the address tells a visitor more).
	best, bestLoc := map[int64]place{}, map[int64]place{}
	var order []int64
	for _, p := range places {
		if _, ok := best[p.serviceID]; !ok {
			best[p.serviceID] = p
			order = append(order, p.serviceID)
		}
		if _, ok := bestLoc[p.serviceID]; !ok && p.locationID != 0 {
			bestLoc[p.serviceID] = p
		}
	}
	nearest := make([]place, 0, len(order))
	for _, id := range order {
		p := best[id]
		if l, ok := bestLoc[id]; ok && l.km <= p.km+locationBias {
			p = l
		}
		nearest = append(nearest, p)
	}
	slices.SortStableFunc(nearest, func(a, b place) int { return cmp.Compare(a.km, b.km) })
	total := len(nearest)
	if f.PerPage >= 0 {
		nearest = window(nearest, f.Paging)
	}
	ids := make([]int64, len(nearest))
	for i, p := range nearest {
		ids[i] = p.serviceID
	}
	found, _, err := findServices(ctx, q, Filter{IDs: ids, All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, 0, err
	}
	byID := map[int64]Service{}
	for _, s := range found {
		byID[s.ID] = s
	}
	out := make([]Service, 0, len(nearest))
	for _, p := range nearest {
		s, ok := byID[p.serviceID]
		if !ok {
			continue
		}
		km := p.km
		s.Distance, s.NearLocationID, s.NearMunicipalityID = &km, p.locationID, p.municipalityID
		out = append(out, s)
	}
	return out, total, nil
}

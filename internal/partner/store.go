package partner

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"kpss/internal/czech"
	"kpss/internal/store"
)

// Filter selects registry entries. By default only active ones.
type Filter struct {
	Q              string // words, diacritics-insensitive, each may be a prefix
	Archived       bool   // only archived entries
	All            bool   // active and archived
	Kind           string
	Partner        bool
	MunicipalityID int64
	TargetGroupID  int64
	OrganisationID int64
	store.Paging
}

func (f Filter) where(alias string) ([]string, []any) {
	a := alias + "."
	var where []string
	var args []any
	if !f.All {
		where = append(where, a+"archived = ?")
		args = append(args, f.Archived)
	}
	for _, w := range store.LikeWords(czech.Fold(f.Q)) {
		where = append(where, a+`search LIKE ? ESCAPE '\'`)
		args = append(args, w)
	}
	if len(where) == 0 {
		where = append(where, "1=1")
	}
	return where, args
}

type scanner interface{ Scan(...any) error }

// list runs a paged, counted query over table aliased t.
func list[T any](ctx context.Context, q store.Q, from, cols string, where []string, args []any, order string, p store.Paging, scan func(scanner) (T, error)) ([]T, int, error) {
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+from+` WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	query := `SELECT ` + cols + ` FROM ` + from + ` WHERE ` + cond + ` ORDER BY ` + order
	if p.PerPage >= 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, p.Limit(), p.Offset())
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, rows.Err()
}

func one[T any](q store.Q, ctx context.Context, query string, id int64, scan func(scanner) (T, error), entity string) (T, error) {
	v, err := scan(q.QueryRow(ctx, query, id))
	if err != nil {
		var zero T
		return zero, store.AppError(store.MapError(err), entity)
	}
	return v, nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// --- municipalities

const municipalityCols = `t.id, t.name, t.kind, t.zuj, t.population, t.partner, t.note, t.latitude, t.longitude, t.archived, t.created_at, t.updated_at`

func scanMunicipality(s scanner) (Municipality, error) {
	var m Municipality
	var zuj sql.NullString
	err := s.Scan(&m.ID, &m.Name, &m.Kind, &zuj, &m.Population, &m.Partner, &m.Note, &m.Lat, &m.Lng, &m.Archived, &m.CreatedAt, &m.UpdatedAt)
	m.ZUJ = zuj.String
	return m, err
}

func findMunicipalities(ctx context.Context, q store.Q, f Filter) ([]Municipality, int, error) {
	where, args := f.where("t")
	if f.Kind != "" {
		where = append(where, "t.kind = ?")
		args = append(args, f.Kind)
	}
	if f.Partner {
		where = append(where, "t.partner = ?")
		args = append(args, true)
	}
	return list(ctx, q, "municipalities t", municipalityCols, where, args, "t.sort_key, t.id", f.Paging, scanMunicipality)
}

func findMunicipality(ctx context.Context, q store.Q, id int64) (Municipality, error) {
	return one(q, ctx, `SELECT `+municipalityCols+` FROM municipalities t WHERE t.id = ?`, id, scanMunicipality, "municipality")
}

func insertMunicipality(ctx context.Context, q store.Q, m *Municipality) error {
	var err error
	m.ID, err = store.InsertID(ctx, q, `INSERT INTO municipalities (name, kind, zuj, population, partner, note, latitude, longitude, archived, search, sort_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.Name, m.Kind, nullStr(m.ZUJ), m.Population, m.Partner, m.Note, m.Lat, m.Lng, m.Archived,
		czech.FoldJoin(m.Name, m.ZUJ), czech.SortKey(m.Name), m.CreatedAt, m.UpdatedAt)
	return err
}

func updateMunicipality(ctx context.Context, q store.Q, m *Municipality) error {
	_, err := q.Exec(ctx, `UPDATE municipalities SET name = ?, kind = ?, zuj = ?, population = ?, partner = ?, note = ?, latitude = ?, longitude = ?, archived = ?, search = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		m.Name, m.Kind, nullStr(m.ZUJ), m.Population, m.Partner, m.Note, m.Lat, m.Lng, m.Archived, czech.FoldJoin(m.Name, m.ZUJ), czech.SortKey(m.Name), m.UpdatedAt, m.ID)
	return err
}

// --- organisations

const organisationCols = `t.id, t.name, t.ico, t.kind, t.address, t.web, t.email, t.phone, t.description, t.partner, t.archived, t.created_at, t.updated_at`

func scanOrganisation(s scanner) (Organisation, error) {
	var o Organisation
	var ico sql.NullString
	err := s.Scan(&o.ID, &o.Name, &ico, &o.Kind, &o.Address, &o.Web, &o.Email, &o.Phone, &o.Description, &o.Partner, &o.Archived, &o.CreatedAt, &o.UpdatedAt)
	o.ICO = ico.String
	o.MunicipalityIDs, o.TargetGroupIDs = []int64{}, []int64{}
	return o, err
}

func orgSearch(o *Organisation) string {
	return czech.FoldJoin(o.Name, o.ICO, o.Address, o.Email, o.Web)
}

func findOrganisations(ctx context.Context, q store.Q, f Filter) ([]Organisation, int, error) {
	where, args := f.where("t")
	if f.Kind != "" {
		where = append(where, "t.kind = ?")
		args = append(args, f.Kind)
	}
	if f.Partner {
		where = append(where, "t.partner = ?")
		args = append(args, true)
	}
	if f.MunicipalityID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM organisation_municipalities om WHERE om.organisation_id = t.id AND om.municipality_id = ?)")
		args = append(args, f.MunicipalityID)
	}
	if f.TargetGroupID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM organisation_target_groups og WHERE og.organisation_id = t.id AND og.target_group_id = ?)")
		args = append(args, f.TargetGroupID)
	}
	orgs, total, err := list(ctx, q, "organisations t", organisationCols, where, args, "t.sort_key, t.id", f.Paging, scanOrganisation)
	if err != nil {
		return nil, 0, err
	}
	return orgs, total, loadOrgLinks(ctx, q, orgs)
}

// loadOrgLinks fills the served municipalities and target groups of a page of
// organisations with two queries, whatever the page size.
func loadOrgLinks(ctx context.Context, q store.Q, orgs []Organisation) error {
	if len(orgs) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(orgs))
	for i, o := range orgs {
		idx[o.ID] = i
		args[i] = o.ID
	}
	in := store.Placeholders(len(orgs))
	for _, link := range []struct {
		query string
		add   func(o *Organisation, id int64)
	}{
		{`SELECT l.organisation_id, l.municipality_id FROM organisation_municipalities l JOIN municipalities m ON m.id = l.municipality_id WHERE l.organisation_id IN (` + in + `) ORDER BY m.sort_key`,
			func(o *Organisation, id int64) { o.MunicipalityIDs = append(o.MunicipalityIDs, id) }},
		{`SELECT l.organisation_id, l.target_group_id FROM organisation_target_groups l JOIN target_groups g ON g.id = l.target_group_id WHERE l.organisation_id IN (` + in + `) ORDER BY g.sort_order, g.id`,
			func(o *Organisation, id int64) { o.TargetGroupIDs = append(o.TargetGroupIDs, id) }},
	} {
		rows, err := q.Query(ctx, link.query, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var oid, id int64
			if err := rows.Scan(&oid, &id); err != nil {
				rows.Close()
				return err
			}
			link.add(&orgs[idx[oid]], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func findOrganisation(ctx context.Context, q store.Q, id int64) (Organisation, error) {
	o, err := one(q, ctx, `SELECT `+organisationCols+` FROM organisations t WHERE t.id = ?`, id, scanOrganisation, "organisation")
	if err != nil {
		return o, err
	}
	orgs := []Organisation{o}
	err = loadOrgLinks(ctx, q, orgs)
	return orgs[0], err
}

func insertOrganisation(ctx context.Context, q store.Q, o *Organisation) error {
	var err error
	o.ID, err = store.InsertID(ctx, q, `INSERT INTO organisations (name, ico, kind, address, web, email, phone, description, partner, archived, search, sort_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.Name, nullStr(o.ICO), o.Kind, o.Address, o.Web, o.Email, o.Phone, o.Description, o.Partner, o.Archived,
		orgSearch(o), czech.SortKey(o.Name), o.CreatedAt, o.UpdatedAt)
	if err != nil {
		return err
	}
	return saveOrgLinks(ctx, q, o)
}

func updateOrganisation(ctx context.Context, q store.Q, o *Organisation) error {
	_, err := q.Exec(ctx, `UPDATE organisations SET name = ?, ico = ?, kind = ?, address = ?, web = ?, email = ?, phone = ?, description = ?, partner = ?, archived = ?, search = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		o.Name, nullStr(o.ICO), o.Kind, o.Address, o.Web, o.Email, o.Phone, o.Description, o.Partner, o.Archived, orgSearch(o), czech.SortKey(o.Name), o.UpdatedAt, o.ID)
	if err != nil {
		return err
	}
	return saveOrgLinks(ctx, q, o)
}

func saveOrgLinks(ctx context.Context, q store.Q, o *Organisation) error {
	if _, err := q.Exec(ctx, `DELETE FROM organisation_municipalities WHERE organisation_id = ?`, o.ID); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM organisation_target_groups WHERE organisation_id = ?`, o.ID); err != nil {
		return err
	}
	for _, id := range o.MunicipalityIDs {
		if _, err := q.Exec(ctx, `INSERT INTO organisation_municipalities (organisation_id, municipality_id) VALUES (?, ?)`, o.ID, id); err != nil {
			return err
		}
	}
	for _, id := range o.TargetGroupIDs {
		if _, err := q.Exec(ctx, `INSERT INTO organisation_target_groups (organisation_id, target_group_id) VALUES (?, ?)`, o.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// --- people

const personCols = `t.id, t.name, t.email, t.phone, t.position, t.organisation_id, t.consent_at, t.consent_note, t.archived, t.anonymised_at, t.created_at, t.updated_at`

func scanPerson(s scanner) (Person, error) {
	var p Person
	err := s.Scan(&p.ID, &p.Name, &p.Email, &p.Phone, &p.Position, &p.OrganisationID, &p.ConsentAt, &p.ConsentNote, &p.Archived, &p.AnonymisedAt, &p.CreatedAt, &p.UpdatedAt)
	p.Consent = p.ConsentAt != nil
	return p, err
}

func findPeople(ctx context.Context, q store.Q, f Filter) ([]Person, int, error) {
	where, args := f.where("t")
	if f.OrganisationID != 0 {
		where = append(where, "t.organisation_id = ?")
		args = append(args, f.OrganisationID)
	}
	return list(ctx, q, "people t", personCols, where, args, "t.sort_key, t.id", f.Paging, scanPerson)
}

func findPerson(ctx context.Context, q store.Q, id int64) (Person, error) {
	return one(q, ctx, `SELECT `+personCols+` FROM people t WHERE t.id = ?`, id, scanPerson, "person")
}

func personSort(p *Person) string {
	// Sort people by surname: "Jana Nováková" files under N.
	parts := strings.Fields(p.Name)
	if len(parts) > 1 {
		return czech.SortKey(parts[len(parts)-1] + " " + strings.Join(parts[:len(parts)-1], " "))
	}
	return czech.SortKey(p.Name)
}

func insertPerson(ctx context.Context, q store.Q, p *Person) error {
	var err error
	var archivedAt *time.Time
	if p.Archived {
		archivedAt = &p.UpdatedAt
	}
	p.ID, err = store.InsertID(ctx, q, `INSERT INTO people (name, email, phone, position, organisation_id, consent_at, consent_note, archived, archived_at, search, sort_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Name, p.Email, p.Phone, p.Position, p.OrganisationID, p.ConsentAt, p.ConsentNote, p.Archived, archivedAt,
		czech.FoldJoin(p.Name, p.Email, p.Position), personSort(p), p.CreatedAt, p.UpdatedAt)
	return err
}

func updatePerson(ctx context.Context, q store.Q, p *Person) error {
	// archived_at keeps the first moment of the archiving (the retention
	// period runs from it) and is cleared by a restore.
	_, err := q.Exec(ctx, `UPDATE people SET name = ?, email = ?, phone = ?, position = ?, organisation_id = ?, consent_at = ?, consent_note = ?, archived = ?, search = ?, sort_key = ?, updated_at = ?,
		archived_at = CASE WHEN ? THEN COALESCE(archived_at, ?) ELSE NULL END WHERE id = ?`,
		p.Name, p.Email, p.Phone, p.Position, p.OrganisationID, p.ConsentAt, p.ConsentNote, p.Archived, czech.FoldJoin(p.Name, p.Email, p.Position), personSort(p), p.UpdatedAt,
		p.Archived, p.UpdatedAt, p.ID)
	return err
}

// --- departments

const departmentCols = `t.id, t.name, t.email, t.head_person_id, t.archived, t.created_at, t.updated_at`

func scanDepartment(s scanner) (Department, error) {
	var d Department
	err := s.Scan(&d.ID, &d.Name, &d.Email, &d.HeadPersonID, &d.Archived, &d.CreatedAt, &d.UpdatedAt)
	return d, err
}

func findDepartments(ctx context.Context, q store.Q, f Filter) ([]Department, int, error) {
	where, args := f.where("t")
	return list(ctx, q, "departments t", departmentCols, where, args, "t.sort_key, t.id", f.Paging, scanDepartment)
}

func findDepartment(ctx context.Context, q store.Q, id int64) (Department, error) {
	return one(q, ctx, `SELECT `+departmentCols+` FROM departments t WHERE t.id = ?`, id, scanDepartment, "department")
}

func insertDepartment(ctx context.Context, q store.Q, d *Department) error {
	var err error
	d.ID, err = store.InsertID(ctx, q, `INSERT INTO departments (name, email, head_person_id, archived, search, sort_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Name, d.Email, d.HeadPersonID, d.Archived, czech.FoldJoin(d.Name, d.Email), czech.SortKey(d.Name), d.CreatedAt, d.UpdatedAt)
	return err
}

func updateDepartment(ctx context.Context, q store.Q, d *Department) error {
	_, err := q.Exec(ctx, `UPDATE departments SET name = ?, email = ?, head_person_id = ?, archived = ?, search = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		d.Name, d.Email, d.HeadPersonID, d.Archived, czech.FoldJoin(d.Name, d.Email), czech.SortKey(d.Name), d.UpdatedAt, d.ID)
	return err
}

// --- target groups

const targetGroupCols = `t.id, t.code, t.name, t.description, t.sort_order, t.archived, t.created_at, t.updated_at`

func scanTargetGroup(s scanner) (TargetGroup, error) {
	var g TargetGroup
	err := s.Scan(&g.ID, &g.Code, &g.Name, &g.Description, &g.SortOrder, &g.Archived, &g.CreatedAt, &g.UpdatedAt)
	return g, err
}

func findTargetGroups(ctx context.Context, q store.Q, f Filter) ([]TargetGroup, int, error) {
	where, args := f.where("t")
	return list(ctx, q, "target_groups t", targetGroupCols, where, args, "t.sort_order, t.sort_key, t.id", f.Paging, scanTargetGroup)
}

func findTargetGroup(ctx context.Context, q store.Q, id int64) (TargetGroup, error) {
	return one(q, ctx, `SELECT `+targetGroupCols+` FROM target_groups t WHERE t.id = ?`, id, scanTargetGroup, "target_group")
}

func insertTargetGroup(ctx context.Context, q store.Q, g *TargetGroup) error {
	var err error
	g.ID, err = store.InsertID(ctx, q, `INSERT INTO target_groups (code, name, description, sort_order, archived, search, sort_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.Code, g.Name, g.Description, g.SortOrder, g.Archived, czech.FoldJoin(g.Name, g.Code), czech.SortKey(g.Name), g.CreatedAt, g.UpdatedAt)
	return err
}

func updateTargetGroup(ctx context.Context, q store.Q, g *TargetGroup) error {
	_, err := q.Exec(ctx, `UPDATE target_groups SET code = ?, name = ?, description = ?, sort_order = ?, archived = ?, search = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		g.Code, g.Name, g.Description, g.SortOrder, g.Archived, czech.FoldJoin(g.Name, g.Code), czech.SortKey(g.Name), g.UpdatedAt, g.ID)
	return err
}

// --- region

func findRegion(ctx context.Context, q store.Q) (Region, error) {
	var r Region
	err := q.QueryRow(ctx, `SELECT name, kind, description, web, email, updated_at FROM region WHERE id = 1`).Scan(&r.Name, &r.Kind, &r.Description, &r.Web, &r.Email, &r.UpdatedAt)
	return r, store.AppError(store.MapError(err), "region")
}

func saveRegion(ctx context.Context, q store.Q, r *Region) error {
	res, err := q.Exec(ctx, `UPDATE region SET name = ?, kind = ?, description = ?, web = ?, email = ?, updated_at = ? WHERE id = 1`, r.Name, r.Kind, r.Description, r.Web, r.Email, r.UpdatedAt)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err = q.Exec(ctx, `INSERT INTO region (id, name, kind, description, web, email, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?)`, r.Name, r.Kind, r.Description, r.Web, r.Email, r.UpdatedAt)
	}
	return err
}

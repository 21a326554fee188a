package partner

import (
	"context"
	"errors"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/store"
)

// Service runs the registry's rules: validation, audit of every change,
// archive instead of delete.
type Service struct {
	DB    *store.DB
	Audit *audit.Log
	Now   func() time.Time
}

// NewService returns the registry service.
func NewService(db *store.DB, log *audit.Log, now func() time.Time) *Service {
	return &Service{DB: db, Audit: log, Now: now}
}

// record is what the generic create/update/archive helpers need of an entity.
type record interface {
	Validate() error
	meta() (id *int64, archived *bool, created, updated *time.Time)
	summary() string
}

func (m *Municipality) meta() (*int64, *bool, *time.Time, *time.Time) {
	return &m.ID, &m.Archived, &m.CreatedAt, &m.UpdatedAt
}
func (m *Municipality) summary() string { return m.Name }
func (o *Organisation) meta() (*int64, *bool, *time.Time, *time.Time) {
	return &o.ID, &o.Archived, &o.CreatedAt, &o.UpdatedAt
}
func (o *Organisation) summary() string { return o.Name }
func (p *Person) meta() (*int64, *bool, *time.Time, *time.Time) {
	return &p.ID, &p.Archived, &p.CreatedAt, &p.UpdatedAt
}

// summary of a person names no one: the log keeps no personal data.
func (p *Person) summary() string { return "" }
func (d *Department) meta() (*int64, *bool, *time.Time, *time.Time) {
	return &d.ID, &d.Archived, &d.CreatedAt, &d.UpdatedAt
}
func (d *Department) summary() string { return d.Name }
func (g *TargetGroup) meta() (*int64, *bool, *time.Time, *time.Time) {
	return &g.ID, &g.Archived, &g.CreatedAt, &g.UpdatedAt
}
func (g *TargetGroup) summary() string { return g.Name }

// kind describes how one entity is stored.
type kind[T any] struct {
	name     string
	find     func(context.Context, store.Q, int64) (T, error)
	insert   func(context.Context, store.Q, *T) error
	update   func(context.Context, store.Q, *T) error
	personal []string
	dupField string // the field a unique-constraint failure belongs to
	dupKey   string
	check    func(ctx context.Context, q store.Q, v *T) error // references must exist
}

func (k kind[T]) duplicate(err error) error {
	if errors.Is(err, store.ErrDuplicate) && k.dupField != "" {
		f := apperr.Fields{}
		f.Add(k.dupField, k.dupKey)
		return f.Err()
	}
	if errors.Is(err, store.ErrReferenced) {
		return apperr.New(apperr.Invalid, "err.bad_reference")
	}
	return store.AppError(err, k.name)
}

func create[T any, P interface {
	*T
	record
}](ctx context.Context, s *Service, k kind[T], v T) (*T, error) {
	p := P(&v)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if k.check != nil {
			if err := k.check(ctx, tx, &v); err != nil {
				return err
			}
		}
		id, archived, created, updated := p.meta()
		*archived = false
		*created = s.Now().UTC().Truncate(time.Microsecond)
		*updated = *created
		if err := k.insert(ctx, tx, &v); err != nil {
			return k.duplicate(err)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: k.name, EntityID: *id, Summary: p.summary(), After: &v, Personal: k.personal})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func update[T any, P interface {
	*T
	record
}](ctx context.Context, s *Service, k kind[T], id int64, v T) (*T, error) {
	p := P(&v)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := k.find(ctx, tx, id)
		if err != nil {
			return err
		}
		if k.check != nil {
			if err := k.check(ctx, tx, &v); err != nil {
				return err
			}
		}
		_, bArch, bCreated, _ := P(&before).meta()
		vid, archived, created, updated := p.meta()
		*vid, *archived, *created = id, *bArch, *bCreated
		*updated = s.Now().UTC().Truncate(time.Microsecond)
		if err := k.update(ctx, tx, &v); err != nil {
			return k.duplicate(err)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: k.name, EntityID: id, Summary: p.summary(), Before: &before, After: &v, Personal: k.personal})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func setArchived[T any, P interface {
	*T
	record
}](ctx context.Context, s *Service, k kind[T], id int64, archive bool) (*T, error) {
	var v T
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		before, err := k.find(ctx, tx, id)
		if err != nil {
			return err
		}
		v = before
		_, archived, _, updated := P(&v).meta()
		if *archived == archive {
			return nil
		}
		*archived = archive
		*updated = s.Now().UTC().Truncate(time.Microsecond)
		if err := k.update(ctx, tx, &v); err != nil {
			return k.duplicate(err)
		}
		action := "restore"
		if archive {
			action = "archive"
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: k.name, EntityID: id, Summary: P(&v).summary(), Before: &before, After: &v, Personal: k.personal})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

var (
	municipalityKind = kind[Municipality]{name: "municipality", find: findMunicipality, insert: insertMunicipality, update: updateMunicipality,
		dupField: "zuj", dupKey: "err.zuj_taken"}
	organisationKind = kind[Organisation]{name: "organisation", find: findOrganisation, insert: insertOrganisation, update: updateOrganisation,
		dupField: "ico", dupKey: "err.ico_taken", check: checkOrganisationRefs}
	personKind = kind[Person]{name: "person", find: findPerson, insert: insertPerson, update: updatePerson, personal: PersonalFields,
		check: checkPersonRefs}
	departmentKind = kind[Department]{name: "department", find: findDepartment, insert: insertDepartment, update: updateDepartment,
		dupField: "name", dupKey: "err.name_taken", check: checkDepartmentRefs}
	targetGroupKind = kind[TargetGroup]{name: "target_group", find: findTargetGroup, insert: insertTargetGroup, update: updateTargetGroup,
		dupField: "code", dupKey: "err.code_taken"}
)

func exists(ctx context.Context, q store.Q, table string, id int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

func checkOrganisationRefs(ctx context.Context, q store.Q, o *Organisation) error {
	f := apperr.Fields{}
	o.MunicipalityIDs = dedupe(o.MunicipalityIDs)
	o.TargetGroupIDs = dedupe(o.TargetGroupIDs)
	for _, id := range o.MunicipalityIDs {
		if ok, err := exists(ctx, q, "municipalities", id); err != nil {
			return err
		} else if !ok {
			f.Add("municipality_ids", "err.bad_reference")
		}
	}
	for _, id := range o.TargetGroupIDs {
		if ok, err := exists(ctx, q, "target_groups", id); err != nil {
			return err
		} else if !ok {
			f.Add("target_group_ids", "err.bad_reference")
		}
	}
	return f.Err()
}

func checkPersonRefs(ctx context.Context, q store.Q, p *Person) error {
	if p.OrganisationID == nil {
		return nil
	}
	if ok, err := exists(ctx, q, "organisations", *p.OrganisationID); err != nil {
		return err
	} else if !ok {
		f := apperr.Fields{}
		f.Add("organisation_id", "err.bad_reference")
		return f.Err()
	}
	return nil
}

func checkDepartmentRefs(ctx context.Context, q store.Q, d *Department) error {
	if d.HeadPersonID == nil {
		return nil
	}
	if ok, err := exists(ctx, q, "people", *d.HeadPersonID); err != nil {
		return err
	} else if !ok {
		f := apperr.Fields{}
		f.Add("head_person_id", "err.bad_reference")
		return f.Err()
	}
	return nil
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// FindMunicipalities lists municipalities in Czech order.
func (s *Service) FindMunicipalities(ctx context.Context, f Filter) ([]Municipality, int, error) {
	return findMunicipalities(ctx, s.DB, f)
}

// FindMunicipalityByID returns one municipality or a not-found error.
func (s *Service) FindMunicipalityByID(ctx context.Context, id int64) (*Municipality, error) {
	m, err := findMunicipality(ctx, s.DB, id)
	return &m, err
}

// CreateMunicipality validates and stores a new municipality.
func (s *Service) CreateMunicipality(ctx context.Context, m Municipality) (*Municipality, error) {
	return create(ctx, s, municipalityKind, m)
}

// UpdateMunicipality replaces the editable fields of municipality id.
func (s *Service) UpdateMunicipality(ctx context.Context, id int64, m Municipality) (*Municipality, error) {
	return update(ctx, s, municipalityKind, id, m)
}

// SetMunicipalityArchived archives or restores a municipality.
func (s *Service) SetMunicipalityArchived(ctx context.Context, id int64, archived bool) (*Municipality, error) {
	return setArchived(ctx, s, municipalityKind, id, archived)
}

// FindOrganisations lists organisations in Czech order, with their links.
func (s *Service) FindOrganisations(ctx context.Context, f Filter) ([]Organisation, int, error) {
	return findOrganisations(ctx, s.DB, f)
}

// FindOrganisationByID returns one organisation or a not-found error.
func (s *Service) FindOrganisationByID(ctx context.Context, id int64) (*Organisation, error) {
	o, err := findOrganisation(ctx, s.DB, id)
	return &o, err
}

// CreateOrganisation validates (IČO check digit included) and stores an organisation.
func (s *Service) CreateOrganisation(ctx context.Context, o Organisation) (*Organisation, error) {
	return create(ctx, s, organisationKind, o)
}

// UpdateOrganisation replaces the editable fields of organisation id.
func (s *Service) UpdateOrganisation(ctx context.Context, id int64, o Organisation) (*Organisation, error) {
	return update(ctx, s, organisationKind, id, o)
}

// SetOrganisationArchived archives or restores an organisation.
func (s *Service) SetOrganisationArchived(ctx context.Context, id int64, archived bool) (*Organisation, error) {
	return setArchived(ctx, s, organisationKind, id, archived)
}

// FindPeople lists people by surname.
func (s *Service) FindPeople(ctx context.Context, f Filter) ([]Person, int, error) {
	return findPeople(ctx, s.DB, f)
}

// FindPersonByID returns one person or a not-found error.
func (s *Service) FindPersonByID(ctx context.Context, id int64) (*Person, error) {
	p, err := findPerson(ctx, s.DB, id)
	return &p, err
}

// CreatePerson stores a person; contact details need a recorded consent.
func (s *Service) CreatePerson(ctx context.Context, p Person) (*Person, error) {
	s.consent(&p, nil)
	return create(ctx, s, personKind, p)
}

// UpdatePerson replaces the editable fields of person id.
func (s *Service) UpdatePerson(ctx context.Context, id int64, p Person) (*Person, error) {
	if before, err := findPerson(ctx, s.DB, id); err == nil {
		s.consent(&p, &before)
	}
	return update(ctx, s, personKind, id, p)
}

// consent keeps the moment consent was first recorded, and forgets it when withdrawn.
func (s *Service) consent(p *Person, before *Person) {
	switch {
	case !p.Consent:
		p.ConsentAt = nil
	case before != nil && before.ConsentAt != nil:
		p.ConsentAt = before.ConsentAt
	default:
		now := s.Now().UTC().Truncate(time.Second)
		p.ConsentAt = &now
	}
}

// SetPersonArchived archives or restores a person.
func (s *Service) SetPersonArchived(ctx context.Context, id int64, archived bool) (*Person, error) {
	return setArchived(ctx, s, personKind, id, archived)
}

// FindDepartments lists the town-office departments.
func (s *Service) FindDepartments(ctx context.Context, f Filter) ([]Department, int, error) {
	return findDepartments(ctx, s.DB, f)
}

// FindDepartmentByID returns one department or a not-found error.
func (s *Service) FindDepartmentByID(ctx context.Context, id int64) (*Department, error) {
	d, err := findDepartment(ctx, s.DB, id)
	return &d, err
}

// CreateDepartment stores a department.
func (s *Service) CreateDepartment(ctx context.Context, d Department) (*Department, error) {
	return create(ctx, s, departmentKind, d)
}

// UpdateDepartment replaces the editable fields of department id.
func (s *Service) UpdateDepartment(ctx context.Context, id int64, d Department) (*Department, error) {
	return update(ctx, s, departmentKind, id, d)
}

// SetDepartmentArchived archives or restores a department.
func (s *Service) SetDepartmentArchived(ctx context.Context, id int64, archived bool) (*Department, error) {
	return setArchived(ctx, s, departmentKind, id, archived)
}

// FindTargetGroups lists target groups in their set order.
func (s *Service) FindTargetGroups(ctx context.Context, f Filter) ([]TargetGroup, int, error) {
	return findTargetGroups(ctx, s.DB, f)
}

// FindTargetGroupByID returns one target group or a not-found error.
func (s *Service) FindTargetGroupByID(ctx context.Context, id int64) (*TargetGroup, error) {
	g, err := findTargetGroup(ctx, s.DB, id)
	return &g, err
}

// CreateTargetGroup stores a target group.
func (s *Service) CreateTargetGroup(ctx context.Context, g TargetGroup) (*TargetGroup, error) {
	return create(ctx, s, targetGroupKind, g)
}

// UpdateTargetGroup replaces the editable fields of target group id.
func (s *Service) UpdateTargetGroup(ctx context.Context, id int64, g TargetGroup) (*TargetGroup, error) {
	return update(ctx, s, targetGroupKind, id, g)
}

// SetTargetGroupArchived archives or restores a target group.
func (s *Service) SetTargetGroupArchived(ctx context.Context, id int64, archived bool) (*TargetGroup, error) {
	return setArchived(ctx, s, targetGroupKind, id, archived)
}

// Region returns the region, or a not-found error before the first setup.
func (s *Service) Region(ctx context.Context) (*Region, error) {
	r, err := findRegion(ctx, s.DB)
	return &r, err
}

// SaveRegion validates and stores the region.
func (s *Service) SaveRegion(ctx context.Context, r Region) (*Region, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if r.Kind == "" {
		r.Kind = "orp"
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findRegion(ctx, tx)
		var b any
		if err == nil {
			b = &before
		} else if apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		r.UpdatedAt = s.Now().UTC().Truncate(time.Microsecond)
		if err := saveRegion(ctx, tx, &r); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "region", EntityID: 1, Summary: r.Name, Before: b, After: &r})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Names maps ids to names for display, for lists that show references.
type Names map[int64]string

// MunicipalityNames returns the names of all municipalities (the region has few).
func (s *Service) MunicipalityNames(ctx context.Context) (Names, error) {
	return names(ctx, s.DB, `SELECT id, name FROM municipalities`)
}

// TargetGroupNames returns the names of all target groups.
func (s *Service) TargetGroupNames(ctx context.Context) (Names, error) {
	return names(ctx, s.DB, `SELECT id, name FROM target_groups`)
}

// OrganisationNames returns the names of the organisations with ids.
func (s *Service) OrganisationNames(ctx context.Context, ids ...int64) (Names, error) {
	if len(ids) == 0 {
		return Names{}, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return names(ctx, s.DB, `SELECT id, name FROM organisations WHERE id IN (`+store.Placeholders(len(ids))+`)`, args...)
}

func names(ctx context.Context, q store.Q, query string, args ...any) (Names, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := Names{}
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

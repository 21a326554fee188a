package catalog

import (
	"context"
	"errors"
	"kpss/internal/outbox"
	"kpss/internal/stamp"
	"slices"
	"sync"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/czech"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Catalog runs the catalogue's rules: validation, the code list of types,
// audit of every change in its transaction, and the version that tells the
// page cache when to forget.
type Catalog struct {
	DB       *store.DB
	Audit    *audit.Log
	Now      func() time.Time
	Partners *partner.Service
	// Outbox queues the confirmation requests in their transaction; nil:
	// the sender given sends them at once (unit tests).
	Outbox *outbox.Outbox

	typesOnce sync.Once
	types     []ServiceType
	typesErr  error
}

// New returns the catalogue service.
func New(db *store.DB, log *audit.Log, partners *partner.Service, now func() time.Time) *Catalog {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = &audit.Log{Now: now}
	}
	return &Catalog{DB: db, Audit: log, Now: now, Partners: partners}
}

// Types returns the code list of service types in its order (it never changes
// at run time: it is seeded by the migration).
func (c *Catalog) Types(ctx context.Context) ([]ServiceType, error) {
	c.typesOnce.Do(func() { c.types, c.typesErr = findTypes(ctx, c.DB) })
	if c.typesErr != nil {
		err := c.typesErr
		c.typesOnce = sync.Once{}
		return nil, err
	}
	return c.types, nil
}

// Type returns the type of code, or false.
func (c *Catalog) Type(ctx context.Context, code string) (ServiceType, bool) {
	ts, err := c.Types(ctx)
	if err != nil {
		return ServiceType{}, false
	}
	for _, t := range ts {
		if t.Code == code {
			return t, true
		}
	}
	return ServiceType{}, false
}

// Version is the catalogue's change counter; it grows with every change,
// also one made by another process (the import command).
//
// The catalogue's pages also show the region, municipalities, providers,
// departments and target groups of the partners registry: their
// generations (internal/stamp, bumped by every audited change) count too,
// in the same query, so a renamed municipality is right on every replica
// from the commit on.
func (c *Catalog) Version(ctx context.Context) (int64, error) {
	var v int64
	sub, args := stamp.SumSQL(versionTopics...)
	err := c.DB.QueryRow(ctx, `SELECT version + `+sub+` FROM catalog_state WHERE id = 1`, args...).Scan(&v)
	return v, err
}

// versionTopics are the partners registry's entities the catalogue shows.
var versionTopics = []string{"region", "municipality", "organisation", "department", "target_group", "person"}

// FindServices returns a page of services in Czech order and the total.
func (c *Catalog) FindServices(ctx context.Context, f Filter) ([]Service, int, error) {
	return findServices(ctx, c.DB, f)
}

// FindServiceByID returns a service or a not-found error.
func (c *Catalog) FindServiceByID(ctx context.Context, id int64) (*Service, error) {
	s, err := findService(ctx, c.DB, id)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (c *Catalog) searchText(ctx context.Context, s *Service, orgName string) string {
	parts := []string{s.Name, orgName, s.Description, s.Capacity}
	if t, ok := c.Type(ctx, s.TypeCode); ok {
		parts = append(parts, t.Name, t.Paragraph)
	}
	for _, l := range s.Locations {
		parts = append(parts, l.Name, l.Address)
	}
	return czech.FoldJoin(parts...)
}

// check validates s and its references (type, organisation, groups, municipalities).
func (c *Catalog) check(ctx context.Context, q store.Q, s *Service) (orgName string, err error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	f := apperr.Fields{}
	if _, ok := c.Type(ctx, s.TypeCode); !ok {
		f.Add("type_code", "err.choose")
	}
	if err := q.QueryRow(ctx, `SELECT name FROM organisations WHERE id = ?`, s.OrganisationID).Scan(&orgName); err != nil {
		if errors.Is(store.MapError(err), store.ErrNotFound) {
			f.Add("organisation_id", "err.bad_reference")
		} else {
			return "", err
		}
	}
	s.TargetGroupIDs = dedupe(s.TargetGroupIDs)
	s.MunicipalityIDs = dedupe(s.MunicipalityIDs)
	if err := refsExist(ctx, q, "target_groups", s.TargetGroupIDs); err != nil {
		if !errors.Is(err, errMissing) {
			return "", err
		}
		f.Add("target_group_ids", "err.bad_reference")
	}
	munis := slices.Clone(s.MunicipalityIDs)
	for _, l := range s.Locations {
		if l.MunicipalityID != nil {
			munis = append(munis, *l.MunicipalityID)
		}
	}
	if err := refsExist(ctx, q, "municipalities", dedupe(munis)); err != nil {
		if !errors.Is(err, errMissing) {
			return "", err
		}
		f.Add("municipality_ids", "err.bad_reference")
	}
	return orgName, f.Err()
}

var errMissing = errors.New("catalog: missing reference")

func refsExist(ctx context.Context, q store.Q, table string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id IN (`+store.Placeholders(len(ids))+`)`, args...).Scan(&n); err != nil {
		return err
	}
	if n != len(ids) {
		return errMissing
	}
	return nil
}

func dedupe(ids []int64) []int64 {
	out := []int64{}
	for _, id := range ids {
		if id != 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func (c *Catalog) now() time.Time { return c.Now().UTC().Truncate(time.Microsecond) }

// CreateService validates and publishes a new service.
func (c *Catalog) CreateService(ctx context.Context, s Service) (*Service, error) {
	err := c.DB.InTx(ctx, func(tx *store.Tx) error { return c.createService(ctx, tx, &s, "create") })
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (c *Catalog) createService(ctx context.Context, tx *store.Tx, s *Service, action string) error {
	orgName, err := c.check(ctx, tx, s)
	if err != nil {
		return err
	}
	s.CreatedAt = c.now()
	s.UpdatedAt = s.CreatedAt
	s.OrganisationName = orgName
	if err := insertService(ctx, tx, s, c.searchText(ctx, s, orgName)); err != nil {
		return dupRegistry(err)
	}
	if err := bumpVersion(ctx, tx); err != nil {
		return err
	}
	return c.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "catalog_service", EntityID: s.ID, Summary: s.Name, After: s})
}

func dupRegistry(err error) error {
	if errors.Is(err, store.ErrDuplicate) {
		f := apperr.Fields{}
		f.Add("registry_id", "catalog.err.registry_taken")
		return f.Err()
	}
	return err
}

// UpdateService replaces the editable fields of service id and publishes them.
func (c *Catalog) UpdateService(ctx context.Context, id int64, s Service) (*Service, error) {
	err := c.DB.InTx(ctx, func(tx *store.Tx) error { return c.updateService(ctx, tx, id, &s, "update") })
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (c *Catalog) updateService(ctx context.Context, tx *store.Tx, id int64, s *Service, action string) error {
	before, err := findService(ctx, tx, id)
	if err != nil {
		return err
	}
	orgName, err := c.check(ctx, tx, s)
	if err != nil {
		return err
	}
	s.ID, s.CreatedAt, s.UpdatedAt = id, before.CreatedAt, c.now()
	s.OrganisationName = orgName
	if s.ConfirmedAt == nil {
		s.ConfirmedAt = before.ConfirmedAt
	}
	if err := updateService(ctx, tx, s, c.searchText(ctx, s, orgName)); err != nil {
		return dupRegistry(err)
	}
	if err := bumpVersion(ctx, tx); err != nil {
		return err
	}
	return c.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "catalog_service", EntityID: id, Summary: s.Name, Before: &before, After: s})
}

// SetStatus makes a service active or inactive (nothing is deleted).
func (c *Catalog) SetStatus(ctx context.Context, id int64, status string) (*Service, error) {
	var out *Service
	err := c.DB.InTx(ctx, func(tx *store.Tx) error {
		s, err := findService(ctx, tx, id)
		if err != nil {
			return err
		}
		if s.Status == status {
			out = &s
			return nil
		}
		s.Status = status
		out = &s
		return c.updateService(ctx, tx, id, out, "status")
	})
	return out, err
}

// ProviderCount is a provider with the number of its active services.
type ProviderCount struct {
	ID       int64
	Name     string
	Services int
}

// Providers lists the organisations that have active services, in Czech order.
func (c *Catalog) Providers(ctx context.Context) ([]ProviderCount, error) {
	rows, err := c.DB.Query(ctx, `SELECT o.id, o.name, COUNT(*) FROM catalog_services s JOIN organisations o ON o.id = s.organisation_id
		WHERE s.status = ? GROUP BY o.id, o.name, o.sort_key ORDER BY o.sort_key, o.id`, StatusActive)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProviderCount
	for rows.Next() {
		var p ProviderCount
		if err := rows.Scan(&p.ID, &p.Name, &p.Services); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

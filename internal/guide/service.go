package guide

import (
	"context"
	"errors"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/store"
)

// Service runs the guides' rules: validation and one audit row per change.
type Service struct {
	DB    *store.DB
	Audit *audit.Log
	Now   func() time.Time
	// Finder, when set, gives the related services from the catalogue.
	Finder ServiceFinder
}

// NewService returns the guides' service.
func NewService(db *store.DB, log *audit.Log, now func() time.Time) *Service {
	return &Service{DB: db, Audit: log, Now: now}
}

// FindGuides returns the guides matching f in Czech order of titles and the
// total count.
func (s *Service) FindGuides(ctx context.Context, f Filter) ([]Guide, int, error) {
	return findGuides(ctx, s.DB, f)
}

// FindGuideBySlug returns the guide at slug; an unpublished one only when
// drafts is true. Errors: not_found.
func (s *Service) FindGuideBySlug(ctx context.Context, slug string, drafts bool) (*Guide, error) {
	g, err := findGuide(ctx, s.DB, "slug = ?", slug)
	if err != nil {
		return nil, err
	}
	if !g.Published && !drafts {
		return nil, apperr.NotFoundErr("guide")
	}
	return &g, nil
}

// FindGuideByID returns the guide id (published or not). Errors: not_found.
func (s *Service) FindGuideByID(ctx context.Context, id int64) (*Guide, error) {
	g, err := findGuide(ctx, s.DB, "id = ?", id)
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// RelatedServices asks the catalogue for the services of g (at most limit);
// without a catalogue, or without search words, it returns none.
func (s *Service) RelatedServices(ctx context.Context, g *Guide, limit int) ([]ServiceLink, error) {
	if s.Finder == nil || g.ServiceQuery == "" {
		return nil, nil
	}
	return s.Finder.FindServices(ctx, g.ServiceQuery, limit)
}

func dupSlug(err error) error {
	if errors.Is(err, store.ErrDuplicate) {
		f := apperr.Fields{}
		f.Add("slug", "guide.err.slug_taken")
		return f.Err()
	}
	return store.AppError(err, "guide")
}

// CreateGuide stores a new guide. Errors: invalid (fields), slug taken.
func (s *Service) CreateGuide(ctx context.Context, g Guide) (*Guide, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		g.CreatedAt = s.Now().UTC().Truncate(time.Microsecond)
		g.UpdatedAt = g.CreatedAt
		if err := insertGuide(ctx, tx, &g); err != nil {
			return dupSlug(err)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "guide", EntityID: g.ID, Summary: g.Title, After: &g})
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// UpdateGuide replaces the guide id. Errors: not_found, invalid, slug taken.
func (s *Service) UpdateGuide(ctx context.Context, id int64, g Guide) (*Guide, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findGuide(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		g.ID, g.CreatedAt = id, before.CreatedAt
		g.UpdatedAt = s.Now().UTC().Truncate(time.Microsecond)
		if err := updateGuide(ctx, tx, &g); err != nil {
			return dupSlug(err)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "guide", EntityID: id, Summary: g.Title, Before: &before, After: &g})
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

package news

import (
	"context"
	"errors"
	"fmt"
	"kpss/internal/outbox"
	"slices"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Service runs the rules of the news and the plan: validation, one audit row
// per change, and the reminders.
type Service struct {
	DB       *store.DB
	Audit    *audit.Log
	Now      func() time.Time
	Partners *partner.Service
	Mail     mail.Sender
	Outbox   *outbox.Outbox // nil: Mail sends at once
	BaseURL  string
}

// NewService returns the news service.
func NewService(db *store.DB, log *audit.Log, now func() time.Time, partners *partner.Service, sender mail.Sender, baseURL string) *Service {
	return &Service{DB: db, Audit: log, Now: now, Partners: partners, Mail: sender, BaseURL: baseURL}
}

// Prague is the region's time zone; deadlines are dates there.
var Prague = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

func (s *Service) orgs(ctx context.Context) (map[int64]partner.Organisation, error) {
	os, _, err := s.Partners.FindOrganisations(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	m := make(map[int64]partner.Organisation, len(os))
	for _, o := range os {
		m[o.ID] = o
	}
	return m, nil
}

func (s *Service) nameItems(ctx context.Context, items []Item) error {
	need := false
	for _, n := range items {
		need = need || n.OrganisationID != nil
	}
	if !need {
		return nil
	}
	orgs, err := s.orgs(ctx)
	if err != nil {
		return err
	}
	for i := range items {
		if id := items[i].OrganisationID; id != nil {
			items[i].Organisation = orgs[*id].Name
		}
	}
	return nil
}

// FindNews returns published news, newest first (drafts too when f.Drafts).
func (s *Service) FindNews(ctx context.Context, f Filter) ([]Item, int, error) {
	f.At = s.Now()
	items, total, err := findNews(ctx, s.DB, f)
	if err != nil {
		return nil, 0, err
	}
	return items, total, s.nameItems(ctx, items)
}

// FindNewsBy returns the article with slug (or id when slug is ""); a draft
// only when drafts is true. Errors: not_found.
func (s *Service) FindNewsBy(ctx context.Context, slug string, id int64, drafts bool) (*Item, error) {
	var n Item
	var err error
	if slug != "" {
		n, err = findItem(ctx, s.DB, "slug = ?", slug)
	} else {
		n, err = findItem(ctx, s.DB, "id = ?", id)
	}
	if err != nil {
		return nil, err
	}
	if !drafts && (n.PublishedAt == nil || n.PublishedAt.After(s.Now())) {
		return nil, apperr.NotFoundErr("news")
	}
	items := []Item{n}
	if err := s.nameItems(ctx, items); err != nil {
		return nil, err
	}
	return &items[0], nil
}

func dupSlug(err error) error {
	if errors.Is(err, store.ErrDuplicate) {
		f := apperr.Fields{}
		f.Add("slug", "news.err.slug_taken")
		return f.Err()
	}
	return store.AppError(err, "news")
}

// SaveNews creates (id 0) or updates an article; publish sets the
// publication time to now when it had none, !publish makes it a draft.
func (s *Service) SaveNews(ctx context.Context, id int64, n Item, publish bool) (*Item, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	now := s.Now().UTC().Truncate(time.Second)
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if id == 0 {
			n.CreatedAt, n.UpdatedAt = now, now
			switch {
			case !publish:
				n.PublishedAt = nil
			case n.PublishedAt == nil:
				n.PublishedAt = &now
			default:
				// An import or the demo keeps its own publication time.
				t := n.PublishedAt.UTC().Truncate(time.Second)
				n.PublishedAt = &t
			}
			if err := insertItem(ctx, tx, &n); err != nil {
				return dupSlug(err)
			}
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "news", EntityID: n.ID, Summary: n.Title, After: &n})
		}
		before, err := findItem(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		n.ID, n.CreatedAt, n.UpdatedAt = id, before.CreatedAt, now
		switch {
		case publish && before.PublishedAt != nil:
			n.PublishedAt = before.PublishedAt
		case publish:
			n.PublishedAt = &now
		default:
			n.PublishedAt = nil
		}
		if err := updateItem(ctx, tx, &n); err != nil {
			return dupSlug(err)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "news", EntityID: id, Summary: n.Title, Before: &before, After: &n})
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// --- the plan of articles

// Plan returns the plan of year with author names and article addresses.
func (s *Service) Plan(ctx context.Context, year int) ([]PlanEntry, error) {
	ps, err := queryPlan(ctx, s.DB, "p.year = ?", year)
	if err != nil {
		return nil, err
	}
	return ps, s.namePlan(ctx, ps)
}

func (s *Service) namePlan(ctx context.Context, ps []PlanEntry) error {
	if len(ps) == 0 {
		return nil
	}
	orgs, err := s.orgs(ctx)
	if err != nil {
		return err
	}
	var ids []any
	for i := range ps {
		ps[i].Organisation = orgs[ps[i].OrganisationID].Name
		ps[i].NoEmail = orgs[ps[i].OrganisationID].Email == ""
		if ps[i].NewsID != nil {
			ids = append(ids, *ps[i].NewsID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.DB.Query(ctx, `SELECT id, slug FROM news WHERE id IN (`+store.Placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	slugs := map[int64]string{}
	for rows.Next() {
		var id int64
		var slug string
		if err := rows.Scan(&id, &slug); err != nil {
			return err
		}
		slugs[id] = slug
	}
	for i := range ps {
		if ps[i].NewsID != nil {
			ps[i].NewsSlug = slugs[*ps[i].NewsID]
		}
	}
	return rows.Err()
}

// FindPlanEntry returns one entry of the plan. Errors: not_found.
func (s *Service) FindPlanEntry(ctx context.Context, id int64) (*PlanEntry, error) {
	p, err := findPlanEntry(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	ps := []PlanEntry{p}
	if err := s.namePlan(ctx, ps); err != nil {
		return nil, err
	}
	return &ps[0], nil
}

func (s *Service) checkPlanRefs(ctx context.Context, p *PlanEntry) error {
	f := apperr.Fields{}
	if _, err := s.Partners.FindOrganisationByID(ctx, p.OrganisationID); err != nil {
		f.Add("organisation_id", "err.bad_reference")
	}
	if p.NewsID != nil {
		if _, err := findItem(ctx, s.DB, "id = ?", *p.NewsID); err != nil {
			f.Add("news_id", "err.bad_reference")
		}
	}
	return f.Err()
}

// SavePlanEntry creates (id 0) or updates an entry of the plan.
// Errors: not_found, invalid.
func (s *Service) SavePlanEntry(ctx context.Context, id int64, p PlanEntry) (*PlanEntry, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p.DeadlineISO = p.Deadline.String()
	if err := s.checkPlanRefs(ctx, &p); err != nil {
		return nil, err
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if id == 0 {
			p.CreatedAt, p.UpdatedAt = now, now
			if err := insertPlan(ctx, tx, &p); err != nil {
				return store.AppError(err, "article_plan")
			}
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "article_plan", EntityID: p.ID, Summary: p.Topic, After: &p})
		}
		before, err := findPlanEntry(ctx, tx, id)
		if err != nil {
			return err
		}
		p.ID, p.CreatedAt, p.UpdatedAt = id, before.CreatedAt, now
		if err := updatePlan(ctx, tx, &p); err != nil {
			return store.AppError(err, "article_plan")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "article_plan", EntityID: id, Summary: p.Topic, Before: &before, After: &p})
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// ReminderDays is how many days before the deadline the first reminder goes;
// the second goes the day before.
const ReminderDays = 7

func today(now time.Time) store.Date {
	t := now.In(Prague)
	return store.NewDate(t.Year(), t.Month(), t.Day())
}

var monthNames = []string{"", "leden", "únor", "březen", "duben", "květen", "červen", "červenec", "srpen", "září", "říjen", "listopad", "prosinec"}

// RemindAuthors e-mails the author organisations of the articles still
// planned whose deadline is at most ReminderDays away: once a week before
// and once the day before, never twice a day for one article, so the job
// may run as often as it likes. It returns how many e-mails it sent.
func (s *Service) RemindAuthors(ctx context.Context) (int, error) {
	day := today(s.Now())
	until := store.Date{Time: day.AddDate(0, 0, ReminderDays)}
	ps, err := queryPlan(ctx, s.DB, "p.state = ? AND p.deadline >= ? AND p.deadline <= ?", "planned", day, until)
	if err != nil || len(ps) == 0 {
		return 0, err
	}
	orgs, err := s.orgs(ctx)
	if err != nil {
		return 0, err
	}
	ids := make([]any, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	type key struct {
		id   int64
		kind string
	}
	sent, sentToday := map[key]bool{}, map[int64]bool{}
	rows, err := s.DB.Query(ctx, `SELECT plan_id, kind, sent_on FROM article_reminders WHERE plan_id IN (`+store.Placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id int64
		var kind string
		var on store.Date
		if err := rows.Scan(&id, &kind, &on); err != nil {
			rows.Close()
			return 0, err
		}
		sent[key{id, kind}] = true
		if on.Equal(day.Time) {
			sentToday[id] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, p := range ps {
		days := int(p.Deadline.Sub(day.Time).Hours() / 24)
		kind := "week"
		if days <= 1 {
			kind = "day"
		}
		if sent[key{p.ID, kind}] || sentToday[p.ID] {
			continue
		}
		org := orgs[p.OrganisationID]
		if org.Email == "" {
			continue
		}
		p.Organisation = org.Name
		msg := s.reminder(p, org.Email, days)
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO article_reminders (plan_id, kind, sent_on) VALUES (?, ?, ?)`, p.ID, kind, day); err != nil {
				return err
			}
			if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "remind", Entity: "article_plan", EntityID: p.ID,
				Summary: fmt.Sprintf("%s → %s", p.Topic, org.Name)}); err != nil {
				return err
			}
			// Queued in the shared outbox with the record (delivered after
			// the commit, retried); without one sent inside the transaction,
			// so that a failed e-mail leaves no record and the next run
			// tries again.
			if s.Outbox != nil {
				return s.Outbox.Enqueue(ctx, tx, outbox.Message{Module: "news", Kind: "reminder", Ref: fmt.Sprintf("news:plan:%d", p.ID), Batch: kind, Mail: msg})
			}
			return s.Mail.Send(ctx, msg)
		})
		if err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				continue // another run sent it meanwhile
			}
			errs = append(errs, fmt.Errorf("news: reminder for plan %d: %w", p.ID, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

func (s *Service) reminder(p PlanEntry, to string, days int) mail.Message {
	deadline := fmt.Sprintf("%d.\u00a0%d.\u00a0%d", p.Deadline.Day(), p.Deadline.Month(), p.Deadline.Year())
	when := "zítra"
	switch {
	case days <= 0:
		when = "dnes"
	case days >= 5:
		when = fmt.Sprintf("za %d dní", days)
	case days >= 2:
		when = fmt.Sprintf("za %d dny", days)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Dobrý den,\n\npřipomínáme, že podle plánu článků píše vaše organizace (%s) článek do rubriky „%s“ na měsíc %s %d.\n\n",
		p.Organisation, Column, monthNames[p.Month], p.Year)
	fmt.Fprintf(&b, "Téma: %s\nUzávěrka: %s (%s)\n", p.Topic, deadline, when)
	if p.Note != "" {
		fmt.Fprintf(&b, "Poznámka koordinátora: %s\n", p.Note)
	}
	b.WriteString("\nHotový text prosím pošlete koordinátorovi komunitního plánování odpovědí na tento e-mail. Pokud článek napsat nestihnete, dejte nám prosím vědět co nejdříve.\n\nDěkujeme.\nKoordinátor komunitního plánování sociálních služeb\n")
	if s.BaseURL != "" {
		b.WriteString(strings.TrimRight(s.BaseURL, "/") + "/aktuality\n")
	}
	return mail.Message{To: []string{to}, Subject: fmt.Sprintf("Připomínka: článek „%s“ – uzávěrka %s", p.Topic, deadline), Text: b.String()}
}

// States returns the plan states (for the pages).
func States() []string { return slices.Clone(PlanStates) }

package news

import (
	"context"
	"strings"
	"time"

	"kpss/internal/czech"
	"kpss/internal/guide/markdown"
	"kpss/internal/store"
)

// Filter selects news.
type Filter struct {
	Q      string
	Drafts bool // include unpublished (staff)
	At     time.Time
	store.Paging
}

const newsCols = `id, slug, title, perex, body, organisation_id, published_at, created_at, updated_at`

type scanner interface{ Scan(...any) error }

func scanItem(s scanner) (Item, error) {
	var n Item
	err := s.Scan(&n.ID, &n.Slug, &n.Title, &n.Perex, &n.Body, &n.OrganisationID, &n.PublishedAt, &n.CreatedAt, &n.UpdatedAt)
	return n, err
}

func findNews(ctx context.Context, q store.Q, f Filter) ([]Item, int, error) {
	where := []string{"1=1"}
	var args []any
	if !f.Drafts {
		where = append(where, "published_at IS NOT NULL AND published_at <= ?")
		args = append(args, f.At.UTC())
	}
	for _, w := range store.LikeWords(czech.Fold(f.Q)) {
		where = append(where, `search LIKE ? ESCAPE '\'`)
		args = append(args, w)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM news WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	// Drafts first for the editor, then newest.
	query := `SELECT ` + newsCols + ` FROM news WHERE ` + cond + ` ORDER BY CASE WHEN published_at IS NULL THEN 0 ELSE 1 END, published_at DESC, id DESC`
	if f.PerPage >= 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit(), f.Offset())
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		n, err := scanItem(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, n)
	}
	return out, total, rows.Err()
}

func findItem(ctx context.Context, q store.Q, where string, arg any) (Item, error) {
	n, err := scanItem(q.QueryRow(ctx, `SELECT `+newsCols+` FROM news WHERE `+where, arg))
	if err != nil {
		return n, store.AppError(store.MapError(err), "news")
	}
	return n, nil
}

func newsSearch(n *Item) string { return czech.FoldJoin(n.Title, n.Perex, markdown.Plain(n.Body)) }

func insertItem(ctx context.Context, q store.Q, n *Item) error {
	var err error
	n.ID, err = store.InsertID(ctx, q, `INSERT INTO news (slug, title, perex, body, organisation_id, published_at, search, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.Slug, n.Title, n.Perex, n.Body, n.OrganisationID, utcPtr(n.PublishedAt), newsSearch(n), n.CreatedAt, n.UpdatedAt)
	return err
}

func updateItem(ctx context.Context, q store.Q, n *Item) error {
	_, err := q.Exec(ctx, `UPDATE news SET slug = ?, title = ?, perex = ?, body = ?, organisation_id = ?, published_at = ?, search = ?, updated_at = ? WHERE id = ?`,
		n.Slug, n.Title, n.Perex, n.Body, n.OrganisationID, utcPtr(n.PublishedAt), newsSearch(n), n.UpdatedAt, n.ID)
	return err
}

func utcPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// --- plan

const planCols = `p.id, p.year, p.month, p.topic, p.organisation_id, p.deadline, p.state, p.news_id, p.note, p.created_at, p.updated_at`

func scanPlan(s scanner) (PlanEntry, error) {
	var p PlanEntry
	err := s.Scan(&p.ID, &p.Year, &p.Month, &p.Topic, &p.OrganisationID, &p.Deadline, &p.State, &p.NewsID, &p.Note, &p.CreatedAt, &p.UpdatedAt)
	p.DeadlineISO = p.Deadline.String()
	return p, err
}

func queryPlan(ctx context.Context, q store.Q, where string, args ...any) ([]PlanEntry, error) {
	rows, err := q.Query(ctx, `SELECT `+planCols+` FROM article_plan p WHERE `+where+` ORDER BY p.year, p.month, p.deadline, p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PlanEntry{}
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func findPlanEntry(ctx context.Context, q store.Q, id int64) (PlanEntry, error) {
	p, err := scanPlan(q.QueryRow(ctx, `SELECT `+planCols+` FROM article_plan p WHERE p.id = ?`, id))
	if err != nil {
		return p, store.AppError(store.MapError(err), "article_plan")
	}
	return p, nil
}

func insertPlan(ctx context.Context, q store.Q, p *PlanEntry) error {
	var err error
	p.ID, err = store.InsertID(ctx, q, `INSERT INTO article_plan (year, month, topic, organisation_id, deadline, state, news_id, note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Year, p.Month, p.Topic, p.OrganisationID, p.Deadline, p.State, p.NewsID, p.Note, p.CreatedAt, p.UpdatedAt)
	return err
}

func updatePlan(ctx context.Context, q store.Q, p *PlanEntry) error {
	_, err := q.Exec(ctx, `UPDATE article_plan SET year = ?, month = ?, topic = ?, organisation_id = ?, deadline = ?, state = ?, news_id = ?, note = ?, updated_at = ? WHERE id = ?`,
		p.Year, p.Month, p.Topic, p.OrganisationID, p.Deadline, p.State, p.NewsID, p.Note, p.UpdatedAt, p.ID)
	return err
}

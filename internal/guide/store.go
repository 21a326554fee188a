package guide

import (
	"context"
	"strings"

	"kpss/internal/czech"
	"kpss/internal/guide/markdown"
	"kpss/internal/store"
)

// Filter selects guides.
type Filter struct {
	Q      string // words, diacritics-insensitive, each may be a prefix
	Drafts bool   // include unpublished guides (the coordinator)
	store.Paging
}

const cols = `id, slug, title, summary, intro, who_helps, first_steps, what_to_bring, where_when, service_query, published, created_at, updated_at`

type scanner interface{ Scan(...any) error }

func scan(s scanner) (Guide, error) {
	var g Guide
	err := s.Scan(&g.ID, &g.Slug, &g.Title, &g.Summary, &g.Intro, &g.WhoHelps, &g.FirstSteps, &g.WhatToBring, &g.WhereWhen, &g.ServiceQuery, &g.Published, &g.CreatedAt, &g.UpdatedAt)
	return g, err
}

func searchText(g *Guide) string {
	return czech.FoldJoin(g.Title, g.Summary, g.ServiceQuery, markdown.Plain(g.Intro), markdown.Plain(g.WhoHelps),
		markdown.Plain(g.FirstSteps), markdown.Plain(g.WhatToBring), markdown.Plain(g.WhereWhen))
}

func findGuides(ctx context.Context, q store.Q, f Filter) ([]Guide, int, error) {
	where := []string{"1=1"}
	var args []any
	if !f.Drafts {
		where = append(where, "published = ?")
		args = append(args, true)
	}
	for _, w := range store.LikeWords(czech.Fold(f.Q)) {
		where = append(where, `search LIKE ? ESCAPE '\'`)
		args = append(args, w)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM guides WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	query := `SELECT ` + cols + ` FROM guides WHERE ` + cond + ` ORDER BY sort_key, id`
	if f.PerPage >= 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit(), f.Offset())
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Guide{}
	for rows.Next() {
		g, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, g)
	}
	return out, total, rows.Err()
}

func findGuide(ctx context.Context, q store.Q, where string, arg any) (Guide, error) {
	g, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM guides WHERE `+where, arg))
	if err != nil {
		return g, store.AppError(store.MapError(err), "guide")
	}
	return g, nil
}

func insertGuide(ctx context.Context, q store.Q, g *Guide) error {
	var err error
	g.ID, err = store.InsertID(ctx, q, `INSERT INTO guides (slug, title, summary, intro, who_helps, first_steps, what_to_bring, where_when, service_query, published, search, sort_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.Slug, g.Title, g.Summary, g.Intro, g.WhoHelps, g.FirstSteps, g.WhatToBring, g.WhereWhen, g.ServiceQuery, g.Published,
		searchText(g), czech.SortKey(g.Title), g.CreatedAt, g.UpdatedAt)
	return err
}

func updateGuide(ctx context.Context, q store.Q, g *Guide) error {
	_, err := q.Exec(ctx, `UPDATE guides SET slug = ?, title = ?, summary = ?, intro = ?, who_helps = ?, first_steps = ?, what_to_bring = ?, where_when = ?, service_query = ?, published = ?, search = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		g.Slug, g.Title, g.Summary, g.Intro, g.WhoHelps, g.FirstSteps, g.WhatToBring, g.WhereWhen, g.ServiceQuery, g.Published, searchText(g), czech.SortKey(g.Title), g.UpdatedAt, g.ID)
	return err
}

// Package guide holds the life-situation guides (průvodce životními
// situacemi): short articles the coordinator writes in Markdown, each with the
// sections people look for — who can help, what to do first, what to bring,
// where and when — and the related services pulled live from the catalogue.
package guide

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/czech"
)

// Guide is one life-situation guide. The text fields are Markdown (the safe
// subset of internal/guide/markdown).
type Guide struct {
	ID           int64     `json:"id"`
	Slug         string    `json:"slug"`
	Title        string    `json:"title"`
	Summary      string    `json:"summary"`
	Intro        string    `json:"intro"`
	WhoHelps     string    `json:"who_helps"`
	FirstSteps   string    `json:"first_steps"`
	WhatToBring  string    `json:"what_to_bring"`
	WhereWhen    string    `json:"where_when"`
	ServiceQuery string    `json:"service_query"`
	Published    bool      `json:"published"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ServiceLink is a service of the catalogue shown under a guide. It is an
// alias of a plain struct on purpose: the catalogue can fulfil ServiceFinder
// returning []struct{Name, URL, Provider, Place string} without importing
// this package.
type ServiceLink = struct {
	Name     string `json:"name"`
	URL      string `json:"url"`
	Provider string `json:"provider"`
	Place    string `json:"place"`
}

// ServiceFinder finds published services of the catalogue for a guide's
// search words, best first. The catalogue module fulfils it; without one the
// guide links to /katalog?q=… instead.
type ServiceFinder interface {
	FindServices(ctx context.Context, query string, limit int) ([]ServiceLink, error)
}

// reserved slugs are path segments of the module's own pages.
var reserved = map[string]bool{"novy": true, "nova": true}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Slugify makes a Czech title into a URL segment without diacritics:
// "Přišel jsem o bydlení" → "prisel-jsem-o-bydleni".
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range czech.Fold(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	out := b.String()
	if len(out) > 80 {
		out = strings.TrimRight(out[:80], "-")
	}
	return out
}

// Validate checks a guide before it is stored; an empty slug is made from
// the title.
func (g *Guide) Validate() error {
	for _, s := range []*string{&g.Slug, &g.Title, &g.Summary, &g.ServiceQuery} {
		*s = strings.TrimSpace(*s)
	}
	f := apperr.Fields{}
	if g.Title == "" {
		f.Add("title", "err.required")
	}
	checkLen(f, "title", g.Title, 200)
	checkLen(f, "summary", g.Summary, 500)
	if g.Slug == "" {
		g.Slug = Slugify(g.Title)
	}
	switch {
	case g.Slug == "" && g.Title != "":
		f.Add("slug", "guide.err.slug")
	case g.Slug != "" && (!slugRe.MatchString(g.Slug) || len(g.Slug) > 80):
		f.Add("slug", "guide.err.slug")
	case reserved[g.Slug]:
		f.Add("slug", "guide.err.slug_reserved")
	}
	for name, v := range map[string]string{"intro": g.Intro, "who_helps": g.WhoHelps, "first_steps": g.FirstSteps, "what_to_bring": g.WhatToBring, "where_when": g.WhereWhen} {
		checkLen(f, name, v, 20000)
	}
	checkLen(f, "service_query", g.ServiceQuery, 200)
	return f.Err()
}

func checkLen(f apperr.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "err.too_long", "Max", max)
	}
}

// Package news holds the portal's news (aktuality) with RSS 2.0 and Atom
// feeds, and the editorial plan of the newspaper column "Zaostřeno na
// sociální služby": for every month a topic, the partner organisation that
// writes it, a deadline and a state, with e-mail reminders to the author
// organisation before the deadline.
package news

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/czech"
	"kpss/internal/store"
)

// Item is one news article. Body is Markdown (the safe subset of
// internal/guide/markdown). A nil PublishedAt is a draft.
type Item struct {
	ID             int64      `json:"id"`
	Slug           string     `json:"slug"`
	Title          string     `json:"title"`
	Perex          string     `json:"perex"`
	Body           string     `json:"body"`
	OrganisationID *int64     `json:"organisation_id"`
	Organisation   string     `json:"organisation"`
	PublishedAt    *time.Time `json:"published_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Plan states, in their order.
var PlanStates = []string{"planned", "written", "approved", "published"}

// PlanEntry is one month of the column's plan of articles.
type PlanEntry struct {
	ID             int64      `json:"id"`
	Year           int        `json:"year"`
	Month          int        `json:"month"`
	Topic          string     `json:"topic"`
	OrganisationID int64      `json:"organisation_id"`
	Organisation   string     `json:"organisation"`
	NoEmail        bool       `json:"-"` // the author organisation has no e-mail for reminders
	Deadline       store.Date `json:"-"`
	DeadlineISO    string     `json:"deadline"`
	State          string     `json:"state"`
	NewsID         *int64     `json:"news_id"`
	NewsSlug       string     `json:"news_slug,omitempty"`
	Note           string     `json:"note"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Column is the name of the newspaper column the plan is for.
const Column = "Zaostřeno na sociální služby"

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

var reserved = map[string]bool{"nova": true, "novy": true, "plan": true}

// Slugify makes a Czech title into a URL segment without diacritics.
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

func checkLen(f apperr.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "err.too_long", "Max", max)
	}
}

// Validate checks an article; an empty slug is made from the title.
func (n *Item) Validate() error {
	n.Title, n.Slug, n.Perex = strings.TrimSpace(n.Title), strings.TrimSpace(n.Slug), strings.TrimSpace(n.Perex)
	f := apperr.Fields{}
	if n.Title == "" {
		f.Add("title", "err.required")
	}
	checkLen(f, "title", n.Title, 200)
	checkLen(f, "perex", n.Perex, 1000)
	checkLen(f, "body", n.Body, 50000)
	if n.Slug == "" {
		n.Slug = Slugify(n.Title)
	}
	switch {
	case n.Title != "" && (n.Slug == "" || !slugRe.MatchString(n.Slug) || len(n.Slug) > 80):
		f.Add("slug", "news.err.slug")
	case reserved[n.Slug]:
		f.Add("slug", "news.err.slug_reserved")
	}
	return f.Err()
}

// Validate checks a plan entry.
func (p *PlanEntry) Validate() error {
	p.Topic, p.Note = strings.TrimSpace(p.Topic), strings.TrimSpace(p.Note)
	f := apperr.Fields{}
	if p.Year < 2000 || p.Year > 2100 {
		f.Add("year", "news.err.year")
	}
	if p.Month < 1 || p.Month > 12 {
		f.Add("month", "err.choose")
	}
	if p.Topic == "" {
		f.Add("topic", "err.required")
	}
	checkLen(f, "topic", p.Topic, 300)
	if p.OrganisationID == 0 {
		f.Add("organisation_id", "news.err.author")
	}
	if p.Deadline.IsZero() {
		f.Add("deadline", "err.required")
	}
	if p.State == "" {
		p.State = "planned"
	}
	if !slices.Contains(PlanStates, p.State) {
		f.Add("state", "err.choose")
	}
	if p.State == "published" && p.NewsID == nil {
		f.Add("news_id", "news.err.published_needs_article")
	}
	checkLen(f, "note", p.Note, 2000)
	return f.Err()
}

func atoiYear(v string) (int, error) {
	y := 0
	for _, c := range v {
		if c < '0' || c > '9' || y > 10000 {
			f := apperr.Fields{}
			f.Add("year", "news.err.year")
			return 0, f.Err()
		}
		y = y*10 + int(c-'0')
	}
	if y < 2000 || y > 2100 {
		f := apperr.Fields{}
		f.Add("year", "news.err.year")
		return 0, f.Err()
	}
	return y, nil
}

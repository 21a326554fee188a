// Package i18n translates the UI: Czech first, English second. Catalogs are
// JSON files (one per language and module) embedded by their packages and
// registered at start-up; a message is a string or a plural object
// {"one": …, "few": …, "other": …} chosen by the Czech/English plural rules.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"

	"kpss/internal/apperr"
	"kpss/internal/czech"
)

// Languages in order of preference; the first is the default.
var Languages = []string{"cs", "en"}

type message struct {
	text   string
	plural map[string]string
}

// Catalog holds the messages of every language.
type Catalog struct {
	mu   sync.RWMutex
	msgs map[string]map[string]message // lang → key → message
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog { return &Catalog{msgs: map[string]map[string]message{}} }

// Load reads every "<lang>.json" under dir of fsys (e.g. "i18n/cs.json").
func (c *Catalog) Load(fsys fs.FS, dir string) error {
	for _, lang := range Languages {
		b, err := fs.ReadFile(fsys, path.Join(dir, lang+".json"))
		if err != nil {
			return err
		}
		raw := map[string]json.RawMessage{}
		if err := json.Unmarshal(b, &raw); err != nil {
			return fmt.Errorf("i18n: %s/%s.json: %w", dir, lang, err)
		}
		c.mu.Lock()
		if c.msgs[lang] == nil {
			c.msgs[lang] = map[string]message{}
		}
		for k, v := range raw {
			var m message
			if err := json.Unmarshal(v, &m.text); err != nil {
				if err := json.Unmarshal(v, &m.plural); err != nil {
					c.mu.Unlock()
					return fmt.Errorf("i18n: %s/%s.json key %s: neither string nor plural object", dir, lang, k)
				}
			}
			if _, dup := c.msgs[lang][k]; dup {
				c.mu.Unlock()
				return fmt.Errorf("i18n: key %s defined twice (%s)", k, lang)
			}
			c.msgs[lang][k] = m
		}
		c.mu.Unlock()
	}
	return nil
}

// Missing lists keys present in one language and not in another.
func (c *Catalog) Missing() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []string
	for _, a := range Languages {
		for k := range c.msgs[a] {
			for _, b := range Languages {
				if _, ok := c.msgs[b][k]; !ok {
					out = append(out, b+":"+k)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists in the default language.
func (c *Catalog) Has(key string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.msgs[Languages[0]][key]
	return ok
}

var matcher = language.NewMatcher([]language.Tag{language.Czech, language.English})

// Match picks a supported language from an Accept-Language header.
func Match(acceptLanguage string) string {
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	if len(tags) == 0 {
		return Languages[0]
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[i]
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Localizer translates for one language.
type Localizer struct {
	Lang string
	c    *Catalog
}

// For returns the localizer of lang.
func (c *Catalog) For(lang string) *Localizer {
	if !Supported(lang) {
		lang = Languages[0]
	}
	return &Localizer{Lang: lang, c: c}
}

func (l *Localizer) lookup(key string) (message, bool) {
	l.c.mu.RLock()
	defer l.c.mu.RUnlock()
	m, ok := l.c.msgs[l.Lang][key]
	return m, ok
}

// T translates key; args are name/value pairs filling {Name} placeholders.
// A missing key shows as the key itself, so it is noticed, never hidden.
func (l *Localizer) T(key string, args ...any) string {
	m, ok := l.lookup(key)
	if !ok {
		return key
	}
	s := m.text
	if m.plural != nil {
		s = m.plural["other"]
	}
	return fill(s, l, args)
}

// N translates a plural message for the count n ({N} is the formatted count).
func (l *Localizer) N(key string, n any, args ...any) string {
	var count int64
	switch v := n.(type) {
	case int:
		count = int64(v)
	case int64:
		count = v
	case float64:
		count = int64(v)
	}
	m, ok := l.lookup(key)
	if !ok {
		return key
	}
	s := m.text
	if m.plural != nil {
		s = m.plural[czech.PluralCategory(l.Lang, count)]
		if s == "" {
			s = m.plural["other"]
		}
	}
	return fill(s, l, append(args, "N", czech.FormatInt(l.Lang, count)))
}

// Msg translates an application message.
func (l *Localizer) Msg(m apperr.Msg) string {
	var args []any
	for k, v := range m.Args {
		args = append(args, k, v)
	}
	return l.T(m.Key, args...)
}

// Err translates an error: application errors by their message, others as a
// generic message (their details are logged, never shown).
func (l *Localizer) Err(err error) string {
	if e, ok := apperr.As(err); ok {
		return l.Msg(e.Msg)
	}
	return l.T("err.internal")
}

// Num formats an integer.
func (l *Localizer) Num(n any) string {
	switch v := n.(type) {
	case int:
		return czech.FormatInt(l.Lang, int64(v))
	case int64:
		return czech.FormatInt(l.Lang, v)
	case *int64:
		if v == nil {
			return ""
		}
		return czech.FormatInt(l.Lang, *v)
	case float64:
		return czech.FormatFloat(l.Lang, v, 1)
	}
	return fmt.Sprint(n)
}

// Prague is the time zone the UI shows times in.
var Prague = mustZone("Europe/Prague")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}

// Date formats a date the way lang writes it ("22. 11. 2026" / "22 Nov 2026").
func (l *Localizer) Date(t any) string {
	tt, ok := asTime(t)
	if !ok {
		return ""
	}
	// A moment (not a bare date at UTC midnight) is shown in Prague.
	if h, m, sec := tt.UTC().Clock(); h != 0 || m != 0 || sec != 0 || tt.Nanosecond() != 0 {
		tt = tt.In(Prague)
	}
	if l.Lang == "cs" {
		return fmt.Sprintf("%d.\u00a0%d.\u00a0%d", tt.Day(), tt.Month(), tt.Year())
	}
	return tt.Format("2 Jan 2006")
}

// DateTime formats a moment in Prague time.
func (l *Localizer) DateTime(t any) string {
	tt, ok := asTime(t)
	if !ok {
		return ""
	}
	tt = tt.In(Prague)
	return l.Date(tt) + " " + tt.Format("15:04")
}

func asTime(t any) (time.Time, bool) {
	switch v := t.(type) {
	case time.Time:
		return v, !v.IsZero()
	case *time.Time:
		if v == nil {
			return time.Time{}, false
		}
		return *v, !v.IsZero()
	case interface{ Time() time.Time }:
		return v.Time(), !v.Time().IsZero()
	case interface {
		Date() (int, time.Month, int)
		IsZero() bool
	}:
		// store.Date and other types embedding time.Time.
		y, m, d := v.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), !v.IsZero()
	}
	return time.Time{}, false
}

func fill(s string, l *Localizer, args []any) string {
	if len(args) < 2 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		v := args[i+1]
		// Group thousands from five digits on: a year or "1500 Kč" reads
		// better without a space.
		switch n := v.(type) {
		case int:
			if n >= 10000 || n <= -10000 {
				v = czech.FormatInt(l.Lang, int64(n))
			}
		case int64:
			if n >= 10000 || n <= -10000 {
				v = czech.FormatInt(l.Lang, n)
			}
		}
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

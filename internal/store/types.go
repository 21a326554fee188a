package store

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar date without time (a due date, a meeting day). It is kept
// as 'YYYY-MM-DD' text on SQLite and as DATE on PostgreSQL; the zero Date is NULL.
type Date struct{ time.Time }

// NewDate returns the date of y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// ParseDate parses 'YYYY-MM-DD'.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, err
	}
	return Date{t}, nil
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// MarshalJSON writes "2026-03-01", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.Format(time.DateOnly) + `"`), nil
}

// UnmarshalJSON reads "2026-03-01" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		*d = Date{}
		return nil
	}
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return fmt.Errorf("store: date %s is not a string", s)
	}
	t, err := time.Parse(time.DateOnly, s[1:len(s)-1])
	if err != nil {
		return err
	}
	*d = Date{t}
	return nil
}

// Value stores the date as text, which both engines accept for DATE/TEXT columns.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.Format(time.DateOnly), nil
}

// Scan reads a DATE (PostgreSQL gives time.Time) or TEXT (SQLite) value.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = Date{time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)}
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	default:
		return fmt.Errorf("store: cannot scan %T into Date", src)
	}
	return nil
}

func (d *Date) scanText(s string) error {
	if len(s) >= 10 {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return err
	}
	*d = Date{t}
	return nil
}

// Paging is a page request; Page counts from 1.
type Paging struct {
	Page    int
	PerPage int
}

// Normalize clamps the paging to sane values.
func (p Paging) Normalize() Paging {
	if p.Page < 1 {
		p.Page = 1
	}
	// A huge page number would overflow the offset ("-39–-20 z 13").
	if p.Page > MaxPage {
		p.Page = MaxPage
	}
	if p.PerPage <= 0 {
		p.PerPage = 25
	}
	if p.PerPage > 200 {
		p.PerPage = 200
	}
	return p
}

// MaxPage is the highest page number a list takes (beyond it the list is
// surely past its end).
const MaxPage = 1_000_000

// Offset returns the SQL OFFSET of the page.
func (p Paging) Offset() int { p = p.Normalize(); return (p.Page - 1) * p.PerPage }

// Limit returns the SQL LIMIT of the page.
func (p Paging) Limit() int { return p.Normalize().PerPage }

// LikePattern builds a LIKE pattern that matches folded text containing every
// word of q (each word may be a prefix of a longer one), escaping wildcards.
func LikeWords(folded string) []string {
	var out []string
	word := []rune{}
	flush := func() {
		if len(word) > 0 {
			out = append(out, "%"+string(word)+"%")
			word = word[:0]
		}
	}
	for _, r := range folded {
		switch r {
		case ' ', '\t', '\n':
			flush()
		case '%', '_', '\\':
			word = append(word, '\\', r)
		default:
			word = append(word, r)
		}
	}
	flush()
	return out
}

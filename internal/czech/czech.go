// Package czech holds the few language rules kpss needs everywhere: folding text
// for diacritics-insensitive search, Czech collation, plural categories, number
// formatting and the IČO check digit.
package czech

import (
	"encoding/hex"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lowercases s and strips diacritics, so that "Bělov" and "belov" compare
// equal. Both engines search a column filled by Fold: SQLite's lower() folds
// ASCII only, so folding in SQL is not an option.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(strings.TrimSpace(out))
}

// FoldJoin folds and joins several fields into one search text.
func FoldJoin(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Fold(p))
	}
	return b.String()
}

var collators = sync.Pool{New: func() any { return collate.New(language.Czech) }}

// Less orders two strings the Czech way: Č after C, Ch after H, Ř after R.
func Less(a, b string) bool {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	return c.CompareString(a, b) < 0
}

// SortBy sorts items by the Czech collation of key(item), stable.
func SortBy[T any](items []T, key func(T) string) {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	sort.SliceStable(items, func(i, j int) bool {
		return c.CompareString(key(items[i]), key(items[j])) < 0
	})
}

// PluralCategory returns the CLDR plural category of n for lang:
// Czech "one" (1), "few" (2–4), "other" (0, 5+); English "one"/"other".
func PluralCategory(lang string, n int64) string {
	if n < 0 {
		n = -n
	}
	if lang == "cs" {
		switch {
		case n == 1:
			return "one"
		case n >= 2 && n <= 4:
			return "few"
		default:
			return "other"
		}
	}
	if n == 1 {
		return "one"
	}
	return "other"
}

// FormatInt formats n with the thousands separator of lang: a no-break space
// in Czech ("12 345"), a comma in English ("12,345").
func FormatInt(lang string, n int64) string {
	sep := ","
	if lang == "cs" {
		sep = "\u00a0"
	}
	neg := n < 0
	u := uint64(n)
	if neg {
		u = -u // also for math.MinInt64, whose negation overflows int64
	}
	out := group(strconv.FormatUint(u, 10), sep)
	if neg {
		return "−" + out
	}
	return out
}

// group puts sep between the thousands of a string of digits.
func group(s, sep string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FormatFloat formats f with prec decimals the way lang writes them
// (Czech: decimal comma, no-break space between thousands).
func FormatFloat(lang string, f float64, prec int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'f', prec, 64)
	}
	s := strconv.FormatFloat(f, 'f', prec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	// Grouped as digits, not through an int64: 1e20 is no int64 (it came
	// out as "0").
	sep := ","
	if lang == "cs" {
		sep = "\u00a0"
	}
	out := group(intPart, sep)
	if neg {
		out = "−" + out
	}
	if frac != "" {
		if lang == "cs" {
			out += "," + frac
		} else {
			out += "." + frac
		}
	}
	return out
}

// ValidICO reports whether s is a valid Czech company identifier: 8 digits
// whose last one is the mod-11 check digit of the first seven
// (weights 8…2; r = sum mod 11; check = (11 − r) mod 10).
func ValidICO(s string) bool {
	if len(s) != 8 {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if i < 7 {
			sum += int(s[i]-'0') * (8 - i)
		}
	}
	check := (11 - sum%11) % 10
	return int(s[7]-'0') == check
}

// SortKey returns a text key whose byte order is the Czech collation order of
// s, so that SQL can ORDER BY it on both engines (with paging) and still put Č
// after C and Ch after H.
func SortKey(s string) string {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	return hex.EncodeToString(c.KeyFromString(&buf, s))
}

// ErrNotNumber is the error of ParseNumber and ParseInt.
var ErrNotNumber = errors.New("czech: not a number")

// ParseNumber reads a number the way people type it in Czech forms and
// spreadsheets: a decimal comma or point ("12,5", "12.5"), spaces between
// the thousands (plain, no-break or thin: "12 345,5"), a sign ("-3", "−3",
// "+3"). Nothing else is a number here: not "NaN", "Inf", "1e5", "0x1p4" or
// "1_000", which strconv.ParseFloat would take, and not "1.234,5" (one
// decimal separator only). The result is always finite.
func ParseNumber(s string) (float64, error) {
	t, ok := cleanNumber(s, true)
	if !ok {
		return 0, ErrNotNumber
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, ErrNotNumber
	}
	return v, nil
}

// ParseInt reads a whole number as ParseNumber does ("18 431", "−5").
func ParseInt(s string) (int64, error) {
	t, ok := cleanNumber(s, false)
	if !ok {
		return 0, ErrNotNumber
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, ErrNotNumber
	}
	return n, nil
}

// cleanNumber turns a typed number into strconv's syntax, or reports that
// it is none.
func cleanNumber(s string, decimals bool) (string, bool) {
	s = strings.TrimSpace(s)
	var b strings.Builder
	digits, seps := 0, 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			digits++
		case i == 0 && (r == '-' || r == '−'):
			b.WriteByte('-')
		case i == 0 && r == '+':
		case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009':
			// between the thousands (after a digit, before a digit)
			if digits == 0 || seps > 0 {
				return "", false
			}
		case decimals && (r == ',' || r == '.'):
			if digits == 0 || seps > 0 {
				return "", false
			}
			seps++
			b.WriteByte('.')
		default:
			return "", false
		}
	}
	out := b.String()
	if digits == 0 || strings.HasSuffix(out, ".") || strings.HasSuffix(s, " ") {
		return "", false
	}
	return out, true
}

// ParseDate reads a date as people write it: 2026-03-31 (what a date input
// sends), 31.3.2026 or 31. 3. 2026; the year has four digits. It returns
// midnight UTC of that day.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	parts := strings.Split(strings.TrimSuffix(strings.ReplaceAll(s, " ", ""), "."), ".")
	if len(parts) == 3 && len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2 {
		d, e1 := strconv.Atoi(parts[0])
		m, e2 := strconv.Atoi(parts[1])
		y, e3 := strconv.Atoi(parts[2])
		if e1 == nil && e2 == nil && e3 == nil && parts[0][0] != '+' && parts[0][0] != '-' && parts[1][0] != '+' && parts[1][0] != '-' &&
			parts[2][0] >= '0' && parts[2][0] <= '9' && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
			if t.Day() == d {
				return t, nil
			}
		}
	}
	return time.Time{}, ErrNotDate
}

// ErrNotDate is the error of ParseDate.
var ErrNotDate = errors.New("czech: not a date")

// FormatDate writes a date the Czech way: "31. 3. 2026".
func FormatDate(t time.Time) string {
	return strconv.Itoa(t.Day()) + ". " + strconv.Itoa(int(t.Month())) + ". " + strconv.Itoa(t.Year())
}

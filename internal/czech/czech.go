// Package czech holds the few language rules kpss needs everywhere: folding text
// for diacritics-insensitive search, Czech collation, plural categories, number
// formatting and the IČO check digit.
package czech

import (
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"sync"
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
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "−" + b.String()
	}
	return b.String()
}

// FormatFloat formats f with prec decimals the way lang writes them
// (Czech: decimal comma, no-break space between thousands).
func FormatFloat(lang string, f float64, prec int) string {
	s := strconv.FormatFloat(f, 'f', prec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	n, _ := strconv.ParseInt(intPart, 10, 64)
	out := FormatInt(lang, n)
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

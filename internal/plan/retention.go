package plan

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kpss/internal/audit"
	"kpss/internal/czech"
	"kpss/internal/store"
)

// DefaultVoiceRetentionMonths is how long the text of users' inputs keeps
// names and contacts unless configured otherwise.
const DefaultVoiceRetentionMonths = 36

// Placeholders that replace what the anonymiser removes.
const (
	anonName  = "[jméno]"
	anonEmail = "[e-mail]"
	anonPhone = "[telefon]"
)

var (
	emailRe = regexp.MustCompile(`[\p{L}0-9._%+\-]+@[\p{L}0-9\-]+(?:\.[\p{L}0-9\-]+)*\.\p{L}{2,}`)
	// Czech numbers: 9 digits, in groups of three or not, optionally with +420 / 00420.
	phoneRe = regexp.MustCompile(`(?:(?:\+|00)\d{3}[ \x{00a0}]?)?\d{3}[ \x{00a0}]?\d{3}[ \x{00a0}]?\d{3}\b`)
	// An amount of money after a number is not a phone number.
	moneyAfterRe = regexp.MustCompile(`^[ \x{00a0}]*(?:Kč|CZK|korun|,-|000)`)
	// Honorifics and academic titles followed by one to three capitalised
	// words: "paní Nováková", "p. Jan Novák", "Mgr. Petra Malá".
	titledRe = regexp.MustCompile(`(?:(?i:pan|paní|pana|panu|panem|slečna|slečny|slečně|sl\.|p\.)|(?:Mgr|Bc|Ing|MUDr|MVDr|PhDr|JUDr|RNDr|PaedDr|ThDr|Dr|doc|prof)\.)[ \x{00a0}]+((?:\p{Lu}[\p{Ll}'\-]+[ \x{00a0}]?){1,3})`)
	// Two capitalised words, the first a known first name: "Jana Nováková".
	fullNameRe = regexp.MustCompile(`(\p{Lu}\p{Ll}+)[ \x{00a0}]+(\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)`)
)

// firstNames are common Czech first names (stems of their forms: "Jan"
// covers Jana, Janě, Janou …), for telling "Jana Nováková" from "Charita
// Otrokovice".
var firstNames = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`Jan Jana Petr Pavel Jiří Josef Tomáš Martin Jaroslav Miroslav Zdeněk Václav Michal Karel Milan
		Lukáš Jakub David Ondřej Vladimír Stanislav Ladislav Roman Marek Daniel Radek Antonín Vojtěch Filip Adam Matěj František
		Aleš Libor Luboš Vít Dominik Patrik Štěpán Marie Jana Eva Hana Anna Lenka Kateřina Lucie Věra Alena Petra Veronika
		Jaroslava Tereza Martina Michaela Jitka Helena Ludmila Zdeňka Ivana Monika Eliška Zuzana Markéta Jarmila Barbora
		Jiřina Marcela Kristýna Dana Pavla Klára Simona Božena Vlasta Irena Andrea Libuše Renata Iveta Olga Blanka Miroslava
		Šárka Natálie Adéla Karolína Denisa Nikola Gabriela Radka Romana Dagmar Milena Drahomíra Stanislava Vladimíra Ivan
		Igor Oldřich Rudolf Bohumil Jindřich Bohuslav Emil Eduard Viktor Jiřina Růžena Marta Vendula Hedvika Žaneta Sabina`) {
		m[n] = true
	}
	return m
}()

// isFirstName reports whether w is a first name or a declined form of one
// (Jany, Janě, Janou, Petrovi, Petrem …).
func isFirstName(w string) bool {
	if firstNames[w] {
		return true
	}
	for _, suf := range []string{"ovi", "em", "ou", "y", "e", "ě", "u", "o", "i", "a"} {
		if stem, ok := strings.CutSuffix(w, suf); ok && len([]rune(stem)) >= 3 {
			if firstNames[stem] || firstNames[stem+"a"] {
				return true
			}
		}
	}
	return false
}

// AnonymiseText removes what identifies people from a text: e-mail
// addresses, phone numbers, names after an honorific or a title ("paní
// Nováková", "Mgr. Petra Malá") and a known first name followed by a
// surname ("Jana Nováková"). What it cannot recognise (a surname alone)
// stays; the form asks the coordinator not to write names at all.
func AnonymiseText(s string) string {
	s = emailRe.ReplaceAllString(s, anonEmail)
	s = replaceAll(s, phoneRe, func(s string, loc []int) (string, int) {
		if moneyAfterRe.MatchString(s[loc[1]:]) {
			return s[loc[0]:loc[1]], loc[1]
		}
		return anonPhone, loc[1]
	})
	s = replaceAll(s, titledRe, func(s string, loc []int) (string, int) {
		names := strings.TrimRight(s[loc[2]:loc[3]], " \u00a0")
		return s[loc[0]:loc[2]] + anonName, loc[2] + len(names)
	})
	return replaceAll(s, fullNameRe, func(s string, loc []int) (string, int) {
		if !isFirstName(s[loc[2]:loc[3]]) {
			return s[loc[0]:loc[4]], loc[4] // try again from the second word
		}
		return anonName, loc[1]
	})
}

// replaceAll replaces the matches of re in s by what fn answers for the
// match (with its submatch indexes); fn also says where to go on searching.
// A match that begins inside a word or a number, or follows "sv." (a saint
// in an organisation's name: "Charita sv. Anežky"), stays.
func replaceAll(s string, re *regexp.Regexp, fn func(s string, loc []int) (string, int)) string {
	var b strings.Builder
	last, pos := 0, 0
	for pos <= len(s) {
		loc := re.FindStringSubmatchIndex(s[pos:])
		if loc == nil {
			break
		}
		for i := range loc {
			if loc[i] >= 0 {
				loc[i] += pos
			}
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:loc[0]])
		before := strings.TrimRightFunc(s[:loc[0]], unicode.IsSpace)
		if loc[0] > 0 && (unicode.IsLetter(prev) || unicode.IsDigit(prev)) || strings.HasSuffix(before, "sv.") || strings.HasSuffix(before, "svaté") || strings.HasSuffix(before, "svatého") {
			_, size := utf8.DecodeRuneInString(s[loc[0]:])
			pos = loc[0] + max(size, 1)
			continue
		}
		out, next := fn(s, loc)
		b.WriteString(s[last:loc[0]])
		b.WriteString(out)
		last, pos = next, next
		if next == loc[0] {
			pos++
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

// VoiceRetentionResult says what AnonymiseVoice did (or would do).
type VoiceRetentionResult struct {
	Cutoff  time.Time
	IDs     []int64 // inputs processed (their anonymised_at is set)
	Changed int     // of them, those whose text changed
	DryRun  bool
}

// AnonymiseVoice removes names and contacts from the text of inputs older
// than months (by their day) and marks them anonymised, so that a second run
// finds nothing (idempotent). One transaction, one audit row (none when
// there was nothing to do); a dry run changes nothing.
func (s *Service) AnonymiseVoice(ctx context.Context, months int, dryRun bool) (VoiceRetentionResult, error) {
	if months < 1 {
		return VoiceRetentionResult{}, fmt.Errorf("plan: retention of %d months", months)
	}
	now := s.now()
	res := VoiceRetentionResult{Cutoff: now.AddDate(0, -months, 0), DryRun: dryRun}
	cutoff := store.NewDate(res.Cutoff.Year(), res.Cutoff.Month(), res.Cutoff.Day())
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		type row struct {
			id   int64
			text string
		}
		rows, err := queryAll(ctx, tx, `SELECT id, text FROM voice_inputs WHERE anonymised_at IS NULL AND day < ? ORDER BY id`, []any{cutoff},
			func(sc scanner) (row, error) {
				var r row
				err := sc.Scan(&r.id, &r.text)
				return r, err
			})
		if err != nil {
			return err
		}
		for _, r := range rows {
			res.IDs = append(res.IDs, r.id)
			text := AnonymiseText(r.text)
			if text != r.text {
				res.Changed++
			}
			if dryRun {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE voice_inputs SET text = ?, search = ?, anonymised_at = ?, updated_at = ? WHERE id = ?`,
				text, czech.Fold(text), now, now, r.id); err != nil {
				return err
			}
		}
		if dryRun || len(rows) == 0 {
			return nil
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "anonymise", Entity: "voice_input",
			Summary: fmt.Sprintf("%d vstupů ze dnů před %s", len(rows), cutoff.Format("2. 1. 2006")),
			After:   map[string]any{"ids": res.IDs, "changed": res.Changed, "months": months}})
	})
	return res, err
}

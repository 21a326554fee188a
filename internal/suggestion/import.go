package suggestion

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kpss/internal/audit"
	"kpss/internal/czech"
	"kpss/internal/store"
)

// ImportResult is the outcome of a CSV import: either every row was
// imported, or none was and Problems says why, line by line.
type ImportResult struct {
	Imported int
	Problems []string // "řádek 7: neznámá obec „Zlín“"
}

// ImportColumns are the columns the CSV may have (the header names them, in
// any order; received_at, text, category and municipality are required).
var ImportColumns = []string{"received_at", "text", "category", "municipality", "target_group", "source", "state", "closed_at", "answer", "department", "quick_win", "address"}

var stateWords = map[string]State{}

func init() {
	for _, st := range States {
		stateWords[string(st)] = st
		stateWords[czech.Fold(StateNameCS(st))] = st
	}
	for k, v := range map[string]State{"novy": StateNew, "prijaty": StateAccepted, "v reseni": StateInProgress, "vyreseno": StateResolved,
		"vyreseny": StateResolved, "uzavreno": StateClosed, "zamitnuto": StateRejected, "predano do planu": StateReferred, "duplicita": StateDuplicate} {
		stateWords[k] = v
	}
}

// Import loads historical suggestions from CSV (UTF-8, with or without BOM,
// ";" or "," separated, a header line). All or nothing: one bad row and no
// row is stored; the result lists every problem with its line number.
func (s *Service) Import(ctx context.Context, r io.Reader) (ImportResult, error) {
	var res ImportResult
	data, err := io.ReadAll(io.LimitReader(r, 100<<20))
	if err != nil {
		return res, err
	}
	// Lookups by folded name (and category code).
	lk := importLookups{cats: map[string]int64{}}
	cats, err := s.Categories(ctx, true)
	if err != nil {
		return res, err
	}
	for _, c := range cats {
		lk.cats[czech.Fold(c.Name)], lk.cats[c.Code] = c.ID, c.ID
	}
	lookup := func(q string) (map[string]int64, error) {
		rows, err := s.DB.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		m := map[string]int64{}
		for rows.Next() {
			var id int64
			var a, b string
			if err := rows.Scan(&id, &a, &b); err != nil {
				return nil, err
			}
			m[czech.Fold(a)] = id
			if b != "" {
				m[czech.Fold(b)] = id
			}
		}
		return m, rows.Err()
	}
	if lk.munis, err = lookup(`SELECT id, name, '' FROM municipalities`); err != nil {
		return res, err
	}
	if lk.groups, err = lookup(`SELECT id, name, code FROM target_groups`); err != nil {
		return res, err
	}
	if lk.depts, err = lookup(`SELECT id, name, '' FROM departments`); err != nil {
		return res, err
	}
	items, problems := parseImport(data, lk, s.now())
	if len(problems) > 0 {
		res.Problems = problems
		return res, nil
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		for i := range items {
			x := &items[i]
			if err := insertSuggestion(ctx, tx, x); err != nil {
				return err
			}
			if err := s.event(ctx, tx, &Event{SuggestionID: x.ID, At: x.ReceivedAt, Kind: EventCreated, ToState: StateNew, InternalNote: "Importováno z CSV."}); err != nil {
				return err
			}
			if x.State != StateNew {
				at := x.ReceivedAt
				if x.ClosedAt != nil {
					at = *x.ClosedAt
				}
				if err := s.event(ctx, tx, &Event{SuggestionID: x.ID, At: at, Kind: EventState, FromState: StateNew, ToState: x.State, PublicNote: x.PublicNote}); err != nil {
					return err
				}
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "import", Entity: "suggestion", Summary: fmt.Sprintf("%d podnětů z CSV", len(items))})
	})
	if err != nil {
		return res, err
	}
	res.Imported = len(items)
	return res, nil
}

// importLookups map folded names (and codes) to ids.
type importLookups struct{ cats, munis, groups, depts map[string]int64 }

// parseImport reads the CSV into suggestions, or says what is wrong with
// it, line by line (in Czech). A row it accepts would pass the public
// form's checks (Input.Validate) too.
func parseImport(data []byte, lk importLookups, now time.Time) ([]Suggestion, []string) {
	var problems []string
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		at := 0
		for at < len(data) {
			r, n := utf8.DecodeRune(data[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return nil, []string{fmt.Sprintf("řádek %d: soubor není v kódování UTF-8 (v Excelu jej uložte jako „CSV UTF-8“)", bytes.Count(data[:at], []byte("\n"))+1)}
	}
	first, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, []string{fmt.Sprintf("soubor nelze přečíst jako CSV: %s", csvProblem(err))}
	}
	if len(recs) < 2 {
		return nil, []string{"soubor nemá žádné řádky s podněty (první řádek je hlavička)"}
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	for _, req := range []string{"received_at", "text", "category", "municipality"} {
		if _, ok := col[req]; !ok {
			problems = append(problems, fmt.Sprintf("hlavička: chybí sloupec „%s“ (sloupce: %s)", req, strings.Join(ImportColumns, ", ")))
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	var items []Suggestion
	for i, rec := range recs[1:] {
		line := i + 2
		get := func(name string) string {
			if j, ok := col[name]; ok && j < len(rec) {
				return strings.TrimSpace(stripControl(rec[j]))
			}
			return ""
		}
		bad := func(format string, a ...any) {
			problems = append(problems, fmt.Sprintf("řádek %d: ", line)+fmt.Sprintf(format, a...))
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		before := len(problems)
		x := Suggestion{Code: NewCode(), Text: get("text"), Address: get("address"), Source: SourceWorkingGroup, State: StateNew, CreatedAt: now, UpdatedAt: now}
		if x.Text == "" {
			bad("chybí text podnětu")
		} else if utf8.RuneCountInString(x.Text) < 5 {
			bad("text podnětu je kratší než 5 znaků")
		}
		received, ok := parseDay(get("received_at"))
		if !ok {
			bad("datum přijetí „%s“ není datum (RRRR-MM-DD nebo D. M. RRRR)", get("received_at"))
		} else if received.After(now) {
			bad("datum přijetí %s je v budoucnosti", get("received_at"))
		}
		x.ReceivedAt = received
		if id, ok := lk.cats[czech.Fold(get("category"))]; ok {
			x.CategoryID = id
		} else {
			bad("neznámá kategorie „%s“", get("category"))
		}
		if id, ok := lk.munis[czech.Fold(get("municipality"))]; ok {
			x.MunicipalityID = id
		} else {
			bad("neznámá obec „%s“", get("municipality"))
		}
		if v := get("target_group"); v != "" {
			if id, ok := lk.groups[czech.Fold(v)]; ok {
				x.TargetGroupID = &id
			} else {
				bad("neznámá cílová skupina „%s“", v)
			}
		}
		if v := get("source"); v != "" {
			if !Source(v).Valid() {
				bad("neznámý zdroj „%s“ (možnosti: web, working_group, public_meeting, phone, email)", v)
			}
			x.Source = Source(v)
		}
		if v := get("department"); v != "" {
			if id, ok := lk.depts[czech.Fold(v)]; ok {
				x.DepartmentID = &id
			} else {
				bad("neznámý odbor „%s“", v)
			}
		}
		if v := get("state"); v != "" {
			st, ok := stateWords[czech.Fold(v)]
			if !ok {
				bad("neznámý stav „%s“", v)
			}
			x.State = st
		}
		switch czech.Fold(get("quick_win")) {
		case "", "ne", "no", "0":
		case "ano", "yes", "1":
			x.QuickWin = true
		default:
			bad("„vyřešit hned“ má být ano nebo ne, ne „%s“", get("quick_win"))
		}
		x.PublicNote = get("answer")
		if x.State != "" && !x.State.Open() {
			closed, ok := parseDay(get("closed_at"))
			switch {
			case get("closed_at") == "":
				bad("uzavřený podnět potřebuje datum uzavření (closed_at)")
			case !ok:
				bad("datum uzavření „%s“ není datum", get("closed_at"))
			case closed.Before(received):
				bad("datum uzavření je před datem přijetí")
			case closed.After(now):
				bad("datum uzavření %s je v budoucnosti", get("closed_at"))
			default:
				x.ClosedAt = &closed
				d := int64(math.Round(closed.Sub(received).Hours() / 24))
				x.DaysToClose = &d
			}
			if x.State == StateResolved && x.PublicNote == "" {
				bad("u vyřešeného podnětu chybí odpověď (answer): co se udělalo")
			}
		}
		if utf8.RuneCountInString(x.Text) > 5000 {
			bad("text je delší než 5000 znaků")
		}
		if utf8.RuneCountInString(x.Address) > 300 {
			bad("adresa je delší než 300 znaků")
		}
		if utf8.RuneCountInString(x.PublicNote) > 5000 {
			bad("odpověď je delší než 5000 znaků")
		}
		if len(problems) == before {
			items = append(items, x)
		}
	}
	return items, problems
}

// csvProblem says in Czech what encoding/csv found wrong.
func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		what := "chybné uvozovky"
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			what = "jiný počet sloupců"
		}
		return fmt.Sprintf("řádek %d: %s", pe.StartLine, what)
	}
	return "chybný formát"
}

// stripControl drops control characters but line breaks and tabs (a NUL
// would not even reach PostgreSQL).
func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}

// parseDay reads 2024-03-31, 31.3.2024 or 31. 3. 2024 as noon in Prague.
func parseDay(v string) (time.Time, bool) {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	if d, err := store.ParseDate(v); err == nil {
		return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, prague).UTC(), true
	}
	parts := strings.Split(strings.TrimSuffix(v, "."), ".")
	if len(parts) == 3 {
		d, e1 := strconv.Atoi(parts[0])
		m, e2 := strconv.Atoi(parts[1])
		y, e3 := strconv.Atoi(parts[2])
		if e1 == nil && e2 == nil && e3 == nil && m >= 1 && m <= 12 && d >= 1 && d <= 31 && y > 1990 {
			t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, prague)
			if t.Day() == d {
				return t.UTC(), true
			}
		}
	}
	return time.Time{}, false
}

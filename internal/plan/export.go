package plan

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/czech"
	"kpss/internal/export"
	"kpss/internal/web"
)

// RoundXLSX writes a round as a spreadsheet: one row per service.
// meta names the region and the date in the document's properties.
func (s *Service) RoundXLSX(ctx context.Context, roundID int64, w io.Writer, meta export.Meta) error {
	rd, err := findRound(ctx, s.DB, roundID)
	if err != nil {
		return err
	}
	reps, err := findReports(ctx, s.DB, ReportFilter{RoundID: roundID})
	if err != nil {
		return err
	}
	svcs, err := findServices(ctx, s.DB, 0, true)
	if err != nil {
		return err
	}
	svc := map[int64]ProviderService{}
	for _, x := range svcs {
		svc[x.ID] = x
	}
	orgs, err := s.Partners.OrganisationNames(ctx)
	if err != nil {
		return err
	}
	var orgIDs []int64
	for _, r := range reps {
		orgIDs = append(orgIDs, r.OrganisationID)
	}
	if len(orgIDs) > 0 {
		if orgs, err = s.Partners.OrganisationNames(ctx, dedupe(orgIDs)...); err != nil {
			return err
		}
	}
	t := export.Table{Name: "Kolo " + rd.Name, Columns: []export.Column{{Title: "Služba", Width: 34}, {Title: "Druh služby", Width: 34}, {Title: "Poskytovatel", Width: 34},
		{Title: "Stav výkazu"}, {Title: "Verze", Kind: export.Int}, {Title: "Odesláno", Kind: export.DateTime}, {Title: "Beze změn"},
		{Title: "Kapacita", Kind: export.Number}, {Title: "Jednotka"}, {Title: "Klienti", Kind: export.Int}, {Title: "Kontakty a intervence", Kind: export.Int},
		{Title: "Odmítnutí pro kapacitu", Kind: export.Int}, {Title: "Čekatelé na konci roku", Kind: export.Int}}}
	profCS := map[string]string{"social_worker": "Sociální pracovníci (úvazky)", "care_worker": "Pracovníci v soc. službách (úvazky)", "health": "Zdravotníci (úvazky)", "other": "Ostatní (úvazky)"}
	for _, p := range Professions {
		t.Columns = append(t.Columns, export.Column{Title: profCS[p], Kind: export.Number, Decimals: 2})
	}
	t.Columns = append(t.Columns, export.Column{Title: "Náklady (Kč)", Kind: export.Money})
	for _, src := range IncomeSources {
		t.Columns = append(t.Columns, export.Column{Title: "Příjmy: " + incomeCS[src] + " (Kč)", Kind: export.Money})
	}
	t.Columns = append(t.Columns, export.Column{Title: "Komentář", Width: 40})
	stateCS := map[string]string{ReportDraft: "čeká na vyplnění", ReportSubmitted: "odesláno", ReportReturned: "vráceno k opravě"}
	for _, r := range reps {
		sv := svc[r.ServiceID]
		row := []any{sv.Name, sv.ServiceType, orgs[r.OrganisationID], stateCS[r.State], r.Version, r.SubmittedAt, r.Unchanged,
			r.Data.Capacity, sv.CapacityUnit, r.Data.Clients, r.Data.Contacts, r.Data.Refused, r.Data.Waiting}
		for _, p := range Professions {
			row = append(row, r.Data.Staff[p])
		}
		row = append(row, r.Data.Costs)
		for _, src := range IncomeSources {
			row = append(row, r.Data.Income[src])
		}
		row = append(row, r.Data.Comment)
		t.Rows = append(t.Rows, row)
	}
	if meta.Title == "" {
		meta.Title = "Monitoring poskytovatelů – " + rd.Name
	}
	return export.WriteXLSX(w, meta, t)
}

// ExportRound answers the round's spreadsheet.
func (h *Handler) ExportRound(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rd, err := h.Svc.Round(r.Context(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := h.Svc.RoundXLSX(r.Context(), id, &buf, export.MetaFor(h.R, r, "Monitoring poskytovatelů – "+rd.Name, h.Svc.now())); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="monitoring-`+strconv.Itoa(rd.Year)+`.xlsx"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
	return nil
}

// ParseIndicatorCSV reads indicator values: id;year;value[;note], with a
// UTF-8 BOM, a header line, semicolons or commas and decimal commas allowed.
// Any bad line fails the whole file with its line number.
func ParseIndicatorCSV(b []byte) ([]IndicatorValue, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	first, _, _ := bytes.Cut(b, []byte("\n"))
	rd := csv.NewReader(bytes.NewReader(b))
	if bytes.Contains(first, []byte(";")) {
		rd.Comma = ';'
	}
	rd.FieldsPerRecord = -1
	rd.TrimLeadingSpace = true
	bad := func(line int, problem string) error {
		f := apperr.Fields{}
		f.Add("file", "plan.err.csv_line", "Line", strconv.Itoa(line), "Problem", problem)
		return f.Err()
	}
	// A file saved in Windows-1250 (Excel's "CSV" on a Czech Windows) is
	// refused with the line, rather than stored as mojibake (or refused by
	// PostgreSQL as an internal error).
	if !utf8.Valid(b) {
		at := 0
		for at < len(b) {
			r, n := utf8.DecodeRune(b[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return nil, bad(bytes.Count(b[:at], []byte("\n"))+1, "soubor není v kódování UTF-8 (v Excelu jej uložte jako „CSV UTF-8“)")
	}
	var out []IndicatorValue
	for line := 1; ; line++ {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, bad(line, "soubor nelze přečíst jako CSV")
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		id, err := strconv.ParseInt(strings.TrimSpace(rec[0]), 10, 64)
		if err != nil {
			if line == 1 {
				continue // header
			}
			return nil, bad(line, "číslo ukazatele není číslo")
		}
		if len(rec) < 3 {
			return nil, bad(line, "chybí rok nebo hodnota")
		}
		year, err := strconv.Atoi(strings.TrimSpace(rec[1]))
		if err != nil || year < 2000 || year > 2100 {
			return nil, bad(line, "rok není platný")
		}
		v, err := czech.ParseNumber(rec[2])
		if err != nil {
			return nil, bad(line, fmt.Sprintf("hodnota %q není číslo", rec[2]))
		}
		note := ""
		if len(rec) > 3 {
			note = strings.TrimSpace(strings.Map(func(r rune) rune {
				if unicode.IsControl(r) && r != '\n' && r != '\t' {
					return -1 // a NUL would not even reach the database
				}
				return r
			}, rec[3]))
		}
		out = append(out, IndicatorValue{IndicatorID: id, Year: year, Value: v, Note: note})
	}
	return out, nil
}

// ShowImport shows the CSV import form with the ids of the manual indicators.
func (h *Handler) ShowImport(w http.ResponseWriter, r *http.Request) error {
	return h.renderImport(w, r, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderImport(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	var manual []Indicator
	if per, err := h.Svc.CurrentPeriod(r.Context()); err == nil {
		all, err := h.Svc.FindIndicators(r.Context(), per.ID)
		if err != nil {
			return err
		}
		for _, i := range all {
			if i.Method == MethodManual {
				manual = append(manual, i)
			}
		}
	}
	p := h.page(r, "plan.import.title").Crumb("/plan", h.t(r, "plan.title"))
	p.Form = f
	p.Data = data(r, "Manual", manual)
	h.R.Render(w, r, status, "plan/import", p)
	return nil
}

// ImportIndicatorValues imports the uploaded CSV (all or nothing).
func (h *Handler) ImportIndicatorValues(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	var vals []IndicatorValue
	file, _, ferr := r.FormFile("file")
	if ferr != nil {
		fs := apperr.Fields{}
		fs.Add("file", "plan.err.csv_file")
		err = fs.Err()
	} else {
		defer file.Close()
		b, rerr := io.ReadAll(io.LimitReader(file, formMax))
		if rerr != nil {
			return rerr
		}
		if vals, err = ParseIndicatorCSV(b); err == nil {
			err = h.Svc.SetIndicatorValues(r.Context(), vals, "CSV")
		}
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "file") {
			return h.renderImport(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/plan", "plan.flash.imported")
	return nil
}

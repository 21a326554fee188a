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

	"github.com/xuri/excelize/v2"

	"kpss/internal/apperr"
	"kpss/internal/czech"
	"kpss/internal/web"
)

// RoundXLSX writes a round as a spreadsheet: one row per service.
func (s *Service) RoundXLSX(ctx context.Context, roundID int64, w io.Writer) error {
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
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Kolo " + rd.Name
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	header := []any{"Služba", "Druh služby", "Poskytovatel", "Stav výkazu", "Verze", "Odesláno", "Beze změn", "Kapacita", "Jednotka", "Klienti", "Kontakty a intervence",
		"Odmítnutí pro kapacitu", "Čekatelé na konci roku"}
	profCS := map[string]string{"social_worker": "Sociální pracovníci (úvazky)", "care_worker": "Pracovníci v soc. službách (úvazky)", "health": "Zdravotníci (úvazky)", "other": "Ostatní (úvazky)"}
	for _, p := range Professions {
		header = append(header, profCS[p])
	}
	header = append(header, "Náklady (Kč)")
	for _, src := range IncomeSources {
		header = append(header, "Příjmy: "+incomeCS[src]+" (Kč)")
	}
	header = append(header, "Komentář")
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	stateCS := map[string]string{ReportDraft: "čeká na vyplnění", ReportSubmitted: "odesláno", ReportReturned: "vráceno k opravě"}
	for i, r := range reps {
		sv := svc[r.ServiceID]
		submitted := ""
		if r.SubmittedAt != nil {
			submitted = fmtDate(*r.SubmittedAt)
		}
		row := []any{sv.Name, sv.ServiceType, orgs[r.OrganisationID], stateCS[r.State], r.Version, submitted, map[bool]string{true: "ano", false: "ne"}[r.Unchanged],
			r.Data.Capacity, sv.CapacityUnit, r.Data.Clients, r.Data.Contacts, r.Data.Refused, r.Data.Waiting}
		for _, p := range Professions {
			row = append(row, r.Data.Staff[p])
		}
		row = append(row, r.Data.Costs)
		for _, src := range IncomeSources {
			row = append(row, r.Data.Income[src])
		}
		row = append(row, r.Data.Comment)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	_ = f.SetColWidth(sheet, "A", "C", 34)
	_, err = f.WriteTo(w)
	return err
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
	if err := h.Svc.RoundXLSX(r.Context(), id, &buf); err != nil {
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

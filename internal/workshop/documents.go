package workshop

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/export"
	"kpss/internal/ical"
	"kpss/internal/store"
	"kpss/internal/web"
)

// SignInSheet answers the printable sign-in sheet.
func (h *Handler) SignInSheet(w http.ResponseWriter, r *http.Request) error {
	ws, err := h.workshopOf(r)
	if err != nil {
		return err
	}
	b, err := h.Svc.SignInSheetPDF(r.Context(), ws)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="prezencni-listina-%d.pdf"`, ws.ID))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b)
	return nil
}

func (h *Handler) writeCertificate(w http.ResponseWriter, r *http.Request, c *Certificate) error {
	b, err := h.Svc.CertificatePDF(r.Context(), c)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="osvedceni-%s.pdf"`, strings.ReplaceAll(c.Number, "/", "-")))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b)
	return nil
}

// CertificatePDF answers a certificate to the staff.
func (h *Handler) CertificatePDF(w http.ResponseWriter, r *http.Request) error {
	wid, err := web.PathID(r)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PathValue("cert"), 10, 64)
	c, err := h.Svc.CertificateByID(r.Context(), id)
	if err != nil {
		return err
	}
	if c.WorkshopID != wid {
		return apperr.NotFoundErr("workshop_certificate")
	}
	return h.writeCertificate(w, r, c)
}

// OwnCertificatePDF answers the certificate of a registration's personal link.
func (h *Handler) OwnCertificatePDF(w http.ResponseWriter, r *http.Request) error {
	reg, err := h.Svc.RegistrationByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	c, err := h.Svc.CertificateOfRegistration(r.Context(), reg.ID)
	if err != nil {
		return err
	}
	return h.writeCertificate(w, r, c)
}

// ShowVerify is the public page that confirms a certificate by the code of
// its verification URL (or says plainly that there is no such one).
func (h *Handler) ShowVerify(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if code == "" {
		code = strings.TrimSpace(r.URL.Query().Get("kod"))
	}
	p := h.R.Page(r, "workshop.verify.title")
	p.NoIndex = true
	data := map[string]any{"Code": code}
	if code != "" {
		c, err := h.Svc.CertificateByCode(r.Context(), code)
		switch {
		case err == nil:
			ws, err := h.Svc.FindWorkshopByID(r.Context(), c.WorkshopID)
			if err != nil {
				return err
			}
			data["Cert"], data["W"], data["Days"] = c, ws, Days(ws)
		case apperr.CodeOf(err) == apperr.NotFound:
			data["Unknown"] = true
		default:
			return err
		}
	}
	p.Data = data
	status := http.StatusOK
	if data["Unknown"] != nil {
		status = http.StatusNotFound
	}
	h.R.Render(w, r, status, "workshop/verify", p)
	return nil
}

func yearOf(r *http.Request, now time.Time) int {
	y, err := strconv.Atoi(r.URL.Query().Get("rok"))
	if err != nil || y < 2000 || y > 2100 {
		return now.In(prague).Year()
	}
	return y
}

func (h *Handler) meta(r *http.Request, title string) export.Meta {
	m := export.Meta{Title: title, Date: h.Svc.now()}
	if h.R.Site != nil {
		m.Region = h.R.Site(r)
	}
	return m
}

// ShowRegister lists the issued certificates of a year.
func (h *Handler) ShowRegister(w http.ResponseWriter, r *http.Request) error {
	year := yearOf(r, h.Svc.now())
	rows, err := h.Svc.CertificateRegister(r.Context(), year)
	if err != nil {
		return err
	}
	p := h.crumbs(h.R.Page(r, "workshop.register_list.title", "Year", year))
	p.Wide = true
	p.Data = map[string]any{"Rows": rows, "Year": year, "Prev": year - 1, "Next": year + 1}
	h.R.Render(w, r, http.StatusOK, "workshop/certificates", p)
	return nil
}

// RegisterXLSX answers the register of issued certificates of a year.
func (h *Handler) RegisterXLSX(w http.ResponseWriter, r *http.Request) error {
	year := yearOf(r, h.Svc.now())
	rows, err := h.Svc.CertificateRegister(r.Context(), year)
	if err != nil {
		return err
	}
	t := export.Table{Name: "Osvědčení " + strconv.Itoa(year), Columns: []export.Column{{Title: "Číslo"}, {Title: "Jméno"}, {Title: "Workshop"},
		{Title: "Termín"}, {Title: "Hodin", Kind: export.Number}, {Title: "Vydáno", Kind: export.Date}, {Title: "Ověření"}}}
	for _, x := range rows {
		t.Add(x.Number, x.Holder, x.Topic, x.Days, float64(x.Minutes)/60, store.NewDate(x.IssuedAt.In(prague).Date()), h.Svc.VerifyURL(&x.Certificate))
	}
	return export.XLSX(w, "osvedceni-"+strconv.Itoa(year), h.meta(r, "Rejstřík vydaných osvědčení "+strconv.Itoa(year)), t)
}

// ShowLedger shows the hours per person over a year.
func (h *Handler) ShowLedger(w http.ResponseWriter, r *http.Request) error {
	year := yearOf(r, h.Svc.now())
	rows, err := h.Svc.Ledger(r.Context(), year)
	if err != nil {
		return err
	}
	p := h.crumbs(h.R.Page(r, "workshop.ledger.title", "Year", year))
	p.Wide = true
	p.Data = map[string]any{"Rows": rows, "Year": year, "Prev": year - 1, "Next": year + 1, "Max": Hours(MaxCountedMinutes), "Required": RequiredYearHours}
	h.R.Render(w, r, http.StatusOK, "workshop/ledger", p)
	return nil
}

// LedgerXLSX answers the hours per person of a year.
func (h *Handler) LedgerXLSX(w http.ResponseWriter, r *http.Request) error {
	year := yearOf(r, h.Svc.now())
	rows, err := h.Svc.Ledger(r.Context(), year)
	if err != nil {
		return err
	}
	t := export.Table{Name: "Hodiny " + strconv.Itoa(year), Columns: []export.Column{{Title: "Jméno"}, {Title: "Organizace"}, {Title: "Workshopů", Kind: export.Int},
		{Title: "Hodin účasti", Kind: export.Number}, {Title: "Započitatelné hodiny (nejvýše 8)", Kind: export.Number}, {Title: "Osvědčení", Kind: export.Int}}}
	for _, x := range rows {
		t.Add(x.Name, x.Organisation, x.Workshops, float64(x.Minutes)/60, float64(x.Counted)/60, x.Certificates)
	}
	return export.XLSX(w, "hodiny-"+strconv.Itoa(year), h.meta(r, "Hodiny vzdělávání na workshopech "+strconv.Itoa(year)), t)
}

// ---------- calendar

func (s *Service) events(w *Workshop) []ical.Event {
	var out []ical.Event
	loc := ""
	if w.Place != nil {
		loc = w.Place.Name
		if w.Place.Address != "" {
			loc += ", " + w.Place.Address
		}
	}
	for i, b := range w.Blocks {
		ev := ical.Event{UID: s.blockUID(w.ID, b.ID), Start: b.StartsAt, End: b.EndsAt,
			Summary: w.Topic, Location: loc, URL: strings.TrimRight(s.BaseURL, "/") + "/workshopy/" + strconv.FormatInt(w.ID, 10),
			Categories: []string{"vzdelavani"}, Updated: w.UpdatedAt, Status: ical.StatusConfirmed}
		if len(w.Blocks) > 1 {
			ev.Summary = fmt.Sprintf("%s (%d/%d)", w.Topic, i+1, len(w.Blocks))
		}
		if w.State == StateCancelled {
			ev.Status = ical.StatusCancelled
		}
		desc := []string{}
		if w.LecturerName != "" {
			desc = append(desc, "Lektor: "+w.LecturerName)
		}
		if b.Title != "" {
			desc = append(desc, b.Title)
		}
		ev.Description = strings.Join(desc, "\n")
		out = append(out, ev)
	}
	return out
}

// Feed answers the iCalendar feed of the public workshops.
func (h *Handler) Feed(w http.ResponseWriter, r *http.Request) error {
	ws, err := h.Svc.FindWorkshops(r.Context(), Filter{States: []string{StatePublished, StateHeld, StateNotHeld, StateCancelled}})
	if err != nil {
		return err
	}
	var evs []ical.Event
	for i := range ws {
		evs = append(evs, h.Svc.events(&ws[i])...)
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="workshopy.ics"`)
	return ical.Write(w, "Workshopy KPSS", evs)
}

// calendarEvent is calendar.ExternalEvent (an alias of this plain struct).
type calendarEvent = struct {
	UID         string
	Title       string
	Category    string
	Place       string
	Description string
	URL         string
	Start, End  time.Time
	AllDay      bool
}

// PublicEvents gives the public calendar the blocks of published and
// closed workshops that overlap [from, to), with the place's accessibility
// and a link to the registration while it is open.
func (s *Service) PublicEvents(ctx context.Context, from, to time.Time) ([]calendarEvent, error) {
	ws, err := s.FindWorkshops(ctx, Filter{States: []string{StatePublished, StateHeld, StateNotHeld}})
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []calendarEvent
	for i := range ws {
		w := &ws[i]
		for j, b := range w.Blocks {
			if !b.StartsAt.Before(to) || !b.EndsAt.After(from) {
				continue
			}
			ev := calendarEvent{UID: s.blockUID(w.ID, b.ID), Title: "Workshop: " + w.Topic, Category: "vzdelavani",
				Start: b.StartsAt, End: b.EndsAt, URL: "/workshopy/" + strconv.FormatInt(w.ID, 10)}
			if len(w.Blocks) > 1 {
				ev.Title = fmt.Sprintf("Workshop: %s (%d/%d)", w.Topic, j+1, len(w.Blocks))
			}
			var desc []string
			if w.LecturerName != "" {
				desc = append(desc, "Lektor: "+w.LecturerName)
			}
			if w.Place != nil {
				ev.Place = w.Place.Name
				if w.Place.Address != "" {
					ev.Place += ", " + w.Place.Address
				}
			}
			if w.Open(now) {
				ev.URL += "/prihlaska"
				desc = append(desc, fmt.Sprintf("Volná místa: %d z %d", w.FreeTotal(), w.Capacity()))
			}
			ev.Description = strings.Join(desc, "\n")
			out = append(out, ev)
		}
	}
	return out, nil
}

// ---------- the plan's project indicators

// Project indicator codes ProjectActual answers.
const (
	ActualWorkshops    = "workshops"    // workshops held
	ActualParticipants = "participants" // participations in held workshops
)

// ProjectActual gives the plan's project indicators: "workshops" counts the
// held workshops, "participants" the participants of held workshops (each
// workshop's participants, so that 6 workshops × 10 make the target of 60;
// assistants are not counted). ok is false for other codes.
func (s *Service) ProjectActual(ctx context.Context, code string) (int, bool, error) {
	var n int
	var err error
	switch code {
	case ActualWorkshops:
		err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM workshops WHERE state = 'held'`).Scan(&n)
	case ActualParticipants:
		err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT DISTINCT r.id FROM workshop_registrations r JOIN workshops w ON w.id = r.workshop_id
			JOIN workshop_attendance a ON a.registration_id = r.id WHERE w.state = 'held' AND r.assistant = ?) x`, false).Scan(&n)
	default:
		return 0, false, nil
	}
	return n, true, err
}

// blockUID is a block's calendar UID, the same in the invitation and in
// every feed: "workshop-3-block-7@kpss.otrokovice.cz".
func (s *Service) blockUID(workshopID, blockID int64) string {
	return ical.UID(fmt.Sprintf("workshop-%d-block", workshopID), blockID, s.SiteID)
}

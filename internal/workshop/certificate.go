package workshop

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/czech"
	"kpss/internal/pdf"
	"kpss/internal/store"
)

// IssueCertificates issues the certificates of attendance of a held
// workshop: to every confirmed participant (not assistants) who attended at
// least the workshop's share of its net hours and has none yet. Numbers run
// on per year of the workshop ("2013/004"). It returns how many it issued;
// running it again issues only the missing ones.
func (s *Service) IssueCertificates(ctx context.Context, workshopID int64) (int, error) {
	issued := 0
	// The feedback form (the surveys module writes in its own transaction)
	// is made before this one opens; the certificate e-mails link it.
	var feedbackURL string
	if pre, err := s.FindWorkshopByID(ctx, workshopID); err == nil {
		if fb, ok := s.FeedbackForm(ctx, pre); ok {
			feedbackURL = fb.RespondURL
		}
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := lockWorkshop(ctx, tx, workshopID); err != nil {
			return err
		}
		w, err := s.findWorkshop(ctx, tx, workshopID)
		if err != nil {
			return err
		}
		if w.State != StateHeld {
			return apperr.New(apperr.Conflict, "workshop.err.certificates_not_held")
		}
		w.FeedbackURL = feedbackURL
		t, err := s.tally(ctx, tx, w)
		if err != nil {
			return err
		}
		regs, err := rowsOf(ctx, tx, scanReg, `SELECT `+regCols+` FROM workshop_registrations r WHERE r.workshop_id = ? AND r.state = 'confirmed' AND r.assistant = ?
			AND NOT EXISTS (SELECT 1 FROM workshop_certificates c WHERE c.registration_id = r.id) ORDER BY r.id`, workshopID, false)
		if err != nil {
			return err
		}
		need := Threshold(w)
		year := w.Last().In(prague).Year()
		slices.SortStableFunc(regs, func(a, b Registration) int { return strings.Compare(nameKey(a.Name), nameKey(b.Name)) })
		var numbers []string
		for _, r := range regs {
			m := t.Minutes[r.ID]
			if m < need || need == 0 {
				continue
			}
			var seq int
			if err := tx.QueryRow(ctx, `INSERT INTO workshop_certificate_counters (year, next) VALUES (?, 1)
				ON CONFLICT (year) DO UPDATE SET next = workshop_certificate_counters.next + 1 RETURNING next`, year).Scan(&seq); err != nil {
				return err
			}
			c := Certificate{Number: fmt.Sprintf("%d/%03d", year, seq), Code: newToken()[:16], WorkshopID: w.ID, RegistrationID: r.ID,
				Holder: r.Name, Minutes: m, IssuedAt: s.now()}
			if _, err := tx.Exec(ctx, `INSERT INTO workshop_certificates (number, code, workshop_id, registration_id, holder, hours_minutes, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				c.Number, c.Code, c.WorkshopID, c.RegistrationID, c.Holder, c.Minutes, c.IssuedAt); err != nil {
				return err
			}
			if s.Notify != nil {
				if err := s.Notify.Notify(ctx, tx, MailCertificate, w, &r, &c); err != nil {
					return err
				}
			}
			numbers = append(numbers, c.Number)
			issued++
		}
		if issued == 0 {
			return nil
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_certificates_issue", Entity: "workshop", EntityID: w.ID, Summary: w.Topic,
			After: map[string]any{"numbers": numbers, "threshold_minutes": need}})
	})
	return issued, err
}

// CertificatesOf lists the certificates of a workshop by number.
func (s *Service) CertificatesOf(ctx context.Context, workshopID int64) ([]Certificate, error) {
	return rowsOf(ctx, s.DB, scanCert, `SELECT `+certCols+` FROM workshop_certificates c WHERE c.workshop_id = ? ORDER BY c.id`, workshopID)
}

// CertificateOfRegistration returns the certificate of a registration.
func (s *Service) CertificateOfRegistration(ctx context.Context, regID int64) (*Certificate, error) {
	c, err := one(ctx, s.DB, scanCert, "workshop_certificate", `SELECT `+certCols+` FROM workshop_certificates c WHERE c.registration_id = ?`, regID)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// CertificateByID returns a certificate.
func (s *Service) CertificateByID(ctx context.Context, id int64) (*Certificate, error) {
	c, err := one(ctx, s.DB, scanCert, "workshop_certificate", `SELECT `+certCols+` FROM workshop_certificates c WHERE c.id = ?`, id)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// CertificateByCode returns the certificate of a verification link.
func (s *Service) CertificateByCode(ctx context.Context, code string) (*Certificate, error) {
	if code == "" {
		return nil, apperr.NotFoundErr("workshop_certificate")
	}
	c, err := one(ctx, s.DB, scanCert, "workshop_certificate", `SELECT `+certCols+` FROM workshop_certificates c WHERE c.code = ?`, code)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// VerifyURL is the public page that confirms a certificate.
func (s *Service) VerifyURL(c *Certificate) string {
	return strings.TrimRight(s.BaseURL, "/") + "/osvedceni/" + c.Code
}

// Days lists the days of the blocks ("12. 6. 2012, 13. 6. 2012").
func Days(w *Workshop) string {
	var out []string
	for _, b := range w.Blocks {
		d := fmt.Sprintf("%d.\u00a0%d.\u00a0%d", b.Start().Day(), b.Start().Month(), b.Start().Year())
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return strings.Join(out, ", ")
}

// CertificatePDF renders a certificate of attendance. It says plainly that
// the workshop is non-accredited training.
func (s *Service) CertificatePDF(ctx context.Context, c *Certificate) ([]byte, error) {
	w, err := s.FindWorkshopByID(ctx, c.WorkshopID)
	if err != nil {
		return nil, err
	}
	return s.certificatePDF(c, w)
}

func (s *Service) certificatePDF(c *Certificate, w *Workshop) ([]byte, error) {
	d := pdf.New("Osvědčení o účasti", pdf.Options{Author: w.Organiser, Subject: w.Topic, Now: s.Now})
	d.Paragraph("Číslo osvědčení: " + c.Number)
	d.Heading(1, c.Holder)
	d.Paragraph("se zúčastnil(a) workshopu")
	d.Heading(2, w.Topic)
	lecturer := w.LecturerName
	if w.LecturerOrg != "" {
		lecturer += " (" + w.LecturerOrg + ")"
	}
	place := "–"
	if w.Place != nil {
		place = w.Place.Name
		if w.Place.Address != "" {
			place += ", " + w.Place.Address
		}
	}
	d.KeyValue([][2]string{
		{"Termín", Days(w)},
		{"Místo", place},
		{"Lektor", lecturer},
		{"Pořadatel", w.Organiser},
		{"Rozsah účasti", Hours(c.Minutes) + " z " + Hours(w.Net()) + " čistého času workshopu (bez přestávek)"},
		{"Vydáno", fmt.Sprintf("%d.\u00a0%d.\u00a0%d", c.IssuedAt.In(prague).Day(), c.IssuedAt.In(prague).Month(), c.IssuedAt.In(prague).Year())},
	})
	d.Paragraph("Workshop je neakreditované vzdělávání (školicí akce). Osvědčení nepotvrzuje absolvování akreditovaného vzdělávacího programu. " +
		"Zaměstnavatel může účast započítat do dalšího vzdělávání jako školicí akci podle § 111 zákona č. 108/2006 Sb., o sociálních službách.")
	d.Paragraph("Pravost osvědčení ověříte na adrese " + s.VerifyURL(c))
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SignInSheetPDF renders the printed sign-in sheet: the confirmed people
// with a signature column per block.
func (s *Service) SignInSheetPDF(ctx context.Context, w *Workshop) ([]byte, error) {
	regs, err := s.Registrations(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	d := pdf.New("Prezenční listina", pdf.Options{Author: w.Organiser, Subject: w.Topic, Now: s.Now})
	place := "–"
	if w.Place != nil {
		place = w.Place.Name
	}
	d.KeyValue([][2]string{{"Workshop", w.Topic}, {"Lektor", w.LecturerName}, {"Místo", place}, {"Termín", Days(w)}, {"Čistý čas", Hours(w.Net())}})
	head := []string{"Č.", "Jméno a příjmení", "Organizace, role"}
	widths := []float64{0.5, 3, 3}
	for i, b := range w.Blocks {
		head = append(head, fmt.Sprintf("Blok %d\n%d. %d. %s", i+1, b.Start().Day(), b.Start().Month(), b.Clock()))
		widths = append(widths, 2)
	}
	var rows [][]string
	n := 0
	for _, r := range regs {
		if r.State != RegConfirmed {
			continue
		}
		n++
		org := strings.Trim(r.Organisation+", "+r.Role, ", ")
		if r.Assistant {
			org = strings.Trim(org+", asistent(ka)", ", ")
		}
		row := []string{fmt.Sprint(n), r.Name, org}
		for range w.Blocks {
			row = append(row, "")
		}
		rows = append(rows, row)
	}
	for i := 0; i < 5; i++ { // people who came without registering
		n++
		row := []string{fmt.Sprint(n), "", ""}
		for range w.Blocks {
			row = append(row, "")
		}
		rows = append(rows, row)
	}
	d.Table(head, rows, widths)
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RegisterEntry is a row of the register of issued certificates.
type RegisterEntry struct {
	Certificate
	Topic string
	Days  string
}

// CertificateRegister lists the certificates issued for workshops of year
// (0: all), by number.
func (s *Service) CertificateRegister(ctx context.Context, year int) ([]RegisterEntry, error) {
	certs, err := rowsOf(ctx, s.DB, scanCert, `SELECT `+certCols+` FROM workshop_certificates c ORDER BY c.id`)
	if err != nil {
		return nil, err
	}
	ws, err := s.FindWorkshops(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Workshop{}
	for i := range ws {
		byID[ws[i].ID] = &ws[i]
	}
	out := []RegisterEntry{}
	for _, c := range certs {
		w := byID[c.WorkshopID]
		if w == nil {
			continue
		}
		if year > 0 && !strings.HasPrefix(c.Number, fmt.Sprint(year)+"/") {
			continue
		}
		out = append(out, RegisterEntry{Certificate: c, Topic: w.Topic, Days: Days(w)})
	}
	return out, nil
}

// LedgerRow is one person's training hours over a year.
type LedgerRow struct {
	Name, Organisation string
	Workshops          int
	Minutes            int // net time attended
	Counted            int // what counts towards §111 (at most MaxCountedMinutes)
	Certificates       int
}

// Ledger sums the hours each person attended in workshops of year (by the
// block's day in Prague; cancelled workshops left out), people matched by
// e-mail, else by name; sorted by name the Czech way. Four queries.
func (s *Service) Ledger(ctx context.Context, year int) ([]LedgerRow, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, prague).UTC()
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, prague).UTC()
	rows, err := s.DB.Query(ctx, `SELECT r.id, r.person_key, r.name, r.organisation, r.workshop_id, b.starts_at, b.ends_at, b.break_minutes
		FROM workshop_attendance a JOIN workshop_registrations r ON r.id = a.registration_id JOIN workshop_blocks b ON b.id = a.block_id
		JOIN workshops w ON w.id = r.workshop_id
		WHERE w.state <> 'cancelled' AND r.assistant = ? AND r.person_key <> '' AND b.starts_at >= ? AND b.starts_at < ? ORDER BY r.id`, false, from, to)
	if err != nil {
		return nil, err
	}
	type acc struct {
		row       LedgerRow
		workshops map[int64]bool
		regs      map[int64]bool
	}
	people := map[string]*acc{}
	var keys []string
	for rows.Next() {
		var rid, wid int64
		var key, name, org string
		var b Block
		if err := rows.Scan(&rid, &key, &name, &org, &wid, &b.StartsAt, &b.EndsAt, &b.BreakMinutes); err != nil {
			rows.Close()
			return nil, err
		}
		a := people[key]
		if a == nil {
			a = &acc{workshops: map[int64]bool{}, regs: map[int64]bool{}}
			people[key] = a
			keys = append(keys, key)
		}
		a.row.Name, a.row.Organisation = name, org
		a.workshops[wid], a.regs[rid] = true, true
		a.row.Minutes += b.NetMinutes()
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	certs := map[int64]bool{}
	crows, err := s.DB.Query(ctx, `SELECT c.registration_id FROM workshop_certificates c JOIN workshop_blocks b ON b.workshop_id = c.workshop_id
		WHERE b.starts_at >= ? AND b.starts_at < ?`, from, to)
	if err != nil {
		return nil, err
	}
	for crows.Next() {
		var id int64
		if err := crows.Scan(&id); err != nil {
			crows.Close()
			return nil, err
		}
		certs[id] = true
	}
	crows.Close()
	out := make([]LedgerRow, 0, len(keys))
	for _, k := range keys {
		a := people[k]
		a.row.Workshops = len(a.workshops)
		a.row.Counted = min(a.row.Minutes, MaxCountedMinutes)
		for rid := range a.regs {
			if certs[rid] {
				a.row.Certificates++
			}
		}
		out = append(out, a.row)
	}
	slices.SortStableFunc(out, func(a, b LedgerRow) int { return strings.Compare(nameKey(a.Name), nameKey(b.Name)) })
	return out, nil
}

// nameKey sorts people the Czech way by surname, then given names,
// leaving out academic titles ("Mgr. Eva Kopečná" → "Kopečná Eva").
func nameKey(name string) string {
	var words []string
	for _, w := range strings.Fields(name) {
		if !strings.Contains(w, ".") && w != "," {
			words = append(words, strings.TrimSuffix(w, ","))
		}
	}
	if len(words) > 1 {
		words = append([]string{words[len(words)-1]}, words[:len(words)-1]...)
	}
	return czech.SortKey(strings.Join(words, " "))
}

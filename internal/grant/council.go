package grant

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/mail"
	"kpss/internal/pdf"
	"kpss/internal/store"
)

// Council bodies that decide grants.
var Bodies = []string{"Rada města", "Zastupitelstvo města"}

// Decide records the council's decision of the call: its body, number and
// date; every evaluated application gets the amount in force (the
// coordinator's or the proposal), amounts may be overridden by decided (by
// application id). The applicants get a letter with their evaluation
// (evaluators' names left out). Errors: invalid, conflict (already decided).
func (s *Service) Decide(ctx context.Context, callID int64, body, number string, date store.Date, decided map[int64]CZK) (*Call, error) {
	c, err := findCall(ctx, s.DB, callID)
	if err != nil {
		return nil, err
	}
	if !c.DecisionDate.IsZero() {
		return nil, apperr.New(apperr.Conflict, "grant.err.decided")
	}
	body, number = strings.TrimSpace(body), strings.TrimSpace(number)
	f := apperr.Fields{}
	if body == "" {
		f.Add("decision_body", "grant.err.choose")
	}
	if number == "" {
		f.Add("decision_number", "grant.err.decision_number")
	}
	checkLen(f, "decision_number", number, 100)
	if date.IsZero() {
		f.Add("decision_date", "grant.err.date_required")
	}
	p, err := s.Panel(ctx, &c)
	if err != nil {
		return nil, err
	}
	var sum CZK
	amounts := map[int64]CZK{}
	for _, r := range p.Rows {
		v := CZK(0)
		if r.Complete {
			v = r.Amount
		}
		if d, ok := decided[r.App.ID]; ok {
			if d < 0 || d > r.Requested {
				f.Add(FieldAmount(r.App.ID), "grant.err.amount_range", "Max", czk(r.Requested))
			}
			v = d
		}
		amounts[r.App.ID] = v
		sum += v
	}
	if sum > c.Budget {
		f.Add("decision_number", "grant.err.over_budget", "Sum", czk(sum), "Budget", czk(c.Budget))
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	before := c
	c.DecisionBody, c.DecisionNumber, c.DecisionDate, c.UpdatedAt = body, number, date, s.now()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := updateCall(ctx, tx, &c, &before); err != nil {
			return err
		}
		if err := setAmounts(ctx, tx, "decided", amounts, s.now()); err != nil {
			return err
		}
		for _, r := range p.Rows {
			v := amounts[r.App.ID]
			if s.Outbox != nil {
				if err := s.mailLetter(ctx, tx, &c, r, v); err != nil {
					return err
				}
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "decide", Entity: "grant_call", EntityID: c.ID,
			Summary: fmt.Sprintf("%s: %s č. %s, %s", c.Title, body, number, czk(sum)), Before: &before, After: map[string]any{"call": &c, "amounts": amounts}})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// LetterStatus is how the letters of a decided call are doing (nil
// without an outbox).
func (s *Service) LetterStatus(ctx context.Context, c *Call) (*MailStatus, error) {
	if s.Outbox == nil || c.DecisionDate.IsZero() {
		return nil, nil
	}
	st, err := s.Outbox.Status(ctx, CallRef(c.ID))
	return &st, err
}

// Letter is the text of the letter to an applicant: the decision and the
// evaluation by criterion (mean scores, the evaluators' comments), no names.
func Letter(c *Call, r RankRow, amount CZK) string {
	var b strings.Builder
	verb := "rozhodla"
	if strings.HasPrefix(c.DecisionBody, "Zastupitelstvo") {
		verb = "rozhodlo"
	}
	fmt.Fprintf(&b, "Dobrý den,\n\n%s %s usnesením č. %s ze dne %s o dotacích z výzvy „%s“.\n\n", c.DecisionBody, verb, c.DecisionNumber, czDate(c.DecisionDate), c.Title)
	fmt.Fprintf(&b, "Žadatel: %s\nPožadováno: %s\n", r.App.Organisation, czk(r.Requested))
	if amount > 0 {
		fmt.Fprintf(&b, "Schválená dotace: %s\n", czk(amount))
	} else {
		b.WriteString("Dotace vám tentokrát nebyla přidělena.\n")
	}
	if r.Complete {
		fmt.Fprintf(&b, "Výsledné hodnocení: %s bodu ze 100 (%d. místo v pořadí)\n", r.Score, r.Rank)
	}
	if r.Adjusted != r.Requested {
		fmt.Fprintf(&b, "Uznatelný požadavek po posouzení rozpočtu: %s\n", czk(r.Adjusted))
	}
	b.WriteString("\nHodnocení podle kritérií (průměr hodnotitelů a jejich komentáře):\n")
	for _, cr := range c.Criteria {
		var sum, n int
		var comments []string
		for _, g := range r.Evaluations {
			if g.State != AssignSubmitted {
				continue
			}
			if sc := g.Scores[cr.ID]; sc.Score != nil {
				sum += *sc.Score
				n++
				if cm := strings.TrimSpace(sc.Comment); cm != "" && !slices.Contains(comments, cm) {
					comments = append(comments, cm)
				}
			}
		}
		if n == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s (váha %d %%): %s z %d bodů\n", cr.Name, cr.Weight, FormatPoints(float64(sum)/float64(n)), c.ScaleMax)
		for _, cm := range comments {
			fmt.Fprintf(&b, " – %s\n", cm)
		}
	}
	if amount > 0 && !c.SettleUntil.IsZero() {
		fmt.Fprintf(&b, "\nDotaci prosím vyúčtujte do %s.\n", czDate(c.SettleUntil))
	}
	b.WriteString(signature)
	return b.String()
}

func (s *Service) mailLetter(ctx context.Context, q store.Q, c *Call, r RankRow, amount CZK) error {
	if r.App.ContactEmail == "" {
		return nil
	}
	return s.Outbox.Enqueue(ctx, q, "letter", CallRef(c.ID), mail.Message{To: []string{r.App.ContactEmail},
		Subject: "Rozhodnutí o dotaci: " + c.Title, Text: Letter(c, r, amount)})
}

// ResolutionPDF writes the draft resolution for the council: the proposal
// of every evaluated application (applicant, IČO, services, requested,
// adjusted, proposed, score, the reason when it gets nothing).
func (s *Service) ResolutionPDF(ctx context.Context, w io.Writer, c *Call, region string) error {
	p, err := s.Panel(ctx, c)
	if err != nil {
		return err
	}
	d := pdf.New("Návrh usnesení – "+c.Title, pdf.Options{Author: region, Subject: "Dotace na sociální služby", Now: s.Now})
	d.Heading(1, "Návrh usnesení")
	body := "Rada města"
	if c.DecisionBody != "" {
		body = c.DecisionBody
	}
	d.Paragraph(fmt.Sprintf("%s po projednání\n\nI. schvaluje poskytnutí dotací z programu „%s“ na rok %d žadatelům a v částkách podle přílohy tohoto usnesení, celkem %s z rozpočtu %s;\n\nII. neschvaluje poskytnutí dotací žadatelům uvedeným v příloze s částkou 0 Kč z důvodů tam uvedených;\n\nIII. ukládá odboru sociálních věcí uzavřít s příjemci veřejnoprávní smlouvy o poskytnutí dotace.",
		body, c.Title, c.Year, czk(p.Allocated), czk(c.Budget)))
	d.Heading(2, "Příloha: návrh rozdělení")
	var rows [][]string
	for _, r := range p.Rows {
		var svcs []string
		for _, sv := range r.App.Services {
			svcs = append(svcs, sv.ServiceName)
		}
		score, reason := "–", ""
		if r.Complete {
			score = r.Score.String()
		}
		if r.Amount == 0 {
			reason = RejectReason(c, r)
		}
		rows = append(rows, []string{rankText(r), r.App.Organisation, r.App.ICO, strings.Join(svcs, ", "), czk(r.Requested), czk(r.Adjusted), czk(r.Amount), score, reason})
	}
	d.Table([]string{"Pořadí", "Žadatel", "IČO", "Služby", "Požadováno", "Uznatelné", "Návrh", "Body", "Důvod zamítnutí"}, rows, []float64{0.6, 2, 1, 2.2, 1.2, 1.2, 1.2, 0.7, 2})
	d.Paragraph(fmt.Sprintf("Celkem navrženo %s, zbývá %s. Způsob rozdělení: %s.", czk(p.Allocated), czk(p.Leftover), allocName[c.AllocMethod]))
	_, err = d.WriteTo(w)
	return err
}

var allocName = map[string]string{AllocGreedy: "podle pořadí, co se nevejde, se přeskočí", AllocFullMinScore: "plný upravený požadavek až po minimální skóre", AllocProportional: "poměrně podle skóre a upraveného požadavku se stropem"}

func rankText(r RankRow) string {
	if !r.Complete {
		return "–"
	}
	return fmt.Sprintf("%d.", r.Rank)
}

// RejectReason says why an application gets nothing.
func RejectReason(c *Call, r RankRow) string {
	switch {
	case !r.Complete:
		return "hodnocení nebylo dokončeno"
	case float64(r.Score)+1e-9 < c.MinScore:
		return fmt.Sprintf("nedosáhla minimálního hodnocení %s bodu", FormatPoints(c.MinScore))
	case r.Adjusted == 0:
		return "žádné uznatelné náklady"
	}
	return "nevešla se do rozpočtu výzvy"
}

// --- reminders and retention

// SendReminders e-mails digests: each evaluator their unsubmitted
// evaluations when the evaluation deadline is a week or a day away; each
// provider its unsubmitted draft when the call closes in a week or a day.
// A digest goes once per kind and day (grant_reminders), so the job may
// run as often as it likes. It returns how many e-mails it queued.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	if s.Outbox == nil {
		return 0, nil
	}
	day := s.Today()
	cs, err := findCalls(ctx, s.DB, "decision_date IS NULL")
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range cs {
		c := &cs[i]
		if k := reminderKind(day, c.EvaluateUntil); k != "" {
			gs, err := s.callAssignments(ctx, s.DB, c.ID)
			if err != nil {
				return n, err
			}
			pending := map[int64][]Assignment{}
			for _, g := range gs {
				if g.State == AssignAssigned || g.State == AssignDeclared {
					pending[g.EvaluatorID] = append(pending[g.EvaluatorID], g)
				}
			}
			for ev, list := range pending {
				u, err := s.Auth.FindUserByID(ctx, ev)
				if err != nil || u.Email == "" {
					continue
				}
				var b strings.Builder
				fmt.Fprintf(&b, "Dobrý den,\n\nhodnocení žádostí výzvy „%s“ končí %s. Zbývá vám dokončit %d:\n\n", c.Title, czDate(c.EvaluateUntil), len(list))
				for _, g := range list {
					fmt.Fprintf(&b, " – %s\n", s.link("/dotace/hodnoceni/"+itoa(g.ID)))
				}
				b.WriteString(signature)
				ok, err := s.remind(ctx, fmt.Sprintf("evaluator:%d:call:%d", ev, c.ID), k, day, mail.Message{To: []string{u.Email},
					Subject: "Připomínka: hodnocení žádostí – " + c.Title, Text: b.String()})
				if err != nil {
					return n, err
				}
				if ok {
					n++
				}
			}
		}
		if k := reminderKind(day, c.ApplyUntil); k != "" {
			as, err := findApps(ctx, s.DB, "a.call_id = ? AND a.state = ?", c.ID, StateDraft)
			if err != nil {
				return n, err
			}
			for _, a := range as {
				if a.ContactEmail == "" {
					continue
				}
				text := fmt.Sprintf("Dobrý den,\n\nvaše žádost do výzvy „%s“ je zatím rozpracovaná a nepodaná. Příjem žádostí končí %s.\nDokončit ji můžete zde: %s\n%s",
					c.Title, czDate(c.ApplyUntil), s.link("/dotace/zadosti/"+itoa(a.ID)+"/upravit"), signature)
				ok, err := s.remind(ctx, "application:"+itoa(a.ID), k, day, mail.Message{To: []string{a.ContactEmail},
					Subject: "Připomínka: nepodaná žádost – " + c.Title, Text: text})
				if err != nil {
					return n, err
				}
				if ok {
					n++
				}
			}
		}
	}
	return n, nil
}

func reminderKind(day, deadline store.Date) string {
	if deadline.IsZero() {
		return ""
	}
	days := int(deadline.Sub(day.Time).Hours() / 24)
	switch {
	case days == 7:
		return "week"
	case days == 1:
		return "day"
	}
	return ""
}

// remind queues m once per ref and kind (false when it went already).
func (s *Service) remind(ctx context.Context, ref, kind string, day store.Date, m mail.Message) (bool, error) {
	sent := false
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM grant_reminders WHERE ref = ? AND kind = ?`, ref, kind).Scan(&n); err != nil || n > 0 {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO grant_reminders (ref, kind, sent_on) VALUES (?, ?, ?)`, ref, kind, day); err != nil {
			return err
		}
		if err := s.Outbox.Enqueue(ctx, tx, "reminder", "grant_reminder:"+ref, m); err != nil {
			return err
		}
		sent = true
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "remind", Entity: "grant_call", Summary: ref + " " + kind})
	})
	return sent, err
}

// RetentionYears is how long the contacts of applications are kept after
// the call's decision (grant files are archived ten years).
const RetentionYears = 10

// AnonymiseContacts erases the contact persons of applications decided
// more than years ago; dry only counts them. One audit row per application.
func (s *Service) AnonymiseContacts(ctx context.Context, years int, dry bool) (int, error) {
	cutoff := s.Today().AddDate(-years, 0, 0)
	as, err := findApps(ctx, s.DB, `a.anonymised_at IS NULL AND a.call_id IN (SELECT id FROM grant_calls WHERE decision_date IS NOT NULL AND decision_date < ?)`,
		store.Date{Time: cutoff})
	if err != nil || dry {
		return len(as), err
	}
	for _, a := range as {
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE grant_applications SET contact_name = '', contact_email = '', contact_phone = '', anonymised_at = ? WHERE id = ?`, s.now(), a.ID); err != nil {
				return err
			}
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "anonymise", Entity: "grant_application", EntityID: a.ID, Summary: a.Organisation})
		})
		if err != nil {
			return 0, err
		}
	}
	return len(as), nil
}

var _ = auth.RoleAdmin
var _ = time.Now

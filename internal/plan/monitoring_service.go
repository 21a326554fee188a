package plan

import (
	"context"
	"fmt"
	"kpss/internal/outbox"
	"sort"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/mail"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// ---------- provider services

// Services lists the provider services (orgID 0: all).
func (s *Service) Services(ctx context.Context, orgID int64, withArchived bool) ([]ProviderService, error) {
	return findServices(ctx, s.DB, orgID, withArchived)
}

// ProviderService returns one service.
func (s *Service) ProviderService(ctx context.Context, id int64) (*ProviderService, error) {
	v, err := findService(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// SaveService creates (id 0) or updates a provider service.
func (s *Service) SaveService(ctx context.Context, id int64, v ProviderService) (*ProviderService, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	if v.MunicipalityID != nil {
		if _, err := s.Partners.FindMunicipalityByID(ctx, *v.MunicipalityID); err != nil {
			if apperr.CodeOf(err) == apperr.NotFound {
				f := apperr.Fields{}
				f.Add("municipality_id", "err.bad_reference")
				return nil, f.Err()
			}
			return nil, err
		}
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		at := s.now()
		var before *ProviderService
		if id != 0 {
			b, err := findService(ctx, tx, id)
			if err != nil {
				return err
			}
			before = &b
			v.ID, v.CreatedAt = id, b.CreatedAt
		} else {
			v.CreatedAt = at
		}
		v.UpdatedAt = at
		var err error
		if id != 0 {
			err = updateService(ctx, tx, &v)
		} else {
			err = insertService(ctx, tx, &v)
		}
		if err != nil {
			return dupField(err, "organisation_id", "err.bad_reference")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: map[bool]string{true: "update", false: "create"}[id != 0], Entity: "provider_service", EntityID: v.ID, Summary: v.Name, Before: before, After: &v})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// ---------- rounds

// Rounds lists the monitoring rounds, newest first.
func (s *Service) Rounds(ctx context.Context) ([]Round, error) { return findRounds(ctx, s.DB) }

// Round returns one round.
func (s *Service) Round(ctx context.Context, id int64) (*Round, error) {
	r, err := findRound(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// OpenRound opens a round: every active provider service gets a report,
// pre-filled with what it sent in the previous round, so that a provider
// whose figures did not change only confirms.
func (s *Service) OpenRound(ctx context.Context, r Round) (*Round, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		at := s.now()
		r.State, r.CreatedAt, r.UpdatedAt = RoundOpen, at, at
		if err := insertRound(ctx, tx, &r); err != nil {
			return dupField(err, "year", "plan.err.round_year_taken")
		}
		prev := map[int64]ReportData{}
		if pr, err := findRoundBefore(ctx, tx, r.Year); err == nil {
			reps, err := findReports(ctx, tx, ReportFilter{RoundID: pr.ID})
			if err != nil {
				return err
			}
			for _, rep := range reps {
				if rep.Version > 0 {
					prev[rep.ServiceID] = rep.Data
				}
			}
		} else if apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		svcs, err := findServices(ctx, tx, 0, false)
		if err != nil {
			return err
		}
		for _, sv := range svcs {
			rep := Report{RoundID: r.ID, ServiceID: sv.ID, OrganisationID: sv.OrganisationID, State: ReportDraft, CreatedAt: at, UpdatedAt: at}
			if d, ok := prev[sv.ID]; ok {
				d.Comment = ""
				rep.Data, rep.Prefilled = d, true
			} else {
				rep.Data = ReportData{Staff: map[string]float64{}, Income: map[string]int64{}, Values: map[string]float64{}}
			}
			if err := insertReport(ctx, tx, &rep); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "open", Entity: "monitoring_round", EntityID: r.ID, Summary: r.Name, After: &r})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// SetRoundState closes or reopens a round.
func (s *Service) SetRoundState(ctx context.Context, id int64, state string) (*Round, error) {
	if state != RoundOpen && state != RoundClosed {
		return nil, apperr.New(apperr.Invalid, "err.choose")
	}
	var r Round
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := findRound(ctx, tx, id)
		if err != nil {
			return err
		}
		r = b
		if b.State == state {
			return nil
		}
		r.State, r.UpdatedAt = state, s.now()
		if err := updateRound(ctx, tx, &r); err != nil {
			return err
		}
		action := map[string]string{RoundOpen: "reopen", RoundClosed: "close"}[state]
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "monitoring_round", EntityID: id, Summary: r.Name, Before: &b, After: &r})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ---------- reports

// Reports lists reports (with the service names).
func (s *Service) Reports(ctx context.Context, f ReportFilter) ([]Report, error) {
	return findReports(ctx, s.DB, f)
}

// Report returns one report.
func (s *Service) Report(ctx context.Context, id int64) (*Report, error) {
	r, err := findReport(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ReportVersions lists the frozen submissions of a report, newest first.
func (s *Service) ReportVersions(ctx context.Context, id int64) ([]ReportVersion, error) {
	return findReportVersions(ctx, s.DB, id)
}

// CanSeeReport is the object-level rule: staff and the steering group see
// every report; a provider representative only those of their organisation.
func CanSeeReport(u *auth.User, r *Report) bool {
	if u == nil {
		return false
	}
	if u.IsStaff() || u.Is(auth.RoleSteering) {
		return true
	}
	return u.Is(auth.RoleProvider) && u.OrganisationID != nil && *u.OrganisationID == r.OrganisationID
}

// CanEditReport: staff, or the provider of the report's organisation.
func CanEditReport(u *auth.User, r *Report) bool {
	if u == nil {
		return false
	}
	if u.IsStaff() {
		return true
	}
	return u.Is(auth.RoleProvider) && u.OrganisationID != nil && *u.OrganisationID == r.OrganisationID
}

// Report actions.
const (
	ActionSave    = "save"    // keep the draft
	ActionSubmit  = "submit"  // send (freeze) the report
	ActionConfirm = "confirm" // send the pre-filled figures unchanged
)

// SaveReport saves a draft, submits it, or confirms the pre-filled figures
// unchanged (data is ignored then). A submitted report is frozen: it changes
// only after the coordinator returns it. Another organisation's report
// answers NotFound, as if it did not exist.
func (s *Service) SaveReport(ctx context.Context, id int64, data ReportData, action string) (*Report, error) {
	u := auth.UserFrom(ctx)
	if action != ActionConfirm {
		if err := data.Validate(); err != nil {
			return nil, err
		}
	}
	var rep Report
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := findReport(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanEditReport(u, &b) {
			return apperr.NotFoundErr("monitoring_report")
		}
		if !b.Editable() {
			return apperr.New(apperr.Conflict, "plan.err.report_frozen")
		}
		rnd, err := findRound(ctx, tx, b.RoundID)
		if err != nil {
			return err
		}
		if rnd.State != RoundOpen {
			return apperr.New(apperr.Conflict, "plan.err.round_closed")
		}
		rep = b
		at := s.now()
		rep.UpdatedAt = at
		switch action {
		case ActionConfirm:
			if !b.Prefilled {
				return apperr.New(apperr.Conflict, "plan.err.nothing_to_confirm")
			}
			rep.Unchanged = true
		case ActionSave, ActionSubmit:
			rep.Data = data
			rep.Unchanged = false
		default:
			return apperr.New(apperr.Invalid, "err.choose")
		}
		if action != ActionSave {
			rep.State, rep.Version, rep.SubmittedAt, rep.SubmittedBy = ReportSubmitted, b.Version+1, &at, actorName(ctx)
			rep.ReturnComment = ""
			if err := insertReportVersion(ctx, tx, rep.ID, ReportVersion{Version: rep.Version, Data: rep.Data, Unchanged: rep.Unchanged, SubmittedAt: at, SubmittedBy: rep.SubmittedBy}); err != nil {
				return err
			}
		}
		if err := updateReport(ctx, tx, &rep); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "monitoring_report", EntityID: id, Summary: rnd.Name + ": " + b.ServiceName, Before: &b, After: &rep})
	})
	if err != nil {
		return nil, err
	}
	return &rep, nil
}

// ReturnReport returns a submitted report to its provider for correction.
func (s *Service) ReturnReport(ctx context.Context, id int64, comment string) (*Report, error) {
	comment = strings.TrimSpace(comment)
	f := apperr.Fields{}
	required(f, "comment", comment)
	checkLen(f, "comment", comment, 2000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var rep Report
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := findReport(ctx, tx, id)
		if err != nil {
			return err
		}
		if b.State != ReportSubmitted {
			return apperr.New(apperr.Conflict, "plan.err.not_submitted")
		}
		rep = b
		rep.State, rep.ReturnComment, rep.UpdatedAt = ReportReturned, comment, s.now()
		if err := updateReport(ctx, tx, &rep); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "return", Entity: "monitoring_report", EntityID: id, Summary: b.ServiceName, Before: &b, After: &rep})
	})
	if err != nil {
		return nil, err
	}
	return &rep, nil
}

// Completeness says how far a round is.
type Completeness struct {
	Total, Submitted, Returned, Draft, Late int
	Orgs                                    []OrgCompleteness
}

// Percent is the share of submitted reports.
func (c Completeness) Percent() int {
	if c.Total == 0 {
		return 0
	}
	return c.Submitted * 100 / c.Total
}

// OrgCompleteness is one provider's part of a round.
type OrgCompleteness struct {
	OrganisationID  int64
	Name            string
	Total, Done     int
	Late            bool
	LastSubmittedAt *time.Time
}

// RoundCompleteness counts the reports of a round by state and lateness.
func RoundCompleteness(r Round, reps []Report, orgNames map[int64]string, now time.Time) Completeness {
	c := Completeness{Total: len(reps)}
	by := map[int64]*OrgCompleteness{}
	for _, rep := range reps {
		o := by[rep.OrganisationID]
		if o == nil {
			o = &OrgCompleteness{OrganisationID: rep.OrganisationID, Name: orgNames[rep.OrganisationID]}
			by[rep.OrganisationID] = o
		}
		o.Total++
		switch rep.State {
		case ReportSubmitted:
			c.Submitted++
			o.Done++
			if o.LastSubmittedAt == nil || rep.SubmittedAt.After(*o.LastSubmittedAt) {
				o.LastSubmittedAt = rep.SubmittedAt
			}
		case ReportReturned:
			c.Returned++
		default:
			c.Draft++
		}
		if rep.Late(r.Deadline.Date, now) {
			c.Late++
			o.Late = true
		}
	}
	for _, o := range by {
		c.Orgs = append(c.Orgs, *o)
	}
	sort.Slice(c.Orgs, func(i, j int) bool { return c.Orgs[i].Name < c.Orgs[j].Name })
	return c
}

// ---------- early warning

// Rules returns the early-warning rules with their thresholds.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) { return findRules(ctx, s.DB) }

// SaveRules updates the thresholds (one audit row for the set).
func (s *Service) SaveRules(ctx context.Context, rules []Rule) error {
	f := apperr.Fields{}
	for _, r := range rules {
		if r.Threshold < 0 || r.Threshold > 1000 {
			f.Add("threshold_"+r.Code, "plan.err.threshold")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findRules(ctx, tx)
		if err != nil {
			return err
		}
		for _, r := range rules {
			if err := updateRule(ctx, tx, r, s.now()); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "warning_rules", Summary: "early warning", Before: map[string]any{"rules": before}, After: map[string]any{"rules": rules}})
	})
}

// Warning is a flag with the service it concerns.
type Warning struct {
	Flag
	Service ProviderService
}

// Warnings evaluates the early-warning rules on a round against the round
// before it, from the submitted reports (a fixed number of queries).
func (s *Service) Warnings(ctx context.Context, roundID int64) ([]Warning, *Round, error) {
	r, err := findRound(ctx, s.DB, roundID)
	if err != nil {
		return nil, nil, err
	}
	prevR, err := findRoundBefore(ctx, s.DB, r.Year)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	reps, err := findReports(ctx, s.DB, ReportFilter{RoundIDs: []int64{r.ID, prevR.ID}})
	if err != nil {
		return nil, nil, err
	}
	cur, prev := map[int64]ReportData{}, map[int64]ReportData{}
	for _, rep := range reps {
		if rep.State != ReportSubmitted {
			continue
		}
		if rep.RoundID == r.ID {
			cur[rep.ServiceID] = rep.Data
		} else {
			prev[rep.ServiceID] = rep.Data
		}
	}
	rules, err := findRules(ctx, s.DB)
	if err != nil {
		return nil, nil, err
	}
	flags := Evaluate(rules, cur, prev)
	svcs, err := findServices(ctx, s.DB, 0, true)
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]ProviderService{}
	for _, sv := range svcs {
		byID[sv.ID] = sv
	}
	out := make([]Warning, len(flags))
	for i, f := range flags {
		out[i] = Warning{Flag: f, Service: byID[f.ServiceID]}
	}
	return out, &prevR, nil
}

// ---------- reminders

// RemindDays are the days around the deadline a digest goes out: a week and
// a day before, then the day after and every week after while reports are
// missing.
func reminderKind(deadline store.Date, today time.Time) string {
	d := int(deadline.Sub(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
	switch {
	case d == 7 || d == 1:
		return "before"
	case d < 0 && (-d)%7 == 1:
		return "after"
	}
	return ""
}

// SendReminders sends each provider with unsent reports of an open round
// one digest e-mail on the reminder days; it runs hourly and sends at most
// once a day per round and provider (monitoring_reminders). It returns the
// number of digests sent.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.Now().In(i18n.Prague)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	rounds, err := findRounds(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range rounds {
		kind := reminderKind(r.Deadline.Date, today)
		if r.State != RoundOpen || kind == "" {
			continue
		}
		reps, err := findReports(ctx, s.DB, ReportFilter{RoundID: r.ID})
		if err != nil {
			return sent, err
		}
		missing := map[int64][]string{}
		for _, rep := range reps {
			if rep.State != ReportSubmitted {
				missing[rep.OrganisationID] = append(missing[rep.OrganisationID], rep.ServiceName)
			}
		}
		if len(missing) == 0 {
			continue
		}
		var users []*auth.User
		if s.Auth != nil {
			users, _, err = s.Auth.FindUsers(ctx, auth.UserFilter{Role: auth.RoleProvider, Paging: store.Paging{PerPage: 200}})
			if err != nil {
				return sent, err
			}
		}
		for orgID, names := range missing {
			var to []string
			for _, u := range users {
				if u.Active && u.Email != "" && u.OrganisationID != nil && *u.OrganisationID == orgID {
					to = append(to, u.Email)
				}
			}
			day := today.Format(time.DateOnly)
			var inserted bool
			err := s.DB.InTx(ctx, func(tx *store.Tx) error {
				res, err := tx.Exec(ctx, `INSERT INTO monitoring_reminders (round_id, organisation_id, day, kind, recipients, sent_at) VALUES (?, ?, ?, ?, ?, ?)
					ON CONFLICT (round_id, organisation_id, day) DO NOTHING`, r.ID, orgID, day, kind, len(to), s.now())
				if err != nil {
					return err
				}
				n, _ := res.RowsAffected()
				if inserted = n == 1; !inserted {
					return nil
				}
				if s.Outbox != nil && len(to) > 0 {
					// Queued with the record of the reminder: delivered after
					// the commit, retried through an SMTP outage.
					if err := s.Outbox.Enqueue(ctx, tx, outbox.Message{Module: "plan", Kind: "reminder", Ref: fmt.Sprintf("plan:round:%d", r.ID),
						Batch: day, Mail: reminderMail(r, kind, names, to, s.BaseURL)}); err != nil {
						return err
					}
				}
				return s.Audit.Record(ctx, tx, audit.Entry{Action: "remind", Entity: "monitoring_round", EntityID: r.ID, Summary: fmt.Sprintf("%s: %d", r.Name, len(names)),
					After: map[string]any{"organisation_id": orgID, "kind": kind, "recipients": len(to), "missing": len(names)}})
			})
			if err != nil {
				return sent, err
			}
			if !inserted || len(to) == 0 {
				continue
			}
			if s.Outbox != nil {
				sent++
				continue
			}
			if s.Mail == nil {
				continue
			}
			if err := s.Mail.Send(ctx, reminderMail(r, kind, names, to, s.BaseURL)); err != nil {
				s.Log.Warn("plan: reminder not sent", "round", r.Name, "organisation", orgID, "err", err)
				continue
			}
			sent++
		}
	}
	return sent, nil
}

func reminderMail(r Round, kind string, services []string, to []string, base string) mail.Message {
	sort.Strings(services)
	var b strings.Builder
	deadline := fmt.Sprintf("%d. %d. %d", r.Deadline.Day(), r.Deadline.Month(), r.Deadline.Year())
	if kind == "before" {
		fmt.Fprintf(&b, "Dobrý den,\n\nblíží se termín monitorovacího kola %s (%s). Zatím nebyly odeslány výkazy těchto služeb:\n\n", r.Name, deadline)
	} else {
		fmt.Fprintf(&b, "Dobrý den,\n\ntermín monitorovacího kola %s uplynul %s. Stále chybí výkazy těchto služeb:\n\n", r.Name, deadline)
	}
	for _, s := range services {
		fmt.Fprintf(&b, "– %s\n", s)
	}
	fmt.Fprintf(&b, "\nVýkazy jsou předvyplněné údaji z minulého kola; pokud se nic nezměnilo, stačí je potvrdit:\n%s/monitoring\n\nDěkujeme.\nKoordinátor komunitního plánování\n", strings.TrimSuffix(base, "/"))
	return mail.Message{To: to, Subject: "Monitorovací kolo " + r.Name + ": chybějící výkazy (" + fmt.Sprint(len(services)) + ")", Text: b.String()}
}

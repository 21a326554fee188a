package grant

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/catalog"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/suggestion"
)

// Catalog is what the module needs of the service catalogue (the catalogue
// module's *catalog.Catalog): the provider's registered services and the
// code list of types.
type Catalog interface {
	Types(ctx context.Context) ([]catalog.ServiceType, error)
	FindServices(ctx context.Context, f catalog.Filter) ([]catalog.Service, int, error)
}

// Measures are the plan's measures a call serves (plan.MeasureLinks).
type Measures interface {
	CurrentMeasures(ctx context.Context) ([]suggestion.PlanMeasure, error)
	MeasuresByID(ctx context.Context, ids []int64) (map[int64]suggestion.PlanMeasure, error)
}

// Service runs the grant round's rules: validation, deadlines, the formal
// check, conflicts of interest, blind scoring, the ranking and allocation;
// one audit row per change, in its transaction.
type Service struct {
	DB       *store.DB
	Audit    *audit.Log
	Now      func() time.Time
	Partners *partner.Service
	Auth     *auth.Service
	Catalog  Catalog  // nil: no services can be applied for
	Measures Measures // nil: calls name no measures
	Outbox   Outbox   // nil: no e-mails
	Log      *slog.Logger
	BaseURL  string
}

// NewService returns the grant service.
func NewService(db *store.DB, log *audit.Log, now func() time.Time, partners *partner.Service, a *auth.Service) *Service {
	return &Service{DB: db, Audit: log, Now: now, Partners: partners, Auth: a, Log: slog.Default()}
}

// Prague is the region's time zone; deadlines are whole days there.
var Prague = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// Today is the date in Prague.
func (s *Service) Today() store.Date {
	t := s.Now().In(Prague)
	return store.NewDate(t.Year(), t.Month(), t.Day())
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// --- calls

// FindCalls returns the calls, newest year first; all of them for staff,
// else those the public sees today.
func (s *Service) FindCalls(ctx context.Context, all bool) ([]Call, error) {
	cs, err := findCalls(ctx, s.DB, "1 = 1")
	if err != nil || all {
		return cs, err
	}
	day := s.Today()
	return slices.DeleteFunc(cs, func(c Call) bool { return !c.Public(day) }), nil
}

// FindCall returns call id; a call not yet public is not found unless all.
// Errors: not_found.
func (s *Service) FindCall(ctx context.Context, id int64, all bool) (*Call, error) {
	c, err := findCall(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !all && !c.Public(s.Today()) {
		return nil, apperr.NotFoundErr("grant_call")
	}
	return &c, nil
}

// SaveCall creates (id 0) or updates a call with its criteria. Once an
// evaluation was submitted the scale and the criteria's weights are frozen.
// Errors: invalid, not_found, conflict.
func (s *Service) SaveCall(ctx context.Context, id int64, c Call) (*Call, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkCallRefs(ctx, &c); err != nil {
		return nil, err
	}
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if id == 0 {
			c.CreatedAt, c.UpdatedAt = now, now
			c.DecisionNumber, c.DecisionBody, c.DecisionDate = "", "", store.Date{}
			if err := insertCall(ctx, tx, &c); err != nil {
				return store.AppError(err, "grant_call")
			}
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "grant_call", EntityID: c.ID, Summary: c.Title, After: &c})
		}
		before, err := findCall(ctx, tx, id)
		if err != nil {
			return err
		}
		if frozen, err := s.scored(ctx, tx, id); err != nil {
			return err
		} else if frozen && criteriaChanged(&before, &c) {
			return apperr.New(apperr.Conflict, "grant.err.criteria_frozen")
		}
		c.ID, c.CreatedAt, c.UpdatedAt, c.CopiedFrom = id, before.CreatedAt, now, before.CopiedFrom
		c.DecisionNumber, c.DecisionBody, c.DecisionDate = before.DecisionNumber, before.DecisionBody, before.DecisionDate
		known := map[int64]bool{}
		for _, cr := range before.Criteria {
			known[cr.ID] = true
		}
		for i := range c.Criteria {
			if !known[c.Criteria[i].ID] {
				c.Criteria[i].ID = 0
			}
		}
		if err := updateCall(ctx, tx, &c, &before); err != nil {
			return store.AppError(err, "grant_call")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "grant_call", EntityID: id, Summary: c.Title, Before: &before, After: &c})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func criteriaChanged(a, b *Call) bool {
	if a.ScaleMax != b.ScaleMax || len(a.Criteria) != len(b.Criteria) {
		return true
	}
	for i := range a.Criteria {
		if a.Criteria[i].ID != b.Criteria[i].ID || a.Criteria[i].Weight != b.Criteria[i].Weight {
			return true
		}
	}
	return false
}

func (s *Service) scored(ctx context.Context, q store.Q, callID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM grant_assignments g JOIN grant_applications a ON a.id = g.application_id
		WHERE a.call_id = ? AND g.state = 'submitted'`, callID).Scan(&n)
	return n > 0, err
}

func (s *Service) checkCallRefs(ctx context.Context, c *Call) error {
	f := apperr.Fields{}
	if s.Catalog != nil {
		types, err := s.Catalog.Types(ctx)
		if err != nil {
			return err
		}
		for _, code := range c.EligibleTypes {
			if !slices.ContainsFunc(types, func(t catalog.ServiceType) bool { return t.Code == code }) {
				f.Add("eligible_types", "err.bad_reference")
			}
		}
	}
	if len(c.MeasureIDs) > 0 {
		if s.Measures == nil {
			c.MeasureIDs = nil
		} else {
			ms, err := s.Measures.MeasuresByID(ctx, c.MeasureIDs)
			if err != nil {
				return err
			}
			for _, id := range c.MeasureIDs {
				if _, ok := ms[id]; !ok {
					f.Add("measure_ids", "err.bad_reference")
				}
			}
		}
	}
	return f.Err()
}

// CopyCall copies call id to the next year: the same texts, criteria,
// rules and checks, the dates a year later, no decision. Errors: not_found.
func (s *Service) CopyCall(ctx context.Context, id int64) (*Call, error) {
	var c Call
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		src, err := findCall(ctx, tx, id)
		if err != nil {
			return err
		}
		c = src
		c.ID, c.Year, c.CopiedFrom = 0, src.Year+1, &src.ID
		c.Title = strings.Replace(src.Title, itoa(int64(src.Year)), itoa(int64(src.Year+1)), 1)
		if c.Title == src.Title {
			c.Title = fmt.Sprintf("%s (%d)", src.Title, c.Year)
		}
		year := func(d store.Date) store.Date {
			if d.IsZero() {
				return d
			}
			return store.Date{Time: d.AddDate(1, 0, 0)}
		}
		c.PublishedOn, c.ApplyFrom, c.ApplyUntil = year(src.PublishedOn), year(src.ApplyFrom), year(src.ApplyUntil)
		c.EvaluateUntil, c.DecideOn, c.SettleUntil = year(src.EvaluateUntil), year(src.DecideOn), year(src.SettleUntil)
		c.DecisionNumber, c.DecisionBody, c.DecisionDate = "", "", store.Date{}
		c.Criteria = slices.Clone(src.Criteria)
		for i := range c.Criteria {
			c.Criteria[i].ID = 0
			c.Criteria[i].Levels = slices.Clone(src.Criteria[i].Levels)
		}
		now := s.now()
		c.CreatedAt, c.UpdatedAt = now, now
		if err := insertCall(ctx, tx, &c); err != nil {
			return store.AppError(err, "grant_call")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "copy", Entity: "grant_call", EntityID: c.ID,
			Summary: fmt.Sprintf("%s ← %s", c.Title, src.Title), After: &c})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// --- applications

// ProviderServices lists the organisation's active catalogue services as
// empty budget blocks, eligible ones first, and which the call accepts.
func (s *Service) ProviderServices(ctx context.Context, c *Call, orgID int64) ([]AppService, map[int64]bool, error) {
	eligible := map[int64]bool{}
	if s.Catalog == nil {
		return nil, eligible, nil
	}
	svcs, _, err := s.Catalog.FindServices(ctx, catalog.Filter{OrganisationID: orgID, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, nil, err
	}
	var out []AppService
	for _, sv := range svcs {
		as := AppService{ServiceID: sv.ID, ServiceName: sv.Name, TypeCode: sv.TypeCode, RegistryID: sv.RegistryID}
		for _, k := range LineKinds {
			as.Lines = append(as.Lines, BudgetLine{Kind: k})
		}
		out = append(out, as)
		eligible[sv.ID] = c.Eligible(sv.TypeCode)
	}
	slices.SortStableFunc(out, func(a, b AppService) int {
		if eligible[a.ServiceID] != eligible[b.ServiceID] {
			if eligible[a.ServiceID] {
				return -1
			}
			return 1
		}
		return 0
	})
	return out, eligible, nil
}

// FindApplication returns application id. Errors: not_found.
func (s *Service) FindApplication(ctx context.Context, id int64) (*Application, error) {
	a, err := findApp(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// FindApplications returns the applications of a call (fixed number of queries).
func (s *Service) FindApplications(ctx context.Context, callID int64) ([]Application, error) {
	return findApps(ctx, s.DB, "a.call_id = ?", callID)
}

// OrganisationApplications returns an organisation's applications, newest first.
func (s *Service) OrganisationApplications(ctx context.Context, orgID int64) ([]Application, error) {
	as, err := findApps(ctx, s.DB, "a.organisation_id = ?", orgID)
	slices.Reverse(as)
	return as, err
}

// ApplicationOf returns the organisation's application to a call, or not_found.
func (s *Service) ApplicationOf(ctx context.Context, callID, orgID int64) (*Application, error) {
	as, err := findApps(ctx, s.DB, "a.call_id = ? AND a.organisation_id = ?", callID, orgID)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, apperr.NotFoundErr("grant_application")
	}
	return &as[0], nil
}

// StartApplication opens the organisation's draft for the call, filled in
// from the catalogue (its services) and from its application of the year
// before (contact, budget lines of the same services, the narratives of
// criteria of the same name), so that a returning applicant retypes only
// what changed. An existing application is returned as it is.
// Errors: not_found, conflict (the call takes no applications).
func (s *Service) StartApplication(ctx context.Context, callID, orgID int64) (*Application, error) {
	c, err := findCall(ctx, s.DB, callID)
	if err != nil {
		return nil, err
	}
	if a, err := s.ApplicationOf(ctx, callID, orgID); err == nil {
		return a, nil
	} else if apperr.CodeOf(err) != apperr.NotFound {
		return nil, err
	}
	if ph := c.Phase(s.Today()); ph != PhaseOpen && ph != PhasePublished {
		return nil, apperr.New(apperr.Conflict, "grant.err.call_closed")
	}
	org, err := s.Partners.FindOrganisationByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	svcs, eligible, err := s.ProviderServices(ctx, &c, orgID)
	if err != nil {
		return nil, err
	}
	a := Application{CallID: callID, OrganisationID: orgID, State: StateDraft, ContactEmail: org.Email, ContactPhone: org.Phone, Narratives: map[int64]string{}}
	prev, prevCall, err := s.previous(ctx, &c, orgID)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		a.ContactName, a.ContactEmail, a.ContactPhone = prev.ContactName, prev.ContactEmail, prev.ContactPhone
		for i := range svcs {
			if !eligible[svcs[i].ServiceID] {
				continue
			}
			for _, ps := range prev.Services {
				if ps.ServiceID == svcs[i].ServiceID {
					svcs[i].Requested, svcs[i].Note = ps.Requested, ps.Note
					for j := range svcs[i].Lines {
						l := ps.Line(svcs[i].Lines[j].Kind)
						svcs[i].Lines[j].TotalCost, svcs[i].Lines[j].OtherSources, svcs[i].Lines[j].Requested = l.TotalCost, l.OtherSources, l.Requested
					}
				}
			}
		}
		for _, cr := range c.Criteria {
			for _, pcr := range prevCall.Criteria {
				if strings.EqualFold(pcr.Name, cr.Name) && prev.Narratives[pcr.ID] != "" {
					a.Narratives[cr.ID] = prev.Narratives[pcr.ID]
				}
			}
		}
	}
	a.Services = svcs
	if a.Requested() > c.MaxRequest {
		// Last year's budget asks more than this call allows: keep the
		// lines, the provider sees the rule on saving.
	}
	now := s.now()
	a.CreatedAt, a.UpdatedAt = now, now
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := insertApp(ctx, tx, &a); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return apperr.New(apperr.Conflict, "grant.err.exists")
			}
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "grant_application", EntityID: a.ID,
			Summary: fmt.Sprintf("%s – %s", org.Name, c.Title), After: &a, Personal: PersonalFields})
	})
	if err != nil {
		return nil, err
	}
	return s.FindApplication(ctx, a.ID)
}

// previous is the organisation's application to the latest earlier call.
func (s *Service) previous(ctx context.Context, c *Call, orgID int64) (*Application, *Call, error) {
	as, err := findApps(ctx, s.DB, `a.organisation_id = ? AND a.call_id IN (SELECT id FROM grant_calls WHERE year < ?)`, orgID, c.Year)
	if err != nil || len(as) == 0 {
		return nil, nil, err
	}
	prev := as[len(as)-1]
	pc, err := findCall(ctx, s.DB, prev.CallID)
	if err != nil {
		return nil, nil, err
	}
	return &prev, &pc, nil
}

// Deadline is the last day the application may be changed: the call's end,
// a later reopening, or the completion deadline of the formal check.
func Deadline(c *Call, a *Application) store.Date {
	d := c.ApplyUntil
	if a.State == StateReturned && !a.FixUntil.IsZero() {
		d = a.FixUntil
	}
	if !a.ReopenUntil.IsZero() && a.ReopenUntil.After(d.Time) {
		d = a.ReopenUntil
	}
	return d
}

// Editable says why the provider may not change the application today (nil: may).
func (s *Service) Editable(c *Call, a *Application) error {
	if a.State != StateDraft && a.State != StateReturned {
		return apperr.New(apperr.Conflict, "grant.err.not_editable")
	}
	if d := Deadline(c, a); s.Today().After(d.Time) {
		return &apperr.Error{Code: apperr.Conflict, Msg: apperr.Msg{Key: "grant.err.deadline", Args: map[string]any{"Date": czDate(d)}}}
	}
	return nil
}

func czDate(d store.Date) string {
	return fmt.Sprintf("%d.\u00a0%d.\u00a0%d", d.Day(), d.Month(), d.Year())
}

// SaveApplication stores what the provider typed; submit also submits it
// (all the rules of a submitted application apply). The services are the
// provider's catalogue services; only those the call accepts may ask money.
// Errors: not_found, invalid, conflict (after the deadline, not editable).
func (s *Service) SaveApplication(ctx context.Context, id int64, in Application, submit bool) (*Application, error) {
	before, err := s.FindApplication(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := findCall(ctx, s.DB, before.CallID)
	if err != nil {
		return nil, err
	}
	if err := s.Editable(&c, before); err != nil {
		return nil, err
	}
	if submit && s.Today().Before(c.ApplyFrom.Time) {
		return nil, &apperr.Error{Code: apperr.Conflict, Msg: apperr.Msg{Key: "grant.err.not_open_yet", Args: map[string]any{"Date": czDate(c.ApplyFrom)}}}
	}
	catalogue, eligible, err := s.ProviderServices(ctx, &c, before.OrganisationID)
	if err != nil {
		return nil, err
	}
	// The service names and types come from the catalogue, never the form.
	byID := map[int64]AppService{}
	for _, sv := range catalogue {
		byID[sv.ServiceID] = sv
	}
	for _, sv := range before.Services {
		if _, ok := byID[sv.ServiceID]; !ok {
			byID[sv.ServiceID] = sv // a service since removed from the catalogue keeps its block
		}
	}
	var svcs []AppService
	for _, sv := range in.Services {
		cat, ok := byID[sv.ServiceID]
		if !ok {
			if sv.Empty() {
				continue
			}
			return nil, apperr.New(apperr.Invalid, "err.bad_reference")
		}
		sv.ServiceName, sv.TypeCode, sv.RegistryID = cat.ServiceName, cat.TypeCode, cat.RegistryID
		svcs = append(svcs, sv)
	}
	a := *before
	a.ContactName, a.ContactEmail, a.ContactPhone = in.ContactName, in.ContactEmail, in.ContactPhone
	a.Services, a.Narratives = svcs, in.Narratives
	if a.Narratives == nil {
		a.Narratives = map[int64]string{}
	}
	if err := a.Validate(&c, eligible, submit); err != nil {
		return nil, err
	}
	now := s.now()
	a.UpdatedAt = now
	action := "update"
	if submit {
		action = "submit"
		a.State, a.SubmittedAt = StateSubmitted, &now
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := saveAppParts(ctx, tx, &a); err != nil {
			return err
		}
		if err := updateAppHead(ctx, tx, &a); err != nil {
			return err
		}
		if submit && s.Outbox != nil {
			if err := s.mailSubmitted(ctx, tx, &c, &a); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "grant_application", EntityID: a.ID,
			Summary: fmt.Sprintf("%s – %s: %s", a.Organisation, c.Title, czk(a.Requested())), Before: before, After: &a, Personal: PersonalFields})
	})
	if err != nil {
		return nil, err
	}
	return s.FindApplication(ctx, id)
}

// AddAttachment attaches a PDF (sniffed, at most MaxAttachment bytes) to
// an application the provider may still change. Errors: invalid, conflict.
func (s *Service) AddAttachment(ctx context.Context, appID int64, name string, data []byte) error {
	a, err := s.FindApplication(ctx, appID)
	if err != nil {
		return err
	}
	c, err := findCall(ctx, s.DB, a.CallID)
	if err != nil {
		return err
	}
	if err := s.Editable(&c, a); err != nil {
		return err
	}
	f := apperr.Fields{}
	switch {
	case len(data) == 0:
		f.Add("file", "grant.err.file_missing")
	case len(data) > MaxAttachment:
		f.Add("file", "grant.err.file_too_large", "Max", "5\u00a0MB")
	case http.DetectContentType(data) != "application/pdf" || !bytes.HasPrefix(data, []byte("%PDF-")):
		f.Add("file", "grant.err.file_pdf")
	}
	if err := f.Err(); err != nil {
		return err
	}
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "" || name == "." {
		name = "priloha.pdf"
	}
	if !strings.HasSuffix(strings.ToLower(name), ".pdf") {
		name += ".pdf"
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		id, err := insertAttachment(ctx, tx, appID, name, data, s.now())
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "attach", Entity: "grant_application", EntityID: appID,
			Summary: fmt.Sprintf("%s: %s (%d B, #%d)", a.Organisation, name, len(data), id)})
	})
}

// RemoveAttachment removes an attachment while the application may change.
func (s *Service) RemoveAttachment(ctx context.Context, appID, attID int64) error {
	a, err := s.FindApplication(ctx, appID)
	if err != nil {
		return err
	}
	c, err := findCall(ctx, s.DB, a.CallID)
	if err != nil {
		return err
	}
	if err := s.Editable(&c, a); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM grant_attachments WHERE id = ? AND application_id = ?`, attID, appID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFoundErr("grant_attachment")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "detach", Entity: "grant_application", EntityID: appID,
			Summary: fmt.Sprintf("%s: #%d", a.Organisation, attID)})
	})
}

// AttachmentFile returns an attachment's application, name and bytes.
func (s *Service) AttachmentFile(ctx context.Context, id int64) (appID int64, name string, data []byte, err error) {
	err = s.DB.QueryRow(ctx, `SELECT application_id, name, data FROM grant_attachments WHERE id = ?`, id).Scan(&appID, &name, &data)
	if err != nil {
		return 0, "", nil, store.AppError(store.MapError(err), "grant_attachment")
	}
	return appID, name, data, nil
}

// Formal check decisions.
const (
	CheckPassed   = "passed"
	CheckReturned = "returned"
	CheckExcluded = "excluded"
)

// FormalCheck records the coordinator's formal check of a submitted (or
// completed) application: passed needs every check of the call ticked;
// returned needs a note and a completion deadline; excluded needs a reason.
// Errors: not_found, invalid, conflict.
func (s *Service) FormalCheck(ctx context.Context, id int64, decision string, checks []string, note string, fixUntil store.Date) (*Application, error) {
	before, err := s.FindApplication(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := findCall(ctx, s.DB, before.CallID)
	if err != nil {
		return nil, err
	}
	if before.State != StateSubmitted && before.State != StatePassed && before.State != StateExcluded {
		return nil, apperr.New(apperr.Conflict, "grant.err.not_submitted")
	}
	note = strings.TrimSpace(note)
	f := apperr.Fields{}
	var done []string
	for _, ch := range c.FormalChecks {
		if slices.Contains(checks, ch) {
			done = append(done, ch)
		}
	}
	switch decision {
	case CheckPassed:
		if len(done) != len(c.FormalChecks) {
			f.Add("checks", "grant.err.checks_missing")
		}
	case CheckReturned:
		if note == "" {
			f.Add("check_note", "grant.err.return_note")
		}
		if fixUntil.IsZero() || fixUntil.Before(s.Today().Time) {
			f.Add("fix_until", "grant.err.fix_until")
		}
	case CheckExcluded:
		if note == "" {
			f.Add("check_note", "grant.err.exclude_reason")
		}
	default:
		f.Add("decision", "grant.err.choose")
	}
	checkLen(f, "check_note", note, 2000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	a := *before
	a.State, a.ChecksDone, a.CheckNote, a.UpdatedAt = decision, done, note, s.now()
	a.FixUntil = store.Date{}
	if decision == CheckReturned {
		a.FixUntil = fixUntil
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := updateAppHead(ctx, tx, &a); err != nil {
			return err
		}
		if s.Outbox != nil && decision != CheckPassed {
			if err := s.mailChecked(ctx, tx, &c, &a); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "check", Entity: "grant_application", EntityID: id,
			Summary: fmt.Sprintf("%s – %s: %s", a.Organisation, c.Title, decision), Before: before, After: &a, Personal: PersonalFields})
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// Reopen lets the provider change a submitted application again until
// until (after the call's deadline, too), for a stated reason.
// Errors: not_found, invalid.
func (s *Service) Reopen(ctx context.Context, id int64, until store.Date, reason string) (*Application, error) {
	before, err := s.FindApplication(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := findCall(ctx, s.DB, before.CallID)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	f := apperr.Fields{}
	if reason == "" {
		f.Add("reopen_reason", "grant.err.reopen_reason")
	}
	checkLen(f, "reopen_reason", reason, 2000)
	if until.IsZero() || until.Before(s.Today().Time) {
		f.Add("reopen_until", "grant.err.reopen_until")
	}
	if c.Phase(s.Today()) == PhaseDecided {
		f.Add("reopen_until", "grant.err.decided")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	a := *before
	a.State, a.ReopenUntil, a.ReopenReason, a.UpdatedAt = StateDraft, until, reason, s.now()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := updateAppHead(ctx, tx, &a); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "reopen", Entity: "grant_application", EntityID: id,
			Summary: fmt.Sprintf("%s – %s: %s", a.Organisation, c.Title, reason), Before: before, After: &a, Personal: PersonalFields})
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

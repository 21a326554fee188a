package suggestion

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"kpss/internal/outbox"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// Service runs the rules of the agenda: who may see and change what, the
// state machine, the history, audit rows in the same transaction, e-mails to
// the citizen after the change is stored.
//
// Who the caller is comes from the context (auth.UserFrom). No user means the
// system itself (the demo loader, the CLI, scheduled jobs): the web and API
// layers always run behind a route policy, and the only public calls are
// Submit and the public views, which need no user.
type Service struct {
	DB       *store.DB
	Audit    *audit.Log
	Now      func() time.Time
	Partners *partner.Service
	Mail     mail.Sender // nil: no e-mails
	// Outbox queues the e-mails in the change's transaction; nil: Mail
	// sends them at once (unit tests).
	Outbox  *outbox.Outbox
	BaseURL string // for links in e-mails, e.g. https://kpss.otrokovice.cz
	Log     *slog.Logger
	tracer  Tracer
	plan    PlanMeasures
}

// NewService returns the service; mail may be nil.
func NewService(db *store.DB, log *audit.Log, now func() time.Time, partners *partner.Service, m mail.Sender, baseURL string, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{DB: db, Audit: log, Now: now, Partners: partners, Mail: m, BaseURL: strings.TrimSuffix(baseURL, "/"), Log: logger}
}

// SetTracer lets the groups module show the way a suggestion went through
// meetings, resolutions and tasks on its detail page.
func (s *Service) SetTracer(t Tracer) { s.tracer = t }

// Trace returns the trace of a suggestion, or nil when no tracer is set.
func (s *Service) Trace(ctx context.Context, id int64) ([]TraceStep, error) {
	if s.tracer == nil {
		return nil, nil
	}
	return s.tracer.Trace(ctx, id)
}

// PublicTrace is the part of the trace the public tracking page shows: the
// meetings and resolutions, not the tasks (nor their notes), linked only to
// public pages (PublicURL).
func (s *Service) PublicTrace(ctx context.Context, id int64) ([]TraceStep, error) {
	all, err := s.Trace(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []TraceStep
	for _, t := range all {
		if t.PublicStep() {
			t.URL = t.PublicURL
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// Today is the current date in Prague.
func (s *Service) Today() store.Date {
	t := s.Now().In(prague)
	return store.NewDate(t.Year(), t.Month(), t.Day())
}

var prague = func() *time.Location {
	l, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()

// ---------- access

// canSee reports whether u may see suggestion x with its personal data:
// staff always, an officer when it is routed to their department, the
// system (nil) always.
func canSee(u *auth.User, x *Suggestion) bool {
	if u == nil || u.IsStaff() {
		return true
	}
	return u.Is(auth.RoleOfficer) && u.DepartmentID != nil && x.DepartmentID != nil && *u.DepartmentID == *x.DepartmentID
}

// CanSee reports whether the caller of ctx may see x (and its personal data).
func CanSee(ctx context.Context, x *Suggestion) bool { return canSee(auth.UserFrom(ctx), x) }

func isStaff(ctx context.Context) bool {
	u := auth.UserFrom(ctx)
	return u == nil || u.IsStaff()
}

// ---------- categories

// Categories returns the categories in their order; all includes archived ones.
func (s *Service) Categories(ctx context.Context, all bool) ([]Category, error) {
	return findCategories(ctx, s.DB, all)
}

// CategoryByID returns a category or a NotFound error.
func (s *Service) CategoryByID(ctx context.Context, id int64) (*Category, error) {
	return findCategory(ctx, s.DB, "id = ?", id)
}

// CategoryByCode returns a category by its code (the Open311 service_code).
func (s *Service) CategoryByCode(ctx context.Context, code string) (*Category, error) {
	return findCategory(ctx, s.DB, "code = ?", code)
}

// SaveCategory creates (id 0) or updates a category.
func (s *Service) SaveCategory(ctx context.Context, id int64, c Category) (*Category, error) {
	if !isStaff(ctx) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if c.DepartmentID != nil {
			if _, err := s.Partners.FindDepartmentByID(ctx, *c.DepartmentID); err != nil {
				f := apperr.Fields{}
				f.Add("department_id", "err.bad_reference")
				return f.Err()
			}
		}
		c.UpdatedAt = s.now()
		var before *Category
		if id == 0 {
			c.CreatedAt = c.UpdatedAt
			if err := insertCategory(ctx, tx, &c); err != nil {
				return dupCode(err)
			}
		} else {
			b, err := findCategory(ctx, tx, "id = ?", id)
			if err != nil {
				return err
			}
			before = b
			c.ID, c.CreatedAt = id, b.CreatedAt
			if err := updateCategory(ctx, tx, &c); err != nil {
				return dupCode(err)
			}
		}
		action := "create"
		if before != nil {
			action = "update"
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "suggestion_category", EntityID: c.ID, Summary: c.Name, Before: before, After: &c})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func dupCode(err error) error {
	if errors.Is(err, store.ErrDuplicate) {
		f := apperr.Fields{}
		f.Add("code", "suggestion.err.category_code_taken")
		return f.Err()
	}
	return err
}

// ---------- creating

// codeAlphabet has no letters people confuse (0/O, 1/I/L) — the code is read
// out over the phone.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// NewCode returns a random tracking code of 10 characters (≈ 49 bits).
func NewCode() string {
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NormalizeCode uppercases a typed code and drops spaces and dashes.
func NormalizeCode(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	return strings.NewReplacer(" ", "", "-", "").Replace(c)
}

// Submit stores a citizen's suggestion from the public form (or Open311):
// the source is the web. It e-mails the tracking code when an e-mail is given.
//
// The municipality may be left out: it is told from the address or the
// point (Locate), or else the suggestion waits in the coordinator's inbox
// as "obec nezjištěna". Some place is needed though: a municipality, a
// point or an address.
func (s *Service) Submit(ctx context.Context, in Input) (*Suggestion, error) {
	in.Source = SourceWeb
	in.ReceivedAt = time.Time{}
	if in.MunicipalityID <= 0 && (in.Lat == nil || in.Lng == nil) && strings.TrimSpace(in.Address) == "" {
		f := apperr.Fields{}
		f.Add("municipality_id", "suggestion.err.municipality_or_place")
		if err := in.Validate(); err != nil {
			e, _ := apperr.As(err)
			for k, v := range e.Fields {
				f[k] = v
			}
		}
		return nil, f.Err()
	}
	if in.MunicipalityID <= 0 {
		in.MunicipalityID = 0
		if err := s.locate(ctx, &in); err != nil {
			return nil, err
		}
	}
	return s.create(ctx, in)
}

// Create stores a suggestion the coordinator enters (from a meeting, a phone
// call, an e-mail), with its source and possibly an older date received.
func (s *Service) Create(ctx context.Context, in Input) (*Suggestion, error) {
	if !isStaff(ctx) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if in.MunicipalityID <= 0 {
		// The coordinator knows the municipality of what they enter.
		f := apperr.Fields{}
		f.Add("municipality_id", "suggestion.err.municipality_required")
		if err := in.Validate(); err != nil {
			e, _ := apperr.As(err)
			for k, v := range e.Fields {
				f[k] = v
			}
		}
		return nil, f.Err()
	}
	return s.create(ctx, in)
}

func (s *Service) create(ctx context.Context, in Input) (*Suggestion, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var photo []byte
	var photoType string
	if len(in.Photo) > 0 {
		var err error
		photo, photoType, err = CleanPhoto(in.Photo)
		if err != nil {
			return nil, err
		}
	}
	now := s.now()
	x := Suggestion{Code: NewCode(), Text: in.Text, CategoryID: in.CategoryID, MunicipalityID: in.MunicipalityID, TargetGroupID: in.TargetGroupID,
		Address: in.Address, Lat: in.Lat, Lng: in.Lng, LocationPrivate: in.LocationPrivate, Source: in.Source, State: StateNew,
		ContactName: in.ContactName, ContactEmail: in.ContactEmail, ContactPhone: in.ContactPhone, HasPhoto: photo != nil, Lang: langOf(in.Lang),
		ReceivedAt: now, CreatedAt: now, UpdatedAt: now}
	if !in.ReceivedAt.IsZero() {
		if in.ReceivedAt.After(now) {
			f := apperr.Fields{}
			f.Add("received_at", "suggestion.err.future")
			return nil, f.Err()
		}
		x.ReceivedAt = in.ReceivedAt.UTC().Truncate(time.Microsecond)
	}
	if in.Consent {
		x.ConsentAt = &now
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := s.checkRefs(ctx, tx, &x); err != nil {
			return err
		}
		if err := insertSuggestion(ctx, tx, &x); err != nil {
			return err
		}
		if photo != nil {
			if err := savePhoto(ctx, tx, x.ID, photoType, photo); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, &Event{SuggestionID: x.ID, At: x.ReceivedAt, Kind: EventCreated, ToState: StateNew}); err != nil {
			return err
		}
		if err := s.mailSubmitted(ctx, tx, &x); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "suggestion", EntityID: x.ID, Summary: x.Code, After: &x, Personal: PersonalFields})
	})
	if err != nil {
		return nil, err
	}
	return &x, nil
}

// checkRefs checks that the category, municipality and target group exist.
func (s *Service) checkRefs(ctx context.Context, q store.Q, x *Suggestion) error {
	f := apperr.Fields{}
	for _, c := range []struct {
		field, table string
		id           int64
	}{{"category_id", "suggestion_categories", x.CategoryID}, {"municipality_id", "municipalities", x.MunicipalityID}} {
		if c.field == "municipality_id" && c.id == 0 {
			continue // not known yet: the coordinator assigns it
		}
		if ok, err := exists(ctx, q, c.table, c.id); err != nil {
			return err
		} else if !ok {
			f.Add(c.field, "err.bad_reference")
		}
	}
	if x.TargetGroupID != nil {
		if ok, err := exists(ctx, q, "target_groups", *x.TargetGroupID); err != nil {
			return err
		} else if !ok {
			f.Add("target_group_id", "err.bad_reference")
		}
	}
	return f.Err()
}

func exists(ctx context.Context, q store.Q, table string, id int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

// event writes a history entry; the actor comes from the context.
func (s *Service) event(ctx context.Context, q store.Q, e *Event) error {
	a := audit.ActorFrom(ctx)
	if a.ID != 0 {
		id := a.ID
		e.ActorID = &id
	}
	e.ActorName = a.Name
	if u := auth.UserFrom(ctx); u != nil {
		e.ActorName = u.DisplayName()
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	return insertEvent(ctx, q, e)
}

// ---------- reading

// FindByID returns a suggestion the caller may see; for anyone else it does
// not exist (NotFound), so an officer cannot probe other departments' ids.
func (s *Service) FindByID(ctx context.Context, id int64) (*Suggestion, error) {
	x, err := findSuggestion(ctx, s.DB, "s.id = ?", id)
	if err != nil {
		return nil, err
	}
	if !CanSee(ctx, x) {
		return nil, apperr.NotFoundErr("suggestion")
	}
	return x, nil
}

// FindByCode returns a suggestion by its tracking code, for the public
// tracking page: callers must show only its public view (Public).
func (s *Service) FindByCode(ctx context.Context, code string) (*Suggestion, error) {
	code = NormalizeCode(code)
	if len(code) != 10 {
		return nil, apperr.NotFoundErr("suggestion")
	}
	return findSuggestion(ctx, s.DB, "s.code = ?", code)
}

// Find lists suggestions for the caller: an officer sees only their
// department's, staff see all. Others may not list.
func (s *Service) Find(ctx context.Context, f Filter) ([]Suggestion, int, error) {
	u := auth.UserFrom(ctx)
	switch {
	case u == nil || u.IsStaff():
	case u.Is(auth.RoleOfficer) && u.DepartmentID != nil:
		f.DepartmentID = *u.DepartmentID
		f.Unrouted = false
	default:
		return nil, 0, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	f.Today = s.Today()
	return findSuggestions(ctx, s.DB, f)
}

// FindPublic lists suggestions for the public (Open311): callers must show
// only their public views.
func (s *Service) FindPublic(ctx context.Context, f Filter) ([]Suggestion, int, error) {
	f.Today = s.Today()
	return findSuggestions(ctx, s.DB, f)
}

// Events returns the history of a suggestion (the caller checked access).
func (s *Service) Events(ctx context.Context, id int64) ([]Event, error) {
	return findEvents(ctx, s.DB, id)
}

// PublicEvents returns the part of the history the tracking page shows,
// without internal notes and names of officials.
func (s *Service) PublicEvents(ctx context.Context, id int64) ([]Event, error) {
	all, err := findEvents(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, e := range all {
		if e.Public() {
			e.InternalNote, e.ActorName, e.ActorID = "", "", nil
			out = append(out, e)
		}
	}
	return out, nil
}

// Photo returns the photo of a suggestion the caller may see.
func (s *Service) Photo(ctx context.Context, id int64) (string, []byte, error) {
	if _, err := s.FindByID(ctx, id); err != nil {
		return "", nil, err
	}
	return findPhoto(ctx, s.DB, id)
}

// ---------- changing

// mutate loads the suggestion in a transaction, checks the caller may see it,
// runs fn and writes the audit row.
func (s *Service) mutate(ctx context.Context, id int64, action string, fn func(tx *store.Tx, x *Suggestion) error) (*Suggestion, *Suggestion, error) {
	var before, after Suggestion
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		x, err := findSuggestion(ctx, tx, "s.id = ?", id)
		if err != nil {
			return err
		}
		if !CanSee(ctx, x) {
			return apperr.NotFoundErr("suggestion")
		}
		before = *x
		if err := fn(tx, x); err != nil {
			return err
		}
		x.UpdatedAt = s.now()
		if err := updateSuggestion(ctx, tx, x); err != nil {
			return err
		}
		if err := tallyChange(ctx, tx, &before, x); err != nil {
			return err
		}
		after = *x
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "suggestion", EntityID: x.ID, Summary: x.Code, Before: &before, After: &after, Personal: PersonalFields})
	})
	if err != nil {
		return nil, nil, err
	}
	return &before, &after, nil
}

// Route sends a suggestion to a department with a due date (staff only). It
// may be rerouted while open.
func (s *Service) Route(ctx context.Context, id, departmentID int64, due store.Date, note string) (*Suggestion, error) {
	if !isStaff(ctx) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	f := apperr.Fields{}
	if departmentID <= 0 {
		f.Add("department_id", "suggestion.err.department_required")
	}
	if due.IsZero() {
		f.Add("due_date", "suggestion.err.due_required")
	} else if due.Before(s.Today().Time) {
		f.Add("due_date", "suggestion.err.due_past")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	_, after, err := s.mutate(ctx, id, "route", func(tx *store.Tx, x *Suggestion) error {
		if !x.State.Open() {
			return apperr.New(apperr.Conflict, "suggestion.err.route_closed")
		}
		if ok, err := exists(ctx, tx, "departments", departmentID); err != nil {
			return err
		} else if !ok {
			f.Add("department_id", "err.bad_reference")
			return f.Err()
		}
		x.DepartmentID, x.DueDate = &departmentID, Day{due}
		return s.event(ctx, tx, &Event{SuggestionID: x.ID, Kind: EventRoute, DepartmentID: &departmentID, DueDate: Day{due}, InternalNote: strings.TrimSpace(note)})
	})
	return after, err
}

// SetMunicipality assigns the municipality of a suggestion (staff only):
// one whose municipality could not be told ("obec nezjištěna"), or one
// filed under the wrong one. The history says which.
func (s *Service) SetMunicipality(ctx context.Context, id, municipalityID int64) (*Suggestion, error) {
	if !isStaff(ctx) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	f := apperr.Fields{}
	if municipalityID <= 0 {
		f.Add("municipality_id", "suggestion.err.municipality_required")
		return nil, f.Err()
	}
	var name string
	if err := s.DB.QueryRow(ctx, `SELECT name FROM municipalities WHERE id = ?`, municipalityID).Scan(&name); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			f.Add("municipality_id", "err.bad_reference")
			return nil, f.Err()
		}
		return nil, err
	}
	_, after, err := s.mutate(ctx, id, "municipality", func(tx *store.Tx, x *Suggestion) error {
		x.MunicipalityID = municipalityID
		return s.event(ctx, tx, &Event{SuggestionID: x.ID, Kind: EventNote, InternalNote: "Obec: " + name})
	})
	return after, err
}

// SetQuickWin flags (or unflags) what can be solved right away (staff only).
func (s *Service) SetQuickWin(ctx context.Context, id int64, on bool) (*Suggestion, error) {
	if !isStaff(ctx) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	_, after, err := s.mutate(ctx, id, "quick_win", func(tx *store.Tx, x *Suggestion) error {
		x.QuickWin = on
		note := "ano"
		if !on {
			note = "ne"
		}
		return s.event(ctx, tx, &Event{SuggestionID: x.ID, Kind: EventQuickWin, InternalNote: note})
	})
	return after, err
}

// AddNote adds a public answer and/or an internal note without a change of state.
func (s *Service) AddNote(ctx context.Context, id int64, public, internal string) (*Suggestion, error) {
	public, internal = strings.TrimSpace(public), strings.TrimSpace(internal)
	if public == "" && internal == "" {
		f := apperr.Fields{}
		f.Add("public_note", "suggestion.err.note_required")
		return nil, f.Err()
	}
	f := apperr.Fields{}
	checkLen(f, "public_note", public, 5000)
	checkLen(f, "internal_note", internal, 5000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	_, after, err := s.mutate(ctx, id, "note", func(tx *store.Tx, x *Suggestion) error {
		if public != "" {
			if err := s.mailNote(ctx, tx, x, public); err != nil {
				return err
			}
		}
		return s.event(ctx, tx, &Event{SuggestionID: x.ID, Kind: EventNote, PublicNote: public, InternalNote: internal})
	})
	return after, err
}

// Transition changes the state by an action, checking the state machine and
// who may take it: an officer of the routed department may accept, start,
// resolve and return; the rest is the coordinator's.
func (s *Service) Transition(ctx context.Context, id int64, c Change) (*Suggestion, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if StaffOnly(c.Action) && !isStaff(ctx) {
		return nil, apperr.New(apperr.Forbidden, "suggestion.err.staff_only")
	}
	if c.Action == ActRefer {
		if err := s.referTo(ctx, &c); err != nil {
			return nil, err
		}
	}
	var target *Suggestion
	_, after, err := s.mutate(ctx, id, "transition:"+string(c.Action), func(tx *store.Tx, x *Suggestion) error {
		to, ok := Allowed(x.State, c.Action)
		if !ok {
			return &apperr.Error{Code: apperr.Conflict, Msg: apperr.Msg{Key: "suggestion.err.transition"}}
		}
		if !isStaff(ctx) && x.DepartmentID == nil {
			return apperr.New(apperr.Forbidden, "err.forbidden")
		}
		from := x.State
		x.State = to
		now := s.now()
		switch c.Action {
		case ActResolve, ActClose:
			x.PublicNote = c.PublicNote
		case ActReject:
			x.PublicNote, x.RedirectTo = c.PublicNote, c.RedirectTo
		case ActRefer:
			x.PlanRef = c.PlanRef
			x.PlanMeasureID = nil
			if c.PlanMeasure > 0 {
				m := c.PlanMeasure
				x.PlanMeasureID = &m
			}
			x.PublicNote = c.PublicNote
		case ActDuplicate:
			t, err := s.resolveRef(ctx, tx, c.DuplicateOf)
			if err != nil {
				return err
			}
			if t.ID == x.ID || t.State == StateDuplicate {
				f := apperr.Fields{}
				f.Add("duplicate_of", "suggestion.err.duplicate_self")
				return f.Err()
			}
			target = t
			x.DuplicateOf = &t.ID
			if c.PublicNote == "" {
				c.PublicNote = "Stejný podnět už řešíme pod kódem " + t.Code + "."
			}
			x.PublicNote = c.PublicNote
			if err := s.event(ctx, tx, &Event{SuggestionID: t.ID, Kind: EventMerged, InternalNote: "Sloučen duplicitní podnět " + x.Code + "."}); err != nil {
				return err
			}
		case ActReturn:
			x.DepartmentID, x.DueDate = nil, Day{}
		case ActReopen:
			x.PublicNote, x.RedirectTo, x.DuplicateOf = "", "", nil
			x.PlanRef, x.PlanMeasureID = "", nil
		}
		if to.Open() {
			x.ClosedAt, x.DaysToClose = nil, nil
		} else {
			x.ClosedAt = &now
			d := int64(now.Sub(x.ReceivedAt).Hours() / 24)
			if d < 0 {
				d = 0
			}
			x.DaysToClose = &d
		}
		if from != to {
			if err := s.mailState(ctx, tx, x, target); err != nil {
				return err
			}
		}
		return s.event(ctx, tx, &Event{SuggestionID: x.ID, Kind: EventState, FromState: from, ToState: to, PublicNote: c.PublicNote, InternalNote: c.InternalNote})
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// resolveRef finds a suggestion by its tracking code or number ("#12", "12").
func (s *Service) resolveRef(ctx context.Context, q store.Q, ref string) (*Suggestion, error) {
	ref = strings.TrimPrefix(strings.TrimSpace(ref), "#")
	var x *Suggestion
	var err error
	if n, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		x, err = findSuggestion(ctx, q, "s.id = ?", n)
	} else {
		x, err = findSuggestion(ctx, q, "s.code = ?", NormalizeCode(ref))
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			f := apperr.Fields{}
			f.Add("duplicate_of", "suggestion.err.duplicate_unknown")
			return nil, f.Err()
		}
		return nil, err
	}
	return x, nil
}

// TrackingURL is the public page of a code.
func (s *Service) TrackingURL(code string) string { return s.BaseURL + "/podnet/" + code }

// send queues m in the shared outbox in q's transaction (delivered after
// the commit, retried through an SMTP outage). Without an outbox (the
// module's unit tests) it is sent at once and a failure only logged.
func (s *Service) send(ctx context.Context, q store.Q, kind, ref string, m mail.Message) error {
	if s.Outbox != nil {
		return s.Outbox.Enqueue(ctx, q, outbox.Message{Module: "suggestion", Kind: kind, Ref: ref, Mail: m})
	}
	if s.Mail == nil {
		return nil
	}
	if err := s.Mail.Send(ctx, m); err != nil {
		s.Log.Error("suggestion: e-mail not sent", "subject", m.Subject, "err", err)
	}
	return nil
}

func suggestionRef(x *Suggestion) string { return "suggestion:" + strconv.FormatInt(x.ID, 10) }

// mailText is the catalog of the citizen's e-mails (this module's messages).
var mailText = sync.OnceValue(func() *i18n.Catalog {
	c := i18n.NewCatalog()
	if err := c.Load(files, "i18n"); err != nil {
		panic(err) // embedded and tested
	}
	return c
})

// mailer is the localizer of a suggestion's citizen: the language they wrote in.
func mailer(x *Suggestion) *i18n.Localizer { return mailText().For(langOf(x.Lang)) }

func mailDate(l *i18n.Localizer, t time.Time) string {
	return strings.ReplaceAll(l.Date(t), "\u00a0", " ")
}

func (s *Service) mailSubmitted(ctx context.Context, q store.Q, x *Suggestion) error {
	if x.ContactEmail == "" {
		return nil
	}
	l := mailer(x)
	body := l.T("suggestion.mail.submitted.body", "Date", mailDate(l, x.ReceivedAt), "Code", x.Code, "URL", s.TrackingURL(x.Code))
	return s.send(ctx, q, "submitted", suggestionRef(x), mail.Message{To: []string{x.ContactEmail}, Subject: l.T("suggestion.mail.submitted.subject", "Code", x.Code),
		Text: body + "\n\n" + l.T("suggestion.mail.signature") + "\n\n---\n" + Shorten(x.Text, 300) + "\n"})
}

func (s *Service) mailState(ctx context.Context, q store.Q, x *Suggestion, target *Suggestion) error {
	if x.ContactEmail == "" {
		return nil
	}
	l := mailer(x)
	state := l.T("suggestion.mail.state_name." + string(x.State))
	var b strings.Builder
	b.WriteString(l.T("suggestion.mail.state.body", "Code", x.Code, "State", state) + "\n")
	if x.PublicNote != "" {
		fmt.Fprintf(&b, "\n%s\n", x.PublicNote)
	}
	if x.RedirectTo != "" {
		fmt.Fprintf(&b, "\n%s\n", l.T("suggestion.mail.state.redirect", "Where", x.RedirectTo))
	}
	if x.PlanRef != "" {
		fmt.Fprintf(&b, "\n%s\n", l.T("suggestion.mail.state.plan", "Plan", x.PlanRef))
	}
	if target != nil {
		fmt.Fprintf(&b, "\n%s\n", l.T("suggestion.mail.state.duplicate", "Code", target.Code, "URL", s.TrackingURL(target.Code)))
	}
	fmt.Fprintf(&b, "\n%s\n\n%s\n", l.T("suggestion.mail.details", "URL", s.TrackingURL(x.Code)), l.T("suggestion.mail.signature"))
	return s.send(ctx, q, "state", suggestionRef(x), mail.Message{To: []string{x.ContactEmail}, Subject: l.T("suggestion.mail.state.subject", "Code", x.Code, "State", state), Text: b.String()})
}

func (s *Service) mailNote(ctx context.Context, q store.Q, x *Suggestion, note string) error {
	if x.ContactEmail == "" {
		return nil
	}
	l := mailer(x)
	return s.send(ctx, q, "note", suggestionRef(x), mail.Message{To: []string{x.ContactEmail}, Subject: l.T("suggestion.mail.note.subject", "Code", x.Code),
		Text: l.T("suggestion.mail.note.body", "Code", x.Code, "Note", note) + "\n\n" + l.T("suggestion.mail.details", "URL", s.TrackingURL(x.Code)) +
			"\n\n" + l.T("suggestion.mail.signature") + "\n"})
}

func czDate(t time.Time) string {
	t = t.In(prague)
	return fmt.Sprintf("%d. %d. %d", t.Day(), t.Month(), t.Year())
}

// StateNameCS is the Czech name of a state, for e-mails and exports.
func StateNameCS(st State) string {
	switch st {
	case StateNew:
		return "nový"
	case StateAccepted:
		return "přijatý odborem"
	case StateInProgress:
		return "v řešení"
	case StateResolved:
		return "vyřešený"
	case StateClosed:
		return "uzavřený bez vyřešení"
	case StateRejected:
		return "zamítnutý"
	case StateReferred:
		return "předaný do plánu"
	case StateDuplicate:
		return "duplicitní"
	}
	return string(st)
}

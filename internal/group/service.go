package group

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"kpss/internal/outbox"
	"log/slog"
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

var pragueLoc = i18n.Prague

// Ref is what an agenda item pointing elsewhere shows: a title and a link.
type Ref struct {
	Title string
	URL   string
}

// RefSource looks up things agenda items point to. The suggestions module
// fulfils it for suggestions and the plan module for measures, from their
// Init (they sit above this module); until then an item shows its number.
type RefSource interface {
	Refs(ctx context.Context, ids []int64) (map[int64]Ref, error)
}

// Service runs the rules of groups, meetings, resolutions, tasks and minutes.
// Every change writes one audit row in its transaction.
type Service struct {
	DB       *store.DB
	Audit    *audit.Log
	Now      func() time.Time
	Partners *partner.Service
	Mail     mail.Sender
	Log      *slog.Logger
	BaseURL  string
	// SiteID is the domain of calendar UIDs (ical.SiteID); MailFrom the
	// sender of the e-mails (KPSS_SMTP_FROM), the invitations' ORGANIZER.
	SiteID, MailFrom string
	// Seams to the modules above: nil until they plug in.
	Suggestions RefSource
	Measures    RefSource
	// The project window ProjectActual counts in (zero: open end).
	ProjectFrom, ProjectTo store.Date

	// Outbox is the shared outbox; nil: the module makes its own over the
	// same table (unit tests).
	Outbox  *outbox.Outbox
	boxOnce sync.Once
}

// NewService returns the groups service.
func NewService(db *store.DB, log *audit.Log, now func() time.Time, partners *partner.Service) *Service {
	return &Service{DB: db, Audit: log, Now: now, Partners: partners, Mail: &mail.Memory{}, Log: slog.Default()}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// Today is the current date in Prague.
func (s *Service) Today() store.Date {
	t := s.Now().In(pragueLoc)
	return store.NewDate(t.Year(), t.Month(), t.Day())
}

func newToken() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ---------- access

// Access is what a user may do with one group.
type Access struct {
	View     bool  // see meetings, minutes drafts, tasks
	Manage   bool  // plan meetings, agenda, attendance, resolutions, minutes (coordinator, admin, chair)
	Member   bool  // an active member (may comment on minutes, answer invitations)
	MemberID int64 // their membership, when Member
}

// AccessTo says what u may do with group groupID: staff everything; an
// active member (by the account's person) sees the group, its chair manages it.
func (s *Service) AccessTo(ctx context.Context, u *auth.User, groupID int64) (Access, error) {
	var a Access
	if u == nil || !u.Active {
		return a, nil
	}
	if u.IsStaff() {
		a.View, a.Manage = true, true
	}
	if u.PersonID == nil {
		return a, nil
	}
	day := s.Today()
	rows, err := s.DB.Query(ctx, `SELECT id, role FROM group_members WHERE group_id = ? AND person_id = ? AND joined_on <= ? AND (left_on IS NULL OR left_on > ?)`,
		groupID, *u.PersonID, day, day)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var role string
		if err := rows.Scan(&id, &role); err != nil {
			return a, err
		}
		a.View, a.Member, a.MemberID = true, true, id
		if role == RoleChair {
			a.Manage = true
		}
	}
	return a, rows.Err()
}

// GroupIDsOf lists the groups the person of u is an active member of.
func (s *Service) GroupIDsOf(ctx context.Context, u *auth.User) ([]int64, error) {
	out := []int64{}
	if u == nil || u.PersonID == nil {
		return out, nil
	}
	day := s.Today()
	rows, err := s.DB.Query(ctx, `SELECT DISTINCT group_id FROM group_members WHERE person_id = ? AND joined_on <= ? AND (left_on IS NULL OR left_on > ?)`, *u.PersonID, day, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// MeetingGroup returns the group of meeting id (0 when there is no such meeting).
func (s *Service) MeetingGroup(ctx context.Context, id int64) (int64, error) {
	var g int64
	err := s.DB.QueryRow(ctx, `SELECT group_id FROM meetings WHERE id = ?`, id).Scan(&g)
	if errors.Is(store.MapError(err), store.ErrNotFound) {
		return 0, nil
	}
	return g, err
}

// ---------- groups

// FindGroups lists the groups with their count of active members, the
// steering group first; all includes archived ones.
func (s *Service) FindGroups(ctx context.Context, all bool) ([]Group, error) {
	return findGroups(ctx, s.DB, s.Today(), all)
}

// FindGroupByID returns one group or a not-found error.
func (s *Service) FindGroupByID(ctx context.Context, id int64) (*Group, error) {
	g, err := findGroup(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	var n int
	day := s.Today()
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM group_members WHERE group_id = ? AND joined_on <= ? AND (left_on IS NULL OR left_on > ?)`, id, day, day).Scan(&n); err != nil {
		return nil, err
	}
	g.ActiveMembers = n
	return &g, nil
}

// deriveCode fills an empty code: ŘS for the steering group, PS-<target
// group code> for a working group.
func (s *Service) deriveCode(ctx context.Context, g *Group) error {
	if g.Code != "" {
		return nil
	}
	f := apperr.Fields{}
	switch {
	case g.Kind == KindSteering:
		g.Code = "ŘS"
	case g.TargetGroupID != nil:
		tg, err := s.Partners.FindTargetGroupByID(ctx, *g.TargetGroupID)
		if err != nil {
			if apperr.CodeOf(err) == apperr.NotFound {
				f.Add("target_group_id", "err.bad_reference")
				return f.Err()
			}
			return err
		}
		g.Code = "PS-" + tg.Code
	default:
		f.Add("code", "err.required")
		return f.Err()
	}
	return nil
}

func codeTaken(err error) error {
	if errors.Is(err, store.ErrDuplicate) {
		f := apperr.Fields{}
		f.Add("code", "group.err.code_taken")
		return f.Err()
	}
	if errors.Is(err, store.ErrReferenced) {
		f := apperr.Fields{}
		f.Add("target_group_id", "err.bad_reference")
		return f.Err()
	}
	return err
}

// CreateGroup validates and stores a new group; an empty code is derived.
func (s *Service) CreateGroup(ctx context.Context, g Group) (*Group, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := s.deriveCode(ctx, &g); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		g.CreatedAt, g.UpdatedAt, g.Archived = s.now(), s.now(), false
		if err := insertGroup(ctx, tx, &g); err != nil {
			return codeTaken(err)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "work_group", EntityID: g.ID, Summary: g.Name, After: &g})
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// UpdateGroup replaces the editable fields of group id.
func (s *Service) UpdateGroup(ctx context.Context, id int64, g Group) (*Group, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := s.deriveCode(ctx, &g); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findGroup(ctx, tx, id)
		if err != nil {
			return err
		}
		g.ID, g.CreatedAt, g.Archived, g.UpdatedAt = id, before.CreatedAt, before.Archived, s.now()
		if err := updateGroup(ctx, tx, &g); err != nil {
			return codeTaken(err)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "work_group", EntityID: id, Summary: g.Name, Before: &before, After: &g})
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// SetGroupArchived archives or restores a group.
func (s *Service) SetGroupArchived(ctx context.Context, id int64, archived bool) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findGroup(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Archived == archived {
			return nil
		}
		g := before
		g.Archived, g.UpdatedAt = archived, s.now()
		if err := updateGroup(ctx, tx, &g); err != nil {
			return err
		}
		action := "restore"
		if archived {
			action = "archive"
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "work_group", EntityID: id, Summary: g.Name, Before: &before, After: &g})
	})
}

// ---------- members

// people returns every person of the registry by id (one query), for names.
func (s *Service) people(ctx context.Context) (map[int64]partner.Person, error) {
	ps, _, err := s.Partners.FindPeople(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]partner.Person, len(ps))
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// fillMembers adds names of people, organisations and municipalities with
// a fixed number of queries.
func (s *Service) fillMembers(ctx context.Context, ms []Member) error {
	if len(ms) == 0 {
		return nil
	}
	people, err := s.people(ctx)
	if err != nil {
		return err
	}
	var orgIDs []int64
	for _, m := range ms {
		if m.OrganisationID != nil {
			orgIDs = append(orgIDs, *m.OrganisationID)
		}
	}
	orgs, err := s.Partners.OrganisationNames(ctx, orgIDs...)
	if err != nil {
		return err
	}
	munis, err := s.Partners.MunicipalityNames(ctx)
	if err != nil {
		return err
	}
	for i := range ms {
		p := people[ms[i].PersonID]
		ms[i].Name, ms[i].Email = p.Name, p.Email
		if ms[i].Name == "" {
			ms[i].Name = "#" + itoa(ms[i].PersonID)
		}
		if ms[i].OrganisationID != nil {
			ms[i].Organisation = orgs[*ms[i].OrganisationID]
		}
		if ms[i].MunicipalityID != nil {
			ms[i].Municipality = munis[*ms[i].MunicipalityID]
		}
	}
	return nil
}

// FindMembers lists every membership of a group (past ones too), chair first,
// with names.
func (s *Service) FindMembers(ctx context.Context, groupID int64) ([]Member, error) {
	ms, err := findMembers(ctx, s.DB, groupID)
	if err != nil {
		return nil, err
	}
	return ms, s.fillMembers(ctx, ms)
}

// ActiveMembers lists the memberships lasting on day.
func ActiveMembers(ms []Member, day store.Date) []Member {
	out := []Member{}
	for _, m := range ms {
		if m.Active(day) {
			out = append(out, m)
		}
	}
	return out
}

// FindMemberByID returns one membership.
func (s *Service) FindMemberByID(ctx context.Context, id int64) (*Member, error) {
	m, err := findMember(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	ms := []Member{m}
	if err := s.fillMembers(ctx, ms); err != nil {
		return nil, err
	}
	return &ms[0], nil
}

func (s *Service) checkMemberRefs(ctx context.Context, m *Member) error {
	f := apperr.Fields{}
	if _, err := s.Partners.FindPersonByID(ctx, m.PersonID); err != nil {
		if apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		f.Add("person_id", "err.bad_reference")
	}
	if m.OrganisationID != nil {
		if _, err := s.Partners.FindOrganisationByID(ctx, *m.OrganisationID); err != nil {
			if apperr.CodeOf(err) != apperr.NotFound {
				return err
			}
			f.Add("organisation_id", "err.bad_reference")
		}
	}
	if m.MunicipalityID != nil {
		if _, err := s.Partners.FindMunicipalityByID(ctx, *m.MunicipalityID); err != nil {
			if apperr.CodeOf(err) != apperr.NotFound {
				return err
			}
			f.Add("municipality_id", "err.bad_reference")
		}
	}
	return f.Err()
}

// AddMember adds a person to a group; a person already an active member
// cannot join twice.
func (s *Service) AddMember(ctx context.Context, m Member) (*Member, error) {
	if m.JoinedOn.IsZero() {
		m.JoinedOn = s.Today()
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkMemberRefs(ctx, &m); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, err := findGroup(ctx, tx, m.GroupID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM group_members WHERE group_id = ? AND person_id = ? AND left_on IS NULL`, m.GroupID, m.PersonID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			f := apperr.Fields{}
			f.Add("person_id", "group.err.already_member")
			return f.Err()
		}
		m.CreatedAt, m.UpdatedAt = s.now(), s.now()
		if err := insertMember(ctx, tx, &m); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "group_member", EntityID: m.ID, Summary: g.Code, After: &m})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// UpdateMember changes a membership (role, whom the member represents, the
// dates); ending it sets LeftOn and keeps the row.
func (s *Service) UpdateMember(ctx context.Context, id int64, m Member) (*Member, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkMemberRefs(ctx, &m); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findMember(ctx, tx, id)
		if err != nil {
			return err
		}
		m.ID, m.GroupID, m.PersonID, m.CreatedAt, m.UpdatedAt = id, before.GroupID, before.PersonID, before.CreatedAt, s.now()
		if err := updateMember(ctx, tx, &m); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "group_member", EntityID: id, Before: &before, After: &m})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// EndMember ends a membership on day (history kept).
func (s *Service) EndMember(ctx context.Context, id int64, day store.Date) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findMember(ctx, tx, id)
		if err != nil {
			return err
		}
		if !before.LeftOn.IsZero() {
			return nil
		}
		m := before
		if day.Before(m.JoinedOn.Time) {
			day = m.JoinedOn
		}
		m.LeftOn, m.UpdatedAt = day, s.now()
		if err := updateMember(ctx, tx, &m); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "member_end", Entity: "group_member", EntityID: id, Before: &before, After: &m})
	})
}

// ---------- places

// FindPlaces lists the meeting places, active first.
func (s *Service) FindPlaces(ctx context.Context) ([]Place, error) { return findPlaces(ctx, s.DB) }

// FindPlaceByID returns one place.
func (s *Service) FindPlaceByID(ctx context.Context, id int64) (*Place, error) {
	p, err := findPlace(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// SavePlace creates (ID 0) or updates a place.
func (s *Service) SavePlace(ctx context.Context, p Place) (*Place, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var before *Place
		action := "create"
		if p.ID != 0 {
			b, err := findPlace(ctx, tx, p.ID)
			if err != nil {
				return err
			}
			before, action = &b, "update"
			p.CreatedAt = b.CreatedAt
		} else {
			p.CreatedAt = s.now()
		}
		p.UpdatedAt = s.now()
		if err := savePlace(ctx, tx, &p); err != nil {
			return err
		}
		var b any
		if before != nil {
			b = before
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "meeting_place", EntityID: p.ID, Summary: p.Name, Before: b, After: &p})
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func itoa(n int64) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = digits[n%10]
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

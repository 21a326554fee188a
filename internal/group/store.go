package group

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"kpss/internal/czech"
	"kpss/internal/store"
)

type scanner interface{ Scan(...any) error }

func rowsOf[T any](ctx context.Context, q store.Q, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func one[T any](ctx context.Context, q store.Q, scan func(scanner) (T, error), entity, query string, args ...any) (T, error) {
	v, err := scan(q.QueryRow(ctx, query, args...))
	if err != nil {
		var zero T
		return zero, store.AppError(store.MapError(err), entity)
	}
	return v, nil
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// ---------- groups

const groupCols = `g.id, g.kind, g.code, g.name, g.target_group_id, g.purpose, g.quorum_percent, g.public_minutes, g.archived, g.created_at, g.updated_at`

func scanGroup(s scanner) (Group, error) {
	var g Group
	err := s.Scan(&g.ID, &g.Kind, &g.Code, &g.Name, &g.TargetGroupID, &g.Purpose, &g.QuorumPercent, &g.PublicMinutes, &g.Archived, &g.CreatedAt, &g.UpdatedAt)
	return g, err
}

func scanGroupCount(s scanner) (Group, error) {
	var g Group
	err := s.Scan(&g.ID, &g.Kind, &g.Code, &g.Name, &g.TargetGroupID, &g.Purpose, &g.QuorumPercent, &g.PublicMinutes, &g.Archived, &g.CreatedAt, &g.UpdatedAt, &g.ActiveMembers)
	return g, err
}

// groupOrder puts the steering group first, then working groups by code.
const groupOrder = `CASE g.kind WHEN 'steering' THEN 0 WHEN 'working' THEN 1 ELSE 2 END, g.sort_key, g.id`

func findGroups(ctx context.Context, q store.Q, day store.Date, all bool) ([]Group, error) {
	where := "g.archived = ?"
	args := []any{day, day, false}
	if all {
		where = "1=1"
		args = args[:2]
	}
	return rowsOf(ctx, q, scanGroupCount, `SELECT `+groupCols+`,
		(SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id AND m.joined_on <= ? AND (m.left_on IS NULL OR m.left_on > ?))
		FROM work_groups g WHERE `+where+` ORDER BY `+groupOrder, args...)
}

func findGroup(ctx context.Context, q store.Q, id int64) (Group, error) {
	return one(ctx, q, scanGroup, "group", `SELECT `+groupCols+` FROM work_groups g WHERE g.id = ?`, id)
}

func groupSearch(g *Group) (string, string) {
	return czech.FoldJoin(g.Code, g.Name, g.Purpose), czech.SortKey(g.Name)
}

func insertGroup(ctx context.Context, q store.Q, g *Group) error {
	search, sortKey := groupSearch(g)
	id, err := store.InsertID(ctx, q, `INSERT INTO work_groups (kind, code, name, target_group_id, purpose, quorum_percent, public_minutes, archived, search, sort_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.Kind, g.Code, g.Name, g.TargetGroupID, g.Purpose, g.QuorumPercent, g.PublicMinutes, g.Archived, search, sortKey, g.CreatedAt, g.UpdatedAt)
	g.ID = id
	return err
}

func updateGroup(ctx context.Context, q store.Q, g *Group) error {
	search, sortKey := groupSearch(g)
	_, err := q.Exec(ctx, `UPDATE work_groups SET kind = ?, code = ?, name = ?, target_group_id = ?, purpose = ?, quorum_percent = ?, public_minutes = ?, archived = ?, search = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		g.Kind, g.Code, g.Name, g.TargetGroupID, g.Purpose, g.QuorumPercent, g.PublicMinutes, g.Archived, search, sortKey, g.UpdatedAt, g.ID)
	return err
}

// ---------- members

const memberCols = `m.id, m.group_id, m.person_id, m.role, m.organisation_id, m.municipality_id, m.represents_users, m.voting, m.joined_on, m.left_on, m.note, m.created_at, m.updated_at`

func scanMember(s scanner) (Member, error) {
	var m Member
	err := s.Scan(&m.ID, &m.GroupID, &m.PersonID, &m.Role, &m.OrganisationID, &m.MunicipalityID, &m.RepresentsUsers, &m.Voting, &m.JoinedOn, &m.LeftOn, &m.Note, &m.CreatedAt, &m.UpdatedAt)
	return m, err
}

const roleOrder = `CASE m.role WHEN 'chair' THEN 0 WHEN 'deputy' THEN 1 WHEN 'member' THEN 2 ELSE 3 END`

func findMembers(ctx context.Context, q store.Q, groupID int64) ([]Member, error) {
	return rowsOf(ctx, q, scanMember, `SELECT `+memberCols+` FROM group_members m WHERE m.group_id = ? ORDER BY `+roleOrder+`, m.id`, groupID)
}

func findMember(ctx context.Context, q store.Q, id int64) (Member, error) {
	return one(ctx, q, scanMember, "member", `SELECT `+memberCols+` FROM group_members m WHERE m.id = ?`, id)
}

func insertMember(ctx context.Context, q store.Q, m *Member) error {
	id, err := store.InsertID(ctx, q, `INSERT INTO group_members (group_id, person_id, role, organisation_id, municipality_id, represents_users, voting, joined_on, left_on, note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.GroupID, m.PersonID, m.Role, m.OrganisationID, m.MunicipalityID, m.RepresentsUsers, m.Voting, m.JoinedOn, m.LeftOn, m.Note, m.CreatedAt, m.UpdatedAt)
	m.ID = id
	return err
}

func updateMember(ctx context.Context, q store.Q, m *Member) error {
	_, err := q.Exec(ctx, `UPDATE group_members SET role = ?, organisation_id = ?, municipality_id = ?, represents_users = ?, voting = ?, joined_on = ?, left_on = ?, note = ?, updated_at = ? WHERE id = ?`,
		m.Role, m.OrganisationID, m.MunicipalityID, m.RepresentsUsers, m.Voting, m.JoinedOn, m.LeftOn, m.Note, m.UpdatedAt, m.ID)
	return err
}

// ---------- places

const placeCols = `p.id, p.name, p.address, p.wheelchair, p.induction_loop, p.accessible_toilet, p.parking, p.public_transport, p.note, p.archived, p.created_at, p.updated_at`

func scanPlace(s scanner) (Place, error) {
	var p Place
	err := s.Scan(&p.ID, &p.Name, &p.Address, &p.Wheelchair, &p.InductionLoop, &p.AccessibleToilet, &p.Parking, &p.PublicTransport, &p.Note, &p.Archived, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

func findPlaces(ctx context.Context, q store.Q) ([]Place, error) {
	return rowsOf(ctx, q, scanPlace, `SELECT `+placeCols+` FROM meeting_places p ORDER BY p.archived, p.name, p.id`)
}

func findPlace(ctx context.Context, q store.Q, id int64) (Place, error) {
	return one(ctx, q, scanPlace, "place", `SELECT `+placeCols+` FROM meeting_places p WHERE p.id = ?`, id)
}

func savePlace(ctx context.Context, q store.Q, p *Place) error {
	if p.ID == 0 {
		id, err := store.InsertID(ctx, q, `INSERT INTO meeting_places (name, address, wheelchair, induction_loop, accessible_toilet, parking, public_transport, note, archived, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Name, p.Address, p.Wheelchair, p.InductionLoop, p.AccessibleToilet, p.Parking, p.PublicTransport, p.Note, p.Archived, p.CreatedAt, p.UpdatedAt)
		p.ID = id
		return err
	}
	_, err := q.Exec(ctx, `UPDATE meeting_places SET name = ?, address = ?, wheelchair = ?, induction_loop = ?, accessible_toilet = ?, parking = ?, public_transport = ?, note = ?, archived = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.Address, p.Wheelchair, p.InductionLoop, p.AccessibleToilet, p.Parking, p.PublicTransport, p.Note, p.Archived, p.UpdatedAt, p.ID)
	return err
}

// ---------- meetings

const meetingCols = `t.id, t.group_id, t.starts_at, t.ends_at, t.place_id, t.state, t.note, t.capacity, t.sequence, t.invited_at, t.created_at, t.updated_at, g.code, g.name, COALESCE(p.name, '')`
const meetingFrom = `meetings t JOIN work_groups g ON g.id = t.group_id LEFT JOIN meeting_places p ON p.id = t.place_id`

func scanMeeting(s scanner) (Meeting, error) {
	var m Meeting
	err := s.Scan(&m.ID, &m.GroupID, &m.StartsAt, &m.EndsAt, &m.PlaceID, &m.State, &m.Note, &m.Capacity, &m.Sequence, &m.InvitedAt, &m.CreatedAt, &m.UpdatedAt, &m.GroupCode, &m.GroupName, &m.PlaceName)
	m.StartsAt, m.EndsAt = m.StartsAt.UTC(), m.EndsAt.UTC()
	return m, err
}

// MeetingFilter selects meetings.
type MeetingFilter struct {
	GroupID  int64
	GroupIDs []int64 // when set: only these groups (what a member may see)
	Year     int
	State    string
	From     time.Time
	Public   bool // only groups with public minutes
	store.Paging
}

func (f MeetingFilter) where() (string, []any) {
	w := []string{"g.archived = ?"}
	args := []any{false}
	if f.GroupID != 0 {
		w = append(w, "t.group_id = ?")
		args = append(args, f.GroupID)
	}
	if f.GroupIDs != nil {
		if len(f.GroupIDs) == 0 {
			w = append(w, "1=0")
		} else {
			w = append(w, "t.group_id IN ("+store.Placeholders(len(f.GroupIDs))+")")
			args = append(args, int64Args(f.GroupIDs)...)
		}
	}
	if f.Year != 0 {
		w = append(w, "t.starts_at >= ? AND t.starts_at < ?")
		args = append(args, time.Date(f.Year, 1, 1, 0, 0, 0, 0, pragueLoc).UTC(), time.Date(f.Year+1, 1, 1, 0, 0, 0, 0, pragueLoc).UTC())
	}
	if f.State != "" {
		w = append(w, "t.state = ?")
		args = append(args, f.State)
	}
	if !f.From.IsZero() {
		w = append(w, "t.starts_at >= ?")
		args = append(args, f.From.UTC())
	}
	if f.Public {
		w = append(w, "g.public_minutes = ?")
		args = append(args, true)
	}
	return strings.Join(w, " AND "), args
}

func findMeetings(ctx context.Context, q store.Q, f MeetingFilter) ([]Meeting, int, error) {
	cond, args := f.where()
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+meetingFrom+` WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	query := `SELECT ` + meetingCols + ` FROM ` + meetingFrom + ` WHERE ` + cond + ` ORDER BY t.starts_at, t.id`
	if f.PerPage >= 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit(), f.Offset())
	}
	out, err := rowsOf(ctx, q, scanMeeting, query, args...)
	return out, total, err
}

func findMeeting(ctx context.Context, q store.Q, id int64) (Meeting, error) {
	return one(ctx, q, scanMeeting, "meeting", `SELECT `+meetingCols+` FROM `+meetingFrom+` WHERE t.id = ?`, id)
}

func insertMeeting(ctx context.Context, q store.Q, m *Meeting) error {
	id, err := store.InsertID(ctx, q, `INSERT INTO meetings (group_id, starts_at, ends_at, place_id, state, note, capacity, sequence, invited_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.GroupID, m.StartsAt.UTC(), m.EndsAt.UTC(), m.PlaceID, m.State, m.Note, m.Capacity, m.Sequence, m.InvitedAt, m.CreatedAt, m.UpdatedAt)
	m.ID = id
	return err
}

func updateMeeting(ctx context.Context, q store.Q, m *Meeting) error {
	_, err := q.Exec(ctx, `UPDATE meetings SET starts_at = ?, ends_at = ?, place_id = ?, state = ?, note = ?, capacity = ?, sequence = ?, invited_at = ?, updated_at = ? WHERE id = ?`,
		m.StartsAt.UTC(), m.EndsAt.UTC(), m.PlaceID, m.State, m.Note, m.Capacity, m.Sequence, m.InvitedAt, m.UpdatedAt, m.ID)
	return err
}

// ---------- agenda

const itemCols = `a.id, a.meeting_id, a.position, a.kind, a.ref_id, a.title, a.body, a.carried_from_id, a.carried_to_id, a.created_at, a.updated_at`

func scanItem(s scanner) (AgendaItem, error) {
	var a AgendaItem
	err := s.Scan(&a.ID, &a.MeetingID, &a.Position, &a.Kind, &a.RefID, &a.Title, &a.Body, &a.CarriedFromID, &a.CarriedToID, &a.CreatedAt, &a.UpdatedAt)
	return a, err
}

func findItems(ctx context.Context, q store.Q, meetingID int64) ([]AgendaItem, error) {
	return rowsOf(ctx, q, scanItem, `SELECT `+itemCols+` FROM agenda_items a WHERE a.meeting_id = ? ORDER BY a.position, a.id`, meetingID)
}

func findItem(ctx context.Context, q store.Q, id int64) (AgendaItem, error) {
	return one(ctx, q, scanItem, "agenda_item", `SELECT `+itemCols+` FROM agenda_items a WHERE a.id = ?`, id)
}

func insertItem(ctx context.Context, q store.Q, a *AgendaItem) error {
	if a.Position == 0 {
		if err := q.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = ?`, a.MeetingID).Scan(&a.Position); err != nil {
			return err
		}
	}
	id, err := store.InsertID(ctx, q, `INSERT INTO agenda_items (meeting_id, position, kind, ref_id, title, body, carried_from_id, carried_to_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.MeetingID, a.Position, a.Kind, a.RefID, a.Title, a.Body, a.CarriedFromID, a.CarriedToID, a.CreatedAt, a.UpdatedAt)
	a.ID = id
	return err
}

// ---------- attendance

func findAttendance(ctx context.Context, q store.Q, meetingID int64) (map[int64]Attendance, error) {
	rows, err := q.Query(ctx, `SELECT meeting_id, member_id, status, response, responded_at FROM meeting_attendance WHERE meeting_id = ?`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Attendance{}
	for rows.Next() {
		var a Attendance
		if err := rows.Scan(&a.MeetingID, &a.MemberID, &a.Status, &a.Response, &a.RespondedAt); err != nil {
			return nil, err
		}
		out[a.MemberID] = a
	}
	return out, rows.Err()
}

func scanGuest(s scanner) (Guest, error) {
	var g Guest
	err := s.Scan(&g.ID, &g.MeetingID, &g.Name, &g.Affiliation, &g.CreatedAt)
	return g, err
}

func findGuests(ctx context.Context, q store.Q, meetingID int64) ([]Guest, error) {
	return rowsOf(ctx, q, scanGuest, `SELECT id, meeting_id, name, affiliation, created_at FROM meeting_guests WHERE meeting_id = ? ORDER BY id`, meetingID)
}

// ---------- registrations

const regCols = `id, meeting_id, name, email, kind, state, token, created_at, updated_at`

func scanReg(s scanner) (Registration, error) {
	var r Registration
	err := s.Scan(&r.ID, &r.MeetingID, &r.Name, &r.Email, &r.Kind, &r.State, &r.Token, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

func findRegistrations(ctx context.Context, q store.Q, meetingID int64) ([]Registration, error) {
	return rowsOf(ctx, q, scanReg, `SELECT `+regCols+` FROM meeting_registrations WHERE meeting_id = ? ORDER BY id`, meetingID)
}

// ---------- resolutions and tasks

// A resolution comes with the number of the one it supersedes (o) and the
// latest adopted resolution that supersedes it (x).
const resolutionCols = `r.id, r.group_id, r.meeting_id, r.agenda_item_id, r.year, r.seq, r.number, r.text, r.votes_for, r.votes_against, r.votes_abstained, r.outcome, r.created_at, r.updated_at, COALESCE(a.title, ''), t.starts_at,
	r.supersedes_id, r.supersede_kind, COALESCE(o.number, ''), x.id, COALESCE(x.number, ''), COALESCE(x.supersede_kind, '')`
const resolutionFrom = `resolutions r JOIN meetings t ON t.id = r.meeting_id LEFT JOIN agenda_items a ON a.id = r.agenda_item_id
	LEFT JOIN resolutions o ON o.id = r.supersedes_id
	LEFT JOIN resolutions x ON x.id = (SELECT MAX(y.id) FROM resolutions y WHERE y.supersedes_id = r.id AND y.outcome = 'adopted')`

func scanResolution(s scanner) (Resolution, error) {
	var r Resolution
	err := s.Scan(&r.ID, &r.GroupID, &r.MeetingID, &r.AgendaItemID, &r.Year, &r.Seq, &r.Number, &r.Text, &r.VotesFor, &r.VotesAgainst, &r.VotesAbstained, &r.Outcome, &r.CreatedAt, &r.UpdatedAt, &r.AgendaTitle, &r.MeetingAt,
		&r.SupersedesID, &r.SupersedeKind, &r.SupersedesNumber, &r.SupersededByID, &r.SupersededByNumber, &r.SupersededByKind)
	return r, err
}

const taskCols = `k.id, k.resolution_id, k.group_id, k.title, k.assignee_kind, k.assignee_id, k.due_on, k.state, k.note, k.done_on, k.created_at, k.updated_at, r.number, g.code`
const taskFrom = `resolution_tasks k JOIN resolutions r ON r.id = k.resolution_id JOIN work_groups g ON g.id = k.group_id`

func scanTask(s scanner) (Task, error) {
	var t Task
	err := s.Scan(&t.ID, &t.ResolutionID, &t.GroupID, &t.Title, &t.AssigneeKind, &t.AssigneeID, &t.DueOn, &t.State, &t.Note, &t.DoneOn, &t.CreatedAt, &t.UpdatedAt, &t.ResolutionNumber, &t.GroupCode)
	return t, err
}

// ---------- minutes

func scanMinutes(s scanner) (Minutes, error) {
	var m Minutes
	err := s.Scan(&m.MeetingID, &m.State, &m.Version, &m.Body, &m.ApprovedAt, &m.CreatedAt, &m.UpdatedAt)
	return m, err
}

func findMinutes(ctx context.Context, q store.Q, meetingID int64) (Minutes, error) {
	return one(ctx, q, scanMinutes, "minutes", `SELECT meeting_id, state, version, body, approved_at, created_at, updated_at FROM minutes WHERE meeting_id = ?`, meetingID)
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

var _ = sql.ErrNoRows

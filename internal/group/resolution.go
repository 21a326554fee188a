package group

import (
	"context"
	"fmt"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// FormatNumber writes a resolution number: ŘS/2026/07.
func FormatNumber(code string, year, seq int) string {
	return fmt.Sprintf("%s/%d/%02d", code, year, seq)
}

// nextNumber takes the next number of a group and year from the counter
// row, in the caller's transaction: the UPDATE locks the row, so concurrent
// adoptions queue and never share a number; a rolled-back adoption gives
// its number back, so there are no gaps either.
func nextNumber(ctx context.Context, tx *store.Tx, groupID int64, year int) (int, error) {
	if _, err := tx.Exec(ctx, `INSERT INTO resolution_counters (group_id, year, next) VALUES (?, ?, 1) ON CONFLICT (group_id, year) DO NOTHING`, groupID, year); err != nil {
		return 0, err
	}
	var next int
	err := tx.QueryRow(ctx, `UPDATE resolution_counters SET next = next + 1 WHERE group_id = ? AND year = ? RETURNING next`, groupID, year).Scan(&next)
	return next - 1, err
}

// ResolutionInput is a resolution with the task it may create.
type ResolutionInput struct {
	Resolution
	Task *Task // optional
}

// AdoptResolution records a resolution of a meeting with its vote and gives
// it the next number of the group and the meeting's year. A task given with
// it is created in the same transaction.
func (s *Service) AdoptResolution(ctx context.Context, in ResolutionInput) (*Resolution, error) {
	r := in.Resolution
	f := apperr.Fields{}
	if err := r.Validate(); err != nil {
		e, _ := apperr.As(err)
		for k, v := range e.Fields {
			f[k] = v
		}
	}
	if in.Task != nil {
		if err := in.Task.Validate(); err != nil {
			e, _ := apperr.As(err)
			for k, v := range e.Fields {
				f[k] = v
			}
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if in.Task != nil {
		if err := s.checkAssignee(ctx, in.Task); err != nil {
			return nil, err
		}
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := s.openMeeting(ctx, tx, r.MeetingID)
		if err != nil {
			return err
		}
		if err := checkItem(ctx, tx, &m, r.AgendaItemID); err != nil {
			return err
		}
		if err := minutesOpen(ctx, tx, m.ID); err != nil {
			return err
		}
		if err := checkSupersedes(ctx, tx, &m, &r); err != nil {
			return err
		}
		r.GroupID, r.Year = m.GroupID, m.StartsAt.In(pragueLoc).Year()
		if r.Seq, err = nextNumber(ctx, tx, m.GroupID, r.Year); err != nil {
			return err
		}
		r.Number = FormatNumber(m.GroupCode, r.Year, r.Seq)
		r.CreatedAt, r.UpdatedAt, r.MeetingAt = s.now(), s.now(), m.StartsAt
		id, err := store.InsertID(ctx, tx, `INSERT INTO resolutions (group_id, meeting_id, agenda_item_id, year, seq, number, text, votes_for, votes_against, votes_abstained, outcome,
			supersedes_id, supersede_kind, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.GroupID, r.MeetingID, r.AgendaItemID, r.Year, r.Seq, r.Number, r.Text,
			r.VotesFor, r.VotesAgainst, r.VotesAbstained, r.Outcome, r.SupersedesID, r.SupersedeKind, r.CreatedAt, r.UpdatedAt)
		if err != nil {
			return err
		}
		r.ID = id
		after := map[string]any{"resolution": &r}
		if in.Task != nil {
			t := *in.Task
			t.ResolutionID, t.GroupID, t.CreatedAt, t.UpdatedAt = r.ID, r.GroupID, s.now(), s.now()
			if err := insertTask(ctx, tx, &t); err != nil {
				return err
			}
			after["task"] = &t
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "resolution_adopt", Entity: "resolution", EntityID: r.ID, Summary: r.Number, After: after})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func checkItem(ctx context.Context, q store.Q, m *Meeting, itemID *int64) error {
	if itemID == nil {
		return nil
	}
	it, err := findItem(ctx, q, *itemID)
	if err != nil || it.MeetingID != m.ID {
		fe := apperr.Fields{}
		fe.Add("agenda_item_id", "err.bad_reference")
		return fe.Err()
	}
	return nil
}

// minutesOpen fails once the meeting's minutes have been approved: its
// resolutions are then final, and a correction is a new resolution.
func minutesOpen(ctx context.Context, q store.Q, meetingID int64) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM minutes_versions WHERE meeting_id = ?) + (SELECT COUNT(*) FROM minutes WHERE meeting_id = ? AND state = 'approved')`,
		meetingID, meetingID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return apperr.New(apperr.Conflict, "group.err.resolution_frozen")
	}
	return nil
}

// checkSupersedes checks the earlier resolution a new one annuls or amends:
// one of the same group, adopted, not annulled yet.
func checkSupersedes(ctx context.Context, q store.Q, m *Meeting, r *Resolution) error {
	if r.SupersedesID == nil {
		r.SupersedeKind = ""
		return nil
	}
	f := apperr.Fields{}
	if !oneOf(r.SupersedeKind, Annul, Amend) {
		f.Add("supersede_kind", "err.choose")
		return f.Err()
	}
	old, err := one(ctx, q, scanResolution, "resolution", `SELECT `+resolutionCols+` FROM `+resolutionFrom+` WHERE r.id = ?`, *r.SupersedesID)
	switch {
	case apperr.CodeOf(err) == apperr.NotFound || (err == nil && old.GroupID != m.GroupID):
		f.Add("supersedes_id", "err.bad_reference")
	case err != nil:
		return err
	case !old.InForce():
		f.Add("supersedes_id", "group.err.not_in_force", "Number", old.Number)
	}
	return f.Err()
}

// UpdateResolution corrects the text, the vote or the agenda item of a
// resolution while its meeting's minutes are not approved; the number stays.
func (s *Service) UpdateResolution(ctx context.Context, id int64, in Resolution) (*Resolution, error) {
	in.Outcome = strings.TrimSpace(in.Outcome)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var r Resolution
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := one(ctx, tx, scanResolution, "resolution", `SELECT `+resolutionCols+` FROM `+resolutionFrom+` WHERE r.id = ?`, id)
		if err != nil {
			return err
		}
		m, err := findMeeting(ctx, tx, before.MeetingID)
		if err != nil {
			return err
		}
		if err := minutesOpen(ctx, tx, m.ID); err != nil {
			return err
		}
		if err := checkItem(ctx, tx, &m, in.AgendaItemID); err != nil {
			return err
		}
		r = before
		r.AgendaItemID, r.Text, r.VotesFor, r.VotesAgainst, r.VotesAbstained, r.Outcome, r.UpdatedAt = in.AgendaItemID, in.Text, in.VotesFor, in.VotesAgainst, in.VotesAbstained, in.Outcome, s.now()
		if _, err := tx.Exec(ctx, `UPDATE resolutions SET agenda_item_id = ?, text = ?, votes_for = ?, votes_against = ?, votes_abstained = ?, outcome = ?, updated_at = ? WHERE id = ?`,
			r.AgendaItemID, r.Text, r.VotesFor, r.VotesAgainst, r.VotesAbstained, r.Outcome, r.UpdatedAt, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "resolution", EntityID: id, Summary: r.Number, Before: &before, After: &r})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ResolutionEditable reports whether resolutions of a meeting may still be
// corrected in place (its minutes are not approved).
func (s *Service) ResolutionEditable(ctx context.Context, meetingID int64) (bool, error) {
	err := minutesOpen(ctx, s.DB, meetingID)
	if apperr.CodeOf(err) == apperr.Conflict {
		return false, nil
	}
	return err == nil, err
}

// InForce lists a group's adopted resolutions not annulled, newest first:
// what a new resolution may annul or amend.
func (s *Service) InForce(ctx context.Context, groupID int64) ([]Resolution, error) {
	rs, err := rowsOf(ctx, s.DB, scanResolution, `SELECT `+resolutionCols+` FROM `+resolutionFrom+` WHERE r.group_id = ? AND r.outcome = 'adopted' ORDER BY r.year DESC, r.seq DESC`, groupID)
	if err != nil {
		return nil, err
	}
	out := rs[:0]
	for _, r := range rs {
		if r.InForce() {
			out = append(out, r)
		}
	}
	return out, nil
}

// Corrections lists the resolutions that annul or amend resolution id, oldest first.
func (s *Service) Corrections(ctx context.Context, id int64) ([]Resolution, error) {
	return rowsOf(ctx, s.DB, scanResolution, `SELECT `+resolutionCols+` FROM `+resolutionFrom+` WHERE r.supersedes_id = ? ORDER BY r.id`, id)
}

func insertTask(ctx context.Context, q store.Q, t *Task) error {
	id, err := store.InsertID(ctx, q, `INSERT INTO resolution_tasks (resolution_id, group_id, title, assignee_kind, assignee_id, due_on, state, note, done_on, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.ResolutionID, t.GroupID, t.Title, t.AssigneeKind, t.AssigneeID, t.DueOn, t.State, t.Note, t.DoneOn, t.CreatedAt, t.UpdatedAt)
	t.ID = id
	return err
}

func (s *Service) checkAssignee(ctx context.Context, t *Task) error {
	var err error
	switch t.AssigneeKind {
	case AssignPerson:
		_, err = s.Partners.FindPersonByID(ctx, t.AssigneeID)
	case AssignOrganisation:
		_, err = s.Partners.FindOrganisationByID(ctx, t.AssigneeID)
	case AssignDepartment:
		_, err = s.Partners.FindDepartmentByID(ctx, t.AssigneeID)
	}
	if apperr.CodeOf(err) == apperr.NotFound {
		f := apperr.Fields{}
		f.Add("assignee", "err.bad_reference")
		return f.Err()
	}
	return err
}

// FindResolutionByID returns one resolution.
func (s *Service) FindResolutionByID(ctx context.Context, id int64) (*Resolution, error) {
	r, err := one(ctx, s.DB, scanResolution, "resolution", `SELECT `+resolutionCols+` FROM `+resolutionFrom+` WHERE r.id = ?`, id)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ResolutionFilter selects resolutions.
type ResolutionFilter struct {
	GroupID   int64
	GroupIDs  []int64
	MeetingID int64
	Year      int
	store.Paging
}

// FindResolutions lists resolutions by number, newest year first.
func (s *Service) FindResolutions(ctx context.Context, f ResolutionFilter) ([]Resolution, int, error) {
	w := []string{"1=1"}
	var args []any
	if f.GroupID != 0 {
		w, args = append(w, "r.group_id = ?"), append(args, f.GroupID)
	}
	if f.GroupIDs != nil {
		if len(f.GroupIDs) == 0 {
			w = append(w, "1=0")
		} else {
			w, args = append(w, "r.group_id IN ("+store.Placeholders(len(f.GroupIDs))+")"), append(args, int64Args(f.GroupIDs)...)
		}
	}
	if f.MeetingID != 0 {
		w, args = append(w, "r.meeting_id = ?"), append(args, f.MeetingID)
	}
	if f.Year != 0 {
		w, args = append(w, "r.year = ?"), append(args, f.Year)
	}
	cond := strings.Join(w, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM resolutions r WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + resolutionCols + ` FROM ` + resolutionFrom + ` WHERE ` + cond + ` ORDER BY r.year DESC, r.group_id, r.seq`
	if f.MeetingID != 0 {
		q = `SELECT ` + resolutionCols + ` FROM ` + resolutionFrom + ` WHERE ` + cond + ` ORDER BY r.seq`
	}
	if f.PerPage >= 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit(), f.Offset())
	}
	out, err := rowsOf(ctx, s.DB, scanResolution, q, args...)
	return out, total, err
}

// ---------- tasks

// TaskFilter selects tasks.
type TaskFilter struct {
	GroupID       int64
	GroupIDs      []int64
	ResolutionID  int64
	ResolutionIDs []int64 // tasks of these resolutions
	PersonID      int64   // tasks of a person
	State         string
	store.Paging
}

// FindTasks lists tasks by deadline, with who they are for.
func (s *Service) FindTasks(ctx context.Context, f TaskFilter) ([]Task, int, error) {
	w := []string{"1=1"}
	var args []any
	if f.GroupID != 0 {
		w, args = append(w, "k.group_id = ?"), append(args, f.GroupID)
	}
	if f.GroupIDs != nil {
		if len(f.GroupIDs) == 0 {
			w = append(w, "1=0")
		} else {
			w, args = append(w, "k.group_id IN ("+store.Placeholders(len(f.GroupIDs))+")"), append(args, int64Args(f.GroupIDs)...)
		}
	}
	if f.ResolutionID != 0 {
		w, args = append(w, "k.resolution_id = ?"), append(args, f.ResolutionID)
	}
	if len(f.ResolutionIDs) > 0 {
		w, args = append(w, "k.resolution_id IN ("+store.Placeholders(len(f.ResolutionIDs))+")"), append(args, int64Args(f.ResolutionIDs)...)
	}
	if f.PersonID != 0 {
		w, args = append(w, "k.assignee_kind = 'person' AND k.assignee_id = ?"), append(args, f.PersonID)
	}
	switch f.State {
	case TaskOverdue:
		w, args = append(w, "k.state = 'open' AND k.due_on < ?"), append(args, s.Today())
	case TaskOpen, TaskDone, TaskCancelled:
		w, args = append(w, "k.state = ?"), append(args, f.State)
	}
	cond := strings.Join(w, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM resolution_tasks k WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + taskCols + ` FROM ` + taskFrom + ` WHERE ` + cond + ` ORDER BY CASE k.state WHEN 'open' THEN 0 ELSE 1 END, k.due_on, k.id`
	if f.PerPage >= 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit(), f.Offset())
	}
	out, err := rowsOf(ctx, s.DB, scanTask, q, args...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, s.fillTasks(ctx, out)
}

// fillTasks names the assignees and the shown state (fixed number of queries).
func (s *Service) fillTasks(ctx context.Context, ts []Task) error {
	if len(ts) == 0 {
		return nil
	}
	var people map[int64]partner.Person
	var orgs, depts partner.Names
	var orgIDs []int64
	for _, t := range ts {
		if t.AssigneeKind == AssignOrganisation {
			orgIDs = append(orgIDs, t.AssigneeID)
		}
	}
	var err error
	for _, t := range ts {
		switch {
		case t.AssigneeKind == AssignPerson && people == nil:
			if people, err = s.people(ctx); err != nil {
				return err
			}
		case t.AssigneeKind == AssignOrganisation && orgs == nil:
			if orgs, err = s.Partners.OrganisationNames(ctx, orgIDs...); err != nil {
				return err
			}
		case t.AssigneeKind == AssignDepartment && depts == nil:
			ds, _, err := s.Partners.FindDepartments(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
			if err != nil {
				return err
			}
			depts = partner.Names{}
			for _, d := range ds {
				depts[d.ID] = d.Name
			}
		}
	}
	day := s.Today()
	for i := range ts {
		switch ts[i].AssigneeKind {
		case AssignPerson:
			ts[i].Assignee = people[ts[i].AssigneeID].Name
		case AssignOrganisation:
			ts[i].Assignee = orgs[ts[i].AssigneeID]
		case AssignDepartment:
			ts[i].Assignee = depts[ts[i].AssigneeID]
		}
		ts[i].Shown = ts[i].ShownState(day)
	}
	return nil
}

// FindTaskByID returns one task.
func (s *Service) FindTaskByID(ctx context.Context, id int64) (*Task, error) {
	t, err := one(ctx, s.DB, scanTask, "task", `SELECT `+taskCols+` FROM `+taskFrom+` WHERE k.id = ?`, id)
	if err != nil {
		return nil, err
	}
	ts := []Task{t}
	if err := s.fillTasks(ctx, ts); err != nil {
		return nil, err
	}
	return &ts[0], nil
}

// AddTask gives a resolution another task.
func (s *Service) AddTask(ctx context.Context, t Task) (*Task, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkAssignee(ctx, &t); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := one(ctx, tx, scanResolution, "resolution", `SELECT `+resolutionCols+` FROM `+resolutionFrom+` WHERE r.id = ?`, t.ResolutionID)
		if err != nil {
			return err
		}
		t.GroupID, t.CreatedAt, t.UpdatedAt = r.GroupID, s.now(), s.now()
		if err := insertTask(ctx, tx, &t); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "resolution_task", EntityID: t.ID, Summary: r.Number, After: &t})
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// SetTaskState marks a task done, cancelled or open again, with a note.
func (s *Service) SetTaskState(ctx context.Context, id int64, state, note string) (*Task, error) {
	note = strings.TrimSpace(note)
	if !oneOf(state, TaskOpen, TaskDone, TaskCancelled) {
		f := apperr.Fields{}
		f.Add("state", "err.choose")
		return nil, f.Err()
	}
	if len([]rune(note)) > 2000 {
		f := apperr.Fields{}
		f.Add("note", "err.too_long", "Max", 2000)
		return nil, f.Err()
	}
	var t Task
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := one(ctx, tx, scanTask, "task", `SELECT `+taskCols+` FROM `+taskFrom+` WHERE k.id = ?`, id)
		if err != nil {
			return err
		}
		t = before
		t.State, t.Note, t.UpdatedAt = state, note, s.now()
		t.DoneOn = store.Date{}
		if state == TaskDone {
			t.DoneOn = s.Today()
		}
		if _, err := tx.Exec(ctx, `UPDATE resolution_tasks SET state = ?, note = ?, done_on = ?, updated_at = ? WHERE id = ?`, t.State, t.Note, t.DoneOn, t.UpdatedAt, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "resolution_task", EntityID: id, Summary: t.ResolutionNumber, Before: &before, After: &t})
	})
	if err != nil {
		return nil, err
	}
	t.Shown = t.ShownState(s.Today())
	return &t, nil
}

// Discussed is a meeting where something (a suggestion, a measure) was on
// the agenda, with the resolutions of that item: the trace the suggestions
// and plan modules show.
type Discussed struct {
	Meeting     Meeting
	ItemTitle   string
	Resolutions []Resolution
}

// DiscussedIn lists the meetings whose agenda pointed to kind/refID, with
// the resolutions adopted on those items.
func (s *Service) DiscussedIn(ctx context.Context, kind string, refID int64) ([]Discussed, error) {
	type row struct {
		item  int64
		title string
		m     Meeting
	}
	rows, err := s.DB.Query(ctx, `SELECT a.id, a.title, `+meetingCols+` FROM agenda_items a JOIN meetings t ON t.id = a.meeting_id
		JOIN work_groups g ON g.id = t.group_id LEFT JOIN meeting_places p ON p.id = t.place_id WHERE a.kind = ? AND a.ref_id = ? ORDER BY t.starts_at`, kind, refID)
	if err != nil {
		return nil, err
	}
	var found []row
	for rows.Next() {
		var r row
		var m Meeting
		if err := rows.Scan(&r.item, &r.title, &m.ID, &m.GroupID, &m.StartsAt, &m.EndsAt, &m.PlaceID, &m.State, &m.Note, &m.Capacity, &m.Sequence, &m.InvitedAt, &m.CreatedAt, &m.UpdatedAt, &m.GroupCode, &m.GroupName, &m.PlaceName); err != nil {
			rows.Close()
			return nil, err
		}
		r.m = m
		found = append(found, r)
	}
	rows.Close()
	if len(found) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(found))
	for i, f := range found {
		ids[i] = f.item
	}
	res, err := rowsOf(ctx, s.DB, scanResolution, `SELECT `+resolutionCols+` FROM `+resolutionFrom+` WHERE r.agenda_item_id IN (`+store.Placeholders(len(ids))+`) ORDER BY r.seq`, int64Args(ids)...)
	if err != nil {
		return nil, err
	}
	out := make([]Discussed, len(found))
	for i, f := range found {
		out[i] = Discussed{Meeting: f.m, ItemTitle: f.title}
		for _, r := range res {
			if r.AgendaItemID != nil && *r.AgendaItemID == f.item {
				out[i].Resolutions = append(out[i].Resolutions, r)
			}
		}
	}
	return out, nil
}

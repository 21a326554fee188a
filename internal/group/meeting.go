package group

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/store"
)

// ---------- meetings

// FindMeetings lists meetings in time order with group and place names.
func (s *Service) FindMeetings(ctx context.Context, f MeetingFilter) ([]Meeting, int, error) {
	return findMeetings(ctx, s.DB, f)
}

// FindMeetingByID returns one meeting or a not-found error.
func (s *Service) FindMeetingByID(ctx context.Context, id int64) (*Meeting, error) {
	m, err := findMeeting(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

func (s *Service) checkPlace(ctx context.Context, id *int64) error {
	if id == nil {
		return nil
	}
	if _, err := s.FindPlaceByID(ctx, *id); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			f := apperr.Fields{}
			f.Add("place_id", "err.bad_reference")
			return f.Err()
		}
		return err
	}
	return nil
}

// CreateMeeting adds one planned meeting to a group.
func (s *Service) CreateMeeting(ctx context.Context, m Meeting) (*Meeting, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkPlace(ctx, m.PlaceID); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, err := findGroup(ctx, tx, m.GroupID)
		if err != nil {
			return err
		}
		m.State, m.CreatedAt, m.UpdatedAt = StatePlanned, s.now(), s.now()
		if err := insertMeeting(ctx, tx, &m); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "group_meeting", EntityID: m.ID, Summary: g.Code, After: &m})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// UpdateMeeting changes the date, time, place, note or capacity of a meeting
// that has not been held or cancelled. A change after the invitations went
// out raises the calendar sequence, so calendars update the event. More
// capacity moves people up from the waitlist.
func (s *Service) UpdateMeeting(ctx context.Context, id int64, in Meeting) (*Meeting, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkPlace(ctx, in.PlaceID); err != nil {
		return nil, err
	}
	var m Meeting
	var promoted []Registration
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findMeeting(ctx, tx, id)
		if err != nil {
			return err
		}
		if !before.Open() {
			return apperr.New(apperr.Conflict, "group.err.meeting_closed")
		}
		m = before
		m.StartsAt, m.EndsAt, m.PlaceID, m.Note, m.Capacity = in.StartsAt, in.EndsAt, in.PlaceID, in.Note, in.Capacity
		if m.State == StateInvited && (!m.StartsAt.Equal(before.StartsAt) || !m.EndsAt.Equal(before.EndsAt) || !sameID(m.PlaceID, before.PlaceID)) {
			m.Sequence++
		}
		m.UpdatedAt = s.now()
		if err := updateMeeting(ctx, tx, &m); err != nil {
			return err
		}
		if promoted, err = s.promote(ctx, tx, &m); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "group_meeting", EntityID: id, Summary: m.GroupCode, Before: &before, After: &m})
	})
	if err != nil {
		return nil, err
	}
	if len(promoted) > 0 {
		s.Wake()
	}
	return &m, nil
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// SetMeetingState moves a meeting on: planned|invited → held | cancelled.
// (planned → invited is SendInvitations.)
func (s *Service) SetMeetingState(ctx context.Context, id int64, state string) (*Meeting, error) {
	if state != StateHeld && state != StateCancelled {
		return nil, apperr.New(apperr.Invalid, "err.choose")
	}
	var m Meeting
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findMeeting(ctx, tx, id)
		if err != nil {
			return err
		}
		if !before.Open() {
			return apperr.New(apperr.Conflict, "group.err.meeting_closed")
		}
		m = before
		m.State, m.UpdatedAt = state, s.now()
		if state == StateCancelled {
			m.Sequence++
		}
		if err := updateMeeting(ctx, tx, &m); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting_" + state, Entity: "group_meeting", EntityID: id, Summary: m.GroupCode, Before: &before, After: &m})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// PlanInput describes a year's meeting plan of a group: one meeting in each
// chosen month on the Week-th Weekday (Week -1: the last), at Start (HH:MM
// Prague time), lasting Minutes, at a place.
type PlanInput struct {
	GroupID int64
	Year    int
	Months  []int
	Weekday time.Weekday
	Week    int
	Start   string
	Minutes int
	PlaceID *int64
}

// Validate checks a plan.
func (p *PlanInput) Validate() error {
	f := apperr.Fields{}
	if p.Year < 2000 || p.Year > 2100 {
		f.Add("year", "group.err.year")
	}
	if len(p.Months) == 0 {
		f.Add("months", "group.err.months")
	}
	for _, m := range p.Months {
		if m < 1 || m > 12 {
			f.Add("months", "group.err.months")
		}
	}
	if p.Weekday < time.Monday || p.Weekday > time.Saturday {
		f.Add("weekday", "err.choose")
	}
	if p.Week != -1 && (p.Week < 1 || p.Week > 4) {
		f.Add("week", "err.choose")
	}
	if _, err := time.Parse("15:04", p.Start); err != nil {
		f.Add("start", "group.err.time")
	}
	if p.Minutes < 15 || p.Minutes > 600 {
		f.Add("minutes", "group.err.duration")
	}
	return f.Err()
}

// NthWeekday returns the week-th weekday of a month (week -1: the last).
func NthWeekday(year int, month time.Month, wd time.Weekday, week int) time.Time {
	if week == -1 {
		last := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC)
		return last.AddDate(0, 0, -((int(last.Weekday()) - int(wd) + 7) % 7))
	}
	first := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, 0, (int(wd)-int(first.Weekday())+7)%7+(week-1)*7)
}

// At returns the instant of a Prague wall-clock time on day.
func At(day time.Time, hhmm string) time.Time {
	t, _ := time.Parse("15:04", hhmm)
	return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, pragueLoc)
}

// GeneratePlan creates the planned meetings of a year; a month that already
// has a meeting of the group (not cancelled) is skipped, so running it again
// adds only what is missing. One audit row records the whole plan.
func (s *Service) GeneratePlan(ctx context.Context, p PlanInput) ([]Meeting, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkPlace(ctx, p.PlaceID); err != nil {
		return nil, err
	}
	var out []Meeting
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, err := findGroup(ctx, tx, p.GroupID)
		if err != nil {
			return err
		}
		existing, _, err := findMeetings(ctx, tx, MeetingFilter{GroupID: p.GroupID, Year: p.Year, Paging: store.Paging{PerPage: -1}})
		if err != nil {
			return err
		}
		taken := map[time.Month]bool{}
		for _, m := range existing {
			if m.State != StateCancelled {
				taken[m.StartsAt.In(pragueLoc).Month()] = true
			}
		}
		months := append([]int(nil), p.Months...)
		sort.Ints(months)
		var ids []int64
		for _, mo := range months {
			if taken[time.Month(mo)] {
				continue
			}
			taken[time.Month(mo)] = true
			day := NthWeekday(p.Year, time.Month(mo), p.Weekday, p.Week)
			start := At(day, p.Start)
			m := Meeting{GroupID: p.GroupID, StartsAt: start.UTC(), EndsAt: start.Add(time.Duration(p.Minutes) * time.Minute).UTC(),
				PlaceID: p.PlaceID, State: StatePlanned, CreatedAt: s.now(), UpdatedAt: s.now(), GroupCode: g.Code, GroupName: g.Name}
			if err := insertMeeting(ctx, tx, &m); err != nil {
				return err
			}
			out = append(out, m)
			ids = append(ids, m.ID)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting_plan", Entity: "work_group", EntityID: g.ID, Summary: fmt.Sprintf("%s %d", g.Code, p.Year),
			After: map[string]any{"year": p.Year, "meeting_ids": ids}})
	})
	return out, err
}

// NextMeeting returns the group's first planned or invited meeting from now
// on, or nil.
func (s *Service) NextMeeting(ctx context.Context, groupID int64) (*Meeting, error) {
	return nextMeeting(ctx, s.DB, groupID, s.Now(), 0)
}

func nextMeeting(ctx context.Context, q store.Q, groupID int64, from time.Time, except int64) (*Meeting, error) {
	m, err := scanMeeting(q.QueryRow(ctx, `SELECT `+meetingCols+` FROM `+meetingFrom+` WHERE t.group_id = ? AND t.state IN ('planned', 'invited') AND t.starts_at >= ? AND t.id <> ?
		ORDER BY t.starts_at, t.id LIMIT 1`, groupID, from.UTC(), except))
	if err != nil {
		if store.MapError(err) == store.ErrNotFound {
			return nil, nil
		}
		return nil, err
	}
	return &m, nil
}

// ---------- agenda

// Agenda returns a meeting's agenda in order, with the history of carried-over
// items and the titles of the things items point to.
func (s *Service) Agenda(ctx context.Context, meetingID int64) ([]AgendaItem, error) {
	items, err := findItems(ctx, s.DB, meetingID)
	if err != nil {
		return nil, err
	}
	var carried bool
	var sugg, meas, tasks []int64
	for _, it := range items {
		carried = carried || it.CarriedFromID != nil
		if it.RefID != nil {
			switch it.Kind {
			case ItemSuggestion:
				sugg = append(sugg, *it.RefID)
			case ItemMeasure:
				meas = append(meas, *it.RefID)
			case ItemTask:
				tasks = append(tasks, *it.RefID)
			}
		}
	}
	if carried {
		// Every carried item of the group at once, then walk the chains.
		rows, err := s.DB.Query(ctx, `SELECT a.id, a.meeting_id, a.carried_from_id, t.starts_at FROM agenda_items a JOIN meetings t ON t.id = a.meeting_id
			WHERE t.group_id = (SELECT group_id FROM meetings WHERE id = ?) AND (a.carried_to_id IS NOT NULL OR a.carried_from_id IS NOT NULL)`, meetingID)
		if err != nil {
			return nil, err
		}
		type link struct {
			meeting int64
			from    *int64
			at      time.Time
		}
		links := map[int64]link{}
		for rows.Next() {
			var id int64
			var l link
			if err := rows.Scan(&id, &l.meeting, &l.from, &l.at); err != nil {
				rows.Close()
				return nil, err
			}
			links[id] = l
		}
		rows.Close()
		for i := range items {
			from := items[i].CarriedFromID
			for n := 0; from != nil && n < 50; n++ {
				l, ok := links[*from]
				if !ok {
					break
				}
				items[i].History = append(items[i].History, ItemHistory{ItemID: *from, MeetingID: l.meeting, StartsAt: l.at})
				from = l.from
			}
		}
	}
	refs := map[string]map[int64]Ref{}
	for kind, src := range map[string]RefSource{ItemSuggestion: s.Suggestions, ItemMeasure: s.Measures} {
		ids := sugg
		if kind == ItemMeasure {
			ids = meas
		}
		if src == nil || len(ids) == 0 {
			continue
		}
		if refs[kind], err = src.Refs(ctx, ids); err != nil {
			return nil, err
		}
	}
	for i := range items {
		if items[i].RefID == nil {
			continue
		}
		if r, ok := refs[items[i].Kind][*items[i].RefID]; ok {
			if items[i].Title == "" || items[i].Title == "#"+itoa(*items[i].RefID) {
				items[i].Title = r.Title
			}
			if items[i].Title != r.Title {
				items[i].RefTitle = r.Title
			}
			items[i].RefLink = r.URL
		}
		if items[i].Kind == ItemTask {
			items[i].RefLink = "/ukoly/" + itoa(*items[i].RefID)
		}
	}
	return items, nil
}

func (s *Service) openMeeting(ctx context.Context, tx *store.Tx, id int64) (Meeting, error) {
	m, err := findMeeting(ctx, tx, id)
	if err != nil {
		return m, err
	}
	if m.State == StateCancelled {
		return m, apperr.New(apperr.Conflict, "group.err.meeting_closed")
	}
	return m, nil
}

// AddItem appends an item to a meeting's agenda (not to a cancelled meeting).
func (s *Service) AddItem(ctx context.Context, a AgendaItem) (*AgendaItem, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if a.Title == "" {
		a.Title = "#" + itoa(*a.RefID)
		// The title of what it points to, kept with the item for the minutes.
		if src := s.refSource(a.Kind); src != nil {
			refs, err := src.Refs(ctx, []int64{*a.RefID})
			if err != nil {
				return nil, err
			}
			r, ok := refs[*a.RefID]
			if !ok {
				f := apperr.Fields{}
				f.Add("ref_id", "err.bad_reference")
				return nil, f.Err()
			}
			a.Title = r.Title
		}
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := s.openMeeting(ctx, tx, a.MeetingID)
		if err != nil {
			return err
		}
		a.Position, a.CreatedAt, a.UpdatedAt = 0, s.now(), s.now()
		if err := insertItem(ctx, tx, &a); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "agenda_item", EntityID: a.ID, Summary: m.GroupCode + ": " + a.Title, After: &a})
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

func (s *Service) refSource(kind string) RefSource {
	switch kind {
	case ItemSuggestion:
		return s.Suggestions
	case ItemMeasure:
		return s.Measures
	}
	return nil
}

// AddSuggestionItems puts suggestions on a meeting's agenda, one item each
// titled with the suggestion's code and summary, skipping those already on
// it. It returns the items added (one audit row for them all).
func (s *Service) AddSuggestionItems(ctx context.Context, meetingID int64, ids []int64) ([]AgendaItem, error) {
	if s.Suggestions == nil || len(ids) == 0 {
		f := apperr.Fields{}
		f.Add("suggestion_ids", "group.err.suggestion_pick")
		return nil, f.Err()
	}
	refs, err := s.Suggestions.Refs(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []AgendaItem
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := s.openMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		items, err := findItems(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		on := map[int64]bool{}
		for _, it := range items {
			if it.Kind == ItemSuggestion && it.RefID != nil {
				on[*it.RefID] = true
			}
		}
		var titles []string
		for _, id := range ids {
			r, ok := refs[id]
			if !ok {
				f := apperr.Fields{}
				f.Add("suggestion_ids", "err.bad_reference")
				return f.Err()
			}
			if on[id] {
				continue
			}
			on[id] = true
			a := AgendaItem{MeetingID: meetingID, Kind: ItemSuggestion, RefID: &id, Title: r.Title, CreatedAt: s.now(), UpdatedAt: s.now()}
			if err := insertItem(ctx, tx, &a); err != nil {
				return err
			}
			out = append(out, a)
			titles = append(titles, a.Title)
		}
		if len(out) == 0 {
			return nil
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "agenda_suggestions", Entity: "group_meeting", EntityID: meetingID,
			Summary: m.GroupCode + ": " + strings.Join(titles, "; "), After: out})
	})
	return out, err
}

// MoveItem swaps an item with its neighbour above (up) or below.
func (s *Service) MoveItem(ctx context.Context, id int64, up bool) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err := findItem(ctx, tx, id)
		if err != nil {
			return err
		}
		items, err := findItems(ctx, tx, it.MeetingID)
		if err != nil {
			return err
		}
		idx := -1
		for i := range items {
			if items[i].ID == id {
				idx = i
			}
		}
		other := idx + 1
		if up {
			other = idx - 1
		}
		if other < 0 || other >= len(items) {
			return nil
		}
		// Renumber all, then swap: positions stay 1..n even after deletions.
		items[idx], items[other] = items[other], items[idx]
		for i := range items {
			if _, err := tx.Exec(ctx, `UPDATE agenda_items SET position = ?, updated_at = ? WHERE id = ?`, i+1, s.now(), items[i].ID); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "item_move", Entity: "agenda_item", EntityID: id, Summary: it.Title,
			Before: map[string]any{"position": it.Position}, After: map[string]any{"position": other + 1}})
	})
}

// RemoveItem deletes an agenda item of a meeting not yet held that no
// resolution refers to.
func (s *Service) RemoveItem(ctx context.Context, id int64) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err := findItem(ctx, tx, id)
		if err != nil {
			return err
		}
		m, err := findMeeting(ctx, tx, it.MeetingID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM resolutions WHERE agenda_item_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if !m.Open() || n > 0 || it.CarriedToID != nil {
			return apperr.New(apperr.Conflict, "group.err.item_locked")
		}
		if it.CarriedFromID != nil {
			if _, err := tx.Exec(ctx, `UPDATE agenda_items SET carried_to_id = NULL WHERE id = ?`, *it.CarriedFromID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM agenda_items WHERE id = ?`, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "item_remove", Entity: "agenda_item", EntityID: id, Summary: it.Title, Before: &it})
	})
}

// CarryOver moves an item to the group's next open meeting, keeping a link
// both ways so the item's history shows where it was discussed before.
func (s *Service) CarryOver(ctx context.Context, id int64) (*AgendaItem, error) {
	var next AgendaItem
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err := findItem(ctx, tx, id)
		if err != nil {
			return err
		}
		if it.CarriedToID != nil {
			return apperr.New(apperr.Conflict, "group.err.already_carried")
		}
		m, err := findMeeting(ctx, tx, it.MeetingID)
		if err != nil {
			return err
		}
		nm, err := nextMeeting(ctx, tx, m.GroupID, m.StartsAt.Add(time.Minute), m.ID)
		if err != nil {
			return err
		}
		if nm == nil {
			return apperr.New(apperr.Conflict, "group.err.no_next_meeting")
		}
		next = AgendaItem{MeetingID: nm.ID, Kind: it.Kind, RefID: it.RefID, Title: it.Title, Body: it.Body, CarriedFromID: &it.ID, CreatedAt: s.now(), UpdatedAt: s.now()}
		if err := insertItem(ctx, tx, &next); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE agenda_items SET carried_to_id = ?, updated_at = ? WHERE id = ?`, next.ID, s.now(), it.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "item_carry_over", Entity: "agenda_item", EntityID: it.ID, Summary: it.Title,
			After: map[string]any{"meeting_id": nm.ID, "item_id": next.ID}})
	})
	if err != nil {
		return nil, err
	}
	return &next, nil
}

// SyncOverdueTasks puts every overdue task of the group on the agenda of
// meeting (the group's next one), once. It returns how many it added.
func (s *Service) SyncOverdueTasks(ctx context.Context, meetingID int64) (int, error) {
	added := 0
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := findMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if !m.Open() {
			return nil
		}
		tasks, err := rowsOf(ctx, tx, scanTask, `SELECT `+taskCols+` FROM `+taskFrom+` WHERE k.group_id = ? AND k.state = 'open' AND k.due_on < ?
			AND NOT EXISTS (SELECT 1 FROM agenda_items a WHERE a.meeting_id = ? AND a.kind = 'task' AND a.ref_id = k.id) ORDER BY k.due_on, k.id`,
			m.GroupID, s.Today(), meetingID)
		if err != nil {
			return err
		}
		var ids []int64
		for _, t := range tasks {
			id := t.ID
			it := AgendaItem{MeetingID: meetingID, Kind: ItemTask, RefID: &id, Title: t.ResolutionNumber + ": " + t.Title, CreatedAt: s.now(), UpdatedAt: s.now()}
			if err := insertItem(ctx, tx, &it); err != nil {
				return err
			}
			ids = append(ids, t.ID)
		}
		added = len(ids)
		if added == 0 {
			return nil
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "agenda_overdue_tasks", Entity: "group_meeting", EntityID: meetingID, Summary: m.GroupCode,
			After: map[string]any{"task_ids": ids}})
	})
	return added, err
}

// SyncAllOverdue runs SyncOverdueTasks for the next meeting of every group
// (the daily job).
func (s *Service) SyncAllOverdue(ctx context.Context) error {
	groups, err := s.FindGroups(ctx, false)
	if err != nil {
		return err
	}
	for _, g := range groups {
		nm, err := s.NextMeeting(ctx, g.ID)
		if err != nil {
			return err
		}
		if nm != nil {
			if _, err := s.SyncOverdueTasks(ctx, nm.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// ---------- attendance and quorum

// Roll is the attendance of a meeting: the members active on its day with
// their status, the guests and the quorum.
type Roll struct {
	Members    []Member
	Attendance map[int64]Attendance
	Guests     []Guest
	Quorum     Quorum
}

// Quorum counts present voting members against what the group needs.
type Quorum struct {
	Voting  int  // voting members on the meeting's day
	Present int  // of them present
	Needed  int  // more than QuorumPercent % of Voting
	Reached bool //
}

// QuorumFor computes the quorum: more than percent % of voting members.
func QuorumFor(voting, present, percent int) Quorum {
	needed := voting*percent/100 + 1
	if voting == 0 {
		needed = 1
	}
	return Quorum{Voting: voting, Present: present, Needed: needed, Reached: present >= needed}
}

func meetingDay(m *Meeting) store.Date {
	t := m.StartsAt.In(pragueLoc)
	return store.NewDate(t.Year(), t.Month(), t.Day())
}

// Roll returns the attendance of a meeting.
func (s *Service) Roll(ctx context.Context, m *Meeting) (*Roll, error) {
	g, err := findGroup(ctx, s.DB, m.GroupID)
	if err != nil {
		return nil, err
	}
	all, err := s.FindMembers(ctx, m.GroupID)
	if err != nil {
		return nil, err
	}
	att, err := findAttendance(ctx, s.DB, m.ID)
	if err != nil {
		return nil, err
	}
	guests, err := findGuests(ctx, s.DB, m.ID)
	if err != nil {
		return nil, err
	}
	day := meetingDay(m)
	r := &Roll{Attendance: att, Guests: guests}
	voting, present := 0, 0
	for _, mem := range all {
		// Members of the day, and anyone whose attendance was recorded.
		_, recorded := att[mem.ID]
		if !mem.Active(day) && !recorded {
			continue
		}
		r.Members = append(r.Members, mem)
		if mem.Voting && mem.Role != RoleGuest {
			voting++
			if att[mem.ID].Status == Present {
				present++
			}
		}
	}
	r.Quorum = QuorumFor(voting, present, g.QuorumPercent)
	return r, nil
}

// RecordAttendance stores who was present, excused or absent (by
// membership id) and adds guests (non-members present).
func (s *Service) RecordAttendance(ctx context.Context, meetingID int64, status map[int64]string, newGuests []Guest) error {
	for _, v := range status {
		if !oneOf(v, "", Present, Excused, Absent) {
			return apperr.New(apperr.Invalid, "err.choose")
		}
	}
	for i := range newGuests {
		trim(&newGuests[i].Name, &newGuests[i].Affiliation)
		if len([]rune(newGuests[i].Name)) > 120 || len([]rune(newGuests[i].Affiliation)) > 200 {
			f := apperr.Fields{}
			f.Add("guest_name", "err.too_long", "Max", 120)
			return f.Err()
		}
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := s.openMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		members, err := findMembers(ctx, tx, m.GroupID)
		if err != nil {
			return err
		}
		valid := map[int64]bool{}
		for _, mem := range members {
			valid[mem.ID] = true
		}
		before, err := findAttendance(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		changed := map[string]string{}
		for id, st := range status {
			if !valid[id] {
				return apperr.New(apperr.Invalid, "err.bad_reference")
			}
			if b, ok := before[id]; ok {
				if b.Status == st {
					continue
				}
				if _, err := tx.Exec(ctx, `UPDATE meeting_attendance SET status = ? WHERE meeting_id = ? AND member_id = ?`, st, meetingID, id); err != nil {
					return err
				}
			} else if _, err := tx.Exec(ctx, `INSERT INTO meeting_attendance (meeting_id, member_id, status) VALUES (?, ?, ?)`, meetingID, id, st); err != nil {
				return err
			}
			changed[itoa(id)] = st
		}
		var added []string
		for _, g := range newGuests {
			if g.Name == "" {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_guests (meeting_id, name, affiliation, created_at) VALUES (?, ?, ?, ?)`, meetingID, g.Name, g.Affiliation, s.now()); err != nil {
				return err
			}
			added = append(added, g.Affiliation)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting_attendance", Entity: "group_meeting", EntityID: meetingID, Summary: m.GroupCode,
			After: map[string]any{"status": changed, "guests": len(added)}})
	})
}

// Answer records a member's answer to the invitation (attend / excused),
// found by the token of their invitation link.
func (s *Service) Answer(ctx context.Context, token, answer string) (*Meeting, error) {
	if !oneOf(answer, AnswerAttend, AnswerExcused) {
		return nil, apperr.New(apperr.Invalid, "err.choose")
	}
	var m Meeting
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var memberID int64
		var mid int64
		if err := tx.QueryRow(ctx, `SELECT meeting_id, member_id FROM meeting_attendance WHERE rsvp_token = ?`, token).Scan(&mid, &memberID); err != nil {
			return store.AppError(store.MapError(err), "invitation")
		}
		var err error
		if m, err = findMeeting(ctx, tx, mid); err != nil {
			return err
		}
		if !m.Open() {
			return apperr.New(apperr.Conflict, "group.err.meeting_closed")
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE meeting_attendance SET response = ?, responded_at = ? WHERE rsvp_token = ?`, answer, now, token); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting_answer", Entity: "group_meeting", EntityID: mid, Summary: m.GroupCode,
			After: map[string]any{"member_id": memberID, "response": answer}})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// AnswerAsMember records the answer of a signed-in member (memberID) without a token.
func (s *Service) AnswerAsMember(ctx context.Context, meetingID, memberID int64, answer string) error {
	token, err := s.ensureToken(ctx, meetingID, memberID)
	if err != nil {
		return err
	}
	_, err = s.Answer(ctx, token, answer)
	return err
}

func (s *Service) ensureToken(ctx context.Context, meetingID, memberID int64) (string, error) {
	var token string
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var t *string
		err := tx.QueryRow(ctx, `SELECT rsvp_token FROM meeting_attendance WHERE meeting_id = ? AND member_id = ?`, meetingID, memberID).Scan(&t)
		switch {
		case err == nil && t != nil:
			token = *t
			return nil
		case err == nil:
			token = newToken()
			_, err = tx.Exec(ctx, `UPDATE meeting_attendance SET rsvp_token = ? WHERE meeting_id = ? AND member_id = ?`, token, meetingID, memberID)
			return err
		case store.MapError(err) == store.ErrNotFound:
			token = newToken()
			_, err = tx.Exec(ctx, `INSERT INTO meeting_attendance (meeting_id, member_id, rsvp_token) VALUES (?, ?, ?)`, meetingID, memberID, token)
			return err
		}
		return err
	})
	return token, err
}

// InvitationByToken returns the meeting and the membership of an invitation link.
func (s *Service) InvitationByToken(ctx context.Context, token string) (*Meeting, *Member, *Attendance, error) {
	var a Attendance
	err := s.DB.QueryRow(ctx, `SELECT meeting_id, member_id, status, response, responded_at FROM meeting_attendance WHERE rsvp_token = ?`, token).
		Scan(&a.MeetingID, &a.MemberID, &a.Status, &a.Response, &a.RespondedAt)
	if err != nil {
		return nil, nil, nil, store.AppError(store.MapError(err), "invitation")
	}
	m, err := s.FindMeetingByID(ctx, a.MeetingID)
	if err != nil {
		return nil, nil, nil, err
	}
	mem, err := s.FindMemberByID(ctx, a.MemberID)
	if err != nil {
		return nil, nil, nil, err
	}
	return m, mem, &a, nil
}

// ---------- registrations of non-members

// Registrations lists the registrations of a meeting, oldest first.
func (s *Service) Registrations(ctx context.Context, meetingID int64) ([]Registration, error) {
	return findRegistrations(ctx, s.DB, meetingID)
}

// lockMeeting takes the meeting's row lock (PostgreSQL) so that concurrent
// registrations count the places one after another; SQLite transactions
// are serialised already.
func lockMeeting(ctx context.Context, tx *store.Tx, id int64) error {
	_, err := tx.Exec(ctx, `UPDATE meetings SET capacity = capacity WHERE id = ?`, id)
	return err
}

// Register signs a non-member up for a meeting that takes registrations:
// confirmed while there are places, else on the waitlist.
func (s *Service) Register(ctx context.Context, r Registration) (*Registration, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := lockMeeting(ctx, tx, r.MeetingID); err != nil {
			return err
		}
		m, err := findMeeting(ctx, tx, r.MeetingID)
		if err != nil {
			return err
		}
		if !m.Open() || m.Capacity <= 0 {
			return apperr.New(apperr.Conflict, "group.err.no_registration")
		}
		var confirmed int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_registrations WHERE meeting_id = ? AND state = 'confirmed'`, m.ID).Scan(&confirmed); err != nil {
			return err
		}
		r.State = RegConfirmed
		if confirmed >= m.Capacity {
			r.State = RegWaitlisted
		}
		r.Token, r.CreatedAt, r.UpdatedAt = newToken(), s.now(), s.now()
		id, err := store.InsertID(ctx, tx, `INSERT INTO meeting_registrations (meeting_id, name, email, kind, state, token, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			r.MeetingID, r.Name, r.Email, r.Kind, r.State, r.Token, r.CreatedAt, r.UpdatedAt)
		if err != nil {
			return err
		}
		r.ID = id
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting_register", Entity: "group_registration", EntityID: id, Summary: m.GroupCode, After: &r, Personal: RegistrationPersonal})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// RegistrationByToken returns the registration of a cancel link.
func (s *Service) RegistrationByToken(ctx context.Context, token string) (*Registration, error) {
	r, err := one(ctx, s.DB, scanReg, "registration", `SELECT `+regCols+` FROM meeting_registrations WHERE token = ?`, token)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// CancelRegistration cancels a registration (by its id, or by token when
// id is 0); a freed place goes to the first on the waitlist, who is told
// by e-mail. It returns the people moved up.
func (s *Service) CancelRegistration(ctx context.Context, id int64, token string) ([]Registration, error) {
	var promoted []Registration
	var m Meeting
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		q, arg := `SELECT `+regCols+` FROM meeting_registrations WHERE id = ?`, any(id)
		if id == 0 {
			q, arg = `SELECT `+regCols+` FROM meeting_registrations WHERE token = ?`, token
		}
		r, err := one(ctx, tx, scanReg, "registration", q, arg)
		if err != nil {
			return err
		}
		if err := lockMeeting(ctx, tx, r.MeetingID); err != nil {
			return err
		}
		if m, err = findMeeting(ctx, tx, r.MeetingID); err != nil {
			return err
		}
		if r.State == RegCancelled {
			return nil
		}
		before := r
		r.State, r.UpdatedAt = RegCancelled, s.now()
		if _, err := tx.Exec(ctx, `UPDATE meeting_registrations SET state = ?, updated_at = ? WHERE id = ?`, r.State, r.UpdatedAt, r.ID); err != nil {
			return err
		}
		if promoted, err = s.promote(ctx, tx, &m); err != nil {
			return err
		}
		var up []int64
		for _, p := range promoted {
			up = append(up, p.ID)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "registration_cancel", Entity: "group_registration", EntityID: r.ID, Summary: m.GroupCode,
			Before: &before, After: map[string]any{"state": r.State, "moved_up": up}, Personal: RegistrationPersonal})
	})
	if err != nil {
		return nil, err
	}
	if len(promoted) > 0 {
		s.Wake()
	}
	return promoted, nil
}

// promote confirms waitlisted registrations, oldest first, while there are places.
func (s *Service) promote(ctx context.Context, tx *store.Tx, m *Meeting) ([]Registration, error) {
	if !m.Open() || m.Capacity <= 0 {
		return nil, nil
	}
	var confirmed int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_registrations WHERE meeting_id = ? AND state = 'confirmed'`, m.ID).Scan(&confirmed); err != nil {
		return nil, err
	}
	free := m.Capacity - confirmed
	if free <= 0 {
		return nil, nil
	}
	wait, err := rowsOf(ctx, tx, scanReg, `SELECT `+regCols+` FROM meeting_registrations WHERE meeting_id = ? AND state = 'waitlisted' ORDER BY id LIMIT ?`, m.ID, free)
	if err != nil {
		return nil, err
	}
	for i := range wait {
		wait[i].State, wait[i].UpdatedAt = RegConfirmed, s.now()
		if _, err := tx.Exec(ctx, `UPDATE meeting_registrations SET state = ?, updated_at = ? WHERE id = ?`, RegConfirmed, wait[i].UpdatedAt, wait[i].ID); err != nil {
			return nil, err
		}
	}
	return wait, s.queuePromoted(ctx, tx, m, wait)
}

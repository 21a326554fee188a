package suggestion

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/czech"
	"kpss/internal/store"
)

type scanner interface{ Scan(...any) error }

// ---------- categories

const categoryCols = `id, code, name, description, department_id, sort_order, accessibility, archived, created_at, updated_at`

func scanCategory(r scanner) (Category, error) {
	var c Category
	err := r.Scan(&c.ID, &c.Code, &c.Name, &c.Description, &c.DepartmentID, &c.SortOrder, &c.Accessibility, &c.Archived, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

func findCategories(ctx context.Context, q store.Q, all bool) ([]Category, error) {
	where := "archived = ?"
	args := []any{false}
	if all {
		where, args = "1=1", nil
	}
	rows, err := q.Query(ctx, `SELECT `+categoryCols+` FROM suggestion_categories WHERE `+where+` ORDER BY sort_order, name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func findCategory(ctx context.Context, q store.Q, where string, arg any) (*Category, error) {
	c, err := scanCategory(q.QueryRow(ctx, `SELECT `+categoryCols+` FROM suggestion_categories WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundErr("suggestion_category")
	}
	if err != nil {
		return nil, store.MapError(err)
	}
	return &c, nil
}

func insertCategory(ctx context.Context, q store.Q, c *Category) error {
	id, err := store.InsertID(ctx, q, `INSERT INTO suggestion_categories (code, name, description, department_id, sort_order, accessibility, archived, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.Code, c.Name, c.Description, c.DepartmentID, c.SortOrder, c.Accessibility, c.Archived, c.CreatedAt, c.UpdatedAt)
	c.ID = id
	return err
}

func updateCategory(ctx context.Context, q store.Q, c *Category) error {
	_, err := q.Exec(ctx, `UPDATE suggestion_categories SET code = ?, name = ?, description = ?, department_id = ?, sort_order = ?, accessibility = ?, archived = ?, updated_at = ?
		WHERE id = ?`, c.Code, c.Name, c.Description, c.DepartmentID, c.SortOrder, c.Accessibility, c.Archived, c.UpdatedAt, c.ID)
	return err
}

// ---------- suggestions

const suggestionCols = `s.id, s.code, s.text, s.category_id, COALESCE(s.municipality_id, 0), s.target_group_id, s.address, s.lat, s.lng, s.location_private,
	s.source, s.state, s.department_id, s.due_date, s.quick_win, s.duplicate_of, s.public_note, s.redirect_to, s.plan_ref,
	s.contact_name, s.contact_email, s.contact_phone, s.consent_at, s.has_photo, s.received_at, s.closed_at, s.days_to_close,
	s.anonymised_at, s.created_at, s.updated_at, s.plan_measure_id, s.lang`

func scanSuggestion(r scanner) (Suggestion, error) {
	var s Suggestion
	err := r.Scan(&s.ID, &s.Code, &s.Text, &s.CategoryID, &s.MunicipalityID, &s.TargetGroupID, &s.Address, &s.Lat, &s.Lng, &s.LocationPrivate,
		&s.Source, &s.State, &s.DepartmentID, &s.DueDate, &s.QuickWin, &s.DuplicateOf, &s.PublicNote, &s.RedirectTo, &s.PlanRef,
		&s.ContactName, &s.ContactEmail, &s.ContactPhone, &s.ConsentAt, &s.HasPhoto, &s.ReceivedAt, &s.ClosedAt, &s.DaysToClose,
		&s.AnonymisedAt, &s.CreatedAt, &s.UpdatedAt, &s.PlanMeasureID, &s.Lang)
	return s, err
}

func findSuggestion(ctx context.Context, q store.Q, where string, arg any) (*Suggestion, error) {
	s, err := scanSuggestion(q.QueryRow(ctx, `SELECT `+suggestionCols+` FROM suggestions s WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundErr("suggestion")
	}
	if err != nil {
		return nil, store.MapError(err)
	}
	return &s, nil
}

func searchText(s *Suggestion) string {
	return czech.FoldJoin(s.Code, s.Text, s.Address, s.PublicNote)
}

func insertSuggestion(ctx context.Context, q store.Q, s *Suggestion) error {
	id, err := store.InsertID(ctx, q, `INSERT INTO suggestions (code, text, category_id, municipality_id, target_group_id, address, lat, lng, location_private,
		source, state, department_id, due_date, quick_win, duplicate_of, public_note, redirect_to, plan_ref,
		contact_name, contact_email, contact_phone, consent_at, has_photo, received_at, closed_at, days_to_close, anonymised_at, search, created_at, updated_at,
		plan_measure_id, lang)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.Code, s.Text, s.CategoryID, muniArg(s.MunicipalityID), s.TargetGroupID, s.Address, s.Lat, s.Lng, s.LocationPrivate,
		s.Source, s.State, s.DepartmentID, s.DueDate, s.QuickWin, s.DuplicateOf, s.PublicNote, s.RedirectTo, s.PlanRef,
		s.ContactName, s.ContactEmail, s.ContactPhone, s.ConsentAt, s.HasPhoto, s.ReceivedAt, s.ClosedAt, s.DaysToClose, s.AnonymisedAt,
		searchText(s), s.CreatedAt, s.UpdatedAt, s.PlanMeasureID, langOf(s.Lang))
	if err != nil {
		return err
	}
	s.ID = id
	return tallyChange(ctx, q, nil, s)
}

// muniArg stores municipality 0 ("obec nezjištěna") as NULL.
func muniArg(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

func updateSuggestion(ctx context.Context, q store.Q, s *Suggestion) error {
	_, err := q.Exec(ctx, `UPDATE suggestions SET text = ?, category_id = ?, municipality_id = ?, target_group_id = ?, address = ?, lat = ?, lng = ?,
		location_private = ?, source = ?, state = ?, department_id = ?, due_date = ?, quick_win = ?, duplicate_of = ?, public_note = ?, redirect_to = ?,
		plan_ref = ?, contact_name = ?, contact_email = ?, contact_phone = ?, consent_at = ?, has_photo = ?, received_at = ?, closed_at = ?,
		days_to_close = ?, anonymised_at = ?, search = ?, updated_at = ?, plan_measure_id = ?, lang = ? WHERE id = ?`,
		s.Text, s.CategoryID, muniArg(s.MunicipalityID), s.TargetGroupID, s.Address, s.Lat, s.Lng,
		s.LocationPrivate, s.Source, s.State, s.DepartmentID, s.DueDate, s.QuickWin, s.DuplicateOf, s.PublicNote, s.RedirectTo,
		s.PlanRef, s.ContactName, s.ContactEmail, s.ContactPhone, s.ConsentAt, s.HasPhoto, s.ReceivedAt, s.ClosedAt,
		s.DaysToClose, s.AnonymisedAt, searchText(s), s.UpdatedAt, s.PlanMeasureID, langOf(s.Lang), s.ID)
	return err
}

// overdueCond is the condition of the partial index suggestions_overdue,
// written out literally so that both engines' planners can use the index.
const overdueCond = "s.state IN ('new', 'accepted', 'in_progress') AND s.due_date IS NOT NULL"

// Filter selects suggestions for the inbox, the API and Open311.
type Filter struct {
	States         []State
	CategoryID     int64
	MunicipalityID int64 // Unlocated: those whose municipality is not known yet
	DepartmentID   int64
	TargetGroupID  int64
	Source         Source
	Unrouted       bool       // only those without a department
	Overdue        bool       // open and past the due date; lists them most overdue first
	QuickWin       bool       // only quick wins
	Q              string     // words in the code, text, address, answer
	Codes          []string   // these tracking codes only (Open311 service_request_id)
	From, To       time.Time  // received in [From, To)
	Today          store.Date // for Overdue; the service fills it
	Oldest         bool       // oldest first (Open311); else newest first
	// CountCap stops counting past this many (0: count them all); the list
	// then says "more than CountCap". Counting hundreds of thousands of
	// matches costs seconds at a million rows, and nobody pages that far.
	CountCap int
	store.Paging
}

// Unlocated is the Filter.MunicipalityID of suggestions whose municipality
// is not known yet ("obec nezjištěna"), the inbox's filter value "-1".
const Unlocated = -1

// ListCountCap is where the inbox and the public list stop counting.
const ListCountCap = 10000

func (f Filter) where() ([]string, []any) {
	where := []string{"1=1"}
	var args []any
	if len(f.States) > 0 {
		where = append(where, "s.state IN ("+store.Placeholders(len(f.States))+")")
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	for _, c := range []struct {
		col string
		v   int64
	}{{"s.category_id", f.CategoryID}, {"s.municipality_id", max(f.MunicipalityID, 0)}, {"s.department_id", f.DepartmentID}, {"s.target_group_id", f.TargetGroupID}} {
		if c.v > 0 {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if f.Source != "" {
		where = append(where, "s.source = ?")
		args = append(args, f.Source)
	}
	if f.Unrouted {
		where = append(where, "s.department_id IS NULL")
	}
	if f.MunicipalityID == Unlocated {
		where = append(where, "s.municipality_id IS NULL")
	}
	if f.Overdue {
		where = append(where, overdueCond+" AND s.due_date < ?")
		args = append(args, f.Today)
	}
	if f.QuickWin {
		where = append(where, "s.quick_win = ?")
		args = append(args, true)
	}
	if len(f.Codes) > 0 {
		where = append(where, "s.code IN ("+store.Placeholders(len(f.Codes))+")")
		for _, c := range f.Codes {
			args = append(args, c)
		}
	}
	if !f.From.IsZero() {
		where = append(where, "s.received_at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where = append(where, "s.received_at < ?")
		args = append(args, f.To.UTC())
	}
	for _, w := range store.LikeWords(czech.Fold(f.Q)) {
		where = append(where, `s.search LIKE ? ESCAPE '\'`)
		args = append(args, w)
	}
	return where, args
}

// findSuggestions runs the list in two queries: the count and the page.
func findSuggestions(ctx context.Context, q store.Q, f Filter) ([]Suggestion, int, error) {
	where, args := f.where()
	cond := strings.Join(where, " AND ")
	from := f.from(q)
	total, err := countSuggestions(ctx, q, from, cond, args, f.CountCap)
	if err != nil {
		return nil, 0, err
	}
	order := "s.received_at DESC, s.id DESC"
	switch {
	case f.Overdue:
		order = "s.due_date, s.id" // the most overdue first, in the order of the partial index
	case f.Oldest:
		order = "s.received_at, s.id"
	}
	query := `SELECT ` + suggestionCols + ` FROM ` + from + ` WHERE ` + cond + ` ORDER BY ` + order
	if f.PerPage >= 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit(), f.Offset())
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Suggestion
	for rows.Next() {
		s, err := scanSuggestion(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}

// from is the table of a list: SQLite's planner, without statistics, prefers
// the state index to the partial index of overdue ones and sorts a third of
// the table, so it is told which index to use.
func (f Filter) from(q store.Q) string {
	if f.Overdue && q.Dialect() == store.SQLite {
		return "suggestions s INDEXED BY suggestions_overdue"
	}
	return "suggestions s"
}

// countSuggestions counts the rows of cond, up to limit+1 when limit > 0.
func countSuggestions(ctx context.Context, q store.Q, from, cond string, args []any, limit int) (int, error) {
	var total int
	query := `SELECT COUNT(*) FROM ` + from + ` WHERE ` + cond
	if limit > 0 {
		query = `SELECT COUNT(*) FROM (SELECT 1 FROM ` + from + ` WHERE ` + cond + ` LIMIT ?) capped`
		args = append(append([]any(nil), args...), limit+1)
	}
	err := q.QueryRow(ctx, query, args...).Scan(&total)
	return total, err
}

// ---------- events

const eventCols = `id, suggestion_id, at, actor_id, actor_name, kind, from_state, to_state, department_id, due_date, public_note, internal_note`

func insertEvent(ctx context.Context, q store.Q, e *Event) error {
	id, err := store.InsertID(ctx, q, `INSERT INTO suggestion_events (suggestion_id, at, actor_id, actor_name, kind, from_state, to_state, department_id, due_date, public_note, internal_note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.SuggestionID, e.At, e.ActorID, e.ActorName, e.Kind, e.FromState, e.ToState, e.DepartmentID, e.DueDate, e.PublicNote, e.InternalNote)
	e.ID = id
	return err
}

func findEvents(ctx context.Context, q store.Q, suggestionID int64) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT `+eventCols+` FROM suggestion_events WHERE suggestion_id = ? ORDER BY at, id`, suggestionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.SuggestionID, &e.At, &e.ActorID, &e.ActorName, &e.Kind, &e.FromState, &e.ToState, &e.DepartmentID, &e.DueDate, &e.PublicNote, &e.InternalNote); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ---------- photos

func savePhoto(ctx context.Context, q store.Q, id int64, contentType string, data []byte) error {
	if _, err := q.Exec(ctx, `DELETE FROM suggestion_photos WHERE suggestion_id = ?`, id); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO suggestion_photos (suggestion_id, content_type, data) VALUES (?, ?, ?)`, id, contentType, data)
	return err
}

func findPhoto(ctx context.Context, q store.Q, id int64) (string, []byte, error) {
	var ct string
	var data []byte
	err := q.QueryRow(ctx, `SELECT content_type, data FROM suggestion_photos WHERE suggestion_id = ?`, id).Scan(&ct, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, apperr.NotFoundErr("suggestion_photo")
	}
	return ct, data, store.MapError(err)
}

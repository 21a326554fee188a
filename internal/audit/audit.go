// Package audit writes and reads the append-only audit log: one row per change,
// written in the same transaction as the change (who, when, what, before → after).
package audit

import (
	"context"
	"encoding/json"
	"kpss/internal/stamp"
	"reflect"
	"sort"
	"strings"
	"time"

	"kpss/internal/czech"
	"kpss/internal/store"
)

// Actor is who makes a change; the web layer puts it in the request context.
type Actor struct {
	ID   int64
	Name string
	IP   string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx; the zero Actor means the system or an
// anonymous visitor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Entry is one change to record. Before and After are the entity's JSON-able
// views (nil for create / delete); fields named in Personal are stored masked,
// so the log does not keep personal data the retention job must erase.
type Entry struct {
	Action   string // create, update, archive, restore, anonymise, sign-in, …
	Entity   string // table-like name: municipality, organisation, user …
	EntityID int64
	Summary  string // a short human text, e.g. the entity's name
	Before   any
	After    any
	Personal []string
}

// Row is a stored audit row.
type Row struct {
	ID        int64          `json:"id"`
	At        time.Time      `json:"at"`
	ActorID   *int64         `json:"actor_id"`
	ActorName string         `json:"actor_name"`
	IP        string         `json:"-"`
	Action    string         `json:"action"`
	Entity    string         `json:"entity"`
	EntityID  *int64         `json:"entity_id"`
	Summary   string         `json:"summary"`
	Changed   []string       `json:"changed"`
	Before    map[string]any `json:"before,omitempty"`
	After     map[string]any `json:"after,omitempty"`
}

// Masked is what the log keeps in place of a personal value.
const Masked = "•••"

// Log writes audit rows.
type Log struct {
	Now func() time.Time
}

// New returns a Log with the real clock.
func New() *Log { return &Log{Now: time.Now} }

// Record writes e in q (which should be the transaction of the change).
func (l *Log) Record(ctx context.Context, q store.Q, e Entry) error {
	before, after := toMap(e.Before), toMap(e.After)
	changed := diff(before, after)
	for _, f := range e.Personal {
		if _, ok := before[f]; ok {
			before[f] = Masked
		}
		if _, ok := after[f]; ok {
			after[f] = Masked
		}
	}
	a := ActorFrom(ctx)
	var actorID any
	if a.ID != 0 {
		actorID = a.ID
	}
	var entityID any
	if e.EntityID != 0 {
		entityID = e.EntityID
	}
	_, err := q.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, ip, action, entity, entity_id, summary, changed, before_json, after_json, search)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.Now().UTC(), actorID, a.Name, a.IP, e.Action, e.Entity, entityID, e.Summary,
		strings.Join(changed, ","), encode(before), encode(after), czech.FoldJoin(e.Summary, a.Name, e.Entity))
	if err != nil {
		return err
	}
	// Every audited change bumps its entity's generation: caches of pages
	// that show it are stale on every replica from the commit on.
	return stamp.Bump(ctx, q, e.Entity)
}

func toMap(v any) map[string]any {
	if v == nil {
		return nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return map[string]any{"value": string(b)}
	}
	return m
}

func encode(m map[string]any) string {
	if m == nil {
		return ""
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// diff lists the fields whose values differ between before and after.
func diff(before, after map[string]any) []string {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		if k == "updated_at" || k == "created_at" {
			continue
		}
		if !reflect.DeepEqual(before[k], after[k]) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Filter selects audit rows.
type Filter struct {
	Entity   string
	EntityID int64
	ActorID  int64
	Action   string
	From, To time.Time // To is exclusive
	Q        string    // words in summary or actor name
	store.Paging
}

// Find returns the rows matching f, newest first, and the total count.
func Find(ctx context.Context, q store.Q, f Filter) ([]Row, int, error) {
	where := []string{"1=1"}
	var args []any
	if f.Entity != "" {
		where = append(where, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.EntityID != 0 {
		where = append(where, "entity_id = ?")
		args = append(args, f.EntityID)
	}
	if f.ActorID != 0 {
		where = append(where, "actor_id = ?")
		args = append(args, f.ActorID)
	}
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, f.To.UTC())
	}
	for _, w := range store.LikeWords(czech.Fold(f.Q)) {
		where = append(where, `search LIKE ? ESCAPE '\'`)
		args = append(args, w)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, `SELECT id, at, actor_id, actor_name, ip, action, entity, entity_id, summary, changed, before_json, after_json
		FROM audit_log WHERE `+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, f.Limit(), f.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var (
			r             Row
			changed, b, a string
		)
		if err := rows.Scan(&r.ID, &r.At, &r.ActorID, &r.ActorName, &r.IP, &r.Action, &r.Entity, &r.EntityID, &r.Summary, &changed, &b, &a); err != nil {
			return nil, 0, err
		}
		if changed != "" {
			r.Changed = strings.Split(changed, ",")
		}
		if b != "" {
			json.Unmarshal([]byte(b), &r.Before)
		}
		if a != "" {
			json.Unmarshal([]byte(a), &r.After)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// Package auditlog shows the audit log to the coordinator and the admin:
// who changed what and when, with the values before and after.
package auditlog

import (
	"embed"
	"fmt"
	"net/http"
	"sort"
	"time"

	"kpss/internal/audit"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

//go:embed templates/*.html i18n/*.json
var files embed.FS

// Handler serves the audit log pages.
type Handler struct {
	DB *store.DB
	R  *web.Renderer
}

// NewHandler registers the module's templates and messages.
func NewHandler(db *store.DB, r *web.Renderer) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("auditlog", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{DB: db, R: r}, nil
}

// Actions the filter offers.
var Actions = []string{"create", "update", "archive", "restore", "password", "sign-in", "anonymise"}

// Change is one field's before → after, for display.
type Change struct {
	Field         string
	Before, After string
}

// RowView is an audit row prepared for the page.
type RowView struct {
	audit.Row
	Changes []Change
}

// ShowAuditList lists the audit log, newest first, with filters.
func (h *Handler) ShowAuditList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := audit.Filter{Entity: q.Get("entity"), Action: q.Get("action"), Q: q.Get("q"), Paging: web.PagingFrom(r)}
	form := web.NewForm(q)
	l := h.R.Localizer(r)
	if v := q.Get("from"); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, i18n.Prague)
		if err != nil {
			form.AddError("from", l.T("err.date"))
		} else {
			f.From = t
		}
	}
	if v := q.Get("to"); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, i18n.Prague)
		if err != nil {
			form.AddError("to", l.T("err.date"))
		} else {
			f.To = t.AddDate(0, 0, 1)
		}
	}
	rows, total, err := audit.Find(r.Context(), h.DB, f)
	if err != nil {
		return err
	}
	views := make([]RowView, len(rows))
	for i, row := range rows {
		views[i] = RowView{Row: row, Changes: changes(row)}
	}
	p := h.R.Page(r, "auditlog.title")
	p.Form = form
	p.Wide = true
	// The filter offers the kinds of entry the log holds: modules need not
	// register theirs; each module's catalog has "auditlog.entity.<kind>".
	kinds, err := h.entities(r)
	if err != nil {
		return err
	}
	entities := []web.Option{{Value: "", Label: l.T("form.any")}}
	for _, e := range kinds {
		entities = append(entities, web.Option{Value: e, Label: l.T("auditlog.entity." + e)})
	}
	actions := []web.Option{{Value: "", Label: l.T("form.any")}}
	for _, a := range Actions {
		actions = append(actions, web.Option{Value: a, Label: l.T("auditlog.action." + a)})
	}
	p.Data = map[string]any{"Rows": views, "Pager": web.NewPager(r, f.Paging, total), "Entities": entities, "Actions": actions}
	h.R.Render(w, r, http.StatusOK, "auditlog/list", p)
	return nil
}

// changes lists the changed fields with their values (personal ones masked).
func changes(row audit.Row) []Change {
	var out []Change
	fields := row.Changed
	if len(fields) == 0 && row.Before == nil {
		for k := range row.After {
			if k != "created_at" && k != "updated_at" && k != "id" {
				fields = append(fields, k)
			}
		}
		sort.Strings(fields)
	}
	for _, f := range fields {
		out = append(out, Change{Field: f, Before: show(row.Before[f]), After: show(row.After[f])})
	}
	return out
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case string:
		if x == "" {
			return "–"
		}
		return x
	case bool:
		if x {
			return "✓"
		}
		return "✗"
	case float64:
		return fmt.Sprintf("%g", x)
	}
	return fmt.Sprint(v)
}

func (h *Handler) entities(r *http.Request) ([]string, error) {
	rows, err := h.DB.Query(r.Context(), `SELECT DISTINCT entity FROM audit_log ORDER BY entity`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

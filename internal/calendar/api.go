package calendar

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/web"
)

// APIListEvents lists approved events (?from, ?to as dates, ?category,
// ?target_group_id, ?q, page, per_page); without from, the coming ones.
func (h *Handler) APIListEvents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	fields := apperr.Fields{}
	f := Filter{Category: q.Get("category"), Q: q.Get("q"), Paging: web.PagingFrom(r)}
	if f.Category != "" && !slices.Contains(Categories, f.Category) {
		fields.Add("category", "err.choose")
	}
	if v := q.Get("target_group_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fields.Add("target_group_id", "err.number")
		}
		f.TargetGroupID = n
	}
	date := func(name string) time.Time {
		v := q.Get(name)
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, v, Prague)
		if err != nil {
			fields.Add(name, "calendar.err.date")
		}
		return t
	}
	f.From, f.To = date("from"), date("to")
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1)
	}
	if f.From.IsZero() {
		f.From = Day(h.Svc.Now())
	}
	if err := fields.Err(); err != nil {
		return err
	}
	evs, total, err := h.Svc.FindEvents(r.Context(), f)
	if err != nil {
		return err
	}
	web.WriteList(w, r, evs, f.Paging, total)
	return nil
}

// APIGetEvent answers one event as the caller may see it.
func (h *Handler) APIGetEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ev, err := h.Svc.FindEventFor(r.Context(), auth.UserFrom(r.Context()), id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, ev)
	return nil
}

// OpenAPI returns the module's fragment of the API description.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return slices.Clone(b)
}

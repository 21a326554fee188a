package news

import (
	"net/http"
	"slices"

	"kpss/internal/auth"
	"kpss/internal/web"
)

// APIListNews lists the published news, newest first (?q, page, per_page);
// a coordinator's token lists drafts too.
func (h *Handler) APIListNews(w http.ResponseWriter, r *http.Request) error {
	f := Filter{Q: r.URL.Query().Get("q"), Drafts: auth.UserFrom(r.Context()).IsStaff(), Paging: web.PagingFrom(r)}
	items, total, err := h.Svc.FindNews(r.Context(), f)
	if err != nil {
		return err
	}
	web.WriteList(w, r, items, f.Paging, total)
	return nil
}

// APIGetNews answers one article by id.
func (h *Handler) APIGetNews(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	n, err := h.Svc.FindNewsBy(r.Context(), "", id, auth.UserFrom(r.Context()).IsStaff())
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, n)
	return nil
}

// APIListPlan answers the plan of articles of ?year (staff and providers).
func (h *Handler) APIListPlan(w http.ResponseWriter, r *http.Request) error {
	year := h.Svc.Now().In(Prague).Year()
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := atoiYear(v)
		if err != nil {
			return err
		}
		year = y
	}
	ps, err := h.Svc.Plan(r.Context(), year)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"year": year, "column": Column, "data": ps})
	return nil
}

// OpenAPI returns the module's fragment of the API description.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return slices.Clone(b)
}

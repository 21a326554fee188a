package guide

import (
	"net/http"
	"slices"

	"kpss/internal/auth"
	"kpss/internal/web"
)

// APIListGuides lists the published guides (?q, page, per_page); staff see drafts too.
func (h *Handler) APIListGuides(w http.ResponseWriter, r *http.Request) error {
	f := Filter{Q: r.URL.Query().Get("q"), Drafts: auth.UserFrom(r.Context()).IsStaff(), Paging: web.PagingFrom(r)}
	items, total, err := h.Svc.FindGuides(r.Context(), f)
	if err != nil {
		return err
	}
	web.WriteList(w, r, items, f.Paging, total)
	return nil
}

// APIGetGuide answers the guide at {slug} with its related services.
func (h *Handler) APIGetGuide(w http.ResponseWriter, r *http.Request) error {
	g, err := h.Svc.FindGuideBySlug(r.Context(), r.PathValue("slug"), auth.UserFrom(r.Context()).IsStaff())
	if err != nil {
		return err
	}
	related, err := h.Svc.RelatedServices(r.Context(), g, relatedMax)
	if err != nil {
		h.R.Log.Warn("guide: related services", "guide", g.Slug, "err", err)
	}
	if related == nil {
		related = []ServiceLink{}
	}
	web.JSON(w, http.StatusOK, struct {
		*Guide
		RelatedServices []ServiceLink `json:"related_services"`
	}{g, related})
	return nil
}

// OpenAPI returns the module's fragment of the API description.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return slices.Clone(b)
}

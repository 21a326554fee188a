package guide

import (
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"kpss/internal/auth"
	"kpss/internal/guide/markdown"
	"kpss/internal/store"
	"kpss/internal/web"
)

//go:embed templates/*.html i18n/*.json openapi.json
var files embed.FS

// Handler serves the guides' pages and API.
type Handler struct {
	Svc *Service
	R   *web.Renderer
}

// NewHandler registers the module's templates and messages.
func NewHandler(svc *Service, r *web.Renderer) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("guide", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Svc: svc, R: r}, nil
}

const (
	formMax     = 1 << 20
	relatedMax  = 8
	guidesTitle = "guide.list.title"
)

// Section is one titled part of a guide, rendered from Markdown.
type Section struct {
	ID, Title string
	HTML      template.HTML
}

// ShowGuideList lists the published guides (the coordinator sees drafts too).
func (h *Handler) ShowGuideList(w http.ResponseWriter, r *http.Request) error {
	staff := auth.UserFrom(r.Context()).IsStaff()
	f := Filter{Q: r.URL.Query().Get("q"), Drafts: staff, Paging: store.Paging{PerPage: -1}}
	items, _, err := h.Svc.FindGuides(r.Context(), f)
	if err != nil {
		return err
	}
	p := h.R.Page(r, guidesTitle)
	p.Data = map[string]any{"Items": items, "Q": f.Q, "CanEdit": staff}
	h.R.Render(w, r, http.StatusOK, "guide/list", p)
	return nil
}

// ShowGuide shows one guide with its sections and the related services.
func (h *Handler) ShowGuide(w http.ResponseWriter, r *http.Request) error {
	staff := auth.UserFrom(r.Context()).IsStaff()
	g, err := h.Svc.FindGuideBySlug(r.Context(), r.PathValue("slug"), staff)
	if err != nil {
		return err
	}
	related, err := h.Svc.RelatedServices(r.Context(), g, relatedMax)
	if err != nil {
		// The guide is still useful without the catalogue's answer.
		h.R.Log.Warn("guide: related services", "guide", g.Slug, "err", err)
		related = nil
	}
	p := h.R.Page(r, "guide.detail.title", "Title", g.Title).Crumb("/zivotni-situace", h.R.Localizer(r).T(guidesTitle))
	l := p.L
	var sections []Section
	for _, s := range []struct{ id, key, md string }{
		{"kdo-pomuze", "guide.field.who_helps", g.WhoHelps},
		{"co-udelat", "guide.field.first_steps", g.FirstSteps},
		{"co-vzit", "guide.field.what_to_bring", g.WhatToBring},
		{"kde-a-kdy", "guide.field.where_when", g.WhereWhen},
	} {
		if s.md != "" {
			sections = append(sections, Section{ID: s.id, Title: l.T(s.key), HTML: markdown.Render(s.md, 1)})
		}
	}
	catalog := "/katalog"
	if g.ServiceQuery != "" {
		catalog += "?q=" + url.QueryEscape(g.ServiceQuery)
	}
	p.Data = map[string]any{"G": g, "Intro": markdown.Render(g.Intro, 1), "Sections": sections, "Related": related,
		"CatalogURL": catalog, "CanEdit": staff}
	h.R.Render(w, r, http.StatusOK, "guide/guide", p)
	return nil
}

var formFields = []string{"title", "slug", "summary", "intro", "who_helps", "first_steps", "what_to_bring", "where_when", "service_query", "published"}

// ShowGuideForm shows the form for a new guide or the one at {slug}.
func (h *Handler) ShowGuideForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{}
	if slug := r.PathValue("slug"); slug != "" {
		g, err := h.Svc.FindGuideBySlug(r.Context(), slug, true)
		if err != nil {
			return err
		}
		vals = url.Values{"title": {g.Title}, "slug": {g.Slug}, "summary": {g.Summary}, "intro": {g.Intro}, "who_helps": {g.WhoHelps},
			"first_steps": {g.FirstSteps}, "what_to_bring": {g.WhatToBring}, "where_when": {g.WhereWhen}, "service_query": {g.ServiceQuery}, "id": {strconv.FormatInt(g.ID, 10)}}
		if g.Published {
			vals.Set("published", "on")
		}
	}
	return h.renderForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "guide.new"
	if r.PathValue("slug") != "" {
		title = "guide.edit"
	}
	p := h.R.Page(r, title).Crumb("/zivotni-situace", h.R.Localizer(r).T(guidesTitle))
	p.Form = f
	p.NoIndex = true
	p.Data = map[string]any{"Slug": r.PathValue("slug")}
	h.R.Render(w, r, status, "guide/form", p)
	return nil
}

// SaveGuide creates or updates a guide from the form.
func (h *Handler) SaveGuide(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	g := Guide{Title: f.Get("title"), Slug: f.Get("slug"), Summary: f.Get("summary"), Intro: f.Values.Get("intro"), WhoHelps: f.Values.Get("who_helps"),
		FirstSteps: f.Values.Get("first_steps"), WhatToBring: f.Values.Get("what_to_bring"), WhereWhen: f.Values.Get("where_when"),
		ServiceQuery: f.Get("service_query"), Published: f.Bool("published")}
	var saved *Guide
	if slug := r.PathValue("slug"); slug == "" {
		saved, err = h.Svc.CreateGuide(r.Context(), g)
	} else {
		old, ferr := h.Svc.FindGuideBySlug(r.Context(), slug, true)
		if ferr != nil {
			return ferr
		}
		saved, err = h.Svc.UpdateGuide(r.Context(), old.ID, g)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, formFields...) {
			return h.renderForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/zivotni-situace/"+saved.Slug, "flash.saved")
	return nil
}

package news

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/guide/markdown"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
)

//go:embed templates/*.html i18n/*.json openapi.json
var files embed.FS

// Handler serves the news pages, feeds, plan and API.
type Handler struct {
	Svc *Service
	R   *web.Renderer
}

// NewHandler registers the module's templates and messages.
func NewHandler(svc *Service, r *web.Renderer) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("news", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Svc: svc, R: r}, nil
}

const formMax = 1 << 20

func (h *Handler) page(r *http.Request, title string, args ...any) *web.Page {
	p := h.R.Page(r, title, args...)
	if title != "news.title" {
		p.Crumb("/aktuality", p.L.T("news.title"))
	}
	return p
}

// ShowNewsList lists the published news, newest first (staff see drafts).
func (h *Handler) ShowNewsList(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	f := Filter{Q: r.URL.Query().Get("q"), Drafts: u.IsStaff(), Paging: web.PagingFrom(r)}
	f.PerPage = 10
	if pp := web.PagingFrom(r); r.URL.Query().Get("per_page") != "" {
		f.PerPage = pp.PerPage
	}
	items, total, err := h.Svc.FindNews(r.Context(), f)
	if err != nil {
		return err
	}
	p := h.page(r, "news.title")
	p.Data = map[string]any{"Items": items, "Pager": web.NewPager(r, f.Paging, total), "Q": f.Q, "Staff": u.IsStaff(),
		"CanSeePlan": u.IsStaff() || u.Is(auth.RoleProvider)}
	h.R.Render(w, r, http.StatusOK, "news/list", p)
	return nil
}

// ShowNews shows one article.
func (h *Handler) ShowNews(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	n, err := h.Svc.FindNewsBy(r.Context(), r.PathValue("slug"), 0, u.IsStaff())
	if err != nil {
		return err
	}
	p := h.page(r, "news.item.title", "Title", n.Title)
	if n.PublishedAt == nil {
		p.NoIndex = true
	}
	p.Data = map[string]any{"N": n, "Body": markdown.Render(n.Body, 0), "Staff": u.IsStaff()}
	h.R.Render(w, r, http.StatusOK, "news/item", p)
	return nil
}

var newsFields = []string{"title", "slug", "perex", "body", "organisation_id", "publish"}

// ShowNewsForm shows the form for a new article or the one at {slug}.
func (h *Handler) ShowNewsForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{}
	if slug := r.PathValue("slug"); slug != "" {
		n, err := h.Svc.FindNewsBy(r.Context(), slug, 0, true)
		if err != nil {
			return err
		}
		vals = url.Values{"title": {n.Title}, "slug": {n.Slug}, "perex": {n.Perex}, "body": {n.Body}}
		if n.OrganisationID != nil {
			vals.Set("organisation_id", strconv.FormatInt(*n.OrganisationID, 10))
		}
		if n.PublishedAt != nil {
			vals.Set("publish", "on")
		}
	}
	return h.renderNewsForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) orgOptions(r *http.Request, emptyKey string) ([]web.Option, error) {
	os, _, err := h.Svc.Partners.FindOrganisations(r.Context(), partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: h.R.Localizer(r).T(emptyKey)}}
	for _, o := range os {
		out = append(out, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
	}
	return out, nil
}

func (h *Handler) renderNewsForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "news.new"
	if r.PathValue("slug") != "" {
		title = "news.edit"
	}
	p := h.page(r, title)
	p.Form, p.NoIndex = f, true
	orgs, err := h.orgOptions(r, "news.organisation.none")
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Slug": r.PathValue("slug"), "Orgs": orgs}
	h.R.Render(w, r, status, "news/form", p)
	return nil
}

// SaveNews creates or updates an article from the form.
func (h *Handler) SaveNews(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	n := Item{Title: f.Get("title"), Slug: f.Get("slug"), Perex: f.Get("perex"), Body: f.Values.Get("body"), OrganisationID: f.Int64Ptr("organisation_id")}
	var id int64
	if slug := r.PathValue("slug"); slug != "" {
		old, err := h.Svc.FindNewsBy(r.Context(), slug, 0, true)
		if err != nil {
			return err
		}
		id = old.ID
	}
	saved, err := h.Svc.SaveNews(r.Context(), id, n, f.Bool("publish"))
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, newsFields...) {
			return h.renderNewsForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/aktuality/"+saved.Slug, "flash.saved")
	return nil
}

func (h *Handler) feed(r *http.Request) Feed {
	base := h.Svc.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	l := h.R.Localizer(r)
	return Feed{Title: l.T("news.feed.title"), Description: l.T("news.feed.description"), Lang: l.Lang, Base: base}
}

func (h *Handler) feedItems(r *http.Request) ([]Item, error) {
	items, _, err := h.Svc.FindNews(r.Context(), Filter{Paging: store.Paging{PerPage: 30}})
	return items, err
}

// ShowRSS answers the RSS 2.0 feed of the news.
func (h *Handler) ShowRSS(w http.ResponseWriter, r *http.Request) error {
	items, err := h.feedItems(r)
	if err != nil {
		return err
	}
	b, err := h.feed(r).RSS(items)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=900")
	w.Write(b)
	return nil
}

// ShowAtom answers the Atom feed of the news.
func (h *Handler) ShowAtom(w http.ResponseWriter, r *http.Request) error {
	items, err := h.feedItems(r)
	if err != nil {
		return err
	}
	b, err := h.feed(r).Atom(items, h.Svc.Now())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=900")
	w.Write(b)
	return nil
}

// --- the plan

// PlanRow is a plan entry with its texts for the page.
type PlanRow struct {
	PlanEntry
	MonthLabel, Deadline string
	Overdue              bool
}

// ShowPlan shows the plan of articles of a year (?rok=2026).
func (h *Handler) ShowPlan(w http.ResponseWriter, r *http.Request) error {
	now := h.Svc.Now().In(Prague)
	year := now.Year()
	if v := r.URL.Query().Get("rok"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return apperr.New(apperr.NotFound, "err.page_not_found")
		}
		year = y
	}
	ps, err := h.Svc.Plan(r.Context(), year)
	if err != nil {
		return err
	}
	p := h.page(r, "news.plan.title", "Year", strconv.Itoa(year))
	p.NoIndex = true
	day := today(now)
	rows := make([]PlanRow, len(ps))
	for i, e := range ps {
		rows[i] = PlanRow{PlanEntry: e, MonthLabel: p.L.T("news.month." + strconv.Itoa(e.Month)), Deadline: p.L.Date(e.Deadline.Time),
			Overdue: e.State == "planned" && e.Deadline.Before(day.Time)}
	}
	u := auth.UserFrom(r.Context())
	p.Data = map[string]any{"Rows": rows, "Year": year, "Prev": year - 1, "Next": year + 1, "Staff": u.IsStaff(), "Column": Column}
	h.R.Render(w, r, http.StatusOK, "news/plan", p)
	return nil
}

var planFields = []string{"year", "month", "topic", "organisation_id", "deadline", "state", "news_id", "note"}

// ShowPlanForm shows the form of a new entry or of entry {id}.
func (h *Handler) ShowPlanForm(w http.ResponseWriter, r *http.Request) error {
	now := h.Svc.Now().In(Prague)
	vals := url.Values{"year": {strconv.Itoa(now.Year())}, "state": {"planned"}}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		e, err := h.Svc.FindPlanEntry(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"year": {strconv.Itoa(e.Year)}, "month": {strconv.Itoa(e.Month)}, "topic": {e.Topic},
			"organisation_id": {strconv.FormatInt(e.OrganisationID, 10)}, "deadline": {e.Deadline.String()}, "state": {e.State}, "note": {e.Note}}
		if e.NewsID != nil {
			vals.Set("news_id", strconv.FormatInt(*e.NewsID, 10))
		}
	}
	return h.renderPlanForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderPlanForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "news.plan.new"
	if r.PathValue("id") != "" {
		title = "news.plan.edit"
	}
	p := h.page(r, title)
	p.Crumb("/aktuality/plan", p.L.T("news.plan.nav"))
	p.Form, p.NoIndex = f, true
	l := p.L
	months := []web.Option{{Value: "", Label: l.T("form.none")}}
	for m := 1; m <= 12; m++ {
		months = append(months, web.Option{Value: strconv.Itoa(m), Label: l.T("news.month." + strconv.Itoa(m))})
	}
	states := []web.Option{}
	for _, s := range PlanStates {
		states = append(states, web.Option{Value: s, Label: l.T("news.state." + s)})
	}
	orgs, err := h.orgOptions(r, "form.none")
	if err != nil {
		return err
	}
	items, _, err := h.Svc.FindNews(r.Context(), Filter{Drafts: true, Paging: store.Paging{PerPage: 100}})
	if err != nil {
		return err
	}
	articles := []web.Option{{Value: "", Label: l.T("news.plan.no_article")}}
	for _, n := range items {
		articles = append(articles, web.Option{Value: strconv.FormatInt(n.ID, 10), Label: n.Title})
	}
	p.Data = map[string]any{"ID": r.PathValue("id"), "Months": months, "States": states, "Orgs": orgs, "Articles": articles}
	h.R.Render(w, r, status, "news/plan_form", p)
	return nil
}

// SavePlanEntry creates or updates an entry of the plan from the form.
func (h *Handler) SavePlanEntry(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	e := PlanEntry{Topic: f.Get("topic"), State: f.Get("state"), NewsID: f.Int64Ptr("news_id"), Note: f.Get("note")}
	e.Year, _ = strconv.Atoi(f.Get("year"))
	e.Month, _ = strconv.Atoi(f.Get("month"))
	if id := f.Int64Ptr("organisation_id"); id != nil {
		e.OrganisationID = *id
	}
	if v := f.Get("deadline"); v != "" {
		d, err := store.ParseDate(v)
		if err != nil {
			if t, err2 := time.Parse("2. 1. 2006", strings.Join(strings.Fields(strings.ReplaceAll(v, ".", ". ")), " ")); err2 == nil {
				d = store.NewDate(t.Year(), t.Month(), t.Day())
			} else {
				fields.Add("deadline", "news.err.date")
			}
		}
		e.Deadline = d
	}
	var id int64
	if r.PathValue("id") != "" {
		if id, err = web.PathID(r); err != nil {
			return err
		}
	}
	var saved *PlanEntry
	if err = fields.Err(); err != nil {
		if verr := e.Validate(); verr != nil {
			ve, _ := apperr.As(verr)
			for k, v := range ve.Fields {
				if _, ok := fields[k]; !ok && k != "deadline" {
					fields[k] = v
				}
			}
			err = fields.Err()
		}
	} else {
		saved, err = h.Svc.SavePlanEntry(r.Context(), id, e)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, planFields...) {
			return h.renderPlanForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/aktuality/plan?rok="+strconv.Itoa(saved.Year), "flash.saved")
	return nil
}

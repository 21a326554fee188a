package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

//go:embed templates i18n/*.json
var files embed.FS

//go:embed static
var staticFiles embed.FS

// Static returns the static files (CSS, JS, icons) served under /static/.
func Static() fs.FS {
	sub, _ := fs.Sub(staticFiles, "static")
	return sub
}

// NavItem is one entry of the main menu.
type NavItem struct {
	Path    string
	Label   string // i18n key
	Current bool
	Public  bool // open to everyone: the public portal's part of the menu
}

// Renderer renders pages with the shared layout.
type Renderer struct {
	Catalog *i18n.Catalog
	Log     *slog.Logger
	// Nav returns the menu for the request's user (set by the server, which knows the policies).
	Nav func(r *http.Request) []NavItem
	// Site returns the name of the region shown in the header.
	Site func(r *http.Request) string
	// Map configures the maps; nil: no maps are drawn (lists only).
	Map *MapConfig

	shared *template.Template
	pages  map[string]*template.Template
}

// NewRenderer loads the shared layout, partials and the web catalog.
func NewRenderer(log *slog.Logger) (*Renderer, error) {
	c := i18n.NewCatalog()
	if err := c.Load(files, "i18n"); err != nil {
		return nil, err
	}
	rd := &Renderer{Catalog: c, Log: log, pages: map[string]*template.Template{}}
	src, err := fingerprinted(files, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	shared, err := template.New("").Funcs(funcs).ParseFS(src, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	rd.shared = shared
	return rd, rd.Register("web", files, "templates/pages")
}

// Register parses every page template (*.html) in dir of fsys under the name
// "namespace/file" (without .html), each with the shared layout and partials
// and the module's own partials in dir/partials/*.html (blocks that several
// of the module's pages use).
func (rd *Renderer) Register(namespace string, fsys fs.FS, dir string) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return err
	}
	if fsys, err = fingerprinted(fsys, path.Join(dir, "*.html"), path.Join(dir, "partials", "*.html")); err != nil {
		return err
	}
	own, err := fs.Glob(fsys, path.Join(dir, "partials", "*.html"))
	if err != nil {
		return err
	}
	base := rd.shared
	if len(own) > 0 {
		if base, err = rd.shared.Clone(); err != nil {
			return err
		}
		if _, err := base.ParseFS(fsys, own...); err != nil {
			return fmt.Errorf("web: parse %s partials: %w", namespace, err)
		}
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".html") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := t.ParseFS(fsys, path.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("web: parse %s: %w", e.Name(), err)
		}
		rd.pages[namespace+"/"+strings.TrimSuffix(e.Name(), ".html")] = t
	}
	return nil
}

// LoadCatalog adds a module's "<lang>.json" files from dir of fsys.
func (rd *Renderer) LoadCatalog(fsys fs.FS, dir string) error { return rd.Catalog.Load(fsys, dir) }

// Pages lists the registered page names (the template test renders each).
func (rd *Renderer) Pages() []string {
	var out []string
	for k := range rd.pages {
		out = append(out, k)
	}
	return out
}

// Page is the data every page template gets.
type Page struct {
	L       *i18n.Localizer
	User    *auth.User
	Title   string // translated title
	Path    string
	Query   url.Values
	Nav     []NavItem
	Site    string
	Flash   string
	Form    *Form
	Data    any
	Crumbs  []Crumb
	Status  int
	NoIndex bool
	Wide    bool
	ReqURI  string
	Map     *MapConfig // for the map-head partial; nil without maps
}

// WorkNav is the part of the menu that needs an account (the desks of the
// coordinator, groups, providers …).
func (p *Page) WorkNav() []NavItem { return p.navPart(false) }

// PortalNav is the public portal's part of the menu (catalogue, guides,
// calendar, news …). A signed-in user sees it as a second, lighter row, so
// that the working menu stays one line; a visitor sees it alone.
func (p *Page) PortalNav() []NavItem { return p.navPart(true) }

func (p *Page) navPart(public bool) []NavItem {
	var out []NavItem
	for _, n := range p.Nav {
		if n.Public == public {
			out = append(out, n)
		}
	}
	return out
}

// Crumb is one breadcrumb link.
type Crumb struct {
	Href, Label string
}

// Localizer returns the localizer of the request's language.
func (rd *Renderer) Localizer(r *http.Request) *i18n.Localizer {
	return rd.Catalog.For(LangFrom(r.Context()))
}

// Page returns the data of a page titled by the i18n key title (args fill it).
func (rd *Renderer) Page(r *http.Request, titleKey string, args ...any) *Page {
	l := rd.Localizer(r)
	p := &Page{L: l, User: auth.UserFrom(r.Context()), Title: l.T(titleKey, args...), Path: r.URL.Path,
		Query: r.URL.Query(), Form: NewForm(nil), ReqURI: r.URL.RequestURI(), Map: rd.Map}
	if rd.Nav != nil {
		p.Nav = rd.Nav(r)
	}
	if rd.Site != nil {
		p.Site = rd.Site(r)
	}
	return p
}

// Crumb adds a breadcrumb (label is an i18n key or a literal name).
func (p *Page) Crumb(href, label string) *Page {
	p.Crumbs = append(p.Crumbs, Crumb{Href: href, Label: label})
	return p
}

// Field builds the view of a form field: opts are "required", "type=…",
// "hint=<i18n key>", "autocomplete=…", "rows=N", "inputmode=…", "pattern=…",
// and []Option for choices.
func (p *Page) Field(name, labelKey string, opts ...any) FieldView {
	v := FieldView{ID: "f-" + fieldID(name), Name: name, Label: p.L.T(labelKey), Type: "text", Form: p.Form,
		RequiredText: p.L.T("form.required"), ErrorPrefix: p.L.T("form.error_prefix")}
	for _, o := range opts {
		switch x := o.(type) {
		case []Option:
			v.Options = x
		case string:
			k, val, _ := strings.Cut(x, "=")
			switch k {
			case "required":
				v.Required = true
			case "type":
				v.Type = val
			case "hint":
				v.Hint = p.L.T(val)
			case "autocomplete":
				v.Autocomplete = val
			case "rows":
				v.Rows, _ = strconv.Atoi(val)
			case "inputmode":
				v.Inputmode = val
			case "pattern":
				v.Pattern = val
			}
		}
	}
	if p.Form != nil {
		v.Value = p.Form.Get(name)
		if v.Type == "textarea" {
			v.Value = p.Form.Values.Get(name)
		}
		v.Error = p.Form.Error(name)
	}
	return v
}

// Render writes page name with status.
func (rd *Renderer) Render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, ok := rd.pages[name]
	if !ok {
		rd.Log.Error("web: no such page template", "name", name)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	if p.Flash == "" {
		p.Flash = rd.takeFlash(w, r)
	}
	p.Status = status
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		rd.Log.Error("web: render", "page", name, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if p.User != nil {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// HTML adapts a HandlerFunc, turning its error into an error page.
func (rd *Renderer) HTML(fn HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			rd.Error(w, r, err)
		}
	}
}

// Error shows the page for err: sign-in for Unauthorized, a plain Czech page
// for the rest; internal errors are logged, never shown.
func (rd *Renderer) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	if status == http.StatusUnauthorized {
		http.Redirect(w, r, "/prihlaseni?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if status == http.StatusInternalServerError {
		rd.Log.Error("web: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if e, ok := apperr.As(err); ok && e.Code == apperr.TooMany && e.Retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.Retry))
	}
	p := rd.Page(r, "error.title."+strconv.Itoa(status))
	p.NoIndex = true
	p.Data = map[string]string{"Message": p.L.Err(err)}
	if status == http.StatusInternalServerError {
		p.Data = map[string]string{"Message": p.L.T("err.internal")}
	}
	rd.Render(w, r, status, "web/error", p)
}

// NotFound renders the 404 page.
func (rd *Renderer) NotFound(w http.ResponseWriter, r *http.Request) {
	rd.Error(w, r, apperr.New(apperr.NotFound, "err.page_not_found"))
}

const flashCookie = "kpss_flash"

// Flash stores a message key shown once on the next page (after a redirect).
func Flash(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(key), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func (rd *Renderer) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	key, _ := url.QueryUnescape(c.Value)
	if !rd.Catalog.Has(key) {
		return ""
	}
	return rd.Localizer(r).T(key)
}

// Redirect answers a POST with 303 to target, with a flash message key.
func Redirect(w http.ResponseWriter, r *http.Request, target, flashKey string) {
	if flashKey != "" {
		Flash(w, flashKey)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// Pager is the paging state of a list page.
type Pager struct {
	Page, PerPage, Total int
	base                 url.Values
	path                 string
}

// NewPager returns the pager of a list.
func NewPager(r *http.Request, p store.Paging, total int) Pager {
	p = p.Normalize()
	return Pager{Page: p.Page, PerPage: p.PerPage, Total: total, base: r.URL.Query(), path: r.URL.Path}
}

// Pages returns the number of pages.
func (p Pager) Pages() int {
	if p.Total == 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// From and To are the 1-based positions shown ("21–40 z 95").
func (p Pager) From() int {
	if p.Total == 0 {
		return 0
	}
	return (p.Page-1)*p.PerPage + 1
}
func (p Pager) To() int { return min(p.Page*p.PerPage, p.Total) }

// URL returns the link to page n keeping the other query parameters.
func (p Pager) URL(n int) string {
	q := url.Values{}
	for k, v := range p.base {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	return p.path + "?" + q.Encode()
}

// PrevURL and NextURL are "" when there is no such page.
func (p Pager) PrevURL() string {
	if p.Page <= 1 {
		return ""
	}
	return p.URL(p.Page - 1)
}
func (p Pager) NextURL() string {
	if p.Page >= p.Pages() {
		return ""
	}
	return p.URL(p.Page + 1)
}

// PagingFrom reads ?page= and ?per_page=.
func PagingFrom(r *http.Request) store.Paging {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	return store.Paging{Page: page, PerPage: per}.Normalize()
}

func fieldID(name string) string { return strings.ReplaceAll(name, "_", "-") }

// PagerView is what the pager partial needs.
type PagerView struct {
	Pager
	Label, Summary, PrevLabel, NextLabel string
}

// PagerView translates the pager's labels.
func (p *Page) PagerView(pg Pager) PagerView {
	return PagerView{Pager: pg, Label: p.L.T("pager.label"),
		Summary:   p.L.T("pager.summary", "From", pg.From(), "To", pg.To(), "Total", pg.Total),
		PrevLabel: p.L.T("pager.prev"), NextLabel: p.L.T("pager.next")}
}

var funcs = template.FuncMap{
	"fieldID": fieldID,
	"add":     func(a, b int) int { return a + b },
	"year":    func() int { return time.Now().Year() },
	"deref": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"idstr": func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	},
	"str":       func(v any) string { return fmt.Sprint(v) },
	"hasPrefix": strings.HasPrefix,
	"join":      strings.Join,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"qs": func(q url.Values, kv ...string) string {
		c := url.Values{}
		for k, v := range q {
			c[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				c.Del(kv[i])
			} else {
				c.Set(kv[i], kv[i+1])
			}
		}
		c.Del("page")
		return c.Encode()
	},
}

// Package server wires the modules into one HTTP handler: the route list with
// a policy for every route, identity (session cookie for pages, Bearer token
// for the API), CSRF protection, security headers and error pages.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"kpss/internal/account"
	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auditlog"
	"kpss/internal/auth"
	"kpss/internal/jobs"
	"kpss/internal/mail"
	"kpss/internal/ops"
	"kpss/internal/outbox"
	"kpss/internal/pagecache"
	"kpss/internal/partner"
	"kpss/internal/ratelimit"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

// HandlerFunc is a handler that returns an error.
type HandlerFunc = web.HandlerFunc

// Deps is what the server is built from; main fills it.
type Deps struct {
	DB            *store.DB
	Log           *slog.Logger
	Now           func() time.Time
	IdleTimeout   time.Duration
	SecureCookies bool
	Mail          mail.Sender // nil: e-mails are logged
	BaseURL       string      // public URL for links in e-mails
	// Assets is the folder of the front-end packages (node_modules); ""
	// looks for node_modules in the working directory and its parents.
	Assets string
	// MapTiles is the tile URL template ("" a blank offline grid, "off" no
	// maps; kpss serve passes OpenStreetMap's unless configured);
	// MapAttribution the tile provider's credit.
	MapTiles, MapAttribution string
}

// Server is the kpss web application.
type Server struct {
	db           *store.DB
	log          *slog.Logger
	now          func() time.Time
	auth         *auth.Service
	rd           *web.Renderer
	api          *web.API
	account      *account.Handler
	partner      *partner.Handler
	audit        *auditlog.Handler
	list         []Route
	policy       map[string]*auth.Policy // "GET /path" → policy, for the menu
	handler      http.Handler
	secure       bool
	env          *Env
	jobs         []Job
	nav          []NavEntry
	leaflet      string // folder of Leaflet's dist files; "" without maps
	metrics      *ops.Metrics
	public       *pagecache.Cache // rendered public answers (publiccache.go)
	metricsToken string
	ops          *ops.Handler
}

// New builds the server and checks the route list.
func New(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	// Every log line of a request carries its id.
	if _, ok := d.Log.Handler().(ops.LogHandler); !ok {
		d.Log = slog.New(ops.LogHandler{Handler: d.Log.Handler()})
	}
	s := &Server{db: d.DB, log: d.Log, now: d.Now, secure: d.SecureCookies, metrics: ops.NewMetrics(), public: pagecache.New(5000)}
	alog := &audit.Log{Now: d.Now}
	s.auth = auth.NewService(d.DB, alog, d.Now)
	if d.IdleTimeout > 0 {
		s.auth.IdleTimeout = d.IdleTimeout
	}
	var err error
	if s.rd, err = web.NewRenderer(d.Log); err != nil {
		return nil, err
	}
	s.api = &web.API{Catalog: s.rd.Catalog, Log: d.Log}
	psvc := partner.NewService(d.DB, alog, d.Now)
	if s.partner, err = partner.NewHandler(psvc, s.rd, s.api); err != nil {
		return nil, err
	}
	if s.account, err = account.NewHandler(s.auth, s.partner, s.rd, d.SecureCookies); err != nil {
		return nil, err
	}
	if s.audit, err = auditlog.NewHandler(d.DB, s.rd); err != nil {
		return nil, err
	}
	if d.Mail == nil {
		d.Mail = &mail.LogSender{Logger: d.Log}
	}
	s.env = &Env{DB: d.DB, Log: d.Log, Now: d.Now, Audit: alog, Auth: s.auth, R: s.rd, API: s.api, Mail: d.Mail,
		BaseURL: d.BaseURL, Partners: psvc, PartnerH: s.partner, Modules: map[string]any{}, jobs: &s.jobs,
		Outbox: outbox.New(d.DB, d.Mail, d.Log, alog, d.Now), Limits: ratelimit.New(d.DB, d.Now)}
	s.auth.Limits = s.env.Limits
	s.addPlatformJobs()
	s.addPlatformMetrics()
	if s.ops, err = ops.NewHandler(s.env.Outbox, s.Scheduler, s.rd); err != nil {
		return nil, err
	}
	// People archived for longer than the retention period lose their name
	// and contacts (kpss retention people does the same by hand).
	s.env.AddJob(Job{Name: "partner-people-retention", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
		ctx = audit.WithActor(ctx, audit.Actor{Name: "retention"})
		_, err := psvc.AnonymisePeople(ctx, partner.DefaultPeopleRetentionMonths, false)
		return err
	}})
	for _, m := range modules {
		v, err := m.Init(s.env)
		if err != nil {
			return nil, fmt.Errorf("server: module %s: %w", m.Name, err)
		}
		s.env.Modules[m.Name] = v
	}
	if missing := s.rd.Catalog.Missing(); len(missing) > 0 {
		return nil, fmt.Errorf("server: messages missing a translation: %v", missing)
	}
	s.rd.Nav = s.menu
	s.rd.Site = func(r *http.Request) string { return s.siteName(r.Context()) }
	s.setUpMaps(d)
	if err := s.mount(); err != nil {
		return nil, err
	}
	return s, nil
}

// Jobs returns the scheduled work of the modules (`kpss serve` runs them).
func (s *Server) Jobs() []Job { return s.jobs }

// Scheduler returns the scheduler of the server's jobs: `kpss serve` runs
// it; with several replicas on one database each run happens once.
func (s *Server) Scheduler() *jobs.Scheduler { return jobs.New(s.db, s.log, s.now, s.jobs) }

// Env returns the modules' environment (tests and the CLI use it).
func (s *Server) Env() *Env { return s.env }

// Auth returns the account service (the CLI and tests use it).
func (s *Server) Auth() *auth.Service { return s.auth }

// Routes returns the route list (the route × role test walks it).
func (s *Server) Routes() []Route { return s.list }

// Renderer returns the page renderer (template tests use it).
func (s *Server) Renderer() *web.Renderer { return s.rd }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) mount() error {
	mux := http.NewServeMux()
	s.list = s.routes()
	s.nav = append(s.nav, coreNav...)
	for _, m := range modules {
		s.list = append(s.list, m.Routes(s.env.Modules[m.Name])...)
		s.nav = append(s.nav, m.Nav...)
	}
	sort.SliceStable(s.nav, func(i, j int) bool { return s.nav[i].Order < s.nav[j].Order })
	s.policy = map[string]*auth.Policy{}
	seen := map[string]bool{}
	for _, rt := range s.list {
		if rt.Policy == nil {
			return fmt.Errorf("server: route %q has no policy", rt.Pattern)
		}
		if rt.Handler == nil {
			return fmt.Errorf("server: route %q has no handler", rt.Pattern)
		}
		if seen[rt.Pattern] {
			return fmt.Errorf("server: route %q is listed twice", rt.Pattern)
		}
		seen[rt.Pattern] = true
		s.policy[rt.Pattern] = rt.Policy
		mux.Handle(rt.Pattern, s.guard(rt))
	}
	own, err := web.StaticAssets()
	if err != nil {
		return err
	}
	mux.Handle("/static/", http.StripPrefix("/static/", web.ServeAssets(own, time.Hour)))
	if s.leaflet != "" {
		leaflet, err := web.LoadAssets(os.DirFS(s.leaflet))
		if err != nil {
			return err
		}
		mux.Handle("/static/vendor/leaflet/", http.StripPrefix("/static/vendor/leaflet/", web.ServeAssets(leaflet, 24*time.Hour)))
	}
	// Anything else is a 404 page (not the mux's plain-text one).
	mux.Handle("/", s.guard(Route{Pattern: "/", Policy: &auth.Public, Handler: func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.NotFound, "err.page_not_found")
	}}))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(web.WithLang(r.Context(), s.lang(r)))
		s.rd.Error(w, r, apperr.New(apperr.Forbidden, "err.csrf"))
	}))
	s.handler = s.observe(s.recoverer(securityHeaders(s.rd.Map.TileOrigin(), cors(cop.Handler(mux)))))
	return nil
}

// guard identifies the caller, checks the route's policy and runs the handler.
func (s *Server) guard(rt Route) http.Handler {
	cacheable := publicCacheable(rt)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setPattern(r.Context(), rt.Pattern)
		ctx := web.WithLang(r.Context(), s.lang(r))
		r = r.WithContext(ctx)
		if !s.limitBody(w, r, rt) {
			return
		}
		u, err := s.identify(w, r, rt.API)
		if err != nil {
			s.fail(w, r, rt, err)
			return
		}
		if u != nil {
			ctx = auth.WithUser(ctx, u)
			ctx = audit.WithActor(ctx, audit.Actor{ID: u.ID, Name: u.Login, IP: account.ClientIP(r)})
		} else {
			ctx = audit.WithActor(ctx, audit.Actor{IP: account.ClientIP(r)})
		}
		r = r.WithContext(ctx)
		ok, err := rt.Policy.Allows(r, u)
		if err != nil {
			s.fail(w, r, rt, err)
			return
		}
		if !ok {
			if u == nil {
				s.fail(w, r, rt, apperr.New(apperr.Unauthorized, "err.signin_required"))
			} else {
				s.fail(w, r, rt, apperr.New(apperr.Forbidden, "err.forbidden"))
			}
			return
		}
		if cacheable {
			if done, err := s.servePublic(w, r, rt); done {
				if err != nil {
					s.fail(w, r, rt, err)
				}
				return
			}
		}
		if err := rt.Handler(w, r); err != nil {
			s.fail(w, r, rt, err)
		}
	})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, rt Route, err error) {
	if rt.API {
		if apperr.CodeOf(err) == apperr.Unauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kpss"`)
		}
		s.api.Error(w, r, err)
		return
	}
	s.rd.Error(w, r, err)
}

// identify returns the caller: Bearer token for the API, session cookie for
// pages. No credentials means the public (nil, nil).
func (s *Server) identify(w http.ResponseWriter, r *http.Request, api bool) (*auth.User, error) {
	if api {
		h := r.Header.Get("Authorization")
		if h == "" {
			return nil, nil
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, apperr.New(apperr.Unauthorized, "err.bad_token")
		}
		return s.auth.TokenUser(r.Context(), strings.TrimSpace(token))
	}
	c, err := r.Cookie(account.SessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	u, err := s.auth.SessionUser(r.Context(), c.Value)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Unauthorized {
			// An ended session: forget the cookie and go on as the public.
			http.SetCookie(w, &http.Cookie{Name: account.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure || r.TLS != nil})
			return nil, nil
		}
		return nil, err
	}
	return u, nil
}

const langCookie = "kpss_lang"

// lang picks the UI language: the switch's cookie, else Accept-Language.
func (s *Server) lang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	if q := r.URL.Query().Get("lang"); i18n.Supported(q) && strings.HasPrefix(r.URL.Path, "/api/") {
		return q
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

func (s *Server) menu(r *http.Request) []web.NavItem {
	// Public entries (the catalogue, guides …) show to everyone, the rest to
	// those whose role may open them. The current entry is the one with the
	// longest path that the page's path starts with (/podnety/verejne, not
	// also /podnety).
	u := auth.UserFrom(r.Context())
	var out []web.NavItem
	current, best := -1, 0
	for _, n := range s.nav {
		p, ok := s.policy["GET "+n.Path]
		if !ok {
			continue
		}
		if allowed, _ := p.Allows(r, u); allowed {
			if (r.URL.Path == n.Path || strings.HasPrefix(r.URL.Path, n.Path+"/")) && len(n.Path) > best {
				current, best = len(out), len(n.Path)
			}
			out = append(out, web.NavItem{Path: n.Path, Label: n.Label, Public: p.Public})
		}
	}
	if current >= 0 {
		out[current].Current = true
	}
	return out
}

// siteName is the region's name for the header (one indexed row; not cached,
// so a renamed region shows at once in every process).
func (s *Server) siteName(ctx context.Context) string {
	var name string
	if err := s.db.QueryRow(ctx, `SELECT name FROM region WHERE id = 1`).Scan(&name); err != nil || name == "" {
		return "KPSS"
	}
	return name
}

// securityHeaders sets the headers of every answer. tiles is the map tile
// server's origin ("" for none), the one foreign source of images.
func securityHeaders(tiles string, next http.Handler) http.Handler {
	img := "img-src 'self' data:"
	if tiles != "" {
		img += " " + tiles
	}
	csp := "default-src 'self'; " + img + "; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("server: panic", "path", r.URL.Path, "panic", v)
				http.Error(w, "Internal Server Error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// HTTPServer returns an http.Server for addr with every timeout set
// (DefaultTimeouts).
func (s *Server) HTTPServer(addr string) *http.Server { return s.httpServer(addr, DefaultTimeouts) }

func (s *Server) httpServer(addr string, t Timeouts) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

package server

import (
	"log/slog"
	"sort"
	"time"

	"kpss/internal/jobs"
	"kpss/internal/outbox"
	"kpss/internal/ratelimit"

	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
)

// A Module is a domain module (suggestions, groups, plan, portal …) plugged
// into the server. Each module has one file here, mod_<name>.go, that
// registers it from init: its routes (with their policies) join the route
// list, its menu entries the menu, its OpenAPI fragment the document, its
// jobs the scheduler. Modules are set up in Order, so a module can use the
// services of those below it (lower Order) through Env.Modules.
type Module struct {
	Name  string
	Order int
	// Init builds the module's handlers; it returns the module's value, kept
	// in Env.Modules under Name for the modules above it.
	Init func(env *Env) (any, error)
	// Routes returns the module's routes; mod is what Init returned.
	Routes func(mod any) []Route
	// Nav lists the module's menu entries (path of a GET route, i18n label).
	Nav []NavEntry
	// OpenAPI returns the module's fragment (paths + components.schemas).
	OpenAPI func() []byte
}

// NavEntry is a menu entry; it shows to those who may GET its path.
type NavEntry struct {
	Path, Label string
	Order       int
}

// Job is work the server runs on a schedule (digests, reminders,
// retention); with several replicas each run happens on one of them
// (internal/jobs), so Run must be safe to repeat.
type Job = jobs.Job

// Env is what a module's Init gets.
type Env struct {
	DB       *store.DB
	Log      *slog.Logger
	Now      func() time.Time
	Audit    *audit.Log
	Auth     *auth.Service
	R        *web.Renderer
	API      *web.API
	Mail     mail.Sender
	BaseURL  string
	Partners *partner.Service
	PartnerH *partner.Handler
	// Outbox queues every module's e-mail in the transaction of its change;
	// the platform's worker delivers it (internal/outbox).
	Outbox *outbox.Outbox
	// Limits counts hits across replicas: anonymous public forms, sign-in.
	Limits *ratelimit.Limiter
	// Modules holds what the Init of each module set up so far returned.
	Modules map[string]any
	jobs    *[]Job
}

// AddJob schedules work for `kpss serve`.
func (e *Env) AddJob(j Job) { *e.jobs = append(*e.jobs, j) }

var modules []*Module

// Register adds a module; call it from an init function of mod_<name>.go.
func Register(m *Module) {
	modules = append(modules, m)
	sort.SliceStable(modules, func(i, j int) bool { return modules[i].Order < modules[j].Order })
}

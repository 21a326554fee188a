// Package config holds the settings of a kpss process, filled from flags and
// KPSS_* environment variables (flags win). No package globals: main builds one
// Config and passes it down.
package config

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// Config is everything a kpss process needs to know.
type Config struct {
	// Role is what `kpss serve` runs, KPSS_ROLE: "all" (pages and jobs, the
	// default), "web" (pages only: run the jobs elsewhere) or "worker" (jobs
	// and the outbox, serving only /healthz, /readyz and /metrics).
	Role string
	// MetricsToken lets a scraper from another host read /metrics,
	// KPSS_METRICS_TOKEN; without it only loopback may.
	MetricsToken  string
	Addr          string        // listen address, KPSS_ADDR
	DB            string        // DSN, KPSS_DB: sqlite:PATH or postgres://…
	Demo          bool          // load the demo region into an empty database
	DemoPassword  string        // KPSS_DEMO_PASSWORD; random when empty
	IdleTimeout   time.Duration // session idle timeout, KPSS_SESSION_IDLE
	SecureCookies bool          // KPSS_SECURE_COOKIES=1 behind a TLS proxy
	BaseURL       string        // public URL for links in e-mails, KPSS_BASE_URL
	SMTPHost      string        // KPSS_SMTP_HOST; empty: e-mails are logged
	SMTPPort      int           // KPSS_SMTP_PORT
	SMTPUser      string        // KPSS_SMTP_USER
	SMTPPassword  string        // KPSS_SMTP_PASSWORD
	SMTPFrom      string        // KPSS_SMTP_FROM
	SMTPTLS       string        // KPSS_SMTP_TLS: none | starttls | tls
	// Assets is the folder of the front-end packages (Leaflet for maps),
	// KPSS_ASSETS; empty: node_modules of the working directory or a parent.
	Assets string
	// MapTiles is the map tile URL template, KPSS_MAP_TILES; "off" draws no maps.
	MapTiles string
	// MapAttribution is the tile provider's credit, KPSS_MAP_ATTRIBUTION.
	MapAttribution string
}

// DefaultMapTiles are OpenStreetMap's standard tiles. Their usage policy
// suits a town's site with modest traffic; a busy site should use its own
// or a commercial tile server (KPSS_MAP_TILES).
const (
	DefaultMapTiles       = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	DefaultMapAttribution = "© přispěvatelé OpenStreetMap"
)

// FromEnv returns the defaults, overridden by the environment.
func FromEnv() Config {
	c := Config{
		Addr:         env("KPSS_ADDR", "127.0.0.1:8080"),
		DB:           env("KPSS_DB", "sqlite:kpss.db"),
		IdleTimeout:  30 * time.Minute,
		BaseURL:      os.Getenv("KPSS_BASE_URL"),
		SMTPHost:     os.Getenv("KPSS_SMTP_HOST"),
		SMTPUser:     os.Getenv("KPSS_SMTP_USER"),
		SMTPPassword: os.Getenv("KPSS_SMTP_PASSWORD"),
		SMTPFrom:     env("KPSS_SMTP_FROM", "kpss@localhost"),
		SMTPTLS:      env("KPSS_SMTP_TLS", "starttls"),
		DemoPassword: os.Getenv("KPSS_DEMO_PASSWORD"),
		Assets:       os.Getenv("KPSS_ASSETS"),
		MapTiles:     env("KPSS_MAP_TILES", DefaultMapTiles),
		Role:         env("KPSS_ROLE", "all"),
		MetricsToken: os.Getenv("KPSS_METRICS_TOKEN"),
	}
	c.MapAttribution = env("KPSS_MAP_ATTRIBUTION", "")
	if c.MapAttribution == "" && c.MapTiles == DefaultMapTiles {
		c.MapAttribution = DefaultMapAttribution
	}
	if d, err := time.ParseDuration(os.Getenv("KPSS_SESSION_IDLE")); err == nil && d > 0 {
		c.IdleTimeout = d
	}
	c.SecureCookies = os.Getenv("KPSS_SECURE_COOKIES") == "1"
	c.SMTPPort, _ = strconv.Atoi(os.Getenv("KPSS_SMTP_PORT"))
	return c
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// Roles of a `kpss serve` process.
const (
	RoleAll    = "all"
	RoleWeb    = "web"
	RoleWorker = "worker"
)

// CheckRole returns a Czech (and English) error for an unknown role.
func CheckRole(role string) error {
	switch role {
	case RoleAll, RoleWeb, RoleWorker:
		return nil
	}
	return fmt.Errorf("neznámá role %q: použijte all, web nebo worker (KPSS_ROLE / -role) / unknown role %q: use all, web or worker", role, role)
}

// Package config holds the settings of a kpss process, filled from flags and
// KPSS_* environment variables (flags win). No package globals: main builds one
// Config and passes it down.
package config

import (
	"os"
	"strconv"
	"time"
)

// Config is everything a kpss process needs to know.
type Config struct {
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
}

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

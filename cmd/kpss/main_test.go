package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"io"
	"kpss/internal/server"
	"kpss/internal/store"
	"kpss/internal/storetest"
	"log/slog"
)

// The CLI as an administrator uses it: migrate, add an account with the
// password on stdin, create a token, and the token opens the API.
func TestUserAddAndTokenCreate(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
			if engine == "postgres" {
				dsn = storetest.NewPostgresSchema(t, mustEnv(t))
			}
			var out bytes.Buffer
			if err := run(ctx, []string{"migrate", "-db", dsn}, nil, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "migrace hotové") {
				t.Errorf("migrate said %q", out.String())
			}
			out.Reset()
			err := run(ctx, []string{"user", "add", "-db", dsn, "-name", "jnovakova", "-role", "coordinator", "-full-name", "Jana Nováková"},
				strings.NewReader("dlouhe-tajne-heslo\n"), &out, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			// A short password is refused with a message naming the field.
			err = run(ctx, []string{"user", "add", "-db", dsn, "-name", "kratke", "-role", "member"}, strings.NewReader("abc\n"), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "password") {
				t.Errorf("short password: err = %v", err)
			}
			out.Reset()
			if err := run(ctx, []string{"token", "create", "-db", dsn, "-user", "jnovakova"}, nil, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			token := strings.TrimSpace(out.String())
			if !strings.HasPrefix(token, "kpss_") || strings.Contains(token, " ") {
				t.Fatalf("token create printed %q, want only the token", out.String())
			}
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			srv, err := server.New(server.Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"login":"jnovakova"`) || !strings.Contains(rec.Body.String(), `"role":"coordinator"`) {
				t.Fatalf("/api/v1/me with the new token: %d %s", rec.Code, rec.Body.String())
			}
			if err := run(ctx, []string{"token", "create", "-db", dsn, "-user", "nikdo"}, nil, io.Discard, io.Discard); err == nil {
				t.Error("a token for an unknown account was created")
			}
		})
	}
}

func mustEnv(t *testing.T) string {
	dsn := strings.TrimSpace(getenv("KPSS_TEST_POSTGRES_DSN"))
	if dsn == "" {
		t.Fatal("KPSS_TEST_POSTGRES_DSN not set")
	}
	return dsn
}

var getenv = os.Getenv

func TestDefaultBaseURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080",
		":8080":          "http://localhost:8080",
		"0.0.0.0:80":     "http://localhost:80",
		"[::]:8443":      "http://localhost:8443",
	} {
		if got := defaultBaseURL(addr); got != want {
			t.Errorf("defaultBaseURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// Package backup makes consistent copies of a kpss database while the
// server runs and writes, puts one back into an empty database, and checks
// a database's integrity.
//
// SQLite: VACUUM INTO writes a transactionally consistent copy in one
// statement (readers and writers carry on; WAL mode). PostgreSQL: pg_dump's
// custom format, which dumps one snapshot; kpss reads the dump's table of
// contents back (pg_restore --list) before it calls the backup done.
package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"kpss/internal/store"
)

// Info says what a backup or restore did.
type Info struct {
	File  string
	Bytes int64
	Took  time.Duration
}

// Backup writes a consistent copy of db into file, which must not exist.
func Backup(ctx context.Context, db *store.DB, file string) (Info, error) {
	start := time.Now()
	if _, err := os.Stat(file); err == nil {
		return Info{}, fmt.Errorf("soubor %s už existuje: zálohu nepřepíšu / %s exists", file, file)
	}
	switch db.Dialect() {
	case store.SQLite:
		abs, err := filepath.Abs(file)
		if err != nil {
			return Info{}, err
		}
		if _, err := db.Exec(ctx, `VACUUM INTO ?`, abs); err != nil {
			return Info{}, fmt.Errorf("záloha SQLite se nepovedla / SQLite backup failed: %w", err)
		}
	case store.Postgres:
		if err := run(ctx, nil, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", file, pgDSN(db.DSN())); err != nil {
			os.Remove(file)
			return Info{}, err
		}
		// A dump that cannot be listed cannot be restored.
		if err := run(ctx, io.Discard, "pg_restore", "--list", file); err != nil {
			return Info{}, fmt.Errorf("záloha %s nejde přečíst / the dump cannot be read: %w", file, err)
		}
	}
	st, err := os.Stat(file)
	if err != nil {
		return Info{}, err
	}
	return Info{File: file, Bytes: st.Size(), Took: time.Since(start)}, nil
}

// Restore puts the backup in file into the empty database of dsn: for
// SQLite a path that does not exist yet (or an empty file), for PostgreSQL
// a database without tables. The schema is then brought up to this
// version (migrations).
func Restore(ctx context.Context, dsn, file string) (Info, error) {
	start := time.Now()
	st, err := os.Stat(file)
	if err != nil {
		return Info{}, fmt.Errorf("záloha %s nejde otevřít / cannot open the backup: %w", file, err)
	}
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			return Info{}, fmt.Errorf("databáze %s už existuje a není prázdná: obnovuji jen do prázdné / %s exists and is not empty", path, path)
		}
		if err := copyFile(file, path); err != nil {
			return Info{}, err
		}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := store.Open(ctx, dsn)
		if err != nil {
			return Info{}, err
		}
		var tables int
		err = db.QueryRow(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&tables)
		db.Close()
		if err != nil {
			return Info{}, err
		}
		if tables > 0 {
			return Info{}, fmt.Errorf("cílová databáze má %d tabulek: obnovuji jen do prázdné / the target database is not empty", tables)
		}
		if err := run(ctx, nil, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", pgDSN(dsn), file); err != nil {
			return Info{}, err
		}
	default:
		return Info{}, fmt.Errorf("neznámé DSN %q (sqlite:CESTA nebo postgres://…) / unknown DSN", dsn)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return Info{}, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return Info{}, err
	}
	return Info{File: file, Bytes: st.Size(), Took: time.Since(start)}, nil
}

// pgDSN drops what only pgx understands from a DSN for libpq's tools.
func pgDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") || k == "default_query_exec_mode" || k == "statement_cache_capacity" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func run(ctx context.Context, stdout io.Writer, name string, args ...string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("%s není nainstalován (balíček postgresql-client); viz docs/operations.md / %s is not installed", name, name)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 800 {
			msg = msg[:800]
		}
		return fmt.Errorf("%s: %w: %s", name, err, msg)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// A Finding is one thing kpss check found wrong.
type Finding struct {
	Check, Problem string
}

// A Check is one integrity check beyond the engine's: a module's tallies
// against its raw rows, say. It returns its findings.
type Check struct {
	Name string
	Run  func(ctx context.Context) ([]string, error)
}

// Verify checks the engine's integrity (SQLite integrity_check and
// foreign_key_check; PostgreSQL constraints not validated), that every
// migration of this version is applied, and runs the extra checks.
func Verify(ctx context.Context, db *store.DB, extra []Check) ([]Finding, error) {
	var out []Finding
	add := func(check, problem string) { out = append(out, Finding{check, problem}) }
	switch db.Dialect() {
	case store.SQLite:
		rows, err := db.Query(ctx, `PRAGMA integrity_check`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			if s != "ok" {
				add("integrity", s)
			}
		}
		rows.Close()
		rows, err = db.Query(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var table, parent string
			var rowid, fkid any
			rows.Scan(&table, &rowid, &parent, &fkid)
			add("foreign_keys", fmt.Sprintf("%s řádek %v odkazuje na chybějící %s / row refers to a missing %s", table, rowid, parent, parent))
		}
		rows.Close()
	case store.Postgres:
		rows, err := db.Query(ctx, `SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE NOT convalidated AND connamespace = current_schema()::regnamespace`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var table, name string
			rows.Scan(&table, &name)
			add("constraints", fmt.Sprintf("%s: omezení %s není ověřené / constraint not validated", table, name))
		}
		rows.Close()
	}
	ms, err := store.Migrations(db.Dialect())
	if err != nil {
		return nil, err
	}
	var applied int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil {
		return nil, err
	}
	if applied < len(ms) {
		add("migrations", fmt.Sprintf("použito %d z %d migrací: spusťte kpss migrate / %d of %d migrations applied", applied, len(ms), applied, len(ms)))
	}
	for _, c := range extra {
		probs, err := c.Run(ctx)
		if err != nil {
			return out, fmt.Errorf("%s: %w", c.Name, err)
		}
		for _, p := range probs {
			add(c.Name, p)
		}
	}
	return out, nil
}

// ErrFindings is returned by the check command when something is wrong.
var ErrFindings = errors.New("kontrola našla problémy / the check found problems")

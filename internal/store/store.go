// Package store opens the database (SQLite embedded, or PostgreSQL), runs the
// migrations and offers one query API over both engines: queries are written
// with ? placeholders and rebound to $n for PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

// Dialect names the engine behind a DB.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Q runs queries; both *DB and *Tx implement it, so store functions work inside
// and outside a transaction.
type Q interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// DB is the application's database handle.
type DB struct {
	sql     *sql.DB
	dialect Dialect
	dsn     string
	queries atomic.Int64
	rebinds sync.Map
}

// Open opens a database from a DSN: "sqlite:PATH" (PATH may be ":memory:" only
// for throwaway use) or a "postgres://…" URL.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var (
		driver, src string
		d           Dialect
	)
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		driver, src, d = "pgx", dsn, Postgres
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, errors.New("store: empty sqlite path")
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		// busy_timeout before journal_mode, so that switching to WAL waits for a lock.
		// A 64 MiB page cache per connection and 256 MiB of mmap keep large
		// scans (statistics over a million suggestions) off the disk.
		driver, src, d = "sqlite", "file:"+path+sep+
			"_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"+
			"&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)&_pragma=mmap_size(268435456)&_pragma=temp_store(MEMORY)"+
			"&_txlock=immediate&_time_format=sqlite", SQLite
	default:
		return nil, fmt.Errorf("store: unknown DSN %q (use sqlite:PATH or postgres://…)", dsn)
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		return nil, err
	}
	if d == SQLite {
		db.SetMaxOpenConns(8)
	} else {
		db.SetMaxOpenConns(20)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s does not answer: %w", d, err)
	}
	return &DB{sql: db, dialect: d, dsn: dsn}, nil
}

// DSN returns the DSN the database was opened with (another process's
// connection to the same database: backups, a second replica in tests).
func (db *DB) DSN() string { return db.dsn }

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// Dialect returns the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the underlying handle, for the few callers that need it (health checks).
func (db *DB) SQL() *sql.DB { return db.sql }

// QueryCount returns how many queries ran since the DB was opened; benchmarks
// and tests use it to show query counts (no N+1).
func (db *DB) QueryCount() int64 { return db.queries.Load() }

// Rebind turns ? placeholders into $1, $2 … for PostgreSQL, leaving string
// literals alone.
func (db *DB) Rebind(q string) string {
	if db.dialect != Postgres {
		return q
	}
	if v, ok := db.rebinds.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n, inStr := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inStr = !inStr
			b.WriteByte(c)
		case c == '?' && !inStr:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	db.rebinds.Store(q, out)
	return out
}

func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	db.queries.Add(1)
	r, err := db.sql.ExecContext(ctx, db.Rebind(q), args...)
	return r, MapError(err)
}

func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	db.queries.Add(1)
	r, err := db.sql.QueryContext(ctx, db.Rebind(q), args...)
	return r, MapError(err)
}

func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	db.queries.Add(1)
	return db.sql.QueryRowContext(ctx, db.Rebind(q), args...)
}

// Tx is a transaction; it implements Q.
type Tx struct {
	tx     *sql.Tx
	db     *DB
	before []func(ctx context.Context) error
	after  []func()
	local  map[any]any
}

// AfterCommit runs fn once the transaction has committed (never when it
// rolls back): wake a worker, drop a cache. fn must not fail.
func (t *Tx) AfterCommit(fn func()) { t.after = append(t.after, fn) }

// BeforeCommit runs fn in the transaction after the work of InTx's fn is
// done and before the commit; an error rolls everything back. Used to write
// once what many steps of a transaction collected.
func (t *Tx) BeforeCommit(fn func(ctx context.Context) error) { t.before = append(t.before, fn) }

// Local returns the value kept in the transaction under key, made by mk the
// first time (state collected over one transaction, e.g. the topics whose
// stamps a change bumps).
func (t *Tx) Local(key any, mk func() any) any {
	if t.local == nil {
		t.local = map[any]any{}
	}
	v, ok := t.local[key]
	if !ok {
		v = mk()
		t.local[key] = v
	}
	return v
}

// AfterCommit runs fn after q's transaction commits when q is a
// transaction, at once when it is the database (no transaction to wait for).
func AfterCommit(q Q, fn func()) {
	if tx, ok := q.(*Tx); ok {
		tx.AfterCommit(fn)
		return
	}
	fn()
}

func (t *Tx) Dialect() Dialect { return t.db.dialect }

func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	t.db.queries.Add(1)
	r, err := t.tx.ExecContext(ctx, t.db.Rebind(q), args...)
	return r, MapError(err)
}

func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	t.db.queries.Add(1)
	r, err := t.tx.QueryContext(ctx, t.db.Rebind(q), args...)
	return r, MapError(err)
}

func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	t.db.queries.Add(1)
	return t.tx.QueryRowContext(ctx, t.db.Rebind(q), args...)
}

// InTx runs fn in a transaction, committing when fn returns nil. On SQLite the
// transaction takes the write lock at BEGIN (_txlock=immediate), so concurrent
// writers queue instead of failing with SQLITE_BUSY half way.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqltx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return MapError(err)
	}
	tx := &Tx{tx: sqltx, db: db}
	if err := fn(tx); err != nil {
		_ = sqltx.Rollback()
		return err
	}
	for i := 0; i < len(tx.before); i++ { // a hook may add another
		if err := tx.before[i](ctx); err != nil {
			_ = sqltx.Rollback()
			return err
		}
	}
	if err := sqltx.Commit(); err != nil {
		return MapError(err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// InsertID runs an INSERT … RETURNING id and returns the id.
func InsertID(ctx context.Context, q Q, query string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, MapError(err)
}

// Placeholders returns "?, ?, ?" for n values.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

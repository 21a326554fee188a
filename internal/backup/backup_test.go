package backup_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/backup"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// A backup taken while four writers keep writing holds every change
// acknowledged before it started; restored into an empty database it
// passes the check, and restoring over a database that is not empty is
// refused.
func TestBackupUnderLoadAndRestore(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			srcDSN, dstDSN := newDatabase(t, engine, dir, "src"), newDatabase(t, engine, dir, "dst")
			db, err := store.Open(ctx, srcDSN)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			log := audit.New()
			var mu sync.Mutex
			acked := map[string]time.Time{}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						name := fmt.Sprintf("w%d-%d", w, i)
						err := db.InTx(ctx, func(tx *store.Tx) error {
							return log.Record(ctx, tx, audit.Entry{Action: "create", Entity: "load", Summary: name})
						})
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						acked[name] = time.Now()
						mu.Unlock()
					}
				}()
			}
			time.Sleep(300 * time.Millisecond)
			file := filepath.Join(dir, "kpss.backup")
			started := time.Now()
			info, err := backup.Backup(ctx, db, file)
			time.Sleep(100 * time.Millisecond)
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if info.Bytes == 0 {
				t.Fatal("empty backup")
			}
			if _, err := backup.Backup(ctx, db, file); err == nil {
				t.Error("a backup overwrote an existing file")
			}

			if _, err := backup.Restore(ctx, dstDSN, file); err != nil {
				t.Fatal(err)
			}
			restored, err := store.Open(ctx, dstDSN)
			if err != nil {
				t.Fatal(err)
			}
			defer restored.Close()
			have := map[string]bool{}
			rows, err := restored.Query(ctx, `SELECT summary FROM audit_log WHERE entity = 'load'`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				rows.Scan(&s)
				have[s] = true
			}
			rows.Close()
			missing, before := 0, 0
			for name, at := range acked {
				if at.Before(started) {
					before++
					if !have[name] {
						missing++
					}
				}
			}
			if before == 0 || missing > 0 {
				t.Fatalf("%d of %d changes acknowledged before the backup are missing from it", missing, before)
			}
			t.Logf("%s: %d changes before the backup, %d in it, %d in all; %d B in %s", engine, before, len(have), len(acked), info.Bytes, info.Took)
			found, err := backup.Verify(ctx, restored, nil)
			if err != nil || len(found) > 0 {
				t.Fatalf("check of the restored database: %v %v", found, err)
			}
			if _, err := backup.Restore(ctx, dstDSN, file); err == nil || !strings.Contains(err.Error(), "prázdn") {
				t.Errorf("a restore over a full database: %v", err)
			}
		})
	}
}

// kpss check finds a row whose foreign key points nowhere (SQLite lets
// one in with foreign keys off, e.g. a copy edited by hand).
func TestCheckFindsBrokenForeignKeys(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t, "sqlite")
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`)
	if _, err := conn.ExecContext(ctx, `INSERT INTO meetings (group_id, starts_at, ends_at, state, created_at, updated_at) VALUES (999, '2026-01-01', '2026-01-01', 'planned', '2026-01-01', '2026-01-01')`); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
	conn.Close()
	found, err := backup.Verify(ctx, db, nil)
	if err != nil || len(found) == 0 || found[0].Check != "foreign_keys" {
		t.Fatalf("findings %v %v", found, err)
	}
}

// newDatabase returns the DSN of a new empty database of engine: a file
// path for SQLite, a database of its own on the test server for PostgreSQL
// (pg_dump and pg_restore work on whole databases).
func newDatabase(t *testing.T, engine, dir, name string) string {
	t.Helper()
	if engine == "sqlite" {
		return "sqlite:" + filepath.Join(dir, name+".db")
	}
	base := os.Getenv("KPSS_TEST_POSTGRES_DSN")
	admin, err := store.Open(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 5)
	rand.Read(b)
	dbname := "kpss_bk_" + name + "_" + hex.EncodeToString(b)
	if _, err := admin.Exec(context.Background(), "CREATE DATABASE "+dbname); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+dbname+" WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + dbname
	return u.String()
}

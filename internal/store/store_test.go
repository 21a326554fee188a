package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"kpss/internal/store"
	"kpss/internal/storetest"
)

func TestMigrationsHaveTheSameNumbersOnBothEngines(t *testing.T) {
	a, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Version != b[i].Version || a[i].Name != b[i].Name {
			t.Errorf("migration %d: sqlite %04d_%s, postgres %04d_%s", i, a[i].Version, a[i].Name, b[i].Version, b[i].Name)
		}
	}
}

func TestStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if n, err := db.Migrate(ctx); err != nil || n != 0 {
			t.Fatalf("second Migrate applied %d, err %v; want 0, nil", n, err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		id, err := store.InsertID(ctx, db, `INSERT INTO municipalities (name, kind, zuj, partner, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			"Bělov", "municipality", "585092", true, now, now)
		if err != nil {
			t.Fatal(err)
		}
		var (
			name    string
			partner bool
			created time.Time
		)
		if err := db.QueryRow(ctx, `SELECT name, partner, created_at FROM municipalities WHERE id = ?`, id).Scan(&name, &partner, &created); err != nil {
			t.Fatal(err)
		}
		if name != "Bělov" || !partner || !created.Equal(now) {
			t.Errorf("read back %q %v %v, want Bělov true %v", name, partner, created, now)
		}
		_, err = db.Exec(ctx, `INSERT INTO municipalities (name, kind, zuj, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, "Jiný", "town", "585092", now, now)
		if !errors.Is(err, store.ErrDuplicate) {
			t.Errorf("duplicate ZÚJ: err = %v, want ErrDuplicate", err)
		}
		err = db.QueryRow(ctx, `SELECT name FROM municipalities WHERE id = ?`, id+100).Scan(&name)
		if !errors.Is(store.MapError(err), store.ErrNotFound) {
			t.Errorf("missing row: err = %v, want ErrNotFound", err)
		}
		_, err = db.Exec(ctx, `INSERT INTO organisation_municipalities (organisation_id, municipality_id) VALUES (?, ?)`, 999, id)
		if !errors.Is(err, store.ErrReferenced) {
			t.Errorf("dangling reference: err = %v, want ErrReferenced", err)
		}
		// A failed transaction leaves nothing behind.
		boom := errors.New("boom")
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE municipalities SET name = ? WHERE id = ?`, "Změněno", id); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx err = %v", err)
		}
		db.QueryRow(ctx, `SELECT name FROM municipalities WHERE id = ?`, id).Scan(&name)
		if name != "Bělov" {
			t.Errorf("rolled back name = %q, want Bělov", name)
		}
		// The audit log cannot be changed or deleted.
		if _, err := db.Exec(ctx, `INSERT INTO audit_log (at, action, entity) VALUES (?, 'create', 'x')`, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE audit_log SET action = 'forged'`); !errors.Is(err, store.ErrAppendOnly) {
			t.Errorf("UPDATE audit_log: err = %v, want ErrAppendOnly", err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM audit_log`); !errors.Is(err, store.ErrAppendOnly) {
			t.Errorf("DELETE audit_log: err = %v, want ErrAppendOnly", err)
		}
		// Dates survive the round trip on both engines.
		d := store.NewDate(2026, 11, 30)
		var got store.Date
		if err := db.QueryRow(ctx, `SELECT CAST(? AS DATE)`, d).Scan(&got); err != nil && db.Dialect() == store.Postgres {
			t.Fatal(err)
		}
	})
}

func TestConcurrentWritersOnSQLite(t *testing.T) {
	db := storetest.New(t, "sqlite")
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- db.InTx(ctx, func(tx *store.Tx) error {
				var n int
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM target_groups`).Scan(&n); err != nil {
					return err
				}
				now := time.Now().UTC()
				_, err := tx.Exec(ctx, `INSERT INTO target_groups (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)`,
					"G"+string(rune('A'+n%26))+string(rune('a'+i%26))+time.Now().Format("150405.000000000"), "x", now, now)
				return err
			})
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent write: %v", err)
		}
	}
	var n int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM target_groups`).Scan(&n)
	if n != 40 {
		t.Errorf("rows = %d, want 40", n)
	}
}

func TestDateJSON(t *testing.T) {
	type x struct {
		Due  store.Date `json:"due"`
		None store.Date `json:"none"`
	}
	b, err := json.Marshal(x{Due: store.NewDate(2026, 3, 1)})
	if err != nil || string(b) != `{"due":"2026-03-01","none":null}` {
		t.Fatalf("json = %s, %v", b, err)
	}
	var back x
	if err := json.Unmarshal(b, &back); err != nil || back.Due.String() != "2026-03-01" || !back.None.IsZero() {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
}

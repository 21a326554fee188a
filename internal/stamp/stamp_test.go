package stamp_test

import (
	"context"
	"errors"
	"testing"

	"kpss/internal/stamp"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// A transaction that changes two municipalities and the region bumps each
// topic once, at commit; a rolled-back one bumps nothing.
func TestBumpOncePerTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, topic := range []string{"municipality", "municipality", "region"} {
				if err := stamp.Bump(ctx, tx, topic); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := stamp.Sum(ctx, db, "municipality"); n != 1 {
			t.Errorf("municipality %d, want 1", n)
		}
		if n, _ := stamp.Sum(ctx, db, "municipality", "region", "nothing"); n != 2 {
			t.Errorf("sum %d, want 2", n)
		}
		db.InTx(ctx, func(tx *store.Tx) error {
			stamp.Bump(ctx, tx, "region")
			return errors.New("rolled back")
		})
		stamp.Bump(ctx, db, "municipality")
		if n, _ := stamp.Sum(ctx, db, "municipality", "region"); n != 3 {
			t.Errorf("after a rollback and a bump outside a transaction: %d, want 3", n)
		}
	})
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"kpss/internal/audit"
	"kpss/internal/config"
	"kpss/internal/workshop"
)

// The workshops' commands: retention of participants' personal data (the
// server also runs it daily as "workshop-retention").
func init() {
	commands["retention workshops"] = Command{"kpss retention workshops -db DSN [-dry-run]   smaže potřeby účastníků měsíc a přihlášky dva roky po workshopu / erases participants' needs a month and registrations two years after the workshop", workshopRetention}
}

// workshopClock is the time the workshop commands see; tests replace it.
var workshopClock = time.Now

func workshopRetention(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("retention workshops", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	dry := fs.Bool("dry-run", false, "only count what would be erased")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := workshop.NewService(db, &audit.Log{Now: workshopClock}, workshopClock)
	n, err := svc.AnonymiseOld(audit.WithActor(ctx, audit.Actor{Name: "retention"}), *dry)
	if err != nil {
		return err
	}
	verb := "vymazáno / erased"
	if *dry {
		verb = "zkouška, nic nezměněno; vymazalo by se / dry run, nothing changed; would erase"
	}
	fmt.Fprintf(stdout, "přihlášky na workshopy: %s %d\n", verb, n)
	return nil
}

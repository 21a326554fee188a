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
	"kpss/internal/partner"
)

// The partners registry's commands: retention of archived people's personal
// data (the server also runs it daily as "partner-people-retention").
func init() {
	commands["retention people"] = Command{"kpss retention people -db DSN [-dry-run] [-months 36]   anonymizuje osoby archivované déle než 36 měsíců / anonymises people archived for longer than 36 months", peopleRetention}
}

// partnerClock is the time the partner commands see; tests replace it.
var partnerClock = time.Now

func peopleRetention(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("retention people", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	dry := fs.Bool("dry-run", false, "only say who would be anonymised")
	months := fs.Int("months", partner.DefaultPeopleRetentionMonths, "anonymise people archived more than this many months ago")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *months < 1 {
		return fmt.Errorf("-months: zadejte alespoň 1 / give at least 1")
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := partner.NewService(db, &audit.Log{Now: partnerClock}, partnerClock)
	ctx = audit.WithActor(ctx, audit.Actor{Name: "retention"})
	res, err := svc.AnonymisePeople(ctx, *months, *dry)
	if err != nil {
		return err
	}
	verb := "anonymizováno / anonymised"
	if *dry {
		verb = "zkouška, nic nezměněno; anonymizovalo by se / dry run, nothing changed; would anonymise"
	}
	fmt.Fprintf(stdout, "osoby archivované před %s: %s %d\n", res.Cutoff.Format(time.DateOnly), verb, len(res.IDs))
	return nil
}

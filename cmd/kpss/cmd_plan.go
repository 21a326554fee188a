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
	"kpss/internal/plan"
)

// The plan module's commands: retention of the names and contacts in the
// inputs of users (the server also runs it daily as "plan-voice-retention").
func init() {
	commands["retention voice"] = Command{"kpss retention voice -db DSN [-dry-run] [-months 36]   odstraní jména a kontakty ze starých záznamů hlasu uživatelů / removes names and contacts from old inputs of users", planVoiceRetention}
}

// planClock is the time the plan's commands see; tests replace it.
var planClock = time.Now

func planVoiceRetention(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("retention voice", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	dry := fs.Bool("dry-run", false, "only say what would be anonymised")
	months := fs.Int("months", plan.DefaultVoiceRetentionMonths, "anonymise inputs recorded for a day more than this many months ago")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	alog := &audit.Log{Now: planClock}
	svc := plan.NewService(db, alog, planClock, partner.NewService(db, alog, planClock))
	svc.Log = log
	ctx = audit.WithActor(ctx, audit.Actor{Name: "retention"})
	res, err := svc.AnonymiseVoice(ctx, *months, *dry)
	if err != nil {
		return err
	}
	verb := "anonymizováno / anonymised"
	if *dry {
		verb = "zkouška, nic nezměněno; anonymizovalo by se / dry run, nothing changed; would anonymise"
	}
	fmt.Fprintf(stdout, "záznamy hlasu uživatelů ze dnů před %s: %s %d (text se změnil u %d / text changed in %d)\n",
		res.Cutoff.Format(time.DateOnly), verb, len(res.IDs), res.Changed, res.Changed)
	return nil
}

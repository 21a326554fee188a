package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/config"
	"kpss/internal/grant"
	"kpss/internal/partner"
)

// The grant module's commands: retention of the applications' contact
// persons (the server also runs it daily as "grant-retention").
func init() {
	commands["retention grant"] = Command{"kpss retention grant -db DSN [-dry-run] [-years 10]   odstraní kontaktní osoby ze žádostí o dotaci rozhodnutých před lety / erases the contact persons of grant applications decided years ago", grantRetention}
}

// grantClock is the time the grant commands see; tests replace it.
var grantClock = time.Now

func grantRetention(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("retention grant", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	dry := fs.Bool("dry-run", false, "only say how many would be erased")
	years := fs.Int("years", grant.RetentionYears, "erase contacts of calls decided more than this many years ago")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	alog := &audit.Log{Now: grantClock}
	svc := grant.NewService(db, alog, grantClock, partner.NewService(db, alog, grantClock), auth.NewService(db, alog, grantClock))
	svc.Log = log
	n, err := svc.AnonymiseContacts(audit.WithActor(ctx, audit.Actor{Name: "retention"}), *years, *dry)
	if err != nil {
		return err
	}
	if *dry {
		fmt.Fprintf(stdout, "zkouška, nic nezměněno / dry run, nothing changed: kontaktní osoby by se odstranily z %d žádostí / contacts would be erased from %d applications\n", n, n)
		return nil
	}
	fmt.Fprintf(stdout, "kontaktní osoby odstraněny z %d žádostí / contacts erased from %d applications\n", n, n)
	return nil
}

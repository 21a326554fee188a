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
	"kpss/internal/group"
	"kpss/internal/partner"
)

// The groups module's commands: deliver the queued e-mails once (the server
// does it continuously as the "group-outbox" job).
func init() {
	commands["outbox"] = Command{"kpss outbox -db DSN   odešle e-maily skupin čekající ve frontě (pozvánky, oznámení) / sends the groups' queued e-mails (invitations, notices)", groupOutbox}
}

// groupClock is the time the group commands see; tests replace it.
var groupClock = time.Now

func groupOutbox(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("outbox", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	alog := &audit.Log{Now: groupClock}
	svc := group.NewService(db, alog, groupClock, partner.NewService(db, alog, groupClock))
	svc.Mail, svc.Log = mailer(cfg, log), log
	res, err := svc.ProcessOutbox(ctx)
	if err != nil {
		return err
	}
	var waiting int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM group_outbox WHERE state = 'pending'`).Scan(&waiting); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "odesláno / sent %d, zkusí se znovu / to retry %d, nedoručitelné / failed %d, ve frontě / queued %d\n", res.Sent, res.Retry, res.Failed, waiting)
	return nil
}

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
	"kpss/internal/outbox"
)

// `kpss outbox` delivers the e-mails of every module waiting in the shared
// outbox once (the server does it continuously) and says how it went.
func init() {
	commands["outbox"] = Command{"kpss outbox -db DSN   odešle e-maily čekající ve frontě (pozvánky, oznámení, připomínky všech modulů) / sends the queued e-mails of every module", runOutbox}
}

// outboxClock is the time the outbox command sees; tests replace it.
var outboxClock = time.Now

func runOutbox(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
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
	ob := outbox.New(db, mailer(cfg, log), log, &audit.Log{Now: outboxClock}, outboxClock)
	res, err := ob.Process(ctx)
	if err != nil {
		return err
	}
	counts, err := ob.Counts(ctx)
	if err != nil {
		return err
	}
	waiting, failed := 0, 0
	for _, c := range counts {
		waiting += c[outbox.Pending]
		failed += c[outbox.Failed]
	}
	fmt.Fprintf(stdout, "odesláno / sent %d, zkusí se znovu / to retry %d, nedoručitelné / failed %d, ve frontě / queued %d, celkem nedoručitelných / failed in all %d\n",
		res.Sent, res.Retry, res.Failed, waiting, failed)
	return nil
}

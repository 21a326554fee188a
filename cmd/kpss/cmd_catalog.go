package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"kpss/internal/audit"
	"kpss/internal/catalog"
	"kpss/internal/config"
	"kpss/internal/partner"
)

func init() {
	commands["import registry"] = Command{
		Usage: "kpss import registry -db DSN [-obce \"Otrokovice,585459\"] [-okres CZ0724] FILE.json   import z registru poskytovatelů MPSV / MPSV registry import",
		Run:   importRegistry,
	}
}

// importRegistry reads the MPSV registry's rpss.json into the catalogue and
// prints what it created, updated, left unchanged, deactivated and skipped.
func importRegistry(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("import registry", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	obce := fs.String("obce", "", "municipalities by name or code, comma-separated (default: the region's municipalities)")
	okres := fs.String("okres", "", "a district (okres) code or name instead of municipalities")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("zadejte soubor rpss.json / give the rpss.json file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	alog := audit.New()
	c := catalog.New(db, alog, partner.NewService(db, alog, time.Now), time.Now)
	opt := catalog.ImportOptions{District: *okres}
	if *obce != "" {
		opt.Municipalities = strings.Split(*obce, ",")
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "cli"})
	rep, err := c.Import(ctx, f, opt)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "záznamů v souboru / records in the file: %d\n", rep.Total)
	for _, l := range []struct {
		label string
		names []string
	}{{"nové / created", rep.Created}, {"změněné / updated", rep.Updated}, {"beze změny / unchanged", rep.Unchanged}, {"ukončené / deactivated", rep.Deactivated}} {
		fmt.Fprintf(stdout, "%s: %d\n", l.label, len(l.names))
		for _, n := range l.names {
			if l.label != "beze změny / unchanged" {
				fmt.Fprintf(stdout, "  %s\n", n)
			}
		}
	}
	fmt.Fprintf(stdout, "přeskočené / skipped: %d\n", len(rep.Skipped))
	for _, s := range rep.Skipped {
		fmt.Fprintf(stdout, "  %s: %s %s\n", s.ID, catalog.SkipReason(s.Reason), s.Detail)
	}
	return nil
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"kpss/internal/audit"
	"kpss/internal/backup"
	"kpss/internal/config"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/suggestion"
)

// Backups, restores and integrity checks (docs/operations.md).
func init() {
	commands["backup"] = Command{"kpss backup -db DSN SOUBOR   konzistentní záloha za běhu (SQLite VACUUM INTO, PostgreSQL pg_dump) / a consistent backup while running", runBackup}
	commands["restore"] = Command{"kpss restore -db DSN SOUBOR   obnoví zálohu do prázdné databáze / restores a backup into an empty database", runRestore}
	commands["check"] = Command{"kpss check -db DSN   ověří integritu: cizí klíče, migrace, součty podnětů / checks integrity: foreign keys, migrations, tallies", runCheck}
}

func fileArg(name string, cfg *config.Config, args []string) (string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() != 1 {
		return "", fmt.Errorf("zadejte jeden soubor zálohy: kpss %s -db DSN SOUBOR / give one backup file", name)
	}
	return fs.Arg(0), nil
}

func runBackup(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	file, err := fileArg("backup", &cfg, args)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	info, err := backup.Backup(ctx, db, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "záloha / backup: %s, %d B, %s\n", info.File, info.Bytes, info.Took.Round(time.Millisecond))
	return nil
}

func runRestore(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	file, err := fileArg("restore", &cfg, args)
	if err != nil {
		return err
	}
	info, err := backup.Restore(ctx, cfg.DB, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "obnoveno / restored: %s, %s; ověřte: kpss check -db … / now run kpss check\n", info.File, info.Took.Round(time.Millisecond))
	return nil
}

func runCheck(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	alog := audit.New()
	sug := suggestion.NewService(db, alog, time.Now, partner.NewService(db, alog, time.Now), nil, "", log)
	checks := []backup.Check{{Name: "suggestion_tallies", Run: func(ctx context.Context) ([]string, error) {
		bad, err := sug.CheckTallies(ctx)
		if err != nil || bad == 0 {
			return nil, err
		}
		return []string{fmt.Sprintf("%d součtů nesouhlasí s podněty: kpss rebuild suggestions / %d tallies differ from the suggestions", bad, bad)}, nil
	}}}
	found, err := backup.Verify(ctx, db, checks)
	if err != nil {
		return err
	}
	for _, f := range found {
		fmt.Fprintf(stdout, "CHYBA / PROBLEM [%s] %s\n", f.Check, f.Problem)
	}
	if len(found) > 0 {
		return backup.ErrFindings
	}
	fmt.Fprintln(stdout, "v pořádku / ok: integrita, cizí klíče, migrace, součty podnětů")
	return nil
}

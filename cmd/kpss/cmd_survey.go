package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"kpss/internal/audit"
	"kpss/internal/config"
	"kpss/internal/survey"
)

// The surveys' commands: erasing old invitations' addresses (the job of
// `kpss serve` does it daily) and recounting a survey's tallies.
func init() {
	commands["retention surveys"] = Command{"kpss retention surveys -db DSN [-dry-run] [-days 365]   smaže adresy z pozvánek k dávno ukončeným dotazníkům / erases addresses of invitations to long-closed surveys", surveyRetention}
	commands["rebuild survey"] = Command{"kpss rebuild survey -db DSN ID   přepočítá souhrny odpovědí dotazníku / recounts a survey's tallies from its answers", surveyRebuild}
}

// surveyClock is the time the commands see; tests replace it.
var surveyClock = time.Now

func surveyRetention(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("retention surveys", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	dry := fs.Bool("dry-run", false, "only count what would be erased")
	days := fs.Int("days", int(survey.InvitationRetention/(24*time.Hour)), "erase invitations of surveys closed more than this many days ago")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := survey.NewService(db, &audit.Log{Now: surveyClock}, surveyClock)
	ctx = audit.WithActor(ctx, audit.Actor{Name: "retention"})
	n, err := svc.AnonymiseInvitations(ctx, time.Duration(*days)*24*time.Hour, *dry)
	if err != nil {
		return err
	}
	if *dry {
		fmt.Fprintf(stdout, "zkouška, nic nezměněno; smazaly by se adresy %d pozvánek / dry run, nothing changed; would erase %d invitations' addresses\n", n, n)
		return nil
	}
	fmt.Fprintf(stdout, "smazány adresy %d pozvánek / erased %d invitations' addresses\n", n, n)
	return nil
}

func surveyRebuild(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("rebuild survey", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	if err := fs.Parse(args); err != nil {
		return err
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if fs.NArg() != 1 || err != nil {
		return errors.New("zadejte číslo dotazníku / give the survey's number")
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := survey.NewService(db, &audit.Log{Now: surveyClock}, surveyClock)
	if err := svc.RebuildTallies(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "dotazník %d: souhrny přepočítány / survey %d: tallies recounted\n", id, id)
	return nil
}

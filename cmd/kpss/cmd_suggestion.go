package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"kpss/internal/audit"
	"kpss/internal/config"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/suggestion"
)

// The suggestions module's commands: retention of personal data, import of
// historical suggestions from CSV, and a generator for benchmarks.
func init() {
	commands["retention"] = Command{"kpss retention -db DSN [-dry-run] [-months 36]   anonymizuje osobní údaje starých podnětů / anonymises old suggestions' personal data", suggestionRetention}
	commands["import suggestions"] = Command{"kpss import suggestions -db DSN FILE.csv   načte historické podněty (vše, nebo nic) / imports historical suggestions (all or nothing)", suggestionImport}
	commands["rebuild suggestions"] = Command{"kpss rebuild suggestions -db DSN   přepočítá souhrny pro statistiky podnětů / rebuilds the suggestions' statistics tallies", suggestionRebuild}
	commands["generate suggestions"] = Command{"kpss generate suggestions -db DSN -n 1000000   vytvoří zkušební podněty pro měření / generates suggestions for benchmarks", suggestionGenerate}
}

// suggestionClock is the time the commands see; tests replace it.
var suggestionClock = time.Now

func suggestionService(ctx context.Context, cfg config.Config, log *slog.Logger) (*suggestion.Service, *store.DB, error) {
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return nil, nil, err
	}
	alog := &audit.Log{Now: suggestionClock}
	return suggestion.NewService(db, alog, suggestionClock, partner.NewService(db, alog, suggestionClock), nil, cfg.BaseURL, log), db, nil
}

func suggestionRetention(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("retention", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	dry := fs.Bool("dry-run", false, "only say what would be anonymised")
	months := fs.Int("months", 36, "anonymise suggestions finished more than this many months ago")
	if err := fs.Parse(args); err != nil {
		return err
	}
	svc, db, err := suggestionService(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = audit.WithActor(ctx, audit.Actor{Name: "retention"})
	res, err := svc.Anonymise(ctx, *months, *dry)
	if err != nil {
		return err
	}
	verb := "anonymizováno / anonymised"
	if *dry {
		verb = "zkouška, nic nezměněno; anonymizovalo by se / dry run, nothing changed; would anonymise"
	}
	fmt.Fprintf(stdout, "podněty uzavřené před %s: %s %d\n", res.Cutoff.Format(time.DateOnly), verb, len(res.Codes))
	for _, c := range res.Codes {
		fmt.Fprintln(stdout, "  "+c)
	}
	return nil
}

func suggestionImport(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("import suggestions", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("zadejte jeden soubor CSV / give one CSV file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	svc, db, err := suggestionService(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = audit.WithActor(ctx, audit.Actor{Name: "import"})
	res, err := svc.Import(ctx, f)
	if err != nil {
		return err
	}
	if len(res.Problems) > 0 {
		fmt.Fprintf(stdout, "Nic nebylo načteno: soubor má %d chyb. Opravte je a spusťte import znovu. / Nothing imported.\n", len(res.Problems))
		for _, p := range res.Problems {
			fmt.Fprintln(stdout, "  "+p)
		}
		return fmt.Errorf("import odmítnut / import refused: %d chyb", len(res.Problems))
	}
	fmt.Fprintf(stdout, "načteno podnětů / imported: %d\n", res.Imported)
	return nil
}

func suggestionGenerate(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("generate suggestions", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	n := fs.Int("n", 1000, "how many")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	svc, db, err := suggestionService(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = audit.WithActor(ctx, audit.Actor{Name: "generate"})
	start := time.Now()
	err = svc.Generate(ctx, *n, *seed, func(done int) {
		if done%100000 == 0 || done == *n {
			fmt.Fprintf(stdout, "  %d / %d (%s)\n", done, *n, time.Since(start).Round(time.Second))
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "vytvořeno podnětů / generated: %d za / in %s\n", *n, time.Since(start).Round(time.Millisecond))
	return nil
}

func suggestionRebuild(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("rebuild suggestions", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	if err := fs.Parse(args); err != nil {
		return err
	}
	svc, db, err := suggestionService(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = audit.WithActor(ctx, audit.Actor{Name: "rebuild"})
	start := time.Now()
	n, err := svc.RebuildTallies(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "souhrny přepočítány z %d podnětů / tallies rebuilt from %d suggestions (%s)\n", n, n, time.Since(start).Round(time.Millisecond))
	return nil
}

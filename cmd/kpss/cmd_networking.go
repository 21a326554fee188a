package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"kpss/internal/config"
	"kpss/internal/networking"
)

func init() {
	commands["networking plan"] = Command{"kpss networking plan [-tables N] [-rounds R] FILE.json   rozvrh rotující seznamky: kdo s kým v kterém kole / plans the rounds of a speed-networking event", networkingPlan}
}

// badInput fails a command with exit status 2 and a Czech message.
type badInput struct{ msg string }

func (e badInput) Error() string { return e.msg }
func (e badInput) ExitCode() int { return 2 }

type planFile struct {
	People []struct {
		ID  string `json:"id"`
		Org string `json:"org"`
	} `json:"people"`
	Wishes [][]string `json:"wishes"`
	Must   [][]string `json:"must"`
	Avoid  [][]string `json:"avoid"`
}

type planReason struct {
	Pair    [2]string `json:"pair"`
	Reason  string    `json:"reason"`
	Message string    `json:"message"`
}

type planOutput struct {
	Rounds      [][][2]string `json:"rounds"`
	LowerBound  int           `json:"lower_bound"`
	Optimal     bool          `json:"optimal"`
	Unscheduled [][2]string   `json:"unscheduled"`
	// Reasons says why each unscheduled pair is left out (same order).
	Reasons []planReason `json:"unscheduled_reasons"`
}

func networkingPlan(_ context.Context, _ config.Config, _ *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("networking plan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	tables := fs.Int("tables", 0, "number of tables (0: as many as the people fill)")
	rounds := fs.Int("rounds", 0, "most rounds (0: no cap)")
	if err := fs.Parse(args); err != nil {
		return badInput{"Neplatný přepínač: " + err.Error() + ". Použití: kpss networking plan [-tables N] [-rounds R] FILE.json"}
	}
	if fs.NArg() != 1 {
		return badInput{"Zadejte jeden soubor JSON. Použití: kpss networking plan [-tables N] [-rounds R] FILE.json"}
	}
	b, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return badInput{fmt.Sprintf("Soubor %s nejde přečíst: %v", fs.Arg(0), err)}
	}
	in, err := parsePlanFile(b)
	if err != nil {
		return err
	}
	in.Tables, in.Rounds = *tables, *rounds
	res, err := networking.Schedule(in)
	if err != nil {
		var ie *networking.InputError
		if errors.As(err, &ie) {
			return badInput{ie.Msg}
		}
		return err
	}
	out := planOutput{Rounds: [][][2]string{}, LowerBound: res.LowerBound, Optimal: res.Optimal, Unscheduled: [][2]string{}, Reasons: []planReason{}}
	for _, round := range res.Rounds {
		ps := make([][2]string, len(round))
		for i, m := range round {
			ps[i] = [2]string{m.A, m.B}
		}
		out.Rounds = append(out.Rounds, ps)
	}
	for _, u := range res.Unscheduled {
		out.Unscheduled = append(out.Unscheduled, u.Pair)
		out.Reasons = append(out.Reasons, planReason{u.Pair, u.Reason, networking.ReasonText(u)})
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func parsePlanFile(b []byte) (networking.Input, error) {
	var f planFile
	var in networking.Input
	if err := json.Unmarshal(b, &f); err != nil {
		return in, badInput{"Soubor není platný JSON ve tvaru {\"people\":[{\"id\":\"a\",\"org\":\"X\"}],\"wishes\":[[\"a\",\"b\"]]}: " + err.Error()}
	}
	for _, p := range f.People {
		in.People = append(in.People, networking.Person{ID: p.ID, Org: p.Org})
	}
	pairs := func(list string, ps [][]string) ([]networking.Pair, error) {
		out := make([]networking.Pair, 0, len(ps))
		for i, p := range ps {
			if len(p) != 2 {
				return nil, badInput{fmt.Sprintf("Položka %d seznamu %s musí být dvojice [\"a\",\"b\"].", i+1, list)}
			}
			out = append(out, networking.Pair{p[0], p[1]})
		}
		return out, nil
	}
	var err error
	if in.Wishes, err = pairs("wishes", f.Wishes); err != nil {
		return in, err
	}
	if in.Must, err = pairs("must", f.Must); err != nil {
		return in, err
	}
	if in.Avoid, err = pairs("avoid", f.Avoid); err != nil {
		return in, err
	}
	return in, nil
}

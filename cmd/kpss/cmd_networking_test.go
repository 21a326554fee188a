package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNetworkingPlanCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// K_4 of four organisations: 3 rounds of 2 pairs, optimal.
	k4 := write("k4.json", `{"people":[{"id":"a","org":"A"},{"id":"b","org":"B"},{"id":"c","org":"C"},{"id":"d","org":"D"}],
		"wishes":[["a","b"],["a","c"],["a","d"],["b","c"],["b","d"],["c","d"]]}`)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"networking", "plan", k4}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Rounds      [][][2]string `json:"rounds"`
		LowerBound  int           `json:"lower_bound"`
		Optimal     bool          `json:"optimal"`
		Unscheduled [][2]string   `json:"unscheduled"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if len(got.Rounds) != 3 || got.LowerBound != 3 || !got.Optimal || len(got.Unscheduled) != 0 || got.Unscheduled == nil {
		t.Fatalf("%s", out.String())
	}
	for _, r := range got.Rounds {
		if len(r) != 2 {
			t.Fatalf("round %v", r)
		}
	}
	// Two tables, one round: only two pairs fit.
	out.Reset()
	if err := run(context.Background(), []string{"networking", "plan", "-tables", "1", "-rounds", "2", k4}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got.Rounds) != 2 || len(got.Unscheduled) != 4 || got.Optimal {
		t.Fatalf("capped: %s", out.String())
	}

	for name, body := range map[string]string{
		"unknown":    `{"people":[{"id":"a"}],"wishes":[["a","z"]]}`,
		"self":       `{"people":[{"id":"a"}],"wishes":[["a","a"]]}`,
		"must-avoid": `{"people":[{"id":"a","org":"X"},{"id":"b","org":"Y"}],"must":[["a","b"]],"avoid":[["b","a"]]}`,
		"not json":   `{"people":`,
		"triple":     `{"people":[{"id":"a"},{"id":"b"}],"wishes":[["a","b","a"]]}`,
	} {
		err := run(context.Background(), []string{"networking", "plan", write(name+".json", body)}, nil, io.Discard, io.Discard)
		var coded interface{ ExitCode() int }
		if !errors.As(err, &coded) || coded.ExitCode() != 2 || !strings.ContainsAny(err.Error(), "áéíóúůýčďěňřšťž") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

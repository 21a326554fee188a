package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// kpss backup, restore and check as an operator types them, on SQLite.
func TestBackupRestoreCheckCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src, dst, file := "sqlite:"+filepath.Join(dir, "kpss.db"), "sqlite:"+filepath.Join(dir, "obnova.db"), filepath.Join(dir, "zaloha.db")
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "-db", src}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"backup", "-db", src, file}, {"restore", "-db", dst, file}, {"check", "-db", dst}} {
		out.Reset()
		if err := run(ctx, args, nil, &out, io.Discard); err != nil {
			t.Fatalf("%v: %v %s", args, err, out.String())
		}
	}
	if !strings.Contains(out.String(), "v pořádku") {
		t.Errorf("check: %s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"restore", "-db", dst, file}, nil, &out, io.Discard); err == nil {
		t.Error("restored over a database that is not empty")
	}
	if err := run(ctx, []string{"backup", "-db", src}, nil, &out, io.Discard); err == nil || !strings.Contains(err.Error(), "zadejte jeden soubor") {
		t.Errorf("backup without a file: %v", err)
	}
}

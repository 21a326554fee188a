package main

import (
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/web"
)

// describe turns a validation error into a readable Czech CLI message.
func describe(err error) error {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	rd, rerr := web.NewRenderer(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if rerr != nil {
		return err
	}
	l := rd.Catalog.For("cs")
	var parts []string
	for f, m := range e.Fields {
		parts = append(parts, "-"+f+": "+l.Msg(m))
	}
	sort.Strings(parts)
	return fmt.Errorf("neplatné údaje / invalid input:\n  %s", strings.Join(parts, "\n  "))
}

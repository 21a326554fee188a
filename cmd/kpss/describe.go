package main

import (
	"fmt"
	"sort"
	"strings"

	"kpss/internal/apperr"
)

// describe turns a validation error into a readable CLI message.
func describe(err error) error {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var parts []string
	for f, m := range e.Fields {
		parts = append(parts, f+": "+m.Key)
	}
	sort.Strings(parts)
	return fmt.Errorf("neplatné údaje / invalid input: %s", strings.Join(parts, ", "))
}

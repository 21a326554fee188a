// Package apperr defines the application's error kinds. Services return them;
// the web and API layers map them to HTTP status codes in one place.
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Code is the kind of an application error.
type Code string

const (
	Invalid      Code = "invalid"      // bad input; Fields says which
	NotFound     Code = "not_found"    // the thing does not exist (or is hidden from the caller)
	Conflict     Code = "conflict"     // it clashes with existing data (duplicate, referenced, frozen)
	Forbidden    Code = "forbidden"    // the caller may not do this
	Unauthorized Code = "unauthorized" // the caller must sign in
	TooMany      Code = "too_many"     // throttled
	TooLarge     Code = "too_large"    // the request body is over its cap (413)
	Internal     Code = "internal"     // a bug or an outage; details are logged, not shown
)

// Msg is a translatable message: an i18n key with named arguments.
type Msg struct {
	Key  string
	Args map[string]any
}

// Error is an application error with a translatable message.
type Error struct {
	Code   Code
	Msg    Msg
	Fields map[string]Msg // field name → problem, for Invalid
	Retry  int            // seconds, for TooMany
	Err    error          // the cause, logged only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Msg.Key, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Msg.Key)
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given code with a message key.
func New(code Code, key string) *Error { return &Error{Code: code, Msg: Msg{Key: key}} }

// NotFoundf is the usual not-found error for an entity kind.
func NotFoundErr(entity string) *Error {
	return &Error{Code: NotFound, Msg: Msg{Key: "err.not_found", Args: map[string]any{"Entity": entity}}}
}

// CodeOf returns the code of err, Internal for foreign errors.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// TooLargeErr is the error of a request body over its cap of max bytes
// ("Odeslaná data jsou příliš velká (nejvýše 2 MB)").
func TooLargeErr(max int64) *Error {
	return &Error{Code: TooLarge, Msg: Msg{Key: "err.body_too_large", Args: map[string]any{"Max": FormatBytes(max)}}}
}

// FormatBytes writes a size the way a Czech user reads it: "512 kB", "2 MB".
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// Fields collects field errors during validation.
type Fields map[string]Msg

// Add records the first problem of a field.
func (f Fields) Add(field, key string, args ...any) {
	if _, ok := f[field]; ok {
		return
	}
	m := Msg{Key: key}
	if len(args) > 1 {
		m.Args = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			m.Args[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	f[field] = m
}

// Err returns nil when no field has a problem, else an Invalid error.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Msg: Msg{Key: "err.invalid"}, Fields: f}
}

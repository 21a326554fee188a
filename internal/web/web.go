// Package web renders the server-side HTML pages and JSON answers: the shared
// layout, forms that keep what the user typed, one mapping of application
// errors to HTTP statuses, flash messages and the language of a request.
package web

import (
	"context"
	"net/http"

	"kpss/internal/apperr"
)

// HandlerFunc is an HTTP handler that returns an error; an adapter turns the
// error into a page or a JSON answer.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Status maps an application error to an HTTP status, in one place.
func Status(err error) int {
	switch apperr.CodeOf(err) {
	case apperr.Invalid:
		return http.StatusBadRequest
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.TooMany:
		return http.StatusTooManyRequests
	case apperr.TooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

type langKey struct{}

// WithLang returns ctx carrying the UI language.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// LangFrom returns the UI language of ctx ("cs" when unset).
func LangFrom(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok {
		return l
	}
	return "cs"
}

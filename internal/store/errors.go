package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"kpss/internal/apperr"
)

// Sentinel errors; callers test them with errors.Is.
var (
	ErrNotFound   = errors.New("store: not found")
	ErrDuplicate  = errors.New("store: duplicate value")
	ErrReferenced = errors.New("store: referenced by other rows")
	ErrAppendOnly = errors.New("store: append-only table")
)

// MapError turns driver errors into the sentinels above.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return wrap(ErrDuplicate, err)
		case "23503":
			return wrap(ErrReferenced, err)
		case "P0001":
			if strings.Contains(pg.Message, "append-only") {
				return wrap(ErrAppendOnly, err)
			}
		}
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return wrap(ErrDuplicate, err)
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return wrap(ErrReferenced, err)
	case strings.Contains(msg, "append-only"):
		return wrap(ErrAppendOnly, err)
	}
	return err
}

type wrapped struct {
	kind, cause error
}

func (w wrapped) Error() string        { return w.kind.Error() + ": " + w.cause.Error() }
func (w wrapped) Is(target error) bool { return target == w.kind }
func (w wrapped) Unwrap() error        { return w.cause }

func wrap(kind, cause error) error { return wrapped{kind, cause} }

// AppError turns store sentinels into application errors for entity, leaving
// other errors alone.
func AppError(err error, entity string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound):
		return apperr.NotFoundErr(entity)
	case errors.Is(err, ErrDuplicate):
		return &apperr.Error{Code: apperr.Conflict, Msg: apperr.Msg{Key: "err.duplicate"}, Err: err}
	case errors.Is(err, ErrReferenced):
		return &apperr.Error{Code: apperr.Conflict, Msg: apperr.Msg{Key: "err.referenced"}, Err: err}
	}
	return err
}

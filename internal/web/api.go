package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// API writes the JSON answers of /api/v1.
type API struct {
	Catalog *i18n.Catalog
	Log     *slog.Logger
}

// Handle adapts a HandlerFunc, turning its error into a JSON error answer.
func (a *API) Handle(fn HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			a.Error(w, r, err)
		}
	}
}

// ErrorBody is the JSON error format: {"error":{"code":…,"message":…,"fields":{…}}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Error writes err as a JSON error with the mapped status.
func (a *API) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	l := a.Catalog.For(LangFrom(r.Context()))
	body := ErrorBody{Error: ErrorDetail{Code: string(apperr.CodeOf(err)), Message: l.Err(err)}}
	if e, ok := apperr.As(err); ok {
		if len(e.Fields) > 0 {
			body.Error.Fields = map[string]string{}
			for k, m := range e.Fields {
				body.Error.Fields[k] = l.Msg(m)
			}
		}
		if e.Code == apperr.TooMany && e.Retry > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(e.Retry))
		}
	}
	if status == http.StatusInternalServerError {
		a.Log.Error("api: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		body.Error.Message = l.T("err.internal")
	}
	JSON(w, status, body)
}

// JSON writes v as JSON with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// jsonMax caps a JSON body of the API.
const jsonMax = 1 << 20

// DecodeJSON reads a JSON body (at most 1 MiB, no unknown fields) into v.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return apperr.New(apperr.Invalid, "err.json_content_type")
	}
	if r.ContentLength > jsonMax {
		return apperr.TooLargeErr(jsonMax)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, jsonMax))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return BodyError(err, jsonMax)
		}
		return &apperr.Error{Code: apperr.Invalid, Msg: apperr.Msg{Key: "err.json", Args: map[string]any{"Detail": err.Error()}}}
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		return apperr.New(apperr.Invalid, "err.json_trailing")
	}
	return nil
}

// List is a page of a collection.
type List struct {
	Data    any    `json:"data"`
	Page    int    `json:"page"`
	PerPage int    `json:"per_page"`
	Total   int    `json:"total"`
	Next    string `json:"next,omitempty"`
}

// WriteList writes a page of items with a Link header to the next page.
func WriteList(w http.ResponseWriter, r *http.Request, items any, p store.Paging, total int) {
	p = p.Normalize()
	l := List{Data: items, Page: p.Page, PerPage: p.PerPage, Total: total}
	if p.Page*p.PerPage < total {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(p.Page+1))
		q.Set("per_page", strconv.Itoa(p.PerPage))
		l.Next = r.URL.Path + "?" + q.Encode()
		w.Header().Set("Link", "<"+l.Next+`>; rel="next"`)
	}
	JSON(w, http.StatusOK, l)
}

// PathID reads the {id} path value.
func PathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "err.page_not_found")
	}
	return id, nil
}

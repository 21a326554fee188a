package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/czech"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// Form is what the user typed and what is wrong with it. A page that shows an
// error always re-renders from Values, so nothing typed is lost.
type Form struct {
	Values url.Values
	Errors []FieldError
	byName map[string]string
}

// FieldError is one field's problem, translated.
type FieldError struct {
	Field   string
	Message string
}

// NewForm returns a form holding vals.
func NewForm(vals url.Values) *Form {
	if vals == nil {
		vals = url.Values{}
	}
	return &Form{Values: vals, byName: map[string]string{}}
}

// Get returns the value of a field, trimmed.
func (f *Form) Get(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// Has reports whether a multi-value field (checkboxes) holds value.
func (f *Form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Bool reads a checkbox.
func (f *Form) Bool(name string) bool {
	v := f.Get(name)
	return v == "on" || v == "1" || v == "true"
}

// Int64Ptr reads an optional integer id; a non-number counts as none.
func (f *Form) Int64Ptr(name string) *int64 {
	n, err := strconv.ParseInt(f.Get(name), 10, 64)
	if err != nil || n == 0 {
		return nil
	}
	return &n
}

// Int64s reads a multi-value list of ids.
func (f *Form) Int64s(name string) []int64 {
	var out []int64
	for _, v := range f.Values[name] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// Number reads an optional number typed the Czech way ("12 345,5", "−3";
// czech.ParseNumber): nil when the field is empty; something that is no
// number adds "err.decimal" to fields and gives nil.
func (f *Form) Number(name string, fields apperr.Fields) *float64 {
	v := f.Get(name)
	if v == "" {
		return nil
	}
	n, err := czech.ParseNumber(v)
	if err != nil {
		fields.Add(name, "err.decimal")
		return nil
	}
	return &n
}

// Int reads an optional whole number ("18 431"): nil when empty; something
// else adds "err.number" to fields.
func (f *Form) Int(name string, fields apperr.Fields) *int64 {
	v := f.Get(name)
	if v == "" {
		return nil
	}
	n, err := czech.ParseInt(v)
	if err != nil {
		fields.Add(name, "err.number")
		return nil
	}
	return &n
}

// Day reads an optional date: 2026-03-31 from a date input, or 31. 3. 2026
// typed where the browser has none; the zero Date when empty; something
// else adds "err.day" to fields.
func (f *Form) Day(name string, fields apperr.Fields) store.Date {
	v := f.Get(name)
	if v == "" {
		return store.Date{}
	}
	t, err := czech.ParseDate(v)
	if err != nil || t.Year() < 1900 || t.Year() > 2200 {
		fields.Add(name, "err.day")
		return store.Date{}
	}
	return store.Date{Time: t}
}

// Error returns the problem of a field, or "".
func (f *Form) Error(name string) string { return f.byName[name] }

// AddError records a translated problem of a field (or "" for the form).
func (f *Form) AddError(field, msg string) {
	if _, ok := f.byName[field]; ok {
		return
	}
	f.byName[field] = msg
	f.Errors = append(f.Errors, FieldError{Field: field, Message: msg})
}

// SetError fills the form's errors from err. Field errors are listed in the
// order of fields (the form's order on the page); any other application error
// becomes a form-level message. It returns false for errors that are not the
// user's fault, which the caller should pass on.
func (f *Form) SetError(l *i18n.Localizer, err error, order ...string) bool {
	e, ok := apperr.As(err)
	if !ok || e.Code == apperr.Internal {
		return false
	}
	if len(e.Fields) == 0 {
		f.AddError("", l.Msg(e.Msg))
		return true
	}
	seen := map[string]bool{}
	for _, name := range order {
		if m, ok := e.Fields[name]; ok {
			f.AddError(name, l.Msg(m))
			seen[name] = true
		}
	}
	for name, m := range e.Fields {
		if !seen[name] {
			f.AddError(name, l.Msg(m))
		}
	}
	return true
}

// ParseForm reads a POST form (urlencoded or multipart) with a size cap. A
// body over the cap is a TooLarge error (413, "nejvýše 1 MB"), a body that
// is no form an Invalid one.
func ParseForm(w http.ResponseWriter, r *http.Request, maxBytes int64) (*Form, error) {
	if r.ContentLength > maxBytes {
		return nil, apperr.TooLargeErr(maxBytes)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(maxBytes)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return nil, BodyError(err, maxBytes)
	}
	return NewForm(r.PostForm), nil
}

// BodyError turns an error of reading a request body into an application
// error: over the cap (an *http.MaxBytesError, the server's or the
// handler's) a TooLarge one, anything else an Invalid one.
func BodyError(err error, maxBytes int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		if mbe.Limit < maxBytes || maxBytes <= 0 {
			maxBytes = mbe.Limit
		}
		return apperr.TooLargeErr(maxBytes)
	}
	return &apperr.Error{Code: apperr.Invalid, Msg: apperr.Msg{Key: "err.form_unreadable"}, Err: err}
}

// Option is one choice of a select, radio group or checkbox group.
type Option struct {
	Value string
	Label string
}

// FieldView is what the field templates need to draw one labelled control.
type FieldView struct {
	ID, Name, Label, Hint, Type, Autocomplete, Value, Error string
	Required                                                bool
	Rows                                                    int
	Options                                                 []Option
	Form                                                    *Form
	Inputmode, Pattern                                      string
	RequiredText, ErrorPrefix                               string
}

// Checked reports whether option value is chosen in a checkbox/radio/select.
func (v FieldView) Checked(value string) bool {
	if v.Form == nil {
		return false
	}
	return v.Form.Has(v.Name, value)
}

// DescribedBy is the aria-describedby list of the control.
func (v FieldView) DescribedBy() string {
	var ids []string
	if v.Hint != "" {
		ids = append(ids, v.ID+"-hint")
	}
	if v.Error != "" {
		ids = append(ids, v.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// WithErrors copies the errors of other into f (a form that must not echo
// what was typed, such as passwords, still shows the problems).
func (f *Form) WithErrors(other *Form) *Form {
	for _, e := range other.Errors {
		f.AddError(e.Field, e.Message)
	}
	return f
}

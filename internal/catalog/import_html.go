package catalog

import (
	"net/http"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/web"
)

// importMax caps an uploaded registry export (the national file is large).
const importMax = 256 << 20

// ShowImport is the form to upload the registry's rpss.json.
func (h *Handler) ShowImport(w http.ResponseWriter, r *http.Request) error {
	return h.renderImport(w, r, web.NewForm(nil), nil, http.StatusOK)
}

func (h *Handler) renderImport(w http.ResponseWriter, r *http.Request, f *web.Form, rep *ImportReport, status int) error {
	l := h.R.Localizer(r)
	p := h.R.Page(r, "catalog.import.title").Crumb("/katalog/sprava", l.T("catalog.manage.title"))
	p.Form = f
	p.Data = map[string]any{"Report": rep}
	h.R.Render(w, r, status, "catalog/import", p)
	return nil
}

// Import runs the uploaded file through the same import as the command line.
func (h *Handler) Import(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, importMax)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return web.BodyError(err, importMax)
	}
	f := web.NewForm(r.MultipartForm.Value)
	file, _, err := r.FormFile("file")
	if err != nil {
		fe := apperr.Fields{}
		fe.Add("file", "catalog.err.file")
		f.SetError(h.R.Localizer(r), fe.Err(), "file")
		return h.renderImport(w, r, f, nil, http.StatusUnprocessableEntity)
	}
	defer file.Close()
	codes := NewCodeLists()
	for _, fh := range r.MultipartForm.File["ciselniky"] {
		cf, err := fh.Open()
		if err != nil {
			return err
		}
		err = codes.Add(fh.Filename, cf)
		cf.Close()
		if e, ok := apperr.As(err); ok {
			f.AddError("ciselniky", h.R.Localizer(r).Msg(e.Msg))
			return h.renderImport(w, r, f, nil, http.StatusUnprocessableEntity)
		} else if err != nil {
			return err
		}
	}
	opt := ImportOptions{District: f.Get("okres"), Region: f.Get("kraj"), Codes: codes}
	if v := f.Get("obce"); v != "" {
		opt.Municipalities = strings.Split(v, ",")
	}
	rep, err := h.C.Import(r.Context(), file, opt)
	if e, ok := apperr.As(err); ok && strings.HasPrefix(e.Msg.Key, "catalog.err.codelist") {
		f.AddError("ciselniky", h.R.Localizer(r).Msg(e.Msg))
		return h.renderImport(w, r, f, nil, http.StatusUnprocessableEntity)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "file") {
			return h.renderImport(w, r, f, nil, http.StatusUnprocessableEntity)
		}
		return err
	}
	return h.renderImport(w, r, f, rep, http.StatusOK)
}

// LoadMessages adds the catalogue's messages to r (for the command line's errors).
func LoadMessages(r *web.Renderer) error { return r.LoadCatalog(files, "i18n") }

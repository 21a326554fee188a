package plan

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"kpss/internal/apperr"
	"kpss/internal/web"
)

// ShowDocuments lists the generated documents with the forms that generate
// a new version.
func (h *Handler) ShowDocuments(w http.ResponseWriter, r *http.Request) error {
	return h.renderDocuments(w, r, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderDocuments(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	ctx := r.Context()
	docs, err := h.Svc.Documents(ctx)
	if err != nil {
		return err
	}
	ps, err := h.Svc.Periods(ctx)
	if err != nil {
		return err
	}
	var popts, yopts []web.Option
	for _, p := range ps {
		popts = append(popts, web.Option{Value: itoa(p.ID), Label: p.Name})
		for _, y := range p.Years() {
			if y <= h.Svc.Now().Year() {
				yopts = append(yopts, web.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y) + " (" + p.Name + ")"})
			}
		}
	}
	if f.Get("period_id") == "" && len(ps) > 0 {
		for _, p := range ps {
			if p.Current {
				f.Values.Set("period_id", itoa(p.ID))
			}
		}
	}
	if f.Get("year") == "" {
		f.Values.Set("year", strconv.Itoa(h.yearParam(r)))
	}
	p := h.page(r, "plan.document.list").Crumb("/plan", h.t(r, "plan.title"))
	p.Form = f
	p.Data = data(r, "Docs", docs, "Periods", popts, "Years", yopts, "Staff", isStaff(r))
	h.R.Render(w, r, status, "plan/documents", p)
	return nil
}

// GenerateDocument generates a new version of a document (form field kind:
// "plan" with period_id, or "evaluation" with year).
func (h *Handler) GenerateDocument(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	kind := f.Get("kind")
	var doc *Document
	switch kind {
	case DocPlan:
		id := formID(f, "period_id")
		if id == 0 {
			fs := apperr.Fields{}
			fs.Add("period_id", "err.choose")
			err = fs.Err()
		} else {
			doc, err = h.Svc.GenerateDocument(r.Context(), DocPlan, id, 0)
		}
	case DocEvaluation:
		year, _ := strconv.Atoi(f.Get("year"))
		per, perr := h.periodOfYear(r, year)
		if perr != nil {
			fs := apperr.Fields{}
			fs.Add("year", "plan.err.year_in_period")
			err = fs.Err()
		} else {
			doc, err = h.Svc.GenerateDocument(r.Context(), DocEvaluation, per.ID, year)
		}
	default:
		fs := apperr.Fields{}
		fs.Add("kind", "err.choose")
		err = fs.Err()
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "kind", "period_id", "year") {
			return h.renderDocuments(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/plan/dokumenty/"+itoa(doc.ID), "plan.flash.document")
	return nil
}

// ShowDocument shows a generated document as a page.
func (h *Handler) ShowDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	doc, err := h.Svc.Document(r.Context(), id)
	if err != nil {
		return err
	}
	p := h.page(r, "plan.document.title", "Title", doc.Title, "N", doc.Version).Crumb("/plan/dokumenty", h.t(r, "plan.document.list"))
	p.Wide = true
	// The HTML was produced by html/template from escaped values.
	p.Data = data(r, "Doc", doc, "Body", template.HTML(doc.HTML))
	h.R.Render(w, r, http.StatusOK, "plan/document", p)
	return nil
}

// DownloadDocumentPDF answers the stored PDF of a document.
func (h *Handler) DownloadDocumentPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	doc, err := h.Svc.Document(r.Context(), id)
	if err != nil {
		return err
	}
	name := "kpss-" + doc.Kind + "-" + strconv.Itoa(doc.Version) + ".pdf"
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", "attachment; filename=\""+name+"\"; filename*=UTF-8''"+url.PathEscape(doc.Title)+".pdf")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(doc.PDF)
	return nil
}

package grant

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/export"
	"kpss/internal/web"
)

func (h *Handler) staffCall(r *http.Request) (*Call, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return h.Svc.FindCall(r.Context(), id, true)
}

// ShowAllocation shows the allocation proposal within the budget, the
// leftover, the changes with their reasons, the exports for the council
// and the form of its decision.
func (h *Handler) ShowAllocation(w http.ResponseWriter, r *http.Request) error {
	c, err := h.staffCall(r)
	if err != nil {
		return err
	}
	return h.renderAllocation(w, r, c, web.NewForm(url.Values{"decision_body": {Bodies[0]}}), http.StatusOK)
}

func (h *Handler) renderAllocation(w http.ResponseWriter, r *http.Request, c *Call, f *web.Form, status int) error {
	pn, err := h.Svc.Panel(r.Context(), c)
	if err != nil {
		return err
	}
	p := h.page(r, "grant.alloc.title", "Title", c.Title)
	p.Crumb("/dotace/vyzvy/"+itoa(c.ID), c.Title)
	p.Form, p.Wide = f, true
	var bodies []web.Option
	for _, b := range Bodies {
		bodies = append(bodies, web.Option{Value: b, Label: b})
	}
	reasons := map[int64]string{}
	for _, row := range pn.Rows {
		if row.Amount == 0 {
			reasons[row.App.ID] = RejectReason(c, row)
		}
	}
	proposed := false
	for _, row := range pn.Rows {
		proposed = proposed || row.Proposed != nil
	}
	letters, err := h.Svc.LetterStatus(r.Context(), c)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"P": pn, "C": c, "Bodies": bodies, "Letters": letters, "Reasons": reasons, "Proposed": proposed,
		"Decided": !c.DecisionDate.IsZero(), "Over": pn.Allocated > c.Budget}
	h.R.Render(w, r, status, "grant/allocation", p)
	return nil
}

// SaveAllocation proposes the allocation or changes one amount with a reason.
func (h *Handler) SaveAllocation(w http.ResponseWriter, r *http.Request) error {
	c, err := h.staffCall(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	flash := "grant.flash.allocated"
	if f.Get("action") == "propose" {
		_, err = h.Svc.ProposeAllocation(r.Context(), c)
	} else {
		id := f.Int64Ptr("application_id")
		if id == nil {
			return apperr.New(apperr.Invalid, "err.bad_reference")
		}
		fields := apperr.Fields{}
		var amount *CZK
		if v := f.Get(FieldAmount(*id)); v != "" {
			a := parseAmount(f, FieldAmount(*id), fields)
			amount = &a
		}
		if len(fields) > 0 {
			err = fields.Err()
		} else {
			err = h.Svc.SetAmount(r.Context(), *id, amount, f.Values.Get(FieldReason(*id)))
		}
		flash = "grant.flash.amount"
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid && f.SetError(h.R.Localizer(r), err) {
			return h.renderAllocation(w, r, c, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/dotace/vyzvy/"+itoa(c.ID)+"/rozdeleni", flash)
	return nil
}

// DecideCall records the council's decision.
func (h *Handler) DecideCall(w http.ResponseWriter, r *http.Request) error {
	c, err := h.staffCall(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	date := parseDate(f, "decision_date", fields)
	if len(fields) > 0 {
		err = fields.Err()
	} else {
		_, err = h.Svc.Decide(r.Context(), c.ID, f.Get("decision_body"), f.Get("decision_number"), date, nil)
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid && f.SetError(h.R.Localizer(r), err, "decision_body", "decision_number", "decision_date") {
			return h.renderAllocation(w, r, c, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/dotace/vyzvy/"+itoa(c.ID)+"#vysledky", "grant.flash.decided")
	return nil
}

// ExportProposal answers the proposal for the council as a workbook.
func (h *Handler) ExportProposal(w http.ResponseWriter, r *http.Request) error {
	c, err := h.staffCall(r)
	if err != nil {
		return err
	}
	pn, err := h.Svc.Panel(r.Context(), c)
	if err != nil {
		return err
	}
	t := export.Table{Name: "Návrh rozdělení", Columns: []export.Column{{Title: "Pořadí", Kind: export.Int}, {Title: "Žadatel"}, {Title: "IČO"},
		{Title: "Služba"}, {Title: "Druh služby"}, {Title: "Požadováno (Kč)", Kind: export.Money}, {Title: "Uznatelné (Kč)", Kind: export.Money},
		{Title: "Navrženo (Kč)", Kind: export.Money}, {Title: "Body", Kind: export.Number, Decimals: 2}, {Title: "Z-skóre", Kind: export.Number, Decimals: 2},
		{Title: "Důvod zamítnutí", Width: 40}, {Title: "Změna návrhu", Width: 40}}}
	labels, _, err := h.typeLabels(r)
	if err != nil {
		return err
	}
	for _, row := range pn.Rows {
		var rank, score, z any
		if row.Complete {
			rank, score, z = row.Rank, float64(row.Score), float64(row.Z)
		}
		reason := ""
		if row.Amount == 0 {
			reason = RejectReason(c, row)
		}
		for i, sv := range row.App.Services {
			// The application's amounts on its first line; its services below.
			if i == 0 {
				t.Add(rank, row.App.Organisation, row.App.ICO, sv.ServiceName, labels[sv.TypeCode], int64(row.Requested), int64(row.Adjusted), int64(row.Amount), score, z, reason, row.App.AmountReason)
			} else {
				t.Add(nil, row.App.Organisation, row.App.ICO, sv.ServiceName, labels[sv.TypeCode], nil, nil, nil, nil, nil, "", "")
			}
		}
	}
	sum := export.Table{Name: "Souhrn", Columns: []export.Column{{Title: "Položka"}, {Title: "Kč", Kind: export.Money}}}
	sum.Add("Rozpočet výzvy", int64(c.Budget))
	sum.Add("Navrženo celkem", int64(pn.Allocated))
	sum.Add("Zbývá", int64(pn.Leftover))
	return export.XLSX(w, "navrh-dotaci-"+strconv.Itoa(c.Year), export.MetaFor(h.R, r, "Návrh rozdělení dotací – "+c.Title, h.Svc.Now()), t, sum)
}

// ExportResolution answers the draft resolution as a PDF.
func (h *Handler) ExportResolution(w http.ResponseWriter, r *http.Request) error {
	c, err := h.staffCall(r)
	if err != nil {
		return err
	}
	region := ""
	if h.R.Site != nil {
		region = h.R.Site(r)
	}
	var buf bytes.Buffer
	if err := h.Svc.ResolutionPDF(r.Context(), &buf, c, region); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="navrh-usneseni-`+strconv.Itoa(c.Year)+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
	return nil
}

// ShowSettlement shows (and to its provider, lets fill in) the settlement
// of a granted application: actual against the budget per line, the
// money to return.
func (h *Handler) ShowSettlement(w http.ResponseWriter, r *http.Request) error {
	a, c, err := h.ownApp(r)
	if err != nil {
		return err
	}
	st, err := h.Svc.FindSettlement(r.Context(), a)
	if err != nil {
		return err
	}
	v := url.Values{}
	for _, sv := range a.Services {
		for _, l := range sv.Lines {
			if l.Actual != nil {
				v.Set(ActualField(l.ID), itoa(int64(*l.Actual)))
			}
		}
	}
	return h.renderSettlement(w, r, a, c, st, web.NewForm(v), http.StatusOK)
}

// SettleRow is one budget line of the settlement form.
type SettleRow struct {
	Kind  string
	Line  BudgetLine
	Field web.FieldView
}

// SettleBlock is one service's lines of the settlement form.
type SettleBlock struct {
	Service string
	Rows    []SettleRow
}

func (h *Handler) renderSettlement(w http.ResponseWriter, r *http.Request, a *Application, c *Call, st *Settlement, f *web.Form, status int) error {
	u := auth.UserFrom(r.Context())
	p := h.page(r, "grant.settle.title", "Org", a.Organisation, "Title", c.Title)
	p.Crumb("/dotace/zadosti/"+itoa(a.ID), a.Organisation)
	p.Form, p.Wide = f, true
	var blocks []SettleBlock
	for _, sv := range a.Services {
		b := SettleBlock{Service: sv.ServiceName}
		for _, l := range sv.Lines {
			if l.Requested == 0 && l.Actual == nil {
				continue
			}
			fv := p.Field(ActualField(l.ID), "grant.settle.actual", "inputmode=numeric")
			fv.Label = p.L.T("grant.line."+l.Kind) + " – " + sv.ServiceName
			b.Rows = append(b.Rows, SettleRow{Kind: p.L.T("grant.line." + l.Kind), Line: l, Field: fv})
		}
		blocks = append(blocks, b)
	}
	editable := !u.IsStaff() && (st.State == SettleDraft || st.State == SettleReturned)
	p.Data = map[string]any{"A": a, "C": c, "S": st, "Blocks": blocks, "Editable": editable,
		"CanDecide": u.IsStaff() && st.State == SettleSubmitted}
	h.R.Render(w, r, status, "grant/settlement", p)
	return nil
}

// SaveSettlement stores (or submits) the provider's settlement.
func (h *Handler) SaveSettlement(w http.ResponseWriter, r *http.Request) error {
	a, c, err := h.ownApp(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	actuals := map[int64]CZK{}
	for _, sv := range a.Services {
		for _, l := range sv.Lines {
			if f.Get(ActualField(l.ID)) != "" {
				actuals[l.ID] = parseAmount(f, ActualField(l.ID), fields)
			}
		}
	}
	submit := f.Get("action") == "submit"
	if len(fields) > 0 {
		err = fields.Err()
	} else {
		_, err = h.Svc.SaveSettlement(r.Context(), a.ID, actuals, submit)
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			st, serr := h.Svc.FindSettlement(r.Context(), a)
			if serr != nil {
				return serr
			}
			if f.SetError(h.R.Localizer(r), err) {
				return h.renderSettlement(w, r, a, c, st, f, http.StatusUnprocessableEntity)
			}
		}
		return err
	}
	web.Redirect(w, r, "/dotace/zadosti/"+itoa(a.ID)+"/vyuctovani", "flash.saved")
	return nil
}

// DecideSettlement approves a settlement or returns it for correction.
func (h *Handler) DecideSettlement(w http.ResponseWriter, r *http.Request) error {
	a, c, err := h.ownApp(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	_, err = h.Svc.DecideSettlement(r.Context(), a.ID, f.Get("decision") == "approve", f.Values.Get("settle_note"))
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			st, serr := h.Svc.FindSettlement(r.Context(), a)
			if serr != nil {
				return serr
			}
			if f.SetError(h.R.Localizer(r), err, "settle_note") {
				return h.renderSettlement(w, r, a, c, st, f, http.StatusUnprocessableEntity)
			}
		}
		return err
	}
	web.Redirect(w, r, "/dotace/zadosti/"+itoa(a.ID)+"/vyuctovani", "flash.saved")
	return nil
}

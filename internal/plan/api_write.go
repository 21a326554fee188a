package plan

import (
	"net/http"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/store"
	"kpss/internal/web"
)

// The writing part of the API: what a provider's or the coordinator's
// software sends. A provider's token reaches only its organisation's reports
// (the route policy, then the service again); a submitted report is frozen
// and answers 409 with the reason. Validation problems answer 400 with
// error.fields named as in the JSON ("staff.care_worker", "indicators.12").

// apiReportFields renames the form's field names of report problems to the
// JSON's.
func apiReportFields(err error) error {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := apperr.Fields{}
	for k, m := range e.Fields {
		switch {
		case strings.HasPrefix(k, "staff_"):
			k = "staff." + strings.TrimPrefix(k, "staff_")
		case strings.HasPrefix(k, "income_"):
			k = "income." + strings.TrimPrefix(k, "income_")
		case strings.HasPrefix(k, "ind_"):
			k = "indicators." + strings.TrimPrefix(k, "ind_")
		}
		out[k] = m
	}
	cp := *e
	cp.Fields = out
	return &cp
}

// apiReport decodes the figures of a report and checks that its indicator
// values are those its service reports.
func (h *Handler) apiReport(w http.ResponseWriter, r *http.Request, id int64) (ReportData, error) {
	var d ReportData
	if err := web.DecodeJSON(w, r, &d); err != nil {
		return d, err
	}
	if d.Staff == nil {
		d.Staff = map[string]float64{}
	}
	if d.Income == nil {
		d.Income = map[string]int64{}
	}
	if d.Values == nil {
		d.Values = map[string]float64{}
	}
	rep, err := h.Svc.Report(r.Context(), id)
	if err != nil {
		return d, err
	}
	inds, err := h.reportIndicators(r, rep.ServiceID)
	if err != nil {
		return d, err
	}
	fields := apperr.Fields{}
	known := map[string]bool{}
	for _, i := range inds {
		known[itoa(i.ID)] = true
	}
	for k := range d.Values {
		if !known[k] {
			fields.Add("ind_"+k, "plan.err.unknown_indicator")
		}
	}
	check := d
	return d, apiReportFields(mergeFields(fields, check.Validate()))
}

func (h *Handler) apiSaveReport(w http.ResponseWriter, r *http.Request, action string) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var d ReportData
	if action != ActionConfirm {
		if d, err = h.apiReport(w, r, id); err != nil {
			return err
		}
	} else if r.ContentLength > 0 {
		var empty struct{}
		if err := web.DecodeJSON(w, r, &empty); err != nil {
			return err
		}
	}
	rep, err := h.Svc.SaveReport(r.Context(), id, d, action)
	if err != nil {
		return apiReportFields(err)
	}
	web.JSON(w, http.StatusOK, rep)
	return nil
}

// APIUpdateReport saves the figures of a report as a draft (PUT replaces
// every figure: one left out is zero or empty).
func (h *Handler) APIUpdateReport(w http.ResponseWriter, r *http.Request) error {
	return h.apiSaveReport(w, r, ActionSave)
}

// APISubmitReport sends the figures and freezes the report.
func (h *Handler) APISubmitReport(w http.ResponseWriter, r *http.Request) error {
	return h.apiSaveReport(w, r, ActionSubmit)
}

// APIConfirmReport sends the figures pre-filled from the previous round
// unchanged.
func (h *Handler) APIConfirmReport(w http.ResponseWriter, r *http.Request) error {
	return h.apiSaveReport(w, r, ActionConfirm)
}

type indicatorValueInput struct {
	Value *float64 `json:"value"`
	Note  string   `json:"note"`
}

// APIPutIndicatorValue records the value of a manual indicator for a year.
func (h *Handler) APIPutIndicatorValue(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ind, err := h.Svc.Indicator(r.Context(), id)
	if err != nil {
		return err
	}
	var in indicatorValueInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	fields := apperr.Fields{}
	year, yerr := strconv.Atoi(r.PathValue("year"))
	if yerr != nil || year < 2000 || year > 2100 {
		fields.Add("year", "plan.err.year")
	}
	if in.Value == nil {
		fields.Add("value", "err.required")
	} else if *in.Value < 0 || *in.Value > 1e12 {
		fields.Add("value", "plan.err.non_negative")
	}
	in.Note = strings.TrimSpace(in.Note)
	checkLen(fields, "note", in.Note, 1000)
	if err := fields.Err(); err != nil {
		return err
	}
	if ind.Method != MethodManual {
		return &apperr.Error{Code: apperr.Conflict, Msg: apperr.Msg{Key: "plan.err.import_not_manual", Args: map[string]any{"ID": ind.ID, "Name": ind.Name}}}
	}
	v := IndicatorValue{IndicatorID: id, Year: year, Value: *in.Value, Note: in.Note}
	if err := h.Svc.SetIndicatorValues(r.Context(), []IndicatorValue{v}, "api"); err != nil {
		return err
	}
	v.UpdatedAt = h.Svc.now()
	web.JSON(w, http.StatusOK, v)
	return nil
}

type voiceInputIn struct {
	Day           string  `json:"day"`
	Source        string  `json:"source"`
	TargetGroupID *int64  `json:"target_group_id"`
	Text          string  `json:"text"`
	MeasureIDs    []int64 `json:"measure_ids"`
}

func (in voiceInputIn) input() (VoiceInput, error) {
	v := VoiceInput{Source: in.Source, TargetGroupID: in.TargetGroupID, Text: in.Text, MeasureIDs: in.MeasureIDs}
	fields := apperr.Fields{}
	if in.Day != "" {
		d, err := store.ParseDate(in.Day)
		if err != nil {
			fields.Add("day", "plan.err.date")
		}
		v.Day = d
	}
	check := v
	return v, mergeFields(fields, check.Validate())
}

// APIListVoiceInputs lists the inputs of users (?state=archived for the
// archived ones, ?measure_id).
func (h *Handler) APIListVoiceInputs(w http.ResponseWriter, r *http.Request) error {
	mid, err := queryID(r, "measure_id")
	if err != nil {
		return err
	}
	f := VoiceFilter{MeasureID: mid}
	switch r.URL.Query().Get("state") {
	case "", "active":
	case "archived":
		f.Archived = true
	default:
		fs := apperr.Fields{}
		fs.Add("state", "err.choose")
		return fs.Err()
	}
	ins, err := h.Svc.FindVoiceInputs(r.Context(), f)
	if err != nil {
		return err
	}
	if ins == nil {
		ins = []VoiceInput{}
	}
	page(w, r, ins)
	return nil
}

// APIGetVoiceInput answers one input.
func (h *Handler) APIGetVoiceInput(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := h.Svc.VoiceInput(r.Context(), id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, v)
	return nil
}

// APICreateVoiceInput records an input of users.
func (h *Handler) APICreateVoiceInput(w http.ResponseWriter, r *http.Request) error {
	var in voiceInputIn
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := in.input()
	if err != nil {
		return err
	}
	saved, err := h.Svc.CreateVoiceInput(r.Context(), v)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/voice-inputs/"+itoa(saved.ID))
	web.JSON(w, http.StatusCreated, saved)
	return nil
}

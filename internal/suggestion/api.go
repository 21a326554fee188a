package suggestion

import (
	"net/http"
	"slices"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/web"
)

// OpenAPI returns the module's part of /api/v1/openapi.json.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return slices.Clone(b)
}

// apiSuggestion is a suggestion in the API with its history. Only callers
// who may see it get it (staff, the routed department), personal data included.
type apiSuggestion struct {
	Suggestion
	Events []Event `json:"events,omitempty"`
}

// APIList lists suggestions with the inbox's filters.
func (h *Handler) APIList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if st := q.Get("state"); st != "" && st != "open" && !State(st).Valid() {
		f := apperr.Fields{}
		f.Add("state", "err.choose")
		return f.Err()
	}
	f := filterFrom(r)
	items, total, err := h.Svc.Find(r.Context(), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []Suggestion{}
	}
	web.WriteList(w, r, items, f.Paging, total)
	return nil
}

// APIGet answers one suggestion with its history.
func (h *Handler) APIGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	x, err := h.Svc.FindByID(r.Context(), id)
	if err != nil {
		return err
	}
	evs, err := h.Svc.Events(r.Context(), id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, apiSuggestion{Suggestion: *x, Events: evs})
	return nil
}

type apiInput struct {
	Text            string     `json:"text"`
	CategoryID      int64      `json:"category_id"`
	MunicipalityID  int64      `json:"municipality_id"`
	TargetGroupID   *int64     `json:"target_group_id"`
	Address         string     `json:"address"`
	Lat             *float64   `json:"lat"`
	Lng             *float64   `json:"lng"`
	LocationPrivate bool       `json:"location_private"`
	Source          Source     `json:"source"`
	ContactName     string     `json:"contact_name"`
	ContactEmail    string     `json:"contact_email"`
	ContactPhone    string     `json:"contact_phone"`
	Consent         bool       `json:"consent"`
	ReceivedAt      *time.Time `json:"received_at"`
}

// APICreate stores a suggestion the coordinator enters.
func (h *Handler) APICreate(w http.ResponseWriter, r *http.Request) error {
	var in apiInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Source == "" {
		in.Source = SourceEmail
	}
	x := Input{Text: in.Text, CategoryID: in.CategoryID, MunicipalityID: in.MunicipalityID, TargetGroupID: in.TargetGroupID, Address: in.Address,
		Lat: in.Lat, Lng: in.Lng, LocationPrivate: in.LocationPrivate, Source: in.Source, ContactName: in.ContactName, ContactEmail: in.ContactEmail,
		ContactPhone: in.ContactPhone, Consent: in.Consent}
	if in.ReceivedAt != nil {
		x.ReceivedAt = *in.ReceivedAt
	}
	s, err := h.Svc.Create(r.Context(), x)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/suggestions/"+itoa(s.ID))
	web.JSON(w, http.StatusCreated, apiSuggestion{Suggestion: *s})
	return nil
}

type apiChange struct {
	Action       Action `json:"action"`
	PublicNote   string `json:"public_note"`
	InternalNote string `json:"internal_note"`
	RedirectTo   string `json:"redirect_to"`
	PlanRef      string `json:"plan_ref"`
	PlanMeasure  int64  `json:"plan_measure_id"`
	DuplicateOf  string `json:"duplicate_of"`
}

// APITransition changes the state of a suggestion.
func (h *Handler) APITransition(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var c apiChange
	if err := web.DecodeJSON(w, r, &c); err != nil {
		return err
	}
	x, err := h.Svc.Transition(r.Context(), id, Change(c))
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, apiSuggestion{Suggestion: *x})
	return nil
}

// APICategories lists the categories.
func (h *Handler) APICategories(w http.ResponseWriter, r *http.Request) error {
	cats, err := h.Svc.Categories(r.Context(), r.URL.Query().Get("state") == "all")
	if err != nil {
		return err
	}
	if cats == nil {
		cats = []Category{}
	}
	web.JSON(w, http.StatusOK, map[string]any{"data": cats})
	return nil
}

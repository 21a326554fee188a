package workshop

import (
	"net/http"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/web"
)

// APIWorkshop is a workshop as the API shows it.
type APIWorkshop struct {
	ID              int64          `json:"id"`
	Topic           string         `json:"topic"`
	Description     string         `json:"description"`
	Lecturer        string         `json:"lecturer"`
	LecturerOrg     string         `json:"lecturer_organisation"`
	Organiser       string         `json:"organiser"`
	Place           *string        `json:"place"`
	State           string         `json:"state"`
	NetMinutes      int            `json:"net_minutes"`
	MinParticipants int            `json:"min_participants"`
	Quotas          map[string]int `json:"quotas"`
	FreePlaces      int            `json:"free_places"`
	RegistrationURL *string        `json:"registration_url"`
	Blocks          []APIBlock     `json:"blocks"`
	Participants    *int           `json:"participants,omitempty"`
	UpdatedAt       time.Time      `json:"updated_at"`
}

// APIBlock is a time block.
type APIBlock struct {
	Title        string    `json:"title"`
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"`
	BreakMinutes int       `json:"break_minutes"`
	NetMinutes   int       `json:"net_minutes"`
}

func (h *Handler) apiWorkshop(w *Workshop, staff bool) APIWorkshop {
	out := APIWorkshop{ID: w.ID, Topic: w.Topic, Description: w.Description, Lecturer: w.LecturerName, LecturerOrg: w.LecturerOrg,
		Organiser: w.Organiser, State: w.State, NetMinutes: w.Net(), MinParticipants: w.MinParticipants, Quotas: w.Quotas,
		FreePlaces: w.FreeTotal(), Blocks: []APIBlock{}, UpdatedAt: w.UpdatedAt}
	if w.Place != nil {
		p := w.Place.Name
		out.Place = &p
	}
	if w.Open(h.Svc.now()) {
		u := "/workshopy/" + itoa(w.ID) + "/prihlaska"
		out.RegistrationURL = &u
	}
	for _, b := range w.Blocks {
		out.Blocks = append(out.Blocks, APIBlock{Title: b.Title, StartsAt: b.StartsAt, EndsAt: b.EndsAt, BreakMinutes: b.BreakMinutes, NetMinutes: b.NetMinutes()})
	}
	return out
}

// APIListWorkshops answers GET /api/v1/workshops (?year=): the public
// workshops (the staff also see drafts), the next ones first.
func (h *Handler) APIListWorkshops(w http.ResponseWriter, r *http.Request) error {
	f := Filter{}
	if !isStaff(r) {
		f.States = []string{StatePublished, StateHeld, StateNotHeld, StateCancelled}
	}
	if v := r.URL.Query().Get("year"); v != "" {
		bad := apperr.Fields{}
		f.Year = intField(web.NewForm(r.URL.Query()), "year", bad)
		if err := bad.Err(); err != nil {
			return err
		}
	}
	ws, err := h.Svc.FindWorkshops(r.Context(), f)
	if err != nil {
		return err
	}
	out := []APIWorkshop{}
	for i := range ws {
		out = append(out, h.apiWorkshop(&ws[i], isStaff(r)))
	}
	p := web.PagingFrom(r)
	from := min(p.Offset(), len(out))
	to := min(from+p.Limit(), len(out))
	web.WriteList(w, r, out[from:to], p, len(out))
	return nil
}

// APIGetWorkshop answers GET /api/v1/workshops/{id}.
func (h *Handler) APIGetWorkshop(w http.ResponseWriter, r *http.Request) error {
	ws, err := h.workshopOf(r)
	if err != nil {
		return err
	}
	out := h.apiWorkshop(ws, isStaff(r))
	if ws.State == StateHeld || ws.State == StateNotHeld {
		t, err := h.Svc.Tally(r.Context(), ws)
		if err != nil {
			return err
		}
		out.Participants = &t.Participants
	}
	web.JSON(w, http.StatusOK, out)
	return nil
}

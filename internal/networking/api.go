package networking

import (
	"net/http"
	"slices"
	"time"

	"kpss/internal/web"
)

// APIPerson is a participant in the API's schedule.
type APIPerson struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	Service      string `json:"service"`
}

// APIMeeting is one table of a round.
type APIMeeting struct {
	Table int       `json:"table"`
	A     APIPerson `json:"a"`
	B     APIPerson `json:"b"`
	Kind  string    `json:"kind"`
}

// APIRound is one round of the schedule.
type APIRound struct {
	Round    int          `json:"round"`
	Start    time.Time    `json:"start"`
	End      time.Time    `json:"end"`
	Meetings []APIMeeting `json:"meetings"`
}

// APISchedule is an event's schedule in the API.
type APISchedule struct {
	Event      *Event     `json:"event"`
	LowerBound int        `json:"lower_bound"`
	Optimal    bool       `json:"optimal"`
	Stats      Stats      `json:"stats"`
	Rounds     []APIRound `json:"rounds"`
}

func apiPerson(p *Participant) APIPerson {
	return APIPerson{ID: p.ID, Name: p.Name, Organisation: p.Organisation, Service: p.Service}
}

// APIListEvents lists the events (staff).
func (h *Handler) APIListEvents(w http.ResponseWriter, r *http.Request) error {
	es, err := h.Svc.FindEvents(r.Context())
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"data": es})
	return nil
}

// APIGetSchedule answers an event's schedule, round by round (staff).
func (h *Handler) APIGetSchedule(w http.ResponseWriter, r *http.Request) error {
	b, err := h.board(r)
	if err != nil {
		return err
	}
	out := APISchedule{Event: b.Event, LowerBound: b.Event.LowerBound, Optimal: b.Event.Optimal, Stats: b.Stats(), Rounds: []APIRound{}}
	for _, rv := range b.RoundViews() {
		ar := APIRound{Round: rv.N, Start: rv.Start.UTC(), End: rv.End.UTC(), Meetings: []APIMeeting{}}
		for _, s := range rv.Seats {
			ar.Meetings = append(ar.Meetings, APIMeeting{Table: s.Table, A: apiPerson(s.A), B: apiPerson(s.B), Kind: s.Kind})
		}
		out.Rounds = append(out.Rounds, ar)
	}
	web.JSON(w, http.StatusOK, out)
	return nil
}

// OpenAPI returns the module's fragment of the API document.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return slices.Clone(b)
}

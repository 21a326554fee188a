package grant

import (
	"net/http"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/web"
)

// APIListCalls lists the calls the caller sees (the public: published ones).
func (h *Handler) APIListCalls(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.Svc.FindCalls(r.Context(), auth.UserFrom(r.Context()).IsStaff())
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []Call{}
	}
	pg := web.PagingFrom(r)
	pg.PerPage = -1
	web.WriteList(w, r, cs, pg, len(cs))
	return nil
}

// CallResults is a call with its results (once decided).
type CallResults struct {
	*Call
	Phase   string   `json:"phase"`
	Results []Result `json:"results"`
}

// APIGetCall answers one call; its results once the council decided.
func (h *Handler) APIGetCall(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, err := h.Svc.FindCall(r.Context(), id, auth.UserFrom(r.Context()).IsStaff())
	if err != nil {
		return err
	}
	out := CallResults{Call: c, Phase: c.Phase(h.Svc.Today()), Results: []Result{}}
	if out.Phase == PhaseDecided {
		if out.Results, err = h.Svc.Results(r.Context(), c); err != nil {
			return err
		}
	}
	web.JSON(w, http.StatusOK, out)
	return nil
}

// APIListApplications lists applications: a provider's token its own,
// staff those of ?call.
func (h *Handler) APIListApplications(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	var as []Application
	var err error
	switch {
	case u.IsStaff():
		callID, perr := parseQueryID(r, "call")
		if perr != nil {
			return perr
		}
		as, err = h.Svc.FindApplications(r.Context(), callID)
	case u.OrganisationID != nil:
		as, err = h.Svc.OrganisationApplications(r.Context(), *u.OrganisationID)
	default:
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err != nil {
		return err
	}
	if as == nil {
		as = []Application{}
	}
	pg := web.PagingFrom(r)
	pg.PerPage = -1
	web.WriteList(w, r, as, pg, len(as))
	return nil
}

// APIGetApplication answers one application (its provider and staff).
func (h *Handler) APIGetApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	a, err := h.Svc.FindApplication(r.Context(), id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, a)
	return nil
}

func parseQueryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	n, ok := ParseCZK(v)
	if v == "" || !ok || n <= 0 {
		f := apperr.Fields{}
		f.Add(name, "grant.err.call_param")
		return 0, f.Err()
	}
	return int64(n), nil
}

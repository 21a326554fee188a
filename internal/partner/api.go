package partner

import (
	"net/http"
	"strconv"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/web"
)

// The JSON API of the registry under /api/v1. Who may call what is the route
// policy's business (internal/server); these handlers decode, call the
// service and answer. Errors are returned: web.API.Handle turns them into
// {"error":{…}} with the status of their code. The spec is openapi.json.
//
// PUT replaces every editable field: a field left out is emptied. The
// archived flag is not editable here (the web has archive buttons); lists show
// archived entries with ?state=archived or ?state=all.

const (
	apiMunicipalities = "/api/v1/municipalities"
	apiOrganisations  = "/api/v1/organizations"
	apiPeople         = "/api/v1/people"
	apiDepartments    = "/api/v1/departments"
	apiTargetGroups   = "/api/v1/target-groups"
)

// apiFilter reads the list filter, refusing a state it does not know (the
// web forms are lenient; an API client should hear about its typo).
func apiFilter(r *http.Request) (Filter, error) {
	switch r.URL.Query().Get("state") {
	case "", "active", "archived", "all":
	default:
		f := apperr.Fields{}
		f.Add("state", "err.choose")
		return Filter{}, f.Err()
	}
	return filterFrom(r), nil
}

// apiList answers a page of a collection.
func apiList[T any](w http.ResponseWriter, r *http.Request, find func(Filter) ([]T, int, error)) error {
	f, err := apiFilter(r)
	if err != nil {
		return err
	}
	items, total, err := find(f)
	if err != nil {
		return err
	}
	web.WriteList(w, r, items, f.Paging, total)
	return nil
}

// apiGet answers the entity {id}.
func apiGet[T any](w http.ResponseWriter, r *http.Request, find func(id int64) (*T, error)) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := find(id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, v)
	return nil
}

// apiCreated answers 201 with the new entity and its address.
func apiCreated(w http.ResponseWriter, base string, id int64, v any) {
	w.Header().Set("Location", base+"/"+strconv.FormatInt(id, 10))
	web.JSON(w, http.StatusCreated, v)
}

// ---------- region

// regionInput is the editable part of the region.
type regionInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Web         string `json:"web"`
	Email       string `json:"email"`
}

// APIGetRegion answers the region (404 before it is first set up).
func (h *Handler) APIGetRegion(w http.ResponseWriter, r *http.Request) error {
	reg, err := h.Svc.Region(r.Context())
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, reg)
	return nil
}

// APIUpdateRegion replaces the region's editable fields.
func (h *Handler) APIUpdateRegion(w http.ResponseWriter, r *http.Request) error {
	var in regionInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	reg, err := h.Svc.SaveRegion(r.Context(), Region{Name: in.Name, Description: in.Description, Web: in.Web, Email: in.Email})
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, reg)
	return nil
}

// ---------- municipalities

type municipalityInput struct {
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	ZUJ        string   `json:"zuj"`
	Population *int64   `json:"population"`
	Partner    bool     `json:"partner"`
	Note       string   `json:"note"`
	Lat        *float64 `json:"latitude"`
	Lng        *float64 `json:"longitude"`
}

func (in municipalityInput) municipality() Municipality {
	return Municipality{Name: in.Name, Kind: in.Kind, ZUJ: in.ZUJ, Population: in.Population, Partner: in.Partner, Note: in.Note, Lat: in.Lat, Lng: in.Lng}
}

// APIListMunicipalities lists municipalities (?q, state, kind, partner, page, per_page).
func (h *Handler) APIListMunicipalities(w http.ResponseWriter, r *http.Request) error {
	return apiList(w, r, func(f Filter) ([]Municipality, int, error) { return h.Svc.FindMunicipalities(r.Context(), f) })
}

// APICreateMunicipality adds a municipality.
func (h *Handler) APICreateMunicipality(w http.ResponseWriter, r *http.Request) error {
	var in municipalityInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.Svc.CreateMunicipality(r.Context(), in.municipality())
	if err != nil {
		return err
	}
	apiCreated(w, apiMunicipalities, m.ID, m)
	return nil
}

// APIGetMunicipality answers one municipality.
func (h *Handler) APIGetMunicipality(w http.ResponseWriter, r *http.Request) error {
	return apiGet(w, r, func(id int64) (*Municipality, error) { return h.Svc.FindMunicipalityByID(r.Context(), id) })
}

// APIUpdateMunicipality replaces a municipality's editable fields.
func (h *Handler) APIUpdateMunicipality(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in municipalityInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.Svc.UpdateMunicipality(r.Context(), id, in.municipality())
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, m)
	return nil
}

// ---------- organisations

type organisationInput struct {
	Name            string  `json:"name"`
	ICO             string  `json:"ico"`
	Kind            string  `json:"kind"`
	Address         string  `json:"address"`
	Web             string  `json:"web"`
	Email           string  `json:"email"`
	Phone           string  `json:"phone"`
	Description     string  `json:"description"`
	Partner         bool    `json:"partner"`
	MunicipalityIDs []int64 `json:"municipality_ids"`
	TargetGroupIDs  []int64 `json:"target_group_ids"`
}

func (in organisationInput) organisation() Organisation {
	return Organisation{Name: in.Name, ICO: in.ICO, Kind: in.Kind, Address: in.Address, Web: in.Web, Email: in.Email, Phone: in.Phone,
		Description: in.Description, Partner: in.Partner, MunicipalityIDs: in.MunicipalityIDs, TargetGroupIDs: in.TargetGroupIDs}
}

// APIListOrganisations lists organisations (?q, state, kind, partner,
// municipality_id, target_group_id, page, per_page).
func (h *Handler) APIListOrganisations(w http.ResponseWriter, r *http.Request) error {
	return apiList(w, r, func(f Filter) ([]Organisation, int, error) { return h.Svc.FindOrganisations(r.Context(), f) })
}

// APICreateOrganisation adds an organisation.
func (h *Handler) APICreateOrganisation(w http.ResponseWriter, r *http.Request) error {
	var in organisationInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := h.Svc.CreateOrganisation(r.Context(), in.organisation())
	if err != nil {
		return err
	}
	// Read it back so the links come in the order a GET gives them.
	if o, err = h.Svc.FindOrganisationByID(r.Context(), o.ID); err != nil {
		return err
	}
	apiCreated(w, apiOrganisations, o.ID, o)
	return nil
}

// APIGetOrganisation answers one organisation.
func (h *Handler) APIGetOrganisation(w http.ResponseWriter, r *http.Request) error {
	return apiGet(w, r, func(id int64) (*Organisation, error) { return h.Svc.FindOrganisationByID(r.Context(), id) })
}

// APIUpdateOrganisation replaces an organisation's editable fields. The route
// policy lets a provider representative update their own organisation; only
// staff may change the partner flag, anyone else keeps the stored one.
func (h *Handler) APIUpdateOrganisation(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in organisationInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	if u.Is(auth.RoleProvider) && (u.OrganisationID == nil || *u.OrganisationID != id) {
		// The policy has checked this already; a second look costs nothing.
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	o := in.organisation()
	if !u.IsStaff() {
		cur, err := h.Svc.FindOrganisationByID(ctx, id)
		if err != nil {
			return err
		}
		o.Partner = cur.Partner
	}
	if _, err := h.Svc.UpdateOrganisation(ctx, id, o); err != nil {
		return err
	}
	saved, err := h.Svc.FindOrganisationByID(ctx, id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, saved)
	return nil
}

// ---------- people

type personInput struct {
	Name           string `json:"name"`
	Email          string `json:"email"`
	Phone          string `json:"phone"`
	Position       string `json:"position"`
	OrganisationID *int64 `json:"organisation_id"`
	Consent        bool   `json:"consent"`
	ConsentNote    string `json:"consent_note"`
}

func (in personInput) person() Person {
	return Person{Name: in.Name, Email: in.Email, Phone: in.Phone, Position: in.Position, OrganisationID: in.OrganisationID,
		Consent: in.Consent, ConsentNote: in.ConsentNote}
}

// APIListPeople lists people (?q, state, organisation_id, page, per_page).
func (h *Handler) APIListPeople(w http.ResponseWriter, r *http.Request) error {
	return apiList(w, r, func(f Filter) ([]Person, int, error) { return h.Svc.FindPeople(r.Context(), f) })
}

// APICreatePerson adds a person; e-mail and phone need consent=true.
func (h *Handler) APICreatePerson(w http.ResponseWriter, r *http.Request) error {
	var in personInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.Svc.CreatePerson(r.Context(), in.person())
	if err != nil {
		return err
	}
	apiCreated(w, apiPeople, p.ID, p)
	return nil
}

// APIGetPerson answers one person.
func (h *Handler) APIGetPerson(w http.ResponseWriter, r *http.Request) error {
	return apiGet(w, r, func(id int64) (*Person, error) { return h.Svc.FindPersonByID(r.Context(), id) })
}

// APIUpdatePerson replaces a person's editable fields.
func (h *Handler) APIUpdatePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in personInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if _, err := h.Svc.UpdatePerson(r.Context(), id, in.person()); err != nil {
		return err
	}
	// Read it back: the update does not carry anonymised_at, the store keeps it.
	p, err := h.Svc.FindPersonByID(r.Context(), id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, p)
	return nil
}

// ---------- departments

type departmentInput struct {
	Name         string `json:"name"`
	Email        string `json:"email"`
	HeadPersonID *int64 `json:"head_person_id"`
}

func (in departmentInput) department() Department {
	return Department{Name: in.Name, Email: in.Email, HeadPersonID: in.HeadPersonID}
}

// APIListDepartments lists the town-office departments (?q, state, page, per_page).
func (h *Handler) APIListDepartments(w http.ResponseWriter, r *http.Request) error {
	return apiList(w, r, func(f Filter) ([]Department, int, error) { return h.Svc.FindDepartments(r.Context(), f) })
}

// APICreateDepartment adds a department.
func (h *Handler) APICreateDepartment(w http.ResponseWriter, r *http.Request) error {
	var in departmentInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := h.Svc.CreateDepartment(r.Context(), in.department())
	if err != nil {
		return err
	}
	apiCreated(w, apiDepartments, d.ID, d)
	return nil
}

// APIGetDepartment answers one department.
func (h *Handler) APIGetDepartment(w http.ResponseWriter, r *http.Request) error {
	return apiGet(w, r, func(id int64) (*Department, error) { return h.Svc.FindDepartmentByID(r.Context(), id) })
}

// APIUpdateDepartment replaces a department's editable fields.
func (h *Handler) APIUpdateDepartment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in departmentInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := h.Svc.UpdateDepartment(r.Context(), id, in.department())
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, d)
	return nil
}

// ---------- target groups

type targetGroupInput struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
	SortOrder   int    `json:"sort_order"`
}

func (in targetGroupInput) targetGroup() TargetGroup {
	return TargetGroup{Code: in.Code, Name: in.Name, Description: in.Description, SortOrder: in.SortOrder}
}

// APIListTargetGroups lists target groups in their set order (?q, state, page, per_page).
func (h *Handler) APIListTargetGroups(w http.ResponseWriter, r *http.Request) error {
	return apiList(w, r, func(f Filter) ([]TargetGroup, int, error) { return h.Svc.FindTargetGroups(r.Context(), f) })
}

// APICreateTargetGroup adds a target group.
func (h *Handler) APICreateTargetGroup(w http.ResponseWriter, r *http.Request) error {
	var in targetGroupInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	g, err := h.Svc.CreateTargetGroup(r.Context(), in.targetGroup())
	if err != nil {
		return err
	}
	apiCreated(w, apiTargetGroups, g.ID, g)
	return nil
}

// APIGetTargetGroup answers one target group.
func (h *Handler) APIGetTargetGroup(w http.ResponseWriter, r *http.Request) error {
	return apiGet(w, r, func(id int64) (*TargetGroup, error) { return h.Svc.FindTargetGroupByID(r.Context(), id) })
}

// APIUpdateTargetGroup replaces a target group's editable fields.
func (h *Handler) APIUpdateTargetGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in targetGroupInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	g, err := h.Svc.UpdateTargetGroup(r.Context(), id, in.targetGroup())
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, g)
	return nil
}

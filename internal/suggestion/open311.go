package suggestion

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): categories
// are services, suggestions are service requests, the tracking code is the
// service_request_id. Nothing personal is ever answered; a private place
// is coarsened to about a kilometre and its address left out.

// O311Service is a service of services.json|xml.
type O311Service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

// O311Value is a choice of a list attribute.
type O311Value struct {
	XMLName xml.Name `json:"-" xml:"value"`
	Key     string   `json:"key" xml:"key"`
	Name    string   `json:"name" xml:"name"`
}

// O311Attribute is an attribute of a service definition.
type O311Attribute struct {
	XMLName             xml.Name    `json:"-" xml:"attribute"`
	Variable            bool        `json:"variable" xml:"variable"`
	Code                string      `json:"code" xml:"code"`
	Datatype            string      `json:"datatype" xml:"datatype"`
	Required            bool        `json:"required" xml:"required"`
	DatatypeDescription string      `json:"datatype_description" xml:"datatype_description"`
	Order               int         `json:"order" xml:"order"`
	Description         string      `json:"description" xml:"description"`
	Values              []O311Value `json:"values" xml:"values>value"`
}

// O311Definition is services/{code}.json|xml.
type O311Definition struct {
	XMLName     xml.Name        `json:"-" xml:"service_definition"`
	ServiceCode string          `json:"service_code" xml:"service_code"`
	Attributes  []O311Attribute `json:"attributes" xml:"attributes>attribute"`
}

// O311Request is a service request of requests.json|xml. A datetime that
// is not known (expected_datetime of a closed request) is left out, never
// an empty string; lat and long are there whenever a place is known.
type O311Request struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime,omitempty" xml:"expected_datetime,omitempty"`
	Address           string   `json:"address" xml:"address"`
	AddressID         string   `json:"address_id" xml:"address_id"`
	Zipcode           string   `json:"zipcode" xml:"zipcode"`
	Lat               *float64 `json:"lat,omitempty" xml:"lat,omitempty"`
	Long              *float64 `json:"long,omitempty" xml:"long,omitempty"`
	MediaURL          string   `json:"media_url" xml:"media_url"`
}

// O311Discovery is discovery.json|xml.
type O311Discovery struct {
	XMLName    xml.Name       `json:"-" xml:"discovery"`
	Changeset  string         `json:"changeset" xml:"changeset"`
	Contact    string         `json:"contact" xml:"contact"`
	KeyService string         `json:"key_service" xml:"key_service"`
	Endpoints  []O311Endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

// O311Endpoint is an endpoint of the discovery.
type O311Endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

// O311Created is the answer to POST requests.
type O311Created struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
	AccountID        *string  `json:"account_id" xml:"account_id"`
}

// O311Token is the answer to tokens/{token}.
type O311Token struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Token            string   `json:"token" xml:"token"`
}

// O311Error is one error of the error answer.
type O311Error struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

// o311Format splits "requests.json" into "requests", "json".
func o311Format(file string) (string, string, bool) {
	i := strings.LastIndex(file, ".")
	if i <= 0 {
		return "", "", false
	}
	name, f := file[:i], file[i+1:]
	if f != "json" && f != "xml" {
		return "", "", false
	}
	return name, f, true
}

// o311Write answers v as JSON, or as XML wrapped in root.
func o311Write(w http.ResponseWriter, status int, format, root string, v any) {
	if format == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(status)
		b, _ := xml.MarshalIndent(struct {
			XMLName xml.Name
			Items   any
		}{XMLName: xml.Name{Local: root}, Items: v}, "", " ")
		w.Write([]byte(xml.Header))
		w.Write(b)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func o311Fail(w http.ResponseWriter, format string, status int, desc string) error {
	if format == "" {
		format = "json"
	}
	o311Write(w, status, format, "errors", []O311Error{{Code: status, Description: desc}})
	return nil
}

// Open311Get serves discovery.json, services.json|xml and requests.json|xml.
func (h *Handler) Open311Get(w http.ResponseWriter, r *http.Request) error {
	name, format, ok := o311Format(r.PathValue("file"))
	if !ok {
		return o311Fail(w, "json", http.StatusNotFound, "not found")
	}
	switch name {
	case "discovery":
		return h.o311Discovery(w, r, format)
	case "services":
		cats, err := h.Svc.Categories(r.Context(), false)
		if err != nil {
			return err
		}
		out := []O311Service{}
		for _, c := range cats {
			group := "ostatní"
			if c.Accessibility {
				group = "bezbariérovost"
			}
			out = append(out, O311Service{ServiceCode: c.Code, ServiceName: c.Name, Description: c.Description, Metadata: true, Type: "batch", Keywords: c.Code, Group: group})
		}
		o311Write(w, http.StatusOK, format, "services", out)
		return nil
	case "requests":
		return h.o311Requests(w, r, format)
	}
	return o311Fail(w, format, http.StatusNotFound, "not found")
}

func (h *Handler) o311Discovery(w http.ResponseWriter, r *http.Request, format string) error {
	base := h.Svc.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	d := O311Discovery{
		Changeset:  "2026-01-01T00:00:00Z",
		Contact:    "Koordinátor KPSS, " + base + "/podnet",
		KeyService: "API klíč vydá koordinátor KPSS (kpss token create).",
		Endpoints: []O311Endpoint{{
			Specification: "http://wiki.open311.org/GeoReport_v2",
			URL:           base + "/open311/v2",
			Changeset:     "2026-01-01T00:00:00Z",
			Type:          "production",
			Formats:       []string{"text/xml", "application/json"},
		}},
	}
	if format == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		b, _ := xml.MarshalIndent(d, "", " ")
		w.Write([]byte(xml.Header))
		w.Write(b)
		return nil
	}
	o311Write(w, http.StatusOK, "json", "discovery", d)
	return nil
}

// Open311Service serves services/{code}.json|xml, the service definition:
// the municipality (required) and the target group as list attributes.
func (h *Handler) Open311Service(w http.ResponseWriter, r *http.Request) error {
	code, format, ok := o311Format(r.PathValue("file"))
	if !ok {
		return o311Fail(w, "json", http.StatusNotFound, "not found")
	}
	if _, err := h.Svc.CategoryByCode(r.Context(), code); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return o311Fail(w, format, http.StatusNotFound, "unknown service_code")
		}
		return err
	}
	ms, _, err := h.Svc.Partners.FindMunicipalities(r.Context(), partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	gs, _, err := h.Svc.Partners.FindTargetGroups(r.Context(), partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	// Optional: without it the municipality is told from lat/long or the
	// address_string, or the coordinator assigns it.
	muni := O311Attribute{Variable: true, Code: "municipality", Datatype: "singlevaluelist", Required: false, Order: 1,
		DatatypeDescription: "Obec regionu (nepovinné: jinak se určí z polohy nebo z adresy)", Description: "Obec, které se podnět týká", Values: []O311Value{}}
	for _, m := range ms {
		muni.Values = append(muni.Values, O311Value{Key: itoa(m.ID), Name: m.Name})
	}
	group := O311Attribute{Variable: true, Code: "target_group", Datatype: "singlevaluelist", Required: false, Order: 2,
		DatatypeDescription: "Cílová skupina", Description: "Koho se podnět týká", Values: []O311Value{}}
	for _, g := range gs {
		group.Values = append(group.Values, O311Value{Key: itoa(g.ID), Name: g.Name})
	}
	def := O311Definition{ServiceCode: code, Attributes: []O311Attribute{muni, group}}
	if format == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		b, _ := xml.MarshalIndent(def, "", " ")
		w.Write([]byte(xml.Header))
		w.Write(b)
		return nil
	}
	o311Write(w, http.StatusOK, format, "", def)
	return nil
}

// o311View turns suggestions into requests, with category and department names.
func (h *Handler) o311View(ctx context.Context, items []Suggestion) ([]O311Request, error) {
	cats, err := h.Svc.Categories(ctx, true)
	if err != nil {
		return nil, err
	}
	byID := map[int64]Category{}
	for _, c := range cats {
		byID[c.ID] = c
	}
	ds, _, err := h.Svc.Partners.FindDepartments(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	dn := map[int64]string{}
	for _, d := range ds {
		dn[d.ID] = d.Name
	}
	ms, _, err := h.Svc.Partners.FindMunicipalities(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	centre := map[int64][2]*float64{}
	for _, m := range ms {
		if m.Lat != nil && m.Lng != nil {
			centre[m.ID] = [2]*float64{m.Lat, m.Lng}
		}
	}
	out := make([]O311Request, 0, len(items))
	for i := range items {
		x := &items[i]
		v := Public(x)
		req := O311Request{ServiceRequestID: x.Code, Status: "closed", StatusNotes: StateNameCS(x.State), ServiceName: byID[x.CategoryID].Name,
			ServiceCode: byID[x.CategoryID].Code, Description: x.Text, RequestedDatetime: x.ReceivedAt.Format(time.RFC3339),
			UpdatedDatetime: x.UpdatedAt.Format(time.RFC3339), Address: v.Address, Lat: v.Lat, Long: v.Lng}
		// Where the exact place is private (or not given), the centre of the
		// municipality stands for it.
		if c, ok := centre[x.MunicipalityID]; ok && (x.LocationPrivate || req.Lat == nil || req.Long == nil) {
			req.Lat, req.Long = c[0], c[1]
		}
		if x.State.Open() {
			req.Status = "open"
		}
		if x.PublicNote != "" {
			req.StatusNotes += ": " + x.PublicNote
		}
		if x.DepartmentID != nil {
			req.AgencyResponsible = dn[*x.DepartmentID]
		}
		if !x.DueDate.IsZero() && x.State.Open() {
			req.ExpectedDatetime = time.Date(x.DueDate.Year(), x.DueDate.Month(), x.DueDate.Day(), 23, 59, 59, 0, prague).Format(time.RFC3339)
		}
		out = append(out, req)
	}
	return out, nil
}

func (h *Handler) o311Requests(w http.ResponseWriter, r *http.Request, format string) error {
	q := r.URL.Query()
	f := Filter{Paging: store.Paging{Page: 1, PerPage: 1000}}
	if ids := q.Get("service_request_id"); ids != "" {
		// A list of ids overrides every other filter.
		for _, id := range strings.Split(ids, ",") {
			if c := NormalizeCode(id); c != "" {
				f.Codes = append(f.Codes, c)
			}
		}
	} else {
		if code := q.Get("service_code"); code != "" {
			c, err := h.Svc.CategoryByCode(r.Context(), code)
			if err != nil {
				if apperr.CodeOf(err) == apperr.NotFound {
					return o311Fail(w, format, http.StatusBadRequest, "unknown service_code")
				}
				return err
			}
			f.CategoryID = c.ID
		}
		var err error
		if f.From, err = o311Time(q.Get("start_date")); err != nil {
			return o311Fail(w, format, http.StatusBadRequest, "start_date is not a W3C datetime")
		}
		if f.To, err = o311Time(q.Get("end_date")); err != nil {
			return o311Fail(w, format, http.StatusBadRequest, "end_date is not a W3C datetime")
		}
		if f.From.IsZero() && f.To.IsZero() {
			f.From = h.Svc.Now().AddDate(0, 0, -90)
		}
		switch q.Get("status") {
		case "":
		case "open":
			f.States = OpenStates
		case "closed":
			f.States = []State{StateResolved, StateClosed, StateRejected, StateReferred, StateDuplicate}
		default:
			return o311Fail(w, format, http.StatusBadRequest, "status must be open or closed")
		}
	}
	items, _, err := h.Svc.FindPublic(r.Context(), f)
	if err != nil {
		return err
	}
	out, err := h.o311View(r.Context(), items)
	if err != nil {
		return err
	}
	o311Write(w, http.StatusOK, format, "service_requests", out)
	return nil
}

func o311Time(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", s)
}

// Open311Request serves requests/{id}.json|xml.
func (h *Handler) Open311Request(w http.ResponseWriter, r *http.Request) error {
	id, format, ok := o311Format(r.PathValue("file"))
	if !ok {
		return o311Fail(w, "json", http.StatusNotFound, "not found")
	}
	x, err := h.Svc.FindByCode(r.Context(), id)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return o311Fail(w, format, http.StatusNotFound, "unknown service_request_id")
		}
		return err
	}
	out, err := h.o311View(r.Context(), []Suggestion{*x})
	if err != nil {
		return err
	}
	o311Write(w, http.StatusOK, format, "service_requests", out)
	return nil
}

// Open311Token serves tokens/{token}.json|xml: requests get their id at
// once, so a token is the id itself.
func (h *Handler) Open311Token(w http.ResponseWriter, r *http.Request) error {
	tok, format, ok := o311Format(r.PathValue("file"))
	if !ok {
		return o311Fail(w, "json", http.StatusNotFound, "not found")
	}
	x, err := h.Svc.FindByCode(r.Context(), tok)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return o311Fail(w, format, http.StatusNotFound, "unknown token")
		}
		return err
	}
	o311Write(w, http.StatusOK, format, "service_requests", []O311Token{{ServiceRequestID: x.Code, Token: x.Code}})
	return nil
}

// Open311Post serves POST requests.json|xml: a citizen's suggestion sent by
// an app that holds a kpss API token (api_key). The app collects the
// citizen's consent to the contact details it passes on.
func (h *Handler) Open311Post(w http.ResponseWriter, r *http.Request) error {
	name, format, ok := o311Format(r.PathValue("file"))
	if !ok || name != "requests" {
		return o311Fail(w, "json", http.StatusNotFound, "not found")
	}
	tooLarge := "Požadavek je příliš velký (nejvýše " + apperr.FormatBytes(formMax) + "). The request body is too large."
	if r.ContentLength > formMax {
		w.Header().Set("Connection", "close")
		return o311Fail(w, format, http.StatusRequestEntityTooLarge, tooLarge)
	}
	r.Body = http.MaxBytesReader(w, r.Body, formMax)
	if err := r.ParseForm(); err != nil {
		if apperr.CodeOf(web.BodyError(err, formMax)) == apperr.TooLarge {
			return o311Fail(w, format, http.StatusRequestEntityTooLarge, tooLarge)
		}
		return o311Fail(w, format, http.StatusBadRequest, "Tělo požadavku není formulář (application/x-www-form-urlencoded). The request body is not a form.")
	}
	form := r.PostForm
	key := form.Get("api_key")
	if key == "" {
		key = r.URL.Query().Get("api_key")
	}
	if key == "" {
		return o311Fail(w, format, http.StatusForbidden, "api_key is required")
	}
	u, err := h.Auth.TokenUser(r.Context(), key)
	if err != nil || u == nil || !u.Active {
		return o311Fail(w, format, http.StatusForbidden, "invalid api_key")
	}
	ctx := audit.WithActor(r.Context(), audit.Actor{ID: u.ID, Name: u.Login, IP: h.ClientIP(r)})
	code := form.Get("service_code")
	if code == "" {
		return o311Fail(w, format, http.StatusBadRequest, "service_code is required")
	}
	cat, err := h.Svc.CategoryByCode(ctx, code)
	if err != nil {
		return o311Fail(w, format, http.StatusBadRequest, "unknown service_code")
	}
	in, problem := o311Input(form, cat.ID)
	if problem != "" {
		return o311Fail(w, format, http.StatusBadRequest, problem)
	}
	x, err := h.Svc.Submit(auth.WithUser(ctx, nil), in)
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
			o311Write(w, http.StatusBadRequest, format, "errors", o311Errors(h.R.Localizer(r), e))
			return nil
		}
		return err
	}
	o311Write(w, http.StatusCreated, format, "service_requests", []O311Created{{ServiceRequestID: x.Code,
		ServiceNotice: "Podnět přijat. Stav: " + h.Svc.TrackingURL(x.Code)}})
	return nil
}

// o311Input reads the form of POST requests into the suggestion it asks
// for (categoryID is its service_code's category). problem says what the
// form lacks in Open311's terms ("" when nothing). Only service_code,
// description and a place (lat and long, address_string or address_id) are
// needed; attribute[municipality] is optional (Locate).
func o311Input(form url.Values, categoryID int64) (Input, string) {
	lat, lng := floatPtr(form.Get("lat")), floatPtr(form.Get("long"))
	addr := form.Get("address_string")
	if (lat == nil || lng == nil) && strings.TrimSpace(addr) == "" && strings.TrimSpace(form.Get("address_id")) == "" {
		return Input{}, "lat and long, address_string or address_id is required"
	}
	if strings.TrimSpace(addr) == "" {
		addr = form.Get("address_id")
	}
	in := Input{Text: form.Get("description"), CategoryID: categoryID, MunicipalityID: int64Of(form.Get("attribute[municipality]")),
		Address: addr, Lat: lat, Lng: lng,
		ContactName: strings.TrimSpace(form.Get("first_name") + " " + form.Get("last_name")), ContactEmail: form.Get("email"), ContactPhone: form.Get("phone")}
	if tg := int64Of(form.Get("attribute[target_group]")); tg > 0 {
		in.TargetGroupID = &tg
	}
	// The app collects the citizen's consent to the contacts it passes on.
	in.Consent = in.ContactName != "" || in.ContactEmail != "" || in.ContactPhone != ""
	return in, ""
}

// o311Errors are the Open311 errors of a validation error: each problem
// under its Open311 parameter, in the caller's language.
func o311Errors(l *i18n.Localizer, e *apperr.Error) []O311Error {
	var errs []O311Error
	for _, field := range []string{"text", "category_id", "municipality_id", "target_group_id", "address", "lat", "contact_name", "contact_email", "contact_phone", "consent"} {
		if m, ok := e.Fields[field]; ok {
			errs = append(errs, O311Error{Code: http.StatusBadRequest, Description: o311Field(field) + ": " + l.Msg(m)})
		}
	}
	if len(errs) == 0 {
		errs = []O311Error{{Code: http.StatusBadRequest, Description: l.Msg(e.Msg)}}
	}
	return errs
}

// o311Field names our fields by their Open311 parameters in errors.
func o311Field(f string) string {
	switch f {
	case "text":
		return "description"
	case "category_id":
		return "service_code"
	case "municipality_id":
		return "attribute[municipality]"
	case "target_group_id":
		return "attribute[target_group]"
	case "address":
		return "address_string"
	case "lat":
		return "lat/long"
	case "contact_name":
		return "first_name/last_name"
	case "contact_email":
		return "email"
	case "contact_phone":
		return "phone"
	case "consent":
		return "email/phone (consent)"
	}
	return f
}

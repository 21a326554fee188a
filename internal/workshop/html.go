package workshop

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/feedback"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

//go:embed templates/*.html i18n/*.json openapi.json
var files embed.FS

// Handler serves the module's pages and API.
type Handler struct {
	Svc *Service
	R   *web.Renderer
	API *web.API
}

// NewHandler registers the module's templates and messages.
func NewHandler(svc *Service, r *web.Renderer, api *web.API) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("workshop", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Svc: svc, R: r, API: api}, nil
}

// OpenAPI returns the module's fragment of the API description.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return b
}

const formMax = 1 << 20

func isStaff(r *http.Request) bool {
	u := auth.UserFrom(r.Context())
	return u != nil && u.IsStaff()
}

func (h *Handler) l(r *http.Request) *i18n.Localizer { return h.R.Localizer(r) }

func (h *Handler) crumbs(p *web.Page) *web.Page {
	return p.Crumb("/workshopy", p.L.T("workshop.list.title"))
}

// workshopOf reads the workshop of the route's {id}; drafts are hidden from
// everyone but the staff.
func (h *Handler) workshopOf(r *http.Request) (*Workshop, error) {
	id, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	w, err := h.Svc.FindWorkshopByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !w.Public() && !isStaff(r) {
		return nil, apperr.NotFoundErr("workshop")
	}
	return w, nil
}

func audienceOptions(l *i18n.Localizer, w *Workshop) []web.Option {
	var out []web.Option
	for _, a := range Audiences {
		if w == nil || w.Quotas[a] > 0 {
			out = append(out, web.Option{Value: a, Label: l.T("workshop.audience." + a)})
		}
	}
	return out
}

// ---------- list

// ShowList lists the workshops: the coming ones with free places, then the
// past ones; the staff also see drafts.
func (h *Handler) ShowList(w http.ResponseWriter, r *http.Request) error {
	f := Filter{Search: r.URL.Query().Get("q")}
	if !isStaff(r) {
		f.States = []string{StatePublished, StateHeld, StateNotHeld, StateCancelled}
	}
	if y, err := strconv.Atoi(r.URL.Query().Get("rok")); err == nil && y > 2000 && y < 2100 {
		f.Year = y
	}
	ws, err := h.Svc.FindWorkshops(r.Context(), f)
	if err != nil {
		return err
	}
	now := h.Svc.now()
	var coming, past []Workshop
	for _, x := range ws {
		if x.Finished(now) || x.State == StateHeld || x.State == StateNotHeld {
			past = append(past, x)
		} else {
			coming = append(coming, x)
		}
	}
	p := h.R.Page(r, "workshop.list.title")
	p.Wide = true
	p.Data = map[string]any{"Coming": coming, "Past": past, "Staff": isStaff(r), "Now": now, "Year": f.Year, "Q": f.Search}
	h.R.Render(w, r, http.StatusOK, "workshop/list", p)
	return nil
}

// ---------- detail

// ShowWorkshop shows a workshop: to everyone its programme, lecturer, place
// and free places; to the staff also the registrations, attendance, the
// publishing rules and the actions.
func (h *Handler) ShowWorkshop(w http.ResponseWriter, r *http.Request) error {
	return h.renderWorkshop(w, r, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderWorkshop(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	ws, err := h.workshopOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := h.crumbs(h.R.Page(r, "workshop.show.title", "Topic", ws.Topic))
	p.Form = f
	staff := isStaff(r)
	p.Wide = staff
	data := map[string]any{"W": ws, "Staff": staff, "Now": h.Svc.now(), "Open": ws.Open(h.Svc.now()),
		"Audiences": Audiences, "Threshold": Hours(Threshold(ws))}
	if staff {
		regs, err := h.Svc.Registrations(ctx, ws.ID)
		if err != nil {
			return err
		}
		t, err := h.Svc.Tally(ctx, ws)
		if err != nil {
			return err
		}
		certs, err := h.Svc.CertificatesOf(ctx, ws.ID)
		if err != nil {
			return err
		}
		data["Regs"], data["Tally"], data["Certs"] = regs, t, certs
		if ws.State == StateDraft {
			var probs []string
			for _, k := range []string{"blocks", "min_participants", "quota_staff"} {
				if m, ok := PublishProblems(ws)[k]; ok {
					probs = append(probs, p.L.Msg(m))
				}
			}
			data["Problems"] = probs
		}
		if fb, ok := h.Svc.FeedbackForm(ctx, ws); ok {
			data["FeedbackForm"] = fb
		}
		if h.Svc.Feedback != nil {
			res, err := h.Svc.Feedback.FeedbackResults(ctx, []string{Owner(ws.ID)})
			if err != nil {
				h.Svc.Log.Warn("workshop: feedback results", "err", err)
			} else if x, ok := res[Owner(ws.ID)]; ok {
				data["Feedback"] = x
			}
		}
		data["FeedbackOn"] = h.Svc.Feedback != nil
		data["CanInvite"] = h.Svc.Inviter != nil
		data["InviteAudiences"] = []web.Option{{Value: AudStaff, Label: p.L.T("workshop.invite.staff")}, {Value: AudCommissioner, Label: p.L.T("workshop.invite.commissioner")},
			{Value: AudUser, Label: p.L.T("workshop.invite.users")}}
		if h.Svc.Status != nil {
			st, err := h.Svc.Status(ctx, Owner(ws.ID))
			if err == nil {
				data["Mail"] = st
			}
		}
		if f.Values.Get("block_day") == "" && len(ws.Blocks) > 0 {
			last := ws.Blocks[len(ws.Blocks)-1]
			f.Values.Set("block_day", last.Start().Format("2006-01-02"))
		}
	}
	p.Data = data
	h.R.Render(w, r, status, "workshop/show", p)
	return nil
}

// ---------- form

var workshopFields = []string{"topic", "description", "lecturer_name", "lecturer_org", "lecturer_bio", "place_id", "organiser",
	"min_participants", "quota_staff", "quota_commissioner", "quota_user", "quota_carer", "cert_percent", "offer_hours"}

// ShowForm shows the form of a new workshop or of an existing one.
func (h *Handler) ShowForm(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm(url.Values{"min_participants": {"10"}, "cert_percent": {strconv.Itoa(DefaultCertPercent)}, "offer_hours": {strconv.Itoa(DefaultOfferHours)},
		"quota_staff": {"12"}, "quota_commissioner": {"3"}, "quota_user": {"3"}, "quota_carer": {"2"}})
	if r.PathValue("id") != "" {
		ws, err := h.workshopOf(r)
		if err != nil {
			return err
		}
		v := url.Values{}
		v.Set("topic", ws.Topic)
		v.Set("description", ws.Description)
		v.Set("lecturer_name", ws.LecturerName)
		v.Set("lecturer_org", ws.LecturerOrg)
		v.Set("lecturer_bio", ws.LecturerBio)
		if ws.PlaceID != nil {
			v.Set("place_id", strconv.FormatInt(*ws.PlaceID, 10))
		}
		v.Set("organiser", ws.Organiser)
		v.Set("min_participants", strconv.Itoa(ws.MinParticipants))
		v.Set("cert_percent", strconv.Itoa(ws.CertPercent))
		v.Set("offer_hours", strconv.Itoa(ws.OfferHours))
		for _, a := range Audiences {
			v.Set("quota_"+a, strconv.Itoa(ws.Quotas[a]))
		}
		f = web.NewForm(v)
	}
	return h.renderForm(w, r, f, http.StatusOK)
}

func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "workshop.form.new"
	if r.PathValue("id") != "" {
		title = "workshop.form.edit"
	}
	p := h.crumbs(h.R.Page(r, title))
	p.Form = f
	places := []web.Option{{Value: "", Label: p.L.T("workshop.field.no_place")}}
	if h.Svc.Places != nil {
		ps, err := h.Svc.Places.FindPlaces(r.Context())
		if err != nil {
			return err
		}
		for _, pl := range ps {
			if !pl.Archived || f.Get("place_id") == strconv.FormatInt(pl.ID, 10) {
				places = append(places, web.Option{Value: strconv.FormatInt(pl.ID, 10), Label: pl.Name})
			}
		}
	}
	p.Data = map[string]any{"Places": places, "ID": r.PathValue("id"), "Audiences": Audiences}
	h.R.Render(w, r, status, "workshop/form", p)
	return nil
}

func intField(f *web.Form, name string, fields apperr.Fields) int {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fields.Add(name, "err.number")
	}
	return n
}

// SaveForm creates or updates a workshop.
func (h *Handler) SaveForm(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	bad := apperr.Fields{}
	in := Workshop{Topic: f.Get("topic"), Description: f.Values.Get("description"), LecturerName: f.Get("lecturer_name"), LecturerOrg: f.Get("lecturer_org"),
		LecturerBio: f.Values.Get("lecturer_bio"), PlaceID: f.Int64Ptr("place_id"), Organiser: f.Get("organiser"),
		MinParticipants: intField(f, "min_participants", bad), CertPercent: intField(f, "cert_percent", bad), OfferHours: intField(f, "offer_hours", bad),
		Quotas: map[string]int{}}
	for _, a := range Audiences {
		in.Quotas[a] = intField(f, "quota_"+a, bad)
	}
	var saved *Workshop
	if len(bad) > 0 {
		err = bad.Err()
	} else if r.PathValue("id") == "" {
		saved, err = h.Svc.CreateWorkshop(r.Context(), in)
	} else {
		id, perr := web.PathID(r)
		if perr != nil {
			return perr
		}
		saved, err = h.Svc.UpdateWorkshop(r.Context(), id, in)
	}
	if err != nil {
		if f.SetError(h.l(r), err, workshopFields...) {
			return h.renderForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/workshopy/"+strconv.FormatInt(saved.ID, 10), "workshop.flash.saved")
	return nil
}

// ---------- blocks

var blockFields = []string{"block_day", "block_start", "block_end", "block_break", "block_title"}

func clock(day, hhmm string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hhmm, prague)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// AddBlock adds a time block from the workshop page's form.
func (h *Handler) AddBlock(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	bad := apperr.Fields{}
	day := f.Get("block_day")
	if _, err := time.Parse("2006-01-02", day); err != nil {
		bad.Add("block_day", "workshop.err.date")
	}
	start, ok := clock(day, f.Get("block_start"))
	if !ok && len(bad) == 0 {
		bad.Add("block_start", "workshop.err.time")
	}
	end, ok := clock(day, f.Get("block_end"))
	if !ok && len(bad) == 0 {
		bad.Add("block_end", "workshop.err.time")
	}
	brk := intField(f, "block_break", bad)
	if len(bad) > 0 {
		err = bad.Err()
	} else {
		_, err = h.Svc.AddBlock(r.Context(), id, Block{Title: f.Get("block_title"), StartsAt: start, EndsAt: end, BreakMinutes: brk})
	}
	if err != nil {
		if f.SetError(h.l(r), err, blockFields...) {
			return h.renderWorkshop(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/workshopy/"+strconv.FormatInt(id, 10)+"#bloky", "workshop.flash.block_added")
	return nil
}

// RemoveBlock removes a block.
func (h *Handler) RemoveBlock(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	wid, err := h.Svc.RemoveBlock(r.Context(), id)
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/workshopy/"+strconv.FormatInt(wid, 10)+"#bloky", "workshop.flash.block_removed")
	return nil
}

// ---------- state

// SetState publishes, cancels or closes a workshop.
func (h *Handler) SetState(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var flash string
	switch f.Get("action") {
	case "publish":
		_, err = h.Svc.Publish(ctx, id)
		flash = "workshop.flash.published"
	case "cancel":
		_, err = h.Svc.Cancel(ctx, id)
		flash = "workshop.flash.cancelled"
	case "close":
		var ws *Workshop
		if ws, err = h.Svc.Close(ctx, id); err == nil {
			flash = "workshop.flash.closed_" + ws.State
		}
	case "certificates":
		var n int
		if n, err = h.Svc.IssueCertificates(ctx, id); err == nil {
			flash = "workshop.flash.certificates"
			if n == 0 {
				flash = "workshop.flash.no_certificates"
			}
		}
	default:
		return apperr.New(apperr.Invalid, "err.invalid")
	}
	if err != nil {
		if f.SetError(h.l(r), err, "blocks", "min_participants", "quota_staff") {
			return h.renderWorkshop(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/workshopy/"+strconv.FormatInt(id, 10), flash)
	return nil
}

// ---------- registration

var regFields = []string{"name", "email", "phone", "organisation", "role", "audience", "needs", "assistant"}

// ShowRegistrationForm shows the registration form of a workshop (the
// signed-in get their name and e-mail filled in).
func (h *Handler) ShowRegistrationForm(w http.ResponseWriter, r *http.Request) error {
	v := url.Values{}
	if u := auth.UserFrom(r.Context()); u != nil {
		v.Set("name", u.DisplayName())
		v.Set("email", u.Email)
		switch u.Role {
		case auth.RoleOfficer:
			v.Set("audience", AudCommissioner)
		default:
			v.Set("audience", AudStaff)
		}
	}
	return h.renderRegistrationForm(w, r, web.NewForm(v), http.StatusOK)
}

func (h *Handler) renderRegistrationForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	ws, err := h.workshopOf(r)
	if err != nil {
		return err
	}
	if !ws.Open(h.Svc.now()) {
		return apperr.New(apperr.NotFound, "workshop.err.closed")
	}
	p := h.crumbs(h.R.Page(r, "workshop.register.title", "Topic", ws.Topic))
	p.Crumb("/workshopy/"+strconv.FormatInt(ws.ID, 10), ws.Topic)
	p.Form = f
	p.Data = map[string]any{"W": ws, "Audiences": audienceOptions(p.L, ws)}
	h.R.Render(w, r, status, "workshop/register", p)
	return nil
}

// SaveRegistration signs a person up and shows their registration.
func (h *Handler) SaveRegistration(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if f.Get("website") != "" { // honeypot
		return apperr.New(apperr.Invalid, "err.invalid")
	}
	// The staff registering people at the office are not limited.
	if h.Svc.Allow != nil && !isStaff(r) {
		// The address is kept hashed (it is personal data).
		sum := sha256.Sum256([]byte(clientIP(r)))
		ok, err := h.Svc.Allow(r.Context(), "workshop-register:"+hex.EncodeToString(sum[:8]), 10, time.Hour)
		if err != nil {
			return err
		}
		if !ok {
			return &apperr.Error{Code: apperr.TooMany, Msg: apperr.Msg{Key: "workshop.err.too_many"}, Retry: 600}
		}
	}
	in := Registration{WorkshopID: id, Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"), Organisation: f.Get("organisation"),
		Role: f.Get("role"), Audience: f.Get("audience"), Needs: f.Values.Get("needs"), Assistant: f.Bool("assistant")}
	if u := auth.UserFrom(r.Context()); u != nil {
		uid := u.ID
		in.UserID = &uid
	}
	reg, err := h.Svc.Register(r.Context(), in)
	if err != nil {
		if f.SetError(h.l(r), err, regFields...) {
			return h.renderRegistrationForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	flash := "workshop.flash.registered"
	if reg.State == RegWaitlisted {
		flash = "workshop.flash.waitlisted"
	}
	web.Redirect(w, r, "/ucast/"+url.PathEscape(reg.Token), flash)
	return nil
}

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}

// ShowRegistration shows a registration by its personal link: the state,
// the cancel button, accepting an offered place, the attendance code, the
// certificate and the feedback form.
func (h *Handler) ShowRegistration(w http.ResponseWriter, r *http.Request) error {
	return h.renderRegistration(w, r, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderRegistration(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	ctx := r.Context()
	reg, err := h.Svc.RegistrationByToken(ctx, r.PathValue("token"))
	if err != nil {
		return err
	}
	ws, err := h.Svc.FindWorkshopByID(ctx, reg.WorkshopID)
	if err != nil {
		return err
	}
	p := h.crumbs(h.R.Page(r, "workshop.reg.title"))
	p.NoIndex = true
	p.Form = f
	now := h.Svc.now()
	data := map[string]any{"Reg": reg, "W": ws, "Token": r.PathValue("token"), "Now": now,
		"CanCancel":  ws.State == StatePublished && !ws.Finished(now) && (reg.Holds() || reg.State == RegWaitlisted),
		"CanCheckIn": ws.State == StatePublished && reg.State == RegConfirmed && !now.Before(ws.First().Add(-30*time.Minute)) && !now.After(ws.Last().Add(30*time.Minute)),
	}
	if c, err := h.Svc.CertificateOfRegistration(ctx, reg.ID); err == nil {
		data["Cert"] = c
	}
	if fb, ok := h.Svc.FeedbackForm(ctx, ws); ok {
		data["Feedback"] = fb
	}
	p.Data = data
	h.R.Render(w, r, status, "workshop/registration", p)
	return nil
}

// RegistrationAction cancels a registration, accepts an offered place or
// records attendance by code, from the personal link.
func (h *Handler) RegistrationAction(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var flash string
	switch f.Get("action") {
	case "cancel":
		_, err = h.Svc.CancelRegistration(ctx, 0, token)
		flash = "workshop.flash.reg_cancelled"
	case "accept":
		_, err = h.Svc.AcceptOffer(ctx, token)
		flash = "workshop.flash.accepted"
	case "code":
		_, err = h.Svc.CheckIn(ctx, token, f.Get("code"))
		flash = "workshop.flash.checked_in"
	default:
		return apperr.New(apperr.Invalid, "err.invalid")
	}
	if err != nil {
		if f.SetError(h.l(r), err, "code") {
			return h.renderRegistration(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/ucast/"+url.PathEscape(token), flash)
	return nil
}

// StaffRegistrationAction cancels a registration or moves it on the waiting list.
func (h *Handler) StaffRegistrationAction(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	wid := h.Svc.WorkshopOfRegistration(ctx, id)
	var flash string
	switch r.PathValue("action") {
	case "zrusit":
		_, err = h.Svc.CancelRegistration(ctx, id, "")
		flash = "workshop.flash.reg_cancelled"
	case "nahoru":
		_, err = h.Svc.MoveWaitlisted(ctx, id, true)
	case "dolu":
		_, err = h.Svc.MoveWaitlisted(ctx, id, false)
	default:
		return apperr.NotFoundErr("workshop_registration")
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/workshopy/"+strconv.FormatInt(wid, 10)+"#prihlasky", flash)
	return nil
}

// ---------- attendance

// ShowAttendance shows the grid of registrations × blocks to tick.
func (h *Handler) ShowAttendance(w http.ResponseWriter, r *http.Request) error {
	ws, err := h.workshopOf(r)
	if err != nil {
		return err
	}
	t, err := h.Svc.Tally(r.Context(), ws)
	if err != nil {
		return err
	}
	v := url.Values{}
	for rid, bs := range t.Present {
		for bid := range bs {
			v.Add(cellName(rid), strconv.FormatInt(bid, 10))
		}
	}
	return h.renderAttendance(w, r, ws, web.NewForm(v), http.StatusOK)
}

func cellName(rid int64) string { return "p" + strconv.FormatInt(rid, 10) }

// AttendanceRow is one person of the attendance grid.
type AttendanceRow struct {
	Reg   Registration
	Name  string // the field name of their checkboxes
	Cells []AttendanceCell
}

// AttendanceCell is one checkbox of the grid.
type AttendanceCell struct {
	ID, Value string
	Block     Block
	Checked   bool
}

func (h *Handler) renderAttendance(w http.ResponseWriter, r *http.Request, ws *Workshop, f *web.Form, status int) error {
	regs, err := h.Svc.Registrations(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	var rows []AttendanceRow
	for _, rg := range regs {
		if rg.State != RegConfirmed {
			continue
		}
		row := AttendanceRow{Reg: rg, Name: cellName(rg.ID)}
		for _, b := range ws.Blocks {
			val := strconv.FormatInt(b.ID, 10)
			row.Cells = append(row.Cells, AttendanceCell{ID: row.Name + "-" + val, Value: val, Block: b, Checked: f.Has(row.Name, val)})
		}
		rows = append(rows, row)
	}
	p := h.crumbs(h.R.Page(r, "workshop.attendance.title", "Topic", ws.Topic))
	p.Crumb("/workshopy/"+strconv.FormatInt(ws.ID, 10), ws.Topic)
	p.Form = f
	p.Wide = true
	p.Data = map[string]any{"W": ws, "Rows": rows, "Audiences": audienceOptions(p.L, nil)}
	h.R.Render(w, r, status, "workshop/attendance", p)
	return nil
}

// SaveAttendance stores the ticked grid.
func (h *Handler) SaveAttendance(w http.ResponseWriter, r *http.Request) error {
	ws, err := h.workshopOf(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	present := map[int64][]int64{}
	for k := range f.Values {
		if !strings.HasPrefix(k, "p") {
			continue
		}
		rid, err := strconv.ParseInt(k[1:], 10, 64)
		if err != nil {
			continue
		}
		present[rid] = f.Int64s(k)
	}
	if err := h.Svc.RecordAttendance(r.Context(), ws.ID, present); err != nil {
		if f.SetError(h.l(r), err) {
			return h.renderAttendance(w, r, ws, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/workshopy/"+strconv.FormatInt(ws.ID, 10)+"#dochazka", "workshop.flash.attendance_saved")
	return nil
}

// ---------- feedback

// Owner is the feedback owner key of a workshop.
func Owner(id int64) string { return "workshop:" + strconv.FormatInt(id, 10) }

// FeedbackForm returns the feedback form of a workshop once its last block
// has ended (made the first time it is asked for); false without the
// surveys module or before the end.
func (s *Service) FeedbackForm(ctx context.Context, w *Workshop) (feedback.Form, bool) {
	if s.Feedback == nil || !w.Finished(s.now()) || (w.State != StatePublished && w.State != StateHeld) {
		return feedback.Form{}, false
	}
	form, err := s.Feedback.EnsureFeedback(ctx, feedback.Request{Owner: Owner(w.ID), Title: "Zpětná vazba: " + w.Topic,
		Opens: w.Last(), Closes: w.Last().AddDate(0, 0, 30), Audience: "účastníci workshopu"})
	if err != nil {
		s.Log.Warn("workshop: feedback form", "workshop", w.ID, "err", err)
		return feedback.Form{}, false
	}
	return form, true
}

// SendInvitations queues the invitations chosen on the workshop page.
func (h *Handler) SendInvitations(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if _, err := h.Svc.SendInvitations(r.Context(), id, f.Values["audiences"], f.Values.Get("extra")); err != nil {
		if f.SetError(h.l(r), err, "audiences", "extra") {
			return h.renderWorkshop(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/workshopy/"+strconv.FormatInt(id, 10), "workshop.flash.invited")
	return nil
}

// ShowCode shows the attendance code of the block under way (or the next
// one) in large type, for the projector.
func (h *Handler) ShowCode(w http.ResponseWriter, r *http.Request) error {
	ws, err := h.workshopOf(r)
	if err != nil {
		return err
	}
	now := h.Svc.now()
	var cur *Block
	for i := range ws.Blocks {
		b := &ws.Blocks[i]
		if !now.Before(b.StartsAt.Add(-30*time.Minute)) && !now.After(b.EndsAt.Add(30*time.Minute)) {
			cur = b
			break
		}
		if cur == nil && b.StartsAt.After(now) {
			cur = b
		}
	}
	p := h.crumbs(h.R.Page(r, "workshop.code.title", "Topic", ws.Topic))
	p.NoIndex = true
	p.Data = map[string]any{"W": ws, "Block": cur}
	h.R.Render(w, r, http.StatusOK, "workshop/code", p)
	return nil
}

// AddWalkIn registers, on the attendance page, a person who came without
// registering.
func (h *Handler) AddWalkIn(w http.ResponseWriter, r *http.Request) error {
	ws, err := h.workshopOf(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	_, err = h.Svc.RegisterOnSite(r.Context(), Registration{WorkshopID: ws.ID, Name: f.Get("walkin_name"), Organisation: f.Get("walkin_organisation"),
		Audience: f.Get("walkin_audience"), Assistant: f.Bool("walkin_assistant")})
	if err != nil {
		if f.SetError(h.l(r), err, "walkin_name", "walkin_organisation", "walkin_audience") {
			t, terr := h.Svc.Tally(r.Context(), ws)
			if terr != nil {
				return terr
			}
			for rid, bs := range t.Present {
				for bid := range bs {
					f.Values.Add(cellName(rid), strconv.FormatInt(bid, 10))
				}
			}
			return h.renderAttendance(w, r, ws, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/workshopy/"+strconv.FormatInt(ws.ID, 10)+"/dochazka", "workshop.flash.walkin_added")
	return nil
}

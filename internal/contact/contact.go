// Package contact is the coordinator's public contact: name, phone, e-mail,
// office hours and address, edited by the coordinator at /sprava/kontakt and
// shown in the footer of every page, on the suggestion form, on error pages
// (the 429 page says whom to call) and in the accessibility statement.
package contact

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"net/http"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/store"
	"kpss/internal/web"
)

//go:embed templates/*.html i18n/*.json
var files embed.FS

// Contact is the coordinator's public contact.
type Contact struct {
	Name      string    `json:"name"`
	Phone     string    `json:"phone"`
	Email     string    `json:"email"`
	Hours     string    `json:"hours"`
	Address   string    `json:"address"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PersonalFields are masked in the audit log (a work contact, but a person's).
var PersonalFields = []string{"name", "phone", "email"}

var phoneRe = regexp.MustCompile(`^\+?[0-9 ()/-]{9,20}$`)

// Validate checks the contact; field names match the form's.
func (c *Contact) Validate() error {
	for _, p := range []*string{&c.Name, &c.Phone, &c.Email, &c.Hours, &c.Address} {
		*p = strings.TrimSpace(*p)
	}
	f := apperr.Fields{}
	if c.Name == "" {
		f.Add("name", "err.required")
	}
	if c.Phone == "" && c.Email == "" {
		f.Add("phone", "contact.err.phone_or_email")
	}
	if c.Phone != "" && !phoneRe.MatchString(c.Phone) {
		f.Add("phone", "err.phone")
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			f.Add("email", "err.email")
		}
	}
	for _, x := range []struct {
		field, v string
		max      int
	}{{"name", c.Name, 200}, {"hours", c.Hours, 300}, {"address", c.Address, 300}} {
		if utf8.RuneCountInString(x.v) > x.max {
			f.Add(x.field, "err.too_long", "Max", x.max)
		}
	}
	return f.Err()
}

// Web is the contact as the layout shows it.
func (c Contact) Web() web.Contact {
	return web.Contact{Name: c.Name, Phone: c.Phone, Email: c.Email, Hours: c.Hours, Address: c.Address}
}

// Service reads and saves the contact. Every page shows it, so it is kept
// in memory and read again from the database after a minute (another
// replica may have saved it).
type Service struct {
	DB    *store.DB
	Audit *audit.Log
	Now   func() time.Time

	mu     sync.Mutex
	cached *Contact
	at     time.Time
}

// TTL is how long the cached contact is used before it is read again.
const TTL = time.Minute

// Refresh reads the contact from the database now (at start-up, so that no
// page pays for it; and after something else changed it).
func (s *Service) Refresh(ctx context.Context) error {
	c, err := load(ctx, s.DB)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.cached, s.at = &c, time.Now()
	s.mu.Unlock()
	return nil
}

// Get returns the contact (zero when none is set).
func (s *Service) Get(ctx context.Context) (Contact, error) {
	s.mu.Lock()
	if s.cached != nil && time.Since(s.at) < TTL {
		c := *s.cached
		s.mu.Unlock()
		return c, nil
	}
	s.mu.Unlock()
	c, err := load(ctx, s.DB)
	if err != nil {
		return Contact{}, err
	}
	s.mu.Lock()
	s.cached, s.at = &c, time.Now()
	s.mu.Unlock()
	return c, nil
}

func load(ctx context.Context, q store.Q) (Contact, error) {
	var c Contact
	err := q.QueryRow(ctx, `SELECT name, phone, email, hours, address, updated_at FROM public_contact WHERE id = 1`).
		Scan(&c.Name, &c.Phone, &c.Email, &c.Hours, &c.Address, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, nil
	}
	return c, err
}

// Save stores the contact (the coordinator or the admin).
func (s *Service) Save(ctx context.Context, c Contact) (*Contact, error) {
	if u := auth.UserFrom(ctx); u == nil || !u.IsStaff() {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return s.SaveAs(ctx, c)
}

// SaveAs stores the contact without checking the caller (the demo loader
// and the CLI; the actor comes from the context's audit actor).
func (s *Service) SaveAs(ctx context.Context, c Contact) (*Contact, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.UpdatedAt = s.Now().UTC().Truncate(time.Microsecond)
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := load(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE public_contact SET name = ?, phone = ?, email = ?, hours = ?, address = ?, updated_at = ? WHERE id = 1`,
			c.Name, c.Phone, c.Email, c.Hours, c.Address, c.UpdatedAt)
		if err != nil {
			return err
		}
		action := "update"
		if n, _ := res.RowsAffected(); n == 0 {
			action = "create"
			if _, err := tx.Exec(ctx, `INSERT INTO public_contact (id, name, phone, email, hours, address, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?)`,
				c.Name, c.Phone, c.Email, c.Hours, c.Address, c.UpdatedAt); err != nil {
				return err
			}
		}
		var b any = before
		if action == "create" {
			b = nil
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "public_contact", EntityID: 1, Summary: c.Name, Before: b, After: &c, Personal: PersonalFields})
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cached, s.at = &c, time.Now()
	s.mu.Unlock()
	return &c, nil
}

// Handler serves the coordinator's form.
type Handler struct {
	Svc *Service
	R   *web.Renderer
}

// NewHandler registers the templates and messages, and makes every page show
// the contact.
func NewHandler(svc *Service, r *web.Renderer) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("contact", files, "templates"); err != nil {
		return nil, err
	}
	// Read it once now; a failure here only means the first page reads it.
	_ = svc.Refresh(context.Background())
	r.Contact = func(req *http.Request) web.Contact {
		c, err := svc.Get(req.Context())
		if err != nil {
			return web.Contact{} // a page without the footer contact rather than no page
		}
		return c.Web()
	}
	return &Handler{Svc: svc, R: r}, nil
}

var fields = []string{"name", "phone", "email", "hours", "address"}

// ShowForm is the coordinator's form at /sprava/kontakt.
func (h *Handler) ShowForm(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Svc.Get(r.Context())
	if err != nil {
		return err
	}
	f := web.NewForm(map[string][]string{"name": {c.Name}, "phone": {c.Phone}, "email": {c.Email}, "hours": {c.Hours}, "address": {c.Address}})
	return h.render(w, r, f, http.StatusOK)
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	p := h.R.Page(r, "contact.form.title")
	p.Form = f
	h.R.Render(w, r, status, "contact/form", p)
	return nil
}

// Save stores the form.
func (h *Handler) Save(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, 1<<16)
	if err != nil {
		return err
	}
	c := Contact{Name: f.Get("name"), Phone: f.Get("phone"), Email: f.Get("email"), Hours: f.Get("hours"), Address: f.Get("address")}
	if _, err := h.Svc.Save(r.Context(), c); err != nil {
		if f.SetError(h.R.Localizer(r), err, fields...) {
			return h.render(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/sprava/kontakt", "flash.saved")
	return nil
}

// Package account serves signing in and out, the user's own password, and the
// admin's management of accounts.
package account

import (
	"embed"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/partner"
	"kpss/internal/web"
)

//go:embed templates/*.html i18n/*.json
var files embed.FS

// SessionCookie is the name of the sign-in cookie.
const SessionCookie = "kpss_session"

// Handler serves the account pages.
type Handler struct {
	Auth     *auth.Service
	Partners *partner.Handler
	R        *web.Renderer
	// SecureCookies marks the session cookie Secure even without TLS on this
	// hop (behind a TLS-terminating proxy).
	SecureCookies bool
}

// NewHandler registers the module's templates and messages.
func NewHandler(a *auth.Service, partners *partner.Handler, r *web.Renderer, secure bool) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("account", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Auth: a, Partners: partners, R: r, SecureCookies: secure}, nil
}

// ClientIP is the address of the request's client (no proxy headers are trusted).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// localPath accepts only a path on this site as a redirect target.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// ShowSignIn shows the sign-in form.
func (h *Handler) ShowSignIn(w http.ResponseWriter, r *http.Request) error {
	if auth.UserFrom(r.Context()) != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return h.renderSignIn(w, r, web.NewForm(url.Values{"next": {r.URL.Query().Get("next")}}), http.StatusOK)
}

func (h *Handler) renderSignIn(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	p := h.R.Page(r, "account.signin.title")
	p.Form = f
	p.NoIndex = true
	h.R.Render(w, r, status, "account/signin", p)
	return nil
}

// SignIn checks the credentials, rotates the session and redirects.
func (h *Handler) SignIn(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, 64<<10)
	if err != nil {
		return err
	}
	l := h.R.Localizer(r)
	login, password := f.Get("login"), f.Values.Get("password")
	if login == "" || password == "" {
		if login == "" {
			f.AddError("login", l.T("err.required"))
		}
		if password == "" {
			f.AddError("password", l.T("err.required"))
		}
		return h.renderSignIn(w, r, f, http.StatusUnprocessableEntity)
	}
	// A new session id at every sign-in; any old cookie's session ends.
	if c, err := r.Cookie(SessionCookie); err == nil {
		h.Auth.SignOut(r.Context(), c.Value)
	}
	token, _, err := h.Auth.SignIn(r.Context(), login, password, ClientIP(r), r.UserAgent())
	if err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		f.Values.Del("password")
		f.AddError("", l.Msg(e.Msg))
		status := http.StatusUnauthorized
		if e.Code == apperr.TooMany {
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(e.Retry))
		}
		return h.renderSignIn(w, r, f, status)
	}
	h.setCookie(w, r, token)
	web.Redirect(w, r, localPath(f.Get("next")), "flash.signed_in")
	return nil
}

func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: h.SecureCookies || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// SignOut ends the session.
func (h *Handler) SignOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := h.Auth.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.SecureCookies || r.TLS != nil, SameSite: http.SameSiteLaxMode})
	web.Redirect(w, r, "/", "flash.signed_out")
	return nil
}

// ShowPasswordForm shows the user's own password change.
func (h *Handler) ShowPasswordForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderPassword(w, r, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderPassword(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	p := h.R.Page(r, "account.password.title")
	p.Form = f
	p.NoIndex = true
	h.R.Render(w, r, status, "account/password", p)
	return nil
}

// ChangePassword changes the user's own password; other sessions end.
func (h *Handler) ChangePassword(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, 64<<10)
	if err != nil {
		return err
	}
	l := h.R.Localizer(r)
	u := auth.UserFrom(r.Context())
	newPw := f.Values.Get("new_password")
	if newPw != f.Values.Get("new_password2") {
		f.AddError("new_password2", l.T("err.password_mismatch"))
		return h.renderPassword(w, r, web.NewForm(nil).WithErrors(f), http.StatusUnprocessableEntity)
	}
	token := ""
	if c, err := r.Cookie(SessionCookie); err == nil {
		token = c.Value
	}
	if err := h.Auth.ChangePassword(r.Context(), u, f.Values.Get("old_password"), newPw, token); err != nil {
		if e, ok := apperr.As(err); ok && e.Fields["password"].Key != "" {
			e.Fields["new_password"] = e.Fields["password"]
			delete(e.Fields, "password")
		}
		if f.SetError(l, err, "old_password", "new_password", "new_password2") {
			return h.renderPassword(w, r, web.NewForm(nil).WithErrors(f), http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/", "flash.password_changed")
	return nil
}

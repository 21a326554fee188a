package server

import (
	"encoding/json"
	"io/fs"
	"net/http"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

// showHome is the region's public home page.
func (s *Server) showHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ps := s.partner.Svc
	region, err := ps.Region(ctx)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	munis, nm, err := ps.FindMunicipalities(ctx, partner.Filter{Partner: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	_, no, err := ps.FindOrganisations(ctx, partner.Filter{Partner: true, Paging: store.Paging{PerPage: 1}})
	if err != nil {
		return err
	}
	groups, ng, err := ps.FindTargetGroups(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	p := s.rd.Page(r, "home.title")
	_, canSuggest := s.policy["GET /podnet"]
	p.Data = map[string]any{"Region": region, "Municipalities": munis, "Groups": groups,
		"NumMunicipalities": nm, "NumOrganisations": no, "NumGroups": ng, "CanSuggest": canSuggest}
	s.rd.Render(w, r, http.StatusOK, "web/home", p)
	return nil
}

// showAccessibility is the accessibility statement the law asks of public bodies.
func (s *Server) showAccessibility(w http.ResponseWriter, r *http.Request) error {
	p := s.rd.Page(r, "a11y.title")
	s.rd.Render(w, r, http.StatusOK, "web/accessibility", p)
	return nil
}

// favicon answers the browsers' own request for /favicon.ico with the SVG icon.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) error {
	b, err := fs.ReadFile(web.Static(), "favicon.svg")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err = w.Write(b)
	return err
}

// health answers 200 when the database answers.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.SQL().PingContext(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
	return nil
}

// setLanguage remembers the chosen UI language for a year.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := r.PathValue("lang")
	if !i18n.Supported(lang) {
		return apperr.New(apperr.NotFound, "err.page_not_found")
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure || r.TLS != nil})
	next := r.URL.Query().Get("next")
	if next == "" || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// showMe answers who the token belongs to.
func (s *Server) showMe(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	web.JSON(w, http.StatusOK, u)
	return nil
}

// showOpenAPI serves the OpenAPI document of /api/v1.
func (s *Server) showOpenAPI(w http.ResponseWriter, r *http.Request) error {
	doc, err := OpenAPI()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

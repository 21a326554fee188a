package server

import (
	"kpss/internal/auth"
	"kpss/internal/contact"
)

// The public side (issue 16): the coordinator's public contact shown on
// every page, edited at /sprava/kontakt.
func init() {
	Register(&Module{
		Name:  "public",
		Order: 5,
		Init: func(env *Env) (any, error) {
			svc := &contact.Service{DB: env.DB, Audit: env.Audit, Now: env.Now}
			return contact.NewHandler(svc, env.R)
		},
		Routes: func(mod any) []Route {
			h := mod.(*contact.Handler)
			return []Route{
				{"GET /sprava/kontakt", &auth.Staff, h.ShowForm, false},
				{"POST /sprava/kontakt", &auth.Staff, h.Save, false},
			}
		},
	})
}

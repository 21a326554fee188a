package catalog

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"kpss/internal/partner"
	"kpss/internal/pdf"
	"kpss/internal/store"
)

// ShowPDF is the printable catalogue, whole or of one target group
// (?skupina=ID): chapters by type of service, a table of contents, every
// service with its provider, places, hours, contacts, fees and how to apply.
func (h *Handler) ShowPDF(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	l := h.R.Localizer(r)
	f := Filter{Paging: store.Paging{PerPage: -1}}
	title := l.T("catalog.pdf.title")
	if id, err := strconv.ParseInt(r.URL.Query().Get("skupina"), 10, 64); err == nil && id > 0 {
		g, err := h.Partners.FindTargetGroupByID(ctx, id)
		if err != nil {
			return err
		}
		f.TargetGroupID = id
		title = l.T("catalog.pdf.title_group", "Name", g.Name)
	}
	ss, _, err := h.C.FindServices(ctx, f)
	if err != nil {
		return err
	}
	types, err := h.C.Types(ctx)
	if err != nil {
		return err
	}
	munis, err := h.names(ctx, "municipalities", ss)
	if err != nil {
		return err
	}
	gs, _, err := h.Partners.FindTargetGroups(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	groups := Names{}
	for _, g := range gs {
		groups[g.ID] = g.Name
	}
	site := ""
	if h.R.Site != nil {
		site = h.R.Site(r)
	}
	d := pdf.New(title, pdf.Options{Author: site, Subject: title, Lang: l.Lang, TOC: true, Now: h.C.Now, Tagged: true})
	d.Paragraph(l.T("catalog.search.lead"))
	byType := map[string][]*Service{}
	for i := range ss {
		byType[ss[i].TypeCode] = append(byType[ss[i].TypeCode], &ss[i])
	}
	join := func(keys []string, prefix string) string {
		var out []string
		for _, k := range keys {
			out = append(out, l.T(prefix+k))
		}
		return strings.Join(out, ", ")
	}
	for _, t := range types {
		list := byType[t.Code]
		if len(list) == 0 {
			continue
		}
		d.Heading(1, upperFirst(t.Label()))
		for _, s := range list {
			d.Heading(2, s.Name)
			if s.Description != "" {
				d.Paragraph(s.Description)
			}
			kv := [][2]string{{l.T("catalog.field.organisation"), s.OrganisationName}, {l.T("catalog.field.forms"), join(s.Forms(), "catalog.form.")}}
			var tg, mu []string
			for _, id := range s.TargetGroupIDs {
				tg = append(tg, groups[id])
			}
			for _, id := range s.MunicipalityIDs {
				mu = append(mu, munis[id])
			}
			if len(tg) > 0 {
				kv = append(kv, [2]string{l.T("catalog.field.target_groups"), strings.Join(tg, ", ")})
			}
			if len(s.AgeGroups) > 0 {
				kv = append(kv, [2]string{l.T("catalog.field.age_groups"), join(s.AgeGroups, "catalog.age.")})
			}
			if len(mu) > 0 {
				kv = append(kv, [2]string{l.T("catalog.field.municipalities"), strings.Join(mu, ", ")})
			}
			for _, loc := range s.Locations {
				v := loc.Address
				if loc.Postcode != "" {
					v += ", " + loc.Postcode
				}
				if loc.OpeningHours != "" {
					v += "\n" + loc.OpeningHours
				}
				v += "\n" + l.T("catalog.access."+loc.Accessibility)
				if loc.AccessibilityNote != "" {
					v += " – " + loc.AccessibilityNote
				}
				kv = append(kv, [2]string{l.T("catalog.location.address"), v})
			}
			var contacts []string
			for _, c := range []string{s.Phone, s.Email, s.Web} {
				if c != "" {
					contacts = append(contacts, c)
				}
			}
			if len(contacts) > 0 {
				kv = append(kv, [2]string{l.T("catalog.field.contacts"), strings.Join(contacts, "\n")})
			}
			if s.Capacity != "" {
				kv = append(kv, [2]string{l.T("catalog.field.capacity"), s.Capacity})
			}
			fees := l.T("catalog.fees.paid")
			if s.FeesFree {
				fees = l.T("catalog.fees.free")
			}
			if s.FeesDescription != "" {
				fees += " – " + s.FeesDescription
			}
			kv = append(kv, [2]string{l.T("catalog.field.fees"), fees})
			if s.HowToApply != "" {
				kv = append(kv, [2]string{l.T("catalog.field.how_to_apply"), s.HowToApply})
			}
			d.KeyValue(kv)
		}
	}
	if len(ss) == 0 {
		d.Paragraph(l.T("catalog.search.empty"))
	}
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="katalog-sluzeb.pdf"`)
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

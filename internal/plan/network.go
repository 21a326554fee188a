package plan

import (
	"sort"
	"strings"

	"kpss/internal/partner"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

// NetworkRow is one active service of the network with its figures from
// the latest round that has submitted reports.
type NetworkRow struct {
	Service      ProviderService
	Provider     string
	Municipality *partner.Municipality // nil: no municipality given
	Capacity     *int64                // nil: no submitted report in the round
	Utilisation  *float64              // clients / capacity in percent
	ReportID     int64                 // the service's report in the round (0: none)
	Warnings     []NetworkWarning
	OnMap        bool // the municipality is given and has a centre
	// Anchor is set on the first row of each municipality, so that the
	// bubble on the map links to the rows of the place.
	Anchor string
}

// NetworkWarning is an early-warning flag with its reason written out.
type NetworkWarning struct {
	Rule, Why string
}

// Network is the "network of services on a map" of the dashboard: the
// table of the active services and one map point per municipality.
type Network struct {
	Round    *Round // the round the figures come from; nil when none has reports
	Prev     *Round // the round the warnings compare with; nil when none
	Rows     []NetworkRow
	Places   int      // municipalities on the map
	Missing  []string // services without a municipality (not on the map)
	Features []web.Feature
	Flagged  int // services with at least one warning
}

// buildNetwork puts the network together from already loaded lists (no
// queries): active services, the reports of the round, its warnings, the
// municipalities and the organisations' names.
func buildNetwork(l *i18n.Localizer, f Fmt, svcs []ProviderService, round, prev *Round, reps []Report, warns []Warning, munis []partner.Municipality, orgs partner.Names) Network {
	n := Network{Round: round, Prev: prev}
	byService := map[int64]Report{}
	if round != nil {
		for _, rep := range reps {
			if rep.RoundID == round.ID && rep.State == ReportSubmitted {
				byService[rep.ServiceID] = rep
			}
		}
	}
	flags := map[int64][]NetworkWarning{}
	for _, w := range warns {
		flags[w.ServiceID] = append(flags[w.ServiceID], NetworkWarning{Rule: l.T("plan.rule." + w.Rule), Why: WarningWhy(l, f, w.Flag)})
	}
	order := map[int64]int{}
	byID := map[int64]*partner.Municipality{}
	for i := range munis {
		order[munis[i].ID] = i
		byID[munis[i].ID] = &munis[i]
	}
	for _, s := range svcs {
		if s.Archived {
			continue
		}
		row := NetworkRow{Service: s, Provider: orgs[s.OrganisationID], Warnings: flags[s.ID]}
		if s.MunicipalityID != nil {
			row.Municipality = byID[*s.MunicipalityID]
		}
		if rep, ok := byService[s.ID]; ok {
			c, u := rep.Data.Capacity, round1(rep.Data.Utilisation())
			row.Capacity, row.ReportID = &c, rep.ID
			if c > 0 {
				row.Utilisation = &u
			}
		}
		if len(row.Warnings) > 0 {
			n.Flagged++
		}
		n.Rows = append(n.Rows, row)
	}
	// By municipality (the region's order), services without one last;
	// within a place the services keep their Czech order.
	sort.SliceStable(n.Rows, func(i, j int) bool {
		a, b := n.Rows[i].Municipality, n.Rows[j].Municipality
		switch {
		case a == nil || b == nil:
			return a != nil && b == nil
		default:
			return order[a.ID] < order[b.ID]
		}
	})
	type place struct {
		m     *partner.Municipality
		names []string
	}
	var places []*place
	seen := map[int64]*place{}
	for i := range n.Rows {
		row := &n.Rows[i]
		m := row.Municipality
		if m == nil || m.Lat == nil || m.Lng == nil {
			// Without a municipality or its centre the service stays in the table only.
			n.Missing = append(n.Missing, row.Service.Name)
			continue
		}
		row.OnMap = true
		p := seen[m.ID]
		if p == nil {
			p = &place{m: m}
			seen[m.ID] = p
			places = append(places, p)
			row.Anchor = "sit-obec-" + itoa(m.ID)
		}
		p.names = append(p.names, row.Service.Name)
	}
	for _, p := range places {
		n.Features = append(n.Features, web.Feature{Lat: *p.m.Lat, Lng: *p.m.Lng, Title: p.m.Name, URL: "#sit-obec-" + itoa(p.m.ID),
			Text: l.N("plan.network.bubble", len(p.names), "Names", strings.Join(p.names, ", "))})
	}
	n.Places = len(n.Features)
	return n
}

// WarningWhy writes the reason of a warning with its figures, as the
// early-warning page does.
func WarningWhy(l *i18n.Localizer, f Fmt, w Flag) string {
	switch w.Rule {
	case RuleUtilisationHigh:
		return l.T("plan.why.utilisation", "Before", f.N(w.Before), "After", f.N(w.After), "T", f.N(w.Threshold))
	case RuleIncomeFell:
		return l.T("plan.why.income", "Source", l.T("plan.income."+w.Source), "Before", f.N(w.Before), "After", f.N(w.After), "Change", f.Pct(w.Change), "T", f.N(w.Threshold))
	default:
		return l.T("plan.why."+w.Rule, "Before", f.N(w.Before), "After", f.N(w.After), "Change", f.Pct(w.Change), "T", f.N(w.Threshold))
	}
}

package plan

import (
	"net/http"
	"strconv"

	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
)

// RoundTotals are the region's totals of one round (submitted reports).
type RoundTotals struct {
	Round                                      Round
	Reports                                    int
	Capacity, Clients, Refused, Waiting, Costs int64
	FTE                                        float64
	Income                                     int64
}

// TGTrend is a target group's clients and waiting list over the rounds.
type TGTrend struct {
	Name             string
	Clients, Waiting Chart
	Rows             []RoundTotals
}

// ShowDashboard shows the region's totals per round and the trend of each
// target group, as SVG charts with data tables.
func (h *Handler) ShowDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rounds, err := h.Svc.Rounds(ctx)
	if err != nil {
		return err
	}
	// Oldest first for the trends.
	for i, j := 0, len(rounds)-1; i < j; i, j = i+1, j-1 {
		rounds[i], rounds[j] = rounds[j], rounds[i]
	}
	reps, err := h.Svc.Reports(ctx, ReportFilter{})
	if err != nil {
		return err
	}
	svcs, err := h.Svc.Services(ctx, 0, true)
	if err != nil {
		return err
	}
	tgOf := map[int64]int64{}
	for _, s := range svcs {
		if s.TargetGroupID != nil {
			tgOf[s.ID] = *s.TargetGroupID
		}
	}
	gs, err := h.targetGroups(r)
	if err != nil {
		return err
	}
	idx := map[int64]int{}
	for i, rd := range rounds {
		idx[rd.ID] = i
	}
	total := make([]RoundTotals, len(rounds))
	byTG := map[int64][]RoundTotals{}
	for _, g := range gs {
		byTG[g.ID] = make([]RoundTotals, len(rounds))
	}
	add := func(t *RoundTotals, d ReportData) {
		t.Reports++
		t.Capacity += d.Capacity
		t.Clients += d.Clients
		t.Refused += d.Refused
		t.Waiting += d.Waiting
		t.Costs += d.Costs
		t.FTE = round1(t.FTE + d.FTE())
		t.Income += d.IncomeTotal()
	}
	for i, rd := range rounds {
		total[i].Round = rd
		for _, g := range gs {
			byTG[g.ID][i].Round = rd
		}
	}
	for _, rep := range reps {
		if rep.State != ReportSubmitted {
			continue
		}
		i := idx[rep.RoundID]
		add(&total[i], rep.Data)
		if tg, ok := tgOf[rep.ServiceID]; ok && byTG[tg] != nil {
			add(&byTG[tg][i], rep.Data)
		}
	}
	l := h.R.Localizer(r)
	points := func(rows []RoundTotals, f func(RoundTotals) float64) []Point {
		var out []Point
		for _, t := range rows {
			out = append(out, Point{Label: t.Round.Name, Value: f(t), Has: t.Reports > 0})
		}
		return out
	}
	var trends []TGTrend
	for _, g := range gs {
		rows := byTG[g.ID]
		trends = append(trends, TGTrend{Name: g.Name, Rows: rows,
			Clients: NewChart(l, "chart-tg-"+strconv.FormatInt(g.ID, 10)+"-clients", l.T("plan.dashboard.clients_of", "Name", g.Name), l.T("plan.dashboard.unit_clients"), points(rows, func(t RoundTotals) float64 { return float64(t.Clients) })),
			Waiting: NewChart(l, "chart-tg-"+strconv.FormatInt(g.ID, 10)+"-waiting", l.T("plan.dashboard.waiting_of", "Name", g.Name), l.T("plan.dashboard.unit_people"), points(rows, func(t RoundTotals) float64 { return float64(t.Waiting) })),
		})
	}
	// The network of services: figures and warnings of the latest round
	// with submitted reports.
	var latest, prev *Round
	for i := len(total) - 1; i >= 0; i-- {
		if total[i].Reports > 0 {
			latest = &rounds[i]
			break
		}
	}
	var warns []Warning
	if latest != nil {
		if warns, prev, err = h.Svc.Warnings(ctx, latest.ID); err != nil {
			return err
		}
	}
	munis, _, err := h.Svc.Partners.FindMunicipalities(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	orgs, err := h.orgNames(r)
	if err != nil {
		return err
	}
	f := Fmt{Lang: web.LangFrom(ctx)}
	network := buildNetwork(l, f, svcs, latest, prev, reps, warns, munis, orgs)
	regionChart := NewChart(l, "chart-region-clients", l.T("plan.dashboard.region_clients"), l.T("plan.dashboard.unit_clients"), points(total, func(t RoundTotals) float64 { return float64(t.Clients) }))
	p := h.page(r, "plan.dashboard.title").Crumb("/monitoring", h.t(r, "plan.monitoring.title"))
	p.Wide = true
	p.Data = data(r, "Totals", total, "Trends", trends, "Region", regionChart, "Network", network, "Map", web.FeatureCollection(network.Features))
	h.R.Render(w, r, http.StatusOK, "plan/dashboard", p)
	return nil
}

package group

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"kpss/internal/czech"
	"kpss/internal/export"
	"kpss/internal/web/i18n"
)

// GroupStats is the engagement of one group in a year.
type GroupStats struct {
	Group                           Group
	Planned, Held, Cancelled        int
	Recorded, Present, UsersPresent int
}

// Rate is the share of recorded attendances that were present, in %.
func (g GroupStats) Rate() float64 { return pct(g.Present, g.Recorded) }

// UsersShare is the share of those present who represent service users, in %.
func (g GroupStats) UsersShare() float64 { return pct(g.UsersPresent, g.Present) }

// PeopleStats is the attendance of a member or of an organisation.
type PeopleStats struct {
	Name, Detail      string
	Recorded, Present int
	Users             bool
}

// Rate is the share present, in %.
func (p PeopleStats) Rate() float64 { return pct(p.Present, p.Recorded) }

// Stats is the engagement of a year: meetings planned vs held per group,
// attendance per member and per organisation, participation of users.
type Stats struct {
	Year          int
	Groups        []GroupStats
	Members       []PeopleStats
	Organisations []PeopleStats
	Total         GroupStats
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) * 100 / float64(b)
}

// Stats computes the engagement statistics of a year with a fixed number of queries.
func (s *Service) Stats(ctx context.Context, year int) (*Stats, error) {
	groups, err := s.FindGroups(ctx, false)
	if err != nil {
		return nil, err
	}
	from, to := time.Date(year, 1, 1, 0, 0, 0, 0, pragueLoc).UTC(), time.Date(year+1, 1, 1, 0, 0, 0, 0, pragueLoc).UTC()
	byGroup := map[int64]*GroupStats{}
	st := &Stats{Year: year, Groups: make([]GroupStats, len(groups))}
	for i, g := range groups {
		st.Groups[i] = GroupStats{Group: g}
		byGroup[g.ID] = &st.Groups[i]
	}
	rows, err := s.DB.Query(ctx, `SELECT group_id, state, COUNT(*) FROM meetings WHERE starts_at >= ? AND starts_at < ? GROUP BY group_id, state`, from, to)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var gid int64
		var state string
		var n int
		if err := rows.Scan(&gid, &state, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if g := byGroup[gid]; g != nil {
			g.Planned += n
			switch state {
			case StateHeld:
				g.Held += n
			case StateCancelled:
				g.Cancelled += n
			}
		}
	}
	rows.Close()
	type att struct {
		memberID, groupID, personID int64
		org                         *int64
		users                       bool
		status                      string
	}
	rows, err = s.DB.Query(ctx, `SELECT a.member_id, m.group_id, m.person_id, m.organisation_id, m.represents_users, a.status
		FROM meeting_attendance a JOIN group_members m ON m.id = a.member_id JOIN meetings t ON t.id = a.meeting_id
		WHERE t.state = 'held' AND t.starts_at >= ? AND t.starts_at < ? AND a.status <> ''`, from, to)
	if err != nil {
		return nil, err
	}
	var atts []att
	for rows.Next() {
		var a att
		if err := rows.Scan(&a.memberID, &a.groupID, &a.personID, &a.org, &a.users, &a.status); err != nil {
			rows.Close()
			return nil, err
		}
		atts = append(atts, a)
	}
	rows.Close()
	people, err := s.people(ctx)
	if err != nil {
		return nil, err
	}
	var orgIDs []int64
	for _, a := range atts {
		if a.org != nil {
			orgIDs = append(orgIDs, *a.org)
		}
	}
	orgNames, err := s.Partners.OrganisationNames(ctx, orgIDs...)
	if err != nil {
		return nil, err
	}
	codes := map[int64]string{}
	for _, g := range groups {
		codes[g.ID] = g.Code
	}
	members := map[int64]*PeopleStats{}
	orgs := map[int64]*PeopleStats{}
	for _, a := range atts {
		g := byGroup[a.groupID]
		if g == nil {
			continue
		}
		present := a.status == Present
		g.Recorded++
		m := members[a.memberID]
		if m == nil {
			m = &PeopleStats{Name: people[a.personID].Name, Detail: codes[a.groupID], Users: a.users}
			members[a.memberID] = m
		}
		m.Recorded++
		var o *PeopleStats
		if a.org != nil {
			if o = orgs[*a.org]; o == nil {
				o = &PeopleStats{Name: orgNames[*a.org]}
				orgs[*a.org] = o
			}
			o.Recorded++
		}
		if present {
			g.Present++
			m.Present++
			if o != nil {
				o.Present++
			}
			if a.users {
				g.UsersPresent++
			}
		}
	}
	for _, g := range st.Groups {
		st.Total.Planned += g.Planned
		st.Total.Held += g.Held
		st.Total.Cancelled += g.Cancelled
		st.Total.Recorded += g.Recorded
		st.Total.Present += g.Present
		st.Total.UsersPresent += g.UsersPresent
	}
	for _, m := range members {
		st.Members = append(st.Members, *m)
	}
	for _, o := range orgs {
		st.Organisations = append(st.Organisations, *o)
	}
	sortPeople(st.Members)
	sortPeople(st.Organisations)
	return st, nil
}

func sortPeople(ps []PeopleStats) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Detail != ps[j].Detail {
			return ps[i].Detail < ps[j].Detail
		}
		return czech.Less(ps[i].Name, ps[j].Name)
	})
}

// ---------- pages and downloads

// Bar is one bar pair of the chart (planned vs held), in SVG units.
type Bar struct {
	Label                        string
	Planned, Held                int
	Y, YHeld, YLabel, YPlanLabel float64
	YHeldLabel, WPlanned, WHeld  float64
	XPlannedLabel, XHeldLabel    float64
}

// ShowStats shows the engagement statistics of a year with a chart and tables.
func (h *Handler) ShowStats(w http.ResponseWriter, r *http.Request) error {
	year := yearFrom(r, h.Svc.Now())
	st, err := h.Svc.Stats(r.Context(), year)
	if err != nil {
		return err
	}
	maxN := 1
	for _, g := range st.Groups {
		maxN = max(maxN, g.Planned)
	}
	const width = 360.0
	bars := make([]Bar, len(st.Groups))
	for i, g := range st.Groups {
		y := float64(i*40 + 10)
		b := Bar{Label: g.Group.Code, Planned: g.Planned, Held: g.Held, Y: y, YHeld: y + 16, YLabel: y + 20, YPlanLabel: y + 12, YHeldLabel: y + 28,
			WPlanned: width * float64(g.Planned) / float64(maxN), WHeld: width * float64(g.Held) / float64(maxN)}
		b.XPlannedLabel, b.XHeldLabel = 106+b.WPlanned, 106+b.WHeld
		bars[i] = b
	}
	p := h.crumbs(h.R.Page(r, "group.stats.page", "Year", strconv.Itoa(year)))
	p.Data = map[string]any{"S": st, "Bars": bars, "Height": len(bars)*40 + 30, "Year": strconv.Itoa(year), "PrevYear": year - 1, "NextYear": year + 1}
	h.R.Render(w, r, http.StatusOK, "group/stats", p)
	return nil
}

// statsTables are the statistics as export tables: the groups (with the
// total), the members and the organisations – one CSV file or sheet each.
func statsTables(st *Stats, l *i18n.Localizer) []export.Table {
	groups := export.Table{Name: l.T("group.stats.sheet_groups"), Columns: []export.Column{{Title: l.T("group.field.group"), Width: 40},
		{Title: l.T("group.field.year"), Kind: export.Int}, {Title: l.T("group.stats.planned"), Kind: export.Int}, {Title: l.T("group.stats.held"), Kind: export.Int},
		{Title: l.T("group.stats.cancelled"), Kind: export.Int}, {Title: l.T("group.stats.rate"), Kind: export.Percent}, {Title: l.T("group.stats.users_share"), Kind: export.Percent}}}
	for _, g := range append(st.Groups, GroupStats{Group: Group{Name: l.T("group.stats.total")}, Planned: st.Total.Planned, Held: st.Total.Held,
		Cancelled: st.Total.Cancelled, Recorded: st.Total.Recorded, Present: st.Total.Present, UsersPresent: st.Total.UsersPresent}) {
		groups.Add(g.Group.Name, st.Year, g.Planned, g.Held, g.Cancelled, g.Rate(), g.UsersShare())
	}
	people := func(name, first, second string, ps []PeopleStats) export.Table {
		t := export.Table{Name: name, Columns: []export.Column{{Title: first, Width: 36}, {Title: second, Width: 30}, {Title: l.T("group.stats.recorded"), Kind: export.Int},
			{Title: l.T("group.stats.present"), Kind: export.Int}, {Title: l.T("group.stats.rate"), Kind: export.Percent}}}
		for _, p := range ps {
			t.Add(p.Name, p.Detail, p.Recorded, p.Present, p.Rate())
		}
		return t
	}
	return []export.Table{groups,
		people(l.T("group.stats.sheet_members"), l.T("group.member.name"), l.T("group.field.group"), st.Members),
		people(l.T("group.stats.sheet_orgs"), l.T("group.member.organisation"), l.T("group.stats.detail"), st.Organisations)}
}

// StatsCSV sends one table of the statistics as CSV for Czech Excel (UTF-8
// with a BOM, ';', decimal commas): ?tabulka=clenove the members,
// ?tabulka=organizace the organisations, else the groups.
func (h *Handler) StatsCSV(w http.ResponseWriter, r *http.Request) error {
	year := yearFrom(r, h.Svc.Now())
	st, err := h.Svc.Stats(r.Context(), year)
	if err != nil {
		return err
	}
	ts := statsTables(st, h.l(r))
	switch r.URL.Query().Get("tabulka") {
	case "clenove":
		return export.CSV(w, fmt.Sprintf("skupiny-%d-clenove", year), ts[1])
	case "organizace":
		return export.CSV(w, fmt.Sprintf("skupiny-%d-organizace", year), ts[2])
	}
	return export.CSV(w, fmt.Sprintf("skupiny-%d", year), ts[0])
}

// StatsXLSX sends the statistics as a workbook: groups, members, organisations.
func (h *Handler) StatsXLSX(w http.ResponseWriter, r *http.Request) error {
	year := yearFrom(r, h.Svc.Now())
	st, err := h.Svc.Stats(r.Context(), year)
	if err != nil {
		return err
	}
	l := h.l(r)
	meta := export.Meta{Title: l.T("group.stats.page", "Year", strconv.Itoa(year)), Date: h.Svc.Now()}
	if h.R.Site != nil {
		meta.Region = h.R.Site(r)
	}
	return export.XLSX(w, fmt.Sprintf("skupiny-%d", year), meta, statsTables(st, l)...)
}

package networking

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kpss/internal/ical"
	"kpss/internal/pdf"
)

// Row is one round of a person's timetable.
type Row struct {
	Round      int
	Start, End time.Time
	Table      int
	With       *Participant // nil: a free round
	Kind       string
	BreakAfter bool
	Held       bool // the round has started
}

// Timetable returns the rounds of participant pid.
func (b *Board) Timetable(pid int64, now time.Time) []Row {
	rows := make([]Row, b.Rounds)
	for i := range rows {
		r := i + 1
		rows[i] = Row{Round: r, Start: b.Event.RoundStart(r), End: b.Event.RoundEnd(r), BreakAfter: b.Event.BreakAfter(r, b.Rounds),
			Held: !now.Before(b.Event.RoundStart(r))}
	}
	for _, m := range b.Meetings {
		other := int64(0)
		switch pid {
		case m.A:
			other = m.B
		case m.B:
			other = m.A
		default:
			continue
		}
		row := &rows[m.Round-1]
		row.Table, row.With, row.Kind = m.Table, b.ByID[other], m.Kind
	}
	return rows
}

// Seat is one table of a round.
type Seat struct {
	Table int
	A, B  *Participant
	Kind  string
}

// RoundView is one round of the whole schedule.
type RoundView struct {
	N          int
	Start, End time.Time
	Seats      []Seat
	Free       []*Participant // present, but meeting nobody this round
	BreakAfter bool
}

// StartClock and EndClock are the round's times ("14:07").
func (v RoundView) StartClock() string { return clock(v.Start) }

// EndClock is when the round ends.
func (v RoundView) EndClock() string { return clock(v.End) }

// RoundViews returns the whole schedule, round by round.
func (b *Board) RoundViews() []RoundView {
	out := make([]RoundView, b.Rounds)
	busy := make([]map[int64]bool, b.Rounds)
	for i := range out {
		r := i + 1
		out[i] = RoundView{N: r, Start: b.Event.RoundStart(r), End: b.Event.RoundEnd(r), BreakAfter: b.Event.BreakAfter(r, b.Rounds)}
		busy[i] = map[int64]bool{}
	}
	for _, m := range b.Meetings {
		v := &out[m.Round-1]
		v.Seats = append(v.Seats, Seat{Table: m.Table, A: b.ByID[m.A], B: b.ByID[m.B], Kind: m.Kind})
		busy[m.Round-1][m.A], busy[m.Round-1][m.B] = true, true
	}
	for i := range out {
		for j := range b.Participants {
			p := &b.Participants[j]
			if p.Present() && p.AnonymisedAt == nil && !busy[i][p.ID] {
				out[i].Free = append(out[i].Free, p)
			}
		}
	}
	return out
}

// TableCard is what stands on one table: who sits there in which round.
type TableCard struct {
	Table  int
	Rounds []Seat // Seat.Table holds the round number
	Starts []time.Time
	Clocks []string
}

// TableCards returns a card for every table used.
func (b *Board) TableCards() []TableCard {
	n := 0
	for _, m := range b.Meetings {
		n = max(n, m.Table)
	}
	cards := make([]TableCard, n)
	for i := range cards {
		cards[i].Table = i + 1
	}
	for _, m := range b.Meetings {
		c := &cards[m.Table-1]
		c.Rounds = append(c.Rounds, Seat{Table: m.Round, A: b.ByID[m.A], B: b.ByID[m.B], Kind: m.Kind})
		c.Starts = append(c.Starts, b.Event.RoundStart(m.Round))
		c.Clocks = append(c.Clocks, clock(b.Event.RoundStart(m.Round)))
	}
	return cards
}

// Met returns whom pid meets (met, once the rounds are held), in round order.
func (b *Board) Met(pid int64, now time.Time, heldOnly bool) []Row {
	var out []Row
	for _, r := range b.Timetable(pid, now) {
		if r.With != nil && (!heldOnly || r.Held) {
			out = append(out, r)
		}
	}
	return out
}

// Stats are the counts for the plan's indicators.
type Stats struct {
	Participants  int `json:"participants"`
	Present       int `json:"present"`
	Organisations int `json:"organisations"`
	Meetings      int `json:"meetings"`
	Rounds        int `json:"rounds"`
	Wishes        int `json:"wishes"`
	Unmet         int `json:"unmet"`
	MustUnmet     int `json:"must_unmet"`
}

// Stats counts the board.
func (b *Board) Stats() Stats {
	s := Stats{Participants: len(b.Participants), Meetings: len(b.Meetings), Rounds: b.Rounds, Wishes: len(b.Wishes), Unmet: len(b.Unmet)}
	orgs := map[string]bool{}
	for _, p := range b.Participants {
		if p.Present() {
			s.Present++
			if k := p.OrgKey(); k != "" {
				orgs[k] = true
			}
		}
	}
	s.Organisations = len(orgs)
	for _, u := range b.Unmet {
		if u.Kind == "must" {
			s.MustUnmet++
		}
	}
	return s
}

var monthCZ = []string{"", "ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září", "října", "listopadu", "prosince"}

func dateCZ(t time.Time) string {
	t = t.In(Prague)
	return fmt.Sprintf("%d.\u00a0%s %d", t.Day(), monthCZ[t.Month()], t.Year())
}

func clock(t time.Time) string { return t.In(Prague).Format("15:04") }

func whoText(p *Participant) string {
	if p == nil {
		return ""
	}
	s := p.Name
	if p.Organisation != "" {
		s += " (" + p.Organisation + ")"
	}
	return s
}

// TimetablePDF is a participant's timetable as a printable PDF.
func (b *Board) TimetablePDF(p *Participant, now time.Time) ([]byte, error) {
	d := pdf.New("Rozvrh: "+p.Name, pdf.Options{Subject: b.Event.Title, Now: func() time.Time { return now }})
	d.KeyValue([][2]string{{"Setkání", b.Event.Title}, {"Kdy", dateCZ(b.Event.StartsAt) + ", od " + clock(b.Event.StartsAt)},
		{"Kde", b.Event.Place}, {"Účastník", whoText(p)}})
	var rows [][]string
	for _, r := range b.Timetable(p.ID, now) {
		row := []string{strconv.Itoa(r.Round), clock(r.Start) + "–" + clock(r.End)}
		if r.With != nil {
			row = append(row, strconv.Itoa(r.Table), r.With.Name, r.With.Organisation, r.With.Service)
		} else {
			row = append(row, "–", "volné kolo", "", "")
		}
		rows = append(rows, row)
		if r.BreakAfter {
			rows = append(rows, []string{"", "", "", "přestávka " + strconv.Itoa(b.Event.BreakMinutes) + " min", "", ""})
		}
	}
	if len(rows) == 0 {
		d.Paragraph("Rozvrh zatím není sestaven.")
	} else {
		d.Table([]string{"Kolo", "Čas", "Stůl", "S kým", "Organizace", "Služba"}, rows, []float64{1, 2, 1, 4, 4, 3})
	}
	d.Paragraph("Po každém kole se přesuňte ke stolu dalšího kola. Změny vám ohlásí moderátor.")
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SchedulePDF is the host's whole schedule: round by round, then a card
// per table, each on its own page.
func (b *Board) SchedulePDF(now time.Time) ([]byte, error) {
	d := pdf.New("Rozvrh: "+b.Event.Title, pdf.Options{Subject: b.Event.Title, TOC: false, Now: func() time.Time { return now }})
	st := b.Stats()
	d.KeyValue([][2]string{{"Kdy", dateCZ(b.Event.StartsAt) + ", od " + clock(b.Event.StartsAt)}, {"Kde", b.Event.Place},
		{"Účastníci", strconv.Itoa(st.Present)}, {"Kola", strconv.Itoa(b.Rounds)}, {"Setkání", strconv.Itoa(st.Meetings)}})
	for _, rv := range b.RoundViews() {
		d.Heading(1, fmt.Sprintf("Kolo %d: %s–%s", rv.N, clock(rv.Start), clock(rv.End)))
		var rows [][]string
		for _, s := range rv.Seats {
			rows = append(rows, []string{strconv.Itoa(s.Table), whoText(s.A), whoText(s.B)})
		}
		d.Table([]string{"Stůl", "Účastník", "Účastník"}, rows, []float64{1, 5, 5})
		if len(rv.Free) > 0 {
			names := make([]string, len(rv.Free))
			for i, p := range rv.Free {
				names[i] = p.Name
			}
			d.Paragraph("Volné kolo: " + strings.Join(names, ", "))
		}
		if rv.BreakAfter {
			d.Paragraph(fmt.Sprintf("Přestávka %d minut.", b.Event.BreakMinutes))
		}
	}
	for _, c := range b.TableCards() {
		d.PageBreak()
		d.Heading(1, fmt.Sprintf("Stůl %d", c.Table))
		var rows [][]string
		for i, s := range c.Rounds {
			rows = append(rows, []string{strconv.Itoa(s.Table), clock(c.Starts[i]), whoText(s.A), whoText(s.B)})
		}
		d.Table([]string{"Kolo", "Začátek", "Účastník", "Účastník"}, rows, []float64{1, 1.5, 5, 5})
	}
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// TimetableICS is a participant's timetable as iCalendar: one entry per
// meeting.
func (b *Board) TimetableICS(p *Participant, host string) ([]byte, error) {
	var evs []ical.Event
	for _, r := range b.Timetable(p.ID, time.Time{}) {
		if r.With == nil {
			continue
		}
		desc := fmt.Sprintf("Kolo %d, stůl %d: %s", r.Round, r.Table, whoText(r.With))
		if r.With.Service != "" {
			desc += ", " + r.With.Service
		}
		evs = append(evs, ical.Event{UID: fmt.Sprintf("networking-%d-%d-%d@%s", b.Event.ID, p.ID, r.Round, host),
			Start: r.Start, End: r.End, Summary: fmt.Sprintf("Stůl %d: %s", r.Table, r.With.Name), Description: desc,
			Location: b.Event.Place, Updated: updated(b.Event)})
	}
	if len(evs) == 0 {
		evs = append(evs, ical.Event{UID: fmt.Sprintf("networking-%d-%d@%s", b.Event.ID, p.ID, host), Start: b.Event.StartsAt,
			End: b.Event.StartsAt.Add(time.Hour), Summary: b.Event.Title, Location: b.Event.Place, Updated: updated(b.Event)})
	}
	var buf bytes.Buffer
	if err := ical.Write(&buf, b.Event.Title+": "+p.Name, evs); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func updated(e *Event) time.Time {
	if e.PlannedAt != nil {
		return *e.PlannedAt
	}
	return e.UpdatedAt
}

// Prague is the region's time zone.
var Prague = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

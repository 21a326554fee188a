package calendar

import "time"

// Month is the grid of one month, weeks from Monday to Sunday.
type Month struct {
	First      time.Time // midnight of the 1st, Prague
	Prev, Next time.Time
	Weeks      []Week
}

// Week is one row of the grid.
type Week struct {
	Number int // ISO week number
	Days   [7]Cell
}

// Cell is one day of the grid.
type Cell struct {
	Date    time.Time
	InMonth bool
	Today   bool
	Items   []Item
}

// BuildMonth lays items out on the grid of the month of first; an item
// spanning several days shows on each of them.
func BuildMonth(first, today time.Time, items []Item) Month {
	first = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, Prague)
	m := Month{First: first, Prev: first.AddDate(0, -1, 0), Next: first.AddDate(0, 1, 0)}
	offset := (int(first.Weekday()) + 6) % 7 // Monday = 0
	start := first.AddDate(0, 0, -offset)
	today = Day(today)
	for d := start; d.Before(m.Next) || len(m.Weeks) == 0 || (int(d.Weekday())+6)%7 != 0; {
		var w Week
		_, w.Number = d.ISOWeek()
		for i := 0; i < 7; i++ {
			c := Cell{Date: d, InMonth: d.Month() == first.Month(), Today: d.Equal(today)}
			next := d.AddDate(0, 0, 1)
			for _, it := range items {
				if it.Start.Before(next) && (Day(it.End).After(d) || Day(it.End).Equal(d) || Day(it.Start).Equal(d)) {
					c.Items = append(c.Items, it)
				}
			}
			w.Days[i] = c
			d = next
		}
		m.Weeks = append(m.Weeks, w)
		if !d.Before(m.Next) {
			break
		}
	}
	return m
}

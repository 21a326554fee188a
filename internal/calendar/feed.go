package calendar

import (
	"bytes"
	"context"
	"strings"
	"time"

	"kpss/internal/ical"
)

// feedPast is how far back a feed reaches; older events are in the archive.
const feedPast = 180 * 24 * time.Hour

// Feed writes the iCalendar feed (RFC 5545, Europe/Prague) of the approved
// and the other modules' public events, of one category when category is
// not "". base is the site's address for event links and UIDs
// ("https://kpss.otrokovice.cz"); calName the calendar's name.
func (s *Service) Feed(ctx context.Context, base, calName, category string) ([]byte, error) {
	now := s.Now()
	items, _, err := s.PublicItems(ctx, now.Add(-feedPast), now.AddDate(2, 0, 0), category)
	if err != nil {
		return nil, err
	}
	site := s.SiteID
	if site == "" {
		site = ical.SiteID("", base)
	}
	out := make([]ical.Event, 0, len(items))
	for _, it := range items {
		ev := ical.Event{UID: it.UID, Start: it.Start, End: it.End, AllDay: it.AllDay, Summary: it.Title, Description: it.Description,
			Location: it.Place, Categories: []string{it.Category}, Status: ical.StatusConfirmed, Updated: it.Updated}
		if it.ID != 0 {
			ev.UID = ical.UID("event", it.ID, site)
		}
		if ev.UID == "" {
			continue
		}
		if it.AllDay {
			ev.Start, ev.End = it.Start.In(Prague), it.End.In(Prague)
		} else if !it.HasEnd() {
			ev.End = time.Time{}
		}
		if it.Organiser != "" {
			if ev.Description != "" {
				ev.Description = it.Organiser + "\n\n" + ev.Description
			} else {
				ev.Description = it.Organiser
			}
		}
		switch {
		case strings.HasPrefix(it.URL, "/") && base != "":
			ev.URL = strings.TrimRight(base, "/") + it.URL
		case strings.HasPrefix(it.URL, "http"):
			ev.URL = it.URL
		}
		if ev.Updated.IsZero() {
			// Keep the feed stable between requests: the start stands in
			// for the unknown last change of an external event.
			ev.Updated = it.Start
		}
		out = append(out, ev)
	}
	var buf bytes.Buffer
	if err := ical.Write(&buf, calName, out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

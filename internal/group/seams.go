package group

import (
	"context"
	"strings"
	"time"

	"kpss/internal/store"
)

// ---------- for the plan module (Order 40): project indicators and evidence

// Project indicator codes ProjectActual answers.
const (
	ActualMeetings     = "meetings"     // meetings held
	ActualParticipants = "participants" // distinct people present
	ActualResolutions  = "resolutions"  // resolutions adopted
)

// ProjectActual gives the actual number for a project target code, counted
// in the project window [ProjectFrom, ProjectTo) (an open end when zero):
//
//   - "meetings": meetings of any group marked held;
//   - "participants": distinct people present at held meetings – members
//     counted once per person whatever the group, plus each guest recorded
//     at a meeting (guests are not identified across meetings);
//   - "resolutions": adopted resolutions.
//
// ok is false for a code this module does not know.
func (s *Service) ProjectActual(ctx context.Context, code string) (n int, ok bool, err error) {
	w, args := s.windowCond()
	switch code {
	case ActualMeetings:
		err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meetings t WHERE t.state = 'held' AND `+w, args...).Scan(&n)
	case ActualParticipants:
		var members, guests int
		if err = s.DB.QueryRow(ctx, `SELECT COUNT(DISTINCT m.person_id) FROM meeting_attendance a JOIN group_members m ON m.id = a.member_id
			JOIN meetings t ON t.id = a.meeting_id WHERE a.status = 'present' AND t.state = 'held' AND `+w, args...).Scan(&members); err != nil {
			return 0, true, err
		}
		err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_guests x JOIN meetings t ON t.id = x.meeting_id WHERE t.state = 'held' AND `+w, args...).Scan(&guests)
		n = members + guests
	case ActualResolutions:
		err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM resolutions r JOIN meetings t ON t.id = r.meeting_id WHERE r.outcome = 'adopted' AND `+w, args...).Scan(&n)
	default:
		return 0, false, nil
	}
	return n, true, err
}

// windowCond limits meetings (alias t) to the project window.
func (s *Service) windowCond() (string, []any) {
	w := []string{"1=1"}
	var args []any
	if !s.ProjectFrom.IsZero() {
		w, args = append(w, "t.starts_at >= ?"), append(args, time.Date(s.ProjectFrom.Year(), s.ProjectFrom.Month(), s.ProjectFrom.Day(), 0, 0, 0, 0, pragueLoc).UTC())
	}
	if !s.ProjectTo.IsZero() {
		w, args = append(w, "t.starts_at < ?"), append(args, time.Date(s.ProjectTo.Year(), s.ProjectTo.Month(), s.ProjectTo.Day(), 0, 0, 0, 0, pragueLoc).UTC())
	}
	return strings.Join(w, " AND "), args
}

// ResolutionRef is what another module shows of a resolution it links to
// as evidence: the number, an excerpt of the text, the outcome and where to
// read it. AnnulledBy is the number of a later resolution that annulled it.
type ResolutionRef struct {
	ID         int64     `json:"id"`
	Number     string    `json:"number"`
	Text       string    `json:"text"`
	Outcome    string    `json:"outcome"`
	GroupCode  string    `json:"group_code"`
	MeetingAt  time.Time `json:"meeting_at"`
	URL        string    `json:"url"`
	AnnulledBy string    `json:"annulled_by,omitempty"`
}

func refOf(r Resolution) ResolutionRef {
	code, _, _ := strings.Cut(r.Number, "/")
	return ResolutionRef{ID: r.ID, Number: r.Number, Text: r.Text, Outcome: r.Outcome, GroupCode: code, MeetingAt: r.MeetingAt,
		URL: "/usneseni/" + itoa(r.ID), AnnulledBy: annulledBy(r)}
}

// ResolutionsByID returns the resolutions with these ids (one query); ids
// that do not exist are left out.
func (s *Service) ResolutionsByID(ctx context.Context, ids []int64) (map[int64]ResolutionRef, error) {
	out := map[int64]ResolutionRef{}
	if len(ids) == 0 {
		return out, nil
	}
	rs, err := rowsOf(ctx, s.DB, scanResolution, `SELECT `+resolutionCols+` FROM `+resolutionFrom+` WHERE r.id IN (`+store.Placeholders(len(ids))+`)`, int64Args(ids)...)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		out[r.ID] = refOf(r)
	}
	return out, nil
}

// ResolutionByNumber finds a resolution by its number ("ŘS/2026/07"; case,
// spaces and a missing leading zero do not matter), or a not-found error.
func (s *Service) ResolutionByNumber(ctx context.Context, number string) (*ResolutionRef, error) {
	number = strings.ToUpper(strings.Join(strings.Fields(number), ""))
	parts := strings.Split(number, "/")
	if len(parts) == 3 && len(parts[2]) == 1 {
		parts[2] = "0" + parts[2]
		number = strings.Join(parts, "/")
	}
	r, err := one(ctx, s.DB, scanResolution, "resolution", `SELECT `+resolutionCols+` FROM `+resolutionFrom+` WHERE r.number = ?`, number)
	if err != nil {
		return nil, err
	}
	ref := refOf(r)
	return &ref, nil
}

func annulledBy(r Resolution) string {
	if r.SupersededByKind == Annul {
		return r.SupersededByNumber
	}
	return ""
}

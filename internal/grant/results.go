package grant

import (
	"context"
	"sort"

	"kpss/internal/czech"
)

// Result is one line of a decided call's public results.
type Result struct {
	ApplicationID int64    `json:"application_id"`
	Organisation  string   `json:"organisation"`
	ICO           string   `json:"ico"`
	Services      []string `json:"services"`
	Requested     CZK      `json:"requested"`
	Score         *Points  `json:"score"`
	Decided       CZK      `json:"decided"`
}

// Results are the council's amounts of a decided call, largest first
// (applicants that got nothing too, with 0); none before the decision.
func (s *Service) Results(ctx context.Context, c *Call) ([]Result, error) {
	if c.DecisionDate.IsZero() {
		return []Result{}, nil
	}
	as, err := s.FindApplications(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	scores, err := s.finalScores(ctx, c, as)
	if err != nil {
		return nil, err
	}
	out := []Result{}
	for _, a := range as {
		if a.State == StateDraft {
			continue
		}
		r := Result{ApplicationID: a.ID, Organisation: a.Organisation, ICO: a.ICO, Requested: a.Requested()}
		for _, sv := range a.Services {
			r.Services = append(r.Services, sv.ServiceName)
		}
		if a.Decided != nil {
			r.Decided = *a.Decided
		}
		if sc, ok := scores[a.ID]; ok {
			v := Points(sc)
			r.Score = &v
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Decided != out[j].Decided {
			return out[i].Decided > out[j].Decided
		}
		return czech.Less(out[i].Organisation, out[j].Organisation)
	})
	return out, nil
}

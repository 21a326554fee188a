package grant

import "context"

// finalScores are the applications' final scores (points of 100).
func (s *Service) finalScores(ctx context.Context, c *Call, as []Application) (map[int64]float64, error) {
	return map[int64]float64{}, nil
}

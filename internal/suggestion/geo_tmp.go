package suggestion

import (
	"context"
	"math"
)

// coarsen rounds a point to a grid of about 150 m.
func coarsen(lat, lng float64) (float64, float64) {
	const step = 0.00135 // ≈ 150 m of latitude
	stepLng := step / math.Max(math.Cos(lat*math.Pi/180), 0.01)
	return math.Round(lat/step) * step, math.Round(lng/stepLng) * stepLng
}

// centroids are the municipalities' centres.
func (s *Service) centroids(ctx context.Context) (map[int64][2]float64, error) {
	return map[int64][2]float64{}, nil
}

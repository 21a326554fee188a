package server

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"kpss/internal/web"
)

// setUpMaps turns the maps on when Leaflet's files are installed (npm ci)
// and tiles are not switched off. Without them pages show their lists only.
func (s *Server) setUpMaps(d Deps) {
	tiles, attribution := d.MapTiles, d.MapAttribution
	if tiles == "off" {
		return
	}
	if tiles == "" {
		// A blank grid from our own files: tests and offline demos draw the
		// markers without reaching a tile server. kpss serve passes the
		// configured tiles (OpenStreetMap by default).
		tiles = "/static/map-tile.png?{z}/{x}/{y}"
	}
	assets := d.Assets
	if assets == "" {
		assets = findAssets()
	}
	dist := filepath.Join(assets, "leaflet", "dist")
	if _, err := os.Stat(filepath.Join(dist, "leaflet.js")); err != nil {
		if d.Assets != "" && s.log != nil {
			s.log.Warn("maps are off: Leaflet not found (run npm ci)", "folder", dist)
		}
		return
	}
	s.leaflet = dist
	s.rd.Map = &web.MapConfig{Tiles: tiles, Attribution: attribution, CenterFunc: s.regionCenter()}
}

// findAssets looks for node_modules in the working directory and up to
// three parents (tests run in their package's folder).
func findAssets() string {
	dir, err := os.Getwd()
	if err != nil {
		return "node_modules"
	}
	for range 4 {
		p := filepath.Join(dir, "node_modules")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		dir = filepath.Dir(dir)
	}
	return "node_modules"
}

// regionCenter returns the mean centre of the region's municipalities, read
// at most once a minute (a picker opens there when it has no point yet).
func (s *Server) regionCenter() func() string {
	var mu sync.Mutex
	var at time.Time
	var center string
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		if now := time.Now(); now.Sub(at) > time.Minute {
			at = now
			center = ""
			var lat, lng *float64
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err := s.db.QueryRow(ctx, `SELECT AVG(latitude), AVG(longitude) FROM municipalities WHERE archived = ? AND latitude IS NOT NULL AND longitude IS NOT NULL`, false).Scan(&lat, &lng)
			if err == nil && lat != nil && lng != nil {
				center = strconv.FormatFloat(*lat, 'f', 5, 64) + "," + strconv.FormatFloat(*lng, 'f', 5, 64)
			}
		}
		return center
	}
}

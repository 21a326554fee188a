package web

import (
	"encoding/json"
	"html/template"
	"net/url"
	"strings"
)

// MapConfig says how pages draw maps: the tile server and its attribution.
// Maps are an enhancement: every page that shows one also shows the same
// content as a list, and with no MapConfig (Leaflet's files are not
// installed, or maps are switched off) the map is simply not drawn.
type MapConfig struct {
	// Tiles is the tile URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png.
	Tiles string
	// Attribution is the tile provider's required credit (plain text).
	Attribution string
	// CenterFunc returns "lat,lng" where an empty picker opens (the
	// region's centre); nil or "" lets the page decide.
	CenterFunc func() string
}

// Center is where an empty picker opens, "lat,lng" or "".
func (m *MapConfig) Center() string {
	if m == nil || m.CenterFunc == nil {
		return ""
	}
	return m.CenterFunc()
}

// TileOrigin is the scheme and host the tiles come from ("" when the
// template is not an absolute URL), for the Content-Security-Policy. A {s}
// subdomain placeholder becomes a wildcard.
func (m *MapConfig) TileOrigin() string {
	if m == nil || m.Tiles == "" {
		return ""
	}
	u, err := url.Parse(strings.ReplaceAll(m.Tiles, "{s}", "s"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	host := u.Host
	if strings.HasPrefix(m.Tiles, u.Scheme+"://{s}.") {
		host = "*." + strings.TrimPrefix(host, "s.")
	}
	return u.Scheme + "://" + host
}

// Feature is one point of a map: where, what it is called, where to read more.
type Feature struct {
	Lat, Lng float64
	Title    string // required: the marker's name (also read by screen readers)
	URL      string // optional link from the marker's bubble
	Text     string // optional one line under the title
}

type geoJSONFeature struct {
	Type     string `json:"type"`
	Geometry struct {
		Type        string     `json:"type"`
		Coordinates [2]float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties struct {
		Title string `json:"title"`
		URL   string `json:"url,omitempty"`
		Text  string `json:"text,omitempty"`
	} `json:"properties"`
}

// FeatureCollection writes the points as a GeoJSON FeatureCollection
// (RFC 7946: coordinates are [longitude, latitude]) for a
// <script type="application/json"> element that a data-map element points
// to. The JSON escapes <, > and &, so it cannot end the script element.
func FeatureCollection(points []Feature) template.JS {
	return template.JS(GeoJSON(points))
}

// GeoJSON is FeatureCollection as bytes, for a handler that serves
// application/geo+json.
func GeoJSON(points []Feature) []byte {
	fc := struct {
		Type     string           `json:"type"`
		Features []geoJSONFeature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]geoJSONFeature, 0, len(points))}
	for _, p := range points {
		var f geoJSONFeature
		f.Type = "Feature"
		f.Geometry.Type = "Point"
		f.Geometry.Coordinates = [2]float64{p.Lng, p.Lat}
		f.Properties.Title, f.Properties.URL, f.Properties.Text = p.Title, p.URL, p.Text
		fc.Features = append(fc.Features, f)
	}
	b, _ := json.Marshal(fc) // cannot fail: plain strings and finite numbers
	return b
}

package web

import (
	"bytes"
	"encoding/json"
	"html/template"
	"strings"
	"testing"
)

func TestGeoJSONIsLongitudeFirstAndSafeInAScript(t *testing.T) {
	pts := []Feature{{Lat: 49.2098, Lng: 17.5306, Title: "Otrokovice </script><script>alert(1)</script>", URL: "/partneri/obce/1"},
		{Lat: 49.1716, Lng: 17.5121, Title: "Napajedla", Text: "7 100 obyvatel"}}
	tpl := template.Must(template.New("").Parse(`<script type="application/json" id="p">{{.}}</script>`))
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, FeatureCollection(pts)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "</script>") != 1 {
		t.Fatalf("a title closed the script element: %s", out)
	}
	body := strings.TrimSuffix(strings.TrimPrefix(out, `<script type="application/json" id="p">`), "</script>")
	var fc struct {
		Type     string
		Features []struct {
			Geometry struct {
				Type        string
				Coordinates []float64
			}
			Properties map[string]string
		}
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 2 {
		t.Fatalf("got %+v", fc)
	}
	f := fc.Features[0]
	if f.Geometry.Type != "Point" || f.Geometry.Coordinates[0] != 17.5306 || f.Geometry.Coordinates[1] != 49.2098 {
		t.Fatalf("GeoJSON wants [lng, lat], got %v", f.Geometry.Coordinates)
	}
	if f.Properties["title"] != pts[0].Title || f.Properties["url"] != "/partneri/obce/1" {
		t.Fatalf("properties %v", f.Properties)
	}
	if _, ok := fc.Features[1].Properties["url"]; ok || fc.Features[1].Properties["text"] != "7 100 obyvatel" {
		t.Fatalf("second point's properties %v", fc.Features[1].Properties)
	}
	if got := string(GeoJSON(nil)); got != `{"type":"FeatureCollection","features":[]}` {
		t.Fatalf("empty collection = %s", got)
	}
}

func TestTileOrigin(t *testing.T) {
	for tiles, want := range map[string]string{
		"https://tile.openstreetmap.org/{z}/{x}/{y}.png":           "https://tile.openstreetmap.org",
		"https://{s}.tile.example.cz/base/{z}/{x}/{y}.png?key=abc": "https://*.tile.example.cz",
		"/static/map-tile.png?{z}/{x}/{y}":                         "",
		"":                                                         "",
	} {
		if got := (&MapConfig{Tiles: tiles}).TileOrigin(); got != want {
			t.Errorf("TileOrigin(%q) = %q, want %q", tiles, got, want)
		}
	}
	var none *MapConfig
	if none.TileOrigin() != "" || none.Center() != "" {
		t.Error("a nil MapConfig must mean no maps")
	}
}

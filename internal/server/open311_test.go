package server

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

// Open311 as third-party clients read it: discovery in XML and JSON, no
// empty datetimes, lat/long for every request with a known place (the
// municipality's centre where the exact place is private).
func TestOpen311Conformance(t *testing.T) {
	e := newSuggestionEnv(t, "sqlite", nil)
	x := e.do("GET", "/open311/v2/discovery.xml", nil, nil)
	var disc struct {
		XMLName   xml.Name `xml:"discovery"`
		Changeset string   `xml:"changeset"`
		Endpoints []struct {
			URL     string   `xml:"url"`
			Formats []string `xml:"formats>format"`
		} `xml:"endpoints>endpoint"`
	}
	if err := xml.Unmarshal(x.Body.Bytes(), &disc); err != nil || x.Code != 200 || len(disc.Endpoints) != 1 ||
		disc.Endpoints[0].URL != "http://kpss.test/open311/v2" || len(disc.Endpoints[0].Formats) != 2 || disc.Changeset == "" {
		t.Errorf("discovery.xml: %d %v %s", x.Code, err, x.Body.String())
	}
	if !strings.HasPrefix(x.Header().Get("Content-Type"), "text/xml") {
		t.Errorf("discovery.xml content type %q", x.Header().Get("Content-Type"))
	}

	ctx := context.Background()
	var centreLat, centreLng float64
	var privateCode string
	if err := e.db.QueryRow(ctx, `SELECT s.code, m.latitude, m.longitude FROM suggestions s JOIN municipalities m ON m.id = s.municipality_id
		WHERE s.location_private = ? AND m.latitude IS NOT NULL ORDER BY s.id LIMIT 1`, true).Scan(&privateCode, &centreLat, &centreLng); err != nil {
		t.Fatalf("demo has no private place: %v", err)
	}
	for _, path := range []string{"/open311/v2/requests.json?start_date=2000-01-01T00:00:00Z", "/open311/v2/requests/" + privateCode + ".json"} {
		rec := e.do("GET", path, nil, nil)
		var reqs []map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &reqs); err != nil || len(reqs) == 0 {
			t.Fatalf("%s: %v %s", path, err, rec.Body.String())
		}
		for _, r := range reqs {
			for _, f := range []string{"requested_datetime", "updated_datetime", "expected_datetime"} {
				if v, ok := r[f]; ok && v == "" {
					t.Errorf("%s: %s is an empty string", r["service_request_id"], f)
				}
			}
			if r["status"] == "closed" && r["expected_datetime"] != nil {
				t.Errorf("%s: closed with expected_datetime %v", r["service_request_id"], r["expected_datetime"])
			}
			if r["lat"] == nil || r["long"] == nil {
				t.Errorf("%s: no lat/long: %v", r["service_request_id"], r)
			}
			if r["service_request_id"] == privateCode && (r["lat"] != centreLat || r["long"] != centreLng || r["address"] != "") {
				t.Errorf("private place: %v, want the centre %v %v and no address", r, centreLat, centreLng)
			}
		}
	}
	x = e.do("GET", "/open311/v2/requests/"+privateCode+".xml", nil, nil)
	if b := x.Body.String(); strings.Contains(b, "<expected_datetime></expected_datetime>") || !strings.Contains(b, "<lat>") {
		t.Errorf("XML request: %s", b)
	}
}

package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/partner"
)

// `kpss municipality boundaries` matches features by ZÚJ code or by name
// (without diacritics), stores their boundaries (audited), says which
// municipalities have none and leaves out features of other places and
// broken geometries; a point is then tested against the boundaries around it.
func TestMunicipalityBoundariesCommand(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	db, err := openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	ps := partner.NewService(db, audit.New(), time.Now)
	var ids []int64
	for _, m := range []partner.Municipality{{Name: "Otrokovice", ZUJ: "585599", Kind: partner.KindTown}, {Name: "Bělov", Kind: partner.KindMunicipality}, {Name: "Žlutava", Kind: partner.KindMunicipality}} {
		saved, err := ps.CreateMunicipality(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, saved.ID)
	}
	db.Close()
	file := filepath.Join(t.TempDir(), "obce.geojson")
	os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"kod":585599,"nazev":"Otrokovice"},"geometry":{"type":"Polygon","coordinates":[[[17.50,49.19],[17.56,49.19],[17.56,49.23],[17.50,49.23],[17.50,49.19]]]}},
		{"type":"Feature","properties":{"name":"Belov"},"geometry":{"type":"MultiPolygon","coordinates":[[[[17.46,49.22],[17.50,49.22],[17.50,49.24],[17.46,49.24],[17.46,49.22]]]]}},
		{"type":"Feature","properties":{"nazev":"Zlín","kod":"585068"},"geometry":{"type":"Polygon","coordinates":[[[17.6,49.2],[17.7,49.2],[17.7,49.3],[17.6,49.2]]]}},
		{"type":"Feature","properties":{"nazev":"Žlutava"},"geometry":{"type":"Point","coordinates":[17.49,49.20]}}]}`), 0o600)
	var out bytes.Buffer
	if err := run(ctx, []string{"municipality", "boundaries", "-db", dsn, file}, nil, &out, io.Discard); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"boundaries stored: 2", "municipalities without a boundary in the file (their centre counts): Žlutava", "left out): 1", "Žlutava (geo: not an area"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	db, err = openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps = partner.NewService(db, audit.New(), time.Now)
	lat, lng := 49.23, 17.48
	areas, err := ps.MunicipalityAreas(ctx, &lat, &lng)
	if err != nil || len(areas) != 3 {
		t.Fatalf("areas: %v %v", areas, err)
	}
	for _, a := range areas {
		switch a.ID {
		case ids[0]:
			if !a.Bounded || a.Shape != nil {
				t.Errorf("Otrokovice: bounded %v, shape loaded %v (the point is outside its box)", a.Bounded, a.Shape != nil)
			}
		case ids[1]:
			if !a.Bounded || a.Shape == nil || !a.Shape.Contains(lat, lng) {
				t.Errorf("Bělov: %+v", a)
			}
		case ids[2]:
			if a.Bounded {
				t.Error("Žlutava has no boundary")
			}
		}
	}
	var n int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'municipality' AND action = 'boundary'`).Scan(&n)
	if n != 2 {
		t.Errorf("%d audit rows, want 2", n)
	}
}

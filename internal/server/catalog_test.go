package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kpss/internal/storetest"
)

// A visitor finds a service without diacritics and by the start of a word.
func TestCatalogCzechSearch(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			for _, q := range []string{"pečovat", "pecovatelska", "sluzb", "PEČOVATELSKÁ služba", "pecovatelska napajedla"} {
				rec := e.do("GET", "/katalog?q="+url.QueryEscape(q), nil, nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("q=%s: %d", q, rec.Code)
				}
				if !strings.Contains(rec.Body.String(), "Pečovatelská služba Napajedla") {
					t.Errorf("q=%q does not find Pečovatelská služba Napajedla", q)
				}
			}
			rec := e.do("GET", "/katalog?q=hospic", nil, nil)
			if body := rec.Body.String(); strings.Contains(body, "Pečovatelská služba Napajedla") || !strings.Contains(body, "Domácí hospicová péče") {
				t.Errorf("q=hospic found the wrong services")
			}
			// Where: a municipality by id and by name typed without diacritics.
			napajedla := fmt.Sprint(e.id(`SELECT id FROM municipalities WHERE name = ?`, "Napajedla"))
			for _, where := range []string{napajedla, "napajedla"} {
				body := e.do("GET", "/katalog?q=pecovat&obec="+where, nil, nil).Body.String()
				if !strings.Contains(body, "Pečovatelská služba Napajedla") || strings.Contains(body, "Pečovatelská služba Otrokovice") {
					t.Errorf("obec=%s: want only the Napajedla care service", where)
				}
			}
			// For whom: children find the youth club and not the home for seniors.
			body := e.do("GET", "/katalog?vek=children", nil, nil).Body.String()
			if !strings.Contains(body, "Nízkoprahový klub") || strings.Contains(body, "Domov pro seniory Napajedla") {
				t.Errorf("vek=children: wrong results")
			}
		})
	}
}

func (e *testEnv) id(q string, args ...any) int64 {
	e.t.Helper()
	var v int64
	if err := e.db.QueryRow(context.Background(), q, args...).Scan(&v); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return v
}

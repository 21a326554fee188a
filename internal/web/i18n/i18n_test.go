package i18n

import (
	"testing"
	"testing/fstest"
	"time"
)

type embeddedDate struct{ time.Time }

func TestPluralsNumbersAndDates(t *testing.T) {
	c := NewCatalog()
	fs := fstest.MapFS{
		"m/cs.json": {Data: []byte(`{"svc": {"one": "{N} služba", "few": "{N} služby", "other": "{N} služeb"}, "hi": "Dobrý den, {Name}"}`)},
		"m/en.json": {Data: []byte(`{"svc": {"one": "{N} service", "other": "{N} services"}, "hi": "Hello, {Name}"}`)},
	}
	if err := c.Load(fs, "m"); err != nil {
		t.Fatal(err)
	}
	cs, en := c.For("cs"), c.For("en")
	for n, want := range map[int]string{1: "1 služba", 2: "2 služby", 4: "4 služby", 5: "5 služeb", 0: "0 služeb", 1234: "1\u00a0234 služeb"} {
		if got := cs.N("svc", n); got != want {
			t.Errorf("cs N(%d) = %q, want %q", n, got, want)
		}
	}
	if got := en.N("svc", 2); got != "2 services" {
		t.Errorf("en N(2) = %q", got)
	}
	if got := cs.T("hi", "Name", "Jano"); got != "Dobrý den, Jano" {
		t.Errorf("T = %q", got)
	}
	if got := cs.T("missing.key"); got != "missing.key" {
		t.Errorf("a missing key shows as %q, want the key itself", got)
	}
	d := embeddedDate{time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
	if got := cs.Date(d); got != "22.\u00a011.\u00a02026" {
		t.Errorf("cs Date = %q", got)
	}
	if got := en.Date(d); got != "22 Nov 2026" {
		t.Errorf("en Date = %q", got)
	}
	if got := cs.DateTime(time.Date(2026, 7, 1, 10, 30, 0, 0, time.UTC)); got != "1.\u00a07.\u00a02026 12:30" {
		t.Errorf("DateTime in Prague summer time = %q", got)
	}
	if Match("en-GB,en;q=0.9") != "en" || Match("de-DE") != "cs" || Match("") != "cs" || Match("sk,cs;q=0.8") != "cs" {
		t.Error("Accept-Language matching is off")
	}
}

func TestYearsAndMoments(t *testing.T) {
	c := NewCatalog()
	fs := fstest.MapFS{
		"m/cs.json": {Data: []byte(`{"y": "Plán na rok {Y}, {P} obyvatel"}`)},
		"m/en.json": {Data: []byte(`{"y": "Plan for {Y}, {P} people"}`)},
	}
	if err := c.Load(fs, "m"); err != nil {
		t.Fatal(err)
	}
	if got := c.For("cs").T("y", "Y", 2026, "P", 17400); got != "Plán na rok 2026, 17\u00a0400 obyvatel" {
		t.Errorf("T = %q", got)
	}
	// 23:30 UTC on 31 Dec is already 1 Jan in Prague.
	if got := c.For("cs").Date(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)); got != "1.\u00a01.\u00a02027" {
		t.Errorf("Date of a moment = %q, want the Prague date", got)
	}
}

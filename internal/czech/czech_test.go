package czech

import (
	"reflect"
	"testing"
)

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Bělov":                  "belov",
		"  Žlutava ":             "zlutava",
		"Pečovatelská SLUŽBA":    "pecovatelska sluzba",
		"Oldřichovice":           "oldrichovice",
		"Nová Dědina":            "nova dedina",
		"ÚŘAD ťŤďĎňŇůŮ":          "urad ttddnnuu",
		"Charita sv. Anežky 1/2": "charita sv. anezky 1/2",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSortCzech(t *testing.T) {
	names := []string{"Řepy", "Chropyně", "Cvrčovice", "Hulín", "Čelechovice", "Rataje", "Ivanovice", "Zlín", "Žlutava"}
	SortBy(names, func(s string) string { return s })
	want := []string{"Cvrčovice", "Čelechovice", "Hulín", "Chropyně", "Ivanovice", "Rataje", "Řepy", "Zlín", "Žlutava"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("Czech order = %v, want %v", names, want)
	}
}

func TestPluralAndNumbers(t *testing.T) {
	for n, want := range map[int64]string{0: "other", 1: "one", 2: "few", 4: "few", 5: "other", 22: "other"} {
		if got := PluralCategory("cs", n); got != want {
			t.Errorf("cs plural(%d) = %s, want %s", n, got, want)
		}
	}
	if got := PluralCategory("en", 2); got != "other" {
		t.Errorf("en plural(2) = %s", got)
	}
	if got := FormatInt("cs", 18431); got != "18\u00a0431" {
		t.Errorf("FormatInt cs = %q", got)
	}
	if got := FormatInt("en", 1609236); got != "1,609,236" {
		t.Errorf("FormatInt en = %q", got)
	}
	if got := FormatFloat("cs", 1609236.8, 2); got != "1\u00a0609\u00a0236,80" {
		t.Errorf("FormatFloat cs = %q", got)
	}
}

func TestValidICO(t *testing.T) {
	for _, ok := range []string{"00284301", "25596641", "00284271"} {
		if !ValidICO(ok) {
			t.Errorf("ValidICO(%s) = false, want true", ok)
		}
	}
	for _, bad := range []string{"00284302", "2559664", "2559664a", "", "123456789", "25596640"} {
		if ValidICO(bad) {
			t.Errorf("ValidICO(%s) = true, want false", bad)
		}
	}
}

func TestSortKeyOrdersLikeCollation(t *testing.T) {
	names := []string{"Řepy", "Chropyně", "Cvrčovice", "Hulín", "Čelechovice", "Rataje", "žlutava", "Zlín"}
	byKey := append([]string(nil), names...)
	SortBy(byKey, SortKey)
	byColl := append([]string(nil), names...)
	SortBy(byColl, func(s string) string { return s })
	if !reflect.DeepEqual(byKey, byColl) {
		t.Fatalf("sort by key %v differs from collation %v", byKey, byColl)
	}
}

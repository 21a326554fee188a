package survey

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"kpss/internal/export"
	"kpss/internal/store"
	"kpss/internal/storetest"
	"kpss/internal/web/i18n"
)

func testLocalizer(t testing.TB) *i18n.Localizer {
	t.Helper()
	c := i18n.NewCatalog()
	if err := c.Load(files, "i18n"); err != nil {
		t.Fatal(err)
	}
	return c.For("cs")
}

// The export has one stable column per question (and per option, row or
// ranked item), whatever branch a respondent took.
func TestExportColumnsAreStable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := newService(t, db)
		v, err := svc.CreateSurvey(ctx, Survey{Title: "Rodiny", State: Published, PublicLink: true}, []Question{
			{Code: "deti", Kind: Single, Label: "Máte děti?", Options: []string{"Ano", "Ne"}, Required: true},
			{Code: "pomoc", Kind: Multiple, Label: "Co pomůže?", Options: []string{"Školka", "Hřiště"}, Other: true, Cond: &Condition{Code: "deti", Values: []string{"1"}}},
			{Code: "sluzby", Kind: Matrix, Label: "Hodnocení", Rows: []string{"Lékař", "Doprava"}, Options: []string{"Dobře", "Špatně"}},
			{Code: "poradi", Kind: Ranking, Label: "Pořadí", Options: []string{"Cena", "Blízkost"}},
			{Code: "vek", Kind: Number, Label: "Věk"},
			{Code: "kdy", Kind: DateQ, Label: "Od kdy"},
		})
		if err != nil {
			t.Fatal(err)
		}
		answers := []Answers{
			{"deti": {Choices: []int{1}}, "pomoc": {Choices: []int{2, 0}, Other: "Knihovna"}, "sluzby": {Rows: map[int]int{1: 1, 2: 2}}, "poradi": {Ranks: map[int]int{1: 2, 2: 1}}, "vek": {Num: ptr(34.5)}, "kdy": {Text: "2026-03-01"}},
			{"deti": {Choices: []int{2}}, "pomoc": {Choices: []int{1}}, "vek": {Num: ptr(70.0)}},
		}
		for _, a := range answers {
			if _, err := svc.Submit(ctx, v.ID, Submission{Channel: Link, Answers: a}); err != nil {
				t.Fatal(err)
			}
		}
		_, tab, err := svc.ExportTable(ctx, testLocalizer(t), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := export.WriteCSV(&buf, tab); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Pořadí", "Způsob vyplnění", "Číslo formuláře", "Den", "1. Máte děti?",
			"2. Co pomůže? – Školka", "2. Co pomůže? – Hřiště", "2. Co pomůže? – Jiné", "2. Co pomůže? – Jiné – napište prosím",
			"3. Hodnocení – Lékař", "3. Hodnocení – Doprava", "4. Pořadí – Cena", "4. Pořadí – Blízkost", "5. Věk", "6. Od kdy"}
		if strings.Join(recs[0], "|") != strings.Join(want, "|") {
			t.Fatalf("header =\n%v\nwant\n%v", recs[0], want)
		}
		if len(recs) != 3 {
			t.Fatalf("%d lines", len(recs))
		}
		byDeti := map[string][]string{}
		for _, rec := range recs[1:] {
			if len(rec) != len(want) {
				t.Fatalf("a row has %d cells, the header %d", len(rec), len(want))
			}
			byDeti[rec[4]] = rec
		}
		yes, no := byDeti["Ano"], byDeti["Ne"]
		if got := strings.Join(yes[5:], "|"); got != "0|1|1|Knihovna|Dobře|Špatně|2|1|34,5|1.3.2026" {
			t.Errorf("full branch = %s", got)
		}
		// The hidden question's answer was dropped: empty cells, same columns.
		if got := strings.Join(no[5:], "|"); got != "||||||||70,0|" {
			t.Errorf("short branch = %s", got)
		}
		if yes[1] != "veřejný odkaz" {
			t.Errorf("channel = %q", yes[1])
		}
	})
}

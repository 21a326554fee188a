package survey

import (
	"context"
	"testing"

	"kpss/internal/store"
	"kpss/internal/storetest"
)

func cells(ct CrossTab) [][]int {
	var out [][]int
	for _, r := range ct.Rows {
		var line []int
		for _, c := range r.Cells {
			if c.Suppressed {
				line = append(line, -1)
			} else {
				line = append(line, c.Count)
			}
		}
		out = append(out, line)
	}
	return out
}

func same(a, b [][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func tab(totals []int, rows ...[]int) CrossTab {
	ct := CrossTab{}
	for _, t := range totals {
		ct.Groups = append(ct.Groups, CrossGroup{Total: t})
	}
	for _, r := range rows {
		row := CrossRow{}
		for _, n := range r {
			row.Cells = append(row.Cells, Cell{Count: n})
		}
		ct.Rows = append(ct.Rows, row)
	}
	return ct
}

func TestSuppressSmallCellsAndSubtraction(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ct     CrossTab
		want   [][]int
		groups []bool
	}{
		{"nothing small", tab([]int{20, 15}, []int{12, 9}, []int{8, 6}), [][]int{{12, 9}, {8, 6}}, []bool{false, false}},
		// Ne in both groups is 3: hidden, and then Ano too, because Ano = total − Ne.
		{"by subtraction from the group's total", tab([]int{30, 25}, []int{27, 22}, []int{3, 3}), [][]int{{-1, -1}, {-1, -1}}, []bool{false, false}},
		// One small cell in a row of three groups: the row's total (public)
		// minus the two shown would give it, so the smallest other cell goes too.
		{"by subtraction from the row's total", tab([]int{40, 40, 40}, []int{2, 20, 30}, []int{38, 20, 10}),
			[][]int{{-1, -1, 30}, {-1, -1, 10}}, []bool{false, false, false}},
		// A group of 3 is hidden whole; alone it could be worked out from the
		// number of respondents, so the next smallest group is hidden too.
		{"small group", tab([]int{20, 12, 3}, []int{15, 10, 2}, []int{5, 2, 1}), [][]int{{15, -1, -1}, {5, -1, -1}}, []bool{false, true, true}},
		{"zeros stay", tab([]int{20, 20}, []int{20, 20}, []int{0, 0}), [][]int{{20, 20}, {0, 0}}, []bool{false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			Suppress(&tc.ct, 5)
			if got := cells(tc.ct); !same(got, tc.want) {
				t.Errorf("cells = %v, want %v", got, tc.want)
			}
			for g, want := range tc.groups {
				if tc.ct.Groups[g].Suppressed != want {
					t.Errorf("group %d suppressed = %v", g, !want)
				}
			}
			// Whatever is shown, no line has exactly one hidden non-zero cell.
			for r, row := range tc.ct.Rows {
				n := 0
				for _, c := range row.Cells {
					if c.Suppressed {
						n++
					}
				}
				if n == 1 {
					t.Errorf("row %d has a single hidden cell, recoverable by subtraction", r)
				}
			}
		})
	}
}

func TestCrossTabsBySurveyAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := newService(t, db)
		v, err := svc.CreateSurvey(ctx, Survey{Title: "Obce", State: Published, PublicLink: true, MinGroup: 5}, []Question{
			{Code: "obec", Kind: Single, Label: "Obec", Options: []string{"Otrokovice", "Napajedla", "Bělov"}},
			{Code: "pratelske", Kind: Single, Label: "Přátelské rodině?", Options: []string{"Ano", "Ne"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		// Otrokovice 12 (10 yes), Napajedla 8 (4 yes), Bělov 2 (1 yes).
		add := func(obec, yes, no int) {
			for i := 0; i < yes+no; i++ {
				ans := 1
				if i >= yes {
					ans = 2
				}
				if _, err := svc.Submit(ctx, v.ID, Submission{Channel: Link, Answers: Answers{"obec": {Choices: []int{obec}}, "pratelske": {Choices: []int{ans}}}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		add(1, 10, 2)
		add(2, 4, 4)
		add(3, 1, 1)
		before := db.QueryCount()
		cts, err := svc.CrossTabs(ctx, v.ID, "obec")
		if err != nil {
			t.Fatal(err)
		}
		if q := db.QueryCount() - before; q > 5 {
			t.Errorf("cross-tabs took %d queries", q)
		}
		if len(cts) != 1 || len(cts[0].Groups) != 3 {
			t.Fatalf("cross-tabs = %+v", cts)
		}
		ct := cts[0]
		// Bělov (2) is hidden, and with it Napajedla, the next smallest group.
		if !ct.Groups[2].Suppressed || !ct.Groups[1].Suppressed || ct.Groups[0].Suppressed || ct.Groups[0].Total != 12 {
			t.Errorf("groups = %+v", ct.Groups)
		}
		// Otrokovice: 10 yes shown; 2 no hidden, and therefore yes too (12 − 2).
		if got := cells(ct); !same(got, [][]int{{-1, -1, -1}, {-1, -1, -1}}) {
			t.Errorf("cells = %v", got)
		}
		if _, err := svc.CrossTabs(ctx, v.ID, "nic"); err == nil {
			t.Errorf("split by an unknown question")
		}
	})
}

func TestIndicatorValueFromAQuestion(t *testing.T) {
	m := 3.5
	res := &Results{Questions: []QuestionResult{
		{Question: Question{Code: "ano", Kind: Single}, Answered: 200, Counts: []Count{{Value: 1, Count: 130}, {Value: 2, Count: 50}, {Value: 3, Count: 20}}},
		{Question: Question{Code: "spok", Kind: Scale}, Answered: 4, Mean: &m, Counts: []Count{{Value: 4, Count: 2}, {Value: 5, Count: 1}, {Value: 1, Count: 1}}},
		{Question: Question{Code: "vice", Kind: Multiple}, Answered: 10, Counts: []Count{{Value: 1, Count: 7}, {Value: 2, Count: 6}}},
	}}
	for _, tc := range []struct {
		code   string
		values []int
		want   float64
		err    bool
	}{
		{"ano", []int{1}, 65, false},
		{"ano", []int{1, 3}, 75, false},
		{"spok", nil, 3.5, false},
		{"spok", []int{4, 5}, 75, false},
		{"vice", []int{2}, 60, false},
		{"vice", []int{1, 2}, 0, true},
		{"ano", nil, 0, true},
		{"nic", []int{1}, 0, true},
	} {
		got, err := IndicatorValue(res, tc.code, tc.values)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%s %v = %v, %v; want %v", tc.code, tc.values, got, err, tc.want)
		}
	}
}

package survey

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"kpss/internal/apperr"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

func condSurvey() []Question {
	qs := []Question{
		{Code: "deti", Kind: Single, Label: "Máte děti?", Options: []string{"Ano", "Ne"}},
		{Code: "vek", Kind: Single, Label: "Věk dětí", Options: []string{"do 3", "3–6", "nad 6"}, Cond: &Condition{Code: "deti", Values: []string{"1"}}},
		{Code: "skolka", Kind: Text, Label: "Která školka?", Cond: &Condition{Code: "vek", Values: []string{"2", "3"}}},
		{Code: "proc", Kind: Scale, Label: "Proč ne?", Cond: &Condition{Code: "deti", Values: []string{"1"}, Not: true}},
		{Code: "dik", Kind: Text, Label: "Poznámka ke školce", Cond: &Condition{Code: "skolka"}},
	}
	for i := range qs {
		qs[i].Position = i + 1
		qs[i].Validate()
	}
	return qs
}

// expected is the branching written out by hand, independently of Visible.
func expected(deti, vek int, skolka bool) []string {
	out := []string{"deti"}
	if deti == 1 {
		out = append(out, "vek")
		if vek == 2 || vek == 3 {
			out = append(out, "skolka")
			if skolka {
				out = append(out, "dik")
			}
		}
	} else {
		out = append(out, "proc")
	}
	return out
}

// Every reachable path through the conditions: each combination of the
// answers that conditions depend on (including no answer) shows exactly the
// questions the branching says, and a response answering everything keeps
// only the answers of the questions shown.
func TestEveryPathThroughTheConditions(t *testing.T) {
	qs := condSurvey()
	if err := ValidateQuestions(qs); err != nil {
		t.Fatal(err)
	}
	type path struct {
		deti, vek int
		skolka    bool
	}
	var paths []path
	for deti := 0; deti <= 2; deti++ {
		for vek := 0; vek <= 3; vek++ {
			for _, sk := range []bool{false, true} {
				paths = append(paths, path{deti, vek, sk})
			}
		}
	}
	seen := map[string]bool{}
	answersOf := func(p path) Answers {
		a := Answers{"proc": {Choices: []int{3}}, "dik": {Text: "díky"}}
		if p.deti > 0 {
			a["deti"] = Answer{Choices: []int{p.deti}}
		}
		if p.vek > 0 {
			a["vek"] = Answer{Choices: []int{p.vek}}
		}
		if p.skolka {
			a["skolka"] = Answer{Text: "Sluníčko"}
		}
		return a
	}
	for _, p := range paths {
		a := answersOf(p)
		var got []string
		for _, q := range VisibleQuestions(qs, a) {
			got = append(got, q.Code)
		}
		want := expected(p.deti, p.vek, p.skolka)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("path %+v: shown %v, want %v", p, got, want)
		}
		seen[strings.Join(want, ",")] = true
		kept, err := CheckAnswers(qs, a)
		if err != nil {
			t.Fatalf("path %+v: %v", p, err)
		}
		for code := range kept {
			if !contains(want, code) {
				t.Errorf("path %+v: the answer of hidden %s kept", p, code)
			}
		}
	}
	// The distinct paths: no children; children under 3 (no kindergarten);
	// 3+ without and with a kindergarten (and its note).
	var distinct []string
	for k := range seen {
		distinct = append(distinct, k)
	}
	sort.Strings(distinct)
	if len(distinct) != 4 {
		t.Errorf("reachable paths = %v", distinct)
	}
	// On both engines: every path stored, hidden answers dropped.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := newService(t, db)
		v, err := svc.CreateSurvey(ctx, Survey{Title: "Podmínky", State: Published, PublicLink: true}, condSurvey())
		if err != nil {
			t.Fatal(err)
		}
		// What each path should store: the answers of its shown questions.
		stored := map[string]int{}
		for _, p := range paths {
			if _, err := svc.Submit(ctx, v.ID, Submission{Channel: Link, Answers: answersOf(p)}); err != nil {
				t.Fatalf("path %+v: %v", p, err)
			}
			for code := range answersOf(p) {
				if contains(expected(p.deti, p.vek, p.skolka), code) {
					stored[code]++
				}
			}
		}
		res, _ := svc.Results(ctx, v.ID)
		for _, q := range res.Questions {
			if q.Answered != stored[q.Question.Code] {
				t.Errorf("%s answered %d, want %d", q.Question.Code, q.Answered, stored[q.Question.Code])
			}
		}
	})
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// Conditions are checked on save: no condition on a later question or on
// the question itself (so no cycle), none on a missing one, none with an
// answer the question does not have; the error names the question.
func TestConditionsValidatedOnSave(t *testing.T) {
	base := condSurvey()
	for _, tc := range []struct {
		name string
		edit func(qs []Question)
		key  string
		want string
	}{
		{"later question", func(qs []Question) { qs[0].Cond = &Condition{Code: "proc"} }, "survey.err.cond_later", "1 Máte děti?"},
		{"itself", func(qs []Question) { qs[1].Cond = &Condition{Code: "vek"} }, "survey.err.cond_later", "2 Věk dětí"},
		{"cycle", func(qs []Question) { qs[0].Cond = &Condition{Code: "vek", Values: []string{"1"}} }, "survey.err.cond_later", "1 Máte děti?"},
		{"missing", func(qs []Question) { qs[2].Cond = &Condition{Code: "nic"} }, "survey.err.cond_missing", "3 Která školka?"},
		{"no such option", func(qs []Question) { qs[1].Cond = &Condition{Code: "deti", Values: []string{"7"}} }, "survey.err.cond_value", "2 Věk dětí"},
		{"values of a text", func(qs []Question) { qs[4].Cond = &Condition{Code: "skolka", Values: []string{"1"}} }, "survey.err.cond_value", "5 Poznámka ke školce"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			qs := append([]Question(nil), base...)
			tc.edit(qs)
			err := ValidateQuestions(qs)
			e, ok := apperr.As(err)
			if !ok || e.Fields["cond"].Key != tc.key {
				t.Fatalf("error = %v", err)
			}
			m := e.Fields["cond"].Args
			if got := fmt.Sprint(m["Number"], " ", m["Label"]); got != tc.want {
				t.Errorf("names %q, want %q", got, tc.want)
			}
		})
	}
}

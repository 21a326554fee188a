package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"kpss/internal/survey"
)

// The surveys of the demo region: the 2010 questionnaire on family
// friendliness of Otrokovice (paper forms typed in; 65 % answered "yes", as
// the KPSS slides cite) and the open 2026 anonymous survey of the users of
// social services, with a public link and some answers already in.
func init() {
	Register(45, "survey", func(ctx context.Context, d Deps, ids *IDs) error {
		if err := demoSurvey2010(ctx, d, ids); err != nil {
			return fmt.Errorf("survey 2010: %w", err)
		}
		if err := demoSurvey2026(ctx, d, ids); err != nil {
			return fmt.Errorf("survey 2026: %w", err)
		}
		return nil
	})
}

func ptrF(f float64) *float64 { return &f }

func demoSurvey2010(ctx context.Context, d Deps, ids *IDs) error {
	when := time.Date(2010, 5, 17, 9, 0, 0, 0, time.UTC)
	svc := survey.NewService(d.DB, d.Audit, func() time.Time { return when })
	opens, closes := time.Date(2010, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2010, 6, 1, 0, 0, 0, 0, time.UTC)
	v, err := svc.CreateSurvey(ctx, survey.Survey{
		Title: "Otrokovice – město přátelské rodině", Wave: "2010", Audience: "obyvatelé ORP Otrokovice",
		Intro:     "Město Otrokovice zjišťuje, jak se v něm žije rodinám s dětmi. Dotazník byl rozdáván v tištěné podobě na úřadě, ve školách a v mateřském centru.",
		Anonymous: true, State: survey.Published, OpensAt: &opens, ClosesAt: &closes, MinGroup: 5,
	}, []survey.Question{
		{Code: "pratelske", Kind: survey.Single, Required: true, Label: "Považujete Otrokovice za město přátelské rodině?", Options: []string{"Ano", "Ne", "Nevím"}},
		{Code: "obec", Kind: survey.Single, Section: "O vás", Label: "Ve které obci bydlíte?", Options: []string{"Otrokovice", "Napajedla", "Tlumačov", "Jiná obec ORP Otrokovice"}},
		{Code: "deti", Kind: survey.Single, Label: "Máte děti mladší 15 let?", Options: []string{"Ano", "Ne"}},
		{Code: "pomoc", Kind: survey.Multiple, Section: "Rodiny s dětmi", Label: "Co by rodinám s dětmi nejvíc pomohlo?", Help: "Můžete vybrat více možností.",
			Options: []string{"Více míst v mateřských školách", "Dětská hřiště", "Bezbariérové chodníky a přechody", "Kroužky a volnočasové aktivity", "Poradenství pro rodiny"}, Other: true,
			Cond: &survey.Condition{Code: "deti", Values: []string{"1"}}},
		{Code: "hodnoceni", Kind: survey.Matrix, Label: "Jak hodnotíte tyto služby ve městě?", Rows: []string{"Mateřské školy", "Dětští lékaři", "Veřejná doprava"},
			Options: []string{"Dobře", "Spíše dobře", "Spíše špatně", "Špatně"}},
		{Code: "vek", Kind: survey.Number, Label: "Kolik je vám let?", NumMin: ptrF(15), NumMax: ptrF(110)},
		{Code: "zmena", Kind: survey.LongText, Label: "Co byste ve městě pro rodiny změnili?"},
	})
	if err != nil {
		return err
	}
	// 200 paper forms: 130 "Ano" (65 %), 50 "Ne", 20 "Nevím".
	r := rand.New(rand.NewPCG(2010, 65))
	wishes := []string{"Více laviček a stínu na hřištích.", "Delší provoz školky v létě.", "Bezpečný přechod u školy na Trávníkách.", "Levnější kroužky pro děti.", "Víc akcí pro celé rodiny."}
	for i := 0; i < 200; i++ {
		friendly := 1
		switch {
		case i%20 >= 17:
			friendly = 3
		case i%20 >= 13:
			friendly = 2
		}
		a := survey.Answers{
			"pratelske": {Choices: []int{friendly}},
			"obec":      {Choices: []int{[]int{1, 1, 1, 1, 1, 2, 2, 3, 4, 1}[r.IntN(10)]}},
			"deti":      {Choices: []int{1 + r.IntN(2)}},
			"hodnoceni": {Rows: map[int]int{1: 1 + r.IntN(3), 2: 1 + r.IntN(2), 3: 2 + r.IntN(3)}},
			"vek":       {Num: ptrF(float64(22 + r.IntN(50)))},
		}
		if a["deti"].Choices[0] == 1 {
			p := survey.Answer{Choices: []int{1 + r.IntN(2), 3 + r.IntN(3)}}
			if i%25 == 0 {
				p.Choices = append(p.Choices, 0)
				p.Other = "Dětská skupina u nemocnice"
			}
			a["pomoc"] = p
		}
		if i%9 == 0 {
			a["zmena"] = survey.Answer{Text: wishes[r.IntN(len(wishes))]}
		}
		if _, err := svc.Submit(ctx, v.ID, survey.Submission{Channel: survey.Paper, Answers: a, FormNumber: fmt.Sprintf("2010/%03d", i+1), EnteredBy: ids.Users["koordinator"]}); err != nil {
			return err
		}
	}
	_, err = svc.SetState(ctx, v.ID, survey.Closed)
	ids.Extra["survey2010"] = v.ID
	return err
}

func demoSurvey2026(ctx context.Context, d Deps, ids *IDs) error {
	svc := survey.NewService(d.DB, d.Audit, d.Now)
	now := d.Now()
	opens := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -14)
	closes := opens.AddDate(0, 0, 60)
	v, err := svc.CreateSurvey(ctx, survey.Survey{
		Title: "Spokojenost uživatelů sociálních služeb", Wave: fmt.Sprint(now.Year()), Audience: "uživatelé sociálních služeb v ORP Otrokovice a jejich blízcí",
		Intro:     "Ptáme se, jak jste spokojeni se službami, které využíváte, a co jim chybí. Výsledky použijeme při přípravě komunitního plánu.\n\nDotazník je anonymní a vyplnění zabere asi pět minut.",
		Thanks:    "Děkujeme! Výsledky zveřejníme v monitorovací zprávě komunitního plánu.",
		Anonymous: true, PublicLink: true, State: survey.Published, OpensAt: &opens, ClosesAt: &closes, MinGroup: 5,
	}, []survey.Question{
		{Code: "skupina", Kind: survey.Single, Required: true, Section: "O vás", Label: "Kdo dotazník vyplňuje?",
			Options: []string{"Senior nebo seniorka", "Člověk se zdravotním postižením", "Rodič nebo rodina s dětmi", "Blízký, který o někoho pečuje"}, Other: true},
		{Code: "sluzba", Kind: survey.Single, Required: true, Section: "Služba", Label: "Kterou službu využíváte nejčastěji?",
			Options: []string{"Pečovatelská služba", "Osobní asistence", "Denní stacionář", "Odborné sociální poradenství", "Terénní program"}, Other: true},
		{Code: "spokojenost", Kind: survey.Scale, Required: true, Label: "Jak jste se službou celkově spokojen(a)?", ScaleMin: 1, ScaleMax: 5, MinLabel: "velmi nespokojen(a)", MaxLabel: "velmi spokojen(a)"},
		{Code: "zlepsit", Kind: survey.LongText, Label: "Co by služba měla zlepšit?", Cond: &survey.Condition{Code: "spokojenost", Values: []string{"1", "2", "3"}}},
		{Code: "vyroky", Kind: survey.Matrix, Label: "Do jaké míry souhlasíte s těmito výroky?", Rows: []string{"Pracovníci jsou ochotní.", "Služba přijde, když ji potřebuji.", "Vím, na koho se obrátit se stížností."},
			Options: []string{"Rozhodně ano", "Spíše ano", "Spíše ne", "Rozhodně ne"}},
		{Code: "dulezite", Kind: survey.Ranking, Label: "Co je pro vás u služby nejdůležitější?", Options: []string{"Cena", "Blízko bydliště", "Ochota personálu", "Služba i o víkendu"}},
		{Code: "chybi", Kind: survey.Multiple, Section: "Co chybí", Label: "Které služby v regionu podle vás chybějí?", Options: []string{"Odlehčovací služba", "Noclehárna", "Sociálně terapeutická dílna", "Přeprava pro lidi na vozíku"}, Other: true},
	})
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(2026, 7))
	for i := 0; i < 42; i++ {
		sat := []int{5, 5, 4, 4, 4, 3, 3, 2, 5, 4}[r.IntN(10)]
		a := survey.Answers{
			"skupina":     {Choices: []int{[]int{1, 1, 1, 2, 2, 3, 4, 1}[r.IntN(8)]}},
			"sluzba":      {Choices: []int{1 + r.IntN(5)}},
			"spokojenost": {Choices: []int{sat}},
			"vyroky":      {Rows: map[int]int{1: 1 + r.IntN(2), 2: 1 + r.IntN(4), 3: 1 + r.IntN(4)}},
			"dulezite":    {Ranks: map[int]int{1: 1 + i%4, 2: 1 + (i+1)%4, 3: 1 + (i+2)%4, 4: 1 + (i+3)%4}},
			"chybi":       {Choices: []int{1 + r.IntN(4)}},
		}
		if sat <= 3 && i%2 == 0 {
			a["zlepsit"] = survey.Answer{Text: []string{"Častější návštěvy pečovatelky.", "Delší provozní doba.", "Lepší informace o ceně."}[r.IntN(3)]}
		}
		if _, err := svc.Submit(ctx, v.ID, survey.Submission{Channel: survey.Link, Answers: a}); err != nil {
			return err
		}
	}
	ids.Extra["survey2026"] = v.ID
	return nil
}

package demo

import (
	"context"
	"fmt"
	"time"

	"kpss/internal/auth"
	"kpss/internal/catalog"
	"kpss/internal/grant"
	"kpss/internal/plan"
	"kpss/internal/store"
)

func init() {
	// Three more evaluators: one of them works for SENIOR Otrokovice (the
	// registry says so), so she is never offered for its application.
	accounts = append(accounts,
		Account{"hodnotitel2", "evaluator", "hodnotitel dotačních žádostí (sociální pracovník MěÚ Zlín)"},
		Account{"hodnotitel3", "evaluator", "hodnotitelka dotačních žádostí (krajská metodička)"},
		Account{"hodnotitel4", "evaluator", "hodnotitelka, sociální pracovnice SENIOR Otrokovice (střet zájmů u jeho žádosti)"})
	Register(80, "grant", loadGrant)
}

// grantClock is a replaceable clock: the demo writes the 2026 round as it
// happened, on the days it happened.
type grantClock struct{ t time.Time }

func (c *grantClock) now() time.Time { return c.t }

func (c *grantClock) at(y int, m time.Month, d, h int) {
	c.t = time.Date(y, m, d, h, 0, 0, 0, grant.Prague)
}

// demoBudget splits a request into budget lines (staff 70 %, material 5 %,
// energy 8 %, services 12 %, travel 2 %, other the rest); the town pays
// about 40 % of each line.
func demoBudget(req grant.CZK) []grant.BudgetLine {
	shares := map[string]grant.CZK{"staff": 70, "material": 5, "energy": 8, "services": 12, "travel": 2}
	var lines []grant.BudgetLine
	var sum grant.CZK
	for _, k := range grant.LineKinds {
		var r grant.CZK
		if k == "other" {
			r = req - sum
		} else {
			r = req * shares[k] / 100 / 1000 * 1000
		}
		sum += r
		total := r * 5 / 2 / 1000 * 1000
		lines = append(lines, grant.BudgetLine{Kind: k, TotalCost: total, OtherSources: total - r, Requested: r})
	}
	return lines
}

type demoApplication struct {
	org      string
	contact  string
	services map[string]grant.CZK // catalogue service name → request
	texts    []string             // narratives, one a criterion
}

var demoApplications = []demoApplication{
	{"Charita sv. Anežky Otrokovice", "Bc. Lenka Horáková", map[string]grant.CZK{"Pečovatelská služba Otrokovice": 420000, "Odlehčovací služby": 150000},
		[]string{"Pečovatelská služba je podle komunitního plánu nejžádanější službou v ORP; čekací listina má 23 lidí, převážně z Otrokovic a Tlumačova.",
			"Služba funguje 7 dní v týdnu, i o svátcích; pracovnice mají supervizi a 24 hodin vzdělávání ročně. Spokojenost klientů ověřujeme dotazníkem.",
			"Rozpočet odpovídá 12 úvazkům pečovatelek a provozu dvou aut; ceny energií jsou podle smluv na rok 2026.",
			"Služba je financována z dotace kraje (MPSV), úhrad klientů, příspěvků obcí a darů; město žádáme o 40 % nákladů."}},
	{"SENIOR Otrokovice", "Marta Čermáková", map[string]grant.CZK{"Domov pro seniory SENIOR Otrokovice": 480000},
		[]string{"Domov je jediným domovem pro seniory v Otrokovicích; kapacita 86 lůžek je trvale naplněná, žadatelů je přes 150.",
			"Domov má certifikát kvality, nové koupelny a program aktivizace; pracujeme podle individuálních plánů.",
			"Žádáme na mzdy pracovníků v sociálních službách; rozpočet vychází ze skutečnosti roku 2025.",
			"Hlavním zdrojem jsou úhrady klientů a příspěvek na péči, dále dotace MPSV a zřizovatele."}},
	{"Domov pro seniory Napajedla", "Mgr. Ivana Zapletalová", map[string]grant.CZK{"Domov pro seniory Napajedla": 350000},
		[]string{"Domov slouží seniorům z Napajedel a okolních obcí; polovina klientů pochází z obcí ORP Otrokovice.",
			"Domov prošel inspekcí kvality bez závažných zjištění.",
			"Rozpočet pokrývá část mezd a energií; požadavek je o 5 % vyšší než loni kvůli valorizaci mezd.",
			"Financování: úhrady klientů, příspěvek na péči, dotace kraje; dotace města tvoří 3 % rozpočtu."}},
	{"Naděje Otrokovice", "Bc. Petr Kolář", map[string]grant.CZK{"Azylový dům pro muže": 300000, "Terénní programy": 180000},
		[]string{"Azylový dům je jediným zařízením pro muže bez domova v ORP; v zimě je obsazen na 100 %. Terénní program pracuje v lokalitách ohrožených vyloučením.",
			"Pracovníci mají výcvik v krizové intervenci; služba spolupracuje s městskou policií a úřadem práce.",
			"Rozpočet zahrnuje noční služby a provoz budovy; terénní program zahrnuje dva úvazky.",
			"Služby financuje kraj, město Otrokovice, ÚP a dárci; vlastní příjmy jsou malé."}},
	{"Občanské sdružení ONYX", "Mgr. Jana Vaculíková", map[string]grant.CZK{"Nízkoprahový klub pro děti a mládež": 260000},
		[]string{"Klub navštěvuje 90 dětí a mladých ročně; v Otrokovicích-Trávníkách nemá náhradu.",
			"Klub je otevřený 5 dní v týdnu; pracovníci mají výcvik v práci s mládeží.",
			"Rozpočet je úsporný; žádáme na mzdy dvou pracovníků a nájem.",
			"Financování: dotace kraje a MPSV, nadace, dary firem."}},
	{"Centrum pro zdravotně postižené Zlínského kraje", "Ing. Radek Šimek", map[string]grant.CZK{"Odborné sociální poradenství": 220000},
		[]string{"Poradna pro lidi se zdravotním postižením a seniory; v roce 2025 poskytla 640 konzultací občanům ORP.",
			"Poradenství je bezplatné, bezbariérové, i v terénu; poradci mají akreditované kurzy.",
			"Rozpočet je úměrný počtu konzultací; žádáme na mzdu poradkyně a cestovné do obcí.",
			"Vícezdrojové financování: kraj, MPSV, obce a vlastní činnost."}},
}

// loadGrant fills the 2026 grant round (six applications of the demo
// partner organisations, formally checked) and opens the 2027 call, a
// copy of it, for applications.
func loadGrant(ctx context.Context, d Deps, ids *IDs) error {
	clock := &grantClock{}
	clock.at(2025, time.November, 20, 9)
	svc := grant.NewService(d.DB, d.Audit, clock.now, d.Partners, d.Auth)
	svc.Catalog = catalog.New(d.DB, d.Audit, d.Partners, clock.now)
	svc.Measures = plan.MeasureLinks{Svc: plan.NewService(d.DB, d.Audit, clock.now, d.Partners)}
	// Evaluator accounts: names, and the link of one to the registry.
	names := map[string]string{"hodnotitel2": "Mgr. Tomáš Běhal", "hodnotitel3": "Bc. Eva Krajíčková", "hodnotitel4": "Marta Čermáková"}
	for login, name := range names {
		in := auth.UserInput{Login: login, FullName: name, Email: login + "@kpss.example", Role: auth.RoleEvaluator, Active: true}
		if login == "hodnotitel4" {
			p := ids.People["Marta Čermáková"]
			in.PersonID = &p
		}
		if _, err := d.Auth.UpdateUser(ctx, ids.Users[login], in); err != nil {
			return fmt.Errorf("evaluator %s: %w", login, err)
		}
	}
	var measureIDs []int64
	if ms, err := svc.Measures.CurrentMeasures(ctx); err == nil {
		// The measures about the services the round supports.
		want := map[string]bool{"SEN 1.1": true, "SEN 1.3": true, "SPJ 1.2": true, "KRN 1.2": true}
		for _, m := range ms {
			if want[m.Code] {
				measureIDs = append(measureIDs, m.ID)
			}
		}
	}
	c := grant.Call{Year: 2026, Title: "Dotace na sociální služby 2026",
		Description: "Program města Otrokovice na podporu sociálních služeb zařazených do komunitního plánu ORP Otrokovice. Žádosti posuzují dva nezávislí odborní hodnotitelé.",
		Budget:      1800000, MaxRequest: 600000, ScaleMax: 5,
		EligibleTypes: []string{"p37", "p40", "p41", "p44", "p49", "p50", "p57", "p62", "p69"}, MeasureIDs: measureIDs,
		FormalChecks: []string{"Žádost podána v termínu", "Podepsána statutárním zástupcem", "Služba je registrována podle zákona 108/2006 Sb.",
			"Přiloženo rozhodnutí o registraci", "Rozpočet je úplný a sečtený"},
		PublishedOn: store.NewDate(2025, 12, 1), ApplyFrom: store.NewDate(2026, 1, 5), ApplyUntil: store.NewDate(2026, 2, 13),
		EvaluateUntil: store.NewDate(2026, 3, 13), DecideOn: store.NewDate(2026, 4, 20), SettleUntil: store.NewDate(2027, 1, 31),
		DisagreePct: 20, DisagreeRecommend: true, DisagreePoints: 3, ThirdRule: grant.ThirdReplaceFurther,
		AllocMethod: grant.AllocGreedy, MinScore: 50, CapPct: 100,
		Criteria: []grant.Criterion{
			{Name: "Potřebnost služby v území", Description: "Je potřebnost doložena daty z území a navazuje služba na komunitní plán?", Weight: 30,
				Levels: []string{"Potřebnost nedoložena", "Slabě doložena", "Částečně doložena", "Doložena", "Dobře doložena daty z území", "Výborně doložena, přímá návaznost na komunitní plán"}},
			{Name: "Kvalita a dostupnost služby", Description: "Personál, standardy kvality, dostupnost pro uživatele.", Weight: 25,
				Levels: []string{"Nedostatečná", "Slabá", "Průměrná", "Dobrá", "Velmi dobrá", "Vynikající"}},
			{Name: "Přiměřenost rozpočtu", Description: "Odpovídají náklady rozsahu služby? Jsou položky zdůvodněné?", Weight: 25,
				Levels: []string{"Rozpočet nepřiměřený", "Výrazně nadsazený", "Částečně nadsazený", "Přiměřený s výhradami", "Přiměřený", "Přesně zdůvodněný a hospodárný"}},
			{Name: "Vícezdrojové financování", Description: "Jaký podíl nákladů kryjí jiné zdroje než dotace města?", Weight: 20,
				Levels: []string{"Jen dotace města", "Jiné zdroje do 10 %", "Jiné zdroje do 25 %", "Jiné zdroje do 40 %", "Jiné zdroje do 60 %", "Jiné zdroje nad 60 %"}},
		}}
	call, err := svc.SaveCall(ctx, 0, c)
	if err != nil {
		return fmt.Errorf("call 2026: %w", err)
	}
	var apps []int64
	for i, da := range demoApplications {
		clock.at(2026, time.January, 12+i*3, 10)
		orgID := ids.Organisations[da.org]
		a, err := svc.StartApplication(ctx, call.ID, orgID)
		if err != nil {
			return fmt.Errorf("application %s: %w", da.org, err)
		}
		in := grant.Application{ContactName: da.contact, ContactEmail: a.ContactEmail, ContactPhone: a.ContactPhone, Narratives: map[int64]string{}}
		if in.ContactEmail == "" {
			in.ContactEmail = fmt.Sprintf("dotace%d@kpss.example", i+1)
		}
		catalogue, _, err := svc.ProviderServices(ctx, call, orgID)
		if err != nil {
			return err
		}
		for _, sv := range catalogue {
			if req, ok := da.services[sv.ServiceName]; ok {
				sv.Requested, sv.Lines = req, demoBudget(req)
				in.Services = append(in.Services, sv)
			}
		}
		if len(in.Services) != len(da.services) {
			return fmt.Errorf("application %s: catalogue services missing", da.org)
		}
		for j, cr := range call.Criteria {
			in.Narratives[cr.ID] = da.texts[j]
		}
		if _, err := svc.SaveApplication(ctx, a.ID, in, true); err != nil {
			return fmt.Errorf("application %s: %w", da.org, err)
		}
		apps = append(apps, a.ID)
	}
	// The formal check: one returned for completion and completed, the
	// rest passed at once.
	clock.at(2026, time.February, 17, 9)
	for i, id := range apps {
		if i == 2 {
			if _, err := svc.FormalCheck(ctx, id, grant.CheckReturned, c.FormalChecks[:3],
				"Chybí rozhodnutí o registraci služby; doplňte ho prosím jako přílohu PDF.", store.NewDate(2026, 2, 24)); err != nil {
				return fmt.Errorf("check: %w", err)
			}
			clock.at(2026, time.February, 19, 14)
			a, err := svc.FindApplication(ctx, id)
			if err != nil {
				return err
			}
			if err := svc.AddAttachment(ctx, id, "rozhodnuti-o-registraci.pdf", demoPDF); err != nil {
				return fmt.Errorf("attachment: %w", err)
			}
			if _, err := svc.SaveApplication(ctx, id, *a, true); err != nil {
				return fmt.Errorf("completion: %w", err)
			}
			clock.at(2026, time.February, 20, 9)
		}
		if _, err := svc.FormalCheck(ctx, id, grant.CheckPassed, c.FormalChecks, "", store.Date{}); err != nil {
			return fmt.Errorf("check: %w", err)
		}
	}
	ids.Extra["grant.call2026"] = call.ID
	ids.Extra["grant.apps2026"] = apps
	if err := loadGrantEvaluation(ctx, d, ids, svc, clock, call, apps); err != nil {
		return err
	}
	// The 2027 call: a copy of 2026, open for applications now.
	clock.at(2026, time.November, 10, 9)
	next, err := svc.CopyCall(ctx, call.ID)
	if err != nil {
		return fmt.Errorf("call 2027: %w", err)
	}
	now := d.Now().In(grant.Prague)
	next.Budget, next.MaxRequest = 1900000, 600000
	next.PublishedOn = store.NewDate(2026, 11, 16)
	next.ApplyFrom, next.ApplyUntil = store.NewDate(2026, 12, 1), store.NewDate(2027, 1, 29)
	if t := now.AddDate(0, 0, -7); t.Before(next.ApplyFrom.Time) {
		next.PublishedOn = store.NewDate(t.Year(), t.Month(), t.Day()-7)
		next.ApplyFrom = store.NewDate(t.Year(), t.Month(), t.Day())
	}
	if t := now.AddDate(0, 0, 45); t.After(next.ApplyUntil.Time) {
		next.ApplyUntil = store.NewDate(t.Year(), t.Month(), t.Day())
	}
	next.EvaluateUntil = store.Date{Time: next.ApplyUntil.AddDate(0, 1, 0)}
	next.DecideOn = store.Date{Time: next.ApplyUntil.AddDate(0, 2, 10)}
	next.SettleUntil = store.Date{Time: next.ApplyUntil.AddDate(1, 0, 0)}
	if _, err := svc.SaveCall(ctx, next.ID, *next); err != nil {
		return fmt.Errorf("call 2027: %w", err)
	}
	ids.Extra["grant.call2027"] = next.ID
	return nil
}

// demoPDF is a minimal valid one-page PDF.
var demoPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// demoScores are the scores of the first two evaluators of each demo
// application (by its place in demoApplications); Naděje's pair disagrees,
// so a third evaluator is assigned, whose scores are demoThird.
var demoScores = [][2][]int{
	{{5, 4, 4, 4}, {5, 4, 3, 4}},
	{{4, 5, 4, 5}, {4, 4, 4, 5}},
	{{3, 4, 3, 4}, {3, 3, 3, 4}},
	{{5, 5, 4, 4}, {2, 2, 2, 1}},
	{{4, 3, 3, 3}, {3, 3, 3, 3}},
	{{3, 3, 4, 4}, {3, 4, 4, 4}},
}

var demoThird = []int{4, 4, 3, 3}

var demoComments = [][]string{
	{"", "Potřebnost doložena jen obecně, chybí data o čekatelích z obcí.", "Návaznost na komunitní plán je slabá.", "Potřebnost není doložena daty z území."},
	{"", "Chybí údaje o dostupnosti o víkendech.", "Standardy kvality jsou popsány jen stručně.", "Kvalita není doložena."},
	{"", "Mzdové náklady jsou na horní hranici obvyklých.", "Rozpočet je částečně nadsazený.", "Rozpočet neodpovídá rozsahu služby."},
	{"", "Podíl jiných zdrojů by mohl být vyšší.", "Jiné zdroje jsou nízké.", "Služba stojí téměř jen na dotaci města."},
}

func demoComment(criterion, score, max int) string {
	if score >= max {
		return ""
	}
	i := max - score
	if i > 3 {
		i = 3
	}
	return demoComments[criterion][i]
}

// loadGrantEvaluation evaluates, ranks, allocates and decides the 2026
// round: the balanced suggestion assigns two evaluators to each
// application, each declares no conflict and scores; Naděje's evaluators
// disagree and a third is assigned automatically; the allocation is
// proposed, the council decides, Charita settles its grant.
func loadGrantEvaluation(ctx context.Context, d Deps, ids *IDs, svc *grant.Service, clock *grantClock, call *grant.Call, apps []int64) error {
	clock.at(2026, time.February, 20, 11)
	if _, err := svc.ApplySuggestion(ctx, call); err != nil {
		return fmt.Errorf("assignments: %w", err)
	}
	order := map[int64]int{}
	for i, id := range apps {
		order[id] = i
	}
	score := func(g *grant.Assignment, scores []int, day int) error {
		u, err := d.Auth.FindUserByID(ctx, g.EvaluatorID)
		if err != nil {
			return err
		}
		uctx := auth.WithUser(ctx, u)
		clock.at(2026, time.February, day, 9)
		if _, err := svc.Declare(uctx, g.ID, true); err != nil {
			return fmt.Errorf("declare: %w", err)
		}
		in := grant.Assignment{Scores: map[int64]grant.Score{}, Flags: map[int64]grant.Flag{}}
		total := 0.0
		for i, cr := range call.Criteria {
			v := scores[i]
			in.Scores[cr.ID] = grant.Score{Score: &v, Comment: demoComment(i, v, call.ScaleMax)}
			total += float64(cr.Weight*v) / float64(call.ScaleMax)
		}
		in.Recommend = total >= 60
		in.Summary = "Žádost je srozumitelná; hodnoceno podle kritérií výzvy."
		// The ONYX evaluators find the services line overstated.
		if app, err := svc.FindApplication(ctx, g.ApplicationID); err == nil && order[app.ID] == 4 {
			for _, l := range app.Services[0].Lines {
				if l.Kind == "services" {
					in.Flags[l.ID] = grant.Flag{Kind: grant.FlagOverstated, Amount: 10000, Note: "Nájem je vyšší než obvyklý v lokalitě."}
				}
			}
		}
		clock.at(2026, time.March, day-10, 15)
		_, err = svc.SaveScores(uctx, g.ID, in, true)
		return err
	}
	first := map[int64]int{}
	for _, id := range apps {
		gs, err := svc.ApplicationAssignments(ctx, id)
		if err != nil {
			return err
		}
		for _, g := range gs {
			n := first[id]
			first[id]++
			if err := score(&g, demoScores[order[id]][n], 21+n); err != nil {
				return fmt.Errorf("score %d: %w", id, err)
			}
		}
	}
	// The third evaluator of the disagreeing pair.
	gs, err := svc.ApplicationAssignments(ctx, apps[3])
	if err != nil {
		return err
	}
	third := false
	for _, g := range gs {
		if g.Third {
			third = true
			if err := score(&g, demoThird, 26); err != nil {
				return fmt.Errorf("third: %w", err)
			}
		}
	}
	if !third {
		return fmt.Errorf("no third evaluator for the disagreeing pair")
	}
	clock.at(2026, time.March, 20, 10)
	if _, err := svc.ProposeAllocation(ctx, call); err != nil {
		return fmt.Errorf("allocation: %w", err)
	}
	clock.at(2026, time.April, 20, 16)
	if _, err := svc.Decide(ctx, call.ID, "Rada města", "RM/112/04/2026", store.NewDate(2026, 4, 20), nil); err != nil {
		return fmt.Errorf("decision: %w", err)
	}
	// Charita settles the grant of its services early.
	clock.at(2026, time.December, 1, 10)
	a, err := svc.FindApplication(ctx, apps[0])
	if err != nil {
		return err
	}
	if a.Decided != nil && *a.Decided > 0 {
		actuals := map[int64]grant.CZK{}
		var left = *a.Decided
		for _, sv := range a.Services {
			for _, l := range sv.Lines {
				v := min(l.Requested*95/100, left)
				actuals[l.ID] = v
				left -= v
			}
		}
		if _, err := svc.SaveSettlement(ctx, a.ID, actuals, true); err != nil {
			return fmt.Errorf("settlement: %w", err)
		}
	}
	return nil
}

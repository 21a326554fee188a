package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/group"
	"kpss/internal/mail"
	"kpss/internal/plan"
	"kpss/internal/storetest"
	"kpss/internal/suggestion"
)

func planSvc(e *testEnv) *plan.Service { return e.srv.Env().Modules["plan"].(*planModule).h.Svc }

// asUser returns a context carrying the demo account login.
func (e *testEnv) asUser(login string) context.Context {
	e.t.Helper()
	u, err := e.srv.Auth().FindUserByLogin(context.Background(), login)
	if err != nil {
		e.t.Fatal(err)
	}
	return auth.WithUser(context.Background(), u)
}

func planIDs(t *testing.T, e *testEnv) (svc map[string]int64, measure map[string]int64) {
	t.Helper()
	ctx := context.Background()
	s := planSvc(e)
	svcs, err := s.Services(ctx, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	svc = map[string]int64{}
	for _, x := range svcs {
		svc[x.Name] = x.ID
	}
	per, err := s.CurrentPeriod(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.FindMeasures(ctx, per.ID)
	if err != nil {
		t.Fatal(err)
	}
	measure = map[string]int64{}
	for _, m := range ms {
		measure[m.Code] = m.ID
	}
	return svc, measure
}

func openRound2026(t *testing.T, e *testEnv) *plan.Round {
	t.Helper()
	r, err := planSvc(e).OpenRound(e.asUser("koordinator"), plan.Round{Year: 2026, Deadline: plan.MakeDate(2027, time.March, 31)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func reportOf(t *testing.T, e *testEnv, roundID, serviceID int64) plan.Report {
	t.Helper()
	reps, err := planSvc(e).Reports(context.Background(), plan.ReportFilter{RoundID: roundID})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		if r.ServiceID == serviceID {
			return r
		}
	}
	t.Fatalf("no report of service %d in round %d", serviceID, roundID)
	return plan.Report{}
}

// A new round is pre-filled from the previous one; an unchanged provider
// only confirms, and the confirmation is a frozen version.
func TestRoundIsPrefilledFromThePreviousRound(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			svcIDs, _ := planIDs(t, e)
			r := openRound2026(t, e)
			rep := reportOf(t, e, r.ID, svcIDs["Pečovatelská služba Charity Otrokovice"])
			if !rep.Prefilled || rep.State != plan.ReportDraft || rep.Data.Clients != 134 || rep.Data.Waiting != 22 || rep.Data.Income["state"] != 5_100_000 || rep.Data.Staff["care_worker"] != 14 {
				t.Fatalf("pre-filled report = %+v", rep)
			}
			if rep.Data.Comment != "" {
				t.Errorf("last year's comment was carried over: %q", rep.Data.Comment)
			}
			c := e.session("poskytovatel")
			page := e.do("GET", "/monitoring", nil, c)
			if page.Code != 200 || !strings.Contains(page.Body.String(), "Pečovatelská služba Charity Otrokovice") || strings.Contains(page.Body.String(), "Azylový dům Naděje") {
				t.Fatalf("provider's monitoring page: %d", page.Code)
			}
			rec := e.do("POST", fmt.Sprintf("/monitoring/vykazy/%d", rep.ID), url.Values{"action": {"confirm"}}, c)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("confirm: %d %s", rec.Code, rec.Body.String())
			}
			got := reportOf(t, e, r.ID, rep.ServiceID)
			if got.State != plan.ReportSubmitted || !got.Unchanged || got.Version != 1 || got.Data.Clients != 134 || got.SubmittedBy != "Bc. Lenka Horáková" {
				t.Fatalf("after confirm = %+v", got)
			}
			vs, _ := planSvc(e).ReportVersions(context.Background(), rep.ID)
			if len(vs) != 1 || !vs[0].Unchanged {
				t.Fatalf("versions = %+v", vs)
			}
			// A service without last year's report is not pre-filled and cannot be confirmed.
			ctx := e.asUser("koordinator")
			ns, err := planSvc(e).SaveService(ctx, 0, plan.ProviderService{OrganisationID: e.ids.charita, Name: "Sociální rehabilitace", CapacityUnit: "klientů"})
			if err != nil {
				t.Fatal(err)
			}
			r27, err := planSvc(e).OpenRound(ctx, plan.Round{Year: 2027, Deadline: plan.MakeDate(2028, time.March, 31)})
			if err != nil {
				t.Fatal(err)
			}
			fresh := reportOf(t, e, r27.ID, ns.ID)
			if fresh.Prefilled || fresh.Data.Clients != 0 {
				t.Fatalf("new service's report = %+v", fresh)
			}
			if _, err := planSvc(e).SaveReport(ctx, fresh.ID, plan.ReportData{}, plan.ActionConfirm); apperr.CodeOf(err) != apperr.Conflict {
				t.Fatalf("confirming an empty report: %v", err)
			}
			// 2027 is pre-filled from 2026 (the confirmed figures), not from 2025.
			if again := reportOf(t, e, r27.ID, rep.ServiceID); again.Data.Clients != 134 || !again.Prefilled {
				t.Fatalf("2027 pre-fill = %+v", again)
			}
		})
	}
}

// A provider never sees nor edits another provider's report.
func TestProviderCannotReachAnotherProvidersReport(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	svcIDs, _ := planIDs(t, e)
	r := openRound2026(t, e)
	own := reportOf(t, e, r.ID, svcIDs["Tísňová péče Anežka"])
	other := reportOf(t, e, r.ID, svcIDs["Azylový dům Naděje"])
	c := e.session("poskytovatel")
	if rec := e.do("GET", fmt.Sprintf("/monitoring/vykazy/%d", own.ID), nil, c); rec.Code != 200 {
		t.Fatalf("own report: %d", rec.Code)
	}
	for _, target := range []string{fmt.Sprintf("/monitoring/vykazy/%d", other.ID)} {
		if rec := e.do("GET", target, nil, c); rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "Azylový dům") {
			t.Fatalf("GET another provider's report: %d", rec.Code)
		}
		if rec := e.do("POST", target, url.Values{"action": {"submit"}, "clients": {"1"}}, c); rec.Code != http.StatusForbidden {
			t.Fatalf("POST another provider's report: %d", rec.Code)
		}
	}
	// The round page lists only the provider's own reports.
	page := e.do("GET", fmt.Sprintf("/monitoring/kola/%d", r.ID), nil, c).Body.String()
	if !strings.Contains(page, "Tísňová péče Anežka") || strings.Contains(page, "Azylový dům Naděje") {
		t.Fatalf("round page shows other providers' reports")
	}
	// The service refuses too (as if the report did not exist).
	if _, err := planSvc(e).SaveReport(e.asUser("poskytovatel"), other.ID, plan.ReportData{Clients: 1}, plan.ActionSubmit); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("service saved another provider's report: %v", err)
	}
	if got := reportOf(t, e, r.ID, other.ServiceID); got.State != plan.ReportDraft || got.Data.Clients != 49 {
		t.Fatalf("other report changed: %+v", got)
	}
	// The API applies the same rule.
	tok := e.token("poskytovatel")
	rec := e.api("GET", fmt.Sprintf("/api/v1/reports/%d", other.ID), "", tok)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("API GET another provider's report: %d %s", rec.Code, rec.Body.String())
	}
	rec = e.api("GET", fmt.Sprintf("/api/v1/reports?round_id=%d", r.ID), "", tok)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "Azylový dům") || !strings.Contains(rec.Body.String(), "Tísňová péče Anežka") {
		t.Fatalf("API report list for a provider: %d %s", rec.Code, rec.Body.String())
	}
}

// A submitted report is frozen until the coordinator returns it; every
// submission stays as a version.
func TestSubmittedReportsStayFrozen(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			svcIDs, _ := planIDs(t, e)
			r := openRound2026(t, e)
			rep := reportOf(t, e, r.ID, svcIDs["Odlehčovací služba Charity"])
			c := e.session("poskytovatel")
			form := url.Values{"action": {"submit"}, "capacity": {"60"}, "clients": {"58"}, "contacts": {"0"}, "refused": {"7"}, "waiting": {"4"},
				"staff_care_worker": {"6,5"}, "costs": {"4 200 000"}, "income_state": {"2 100 000"}, "comment": {"Přibylo zájemců z Tlumačova."}}
			if rec := e.do("POST", fmt.Sprintf("/monitoring/vykazy/%d", rep.ID), form, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("submit: %d %s", rec.Code, rec.Body.String())
			}
			got := reportOf(t, e, r.ID, rep.ServiceID)
			if got.State != plan.ReportSubmitted || got.Data.Clients != 58 || got.Data.Staff["care_worker"] != 6.5 || got.Data.Costs != 4_200_000 || got.Unchanged {
				t.Fatalf("submitted = %+v", got)
			}
			form.Set("clients", "999")
			rec := e.do("POST", fmt.Sprintf("/monitoring/vykazy/%d", rep.ID), form, c)
			if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "odeslaný a uzamčený") {
				t.Fatalf("changing a submitted report: %d", rec.Code)
			}
			if _, err := planSvc(e).SaveReport(e.asUser("koordinator"), rep.ID, plan.ReportData{Clients: 1}, plan.ActionSave); apperr.CodeOf(err) != apperr.Conflict {
				t.Fatalf("even the coordinator changed a frozen report: %v", err)
			}
			if got := reportOf(t, e, r.ID, rep.ServiceID); got.Data.Clients != 58 {
				t.Fatalf("frozen report changed to %d clients", got.Data.Clients)
			}
			// The coordinator returns it with a comment; the provider corrects it.
			kc := e.session("koordinator")
			if rec := e.do("POST", fmt.Sprintf("/monitoring/vykazy/%d/vratit", rep.ID), url.Values{"comment": {""}}, kc); rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("return without a comment: %d", rec.Code)
			}
			if rec := e.do("POST", fmt.Sprintf("/monitoring/vykazy/%d/vratit", rep.ID), url.Values{"comment": {"Počet klientů nesedí s kapacitou."}}, kc); rec.Code != http.StatusSeeOther {
				t.Fatalf("return: %d", rec.Code)
			}
			page := e.do("GET", fmt.Sprintf("/monitoring/vykazy/%d", rep.ID), nil, c).Body.String()
			if !strings.Contains(page, "Počet klientů nesedí s kapacitou.") {
				t.Fatal("the provider does not see why the report came back")
			}
			form.Set("clients", "57")
			if rec := e.do("POST", fmt.Sprintf("/monitoring/vykazy/%d", rep.ID), form, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("resubmit: %d", rec.Code)
			}
			vs, _ := planSvc(e).ReportVersions(context.Background(), rep.ID)
			if len(vs) != 2 || vs[0].Version != 2 || vs[0].Data.Clients != 57 || vs[1].Data.Clients != 58 {
				t.Fatalf("versions = %+v", vs)
			}
			// Bad input is refused in Czech with everything typed kept.
			other := reportOf(t, e, r.ID, svcIDs["Tísňová péče Anežka"])
			bad := url.Values{"action": {"submit"}, "clients": {"sedm"}, "waiting": {"-3"}, "comment": {"Poznámka zůstane"}}
			rec = e.do("POST", fmt.Sprintf("/monitoring/vykazy/%d", other.ID), bad, c)
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Zadejte celé číslo") || !strings.Contains(body, "Zadejte nezáporné číslo") || !strings.Contains(body, "Poznámka zůstane") || !strings.Contains(body, `value="sedm"`) {
				t.Fatalf("bad input: %d", rec.Code)
			}
		})
	}
}

// A plan update records what changed as a new version.
func TestPlanUpdateDiff(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			s := planSvc(e)
			ctx := e.asUser("koordinator")
			_, ms := planIDs(t, e)
			m, err := s.Measure(ctx, ms["SEN 1.2"])
			if err != nil {
				t.Fatal(err)
			}
			m.Title = "Tísňová péče pro všechny osaměle žijící seniory"
			m.Costs[0].Amount = 300_000
			if _, err := s.SaveMeasure(ctx, m.ID, *m); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SetMeasureDropped(ctx, ms["RD 1.3"], true); err != nil {
				t.Fatal(err)
			}
			added, err := s.SaveMeasure(ctx, 0, plan.Measure{PriorityID: m.PriorityID, Code: "SEN 1.4", Title: "Sdílená péče o seniory v obcích", Kind: plan.KindNew})
			if err != nil {
				t.Fatal(err)
			}
			per, _ := s.CurrentPeriod(ctx)
			c := e.session("koordinator")
			rec := e.do("POST", fmt.Sprintf("/plan/obdobi/%d/aktualizace", per.ID), url.Values{"note": {"Aktualizace schválená ŘS 7/2026"}}, c)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("record update: %d %s", rec.Code, rec.Body.String())
			}
			vs, _ := s.Versions(ctx, per.ID)
			if len(vs) != 2 || vs[0].Number != 2 {
				t.Fatalf("versions = %d", len(vs))
			}
			kinds := map[string]plan.MeasureChange{}
			for _, ch := range vs[0].Diff {
				kinds[ch.Code] = ch
			}
			if len(vs[0].Diff) != 3 || kinds["SEN 1.4"].Change != plan.ChangeAdded || kinds["RD 1.3"].Change != plan.ChangeDropped || kinds["SEN 1.2"].Change != plan.ChangeChanged {
				t.Fatalf("diff = %+v", vs[0].Diff)
			}
			fields := map[string]plan.FieldChange{}
			for _, f := range kinds["SEN 1.2"].Fields {
				fields[f.Field] = f
			}
			if len(fields) != 2 || fields["title"].After != m.Title || !strings.Contains(fields["costs"].Before, "250\u00a0000 Kč") || !strings.Contains(fields["costs"].After, "300\u00a0000 Kč") {
				t.Fatalf("changed fields = %+v", fields)
			}
			page := e.do("GET", rec.Header().Get("Location"), nil, c).Body.String()
			for _, want := range []string{"Přidáno", "SEN 1.4", "Vyřazeno", "RD 1.3", "Změněno", "Tísňová péče – tlačítka pro seniory žijící osaměle", "Tísňová péče pro všechny osaměle žijící seniory"} {
				if !strings.Contains(page, want) {
					t.Errorf("version page lacks %q", want)
				}
			}
			// Recording again without a change is refused.
			if _, err := s.RecordUpdate(ctx, per.ID, ""); apperr.CodeOf(err) != apperr.Conflict {
				t.Fatalf("empty update: %v", err)
			}
			// An older period is read-only.
			old, _ := s.Periods(ctx)
			oldMs, _ := s.FindMeasures(ctx, old[len(old)-1].ID)
			if _, err := s.SaveMeasure(ctx, oldMs[0].ID, oldMs[0]); apperr.CodeOf(err) != apperr.Conflict {
				t.Fatalf("changing an old period's measure: %v", err)
			}
			_ = added
		})
	}
}

// Indicator values of a year are computed from the round's reports.
func TestComputedIndicatorValues(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			s := planSvc(e)
			ctx := context.Background()
			_, ms := planIDs(t, e)
			m, _ := s.Measure(ctx, ms["SEN 1.1"])
			byName := map[string]int64{}
			for _, i := range m.Indicators {
				byName[i.Name] = i.ID
			}
			before := e.db.QueryCount()
			v25, err := s.ComputeValues(ctx, []plan.Measure{*m}, 2025)
			if err != nil {
				t.Fatal(err)
			}
			if n := e.db.QueryCount() - before; n > 4 {
				t.Errorf("computing values took %d queries", n)
			}
			v24, _ := s.ComputeValues(ctx, []plan.Measure{*m}, 2024)
			// Clients of the two home-care services: 134 + 86 and 131 + 86.
			if v25[byName["Klienti pečovatelské služby"]] != 220 || v24[byName["Klienti pečovatelské služby"]] != 217 {
				t.Fatalf("clients 2025 = %v, 2024 = %v", v25[byName["Klienti pečovatelské služby"]], v24[byName["Klienti pečovatelské služby"]])
			}
			if v25[byName["Čekatelé na pečovatelskou službu"]] != 25 {
				t.Fatalf("waiting 2025 = %v", v25[byName["Čekatelé na pečovatelskou službu"]])
			}
			if _, ok := v25[byName["Hodiny péče o víkendech a svátcích"]]; ok {
				t.Fatal("a reported indicator has a value nobody reported")
			}
			// Manual values (typed or imported).
			bar, _ := s.Measure(ctx, ms["OZP 1.3"])
			vb, _ := s.ComputeValues(ctx, []plan.Measure{*bar}, 2025)
			if vb[bar.Indicators[0].ID] != 16 {
				t.Fatalf("manual value = %v", vb)
			}
			// A reported value counts once the provider sends it in the round.
			svcIDs, _ := planIDs(t, e)
			r := openRound2026(t, e)
			rep := reportOf(t, e, r.ID, svcIDs["Pečovatelská služba Charity Otrokovice"])
			d := rep.Data
			d.Clients = 140
			d.Values = map[string]float64{fmt.Sprint(byName["Hodiny péče o víkendech a svátcích"]): 2450}
			if _, err := s.SaveReport(e.asUser("poskytovatel"), rep.ID, d, plan.ActionSubmit); err != nil {
				t.Fatal(err)
			}
			v26, _ := s.ComputeValues(ctx, []plan.Measure{*m}, 2026)
			if _, ok := v26[byName["Klienti pečovatelské služby"]]; ok || v26[byName["Hodiny péče o víkendech a svátcích"]] != 2450 {
				t.Fatalf("2026 values with SENIOR's report missing = %v", v26)
			}
			senior := reportOf(t, e, r.ID, svcIDs["Pečovatelská služba SENIOR"])
			if _, err := s.SaveReport(e.asUser("koordinator"), senior.ID, plan.ReportData{}, plan.ActionConfirm); err != nil {
				t.Fatal(err)
			}
			v26, _ = s.ComputeValues(ctx, []plan.Measure{*m}, 2026)
			if v26[byName["Klienti pečovatelské služby"]] != 226 {
				t.Fatalf("2026 values = %v", v26)
			}
			// The evaluation keeps the values computed when it was proposed.
			ev, err := s.ProposeEvaluation(e.asUser("clen"), plan.Evaluation{MeasureID: m.ID, Year: 2026, State: "partly", Justification: "Víkendová péče běží jen v Otrokovicích."})
			if err != nil {
				t.Fatal(err)
			}
			if ev.Values[fmt.Sprint(byName["Klienti pečovatelské služby"])] != 226 || ev.ProposedBy != "Josef Kratochvíl" || ev.Approved {
				t.Fatalf("evaluation = %+v", ev)
			}
			ap, err := s.ApproveEvaluation(e.asUser("ridici"), ev.ID, "usnesení ŘS č. 9/2026")
			if err != nil || !ap.Approved || ap.ResolutionRef != "usnesení ŘS č. 9/2026" {
				t.Fatalf("approve: %+v %v", ap, err)
			}
		})
	}
}

// The demo's 2025 round shows the early warnings the dashboard explains.
func TestDemoEarlyWarnings(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	s := planSvc(e)
	ctx := context.Background()
	rounds, _ := s.Rounds(ctx)
	var r25 int64
	for _, r := range rounds {
		if r.Year == 2025 {
			r25 = r.ID
		}
	}
	ws, prev, err := s.Warnings(ctx, r25)
	if err != nil || prev == nil || prev.Year != 2024 {
		t.Fatalf("warnings: %v %v", prev, err)
	}
	got := map[string]bool{}
	for _, w := range ws {
		got[w.Service.Name+"/"+w.Rule+w.Source] = true
	}
	want := []string{
		"Pečovatelská služba Charity Otrokovice/waiting_growth", "Pečovatelská služba Charity Otrokovice/refusals_rose",
		"Domov se zvláštním režimem SENIOR/utilisation_high", "Azylový dům Naděje/income_fellmunicipalities", "Nízkoprahový klub Kamarád/staff_fell",
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing warning %s (have %v)", w, got)
		}
	}
	if got["Tísňová péče Anežka/waiting_growth"] || len(ws) > 8 {
		t.Errorf("too many warnings: %v", got)
	}
	page := e.do("GET", fmt.Sprintf("/monitoring/varovani?kolo=%d", r25), nil, e.session("ridici")).Body.String()
	if !strings.Contains(page, "Pořadník vzrostl z 14 na 22") || !strings.Contains(page, "Domov se zvláštním režimem SENIOR") {
		t.Fatal("the dashboard does not explain the warnings")
	}
	// A higher threshold leaves the growing waiting list alone.
	rules, _ := s.Rules(ctx)
	for i := range rules {
		if rules[i].Code == plan.RuleWaitingGrowth {
			rules[i].Threshold = 60
		}
	}
	if err := s.SaveRules(e.asUser("koordinator"), rules); err != nil {
		t.Fatal(err)
	}
	ws, _, _ = s.Warnings(ctx, r25)
	for _, w := range ws {
		if w.Rule == plan.RuleWaitingGrowth {
			t.Fatalf("still flagged at 60 %%: %+v", w)
		}
	}
}

// Reminders go out as one digest per provider on the reminder days, once.
func TestRemindersAreADailyDigest(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	s := planSvc(e)
	mem := &mail.Memory{}
	s.Mail = mem
	e.srv.Env().Outbox.Mail = mem
	r := openRound2026(t, e)
	svcIDs, _ := planIDs(t, e)
	// Charita confirms one of its four services.
	rep := reportOf(t, e, r.ID, svcIDs["Tísňová péče Anežka"])
	if _, err := s.SaveReport(e.asUser("poskytovatel"), rep.ID, plan.ReportData{}, plan.ActionConfirm); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2027, time.March, 24, 8, 0, 0, 0, time.UTC) // a week before
	s.Now = func() time.Time { return clock }
	n, err := s.SendReminders(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("sent %d, %v (only Charita has a provider account)", n, err)
	}
	e.deliver()
	msgs := mem.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "poskytovatel@kpss.example" || !strings.Contains(msgs[0].Text, "Pečovatelská služba Charity Otrokovice") ||
		strings.Contains(msgs[0].Text, "Tísňová péče Anežka") || !strings.Contains(msgs[0].Subject, "(3)") || !strings.Contains(msgs[0].Text, "31. 3. 2027") {
		t.Fatalf("digest = %+v", msgs)
	}
	n, _ = s.SendReminders(context.Background())
	e.deliver()
	if n != 0 || len(mem.Messages()) != 1 {
		t.Fatal("a second run on the same day sent again")
	}
	clock = clock.AddDate(0, 0, 1) // six days before: no reminder day
	if n, _ := s.SendReminders(context.Background()); n != 0 {
		t.Fatal("reminder on a quiet day")
	}
	clock = time.Date(2027, time.April, 1, 8, 0, 0, 0, time.UTC) // the day after
	n, _ = s.SendReminders(context.Background())
	e.deliver()
	if n != 1 || len(mem.Messages()) != 2 || !strings.Contains(mem.Messages()[1].Text, "uplynul") {
		t.Fatal("no reminder after the deadline")
	}
}

// api sends an API request with a Bearer token.
func (e *testEnv) api(method, target, body, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

// The coordinator corrects and archives inputs of users (audited, the text
// masked); the retention job removes names and contacts from inputs older
// than the retention period, once.
func TestVoiceInputsEditArchiveAndRetention(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			s := planSvc(e)
			_, ms := planIDs(t, e)
			c := e.session("koordinator")
			form := url.Values{"day": {"2026-02-10"}, "source": {"consultation"}, "text": {"Paní Nováková (tel. 777 123 456) chce odlehčovací službu o víkendu."}, "measure_ids": {fmt.Sprint(ms["SEN 1.1"])}}
			if rec := e.do("POST", "/monitoring/hlasy", form, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("record: %d", rec.Code)
			}
			ins, _ := s.VoiceInputs(context.Background(), ms["SEN 1.1"])
			var v plan.VoiceInput
			for _, x := range ins {
				if strings.Contains(x.Text, "Nováková") {
					v = x
				}
			}
			if v.ID == 0 {
				t.Fatal("the input is not at its measure")
			}
			edit := fmt.Sprintf("/monitoring/hlasy/%d/upravit", v.ID)
			page := e.do("GET", edit, nil, c).Body.String()
			if !strings.Contains(page, "Paní Nováková") || !strings.Contains(page, "po 36 měsících") {
				t.Fatal("the form lacks the text or the retention note")
			}
			// Bad input keeps what was typed.
			bad := url.Values{"day": {"10. února"}, "source": {"consultation"}, "text": {"Opravený text"}}
			if rec := e.do("POST", edit, bad, c); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Opravený text") || !strings.Contains(rec.Body.String(), "RRRR-MM-DD") {
				t.Fatalf("bad edit: %d", rec.Code)
			}
			form.Set("source", "users_council")
			form.Set("day", "2022-02-10")
			if rec := e.do("POST", edit, form, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("edit: %d %s", rec.Code, rec.Body.String())
			}
			if e.do("GET", edit, nil, e.session("poskytovatel")).Code != http.StatusForbidden {
				t.Fatal("a provider reached the edit form")
			}
			rows, _, _ := audit.Find(context.Background(), e.db, audit.Filter{Entity: "voice_input", EntityID: v.ID})
			if len(rows) != 2 || rows[0].Action != "update" || rows[0].After["text"] != audit.Masked || rows[0].Before["text"] != audit.Masked {
				t.Fatalf("audit of the edit: %+v", rows)
			}
			// Archive: gone from the list and the measure, in the archive, restorable.
			if rec := e.do("POST", fmt.Sprintf("/monitoring/hlasy/%d/archivovat", v.ID), url.Values{}, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("archive: %d", rec.Code)
			}
			if strings.Contains(e.do("GET", "/monitoring/hlasy", nil, c).Body.String(), "Nováková") {
				t.Fatal("an archived input is still listed")
			}
			if strings.Contains(e.do("GET", fmt.Sprintf("/plan/opatreni/%d", ms["SEN 1.1"]), nil, c).Body.String(), "Nováková") {
				t.Fatal("an archived input is still at its measure")
			}
			if !strings.Contains(e.do("GET", "/monitoring/hlasy?archiv=1", nil, c).Body.String(), "Nováková") {
				t.Fatal("the archive lacks the input")
			}
			if rec := e.do("POST", fmt.Sprintf("/monitoring/hlasy/%d/obnovit", v.ID), url.Values{}, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("restore: %d", rec.Code)
			}
			// Retention: the clock is in 2026; the input is of 2022-02-10, older than 36 months.
			s.Now = func() time.Time { return time.Date(2026, time.June, 1, 3, 0, 0, 0, time.UTC) }
			dry, err := s.AnonymiseVoice(context.Background(), 36, true)
			if err != nil || len(dry.IDs) != 1 || dry.IDs[0] != v.ID {
				t.Fatalf("dry run = %+v, %v", dry, err)
			}
			if got, _ := s.VoiceInput(context.Background(), v.ID); got.AnonymisedAt != nil || !strings.Contains(got.Text, "Nováková") {
				t.Fatal("the dry run changed the input")
			}
			res, err := s.AnonymiseVoice(context.Background(), 36, false)
			if err != nil || len(res.IDs) != 1 || res.Changed != 1 {
				t.Fatalf("retention = %+v, %v", res, err)
			}
			got, _ := s.VoiceInput(context.Background(), v.ID)
			if got.AnonymisedAt == nil || got.Text != "Paní [jméno] (tel. [telefon]) chce odlehčovací službu o víkendu." || len(got.MeasureIDs) != 1 {
				t.Fatalf("after retention: %+v", got)
			}
			if again, _ := s.AnonymiseVoice(context.Background(), 36, false); len(again.IDs) != 0 {
				t.Fatalf("a second run found %d inputs", len(again.IDs))
			}
			rows, _, _ = audit.Find(context.Background(), e.db, audit.Filter{Entity: "voice_input", Action: "anonymise"})
			if len(rows) != 1 {
				t.Fatalf("audit rows of the retention: %d", len(rows))
			}
			// The demo's inputs of 2024–2025 are younger: untouched.
			var left int
			e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM voice_inputs WHERE anonymised_at IS NULL`).Scan(&left)
			if left == 0 {
				t.Fatal("the retention anonymised recent inputs")
			}
			if !strings.Contains(e.do("GET", "/monitoring/hlasy", nil, c).Body.String(), "anonymizováno") {
				t.Fatal("the list does not say the input was anonymised")
			}
		})
	}
}

// The seams to the modules below: the suggestions module refers to the
// plan's measures and the measure shows what was referred; an agenda item
// names its measure; evaluations cite real resolutions, linked; the project
// page counts the meetings held.
func TestPlanSeams(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			ctx := context.Background()
			_, ms := planIDs(t, e)
			mid := ms["SEN 1.1"]
			sh := e.srv.Env().Modules["suggestion"].(*suggestion.Handler)
			cur, err := sh.Svc.CurrentMeasures(ctx)
			if err != nil || len(cur) == 0 {
				t.Fatalf("the refer picker gets no measures: %v", err)
			}
			found := false
			for _, m := range cur {
				found = found || (m.ID == mid && m.Code == "SEN 1.1" && m.URL == fmt.Sprintf("/plan/opatreni/%d", mid))
			}
			if !found {
				t.Fatalf("SEN 1.1 not offered: %+v", cur)
			}
			refs, err := e.srv.Env().Modules["group"].(*group.Module).Svc.Measures.Refs(ctx, []int64{mid, 999999})
			if err != nil || len(refs) != 1 || !strings.HasPrefix(refs[mid].Title, "SEN 1.1 ") || refs[mid].URL != fmt.Sprintf("/plan/opatreni/%d", mid) {
				t.Fatalf("agenda item refs = %+v, %v", refs, err)
			}
			// A suggestion referred to the measure shows on its page and in the evaluation.
			var code string
			if err := e.db.QueryRow(ctx, `SELECT code FROM suggestions ORDER BY id LIMIT 1`).Scan(&code); err != nil {
				t.Fatal(err)
			}
			if _, err := e.db.Exec(ctx, `UPDATE suggestions SET plan_measure_id = ? WHERE code = ?`, mid, code); err != nil {
				t.Fatal(err)
			}
			c := e.session("koordinator")
			for _, page := range []string{fmt.Sprintf("/plan/opatreni/%d", mid), fmt.Sprintf("/plan/opatreni/%d/hodnoceni?rok=2026", mid)} {
				body := e.do("GET", page, nil, c).Body.String()
				if !strings.Contains(body, "Podněty předané k opatření") || !strings.Contains(body, `href="/podnet/`+code+`"`) {
					t.Fatalf("%s does not show the referred suggestion %s", page, code)
				}
			}
			// Evidence: a real resolution by number, linked; an unknown one refused.
			var resID int64
			var number string
			if err := e.db.QueryRow(ctx, `SELECT id, number FROM resolutions ORDER BY id LIMIT 1`).Scan(&resID, &number); err != nil {
				t.Fatal(err)
			}
			form := url.Values{"rok": {"2026"}, "state": {"partly"}, "justification": {"Služba se rozšířila jen v Otrokovicích."}, "evidence_resolutions": {"ŘS/2026/99"}}
			rec := e.do("POST", fmt.Sprintf("/plan/opatreni/%d/hodnoceni", mid), form, c)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Usnesení ŘS/2026/99 v evidenci skupin není") || !strings.Contains(rec.Body.String(), "Služba se rozšířila") {
				t.Fatalf("unknown resolution: %d", rec.Code)
			}
			form.Set("evidence_resolutions", strings.ToLower(number))
			if rec := e.do("POST", fmt.Sprintf("/plan/opatreni/%d/hodnoceni", mid), form, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("propose: %d %s", rec.Code, rec.Body.String())
			}
			evs, _ := planSvc(e).Evaluations(ctx, plan.EvalFilter{MeasureID: mid, Year: 2026})
			if len(evs) != 1 || len(evs[0].ResolutionIDs) != 1 || evs[0].ResolutionIDs[0] != resID {
				t.Fatalf("evaluation = %+v", evs)
			}
			page := e.do("GET", fmt.Sprintf("/plan/opatreni/%d/hodnoceni?rok=2026", mid), nil, c).Body.String()
			if !strings.Contains(page, fmt.Sprintf(`<a href="/usneseni/%d">%s</a>`, resID, number)) || !strings.Contains(page, `value="`+number+`"`) {
				t.Fatal("the evaluation does not link its evidence resolution")
			}
			// Approval: a number must exist; other text stays free.
			approve := fmt.Sprintf("/plan/hodnoceni/%d/schvalit", evs[0].ID)
			if rec := e.do("POST", approve, url.Values{"resolution_ref": {"ŘS/2031/01"}}, c); rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("approve with an unknown number: %d", rec.Code)
			}
			if rec := e.do("POST", approve, url.Values{"resolution_ref": {number}}, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("approve: %d", rec.Code)
			}
			if ev, _ := planSvc(e).Evaluation(ctx, evs[0].ID); !ev.Approved || ev.ResolutionID == nil || *ev.ResolutionID != resID {
				t.Fatalf("approved = %+v", ev)
			}
			if !strings.Contains(e.do("GET", fmt.Sprintf("/plan/opatreni/%d/hodnoceni?rok=2026", mid), nil, c).Body.String(), "Číst usnesení "+number) {
				t.Fatal("the approval does not link its resolution")
			}
			if _, err := planSvc(e).ApproveEvaluation(e.asUser("koordinator"), evs[0].ID, "usnesení RM č. 123/2026"); err != nil {
				t.Fatalf("free-text approval: %v", err)
			}
			// Project indicators count the groups' meetings.
			ts, _ := planSvc(e).ProjectTargets(ctx)
			for _, tg := range ts {
				if (tg.Code == "meetings" || tg.Code == "participants") && (tg.Actual == nil || *tg.Actual == 0) {
					t.Fatalf("%s actual = %v", tg.Code, tg.Actual)
				}
			}
		})
	}
}

// TestPlanNetworkMap: the dashboard of the coordinator and the steering group
// shows the network of active services as a table (provider, municipality,
// capacity, utilisation, early warnings with their reasons, a link) and as a
// map with one point per municipality; a service without a municipality is
// listed and said to be missing from the map. The municipality is chosen on
// the service form (audited, a wrong id is a Czech error) and the page keeps
// a fixed number of queries however many services there are.
func TestPlanNetworkMap(t *testing.T) {
	for _, engine := range storetestEngines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			ctx := context.Background()
			svcIDs, _ := planIDs(t, e)
			page := e.do("GET", "/monitoring/prehled", nil, e.session("ridici")).Body.String()
			table := planBetween(page, `id="network-table"`, `</table>`)
			for _, want := range []string{"Síť služeb na mapě", "Aktivních služeb: 15, obcí na mapě: 3.",
				"Kapacita a využití jsou z kola 2025, varování porovnávají kolo 2025 s kolem 2024.", "Včasné varování mají 4 služby."} {
				if !strings.Contains(page, want) {
					t.Errorf("dashboard lacks %q", want)
				}
			}
			// The dementia home: its provider, place, capacity, 100 % and the warning with its reason.
			row := planBetween(table, "Domov se zvláštním režimem SENIOR", "</tr>")
			for _, want := range []string{"SENIOR Otrokovice", "Otrokovice", "40 lůžek", "100&nbsp;%", "Trvale plná kapacita", "Využití kapacity 100 % a nyní 100 % (práh 95 %).", `href="/monitoring/vykazy/`} {
				if !strings.Contains(row, want) {
					t.Errorf("row of the dementia home lacks %q: %s", want, row)
				}
			}
			if row := planBetween(table, "Tísňová péče Anežka", "</tr>"); !strings.Contains(row, "bez varování") || !strings.Contains(row, "80 klientů") {
				t.Errorf("row of the alarm service: %s", row)
			}
			// One map point per municipality at its centre, [lng, lat], with the services in the bubble.
			geo := planBetween(page, `<script type="application/json" id="network-map">`, `</script>`)
			for _, want := range []string{`"coordinates":[17.5306,49.2098]`, `"title":"Otrokovice"`, `"coordinates":[17.5121,49.1716]`,
				`3 služby: Domov pro seniory Napajedla, Nízkoprahový klub Kamarád, Osobní asistence CZP`, `"url":"#sit-obec-`} {
				if !strings.Contains(geo, want) {
					t.Errorf("GeoJSON lacks %s: %s", want, geo)
				}
			}
			if n := strings.Count(geo, `"Feature"`); n != 3 {
				t.Errorf("%d points on the map, want 3", n)
			}
			if !strings.Contains(page, `id="sit-obec-`+fmt.Sprint(e.ids.otrokovice)+`"`) {
				t.Error("the bubble's link has no row to land on")
			}

			// The form: a municipality that does not exist is a Czech error with the typed text kept.
			c := e.session("koordinator")
			form := url.Values{"organisation_id": {fmt.Sprint(planServiceOrg(t, e, svcIDs["Tísňová péče Anežka"]))}, "name": {"Sociální rehabilitace Žlutava"},
				"service_type": {"sociální rehabilitace (§ 70)"}, "capacity_unit": {"klientů"}, "municipality_id": {"999999"}}
			rec := e.do("POST", "/monitoring/sluzby/nova", form, c)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Vybraná položka neexistuje.") || !strings.Contains(rec.Body.String(), `value="Sociální rehabilitace Žlutava"`) {
				t.Fatalf("bad municipality: %d", rec.Code)
			}
			// Without a municipality it is saved, listed and missing from the map.
			form.Del("municipality_id")
			if rec := e.do("POST", "/monitoring/sluzby/nova", form, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
			}
			page = e.do("GET", "/monitoring/prehled", nil, c).Body.String()
			if !strings.Contains(page, "1 služba nemá zadanou obec nebo obec nemá střed, a proto na mapě chybí: Sociální rehabilitace Žlutava.") {
				t.Error("the service without a municipality is not said to be missing from the map")
			}
			if row := planBetween(planBetween(page, `id="network-table"`, `</table>`), "Sociální rehabilitace Žlutava", "</tr>"); !strings.Contains(row, "obec není zadána") || !strings.Contains(row, "chybí na mapě") {
				t.Errorf("row of the new service: %s", row)
			}
			// Choosing the municipality puts it on the map; the audit row carries it.
			svcs, _ := planSvc(e).Services(ctx, 0, false)
			var id int64
			for _, s := range svcs {
				if s.Name == "Sociální rehabilitace Žlutava" {
					id = s.ID
				}
			}
			var zlutava int64
			e.db.QueryRow(ctx, `SELECT id FROM municipalities WHERE name = ?`, "Žlutava").Scan(&zlutava)
			form.Set("municipality_id", fmt.Sprint(zlutava))
			if rec := e.do("POST", fmt.Sprintf("/monitoring/sluzby/%d/upravit", id), form, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("edit: %d %s", rec.Code, rec.Body.String())
			}
			if f := e.do("GET", fmt.Sprintf("/monitoring/sluzby/%d/upravit", id), nil, c).Body.String(); !strings.Contains(f, fmt.Sprintf(`<option value="%d" selected`, zlutava)) {
				t.Error("the form does not show the chosen municipality")
			}
			var after string
			e.db.QueryRow(ctx, `SELECT after_json FROM audit_log WHERE entity = 'provider_service' AND entity_id = ? AND action = 'update'`, id).Scan(&after)
			if !strings.Contains(after, fmt.Sprintf(`"municipality_id":%d`, zlutava)) {
				t.Errorf("audit after = %s", after)
			}
			page = e.do("GET", "/monitoring/prehled", nil, c).Body.String()
			if geo := planBetween(page, `id="network-map">`, `</script>`); !strings.Contains(geo, `"coordinates":[17.4921,49.1991]`) || !strings.Contains(geo, `1 služba: Sociální rehabilitace Žlutava`) {
				t.Errorf("Žlutava is not on the map: %s", geo)
			}
			if strings.Contains(page, `id="network-missing"`) {
				t.Error("still said to be missing from the map")
			}

			// A fixed number of queries: ten more services change nothing.
			count := func() int64 {
				before := e.db.QueryCount()
				if rec := e.do("GET", "/monitoring/prehled", nil, c); rec.Code != 200 {
					t.Fatalf("dashboard: %d", rec.Code)
				}
				return e.db.QueryCount() - before
			}
			n1 := count()
			for i := range 10 {
				form.Set("name", fmt.Sprintf("Služba %d", i))
				if rec := e.do("POST", "/monitoring/sluzby/nova", form, c); rec.Code != http.StatusSeeOther {
					t.Fatalf("save %d: %d", i, rec.Code)
				}
			}
			if n2 := count(); n2 != n1 {
				t.Errorf("dashboard queries: %d with 16 services, %d with 26", n1, n2)
			}
			t.Logf("dashboard: %d queries", n1)
		})
	}
}

// planBetween returns the text after the first from up to the next to ("" when
// from is missing).
func planBetween(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

func planServiceOrg(t *testing.T, e *testEnv, serviceID int64) int64 {
	t.Helper()
	s, err := planSvc(e).ProviderService(context.Background(), serviceID)
	if err != nil {
		t.Fatal(err)
	}
	return s.OrganisationID
}

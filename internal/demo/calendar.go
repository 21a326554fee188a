package demo

import (
	"context"
	"fmt"
	"time"

	"kpss/internal/calendar"
)

// The calendar of the demo region: events around today, so that the month
// view, the list and the archive all have something to show; one provider's
// event waits for the coordinator's approval.
func init() {
	Register(61, "calendar", func(ctx context.Context, d Deps, ids *IDs) error {
		svc := calendar.NewService(d.DB, d.Audit, d.Now, d.Partners)
		coord, err := d.Auth.FindUserByLogin(ctx, "koordinator")
		if err != nil {
			return err
		}
		prov, err := d.Auth.FindUserByLogin(ctx, "poskytovatel")
		if err != nil {
			return err
		}
		today := calendar.Day(d.Now())
		at := func(days, hour, minute int) time.Time {
			t := today.AddDate(0, 0, days)
			return time.Date(t.Year(), t.Month(), t.Day(), hour, minute, 0, 0, calendar.Prague)
		}
		org := func(name string) *int64 {
			id := ids.Organisations[name]
			return &id
		}
		tg := func(codes ...string) []int64 {
			var out []int64
			for _, c := range codes {
				out = append(out, ids.TargetGroups[c])
			}
			return out
		}
		type demoEvent struct {
			ev       calendar.Event
			provider bool // submitted by the provider (waits for approval)
		}
		events := []demoEvent{
			{ev: calendar.Event{Title: "Rotující seznamka pracovníků sociálních služeb", Category: "setkani",
				Place: "Dům kultury Otrokovice, velký sál, tř. Osvobození 1300", Accessibility: "full", AccessibilityNote: "Bezbariérový vchod z parkoviště, výtah.",
				Start: at(9, 9, 0), End: at(9, 13, 0), TargetGroupIDs: tg("SEN", "OZP", "RD", "SPJ", "KRN"),
				Description: "Každoroční setkání pracovníků v přímé péči: kolem padesáti lidí z organizací regionu se během jednoho dopoledne postupně potká s kým chtějí, porovnají své služby a domluví, jak na sebe mohou navazovat.\nPřihlášky u koordinátorky KPSS."}},
			{ev: calendar.Event{Title: "Workshop: Jak motivovat uživatele služeb", Category: "vzdelavani", OrganisationID: org("Naděje Otrokovice"),
				Place: "Naděje Otrokovice, školicí místnost", Accessibility: "partial", AccessibilityNote: "Schod u vchodu, k dispozici nájezd na požádání.",
				Start: at(16, 8, 30), End: at(16, 14, 30), TargetGroupIDs: tg("KRN", "SPJ"),
				Description: "Šestihodinový workshop pro pracovníky poskytovatelů i zadavatelů. Zváni jsou i uživatelé služeb a pečující. Zdarma, občerstvení zajištěno."}},
			{ev: calendar.Event{Title: "Den otevřených dveří pečovatelské služby", Category: "otevrene-dvere", OrganisationID: org("Charita sv. Anežky Otrokovice"),
				Place: "Charita sv. Anežky Otrokovice, Štefánikova 1403", Accessibility: "full",
				Start: at(3, 0, 0), End: at(3, 0, 0), AllDay: true, TargetGroupIDs: tg("SEN", "OZP"),
				Description: "Přijďte se podívat, jak pracuje pečovatelská služba a odlehčovací služba. Ukážeme kompenzační pomůcky a tísňové tlačítko, poradíme s příspěvkem na péči."}},
			{ev: calendar.Event{Title: "Trénování paměti pro seniory", Category: "volny-cas", OrganisationID: org("SENIOR Otrokovice"),
				Place: "Klub seniorů, Otrokovice-Trávníky", Accessibility: "full",
				Start: at(1, 14, 0), End: at(1, 15, 30), TargetGroupIDs: tg("SEN"),
				Description: "Hravé cvičení paměti a soustředění pod vedením certifikované trenérky. Vstup volný."}},
			{ev: calendar.Event{Title: "Kurz první pomoci pro pečující", Category: "vzdelavani", OrganisationID: org("Oblastní spolek ČČK Zlín"),
				Place: "Městský úřad Napajedla, zasedací místnost, Masarykovo nám. 89", Accessibility: "partial", AccessibilityNote: "Zasedací místnost ve 2. patře, výtah je malý (bez doprovodu).",
				Start: at(23, 16, 0), End: at(23, 19, 0), TargetGroupIDs: tg("SEN", "OZP"),
				Description: "Základy první pomoci pro ty, kdo pečují o blízkého doma: pád, dušení, cukrovka, mrtvice."}},
			{ev: calendar.Event{Title: "Sbírka teplého oblečení pro azylový dům", Category: "verejnost", OrganisationID: org("Naděje Otrokovice"),
				Place: "Naděje Otrokovice, denní centrum", Accessibility: "full",
				Start: at(5, 0, 0), End: at(7, 0, 0), AllDay: true, TargetGroupIDs: tg("KRN"),
				Description: "Přijímáme zimní bundy, boty, deky a spacáky. Děkujeme!"}},
			{ev: calendar.Event{Title: "Svépomocná skupina pro pečující o blízké s demencí", Category: "podpora", OrganisationID: org("Charita sv. Anežky Otrokovice"),
				Place: "Charita sv. Anežky Otrokovice, Štefánikova 1403, klubovna", Accessibility: "full",
				Start: at(12, 17, 0), End: at(12, 18, 30), TargetGroupIDs: tg("SEN"),
				Description: "Setkání lidí, kteří doma pečují o blízkého s Alzheimerovou chorobou. Sdílení zkušeností a rady odbornice."}, provider: true},
			// Past events, for the archive.
			{ev: calendar.Event{Title: "Veřejné projednání komunitního plánu", Category: "setkani",
				Place: "Městský úřad Otrokovice, velká zasedací místnost", Accessibility: "full",
				Start: at(-20, 16, 0), End: at(-20, 18, 0), TargetGroupIDs: tg("SEN", "OZP", "RD", "SPJ", "KRN"),
				Description: "Představení návrhu aktualizace komunitního plánu a sběr připomínek veřejnosti."}},
			{ev: calendar.Event{Title: "Den otevřených dveří nízkoprahového klubu", Category: "otevrene-dvere", OrganisationID: org("Občanské sdružení ONYX"),
				Place: "Nízkoprahový klub ONYX, Otrokovice", Accessibility: "none", AccessibilityNote: "Klub je v suterénu, přístup jen po schodech.",
				Start: at(-45, 14, 0), End: at(-45, 18, 0), TargetGroupIDs: tg("RD", "SPJ")}},
		}
		for _, de := range events {
			u := coord
			if de.provider {
				u = prov
			}
			if _, err := svc.SubmitEvent(ctx, u, de.ev); err != nil {
				return fmt.Errorf("%s: %w", de.ev.Title, err)
			}
		}
		return nil
	})
}

package demo

import (
	"context"
	"fmt"
	"time"

	"kpss/internal/store"
	"kpss/internal/suggestion"
)

func init() { Register(20, "suggestion", loadSuggestions) }

// loadSuggestions creates the categories of the issue and 48 plausible
// suggestions of the region over the last five years, in every state: some
// quick wins, some overdue, each with its history. The service's clock is
// moved to the day of each step, so the dates and durations are real.
func loadSuggestions(ctx context.Context, d Deps, ids *IDs) error {
	clock := d.Now()
	svc := suggestion.NewService(d.DB, d.Audit, func() time.Time { return clock }, d.Partners, nil, "", nil)
	dept := func(name string) *int64 { v := ids.Departments[name]; return &v }
	cats := []suggestion.Category{
		{Code: "bezbarierovost", Name: "Bezbariérovost", Description: "Bariéry v budovách, na chodnících, v dopravě.", Accessibility: true, DepartmentID: dept("Odbor rozvoje a správy majetku"), SortOrder: 1},
		{Code: "doprava", Name: "Doprava", Description: "Zastávky, přechody, spoje, parkování.", DepartmentID: dept("Odbor dopravně-správní"), SortOrder: 2},
		{Code: "bydleni", Name: "Bydlení", Description: "Sociální a startovací byty, byty pro seniory.", DepartmentID: dept("Odbor rozvoje a správy majetku"), SortOrder: 3},
		{Code: "socialni-sluzby", Name: "Sociální služby", Description: "Dostupnost a kvalita sociálních služeb.", DepartmentID: dept("Odbor sociálních věcí"), SortOrder: 4},
		{Code: "zdravotnictvi", Name: "Zdravotnictví", Description: "Lékaři, lékárny, zdravotní péče.", DepartmentID: dept("Odbor sociálních věcí"), SortOrder: 5},
		{Code: "bezpecnost", Name: "Bezpečnost", Description: "Nebezpečná místa, osvětlení, veřejný pořádek.", DepartmentID: dept("Městská policie"), SortOrder: 6},
		{Code: "jine", Name: "Jiné", Description: "Co se nevejde jinam.", SortOrder: 7},
	}
	catID := map[string]int64{}
	for _, c := range cats {
		saved, err := svc.SaveCategory(ctx, 0, c)
		if err != nil {
			return fmt.Errorf("category %s: %w", c.Code, err)
		}
		catID[c.Code] = saved.ID
	}
	type item struct {
		text, cat, muni, group, address string
		src                             suggestion.Source
	}
	items := []item{
		{"U vchodu do polikliniky chybí nájezd pro vozíčkáře, schod je vysoký asi 15 cm.", "bezbarierovost", "Otrokovice", "OZP", "tř. Osvobození 1370", suggestion.SourceWeb},
		{"Na zastávce Trávníky není lavička, senioři musejí stát.", "doprava", "Otrokovice", "SEN", "zastávka Trávníky", suggestion.SourceWorkingGroup},
		{"Přechod u Základní školy Mánesova je špatně osvětlený.", "bezpecnost", "Otrokovice", "RD", "Mánesova", suggestion.SourcePublic},
		{"Obrubník na chodníku k nádraží není snížený, s kočárkem ani vozíkem se nedá přejít.", "bezbarierovost", "Otrokovice", "OZP", "Nádražní ulice", suggestion.SourceWeb},
		{"Chybí informace, kde v Napajedlích sehnat pečovatelskou službu o víkendu.", "socialni-sluzby", "Napajedla", "SEN", "", suggestion.SourcePhone},
		{"Vstup na poštu v Napajedlích má těžké dveře, člověk na vozíku je sám neotevře.", "bezbarierovost", "Napajedla", "OZP", "Masarykovo nám. 89", suggestion.SourceWorkingGroup},
		{"Autobus do Halenkovic jezdí v sobotu jen dvakrát, senioři se nedostanou k lékaři.", "doprava", "Halenkovice", "SEN", "", suggestion.SourcePublic},
		{"V Bělově chybí kontejner na textil, lidé ho nosí do Otrokovic.", "jine", "Bělov", "", "u obecního úřadu", suggestion.SourceEmail},
		{"Startovací byty pro mladé rodiny: jak dlouho se čeká a kde se žádá?", "bydleni", "Otrokovice", "RD", "", suggestion.SourceWeb},
		{"Na úřadě chybí indukční smyčka pro nedoslýchavé u přepážek.", "bezbarierovost", "Otrokovice", "OZP", "nám. 3. května 1340", suggestion.SourceWorkingGroup},
		{"V parku za kulturním domem se večer schází skupina a pije, lidé se bojí projít.", "bezpecnost", "Otrokovice", "SPJ", "park za Besedním domem", suggestion.SourcePhone},
		{"Lékárna v Tlumačově má jen úzký vstup se schodem.", "bezbarierovost", "Tlumačov", "OZP", "", suggestion.SourceWeb},
		{"Zubař v Napajedlích nepřijímá nové pacienty, kam se obrátit?", "zdravotnictvi", "Napajedla", "", "", suggestion.SourceEmail},
		{"Chybí chodník mezi Pohořelicemi a zastávkou na hlavní silnici.", "doprava", "Pohořelice", "RD", "silnice II/497", suggestion.SourcePublic},
		{"Nízkoprahový klub pro mládež by potřeboval delší otevírací dobu v pátek.", "socialni-sluzby", "Otrokovice", "RD", "", suggestion.SourceWorkingGroup},
		{"Na hřbitově v Žlutavě jsou štěrkové cesty, s chodítkem se po nich nedá jít.", "bezbarierovost", "Žlutava", "SEN", "hřbitov", suggestion.SourceWeb},
		{"Malé byty pro seniory v Otrokovicích: navrhujeme víc bytů v přízemí.", "bydleni", "Otrokovice", "SEN", "", suggestion.SourceWorkingGroup},
		{"Semafor u Baťova mostu dává chodcům jen pár sekund, senior nestihne přejít.", "doprava", "Otrokovice", "SEN", "křižovatka u Baťova mostu", suggestion.SourceWeb},
		{"Dluhová poradna: chybí večerní hodiny pro lidi, kteří pracují.", "socialni-sluzby", "Otrokovice", "KRN", "", suggestion.SourceWorkingGroup},
		{"Na koupališti chybí bezbariérová kabinka a WC.", "bezbarierovost", "Otrokovice", "OZP", "koupaliště Otrokovice", suggestion.SourcePublic},
		{"V Nové Dědině nejezdí žádný spoj po 18. hodině.", "doprava", "Nová Dědina", "", "", suggestion.SourceEmail},
		{"Nevidomí potřebují ozvučený semafor u nádraží.", "bezbarierovost", "Otrokovice", "OZP", "Nádražní × tř. Spojenců", suggestion.SourceWorkingGroup},
		{"Tísňová péče: mnoho seniorů o ní neví, chtělo by to článek ve zpravodaji.", "socialni-sluzby", "Otrokovice", "SEN", "", suggestion.SourceWorkingGroup},
		{"U bytového domu chybí osvětlení parkoviště.", "bezpecnost", "Napajedla", "", "Komenského 1200", suggestion.SourceWeb},
		{"Chybí praktický lékař pro děti v Tlumačově o prázdninách.", "zdravotnictvi", "Tlumačov", "RD", "", suggestion.SourcePhone},
		{"Knihovna v Napajedlích nemá výtah do oddělení pro dospělé.", "bezbarierovost", "Napajedla", "OZP", "knihovna", suggestion.SourcePublic},
		{"Azylové bydlení pro matky s dětmi v regionu chybí, nejbližší je ve Zlíně.", "bydleni", "Otrokovice", "KRN", "", suggestion.SourceWorkingGroup},
		{"Autobusové zastávky v Oldřichovicích nemají zvýšený nástupní ostrůvek.", "bezbarierovost", "Oldřichovice", "OZP", "zastávka Oldřichovice, střed", suggestion.SourceWeb},
		{"Odlehčovací služba by měla mít víc lůžek v létě, kdy pečující potřebují dovolenou.", "socialni-sluzby", "Otrokovice", "SEN", "", suggestion.SourceWorkingGroup},
		{"Na sídlišti je rozbitá dětská houpačka.", "jine", "Otrokovice", "RD", "sídliště Štěrkoviště", suggestion.SourceWeb},
		{"Chodník v Halenkovicích je rozbitý a nerovný, senioři na něm padají.", "bezbarierovost", "Halenkovice", "SEN", "", suggestion.SourcePublic},
		{"Parkování pro držitele průkazu ZTP u městského úřadu je stále obsazené.", "doprava", "Otrokovice", "OZP", "nám. 3. května", suggestion.SourcePhone},
		{"Terénní pracovníci by měli chodit i do Bělova, ne jen do Otrokovic.", "socialni-sluzby", "Bělov", "SPJ", "", suggestion.SourceWorkingGroup},
		{"Na městském webu chybí přehled, jak řešit nepříznivou životní situaci po úmrtí blízkého.", "jine", "Otrokovice", "", "", suggestion.SourceEmail},
		{"Vstup do kulturního domu v Tlumačově má jen schody.", "bezbarierovost", "Tlumačov", "OZP", "kulturní dům", suggestion.SourceWeb},
		{"Na přechodu u Tesca chybí varovné pásy pro nevidomé.", "bezbarierovost", "Otrokovice", "OZP", "tř. Spojenců", suggestion.SourceWorkingGroup},
		{"Noclehárna v zimě nestačí, lidé bez domova spí na nádraží.", "socialni-sluzby", "Otrokovice", "KRN", "nádraží Otrokovice", suggestion.SourcePublic},
		{"Psycholog na městském úřadě: kdy a jak se objednat?", "zdravotnictvi", "Otrokovice", "RD", "", suggestion.SourceEmail},
		{"V Pohořelicích chybí bezbariérové WC na obecním úřadě.", "bezbarierovost", "Pohořelice", "OZP", "obecní úřad", suggestion.SourceWeb},
		{"Zastávka u Domova pro seniory Napajedla nemá přístřešek.", "doprava", "Napajedla", "SEN", "Domov pro seniory", suggestion.SourceWorkingGroup},
		{"V podchodu pod nádražím jsou rozbitá světla.", "bezpecnost", "Otrokovice", "", "podchod u nádraží", suggestion.SourceWeb},
		{"Sociální byty: navrhujeme spolupráci s poskytovateli na doprovodné práci.", "bydleni", "Otrokovice", "KRN", "", suggestion.SourceWorkingGroup},
		{"Chybí madlo u schodů do kostela v Žlutavě.", "bezbarierovost", "Žlutava", "SEN", "kostel", suggestion.SourceWeb},
		{"Rodiče dětí s postižením by uvítali víc míst v denním stacionáři.", "socialni-sluzby", "Otrokovice", "OZP", "", suggestion.SourceWorkingGroup},
		{"Na mostě přes Moravu chybí zábradlí oddělující chodník od silnice.", "bezpecnost", "Napajedla", "", "most přes Moravu", suggestion.SourcePublic},
		{"Výtah v poliklinice je často mimo provoz.", "bezbarierovost", "Otrokovice", "OZP", "poliklinika", suggestion.SourcePhone},
		{"Kurz pro pečující o blízkého s demencí: kde ho najít?", "socialni-sluzby", "Napajedla", "SEN", "", suggestion.SourceEmail},
		{"Lavičky na cestě ke hřbitovu v Otrokovicích by pomohly seniorům odpočinout si.", "bezbarierovost", "Otrokovice", "SEN", "Hřbitovní ulice", suggestion.SourceWeb},
	}
	categoryDept := map[string]*int64{}
	for _, c := range cats {
		categoryDept[c.Code] = c.DepartmentID
	}
	names := []string{"Marie Nováková", "Josef Svoboda", "Anna Dvořáková", "Jiří Černý", "Eva Procházková", "Petr Kučera"}
	now := d.Now()
	for i, it := range items {
		// Spread over five years, oldest first; the last ones are recent.
		received := now.AddDate(0, 0, -(len(items)-i)*36-3).Truncate(time.Hour).Add(9 * time.Hour)
		if i >= len(items)-8 {
			received = now.AddDate(0, 0, -(len(items)-i)*4-1)
		}
		clock = received
		in := suggestion.Input{Text: it.text, CategoryID: catID[it.cat], MunicipalityID: ids.Municipalities[it.muni], Address: it.address, Source: it.src}
		if g := it.group; g != "" {
			v := ids.TargetGroups[g]
			in.TargetGroupID = &v
		}
		if i%3 == 0 {
			n := names[i%len(names)]
			in.ContactName, in.ContactEmail, in.Consent = n, fmt.Sprintf("obcan%d@example.cz", i+1), true
		}
		if i%7 == 3 {
			in.LocationPrivate = true
		}
		x, err := svc.Create(ctx, in)
		if err != nil {
			return fmt.Errorf("suggestion %d: %w", i+1, err)
		}
		step := func(days int) { clock = clock.AddDate(0, 0, days) }
		dp := categoryDept[it.cat]
		if dp == nil {
			dp = dept("Odbor sociálních věcí")
		}
		recent := i >= len(items)-8
		if recent && i%2 == 1 {
			continue // new, waiting for the coordinator
		}
		step(2)
		quick := it.cat == "bezbarierovost" || i%5 == 0
		if quick {
			if _, err := svc.SetQuickWin(ctx, x.ID, true); err != nil {
				return err
			}
		}
		due := 30
		if quick {
			due = 14
		}
		dueDate := store.NewDate(clock.Year(), clock.Month(), clock.Day()).AddDate(0, 0, due)
		if _, err := svc.Route(ctx, x.ID, *dp, store.Date{Time: dueDate}, "Prosíme o posouzení a odpověď."); err != nil {
			return fmt.Errorf("route %d: %w", i+1, err)
		}
		if recent {
			if i%4 == 0 { // accepted, still within the due date or just overdue
				step(1)
				if _, err := svc.Transition(ctx, x.ID, suggestion.Change{Action: suggestion.ActAccept}); err != nil {
					return err
				}
			}
			continue
		}
		step(3)
		if _, err := svc.Transition(ctx, x.ID, suggestion.Change{Action: suggestion.ActAccept, InternalNote: "Převzato."}); err != nil {
			return err
		}
		var c suggestion.Change
		switch {
		case i%11 == 4:
			c = suggestion.Change{Action: suggestion.ActReject, PublicNote: "Nejde o záležitost města.", RedirectTo: "Krajský úřad Zlínského kraje, odbor zdravotnictví"}
		case i%13 == 6:
			c = suggestion.Change{Action: suggestion.ActClose, PublicNote: "Na úpravu nejsou v letošním rozpočtu peníze; vrátíme se k ní při přípravě rozpočtu."}
		case i%9 == 8:
			c = suggestion.Change{Action: suggestion.ActRefer, PlanRef: "Komunitní plán sociálních služeb ORP Otrokovice 2026–2028, priorita 2", PublicNote: "Podnět je zařazen do komunitního plánu."}
		case i == len(items)-10 || i == len(items)-11:
			// Stuck in progress past the due date: overdue.
			c = suggestion.Change{Action: suggestion.ActStart, InternalNote: "Čekáme na stavební povolení."}
		default:
			days := 5 + (i*7)%40
			if quick {
				days = 1 + i%6
			}
			step(days)
			if _, err := svc.Transition(ctx, x.ID, suggestion.Change{Action: suggestion.ActStart}); err != nil {
				return err
			}
			step(days)
			c = suggestion.Change{Action: suggestion.ActResolve, PublicNote: resolution(it.cat)}
		}
		if _, err := svc.Transition(ctx, x.ID, c); err != nil {
			return fmt.Errorf("suggestion %d %s: %w", i+1, c.Action, err)
		}
	}
	return nil
}

func resolution(cat string) string {
	switch cat {
	case "bezbarierovost":
		return "Bariéra byla odstraněna; místo prověřil koordinátor přístupnosti spolu s uživatelem na vozíku."
	case "doprava":
		return "Úprava byla provedena ve spolupráci s dopravcem a správcem komunikace."
	case "bezpecnost":
		return "Městská policie místo zařadila do pravidelných obchůzek, osvětlení bylo opraveno."
	case "socialni-sluzby":
		return "Poskytovatelé službu rozšířili; informace je v katalogu sociálních služeb."
	case "zdravotnictvi":
		return "Odbor předal kontakty na lékaře, kteří přijímají nové pacienty; přehled je na webu města."
	case "bydleni":
		return "Informace o bytech a podmínkách přidělení jsou zveřejněny na webu města."
	}
	return "Vyřízeno."
}

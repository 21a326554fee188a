package demo

import (
	"context"
	"fmt"

	"kpss/internal/partner"
)

func ptr(n int64) *int64 { return &n }

// loadPartners creates the region of the seed documents: the nine
// municipalities, the seven partner organisations, the towns as
// commissioners, plausible town-office departments, the five target groups and
// a few contact people (fictional names, with recorded consent).
func loadPartners(ctx context.Context, d Deps) (IDs, error) {
	ps := d.Partners
	ids := IDs{Municipalities: map[string]int64{}, Organisations: map[string]int64{}, Departments: map[string]int64{},
		TargetGroups: map[string]int64{}, People: map[string]int64{}}
	if _, err := ps.SaveRegion(ctx, partner.Region{Name: "ORP Otrokovice",
		Description: "Správní obvod obce s rozšířenou působností Otrokovice. Komunitní plánování sociálních služeb tu od roku 2005 podporují starostové a zastupitelstva měst a obcí regionu.",
		Web:         "https://www.otrokovice.cz", Email: "kpss@kpss.example"}); err != nil {
		return ids, err
	}
	groups := []partner.TargetGroup{
		{Code: "SEN", Name: "Senioři", Description: "Lidé v seniorském věku a ti, kdo o ně pečují.", SortOrder: 1},
		{Code: "OZP", Name: "Osoby se zdravotním postižením", Description: "Lidé s tělesným, smyslovým, mentálním nebo duševním postižením a jejich blízcí.", SortOrder: 2},
		{Code: "RD", Name: "Rodiny s dětmi", Description: "Rodiny s dětmi, děti a mládež.", SortOrder: 3},
		{Code: "SPJ", Name: "Osoby ohrožené sociálně patologickými jevy", Description: "Lidé ohrožení závislostmi, trestnou činností, zadlužením nebo sociálním vyloučením.", SortOrder: 4},
		{Code: "KRN", Name: "Osoby v krizi a nezaměstnaní", Description: "Lidé v náhlé životní krizi, bez domova a dlouhodobě nezaměstnaní.", SortOrder: 5},
	}
	for _, g := range groups {
		saved, err := ps.CreateTargetGroup(ctx, g)
		if err != nil {
			return ids, fmt.Errorf("target group %s: %w", g.Code, err)
		}
		ids.TargetGroups[g.Code] = saved.ID
	}
	// Populations are rounded figures for the demo; the centres are approximate.
	munis := []partner.Municipality{
		{Lat: fp(49.2098), Lng: fp(17.5306), Name: "Otrokovice", Kind: partner.KindTown, Population: ptr(17400), Partner: true, Note: "Obec s rozšířenou působností, iniciátor KPSS."},
		{Lat: fp(49.1716), Lng: fp(17.5121), Name: "Napajedla", Kind: partner.KindTown, Population: ptr(7100), Partner: true},
		{Lat: fp(49.2295), Lng: fp(17.4828), Name: "Bělov", Kind: partner.KindMunicipality, Population: ptr(340), Partner: true},
		{Lat: fp(49.1707), Lng: fp(17.4699), Name: "Halenkovice", Kind: partner.KindMunicipality, Population: ptr(1500), Partner: true},
		{Lat: fp(49.2066), Lng: fp(17.4507), Name: "Nová Dědina", Kind: partner.KindMunicipality, Population: ptr(400), Partner: true},
		{Lat: fp(49.188), Lng: fp(17.5577), Name: "Oldřichovice", Kind: partner.KindMunicipality, Population: ptr(280), Partner: true},
		{Lat: fp(49.1766), Lng: fp(17.5452), Name: "Pohořelice", Kind: partner.KindMunicipality, Population: ptr(1000), Partner: true},
		{Lat: fp(49.1991), Lng: fp(17.4921), Name: "Žlutava", Kind: partner.KindMunicipality, Population: ptr(900), Partner: true},
		{Lat: fp(49.2509), Lng: fp(17.4996), Name: "Tlumačov", Kind: partner.KindTown, Population: ptr(2400), Partner: true},
	}
	for _, m := range munis {
		saved, err := ps.CreateMunicipality(ctx, m)
		if err != nil {
			return ids, fmt.Errorf("municipality %s: %w", m.Name, err)
		}
		ids.Municipalities[m.Name] = saved.ID
	}
	all := func(names ...string) []int64 {
		var out []int64
		for _, n := range names {
			out = append(out, ids.Municipalities[n])
		}
		return out
	}
	region := all("Otrokovice", "Napajedla", "Bělov", "Halenkovice", "Nová Dědina", "Oldřichovice", "Pohořelice", "Žlutava", "Tlumačov")
	tg := func(codes ...string) []int64 {
		var out []int64
		for _, c := range codes {
			out = append(out, ids.TargetGroups[c])
		}
		return out
	}
	orgs := []partner.Organisation{
		{Name: "Město Otrokovice", ICO: "00284301", Kind: "commissioner", Address: "nám. 3. května 1340, 765 23 Otrokovice", Web: "https://www.otrokovice.cz",
			Partner: true, MunicipalityIDs: all("Otrokovice"), TargetGroupIDs: tg("SEN", "OZP", "RD", "SPJ", "KRN"),
			Description: "Zadavatel sociálních služeb a koordinátor komunitního plánování v regionu."},
		{Name: "Město Napajedla", Kind: "commissioner", Address: "Masarykovo nám. 89, 763 61 Napajedla", Web: "https://www.napajedla.cz",
			Partner: true, MunicipalityIDs: all("Napajedla"), TargetGroupIDs: tg("SEN", "OZP", "RD", "SPJ", "KRN")},
		{Name: "Charita sv. Anežky Otrokovice", Kind: "provider", Address: "Štefánikova 1403, 765 02 Otrokovice", Web: "https://otrokovice.charita.cz",
			Email: "info@charita.example", Phone: "+420 577 000 111", Partner: true, MunicipalityIDs: region, TargetGroupIDs: tg("SEN", "OZP", "KRN"),
			Description: "Domácí zdravotní péče, pečovatelská služba, hospicová péče, tísňová péče a odlehčovací služby."},
		{Name: "SENIOR Otrokovice", Kind: "provider", Address: "Otrokovice", Partner: true, MunicipalityIDs: all("Otrokovice", "Tlumačov"),
			TargetGroupIDs: tg("SEN"), Description: "Domov pro seniory, domov se zvláštním režimem pro lidi s Alzheimerovou chorobou, pečovatelská služba i o víkendech."},
		{Name: "Domov pro seniory Napajedla", Kind: "provider", Address: "Napajedla", Partner: true, MunicipalityIDs: all("Napajedla", "Halenkovice", "Pohořelice", "Žlutava"),
			TargetGroupIDs: tg("SEN")},
		{Name: "Naděje Otrokovice", Kind: "provider", Address: "Otrokovice", Partner: true, MunicipalityIDs: region, TargetGroupIDs: tg("KRN", "SPJ", "RD"),
			Description: "Služby pro lidi bez domova a v krizi, terénní práce; organizuje společná školení pracovníků poskytovatelů."},
		{Name: "Centrum pro zdravotně postižené Zlínského kraje", Kind: "provider", Address: "Zlín", Partner: true, MunicipalityIDs: region, TargetGroupIDs: tg("OZP"),
			Description: "Odborné sociální poradenství a půjčovna kompenzačních pomůcek."},
		{Name: "Občanské sdružení ONYX", Kind: "provider", Address: "Otrokovice", Partner: true, MunicipalityIDs: all("Otrokovice", "Napajedla"), TargetGroupIDs: tg("RD", "SPJ"),
			Description: "Nízkoprahové zařízení a terénní služby pro děti a mládež."},
		{Name: "Oblastní spolek ČČK Zlín", Kind: "ngo", Address: "Zlín", Partner: true, MunicipalityIDs: region, TargetGroupIDs: tg("SEN", "KRN"),
			Description: "Humanitární pomoc, vzdělávání v první pomoci, podpora v krizi."},
	}
	for _, o := range orgs {
		saved, err := ps.CreateOrganisation(ctx, o)
		if err != nil {
			return ids, fmt.Errorf("organisation %s: %w", o.Name, err)
		}
		ids.Organisations[o.Name] = saved.ID
	}
	org := func(n string) *int64 { id := ids.Organisations[n]; return &id }
	people := []partner.Person{
		{Name: "Mgr. Jana Dvořáková", Email: "jana.dvorakova@kpss.example", Phone: "+420 577 000 201", Position: "koordinátorka KPSS", OrganisationID: org("Město Otrokovice")},
		{Name: "Bc. Lenka Horáková", Email: "lenka.horakova@charita.example", Position: "vedoucí pečovatelské služby", OrganisationID: org("Charita sv. Anežky Otrokovice")},
		{Name: "Ing. Petr Šťastný", Email: "petr.stastny@kpss.example", Position: "vedoucí odboru sociálních věcí", OrganisationID: org("Město Otrokovice")},
		{Name: "Josef Kratochvíl", Position: "zástupce uživatelů služeb"},
		{Name: "Marta Čermáková", Email: "marta.cermakova@senior.example", Position: "sociální pracovnice", OrganisationID: org("SENIOR Otrokovice")},
		{Name: "Tomáš Řezníček", Position: "uživatel na vozíku, koordinátor bezbariérovosti"},
	}
	for _, p := range people {
		p.Consent = p.Email != "" || p.Phone != ""
		if p.Consent {
			p.ConsentNote = "písemně při vstupu do pracovní skupiny"
		}
		saved, err := ps.CreatePerson(ctx, p)
		if err != nil {
			return ids, fmt.Errorf("person %s: %w", p.Name, err)
		}
		ids.People[p.Name] = saved.ID
	}
	depts := []partner.Department{
		{Name: "Odbor sociálních věcí", Email: "socialni@kpss.example", HeadPersonID: ptr(ids.People["Ing. Petr Šťastný"])},
		{Name: "Odbor dopravně-správní", Email: "doprava@kpss.example"},
		{Name: "Odbor rozvoje a správy majetku", Email: "majetek@kpss.example"},
		{Name: "Stavební úřad", Email: "stavebni@kpss.example"},
		{Name: "Odbor školství, kultury a sportu", Email: "skolstvi@kpss.example"},
		{Name: "Odbor životního prostředí", Email: "zp@kpss.example"},
		{Name: "Městská policie", Email: "mp@kpss.example"},
	}
	for _, dp := range depts {
		saved, err := ps.CreateDepartment(ctx, dp)
		if err != nil {
			return ids, fmt.Errorf("department %s: %w", dp.Name, err)
		}
		ids.Departments[dp.Name] = saved.ID
	}
	return ids, nil
}

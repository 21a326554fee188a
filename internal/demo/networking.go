package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"kpss/internal/czech"
	"kpss/internal/networking"
)

// This year's speed networking ("rotující seznamka") of the frontline
// workers of the region's providers (seed 000: about 50 people, "all at
// one time in one place, each meets whom they want"): 48 participants from
// the partner organisations and a few registered through the public form,
// their wishes, and the schedule made from them.
func init() {
	Register(72, "networking", func(ctx context.Context, d Deps, ids *IDs) error {
		svc := networking.NewService(d.DB, d.Audit, d.Now, d.Partners)
		e, err := svc.SaveEvent(ctx, 0, networking.Event{
			Title: "Rotující seznamka " + fmt.Sprint(demoNetworkingDate(d.Now()).Year()), StartsAt: demoNetworkingDate(d.Now()),
			Place: "Dům kultury Otrokovice, velký sál (bezbariérový vstup z parkoviště)", Tables: 20, RoundMinutes: 7, ChangeMinutes: 2,
			BreakEvery: 4, BreakMinutes: 15, Quota: 8, Registration: true,
			Note: "Každý potká, koho chce: vyberte až osm lidí, organizací nebo druhů služeb. Kolegové z jedné organizace se nepotkávají.",
		})
		if err != nil {
			return err
		}
		people := ids.People
		var parts []*networking.Participant
		for i, x := range demoNetworkers {
			p := networking.Participant{Name: x.name, Service: x.service, ShareContacts: i%4 != 3}
			if x.org != "" {
				id, ok := ids.Organisations[x.org]
				if !ok {
					return fmt.Errorf("no organisation %q", x.org)
				}
				p.OrganisationID = &id
			} else {
				p.OrganisationName = x.other
			}
			p.Email = demoEmail(x.name, x.org, x.other)
			if pid, ok := people[x.name]; ok {
				p.PersonID = &pid
			}
			saved, err := svc.SaveParticipant(ctx, e.ID, 0, p)
			if err != nil {
				return fmt.Errorf("%s: %w", x.name, err)
			}
			parts = append(parts, saved)
		}
		// Wishes: each asks for two to six people of other organisations,
		// some must meet, a few avoid someone; some ask for an organisation
		// or a service type as a whole.
		rng := rand.New(rand.NewPCG(2026, 12))
		for _, me := range parts {
			var ws []networking.Wish
			taken := map[int64]bool{me.ID: true}
			n := 2 + rng.IntN(5)
			for len(ws) < n {
				t := parts[rng.IntN(len(parts))]
				if taken[t.ID] || t.OrgKey() == me.OrgKey() {
					continue
				}
				taken[t.ID] = true
				kind := networking.WishWant
				if rng.IntN(6) == 0 {
					kind = networking.WishMust
				}
				id := t.ID
				ws = append(ws, networking.Wish{Kind: kind, TargetParticipantID: &id})
			}
			switch rng.IntN(8) {
			case 0:
				for _, t := range parts {
					if t.ID != me.ID && !taken[t.ID] && t.OrgKey() != me.OrgKey() {
						id := t.ID
						ws = append(ws, networking.Wish{Kind: networking.WishAvoid, TargetParticipantID: &id})
						break
					}
				}
			case 1:
				if k := "o:" + fmt.Sprint(ids.Organisations["Naděje Otrokovice"]); me.OrgKey() != k {
					ws = append(ws, networking.Wish{Kind: networking.WishWant, TargetOrganisation: k})
				}
			case 2:
				ws = append(ws, networking.Wish{Kind: networking.WishWant, TargetService: czech.Fold("dluhové poradenství")})
			}
			if err := svc.SetWishes(ctx, e.ID, me.ID, ws); err != nil {
				return fmt.Errorf("wishes of %s: %w", me.Name, err)
			}
		}
		_, err = svc.Plan(ctx, e.ID)
		return err
	})
}

// demoNetworkingDate is a Thursday afternoon about two weeks ahead, not
// in the Christmas holidays.
func demoNetworkingDate(now time.Time) time.Time {
	t := now.In(networking.Prague).AddDate(0, 0, 14)
	if (t.Month() == time.December && t.Day() >= 20) || (t.Month() == time.January && t.Day() <= 6) {
		t = time.Date(t.Year(), time.January, 7, 12, 0, 0, 0, networking.Prague)
		if now.In(networking.Prague).Month() == time.December {
			t = t.AddDate(1, 0, 0)
		}
	}
	for t.Weekday() != time.Thursday {
		t = t.AddDate(0, 0, 1)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 13, 0, 0, 0, networking.Prague)
}

func demoEmail(name, org, other string) string {
	words := strings.Fields(czech.Fold(name))
	var clean []string
	for _, w := range words {
		if !strings.HasSuffix(w, ".") {
			clean = append(clean, w)
		}
	}
	domain := org
	if domain == "" {
		domain = other
	}
	d := strings.Fields(czech.Fold(domain))
	return strings.Join(clean, ".") + "@" + strings.Trim(d[len(d)-1], ".,") + ".example"
}

var demoNetworkers = []struct{ name, org, other, service string }{
	{"Bc. Lenka Horáková", "Charita sv. Anežky Otrokovice", "", "pečovatelská služba"},
	{"Petra Válková", "Charita sv. Anežky Otrokovice", "", "osobní asistence"},
	{"Mgr. Ondřej Bartoš", "Charita sv. Anežky Otrokovice", "", "odborné sociální poradenství"},
	{"Iveta Křížová", "Charita sv. Anežky Otrokovice", "", "domácí hospicová péče"},
	{"Simona Pokorná", "Charita sv. Anežky Otrokovice", "", "odlehčovací služba"},
	{"Marta Čermáková", "SENIOR Otrokovice", "", "sociální poradenství pro seniory"},
	{"Jaroslava Hrubá", "SENIOR Otrokovice", "", "tísňová péče"},
	{"Bc. Radek Kolář", "SENIOR Otrokovice", "", "centrum denních služeb"},
	{"Hana Machalová", "SENIOR Otrokovice", "", "pečovatelská služba"},
	{"Mgr. Eva Navrátilová", "SENIOR Otrokovice", "", "aktivizační služby"},
	{"Ludmila Šťastná", "Domov pro seniory Napajedla", "", "domov pro seniory"},
	{"Bc. Zdeněk Vaculík", "Domov pro seniory Napajedla", "", "domov se zvláštním režimem"},
	{"Alena Zapletalová", "Domov pro seniory Napajedla", "", "domov pro seniory"},
	{"Mgr. Kateřina Fialová", "Domov pro seniory Napajedla", "", "sociální práce v domově"},
	{"Jana Smolková", "Domov pro seniory Napajedla", "", "odlehčovací služba"},
	{"Mgr. Tomáš Holub", "Naděje Otrokovice", "", "azylový dům"},
	{"Bc. Lucie Vlčková", "Naděje Otrokovice", "", "terénní programy"},
	{"Martin Dostál", "Naděje Otrokovice", "", "noclehárna"},
	{"Bc. Veronika Urbanová", "Naděje Otrokovice", "", "dluhové poradenství"},
	{"Pavla Šimková", "Naděje Otrokovice", "", "sociálně aktivizační služby pro rodiny s dětmi"},
	{"Mgr. Jiří Polášek", "Naděje Otrokovice", "", "nízkoprahové denní centrum"},
	{"Ing. Renata Kubíčková", "Centrum pro zdravotně postižené Zlínského kraje", "", "odborné sociální poradenství"},
	{"Bc. Michal Straka", "Centrum pro zdravotně postižené Zlínského kraje", "", "osobní asistence"},
	{"Dana Koutná", "Centrum pro zdravotně postižené Zlínského kraje", "", "půjčovna kompenzačních pomůcek"},
	{"Mgr. Petr Zbořil", "Centrum pro zdravotně postižené Zlínského kraje", "", "tlumočnické služby"},
	{"Bc. Klára Jurečková", "Občanské sdružení ONYX", "", "nízkoprahové zařízení pro děti a mládež"},
	{"Adam Motal", "Občanské sdružení ONYX", "", "terénní programy"},
	{"Mgr. Barbora Slaninová", "Občanské sdružení ONYX", "", "kontaktní centrum"},
	{"Vojtěch Surý", "Občanské sdružení ONYX", "", "prevence v mateřských školách"},
	{"Marie Tomečková", "Oblastní spolek ČČK Zlín", "", "sociální šatník"},
	{"Bc. Jan Hanák", "Oblastní spolek ČČK Zlín", "", "přeprava osob na vozíku"},
	{"Gabriela Mlčochová", "Oblastní spolek ČČK Zlín", "", "první pomoc a krizová intervence"},
	{"Ing. Petr Šťastný", "Město Otrokovice", "", "sociálně-právní ochrana dětí"},
	{"Mgr. Jana Dvořáková", "Město Otrokovice", "", "koordinace KPSS"},
	{"Bc. Irena Sedláčková", "Město Otrokovice", "", "sociální bydlení"},
	{"Mgr. Roman Kučera", "Město Otrokovice", "", "psycholog na městském úřadě"},
	{"Lenka Ondrová", "Město Otrokovice", "", "sociální práce na obci"},
	{"Bc. Monika Vránová", "Město Napajedla", "", "sociální práce na obci"},
	{"Miroslav Janíček", "Město Napajedla", "", "byty pro seniory"},
	{"Mgr. Helena Šustková", "Město Napajedla", "", "sociálně-právní ochrana dětí"},
	{"Bc. Denisa Gajdošíková", "", "Úřad práce ČR, kontaktní pracoviště Otrokovice", "zprostředkování zaměstnání"},
	{"Ing. Vladimír Ševčík", "", "Úřad práce ČR, kontaktní pracoviště Otrokovice", "příspěvek na péči"},
	{"Mgr. Zuzana Hradilová", "", "Základní škola Mánesova Otrokovice", "školní psycholog"},
	{"Bc. Šárka Pechová", "", "Poradna pro rodinu Zlín", "rodinné poradenství"},
	{"MUDr. Karel Novák", "", "Nemocnice Otrokovice", "sociální lůžka"},
	{"Bc. Ilona Matějková", "", "Nemocnice Otrokovice", "zdravotně-sociální pracovnice"},
	{"Rostislav Bednařík", "", "Městská policie Otrokovice", "prevence kriminality"},
	{"Mgr. Alžběta Kopecká", "", "Probační a mediační služba Zlín", "probace a mediace"},
}

package demo

import (
	"context"
	"fmt"

	"kpss/internal/catalog"
)

func init() { Register(50, "catalog", loadCatalog) }

func fp(f float64) *float64 { return &f }

// loadCatalog fills the service catalogue with the services of the demo
// partner organisations (plausible hours, addresses and accessibility; the
// registry identifiers are made up).
func loadCatalog(ctx context.Context, d Deps, ids *IDs) error {
	c := catalog.New(d.DB, d.Audit, d.Partners, d.Now)
	org := func(n string) int64 { return ids.Organisations[n] }
	tg := func(codes ...string) []int64 {
		var out []int64
		for _, code := range codes {
			out = append(out, ids.TargetGroups[code])
		}
		return out
	}
	mu := func(names ...string) []int64 {
		var out []int64
		for _, n := range names {
			out = append(out, ids.Municipalities[n])
		}
		return out
	}
	m := func(n string) *int64 { id := ids.Municipalities[n]; return &id }
	region := []string{"Otrokovice", "Napajedla", "Bělov", "Halenkovice", "Nová Dědina", "Oldřichovice", "Pohořelice", "Žlutava", "Tlumačov"}
	workdays := "po–pá 7:00–15:30"
	charita, senior, nadeje := org("Charita sv. Anežky Otrokovice"), org("SENIOR Otrokovice"), org("Naděje Otrokovice")
	onyx, czp, dsNapajedla := org("Občanské sdružení ONYX"), org("Centrum pro zdravotně postižené Zlínského kraje"), org("Domov pro seniory Napajedla")
	charitaLoc := catalog.Location{StateProvince: "Zlínský kraj", Name: "Středisko Charity", Address: "Štefánikova 1403, Otrokovice", Postcode: "765 02", MunicipalityID: m("Otrokovice"),
		OpeningHours: workdays, Accessibility: "full", AccessibilityNote: "Vstup po rampě, výtah, bezbariérové WC.", Latitude: fp(49.2093), Longitude: fp(17.5305)}
	services := []catalog.Service{
		{OrganisationID: charita, TypeCode: "p40", Name: "Pečovatelská služba Napajedla", RegistryID: "4127881", Field: true, Outpatient: true,
			AgeGroups: []string{"adults", "seniors"}, TargetGroupIDs: tg("SEN", "OZP"), MunicipalityIDs: mu("Napajedla", "Halenkovice", "Pohořelice", "Žlutava"),
			Description: "Pomoc v domácnosti lidem, kteří kvůli věku nebo nemoci nezvládnou vše sami: osobní hygiena, dovoz obědů, nákupy, doprovod k lékaři.",
			HowToApply:  "Zavolejte nebo přijďte; sociální pracovnice vás navštíví doma a společně domluvíte, s čím potřebujete pomoci.",
			Capacity:    "40 klientů", FeesDescription: "Podle ceníku, nejvýše částky stanovené vyhláškou; dovoz oběda 30 Kč.",
			Phone: "+420 577 000 112", Email: "pecovatelska@charita.example", Web: "otrokovice.charita.cz",
			Locations: []catalog.Location{{StateProvince: "Zlínský kraj", Name: "Pečovatelská služba Napajedla", Address: "Masarykovo nám. 89, Napajedla", Postcode: "763 61", MunicipalityID: m("Napajedla"),
				OpeningHours: "po–pá 7:00–15:30, v terénu i o víkendech 7:00–19:00", Accessibility: "partial", AccessibilityNote: "Dva schody u vchodu, zvonek u dveří.",
				Latitude: fp(49.1716), Longitude: fp(17.5119)}}},
		{OrganisationID: charita, TypeCode: "p40", Name: "Pečovatelská služba Otrokovice", RegistryID: "4127882", Field: true, Outpatient: true,
			AgeGroups: []string{"adults", "seniors"}, TargetGroupIDs: tg("SEN", "OZP"), MunicipalityIDs: mu("Otrokovice", "Bělov", "Nová Dědina", "Oldřichovice", "Tlumačov"),
			Description: "Pečovatelky pomáhají v domácnosti, s hygienou, jídlem a nákupy, i o víkendech a svátcích.",
			HowToApply:  "Zavolejte vedoucí služby; do týdne se domluví návštěva a smlouva.", Capacity: "60 klientů",
			FeesDescription: "Podle ceníku; první konzultace zdarma.", Phone: "+420 577 000 111", Email: "pecovatelska@charita.example",
			Locations: []catalog.Location{charitaLoc}},
		{OrganisationID: charita, TypeCode: "hospice", Name: "Domácí hospicová péče", Field: true, AgeGroups: []string{"adults", "seniors"},
			TargetGroupIDs: tg("SEN", "OZP"), MunicipalityIDs: mu(region...),
			Description: "Péče o nevyléčitelně nemocné v posledních týdnech života doma, mezi blízkými; podpora rodiny i po úmrtí.",
			HowToApply:  "Doporučení praktického lékaře; zavolejte a sestra přijede na první návštěvu.", FeesFree: true,
			FeesDescription: "Zdravotní péči hradí pojišťovna, půjčení pomůcek za symbolický poplatek.", Phone: "+420 577 000 113",
			Locations: []catalog.Location{charitaLoc}},
		{OrganisationID: charita, TypeCode: "p41", Name: "Tísňová péče", RegistryID: "4127883", Field: true, AgeGroups: []string{"adults", "seniors"},
			TargetGroupIDs: tg("SEN", "OZP"), MunicipalityIDs: mu(region...),
			Description: "Tlačítko na ruce, kterým v nouzi přivoláte pomoc – nepřetržitě 24 hodin denně.",
			HowToApply:  "Zavolejte; technik přijde nainstalovat zařízení.", Capacity: "100 uživatelů", FeesDescription: "Měsíční paušál podle ceníku.",
			Phone: "+420 577 000 114", Locations: []catalog.Location{charitaLoc}},
		{OrganisationID: charita, TypeCode: "p44", Name: "Odlehčovací služby", RegistryID: "4127884", Field: true, Residential: true,
			AgeGroups: []string{"adults", "seniors"}, TargetGroupIDs: tg("SEN", "OZP"), MunicipalityIDs: mu(region...),
			Description: "Když potřebujete odpočinek od péče o blízkého: postaráme se o něj na několik hodin u vás doma nebo na pár dní u nás.",
			HowToApply:  "Domluvte si termín telefonicky, pobyt nejméně dva týdny předem.", Capacity: "4 lůžka",
			FeesDescription: "Podle ceníku, strava a ubytování zvlášť.", Phone: "+420 577 000 115", Locations: []catalog.Location{charitaLoc}},
		{OrganisationID: senior, TypeCode: "p49", Name: "Domov pro seniory SENIOR Otrokovice", RegistryID: "5127001", Residential: true,
			AgeGroups: []string{"seniors"}, TargetGroupIDs: tg("SEN"), MunicipalityIDs: mu("Otrokovice", "Tlumačov"),
			Description: "Celoroční pobyt s ošetřovatelskou péčí pro seniory, kteří už nemohou žít doma.",
			HowToApply:  "Podejte žádost o přijetí (formulář na webu nebo na recepci); sociální pracovnice vás navštíví.", Capacity: "120 lůžek",
			FeesDescription: "Ubytování a strava podle ceníku, péče z příspěvku na péči.", Phone: "+420 577 000 301", Email: "info@senior.example",
			Locations: []catalog.Location{{StateProvince: "Zlínský kraj", Address: "Hlavní 1160, Otrokovice", Postcode: "765 02", MunicipalityID: m("Otrokovice"),
				OpeningHours: "recepce denně 7:00–19:00, návštěvy kdykoli po dohodě", Accessibility: "full", AccessibilityNote: "Celá budova bezbariérová.",
				Latitude: fp(49.2134), Longitude: fp(17.5356)}}},
		{OrganisationID: senior, TypeCode: "p50", Name: "Domov se zvláštním režimem", RegistryID: "5127002", Residential: true,
			AgeGroups: []string{"adults", "seniors"}, TargetGroupIDs: tg("SEN", "OZP"), MunicipalityIDs: mu("Otrokovice", "Tlumačov"),
			Description: "Domov pro lidi s Alzheimerovou chorobou a jinými typy demence.", HowToApply: "Žádost o přijetí s vyjádřením lékaře.",
			Capacity: "40 lůžek", FeesDescription: "Podle ceníku.", Phone: "+420 577 000 302",
			Locations: []catalog.Location{{StateProvince: "Zlínský kraj", Address: "Hlavní 1160, Otrokovice", Postcode: "765 02", MunicipalityID: m("Otrokovice"), OpeningHours: "nepřetržitě",
				Accessibility: "full"}}},
		{OrganisationID: dsNapajedla, TypeCode: "p49", Name: "Domov pro seniory Napajedla", RegistryID: "6127001", Residential: true,
			AgeGroups: []string{"seniors"}, TargetGroupIDs: tg("SEN"), MunicipalityIDs: mu("Napajedla", "Halenkovice", "Pohořelice", "Žlutava"),
			Description: "Domov s jednolůžkovými a dvoulůžkovými pokoji a zahradou.", HowToApply: "Žádost o přijetí.", Capacity: "85 lůžek",
			Phone: "+420 577 000 401", Locations: []catalog.Location{{StateProvince: "Zlínský kraj", Address: "Zámecká 1, Napajedla", Postcode: "763 61", MunicipalityID: m("Napajedla"),
				OpeningHours: "návštěvy denně 9:00–18:00", Accessibility: "full"}}},
		{OrganisationID: nadeje, TypeCode: "p57", Name: "Azylový dům pro muže", RegistryID: "7127001", Residential: true,
			AgeGroups: []string{"youth", "adults", "seniors"}, TargetGroupIDs: tg("KRN", "SPJ"), MunicipalityIDs: mu(region...),
			Description: "Přechodné ubytování a pomoc s hledáním bydlení a práce pro muže bez domova.",
			HowToApply:  "Přijďte osobně nebo zavolejte; přijímáme podle volné kapacity.", Capacity: "24 lůžek",
			FeesDescription: "Ubytování 150 Kč za noc.", Phone: "+420 577 000 501", Email: "otrokovice@nadeje.example",
			Locations: []catalog.Location{{StateProvince: "Zlínský kraj", Address: "Zlínská 1326, Otrokovice", Postcode: "765 02", MunicipalityID: m("Otrokovice"),
				OpeningHours: "příjem po–pá 8:00–16:00, služba nepřetržitě", Accessibility: "partial", AccessibilityNote: "Přízemí bezbariérové, pokoje v patře."}}},
		{OrganisationID: nadeje, TypeCode: "p69", Name: "Terénní programy", RegistryID: "7127002", Field: true,
			AgeGroups: []string{"youth", "adults", "seniors"}, TargetGroupIDs: tg("KRN", "SPJ"), MunicipalityIDs: mu(region...),
			Description: "Pracovníci vyhledávají lidi bez přístřeší a v krizi přímo v ulicích a pomáhají jim s úřady, zdravím a bydlením.",
			HowToApply:  "Není třeba žádat – zavolejte a pracovník za vámi přijde.", FeesFree: true, Phone: "+420 577 000 502",
			Locations: []catalog.Location{{StateProvince: "Zlínský kraj", Address: "Zlínská 1326, Otrokovice", Postcode: "765 02", MunicipalityID: m("Otrokovice"), OpeningHours: "po–pá 8:00–16:00",
				Accessibility: "partial"}}},
		{OrganisationID: onyx, TypeCode: "p62", Name: "Nízkoprahový klub pro děti a mládež", RegistryID: "8127001", Outpatient: true, Field: true,
			AgeGroups: []string{"children", "youth"}, TargetGroupIDs: tg("RD", "SPJ"), MunicipalityIDs: mu("Otrokovice", "Napajedla"),
			Description: "Klub, kam může přijít kdokoli od 11 do 26 let: volný čas, rozhovor, pomoc se školou i s problémy doma.",
			HowToApply:  "Stačí přijít v otevírací době, anonymně a bez objednání.", FeesFree: true, Capacity: "15 klientů najednou",
			Phone: "+420 577 000 601", Email: "klub@onyx.example",
			Locations: []catalog.Location{{StateProvince: "Zlínský kraj", Name: "Klub ONYX", Address: "Tylova 1237, Otrokovice", Postcode: "765 02", MunicipalityID: m("Otrokovice"),
				OpeningHours: "po–čt 13:00–19:00", Accessibility: "none", AccessibilityNote: "Klub je v suterénu, schody bez plošiny."}}},
		{OrganisationID: czp, TypeCode: "p37", Name: "Odborné sociální poradenství", RegistryID: "9127001", Outpatient: true, Field: true,
			AgeGroups: []string{"youth", "adults", "seniors"}, TargetGroupIDs: tg("OZP", "SEN"), MunicipalityIDs: mu(region...),
			Description: "Poradna pro lidi se zdravotním postižením a jejich blízké: příspěvky, průkazy ZTP, pomůcky, bydlení.",
			HowToApply:  "Objednejte se telefonicky; do Otrokovic jezdíme každé úterý.", FeesFree: true, Phone: "+420 577 000 701",
			Locations: []catalog.Location{{StateProvince: "Zlínský kraj", Name: "Kontaktní místo Otrokovice (MěÚ)", Address: "nám. 3. května 1340, Otrokovice", Postcode: "765 23", MunicipalityID: m("Otrokovice"),
				OpeningHours: "út 8:00–12:00, 13:00–16:00", Accessibility: "full", AccessibilityNote: "Bezbariérový vstup z náměstí, indukční smyčka."}}},
		{OrganisationID: czp, TypeCode: "aids", Name: "Půjčovna kompenzačních pomůcek", Outpatient: true, AgeGroups: nil, TargetGroupIDs: tg("OZP", "SEN"),
			MunicipalityIDs: mu(region...), Description: "Zapůjčení vozíků, chodítek, polohovacích postelí a dalších pomůcek.",
			HowToApply: "Zavolejte, zda je pomůcka volná; při převzetí podepíšete smlouvu.", FeesDescription: "Nájemné od 10 Kč za den.", Phone: "+420 577 000 702",
			Locations: []catalog.Location{{StateProvince: "Zlínský kraj", Address: "nám. 3. května 1340, Otrokovice", Postcode: "765 23", MunicipalityID: m("Otrokovice"), OpeningHours: "út 8:00–12:00",
				Accessibility: "full"}}},
	}
	confirmed := d.Now().UTC().AddDate(0, -3, 0)
	for _, s := range services {
		s.ConfirmedAt = &confirmed
		if _, err := c.CreateService(ctx, s); err != nil {
			return fmt.Errorf("service %s: %w", s.Name, err)
		}
	}
	return nil
}

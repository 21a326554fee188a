package demo

import (
	"context"
	"fmt"
	"time"

	"kpss/internal/auth"
	"kpss/internal/plan"
	"kpss/internal/store"
)

func init() { Register(40, "plan", loadPlan) }

// demoService is a provider service of the demo with its figures of the
// 2024 and 2025 rounds.
type demoService struct {
	org, name, typ, tg, unit string
	y24, y25                 plan.ReportData
}

func rd(capacity, clients, contacts, refused, waiting int64, social, care, health, other float64, costs int64, income map[string]int64, comment string) plan.ReportData {
	staff := map[string]float64{}
	for k, v := range map[string]float64{"social_worker": social, "care_worker": care, "health": health, "other": other} {
		if v > 0 {
			staff[k] = v
		}
	}
	return plan.ReportData{Capacity: capacity, Clients: clients, Contacts: contacts, Refused: refused, Waiting: waiting, Staff: staff, Costs: costs,
		Income: income, Values: map[string]float64{}, Comment: comment}
}

func inc(state, region, munis, users, insurance, other int64) map[string]int64 {
	m := map[string]int64{}
	for k, v := range map[string]int64{"state": state, "region": region, "municipalities": munis, "users": users, "insurance": insurance, "other": other} {
		if v > 0 {
			m[k] = v
		}
	}
	return m
}

// The figures are invented but plausible; 2025 holds the early warnings the
// dashboard shows on the first start: a growing waiting list and more
// refusals at the Charita home care, a full dementia home two years running,
// a fall of the towns' money for the shelter and fewer workers at the youth
// club.
var demoServices = []demoService{
	{org: "Charita sv. Anežky Otrokovice", name: "Pečovatelská služba Charity Otrokovice", typ: "pečovatelská služba (§ 40)", tg: "SEN", unit: "klientů",
		y24: rd(150, 131, 21500, 6, 14, 1, 14, 0, 1.5, 9_800_000, inc(4_900_000, 700_000, 1_600_000, 2_400_000, 0, 200_000), ""),
		y25: rd(150, 134, 22800, 11, 22, 1, 14, 0, 1.5, 10_300_000, inc(5_100_000, 700_000, 1_700_000, 2_600_000, 0, 200_000), "O víkendech chybí pečovatelky; zájem o péči v Napajedlech roste.")},
	{org: "Charita sv. Anežky Otrokovice", name: "Tísňová péče Anežka", typ: "tísňová péče (§ 41)", tg: "SEN", unit: "klientů",
		y24: rd(80, 64, 3100, 0, 0, 0.5, 2, 0, 0.3, 1_450_000, inc(800_000, 0, 250_000, 400_000, 0, 0), ""),
		y25: rd(80, 64, 3100, 0, 0, 0.5, 2, 0, 0.3, 1_450_000, inc(800_000, 0, 250_000, 400_000, 0, 0), "")},
	{org: "Charita sv. Anežky Otrokovice", name: "Odlehčovací služba Charity", typ: "odlehčovací služby (§ 44)", tg: "SEN", unit: "klientů",
		y24: rd(60, 52, 0, 9, 5, 0.5, 6, 1, 0.5, 3_900_000, inc(1_900_000, 300_000, 400_000, 1_200_000, 0, 100_000), ""),
		y25: rd(60, 55, 0, 9, 5, 0.5, 6, 1, 0.5, 4_050_000, inc(2_000_000, 300_000, 420_000, 1_230_000, 0, 100_000), "")},
	{org: "Charita sv. Anežky Otrokovice", name: "Noclehárna pro muže", typ: "noclehárny (§ 63)", tg: "KRN", unit: "klientů",
		y24: rd(70, 61, 2900, 4, 0, 1, 2, 0, 0.5, 1_700_000, inc(1_100_000, 0, 350_000, 150_000, 0, 100_000), ""),
		y25: rd(70, 61, 2900, 4, 0, 1, 2, 0, 0.5, 1_700_000, inc(1_100_000, 0, 350_000, 150_000, 0, 100_000), "")},
	{org: "SENIOR Otrokovice", name: "Domov pro seniory SENIOR", typ: "domovy pro seniory (§ 49)", tg: "SEN", unit: "lůžek",
		y24: rd(105, 98, 0, 35, 140, 3, 48, 9, 12, 52_000_000, inc(14_000_000, 2_000_000, 6_000_000, 26_000_000, 3_500_000, 500_000), ""),
		y25: rd(105, 99, 0, 37, 146, 3, 48, 9, 12, 54_000_000, inc(14_500_000, 2_000_000, 6_200_000, 27_000_000, 3_700_000, 600_000), "")},
	{org: "SENIOR Otrokovice", name: "Domov se zvláštním režimem SENIOR", typ: "domovy se zvláštním režimem (§ 50)", tg: "SEN", unit: "lůžek",
		y24: rd(40, 40, 0, 21, 58, 1, 22, 4, 4, 24_000_000, inc(7_500_000, 1_000_000, 2_500_000, 11_000_000, 1_800_000, 200_000), ""),
		y25: rd(40, 40, 0, 23, 61, 1, 22, 4, 4, 25_200_000, inc(7_900_000, 1_000_000, 2_700_000, 11_500_000, 1_900_000, 200_000), "Čekací doba na místo pro lidi s demencí přesahuje rok.")},
	{org: "SENIOR Otrokovice", name: "Pečovatelská služba SENIOR", typ: "pečovatelská služba (§ 40)", tg: "SEN", unit: "klientů",
		y24: rd(100, 86, 15800, 2, 3, 1, 9, 0, 1, 6_300_000, inc(3_200_000, 400_000, 1_200_000, 1_500_000, 0, 0), ""),
		y25: rd(100, 86, 15800, 2, 3, 1, 9, 0, 1, 6_300_000, inc(3_200_000, 400_000, 1_200_000, 1_500_000, 0, 0), "")},
	{org: "Domov pro seniory Napajedla", name: "Domov pro seniory Napajedla", typ: "domovy pro seniory (§ 49)", tg: "SEN", unit: "lůžek",
		y24: rd(60, 56, 0, 14, 70, 2, 27, 5, 7, 30_000_000, inc(8_200_000, 1_100_000, 3_000_000, 15_000_000, 2_200_000, 300_000), ""),
		y25: rd(60, 56, 0, 15, 72, 2, 27, 5, 7, 31_000_000, inc(8_400_000, 1_100_000, 3_100_000, 15_600_000, 2_300_000, 300_000), "")},
	{org: "Naděje Otrokovice", name: "Azylový dům Naděje", typ: "azylové domy (§ 57)", tg: "KRN", unit: "klientů",
		y24: rd(55, 47, 0, 12, 6, 2, 3, 0, 1, 4_100_000, inc(2_300_000, 300_000, 450_000, 800_000, 0, 250_000), ""),
		y25: rd(55, 49, 0, 14, 7, 2, 3, 0, 1, 4_150_000, inc(2_400_000, 300_000, 300_000, 850_000, 0, 300_000), "Obce snížily příspěvek; chybí startovací byty pro odcházející klienty.")},
	{org: "Naděje Otrokovice", name: "Terénní programy Naděje", typ: "terénní programy (§ 69)", tg: "SPJ", unit: "klientů",
		y24: rd(110, 88, 4200, 0, 0, 2.5, 0, 0, 0.3, 2_200_000, inc(1_600_000, 0, 400_000, 0, 0, 200_000), ""),
		y25: rd(110, 92, 4500, 0, 0, 2.5, 0, 0, 0.3, 2_250_000, inc(1_650_000, 0, 400_000, 0, 0, 200_000), "")},
	{org: "Naděje Otrokovice", name: "Dluhová poradna Naděje", typ: "odborné sociální poradenství (§ 37)", tg: "SPJ", unit: "klientů",
		y24: rd(170, 142, 610, 8, 12, 1.5, 0, 0, 0.2, 1_100_000, inc(750_000, 0, 250_000, 0, 0, 100_000), ""),
		y25: rd(170, 149, 660, 8, 13, 1.5, 0, 0, 0.2, 1_150_000, inc(780_000, 0, 270_000, 0, 0, 100_000), "")},
	{org: "Centrum pro zdravotně postižené Zlínského kraje", name: "Osobní asistence CZP", typ: "osobní asistence (§ 39)", tg: "OZP", unit: "klientů",
		y24: rd(25, 23, 9800, 3, 4, 0.5, 9, 0, 0.5, 4_800_000, inc(2_500_000, 500_000, 600_000, 1_100_000, 0, 100_000), ""),
		y25: rd(25, 24, 10100, 3, 4, 0.5, 9.5, 0, 0.5, 5_000_000, inc(2_600_000, 500_000, 650_000, 1_150_000, 0, 100_000), "Chybí asistence ve večerních hodinách.")},
	{org: "Centrum pro zdravotně postižené Zlínského kraje", name: "Odborné sociální poradenství CZP", typ: "odborné sociální poradenství (§ 37)", tg: "OZP", unit: "klientů",
		y24: rd(300, 276, 940, 0, 0, 2, 0, 0, 0.5, 1_600_000, inc(1_200_000, 200_000, 150_000, 0, 0, 50_000), ""),
		y25: rd(300, 276, 940, 0, 0, 2, 0, 0, 0.5, 1_600_000, inc(1_200_000, 200_000, 150_000, 0, 0, 50_000), "")},
	{org: "Občanské sdružení ONYX", name: "Nízkoprahový klub Kamarád", typ: "nízkoprahová zařízení pro děti a mládež (§ 62)", tg: "RD", unit: "klientů",
		y24: rd(130, 118, 5200, 0, 0, 1.5, 2, 0, 0, 1_900_000, inc(1_300_000, 200_000, 300_000, 0, 0, 100_000), ""),
		y25: rd(130, 104, 4700, 0, 0, 1, 1.5, 0, 0, 1_850_000, inc(1_300_000, 200_000, 300_000, 0, 0, 100_000), "Odešla sociální pracovnice; klub je otevřen jen 3 dny v týdnu.")},
	{org: "Občanské sdružení ONYX", name: "Sociálně aktivizační služba pro rodiny", typ: "sociálně aktivizační služby pro rodiny s dětmi (§ 65)", tg: "RD", unit: "rodin",
		y24: rd(40, 34, 1900, 2, 3, 2, 0, 0, 0.3, 1_500_000, inc(1_100_000, 0, 300_000, 0, 0, 100_000), ""),
		y25: rd(40, 36, 2000, 2, 3, 2, 0, 0, 0.3, 1_550_000, inc(1_150_000, 0, 300_000, 0, 0, 100_000), "")},
}

type demoMeasure struct {
	code, title, kind, desc, acts, timeframe string
	resp, partners                           []string
	services                                 []string // free-text list
	links                                    []string // demo service names
	costs                                    []int64  // per year of the period
	source                                   string
	inds                                     []demoIndicator
}

type demoIndicator struct {
	name, unit, source, method, metric, service string
	baseline, target                            float64
	values                                      map[int]float64 // manual values by year
}

type demoPriority struct {
	tg, code, title, desc string
	measures              []demoMeasure
}

var currentPlan = []demoPriority{
	{"SEN", "SEN 1", "Život seniorů doma co nejdéle", "Senioři mají zůstat ve svém domově, dokud to jde; pečující rodiny potřebují oporu.", []demoMeasure{
		{code: "SEN 1.1", title: "Pečovatelská služba i o víkendech a svátcích", kind: "develop", timeframe: "2026–2028",
			desc: "Rozšířit pečovatelskou službu tak, aby pokryla i soboty, neděle a svátky v celém regionu.", acts: "přijmout 3 pečovatelky\nzajistit služební auto pro víkendové směny\ninformovat praktické lékaře",
			resp: []string{"Charita sv. Anežky Otrokovice"}, partners: []string{"SENIOR Otrokovice", "Město Otrokovice"}, services: []string{"pečovatelská služba (§ 40)"},
			links: []string{"Pečovatelská služba Charity Otrokovice", "Pečovatelská služba SENIOR"}, costs: []int64{1_200_000, 1_300_000, 1_350_000}, source: "dotace MPSV, rozpočet města, úhrady uživatelů",
			inds: []demoIndicator{
				{name: "Klienti pečovatelské služby", unit: "klientů", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "clients", baseline: 217, target: 240},
				{name: "Čekatelé na pečovatelskou službu", unit: "osob", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "waiting", baseline: 17, target: 5},
				{name: "Hodiny péče o víkendech a svátcích", unit: "hodin", source: "výkaz Charity", method: plan.MethodReported, service: "Pečovatelská služba Charity Otrokovice", baseline: 1900, target: 3500},
			}},
		{code: "SEN 1.2", title: "Tísňová péče – tlačítka pro seniory žijící osaměle", kind: "develop", timeframe: "2026–2027",
			desc: "Nabídnout tísňové tlačítko každému osaměle žijícímu seniorovi, který o ně stojí; obce pomohou s úhradou u lidí s nízkým příjmem.", acts: "informační kampaň v obcích\npříspěvek obcí na zřízení tlačítka",
			resp: []string{"Charita sv. Anežky Otrokovice"}, partners: []string{"Město Otrokovice", "Město Napajedla"}, services: []string{"tísňová péče (§ 41)"},
			links: []string{"Tísňová péče Anežka"}, costs: []int64{250_000, 250_000, 150_000}, source: "rozpočty obcí, úhrady uživatelů",
			inds: []demoIndicator{{name: "Uživatelé tísňové péče", unit: "klientů", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "clients", baseline: 64, target: 90}}},
		{code: "SEN 1.3", title: "Odlehčovací služba pro pečující rodiny", kind: "keep", timeframe: "průběžně",
			desc: "Zachovat 8 lůžek odlehčovací služby, aby si pečující mohli odpočinout.", resp: []string{"Charita sv. Anežky Otrokovice"},
			services: []string{"odlehčovací služby (§ 44)"}, links: []string{"Odlehčovací služba Charity"}, costs: []int64{4_100_000, 4_200_000, 4_300_000}, source: "dotace MPSV, úhrady uživatelů",
			inds: []demoIndicator{{name: "Klienti odlehčovací služby", unit: "klientů", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "clients", baseline: 55, target: 55}}},
	}},
	{"SEN", "SEN 2", "Pobytové služby pro lidi s demencí", "Lidé s Alzheimerovou chorobou potřebují specializovaná místa blízko domova.", []demoMeasure{
		{code: "SEN 2.1", title: "Domov se zvláštním režimem pro lidi s Alzheimerovou chorobou", kind: "keep", timeframe: "průběžně",
			desc: "Udržet 40 míst domova se zvláštním režimem a zkrátit čekací dobu.", resp: []string{"SENIOR Otrokovice"}, partners: []string{"Město Otrokovice"},
			services: []string{"domovy se zvláštním režimem (§ 50)"}, links: []string{"Domov se zvláštním režimem SENIOR"}, costs: []int64{25_500_000, 26_000_000, 26_500_000}, source: "dotace MPSV, úhrady, zdravotní pojišťovny",
			inds: []demoIndicator{{name: "Čekatelé na domov se zvláštním režimem", unit: "osob", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "waiting", baseline: 61, target: 40}}},
	}},
	{"OZP", "OZP 1", "Samostatný život lidí se zdravotním postižením", "Doprava, asistence a prostředí bez bariér.", []demoMeasure{
		{code: "OZP 1.1", title: "Přeprava vozíčkářů – automobil s plošinou", kind: "new", timeframe: "2026",
			desc: "Pořídit automobil s plošinou a zajistit přepravu lidí na vozíku k lékaři, do práce a za službami.", acts: "podat žádost o dotaci\nnakoupit vozidlo\nzaškolit řidiče",
			resp: []string{"Centrum pro zdravotně postižené Zlínského kraje"}, partners: []string{"Město Otrokovice"}, services: []string{"průvodcovské služby (§ 42)"},
			costs: []int64{1_400_000, 350_000, 350_000}, source: "nadace, rozpočet města",
			inds: []demoIndicator{{name: "Uskutečněné jízdy", unit: "jízd", source: "evidence CZP", method: plan.MethodManual, baseline: 0, target: 900}}},
		{code: "OZP 1.2", title: "Osobní asistence i ve večerních hodinách", kind: "develop", timeframe: "2026–2028",
			desc: "Prodloužit osobní asistenci do 22 hodin.", resp: []string{"Centrum pro zdravotně postižené Zlínského kraje"},
			services: []string{"osobní asistence (§ 39)"}, links: []string{"Osobní asistence CZP"}, costs: []int64{400_000, 450_000, 450_000}, source: "dotace MPSV",
			inds: []demoIndicator{{name: "Klienti osobní asistence", unit: "klientů", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "clients", baseline: 24, target: 30}}},
		{code: "OZP 1.3", title: "Koordinátor bezbariérovosti na městském úřadě", kind: "systemic", timeframe: "průběžně",
			desc: "Odbory úřadu spolupracují s vozíčkářem a nevidomým člověkem, odstraňují bariéry a brání vzniku nových.", resp: []string{"Město Otrokovice"},
			costs: []int64{60_000, 60_000, 60_000}, source: "rozpočet města",
			inds: []demoIndicator{{name: "Odstraněné bariéry", unit: "bariér", source: "odbor rozvoje a správy majetku", method: plan.MethodManual, baseline: 16, target: 45, values: map[int]float64{2024: 9, 2025: 16}}}},
	}},
	{"RD", "RD 1", "Podpora rodin s dětmi", "Dostupná pomoc rodičům a dětem dřív, než nastanou potíže.", []demoMeasure{
		{code: "RD 1.1", title: "Psychologové na městském úřadě a ve školách", kind: "develop", timeframe: "2026–2028",
			desc: "Zajistit psychologa pro základní školy regionu a bezplatné konzultace na úřadě.", resp: []string{"Město Otrokovice"}, partners: []string{"Občanské sdružení ONYX"},
			costs: []int64{900_000, 950_000, 1_000_000}, source: "rozpočet města, MŠMT",
			inds: []demoIndicator{{name: "Konzultace psychologů", unit: "konzultací", source: "evidence města", method: plan.MethodManual, baseline: 420, target: 700, values: map[int]float64{2024: 380, 2025: 420}}}},
		{code: "RD 1.2", title: "Bezplatná rodičovská poradna a sociálně aktivizační služba", kind: "keep", timeframe: "průběžně",
			desc: "Zachovat poradnu pro rodiče a terénní práci s rodinami.", resp: []string{"Občanské sdružení ONYX"},
			services: []string{"sociálně aktivizační služby pro rodiny s dětmi (§ 65)"}, links: []string{"Sociálně aktivizační služba pro rodiny"}, costs: []int64{1_600_000, 1_650_000, 1_700_000}, source: "dotace MPSV, rozpočet města",
			inds: []demoIndicator{{name: "Podpořené rodiny", unit: "rodin", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "clients", baseline: 36, target: 40}}},
		{code: "RD 1.3", title: "Prevence v mateřských školách", kind: "new", timeframe: "2027–2028",
			desc: "Programy primární prevence pro předškolní děti a jejich rodiče.", resp: []string{"Město Otrokovice"}, partners: []string{"Občanské sdružení ONYX"},
			costs: []int64{0, 150_000, 150_000}, source: "rozpočet města",
			inds: []demoIndicator{{name: "Zapojené mateřské školy", unit: "škol", source: "odbor školství", method: plan.MethodManual, baseline: 0, target: 8}}},
	}},
	{"SPJ", "SPJ 1", "Prevence zadlužení a závislostí", "Včasná pomoc lidem ohroženým dluhy, drogami a vyloučením.", []demoMeasure{
		{code: "SPJ 1.1", title: "Dluhová poradna", kind: "develop", timeframe: "2026–2028",
			desc: "Rozšířit dluhové poradenství o konzultace v Napajedlech a Tlumačově.", resp: []string{"Naděje Otrokovice"}, partners: []string{"Město Napajedla"},
			services: []string{"odborné sociální poradenství (§ 37)"}, links: []string{"Dluhová poradna Naděje"}, costs: []int64{1_200_000, 1_250_000, 1_300_000}, source: "dotace MPSV, rozpočty obcí",
			inds: []demoIndicator{{name: "Klienti dluhové poradny", unit: "klientů", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "clients", baseline: 149, target: 180}}},
		{code: "SPJ 1.2", title: "Nízkoprahový klub pro děti a mládež", kind: "keep", timeframe: "průběžně",
			desc: "Udržet klub otevřený pět dní v týdnu.", resp: []string{"Občanské sdružení ONYX"},
			services: []string{"nízkoprahová zařízení pro děti a mládež (§ 62)"}, links: []string{"Nízkoprahový klub Kamarád"}, costs: []int64{1_900_000, 1_950_000, 2_000_000}, source: "dotace MPSV, rozpočet města",
			inds: []demoIndicator{{name: "Děti a mladí v klubu", unit: "klientů", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "clients", baseline: 104, target: 120}}},
		{code: "SPJ 1.3", title: "Terénní program pro lidi užívající drogy", kind: "keep", timeframe: "průběžně",
			desc: "Výměnný program a kontaktní práce v ulicích.", resp: []string{"Naděje Otrokovice"},
			services: []string{"terénní programy (§ 69)"}, links: []string{"Terénní programy Naděje"}, costs: []int64{2_300_000, 2_350_000, 2_400_000}, source: "dotace MPSV, kraj",
			inds: []demoIndicator{{name: "Kontakty terénního programu", unit: "kontaktů", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "contacts", baseline: 4500, target: 4800}}},
	}},
	{"KRN", "KRN 1", "Bydlení a krizová pomoc", "Střecha nad hlavou a pomoc v nejtěžších chvílích.", []demoMeasure{
		{code: "KRN 1.1", title: "Startovací byty pro mladé a rodiny v krizi", kind: "new", timeframe: "2027–2028",
			desc: "Vyčlenit městské byty jako startovací pro lidi odcházející z azylového domu a mladé dospělé; zvážit malometrážní byty pro seniory.", acts: "výběr bytů v majetku města\npravidla přidělování\nsociální práce s nájemníky",
			resp: []string{"Město Otrokovice"}, partners: []string{"Naděje Otrokovice"}, costs: []int64{0, 600_000, 300_000}, source: "rozpočet města, IROP",
			inds: []demoIndicator{{name: "Startovací byty", unit: "bytů", source: "odbor rozvoje a správy majetku", method: plan.MethodManual, baseline: 0, target: 6}}},
		{code: "KRN 1.2", title: "Azylový dům a noclehárna", kind: "keep", timeframe: "průběžně",
			desc: "Zachovat azylový dům a noclehárnu pro lidi bez domova.", resp: []string{"Naděje Otrokovice", "Charita sv. Anežky Otrokovice"},
			services: []string{"azylové domy (§ 57)", "noclehárny (§ 63)"}, links: []string{"Azylový dům Naděje", "Noclehárna pro muže"}, costs: []int64{6_000_000, 6_100_000, 6_200_000}, source: "dotace MPSV, rozpočty obcí",
			inds: []demoIndicator{{name: "Lidé ubytovaní v azylovém domě a noclehárně", unit: "osob", source: "výkazy poskytovatelů", method: plan.MethodComputed, metric: "clients", baseline: 110, target: 110}}},
		{code: "KRN 1.3", title: "Krizová linka sociálně-právní ochrany dětí", kind: "systemic", timeframe: "průběžně",
			desc: "Nonstop telefon pro děti a rodiče v ohrožení.", resp: []string{"Město Otrokovice"}, costs: []int64{120_000, 120_000, 120_000}, source: "rozpočet města",
			inds: []demoIndicator{{name: "Hovory na krizové lince", unit: "hovorů", source: "OSPOD", method: plan.MethodManual, baseline: 210, target: 250, values: map[int]float64{2024: 190, 2025: 210}}}},
	}},
	{"", "PR 1", "Informace a spolupráce", "Lidé vědí, kde najdou pomoc; partneři spolupracují.", []demoMeasure{
		{code: "PR 1.1", title: "Katalog služeb a rubrika „Fokus na sociální služby“", kind: "systemic", timeframe: "průběžně",
			desc: "Každý měsíc článek v městských novinách podle plánu článků; katalog služeb na webu.", resp: []string{"Město Otrokovice"},
			partners: []string{"Charita sv. Anežky Otrokovice", "Naděje Otrokovice", "SENIOR Otrokovice"}, costs: []int64{80_000, 80_000, 80_000}, source: "rozpočet města",
			inds: []demoIndicator{{name: "Publikované články", unit: "článků", source: "redakce", method: plan.MethodManual, baseline: 12, target: 12, values: map[int]float64{2024: 11, 2025: 12}}}},
	}},
}

// The previous period, now read-only, with its yearly evaluation of 2025.
var previousPlan = []demoPriority{
	{"SEN", "SEN 1", "Péče o seniory v domácím prostředí", "", []demoMeasure{
		{code: "SEN 1.1", title: "Rozšíření pečovatelské služby", kind: "develop", timeframe: "2023–2025", resp: []string{"Charita sv. Anežky Otrokovice"},
			links: []string{"Pečovatelská služba Charity Otrokovice", "Pečovatelská služba SENIOR"}, costs: []int64{900_000, 950_000, 1_000_000}, source: "dotace MPSV",
			inds: []demoIndicator{{name: "Klienti pečovatelské služby", unit: "klientů", method: plan.MethodComputed, metric: "clients", baseline: 190, target: 230}}},
	}},
	{"OZP", "OZP 1", "Bezbariérové město", "", []demoMeasure{
		{code: "OZP 1.1", title: "Odstraňování bariér v Otrokovicích", kind: "systemic", timeframe: "2023–2025", resp: []string{"Město Otrokovice"}, costs: []int64{50_000, 50_000, 50_000}, source: "rozpočet města",
			inds: []demoIndicator{{name: "Odstraněné bariéry", unit: "bariér", method: plan.MethodManual, baseline: 0, target: 20, values: map[int]float64{2024: 9, 2025: 16}}}},
	}},
	{"KRN", "KRN 1", "Pomoc lidem bez domova", "", []demoMeasure{
		{code: "KRN 1.1", title: "Noclehárna pro muže", kind: "new", timeframe: "2023–2024", resp: []string{"Charita sv. Anežky Otrokovice"}, links: []string{"Noclehárna pro muže"},
			costs: []int64{1_500_000, 1_600_000, 1_700_000}, source: "dotace MPSV",
			inds: []demoIndicator{{name: "Ubytovaní v noclehárně", unit: "osob", method: plan.MethodComputed, metric: "clients", baseline: 0, target: 50}}},
	}},
}

// demoServicePlace is where each demo service is provided (its seat or the
// place of its field work), for the network map of the dashboard.
var demoServicePlace = map[string]string{
	"Pečovatelská služba Charity Otrokovice": "Otrokovice",
	"Tísňová péče Anežka":                    "Otrokovice",
	"Odlehčovací služba Charity":             "Otrokovice",
	"Noclehárna pro muže":                    "Otrokovice",
	"Domov pro seniory SENIOR":               "Otrokovice",
	"Domov se zvláštním režimem SENIOR":      "Otrokovice",
	"Pečovatelská služba SENIOR":             "Tlumačov",
	"Domov pro seniory Napajedla":            "Napajedla",
	"Azylový dům Naděje":                     "Otrokovice",
	"Terénní programy Naděje":                "Otrokovice",
	"Dluhová poradna Naděje":                 "Otrokovice",
	"Osobní asistence CZP":                   "Napajedla",
	"Odborné sociální poradenství CZP":       "Otrokovice",
	"Nízkoprahový klub Kamarád":              "Napajedla",
	"Sociálně aktivizační služba pro rodiny": "Otrokovice",
}

func loadPlan(ctx context.Context, d Deps, ids *IDs) error {
	svc := plan.NewService(d.DB, d.Audit, d.Now, d.Partners)
	// The demo writes reports as the coordinator.
	ctx = auth.WithUser(ctx, &auth.User{ID: ids.Users["koordinator"], Login: "koordinator", FullName: "Mgr. Jana Dvořáková", Role: auth.RoleCoordinator, Active: true})
	svcIDs := map[string]int64{}
	for _, s := range demoServices {
		tg := ids.TargetGroups[s.tg]
		m, ok := ids.Municipalities[demoServicePlace[s.name]]
		if !ok {
			return fmt.Errorf("service %s: no municipality", s.name)
		}
		saved, err := svc.SaveService(ctx, 0, plan.ProviderService{OrganisationID: ids.Organisations[s.org], Name: s.name, ServiceType: s.typ, TargetGroupID: &tg, CapacityUnit: s.unit, MunicipalityID: &m})
		if err != nil {
			return fmt.Errorf("service %s: %w", s.name, err)
		}
		svcIDs[s.name] = saved.ID
	}
	old, err := svc.SavePeriod(ctx, 0, plan.Period{YearFrom: 2023, YearTo: 2025, Current: true, Note: "Střednědobý plán rozvoje sociálních služeb ORP Otrokovice na léta 2023–2025."})
	if err != nil {
		return err
	}
	oldMeasures, err := loadPriorities(ctx, svc, old, previousPlan, ids, svcIDs)
	if err != nil {
		return err
	}
	if _, err := svc.RecordUpdate(ctx, old.ID, "Plán schválen zastupitelstvem města Otrokovice."); err != nil {
		return err
	}
	// Two past rounds, each with its own clock so that reports are on time.
	data := map[int]func(demoService) plan.ReportData{2024: func(s demoService) plan.ReportData { return s.y24 }, 2025: func(s demoService) plan.ReportData { return s.y25 }}
	for _, year := range []int{2024, 2025} {
		at := time.Date(year+1, time.March, 10, 9, 0, 0, 0, time.UTC)
		svc.Now = func() time.Time { return at }
		r, err := svc.OpenRound(ctx, plan.Round{Year: year, Deadline: plan.MakeDate(year+1, time.March, 31)})
		if err != nil {
			return fmt.Errorf("round %d: %w", year, err)
		}
		reps, err := svc.Reports(ctx, plan.ReportFilter{RoundID: r.ID})
		if err != nil {
			return err
		}
		bySvc := map[int64]plan.Report{}
		for _, rep := range reps {
			bySvc[rep.ServiceID] = rep
		}
		for i, s := range demoServices {
			at = at.Add(time.Duration(i+1) * 37 * time.Minute)
			rep := bySvc[svcIDs[s.name]]
			fig := data[year](s)
			if s.name == "Pečovatelská služba Charity Otrokovice" {
				fig.Values = map[string]float64{}
			}
			action := plan.ActionSubmit
			if year == 2025 && equalData(s.y24, s.y25) {
				action = plan.ActionConfirm
			}
			if _, err := svc.SaveReport(ctx, rep.ID, fig, action); err != nil {
				return fmt.Errorf("report %s %d: %w", s.name, year, err)
			}
		}
		if _, err := svc.SetRoundState(ctx, r.ID, plan.RoundClosed); err != nil {
			return err
		}
	}
	// Evaluation of 2025 of the previous plan: proposed and approved.
	at := time.Date(2026, time.April, 20, 10, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return at }
	evals := map[string][2]string{
		"SEN 1.1": {"fulfilled", "Pečovatelská služba Charity i SENIOR rozšířila kapacitu; klientů přibylo na 220."},
		"OZP 1.1": {"partly", "Odstraněno 16 z 20 plánovaných bariér; zbývající čekají na rekonstrukci náměstí."},
		"KRN 1.1": {"fulfilled", "Noclehárna s 12 lůžky funguje od roku 2024, v roce 2025 přespalo 61 lidí."},
	}
	for _, m := range oldMeasures {
		ev, ok := evals[m.Code]
		if !ok {
			continue
		}
		e, err := svc.ProposeEvaluation(ctx, plan.Evaluation{MeasureID: m.ID, Year: 2025, State: ev[0], Justification: ev[1], Evidence: []string{"Zápis PS ze dne 12. 3. 2026", "Monitorovací kolo 2025"}})
		if err != nil {
			return fmt.Errorf("evaluation %s: %w", m.Code, err)
		}
		if _, err := svc.ApproveEvaluation(ctx, e.ID, "usnesení ŘS č. 4/2026"); err != nil {
			return err
		}
	}
	// The current plan 2026–2028.
	at = time.Date(2026, time.January, 15, 9, 0, 0, 0, time.UTC)
	cur, err := svc.SavePeriod(ctx, 0, plan.Period{YearFrom: 2026, YearTo: 2028, Current: true,
		Note: "Komunitní plán sociálních služeb ORP Otrokovice na léta 2026–2028 navazuje na vyhodnocení plánu 2023–2025 a na podněty pracovních skupin."})
	if err != nil {
		return err
	}
	if _, err := loadPriorities(ctx, svc, cur, currentPlan, ids, svcIDs); err != nil {
		return err
	}
	if _, err := svc.RecordUpdate(ctx, cur.ID, "Plán schválen usnesením zastupitelstva č. 12/2026."); err != nil {
		return err
	}
	// Voice of users and municipalities.
	sen, ozp, rdg := ids.TargetGroups["SEN"], ids.TargetGroups["OZP"], ids.TargetGroups["RD"]
	m11, _ := findMeasureID(ctx, svc, cur.ID, "SEN 1.1")
	m21, _ := findMeasureID(ctx, svc, cur.ID, "OZP 1.1")
	m31, _ := findMeasureID(ctx, svc, cur.ID, "RD 1.1")
	voices := []plan.VoiceInput{
		{Day: store.NewDate(2026, time.February, 18), Source: "public_meeting", TargetGroupID: &sen, Text: "Na veřejném setkání v Napajedlech zaznělo, že o víkendu není kdo pomoci s hygienou a obědem.", MeasureIDs: []int64{m11}},
		{Day: store.NewDate(2026, time.March, 4), Source: "users_council", TargetGroupID: &ozp, Text: "Rada uživatelů CZP žádá dopravu na vozíku i k lékaři do Zlína.", MeasureIDs: []int64{m21}},
		{Day: store.NewDate(2026, time.May, 12), Source: "consultation", TargetGroupID: &rdg, Text: "Výchovní poradci škol uvádějí čekání na psychologa delší než dva měsíce.", MeasureIDs: []int64{m31}},
	}
	for _, v := range voices {
		if _, err := svc.CreateVoiceInput(ctx, v); err != nil {
			return err
		}
	}
	for _, mi := range []plan.MunicipalityIndicator{
		{MunicipalityID: ids.Municipalities["Otrokovice"], Year: 2025, Name: "Senioři nad 80 let žijící sami", Value: 410, Unit: "osob", Note: "odhad z evidence obyvatel"},
		{MunicipalityID: ids.Municipalities["Napajedla"], Year: 2025, Name: "Senioři nad 80 let žijící sami", Value: 160, Unit: "osob"},
		{MunicipalityID: ids.Municipalities["Halenkovice"], Year: 2025, Name: "Žádosti o příspěvek na péči", Value: 23, Unit: "žádostí"},
	} {
		if _, err := svc.SaveMunicipalityIndicator(ctx, mi); err != nil {
			return err
		}
	}
	return nil
}

func equalData(a, b plan.ReportData) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func findMeasureID(ctx context.Context, svc *plan.Service, periodID int64, code string) (int64, error) {
	ms, err := svc.FindMeasures(ctx, periodID)
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		if m.Code == code {
			return m.ID, nil
		}
	}
	return 0, fmt.Errorf("no measure %s", code)
}

func loadPriorities(ctx context.Context, svc *plan.Service, per *plan.Period, prios []demoPriority, ids *IDs, svcIDs map[string]int64) ([]plan.Measure, error) {
	var out []plan.Measure
	for i, dp := range prios {
		pr := plan.Priority{PeriodID: per.ID, Code: dp.code, Title: dp.title, Description: dp.desc, SortOrder: i + 1}
		if dp.tg != "" {
			tg := ids.TargetGroups[dp.tg]
			pr.TargetGroupID = &tg
		}
		savedP, err := svc.SavePriority(ctx, 0, pr)
		if err != nil {
			return nil, fmt.Errorf("priority %s: %w", dp.code, err)
		}
		for _, dm := range dp.measures {
			m := plan.Measure{PriorityID: savedP.ID, Code: dm.code, Title: dm.title, Kind: dm.kind, Description: dm.desc, Activities: dm.acts, Timeframe: dm.timeframe, Services: dm.services}
			for _, o := range dm.resp {
				m.ResponsibleIDs = append(m.ResponsibleIDs, ids.Organisations[o])
			}
			for _, o := range dm.partners {
				m.PartnerIDs = append(m.PartnerIDs, ids.Organisations[o])
			}
			for _, s := range dm.links {
				m.ServiceIDs = append(m.ServiceIDs, svcIDs[s])
			}
			for j, c := range dm.costs {
				if c > 0 {
					m.Costs = append(m.Costs, plan.Cost{Year: per.YearFrom + j, Amount: c, Source: dm.source})
				}
			}
			saved, err := svc.SaveMeasure(ctx, 0, m)
			if err != nil {
				return nil, fmt.Errorf("measure %s: %w", dm.code, err)
			}
			for _, di := range dm.inds {
				b, t := di.baseline, di.target
				ind := plan.Indicator{MeasureID: saved.ID, Name: di.name, Unit: di.unit, Baseline: &b, Target: &t, Source: di.source, Method: di.method, Metric: di.metric}
				if di.service != "" {
					sid := svcIDs[di.service]
					ind.ServiceID = &sid
				}
				si, err := svc.SaveIndicator(ctx, 0, ind)
				if err != nil {
					return nil, fmt.Errorf("indicator %s: %w", di.name, err)
				}
				var vals []plan.IndicatorValue
				for y, v := range di.values {
					vals = append(vals, plan.IndicatorValue{IndicatorID: si.ID, Year: y, Value: v, Note: "demo"})
				}
				if len(vals) > 0 {
					if err := svc.SetIndicatorValues(ctx, vals, "demo"); err != nil {
						return nil, err
					}
				}
			}
			out = append(out, *saved)
		}
	}
	return out, nil
}

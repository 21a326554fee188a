package demo

import (
	"context"
	"fmt"
	"time"

	"kpss/internal/news"
	"kpss/internal/store"
)

// The news of the demo region and the 2026 plan of the column "Zaostřeno na
// sociální služby": one partner organisation a month; the months already
// out have their article among the news.
func init() {
	Register(62, "news", func(ctx context.Context, d Deps, ids *IDs) error {
		svc := news.NewService(d.DB, d.Audit, d.Now, d.Partners, nil, "")
		now := d.Now()
		for _, n := range demoNews {
			at := now.AddDate(0, 0, -n.daysAgo)
			item := news.Item{Title: n.title, Perex: n.perex, Body: n.body, PublishedAt: &at}
			if n.org != "" {
				id := ids.Organisations[n.org]
				item.OrganisationID = &id
			}
			if _, err := svc.SaveNews(ctx, 0, item, true); err != nil {
				return fmt.Errorf("%s: %w", n.title, err)
			}
		}
		for i, a := range demoPlan2026 {
			month := i + 1
			// The text is due on the 20th of the month before it appears.
			deadline := time.Date(2026, time.Month(month), 1, 0, 0, 0, 0, news.Prague).AddDate(0, 0, -12)
			appears := time.Date(2026, time.Month(month), 3, 9, 0, 0, 0, news.Prague)
			e := news.PlanEntry{Year: 2026, Month: month, Topic: a.topic, OrganisationID: ids.Organisations[a.org],
				Deadline: store.NewDate(deadline.Year(), deadline.Month(), deadline.Day()), State: "planned", Note: a.note}
			switch {
			case appears.Before(now):
				org := ids.Organisations[a.org]
				item, err := svc.SaveNews(ctx, 0, news.Item{Title: a.topic, Perex: a.perex, Body: a.perex + "\n\n" + columnFooter,
					OrganisationID: &org, PublishedAt: &appears}, true)
				if err != nil {
					return fmt.Errorf("%s: %w", a.topic, err)
				}
				e.State, e.NewsID = "published", &item.ID
			case deadline.Before(now):
				e.State = "approved"
			case deadline.Before(now.AddDate(0, 0, 14)):
				e.State = "written"
			}
			if _, err := svc.SavePlanEntry(ctx, 0, e); err != nil {
				return fmt.Errorf("plan %d: %w", month, err)
			}
		}
		return nil
	})
}

const columnFooter = "*Článek vyšel v rubrice „Zaostřeno na sociální služby“ v Otrokovických novinách. Další služby najdete v [katalogu sociálních služeb](/katalog) a rady v [životních situacích](/zivotni-situace).*"

var demoNews = []struct {
	title, perex, body, org string
	daysAgo                 int
}{
	{title: "Aktualizace komunitního plánu: přidejte své připomínky",
		perex:   "Návrh aktualizace komunitního plánu sociálních služeb je k připomínkám do konce měsíce. Zajímá nás, co vám v regionu chybí.",
		body:    "## Jak se zapojit\n\n- přečtěte si návrh na městském úřadě nebo na webu města,\n- připomínku pošlete e-mailem koordinátorce KPSS, nebo ji zadejte jako **podnět**,\n- přijďte na veřejné projednání – termín najdete v [kalendáři](/kalendar).\n\nKaždou připomínku projednají pracovní skupiny a odpovíme na ni.",
		daysAgo: 6},
	{title: "Rotující seznamka pracovníků sociálních služeb se blíží",
		perex:   "Pracovníci v přímé péči z celého regionu se letos opět potkají na jednom místě. Přihlášky přijímá koordinátorka KPSS.",
		body:    "Setkání trvá jedno dopoledne. Každý se postupně potká s kolegy z jiných organizací, porovná služby a domluví, jak na sebe mohou navazovat. Loni přišlo **padesát lidí**.\n\nPodrobnosti najdete v [kalendáři akcí](/kalendar).",
		daysAgo: 12},
	{title: "Pečovatelská služba nově i o víkendech v Tlumačově",
		perex: "Charita sv. Anežky Otrokovice rozšířila pečovatelskou službu o víkendy a svátky také v Tlumačově.",
		body:  "Pomoc s hygienou, podáním jídla a léků je teď k dispozici **každý den v týdnu**. Službu si můžete domluvit na telefonu +420 577 000 111.",
		org:   "Charita sv. Anežky Otrokovice", daysAgo: 30},
}

var demoPlan2026 = []struct{ topic, org, perex, note string }{
	{"Pečovatelská služba: pomoc, která přijde domů", "Charita sv. Anežky Otrokovice", "Jak pečovatelská služba funguje, kolik stojí a jak si ji domluvit.", ""},
	{"Zima a lidé bez domova: jak funguje noclehárna", "Naděje Otrokovice", "Co dělat, když venku uvidíte člověka, který mrzne, a kam ho poslat.", ""},
	{"Dluhy nejsou konec světa", "Charita sv. Anežky Otrokovice", "Bezplatná dluhová poradna radí, jak začít splácet a kdy požádat o oddlužení.", ""},
	{"Bezbariérová města: co se za rok podařilo", "Centrum pro zdravotně postižené Zlínského kraje", "Nové nájezdy, vodicí linie a madla: přehled bariér, které v regionu zmizely.", "Ideálně s fotografiemi před a po."},
	{"Den s pečovatelkou v domově pro seniory", "Domov pro seniory Napajedla", "Jak vypadá běžný den v domově a jak se připravit na nástup.", ""},
	{"Prázdniny v nízkoprahovém klubu", "Občanské sdružení ONYX", "Co nabízí klub dětem a dospívajícím přes léto.", ""},
	{"Horké dny a senioři: první pomoc", "Oblastní spolek ČČK Zlín", "Jak poznat úpal a přehřátí a jak pomoci.", ""},
	{"Aktivní senioři: kluby, přednášky, výlety", "SENIOR Otrokovice", "Kde se mohou senioři v regionu potkávat a vzdělávat.", ""},
	{"Odlehčovací služba: když si pečující potřebuje odpočinout", "Charita sv. Anežky Otrokovice", "Několik dní nebo týdnů péče v zařízení, zatímco si rodina odpočine.", ""},
	{"Tísňová péče: tlačítko, které pomáhá", "Centrum pro zdravotně postižené Zlínského kraje", "Jak funguje tísňové tlačítko a pro koho je vhodné.", ""},
	{"Příspěvek na péči krok za krokem", "Město Otrokovice", "Kdo má na příspěvek nárok, kde o něj požádat a jak probíhá sociální šetření.", "Píše odbor sociálních věcí."},
	{"Vánoce i pro ty, kdo nemají domov", "Naděje Otrokovice", "Jak mohou lidé pomoci azylovému domu a noclehárně v zimě.", "Uveďte sbírku teplého oblečení."},
}

package demo

import (
	"context"
	"fmt"

	"kpss/internal/guide"
)

// The life-situation guides of the demo region, in plain Czech a senior
// understands. Organisations are those of the region; phone numbers of the
// national help lines are the real ones.
func init() {
	Register(60, "guide", func(ctx context.Context, d Deps, ids *IDs) error {
		svc := guide.NewService(d.DB, d.Audit, d.Now)
		for _, g := range demoGuides {
			g.Published = true
			if _, err := svc.CreateGuide(ctx, g); err != nil {
				return fmt.Errorf("%s: %w", g.Title, err)
			}
		}
		return nil
	})
}

var demoGuides = []guide.Guide{
	{
		Title:        "Blízký člověk potřebuje péči",
		Summary:      "Maminka už sama nezvládne nákup, tatínek po mrtvici potřebuje pomoc s hygienou? Nemusíte na to být sami.",
		ServiceQuery: "pečovatelská služba",
		Intro: `Péče o blízkého člověka doma je náročná. Pomoc můžete dostat od pečovatelské služby, od osobní asistence nebo na pár dní od odlehčovací služby, když si potřebujete odpočinout. Na péči můžete dostat i peníze – **příspěvek na péči**.

Nejste na to sami. Poradit vám rádi přijdou i domů.`,
		WhoHelps: `- **Pečovatelská služba** – pečovatelka přijde domů: pomůže s hygienou, oblékáním, přiveze oběd, nakoupí. V Otrokovicích ji poskytuje Charita sv. Anežky Otrokovice, v Napajedlech a okolních obcích také Domov pro seniory Napajedla.
- **Odlehčovací služba** – váš blízký může pobýt několik dní až týdnů v zařízení, zatímco vy si odpočinete, jste v nemocnici nebo na dovolené.
- **Tísňová péče** – malé tlačítko na ruce nebo na krku. Když člověk upadne nebo mu je zle, stiskne je a pomoc přijede.
- **Domácí zdravotní péče** – zdravotní sestra přijde domů na doporučení praktického lékaře (převazy, injekce). Platí ji zdravotní pojišťovna.
- **Sociální pracovnice městského úřadu** – poradí, co je možné, a pomůže s vyřízením.`,
		FirstSteps: `1. Zavolejte nebo zajděte na **odbor sociálních věcí** Městského úřadu Otrokovice. Sociální pracovnice s vámi probere, co váš blízký potřebuje.
2. Domluvte se s **praktickým lékařem** vašeho blízkého. Jeho zpráva se hodí pro pečovatelskou službu i pro příspěvek na péči.
3. Požádejte o **příspěvek na péči** na kontaktním pracovišti Úřadu práce v Otrokovicích. Tiskopis vám dají na úřadě, pomohou vám ho i vyplnit.
4. Ozvěte se **pečovatelské službě**. Pracovnice přijde na návštěvu a domluvíte se, s čím a kdy bude pomáhat.`,
		WhatToBring: `- občanský průkaz blízkého člověka (a váš, pokud jednáte za něj)
- kartičku zdravotní pojišťovny
- lékařské zprávy, které máte doma
- rozhodnutí o důchodu, pokud žádáte o příspěvek na péči
- seznam léků, které blízký užívá`,
		WhereWhen: `- **Odbor sociálních věcí MěÚ Otrokovice**, nám. 3. května 1340, Otrokovice – úřední hodiny pondělí a středa 8–17 hodin; po domluvě i jindy.
- **Úřad práce ČR, kontaktní pracoviště Otrokovice** – příspěvek na péči; úřední hodiny pondělí a středa 8–17 hodin.
- **Charita sv. Anežky Otrokovice**, Štefánikova 1403 – pečovatelská a odlehčovací služba, telefon +420 577 000 111.
- Poradit se můžete i po telefonu na **Lince seniorů 800 200 007** (zdarma, každý den 8–20 hodin).`,
	},
	{
		Title:        "Přišel jsem o bydlení",
		Summary:      "Dostali jste výpověď, musíte odejít z domova nebo už spíte venku? Tady je, kam se obrátit hned dnes.",
		ServiceQuery: "azylový dům",
		Intro:        `Ztráta bydlení se může stát každému – po rozvodu, po ztrátě práce, kvůli dluhům nebo násilí doma. Čím dříve se ozvete, tím víc možností zbývá. **Pomoc je i pro ty, kdo už nemají kde spát.**`,
		WhoHelps: `- **Naděje Otrokovice** – azylový dům pro muže, ženy i matky s dětmi, noclehárna na jednu noc a denní centrum, kde se můžete ohřát, najíst, vyprat a osprchovat.
- **Terénní sociální pracovníci** – přijdou za vámi tam, kde jste, a pomohou s doklady i hledáním bydlení.
- **Odbor sociálních věcí MěÚ Otrokovice** – poradí s dávkami na bydlení a s městskými byty.
- **Úřad práce** – příspěvek na bydlení a doplatek na bydlení, když nemáte na nájem.`,
		FirstSteps: `1. Pokud **dnes nemáte kde spát**, zajděte do noclehárny nebo azylového domu Naděje. Když nevíte kudy, zavolejte městskou policii na číslo **156**.
2. Pokud jste dostali **výpověď z nájmu**, nečekejte. Se smlouvou a výpovědí zajděte co nejdřív na odbor sociálních věcí. Výpověď se dá někdy ještě odvrátit.
3. Požádejte na úřadu práce o **příspěvek nebo doplatek na bydlení**, pokud vám nestačí peníze na nájem.
4. Zeptejte se na **městské byty** a sociální bydlení (startovací byty, byty pro lidi s nízkými příjmy).`,
		WhatToBring: `- občanský průkaz – pokud ho nemáte, pracovníci vám pomohou vyřídit nový
- nájemní smlouvu a výpověď, pokud je máte
- doklady o příjmu (výplatní páska, rozhodnutí o důchodu nebo dávkách)
- léky, které užíváte`,
		WhereWhen: `- **Naděje Otrokovice** – noclehárna otevírá každý večer, denní centrum ve všední dny dopoledne.
- **Odbor sociálních věcí MěÚ Otrokovice**, nám. 3. května 1340 – pondělí a středa 8–17 hodin, v ostatní dny po telefonické domluvě.
- V noci a o víkendu: **Městská policie 156**, v ohrožení **112**.`,
	},
	{
		Title:        "Mám dluhy",
		Summary:      "Nestíháte splácet, chodí vám upomínky nebo exekuce? Dluhy se dají řešit – a čím dřív, tím líp.",
		ServiceQuery: "dluhové poradenství",
		Intro: `Dluhy nejsou ostuda, ale samy nezmizí. Upomínky neschovávejte do šuplíku: **bezplatná dluhová poradna** vám pomůže zjistit, komu a kolik dlužíte, a najít cestu ven – třeba splátkový kalendář nebo oddlužení (osobní bankrot).

Pozor na nabídky rychlých půjček „bez registru“. Dluh jen zvětší.`,
		WhoHelps: `- **Dluhová poradna** (odborné sociální poradenství) – zdarma a důvěrně pomůže sepsat dluhy, jednat s věřiteli a podat návrh na oddlužení.
- **Sociální pracovnice MěÚ Otrokovice** – poradí s dávkami a pomůže, když hrozí ztráta bydlení.
- **Úřad práce** – pokud nemáte na základní potřeby, zeptejte se na příspěvek na živobytí a mimořádnou okamžitou pomoc.`,
		FirstSteps: `1. **Nepodepisujte** žádnou další půjčku, abyste splatili starou.
2. Posbírejte všechny dopisy od věřitelů a exekutorů na jedno místo, i ty neotevřené.
3. Objednejte se do **dluhové poradny**. Vezměte s sebou všechny papíry.
4. Platit přednostně: **nájem, energie a jídlo**. Na ty potřebujete peníze nejdřív.`,
		WhatToBring: `- občanský průkaz
- všechny smlouvy o půjčkách, upomínky, platební rozkazy, dopisy od exekutorů
- doklady o příjmech a výdajích (výplatní pásky, důchod, nájem, energie)
- seznam, komu si myslíte, že dlužíte – i když není úplný`,
		WhereWhen: `- **Dluhová poradna v Otrokovicích** – konzultace po objednání, ve všední dny; termín domluvíte telefonem nebo e-mailem.
- **Odbor sociálních věcí MěÚ Otrokovice**, nám. 3. května 1340 – pondělí a středa 8–17 hodin.
- Ověřit, zda na vás vedou exekuci, můžete v **Centrální evidenci exekucí** (na poště nebo na Czech POINTu).`,
	},
	{
		Title:        "Dítě potřebuje pomoc",
		Summary:      "Dítě má potíže ve škole, doma nebo s kamarády, nebo máte obavu, že mu někdo ubližuje? Poradíme, na koho se obrátit.",
		ServiceQuery: "rodiny s dětmi",
		Intro:        `Každá rodina se někdy dostane do těžké chvíle. Pomoc je tu pro rodiče, pro prarodiče i pro děti samotné. **Pokud je dítě v ohrožení, volejte hned 158 nebo 112.**`,
		WhoHelps: `- **Sociálně-právní ochrana dětí (OSPOD)** na MěÚ Otrokovice – sociální pracovnice pomáhají rodinám v nesnázích a chrání děti, kterým někdo ubližuje. Mají i **krizovou telefonní linku** pro naléhavé situace.
- **Nízkoprahový klub pro děti a mládež** (Občanské sdružení ONYX) – místo, kam mohou děti a dospívající přijít po škole, popovídat si a najít podporu.
- **Sociálně aktivizační služba pro rodiny s dětmi** – pracovnice dochází do rodiny a pomáhá s výchovou, školou i domácností.
- **Bezplatná rodičovská poradna a psycholog** ve škole a na městském úřadě.
- **Linka bezpečí 116 111** – pro děti a dospívající, zdarma a nonstop. Pro rodiče je **Rodičovská linka 606 021 021**.`,
		FirstSteps: `1. Promluvte si s dítětem v klidu a bez výčitek. Řekněte mu, že pomoc existuje.
2. Zavolejte nebo zajděte na **OSPOD** městského úřadu. Rozhovor je důvěrný a nic se neděje bez vás.
3. Pokud jde o školu, domluvte si schůzku s **třídním učitelem nebo školním psychologem**.
4. Pokud dítě zažívá násilí nebo je v ohrožení, volejte **158** nebo **112**.`,
		WhatToBring: `- rodný list dítěte nebo kartičku pojišťovny
- zprávy ze školy, od lékaře nebo psychologa, pokud je máte
- krátké poznámky, co se děje a odkdy – v rozrušení se snadno zapomíná`,
		WhereWhen: `- **OSPOD, odbor sociálních věcí MěÚ Otrokovice**, nám. 3. května 1340 – pondělí a středa 8–17 hodin, v jiné dny po domluvě; v naléhavých případech krizová linka OSPOD.
- **Nízkoprahový klub** ONYX v Otrokovicích – odpoledne ve všední dny.
- **Linka bezpečí 116 111** – nonstop, zdarma.`,
	},
	{
		Title:        "Jsem v náhlé krizi",
		Summary:      "Stalo se něco, co vám převrátilo život – úmrtí, násilí, úraz, rozchod? Nemusíte to zvládat sami. Pomoc je i v noci.",
		ServiceQuery: "krizová pomoc",
		Intro:        `Krize může přijít náhle: smrt blízkého, násilí, požár, ztráta práce nebo pocit, že už nemůžete dál. Je v pořádku požádat o pomoc. **Pokud jde o život, volejte 155 nebo 112.**`,
		WhoHelps: `- **Linka první psychické pomoci 116 123** – nonstop a zdarma, můžete zůstat v anonymitě.
- **Krizová pomoc** – krátkodobá pomoc lidem v akutní krizi: rozhovor s odborníkem, bezpečné místo, další kroky.
- **Intervenční centrum** – pro lidi, kteří zažívají domácí násilí.
- **Linka seniorů 800 200 007** – pro starší lidi a jejich blízké.
- **Sociální pracovnice MěÚ Otrokovice** – pomohou zařídit další pomoc a dávky.`,
		FirstSteps: `1. Pokud jste v ohrožení, **odejděte do bezpečí** a volejte **158** (policie) nebo **112**.
2. Zavolejte na **Linku první psychické pomoci 116 123**. Stačí říct, co se stalo.
3. Nebuďte sami – ozvěte se někomu blízkému, komu věříte.
4. Další dny se obraťte na **sociální odbor** nebo krizovou pomoc. Pomohou s tím, co je potřeba zařídit.`,
		WhatToBring: `- občanský průkaz, pokud ho máte po ruce
- léky, které užíváte
- pokud odcházíte z domova kvůli násilí: doklady, klíče, peníze, telefon s nabíječkou a věci pro děti`,
		WhereWhen: `- **Linka první psychické pomoci 116 123** – nonstop.
- **Záchranná služba 155, policie 158, jednotné číslo 112** – nonstop.
- **Odbor sociálních věcí MěÚ Otrokovice**, nám. 3. května 1340 – pondělí a středa 8–17 hodin, v jiné dny po domluvě.`,
	},
	{
		Title:        "Stárnu a chci zůstat doma",
		Summary:      "Chcete co nejdéle žít ve svém? S drobnou pomocí to často jde. Poradíme, co je k dispozici.",
		ServiceQuery: "senioři",
		Intro:        `Většina lidí chce stárnout doma. Pomůže pečovatelská služba, tísňová péče, dovoz obědů, úprava bytu nebo klub seniorů, kde se potkáte s ostatními.`,
		WhoHelps: `- **Pečovatelská služba** – pomoc s nákupem, úklidem, hygienou, dovoz obědů.
- **Tísňová péče** – tlačítko pro přivolání pomoci, když upadnete.
- **SENIOR Otrokovice** a kluby seniorů – setkávání, výlety, přednášky.
- **Centrum pro zdravotně postižené Zlínského kraje** – poradí s kompenzačními pomůckami a úpravou bytu.
- **Koordinátor bezbariérovosti** na městském úřadě – když vám v cestě stojí schody či chybí madlo.`,
		FirstSteps: `1. Sepište si, s čím potřebujete pomoct (nákup, úklid, koupání, doprava k lékaři).
2. Zavolejte **pečovatelské službě** nebo na **odbor sociálních věcí**.
3. Zeptejte se praktického lékaře na **pomůcky** (chodítko, madla, polohovací postel) – část hradí pojišťovna.`,
		WhatToBring: `- občanský průkaz
- kartičku zdravotní pojišťovny
- seznam léků a lékařské zprávy`,
		WhereWhen: `- **Odbor sociálních věcí MěÚ Otrokovice**, nám. 3. května 1340 – pondělí a středa 8–17 hodin.
- **Linka seniorů 800 200 007** – každý den 8–20 hodin, zdarma.`,
	},
}

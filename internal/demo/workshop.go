package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kpss/internal/czech"
	"kpss/internal/group"
	"kpss/internal/web/i18n"
	"kpss/internal/workshop"
)

func init() { Register(70, "workshop", loadWorkshops) }

// loadWorkshops creates the six workshops of the seed project's timetable
// (June and October 2012; February, June and October 2013; February 2014)
// on its six topics, each of two blocks making six net hours, with 12–16
// participants from providers, the town office, users and carers, their
// attendance per block, closed as held, and certificates for those who
// attended at least 75 %; and one coming workshop taking registrations.
// The service runs on a clock moved to each workshop's time, so that the
// registrations and the attendance happen when they would have.
func loadWorkshops(ctx context.Context, d Deps, ids *IDs) error {
	var clock time.Time
	svc := workshop.NewService(d.DB, d.Audit, func() time.Time { return clock })
	gs := group.NewService(d.DB, d.Audit, d.Now, d.Partners)
	svc.Places = gs
	places, err := gs.FindPlaces(ctx)
	if err != nil {
		return err
	}
	var placeID *int64
	if len(places) > 0 {
		id := places[0].ID
		placeID = &id
	}
	prague := i18n.Prague
	at := func(y int, m time.Month, day, h, min int) time.Time {
		return time.Date(y, m, day, h, min, 0, 0, prague)
	}

	people := []struct{ name, org, role, aud string }{
		{"Bc. Lenka Horáková", "Charita sv. Anežky Otrokovice", "sociální pracovnice", workshop.AudStaff},
		{"Jiří Kolařík", "Charita sv. Anežky Otrokovice", "sociální pracovník", workshop.AudStaff},
		{"Zdeňka Navrátilová", "Charita sv. Anežky Otrokovice", "dluhová poradkyně", workshop.AudStaff},
		{"Mgr. Pavel Zbranek", "Naděje Otrokovice", "vedoucí služeb", workshop.AudStaff},
		{"Bc. Tereza Kozáková", "Naděje Otrokovice", "pracovnice azylového domu", workshop.AudStaff},
		{"Hana Vaculíková", "Domov pro seniory Napajedla", "ředitelka", workshop.AudStaff},
		{"Šárka Říhová", "Domov pro seniory Napajedla", "pracovnice v sociálních službách", workshop.AudStaff},
		{"Mgr. Eva Kopečná", "Centrum pro zdravotně postižené Zlínského kraje", "poradkyně", workshop.AudStaff},
		{"Bc. Ondřej Sklenář", "Centrum pro zdravotně postižené Zlínského kraje", "terapeut", workshop.AudStaff},
		{"Mgr. Kateřina Bartošová", "Občanské sdružení ONYX", "vedoucí nízkoprahového klubu", workshop.AudStaff},
		{"Martin Slováček", "Občanské sdružení ONYX", "terénní pracovník", workshop.AudStaff},
		{"Bc. Libor Vrba", "SENIOR Otrokovice", "ředitel", workshop.AudStaff},
		{"Alena Fojtíková", "Oblastní spolek ČČK Zlín", "koordinátorka dobrovolníků", workshop.AudStaff},
		{"Bc. Roman Vlček", "Město Otrokovice", "sociální kurátor", workshop.AudCommissioner},
		{"Ing. Jana Zapletalová", "Město Napajedla", "vedoucí odboru", workshop.AudCommissioner},
		{"Mgr. Lucie Hrubá", "Město Otrokovice", "metodička prevence", workshop.AudCommissioner},
		{"Bohumil Hradil", "", "uživatel pečovatelské služby", workshop.AudUser},
		{"Radek Pospíšil", "", "uživatel na vozíku", workshop.AudUser},
		{"Věra Mikulová", "", "pečující o manžela", workshop.AudCarer},
		{"Jarmila Koutná", "", "matka dítěte s postižením", workshop.AudCarer},
	}
	// jan.novak@example.cz: the name without titles, folded.
	email := func(name string) string {
		var parts []string
		for _, f := range strings.Fields(czech.Fold(name)) {
			if !strings.HasSuffix(f, ".") {
				parts = append(parts, f)
			}
		}
		return strings.Join(parts, ".") + "@example.cz"
	}

	seed := []struct {
		topic, desc, lecturer, lorg, bio string
		year                             int
		month                            time.Month
		day                              int
	}{
		{"Fundraising a samofinancování sociálních služeb", "Jak získat prostředky mimo dotace: dárci, firemní partnerství, vlastní činnost a jak o nich mluvit s veřejností.",
			"Mgr. Petra Holá", "Centrum pro neziskový sektor", "Dvanáct let vede kurzy fundraisingu pro neziskové organizace Zlínského kraje.", 2012, time.June, 14},
		{"Strategické plánování a řízení", "Od komunitního plánu k plánu organizace: cíle, ukazatele, rizika a jejich sledování.",
			"Ing. Tomáš Kubíček", "Institut regionálního rozvoje", "Konzultant strategického řízení obcí a sociálních služeb.", 2012, time.October, 11},
		{"Trendy v sociální práci, přístup k uživatelům", "Individuální plánování, práce s rizikem a podpora samostatnosti uživatele.",
			"PhDr. Martina Šebestová", "Univerzita Tomáše Bati ve Zlíně", "Vyučuje metody sociální práce, dříve terénní pracovnice.", 2013, time.February, 21},
		{"Motivace uživatelů", "Jak podpořit uživatele, aby službu aktivně využíval a sám rozhodoval o svých cílech; motivační rozhovor v praxi.",
			"Mgr. Jan Dostál", "Poradna pro rodinu Zlín", "Psycholog a lektor motivačních rozhovorů.", 2013, time.June, 13},
		{"Kvalita služeb versus aktuální dotace", "Standardy kvality a jejich financování: co udržet, když se dotace mění.",
			"Mgr. Ilona Vašíčková", "Krajský úřad Zlínského kraje", "Inspektorka kvality sociálních služeb.", 2013, time.October, 17},
		{"Transformace sociálních služeb", "Přechod od ústavní péče ke komunitním službám: zkušenosti, plánování a role obce.",
			"Mgr. Richard Matějka", "Platforma pro transformaci", "Provázel transformaci tří pobytových zařízení v kraji.", 2014, time.February, 20},
	}
	for i, sd := range seed {
		clock = at(sd.year, sd.month, sd.day, 8, 0).AddDate(0, 0, -40).UTC()
		w, err := svc.CreateWorkshop(ctx, workshop.Workshop{Topic: sd.topic, Description: sd.desc, LecturerName: sd.lecturer, LecturerOrg: sd.lorg, LecturerBio: sd.bio,
			PlaceID: placeID, Organiser: "Naděje Otrokovice ve spolupráci s Městem Otrokovice", MinParticipants: 10,
			Quotas: map[string]int{workshop.AudStaff: 12, workshop.AudCommissioner: 3, workshop.AudUser: 2, workshop.AudCarer: 2}})
		if err != nil {
			return fmt.Errorf("%s: %w", sd.topic, err)
		}
		blocks := []workshop.Block{
			{Title: "Úvod a teorie", StartsAt: at(sd.year, sd.month, sd.day, 9, 0), EndsAt: at(sd.year, sd.month, sd.day, 12, 30), BreakMinutes: 15},
			{Title: "Praktická cvičení a diskuse", StartsAt: at(sd.year, sd.month, sd.day, 13, 15), EndsAt: at(sd.year, sd.month, sd.day, 16, 15), BreakMinutes: 15},
		}
		for _, b := range blocks {
			if _, err := svc.AddBlock(ctx, w.ID, b); err != nil {
				return err
			}
		}
		if _, err := svc.Publish(ctx, w.ID); err != nil {
			return fmt.Errorf("%s: publish: %w", sd.topic, err)
		}
		// 12–16 people, a different mix each time.
		n := 12 + (i*3)%5
		var regs []*workshop.Registration
		for k := 0; k < n; k++ {
			pp := people[(i*7+k)%len(people)]
			clock = clock.Add(5 * time.Hour)
			r, err := svc.Register(ctx, workshop.Registration{WorkshopID: w.ID, Name: pp.name, Email: email(pp.name), Organisation: pp.org, Role: pp.role, Audience: pp.aud})
			if err != nil {
				return fmt.Errorf("%s: %s: %w", sd.topic, pp.name, err)
			}
			regs = append(regs, r)
		}
		// The attendance from the signed sheet: most stay all day, one
		// leaves at lunch, one misses (and a waitlisted person never comes).
		w, err = svc.FindWorkshopByID(ctx, w.ID)
		if err != nil {
			return err
		}
		present := map[int64][]int64{}
		for k, r := range regs {
			if r.State != workshop.RegConfirmed {
				continue
			}
			switch k {
			case 2:
				present[r.ID] = []int64{w.Blocks[0].ID}
			case 5:
			default:
				present[r.ID] = []int64{w.Blocks[0].ID, w.Blocks[1].ID}
			}
		}
		clock = w.Blocks[1].EndsAt.Add(time.Hour)
		if err := svc.RecordAttendance(ctx, w.ID, present); err != nil {
			return err
		}
		if _, err := svc.Close(ctx, w.ID); err != nil {
			return err
		}
		clock = clock.AddDate(0, 0, 3)
		if _, err := svc.IssueCertificates(ctx, w.ID); err != nil {
			return err
		}
	}

	// The coming workshop on a current issue, taking registrations.
	clock = d.Now().UTC()
	day := d.Now().In(prague).AddDate(0, 0, 21)
	y, m, dd := day.Date()
	w, err := svc.CreateWorkshop(ctx, workshop.Workshop{Topic: "Aktuálně: dluhy a exekuce u uživatelů služeb",
		Description:  "Jak poznat předlužení, kam uživatele nasměrovat a jak spolupracovat s dluhovou poradnou. Workshop na aktuální téma vybrané pracovními skupinami.",
		LecturerName: "Zdeňka Navrátilová", LecturerOrg: "Charita sv. Anežky Otrokovice", LecturerBio: "Dluhová poradkyně s akreditací MSp, deset let praxe.",
		PlaceID: placeID, Organiser: "Naděje Otrokovice ve spolupráci s Městem Otrokovice", MinParticipants: 10,
		Quotas: map[string]int{workshop.AudStaff: 12, workshop.AudCommissioner: 3, workshop.AudUser: 3, workshop.AudCarer: 2}})
	if err != nil {
		return err
	}
	for _, b := range []workshop.Block{
		{Title: "Předlužení a exekuce: co musí pracovník vědět", StartsAt: at(y, m, dd, 9, 0), EndsAt: at(y, m, dd, 12, 30), BreakMinutes: 15},
		{Title: "Kazuistiky a spolupráce s poradnou", StartsAt: at(y, m, dd, 13, 15), EndsAt: at(y, m, dd, 16, 15), BreakMinutes: 15},
	} {
		if _, err := svc.AddBlock(ctx, w.ID, b); err != nil {
			return err
		}
	}
	if _, err := svc.Publish(ctx, w.ID); err != nil {
		return err
	}
	for _, pp := range people[:7] {
		if _, err := svc.Register(ctx, workshop.Registration{WorkshopID: w.ID, Name: pp.name, Email: email(pp.name), Organisation: pp.org, Role: pp.role, Audience: pp.aud}); err != nil {
			return err
		}
	}
	if _, err := svc.Register(ctx, workshop.Registration{WorkshopID: w.ID, Name: "Věra Mikulová", Phone: "+420 603 111 222", Role: "pečující o manžela",
		Audience: workshop.AudCarer, Needs: "Manžel na vozíku, potřebuji bezbariérový přístup a místo u dveří."}); err != nil {
		return err
	}
	return nil
}

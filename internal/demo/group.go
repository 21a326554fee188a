package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kpss/internal/auth"
	"kpss/internal/czech"
	"kpss/internal/group"
	"kpss/internal/partner"
	"kpss/internal/store"
)

func init() { Register(30, "group", loadGroups) }

// loadGroups creates the five working groups and the steering group of the
// seed project with 8–12 members each (the demo people and more fictional
// ones), three meeting places, the 2026 and 2027 plans of six meetings,
// and for the meetings already past: attendance, agenda, resolutions with
// tasks and minutes. The member account `clen` is linked to its person so
// that it sees its tasks.
func loadGroups(ctx context.Context, d Deps, ids *IDs) error {
	svc := group.NewService(d.DB, d.Audit, d.Now, d.Partners)
	now := d.Now()
	org := func(n string) *int64 { id := ids.Organisations[n]; return &id }
	muni := func(n string) *int64 { id := ids.Municipalities[n]; return &id }

	// More fictional people, with consent, so each group has 7–20 members.
	extra := []struct{ name, position, org string }{
		{"Ing. Alena Machalová", "místostarostka", "Město Napajedla"},
		{"Mgr. Pavel Zbranek", "vedoucí služeb", "Naděje Otrokovice"},
		{"Hana Vaculíková", "ředitelka", "Domov pro seniory Napajedla"},
		{"Jiří Kolařík", "sociální pracovník", "Charita sv. Anežky Otrokovice"},
		{"Věra Mikulová", "pečující o manžela", ""},
		{"Ludmila Šustková", "členka klubu seniorů", ""},
		{"Bohumil Hradil", "uživatel pečovatelské služby", ""},
		{"Mgr. Eva Kopečná", "poradkyně", "Centrum pro zdravotně postižené Zlínského kraje"},
		{"Radek Pospíšil", "uživatel na vozíku", ""},
		{"Jarmila Koutná", "matka dítěte s postižením", ""},
		{"Bc. Ondřej Sklenář", "terapeut", "Centrum pro zdravotně postižené Zlínského kraje"},
		{"Mgr. Kateřina Bartošová", "vedoucí nízkoprahového klubu", "Občanské sdružení ONYX"},
		{"Petra Malá", "maminka na rodičovské dovolené", ""},
		{"Mgr. Lucie Hrubá", "metodička prevence", "Město Otrokovice"},
		{"Martin Slováček", "terénní pracovník", "Občanské sdružení ONYX"},
		{"Ivana Dostálová", "pěstounka", ""},
		{"Bc. Roman Vlček", "sociální kurátor", "Město Otrokovice"},
		{"Michal Kuchař", "strážník, prevence kriminality", "Město Otrokovice"},
		{"Zdeňka Navrátilová", "dluhová poradkyně", "Charita sv. Anežky Otrokovice"},
		{"Bc. Tereza Kozáková", "pracovnice azylového domu", "Naděje Otrokovice"},
		{"Josef Horák", "klient azylového domu", ""},
		{"Ing. Milan Ptáček", "Úřad práce, kontaktní pracoviště", ""},
		{"Alena Fojtíková", "koordinátorka dobrovolníků", "Oblastní spolek ČČK Zlín"},
		{"Mgr. Stanislav Urban", "starosta", "Město Otrokovice"},
		{"Ing. Jana Zapletalová", "vedoucí odboru", "Město Napajedla"},
		{"Pavla Sedláčková", "starostka obce Žlutava", ""},
		{"Karel Mlčoch", "starosta obce Halenkovice", ""},
		{"Bc. Libor Vrba", "ředitel", "SENIOR Otrokovice"},
		{"Marie Šimková", "předsedkyně svazu tělesně postižených", ""},
	}
	for _, e := range extra {
		p := partner.Person{Name: e.name, Position: e.position, Consent: true, ConsentNote: "písemně při vstupu do skupiny",
			Email: czech.Fold(strings.ReplaceAll(lastTwo(e.name), " ", ".")) + "@kpss.example"}
		if e.org != "" {
			p.OrganisationID = org(e.org)
		}
		saved, err := d.Partners.CreatePerson(ctx, p)
		if err != nil {
			return fmt.Errorf("person %s: %w", e.name, err)
		}
		ids.People[e.name] = saved.ID
	}
	// Demo people without an address get one, so invitations reach them.
	for _, n := range []string{"Josef Kratochvíl", "Tomáš Řezníček"} {
		p, err := d.Partners.FindPersonByID(ctx, ids.People[n])
		if err != nil {
			return err
		}
		p.Email, p.Consent, p.ConsentNote = czech.Fold(strings.ReplaceAll(lastTwo(n), " ", "."))+"@kpss.example", true, "písemně při vstupu do skupiny"
		if _, err := d.Partners.UpdatePerson(ctx, p.ID, *p); err != nil {
			return err
		}
	}

	// The member and the steering-group accounts act as their people.
	for login, person := range map[string]string{"clen": "Josef Kratochvíl", "ridici": "Ing. Alena Machalová"} {
		u, err := d.Auth.FindUserByID(ctx, ids.Users[login])
		if err != nil {
			return err
		}
		pid := ids.People[person]
		if _, err := d.Auth.UpdateUser(ctx, u.ID, auth.UserInput{Login: u.Login, FullName: u.FullName, Email: u.Email, Role: u.Role,
			OrganisationID: u.OrganisationID, DepartmentID: u.DepartmentID, PersonID: &pid, Active: u.Active}); err != nil {
			return fmt.Errorf("link %s: %w", login, err)
		}
	}

	places := []group.Place{
		{Name: "MěÚ Otrokovice, zasedací místnost", Address: "nám. 3. května 1340, Otrokovice", Wheelchair: true, InductionLoop: true,
			AccessibleToilet: true, Parking: true, PublicTransport: true, Note: "Vchod z náměstí, výtah do 2. patra."},
		{Name: "Charita sv. Anežky, klubovna", Address: "Štefánikova 1403, Otrokovice", Wheelchair: true, AccessibleToilet: true, PublicTransport: true},
		{Name: "Domov pro seniory Napajedla, jídelna", Address: "Napajedla", Wheelchair: true, Parking: true},
	}
	placeIDs := make([]int64, len(places))
	for i, p := range places {
		saved, err := svc.SavePlace(ctx, p)
		if err != nil {
			return err
		}
		placeIDs[i] = saved.ID
	}

	tg := func(code string) *int64 { id := ids.TargetGroups[code]; return &id }
	type mem struct {
		person, role, org, muni string
		users                   bool
	}
	type def struct {
		g       group.Group
		wd      time.Weekday
		week    int
		start   string
		place   int
		members []mem
	}
	defs := []def{
		{group.Group{Kind: group.KindSteering, Name: "Řídící skupina KPSS", PublicMinutes: true,
			Purpose: "Politická a odborná shoda na síti sociálních služeb; schvaluje komunitní plán a jeho aktualizace."}, time.Wednesday, 2, "15:00", 0,
			[]mem{{"Mgr. Stanislav Urban", group.RoleChair, "Město Otrokovice", "Otrokovice", false}, {"Ing. Alena Machalová", group.RoleDeputy, "Město Napajedla", "Napajedla", false},
				{"Ing. Petr Šťastný", group.RoleMember, "Město Otrokovice", "Otrokovice", false}, {"Bc. Lenka Horáková", group.RoleMember, "Charita sv. Anežky Otrokovice", "", false},
				{"Mgr. Pavel Zbranek", group.RoleMember, "Naděje Otrokovice", "", false}, {"Pavla Sedláčková", group.RoleMember, "", "Žlutava", false},
				{"Karel Mlčoch", group.RoleMember, "", "Halenkovice", false}, {"Marie Šimková", group.RoleMember, "", "", true},
				{"Bohumil Hradil", group.RoleMember, "", "", true}, {"Mgr. Jana Dvořáková", group.RoleGuest, "Město Otrokovice", "", false}}},
		{group.Group{Kind: group.KindWorking, Name: "PS Senioři", TargetGroupID: tg("SEN"), PublicMinutes: true,
			Purpose: "Potřeby seniorů a pečujících: pečovatelská služba, domovy, tísňová péče, bydlení."}, time.Tuesday, 1, "14:00", 1,
			[]mem{{"Marta Čermáková", group.RoleChair, "SENIOR Otrokovice", "", false}, {"Bc. Lenka Horáková", group.RoleDeputy, "Charita sv. Anežky Otrokovice", "", false},
				{"Josef Kratochvíl", group.RoleMember, "", "", true}, {"Hana Vaculíková", group.RoleMember, "Domov pro seniory Napajedla", "Napajedla", false},
				{"Jiří Kolařík", group.RoleMember, "Charita sv. Anežky Otrokovice", "", false}, {"Věra Mikulová", group.RoleMember, "", "", true},
				{"Ludmila Šustková", group.RoleMember, "", "", true}, {"Bohumil Hradil", group.RoleMember, "", "", true},
				{"Bc. Libor Vrba", group.RoleMember, "SENIOR Otrokovice", "", false}, {"Alena Fojtíková", group.RoleGuest, "Oblastní spolek ČČK Zlín", "", false}}},
		{group.Group{Kind: group.KindWorking, Name: "PS Osoby se zdravotním postižením", TargetGroupID: tg("OZP"), PublicMinutes: true,
			Purpose: "Bezbariérovost, kompenzační pomůcky, doprava, chráněné bydlení a zaměstnávání."}, time.Thursday, 1, "15:00", 0,
			[]mem{{"Mgr. Eva Kopečná", group.RoleChair, "Centrum pro zdravotně postižené Zlínského kraje", "", false}, {"Tomáš Řezníček", group.RoleDeputy, "", "", true},
				{"Radek Pospíšil", group.RoleMember, "", "", true}, {"Jarmila Koutná", group.RoleMember, "", "", true},
				{"Bc. Ondřej Sklenář", group.RoleMember, "Centrum pro zdravotně postižené Zlínského kraje", "", false}, {"Marie Šimková", group.RoleMember, "", "", true},
				{"Jiří Kolařík", group.RoleMember, "Charita sv. Anežky Otrokovice", "", false}, {"Ing. Petr Šťastný", group.RoleMember, "Město Otrokovice", "Otrokovice", false}}},
		{group.Group{Kind: group.KindWorking, Name: "PS Rodiny s dětmi", TargetGroupID: tg("RD"),
			Purpose: "Rodiny s dětmi, děti a mládež: poradenství, prevence, volný čas, sanace rodiny."}, time.Monday, 2, "15:30", 1,
			[]mem{{"Mgr. Kateřina Bartošová", group.RoleChair, "Občanské sdružení ONYX", "", false}, {"Mgr. Lucie Hrubá", group.RoleDeputy, "Město Otrokovice", "Otrokovice", false},
				{"Petra Malá", group.RoleMember, "", "", true}, {"Ivana Dostálová", group.RoleMember, "", "", true},
				{"Martin Slováček", group.RoleMember, "Občanské sdružení ONYX", "", false}, {"Jarmila Koutná", group.RoleMember, "", "", true},
				{"Mgr. Pavel Zbranek", group.RoleMember, "Naděje Otrokovice", "", false}, {"Ing. Jana Zapletalová", group.RoleMember, "Město Napajedla", "Napajedla", false}}},
		{group.Group{Kind: group.KindWorking, Name: "PS Osoby ohrožené sociálně patologickými jevy", TargetGroupID: tg("SPJ"),
			Purpose: "Závislosti, zadlužení, trestná činnost a sociální vyloučení: prevence a dostupná pomoc."}, time.Wednesday, 3, "14:00", 0,
			[]mem{{"Bc. Roman Vlček", group.RoleChair, "Město Otrokovice", "Otrokovice", false}, {"Martin Slováček", group.RoleDeputy, "Občanské sdružení ONYX", "", false},
				{"Michal Kuchař", group.RoleMember, "Město Otrokovice", "Otrokovice", false}, {"Zdeňka Navrátilová", group.RoleMember, "Charita sv. Anežky Otrokovice", "", false},
				{"Mgr. Lucie Hrubá", group.RoleMember, "Město Otrokovice", "", false}, {"Josef Horák", group.RoleMember, "", "", true},
				{"Mgr. Kateřina Bartošová", group.RoleMember, "Občanské sdružení ONYX", "", false}}},
		{group.Group{Kind: group.KindWorking, Name: "PS Osoby v krizi a nezaměstnaní", TargetGroupID: tg("KRN"),
			Purpose: "Lidé v náhlé krizi, bez domova a dlouhodobě nezaměstnaní: azylové bydlení, krizová pomoc, zaměstnání."}, time.Tuesday, 3, "13:30", 1,
			[]mem{{"Mgr. Pavel Zbranek", group.RoleChair, "Naděje Otrokovice", "", false}, {"Bc. Tereza Kozáková", group.RoleDeputy, "Naděje Otrokovice", "", false},
				{"Josef Horák", group.RoleMember, "", "", true}, {"Ing. Milan Ptáček", group.RoleMember, "", "", false},
				{"Zdeňka Navrátilová", group.RoleMember, "Charita sv. Anežky Otrokovice", "", false}, {"Alena Fojtíková", group.RoleMember, "Oblastní spolek ČČK Zlín", "", false},
				{"Bc. Roman Vlček", group.RoleMember, "Město Otrokovice", "Otrokovice", false}, {"Věra Mikulová", group.RoleMember, "", "", true}}},
	}
	joined := store.NewDate(2025, 1, 1)
	groupIDs := map[string]int64{}
	for gi, df := range defs {
		g, err := svc.CreateGroup(ctx, df.g)
		if err != nil {
			return fmt.Errorf("group %s: %w", df.g.Name, err)
		}
		groupIDs[g.Code] = g.ID
		members := map[string]int64{}
		for _, m := range df.members {
			pid, ok := ids.People[m.person]
			if !ok {
				return fmt.Errorf("group %s: no person %s", g.Name, m.person)
			}
			in := group.Member{GroupID: g.ID, PersonID: pid, Role: m.role, RepresentsUsers: m.users, Voting: m.role != group.RoleGuest, JoinedOn: joined}
			if m.org != "" {
				in.OrganisationID = org(m.org)
			}
			if m.muni != "" {
				in.MunicipalityID = muni(m.muni)
			}
			saved, err := svc.AddMember(ctx, in)
			if err != nil {
				return fmt.Errorf("group %s member %s: %w", g.Name, m.person, err)
			}
			members[m.person] = saved.ID
		}
		place := placeIDs[df.place]
		for _, year := range []int{2026, 2027} {
			if _, err := svc.GeneratePlan(ctx, group.PlanInput{GroupID: g.ID, Year: year, Months: []int{1, 3, 5, 7, 9, 11}, Weekday: df.wd, Week: df.week,
				Start: df.start, Minutes: 120, PlaceID: &place}); err != nil {
				return fmt.Errorf("plan %s %d: %w", g.Name, year, err)
			}
		}
		if err := demoHistory(ctx, svc, g, gi, members, ids, now); err != nil {
			return fmt.Errorf("history %s: %w", g.Name, err)
		}
	}
	ids.Extra["group.ids"] = groupIDs
	return svc.SyncAllOverdue(ctx)
}

func lastTwo(name string) string {
	parts := strings.Fields(name)
	var keep []string
	for _, p := range parts {
		if !strings.HasSuffix(p, ".") {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, " ")
}

var demoTopics = []struct{ item, resolution, task string }{
	{"Informace odboru sociálních věcí o financování služeb", "bere na vědomí informaci o financování sociálních služeb v roce 2026", "Zjistit stav žádostí o dotace u poskytovatelů"},
	{"Podněty občanů k bezbariérovosti", "doporučuje odboru rozvoje řešit bezbariérový vstup na poštu v Otrokovicích", "Předat podnět odboru rozvoje a správy majetku"},
	{"Příprava aktualizace komunitního plánu", "schvaluje harmonogram aktualizace komunitního plánu", "Připravit návrh priorit pro cílovou skupinu"},
	{"Katalog sociálních služeb – aktualizace údajů", "ukládá poskytovatelům ověřit své údaje v katalogu", "Ověřit údaje služeb v katalogu"},
	{"Setkání pracovníků poskytovatelů (rotující seznamka)", "souhlasí s uspořádáním setkání pracovníků v říjnu", "Zajistit prostory pro setkání"},
}

// demoHistory fills the meetings already past: held (one cancelled), with
// agenda, attendance, a resolution with a task and minutes (the latest
// still open for comments).
func demoHistory(ctx context.Context, svc *group.Service, g *group.Group, gi int, members map[string]int64, ids *IDs, now time.Time) error {
	ms, _, err := svc.FindMeetings(ctx, group.MeetingFilter{GroupID: g.ID, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	var past []group.Meeting
	for _, m := range ms {
		if m.StartsAt.Before(now) {
			past = append(past, m)
		}
	}
	roll, err := svc.FindMembers(ctx, g.ID)
	if err != nil {
		return err
	}
	var first *group.Resolution
	for i, m := range past {
		if gi == 3 && i == 3 {
			// One meeting of the year did not take place.
			if _, err := svc.SetMeetingState(ctx, m.ID, group.StateCancelled); err != nil {
				return err
			}
			continue
		}
		topic := demoTopics[(i+gi)%len(demoTopics)]
		item, err := svc.AddItem(ctx, group.AgendaItem{MeetingID: m.ID, Kind: group.ItemText, Title: topic.item})
		if err != nil {
			return err
		}
		if _, err := svc.AddItem(ctx, group.AgendaItem{MeetingID: m.ID, Kind: group.ItemText, Title: "Různé", Body: "Informace členů a termín dalšího jednání."}); err != nil {
			return err
		}
		status := map[int64]string{}
		present := 0
		for j, mem := range roll {
			switch {
			case (i+j+gi)%6 == 0:
				status[mem.ID] = group.Excused
			case (i+j+gi)%11 == 0:
				status[mem.ID] = group.Absent
			default:
				status[mem.ID] = group.Present
				if mem.Voting {
					present++
				}
			}
		}
		if err := svc.RecordAttendance(ctx, m.ID, status, nil); err != nil {
			return err
		}
		day := m.StartsAt.In(time.UTC)
		due := store.NewDate(day.Year(), day.Month(), day.Day()).AddDate(0, 2, 0)
		assignee, kind := ids.Departments["Odbor sociálních věcí"], group.AssignDepartment
		if g.Code == "PS-SEN" && i%2 == 0 {
			assignee, kind = ids.People["Josef Kratochvíl"], group.AssignPerson
		}
		itemID := item.ID
		res, err := svc.AdoptResolution(ctx, group.ResolutionInput{
			Resolution: group.Resolution{MeetingID: m.ID, AgendaItemID: &itemID, Text: g.Name + " " + topic.resolution + ".", VotesFor: present, Outcome: group.Adopted},
			Task:       &group.Task{Title: topic.task, AssigneeKind: kind, AssigneeID: assignee, DueOn: store.Date{Time: due}}})
		if err != nil {
			return err
		}
		if i == 0 {
			first = res
		}
		if i == len(past)-1 && i > 0 {
			if err := demoCorrections(ctx, svc, g, m, first, present, ids); err != nil {
				return err
			}
		}
		// Most tasks were done; the recent ones are still open.
		if i < len(past)-2 {
			ts, _, err := svc.FindTasks(ctx, group.TaskFilter{ResolutionID: res.ID, Paging: store.Paging{PerPage: -1}})
			if err != nil {
				return err
			}
			for _, t := range ts {
				if _, err := svc.SetTaskState(ctx, t.ID, group.TaskDone, "Splněno, informace podána na dalším jednání."); err != nil {
					return err
				}
			}
		}
		if _, err := svc.SetMeetingState(ctx, m.ID, group.StateHeld); err != nil {
			return err
		}
		body := fmt.Sprintf("## Zahájení\nJednání zahájil(a) předsedající, skupina byla usnášeníschopná.\n\n## %s\n- Členové projednali bod a doplnili informace ze svých organizací.\n- Skupina přijala usnesení **%s**.\n\n## Různé\nPříští jednání proběhne podle plánu.\n", topic.item, res.Number)
		if _, err := svc.SaveMinutes(ctx, m.ID, body); err != nil {
			return err
		}
		if i == len(past)-1 {
			if _, err := svc.SendMinutesForComments(ctx, m.ID, nil); err != nil {
				return err
			}
			continue
		}
		if _, err := svc.ApproveMinutes(ctx, m.ID, "Mgr. Jana Dvořáková", ""); err != nil {
			return err
		}
	}
	return nil
}

// demoCorrections shows the newer features at the latest held meeting: the
// seniors' group discusses the oldest open suggestion and gives the
// department a task on it (so the suggestion's page shows its trace), and
// the steering group amends its first resolution of the year (whose
// minutes are approved) by a new one.
func demoCorrections(ctx context.Context, svc *group.Service, g *group.Group, m group.Meeting, first *group.Resolution, present int, ids *IDs) error {
	switch g.Code {
	case "PS-SEN":
		var id int64
		var code, text string
		err := svc.DB.QueryRow(ctx, `SELECT id, code, text FROM suggestions WHERE state IN ('new', 'accepted', 'in_progress') ORDER BY received_at, id LIMIT 1`).Scan(&id, &code, &text)
		if err != nil {
			return nil // no suggestions loaded
		}
		title, _, _ := strings.Cut(text, "\n")
		if r := []rune(title); len(r) > 90 {
			title = string(r[:89]) + "…"
		}
		item, err := svc.AddItem(ctx, group.AgendaItem{MeetingID: m.ID, Kind: group.ItemSuggestion, RefID: &id, Title: code + " – " + title})
		if err != nil {
			return err
		}
		day := m.StartsAt.In(time.UTC)
		_, err = svc.AdoptResolution(ctx, group.ResolutionInput{
			Resolution: group.Resolution{MeetingID: m.ID, AgendaItemID: &item.ID, Text: g.Name + " doporučuje odboru rozvoje a správy majetku podnět " + code + " prověřit na místě a informovat skupinu na příštím jednání.", VotesFor: present, Outcome: group.Adopted},
			Task: &group.Task{Title: "Prověřit podnět " + code + " na místě", AssigneeKind: group.AssignDepartment, AssigneeID: ids.Departments["Odbor rozvoje a správy majetku"],
				DueOn: store.Date{Time: store.NewDate(day.Year(), day.Month(), day.Day()).AddDate(0, 1, 0)}}})
		return err
	case "ŘS":
		if first == nil {
			return nil
		}
		_, err := svc.AdoptResolution(ctx, group.ResolutionInput{Resolution: group.Resolution{MeetingID: m.ID, SupersedesID: &first.ID, SupersedeKind: group.Amend,
			Text: "Řídící skupina mění usnesení " + first.Number + ": informace o financování projedná také se zástupci obcí mikroregionu.", VotesFor: present, Outcome: group.Adopted}})
		return err
	}
	return nil
}

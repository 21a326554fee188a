package group_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/group"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
	"kpss/internal/web/i18n"
)

// now is the fixed clock of these tests: 10 March 2026.
var now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

type fixture struct {
	svc     *group.Service
	ps      *partner.Service
	mail    *mail.Memory
	grp     *group.Group
	people  []int64
	members []group.Member
	meeting *group.Meeting
	place   *group.Place
}

func catalog(t testing.TB) *i18n.Localizer {
	c := i18n.NewCatalog()
	if err := c.Load(os.DirFS("."), "i18n"); err != nil {
		t.Fatal(err)
	}
	return c.For("cs")
}

// setup makes a working group for seniors with 9 voting members and a
// guest, a place and a meeting on 17 March 2026.
func setup(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	clock := func() time.Time { return now }
	log := &audit.Log{Now: clock}
	ps := partner.NewService(db, log, clock)
	svc := group.NewService(db, log, clock, ps)
	f := &fixture{svc: svc, ps: ps, mail: &mail.Memory{}}
	svc.Mail = f.mail
	svc.BaseURL = "https://kpss.example"
	tg, err := ps.CreateTargetGroup(ctx, partner.TargetGroup{Code: "SEN", Name: "Senioři"})
	if err != nil {
		t.Fatal(err)
	}
	if f.grp, err = svc.CreateGroup(ctx, group.Group{Kind: group.KindWorking, Name: "PS Senioři", TargetGroupID: &tg.ID}); err != nil {
		t.Fatal(err)
	}
	if f.grp.Code != "PS-SEN" {
		t.Fatalf("code %q, want PS-SEN", f.grp.Code)
	}
	names := []string{"Marta Čermáková", "Lenka Horáková", "Josef Kratochvíl", "Hana Vaculíková", "Jiří Kolařík", "Věra Mikulová", "Ludmila Šustková", "Bohumil Hradil", "Libor Vrba", "Alena Fojtíková"}
	for i, n := range names {
		p, err := ps.CreatePerson(ctx, partner.Person{Name: n, Email: fmt.Sprintf("clen%d@example.cz", i), Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		f.people = append(f.people, p.ID)
		role := group.RoleMember
		switch i {
		case 0:
			role = group.RoleChair
		case 9:
			role = group.RoleGuest
		}
		m, err := svc.AddMember(ctx, group.Member{GroupID: f.grp.ID, PersonID: p.ID, Role: role, Voting: true, RepresentsUsers: i == 2, JoinedOn: store.NewDate(2025, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		f.members = append(f.members, *m)
	}
	if f.place, err = svc.SavePlace(ctx, group.Place{Name: "MěÚ Otrokovice, zasedací místnost", Wheelchair: true, InductionLoop: true}); err != nil {
		t.Fatal(err)
	}
	start := group.At(time.Date(2026, 3, 17, 0, 0, 0, 0, time.UTC), "15:00")
	if f.meeting, err = svc.CreateMeeting(ctx, group.Meeting{GroupID: f.grp.ID, StartsAt: start, EndsAt: start.Add(2 * time.Hour), PlaceID: &f.place.ID}); err != nil {
		t.Fatal(err)
	}
	return f
}

func ctx() context.Context { return audit.WithActor(context.Background(), audit.Actor{Name: "test"}) }

// Twenty resolutions adopted at once get the numbers 01–20 of the group's
// year: none twice, none skipped.
func TestResolutionNumbersUnderConcurrentAdoption(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		const n = 20
		var wg sync.WaitGroup
		numbers := make([]string, n)
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r, err := f.svc.AdoptResolution(ctx(), group.ResolutionInput{Resolution: group.Resolution{MeetingID: f.meeting.ID,
					Text: fmt.Sprintf("Usnesení %d", i), VotesFor: 7}})
				errs[i] = err
				if err == nil {
					numbers[i] = r.Number
				}
			}(i)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		sort.Strings(numbers)
		for i, got := range numbers {
			if want := fmt.Sprintf("PS-SEN/2026/%02d", i+1); got != want {
				t.Fatalf("numbers %v: position %d is %s, want %s", numbers, i, got, want)
			}
		}
		// A failed adoption gives no number away; the next one is 21.
		if _, err := f.svc.AdoptResolution(ctx(), group.ResolutionInput{Resolution: group.Resolution{MeetingID: f.meeting.ID, Text: ""}}); err == nil {
			t.Fatal("empty resolution adopted")
		}
		r, err := f.svc.AdoptResolution(ctx(), group.ResolutionInput{Resolution: group.Resolution{MeetingID: f.meeting.ID, Text: "Další", VotesFor: 5, VotesAgainst: 6}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Number != "PS-SEN/2026/21" || r.Outcome != group.Rejected {
			t.Fatalf("next resolution %s %s, want PS-SEN/2026/21 rejected", r.Number, r.Outcome)
		}
	})
}

// The quorum is more than half of the voting members (the guest does not count).
func TestQuorum(t *testing.T) {
	for _, c := range []struct {
		voting, present, percent, needed int
		ok                               bool
	}{{9, 5, 50, 5, true}, {9, 4, 50, 5, false}, {10, 5, 50, 6, false}, {10, 6, 50, 6, true}, {12, 8, 66, 8, true}, {0, 0, 50, 1, false}} {
		q := group.QuorumFor(c.voting, c.present, c.percent)
		if q.Needed != c.needed || q.Reached != c.ok {
			t.Errorf("%d of %d at %d %%: needed %d reached %v, want %d %v", c.present, c.voting, c.percent, q.Needed, q.Reached, c.needed, c.ok)
		}
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		status := map[int64]string{}
		for i, m := range f.members {
			switch {
			case i < 4 || i == 9: // 4 voting members and the guest
				status[m.ID] = group.Present
			default:
				status[m.ID] = group.Excused
			}
		}
		if err := f.svc.RecordAttendance(ctx(), f.meeting.ID, status, []group.Guest{{Name: "Host z kraje", Affiliation: "Zlínský kraj"}}); err != nil {
			t.Fatal(err)
		}
		roll, err := f.svc.Roll(ctx(), f.meeting)
		if err != nil {
			t.Fatal(err)
		}
		if roll.Quorum.Voting != 9 || roll.Quorum.Present != 4 || roll.Quorum.Reached {
			t.Fatalf("quorum %+v, want 4 of 9, not reached", roll.Quorum)
		}
		status[f.members[4].ID] = group.Present
		if err := f.svc.RecordAttendance(ctx(), f.meeting.ID, status, nil); err != nil {
			t.Fatal(err)
		}
		roll, _ = f.svc.Roll(ctx(), f.meeting)
		if !roll.Quorum.Reached || len(roll.Guests) != 1 {
			t.Fatalf("quorum %+v guests %d, want reached and one guest", roll.Quorum, len(roll.Guests))
		}
	})
}

// With two places, the third person waits; when a confirmed one cancels,
// the first on the waitlist moves up and hears about it.
func TestWaitlistMovesUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		if _, err := f.svc.Register(ctx(), group.Registration{MeetingID: f.meeting.ID, Name: "Anna", Kind: group.RegUser}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("registration without capacity: %v, want a conflict", err)
		}
		m := *f.meeting
		m.Capacity = 2
		if _, err := f.svc.UpdateMeeting(ctx(), m.ID, m); err != nil {
			t.Fatal(err)
		}
		var regs []*group.Registration
		for i, n := range []string{"Anna Malá", "Bedřich Velký", "Cecílie Nová", "David Starý"} {
			r, err := f.svc.Register(ctx(), group.Registration{MeetingID: m.ID, Name: n, Email: fmt.Sprintf("r%d@example.cz", i), Kind: group.RegCarer})
			if err != nil {
				t.Fatal(err)
			}
			regs = append(regs, r)
		}
		want := []string{group.RegConfirmed, group.RegConfirmed, group.RegWaitlisted, group.RegWaitlisted}
		for i, r := range regs {
			if r.State != want[i] {
				t.Fatalf("registration %d: %s, want %s", i, r.State, want[i])
			}
		}
		up, err := f.svc.CancelRegistration(ctx(), 0, regs[0].Token)
		if err != nil {
			t.Fatal(err)
		}
		if len(up) != 1 || up[0].Name != "Cecílie Nová" {
			t.Fatalf("moved up %v, want Cecílie Nová", up)
		}
		got, _ := f.svc.RegistrationByToken(ctx(), regs[2].Token)
		if got.State != group.RegConfirmed {
			t.Fatalf("Cecílie is %s, want confirmed", got.State)
		}
		deliver(t, f)
		msgs := f.mail.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "r2@example.cz" || !strings.Contains(msgs[0].Text, "potvrzena") {
			t.Fatalf("notice %+v", msgs)
		}
		// Cancelling a waitlisted one frees nothing.
		if up, _ := f.svc.CancelRegistration(ctx(), regs[3].ID, ""); len(up) != 0 {
			t.Fatalf("moved up %v after a waitlisted cancel", up)
		}
		// More places move people up too.
		r5, _ := f.svc.Register(ctx(), group.Registration{MeetingID: m.ID, Name: "Eva", Kind: group.RegUser})
		if r5.State != group.RegWaitlisted {
			t.Fatalf("Eva %s, want waitlisted", r5.State)
		}
		m.Capacity = 3
		if _, err := f.svc.UpdateMeeting(ctx(), m.ID, m); err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.RegistrationByToken(ctx(), r5.Token)
		if got.State != group.RegConfirmed {
			t.Fatalf("Eva %s after more places, want confirmed", got.State)
		}
	})
}

// Minutes: draft → comments → approved and frozen → a correction is a new
// version, approved with a reason, and the change shows in the diff.
func TestMinutesWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := catalog(t)
		id := f.meeting.ID
		if _, err := f.svc.SaveMinutes(ctx(), id, "## Zahájení\nPřítomno 8 členů.\n\n## Usnesení\n- PS schvaluje plán."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SendMinutesForComments(ctx(), id, l); err != nil {
			t.Fatal(err)
		}
		deliver(t, f)
		if n := len(f.mail.Messages()); n != 10 {
			t.Fatalf("%d notices of minutes for comments, want 10 (every active member)", n)
		}
		if err := f.svc.AddComment(ctx(), id, 0, "Josef Kratochvíl", "Doplňte prosím, že jsem se omluvil."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ApproveMinutes(ctx(), id, "Marta Čermáková", ""); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("approving before the meeting was held: %v", err)
		}
		if _, err := f.svc.SetMeetingState(ctx(), id, group.StateHeld); err != nil {
			t.Fatal(err)
		}
		m, err := f.svc.ApproveMinutes(ctx(), id, "Marta Čermáková", "")
		if err != nil {
			t.Fatal(err)
		}
		if m.State != group.MinutesApproved || m.Version != 1 {
			t.Fatalf("after approval %s v%d", m.State, m.Version)
		}
		if _, err := f.svc.SaveMinutes(ctx(), id, "přepsáno"); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("editing approved minutes: %v, want a conflict", err)
		}
		if err := f.svc.AddComment(ctx(), id, 0, "X", "pozdě"); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("comment on approved minutes: %v", err)
		}
		if m, err = f.svc.CorrectMinutes(ctx(), id); err != nil || m.Version != 2 || m.State != group.MinutesDraft {
			t.Fatalf("correction: %+v %v", m, err)
		}
		if _, err := f.svc.SaveMinutes(ctx(), id, "## Zahájení\nPřítomno 7 členů, 1 omluven.\n\n## Usnesení\n- PS schvaluje plán."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ApproveMinutes(ctx(), id, "Marta Čermáková", ""); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("correction without a reason: %v", err)
		}
		if _, err := f.svc.ApproveMinutes(ctx(), id, "Marta Čermáková", "Oprava počtu přítomných"); err != nil {
			t.Fatal(err)
		}
		vs, err := f.svc.Versions(ctx(), id)
		if err != nil || len(vs) != 2 {
			t.Fatalf("versions %d %v", len(vs), err)
		}
		if !strings.Contains(vs[0].Body, "Přítomno 8") {
			t.Fatalf("version 1 changed: %q", vs[0].Body)
		}
		d := group.Diff(vs[0].Body, vs[1].Body)
		var removed, added []string
		for _, l := range d {
			switch l.Op {
			case '-':
				removed = append(removed, l.Text)
			case '+':
				added = append(added, l.Text)
			}
		}
		if len(removed) != 1 || removed[0] != "Přítomno 8 členů." || len(added) != 1 || added[0] != "Přítomno 7 členů, 1 omluven." {
			t.Fatalf("diff removed %q added %q", removed, added)
		}
	})
}

// Markdown is rendered from an escaped text: no HTML of the author survives.
func TestMarkdownIsSafe(t *testing.T) {
	got := string(group.RenderMarkdown("## Nadpis\n<script>alert(1)</script> **tučně** a *kurzíva*\n- bod\n- [odkaz](javascript:alert(1)) [web](https://otrokovice.cz)\n1. první"))
	for _, want := range []string{"<h3>Nadpis</h3>", "&lt;script&gt;", "<strong>tučně</strong>", "<em>kurzíva</em>", "<ul>\n<li>bod</li>", `<a href="https://otrokovice.cz">web</a>`, "<ol>\n<li>první</li>"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "<script") || strings.Contains(got, `href="javascript`) {
		t.Errorf("unsafe output: %s", got)
	}
}

// The plan gives one meeting per chosen month on the right weekday; a second
// run adds nothing.
func TestYearPlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		in := group.PlanInput{GroupID: f.grp.ID, Year: 2027, Months: []int{1, 3, 5, 7, 9, 11}, Weekday: time.Tuesday, Week: 1, Start: "14:00", Minutes: 90, PlaceID: &f.place.ID}
		ms, err := f.svc.GeneratePlan(ctx(), in)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"2027-01-05 14:00", "2027-03-02 14:00", "2027-05-04 14:00", "2027-07-06 14:00", "2027-09-07 14:00", "2027-11-02 14:00"}
		if len(ms) != 6 {
			t.Fatalf("%d meetings", len(ms))
		}
		for i, m := range ms {
			if got := m.Start().Format("2006-01-02 15:04"); got != want[i] || m.State != group.StatePlanned {
				t.Errorf("meeting %d at %s (%s), want %s", i, got, m.State, want[i])
			}
		}
		again, err := f.svc.GeneratePlan(ctx(), in)
		if err != nil || len(again) != 0 {
			t.Fatalf("second run added %d (%v)", len(again), err)
		}
		if d := group.NthWeekday(2027, time.March, time.Friday, -1); d.Day() != 26 {
			t.Errorf("last Friday of March 2027 = %d", d.Day())
		}
		in.Months = nil
		if _, err := f.svc.GeneratePlan(ctx(), in); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("plan without months: %v", err)
		}
	})
}

// An overdue task joins the agenda of the group's next meeting once; a
// carried-over item remembers where it was before.
func TestOverdueTaskAndCarryOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		// An earlier meeting, held, whose resolution gave a task due on 1 March.
		start := group.At(time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC), "15:00")
		old, err := f.svc.CreateMeeting(ctx(), group.Meeting{GroupID: f.grp.ID, StartsAt: start, EndsAt: start.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		item, err := f.svc.AddItem(ctx(), group.AgendaItem{MeetingID: old.ID, Kind: group.ItemSuggestion, RefID: ptr(42), Title: "Bezbariérový vstup na poštu"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AdoptResolution(ctx(), group.ResolutionInput{Resolution: group.Resolution{MeetingID: old.ID, AgendaItemID: &item.ID, Text: "Předat odboru", VotesFor: 8},
			Task: &group.Task{Title: "Předat podnět odboru", AssigneeKind: group.AssignPerson, AssigneeID: f.people[2], DueOn: store.NewDate(2026, 3, 1)}}); err != nil {
			t.Fatal(err)
		}
		tasks, _, _ := f.svc.FindTasks(ctx(), group.TaskFilter{PersonID: f.people[2], Paging: store.Paging{PerPage: -1}})
		if len(tasks) != 1 || tasks[0].Shown != group.TaskOverdue || tasks[0].Assignee != "Josef Kratochvíl" {
			t.Fatalf("tasks of the person %+v", tasks)
		}
		if _, err := f.svc.CarryOver(ctx(), item.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SyncAllOverdue(ctx()); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SyncAllOverdue(ctx()); err != nil {
			t.Fatal(err)
		}
		agenda, err := f.svc.Agenda(ctx(), f.meeting.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(agenda) != 2 {
			t.Fatalf("agenda of the next meeting: %+v", agenda)
		}
		if agenda[0].Title != "Bezbariérový vstup na poštu" || len(agenda[0].History) != 1 || agenda[0].History[0].MeetingID != old.ID {
			t.Errorf("carried item %+v", agenda[0])
		}
		if agenda[1].Kind != group.ItemTask || !strings.Contains(agenda[1].Title, "PS-SEN/2026/01") {
			t.Errorf("overdue task item %+v", agenda[1])
		}
		// The trace from the suggestion: the meetings that discussed it and the resolution.
		tr, err := f.svc.DiscussedIn(ctx(), group.ItemSuggestion, 42)
		if err != nil || len(tr) != 2 || len(tr[0].Resolutions) != 1 {
			t.Fatalf("trace %+v %v", tr, err)
		}
	})
}

func ptr(n int64) *int64 { return &n }

// Invitations reach every active member with the agenda, the place's
// accessibility and a valid .ics; the answer link records the answer.
func TestInvitationsAndAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := catalog(t)
		if _, err := f.svc.AddItem(ctx(), group.AgendaItem{MeetingID: f.meeting.ID, Kind: group.ItemText, Title: "Příprava komunitního plánu"}); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.SendInvitations(ctx(), f.meeting.ID, l)
		if err != nil {
			t.Fatal(err)
		}
		if res.Queued != 10 || len(f.mail.Messages()) != 0 {
			t.Fatalf("queued %d, sent %d at once; want 10 queued, none sent in the request", res.Queued, len(f.mail.Messages()))
		}
		if r := deliver(t, f); r.Sent != 10 {
			t.Fatalf("delivered %+v, want 10", r)
		}
		msg := f.mail.Messages()[0]
		for _, want := range []string{"Příprava komunitního plánu", "indukční smyčka", "https://kpss.example/odpoved/"} {
			if !strings.Contains(msg.Text, want) {
				t.Errorf("invitation lacks %q:\n%s", want, msg.Text)
			}
		}
		ics := string(msg.Attachments[0].Data)
		for _, want := range []string{"METHOD:REQUEST\r\n", "DTSTART;TZID=Europe/Prague:20260317T150000\r\n", "ATTENDEE"} {
			if !strings.Contains(ics, want) {
				t.Errorf("ics lacks %q", want)
			}
		}
		m, _ := f.svc.FindMeetingByID(ctx(), f.meeting.ID)
		if m.State != group.StateInvited {
			t.Fatalf("state %s after invitations", m.State)
		}
		i := strings.Index(msg.Text, "/odpoved/")
		token := strings.Fields(msg.Text[i+len("/odpoved/"):])[0]
		token = token[:strings.Index(token, "?")]
		if _, err := f.svc.Answer(ctx(), token, group.AnswerExcused); err != nil {
			t.Fatal(err)
		}
		roll, _ := f.svc.Roll(ctx(), m)
		excused := 0
		for _, a := range roll.Attendance {
			if a.Response == group.AnswerExcused {
				excused++
			}
		}
		if excused != 1 {
			t.Fatalf("%d excused answers", excused)
		}
	})
}

// The feed is RFC 5545: CRLF line ends, lines of at most 75 octets, the
// Prague time zone, and the events of the group.
func TestFeedIsValidICalendar(t *testing.T) {
	db := storetest.New(t, "sqlite")
	f := setup(t, db)
	l := catalog(t)
	if _, err := f.svc.GeneratePlan(ctx(), group.PlanInput{GroupID: f.grp.ID, Year: 2026, Months: []int{5, 7}, Weekday: time.Thursday, Week: 2, Start: "16:30", Minutes: 120, PlaceID: &f.place.ID}); err != nil {
		t.Fatal(err)
	}
	ms, _, _ := f.svc.FindMeetings(ctx(), group.MeetingFilter{GroupID: f.grp.ID, Paging: store.Paging{PerPage: -1}})
	var buf bytes.Buffer
	if err := f.svc.WriteFeed(ctx(), &buf, "PS Senioři – jednání s dlouhým názvem, který se musí zalomit na více řádků", ms, l); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasSuffix(out, "\r\n") || strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
		t.Fatal("lines do not all end with CRLF")
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	for _, want := range []string{"BEGIN:VCALENDAR", "BEGIN:VTIMEZONE", "TZID:Europe/Prague", "DTSTART;TZID=Europe/Prague:20260514T163000", "DTSTART;TZID=Europe/Prague:20260317T150000",
		"LOCATION:MěÚ Otrokovice\\, zasedací místnost", "wheelchair", "END:VCALENDAR"} {
		if want == "wheelchair" {
			want = "bezbariérový přístup pro vozíčkáře"
		}
		if !strings.Contains(unfolded, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	if n := strings.Count(out, "BEGIN:VEVENT"); n != 3 {
		t.Errorf("%d events, want 3", n)
	}
}

// The PDF of the minutes carries the Czech text a town office files.
func TestMinutesPDFText(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("KPSS_REQUIRE_BROWSER") == "1" {
			t.Fatal("pdftotext not found (install poppler-utils)")
		}
		t.Skip("pdftotext not found")
	}
	db := storetest.New(t, "sqlite")
	f := setup(t, db)
	l := catalog(t)
	item, _ := f.svc.AddItem(ctx(), group.AgendaItem{MeetingID: f.meeting.ID, Kind: group.ItemText, Title: "Příliš žluťoučký kůň – úpěl ďábelské ódy"})
	status := map[int64]string{}
	for i, m := range f.members {
		status[m.ID] = group.Present
		if i == 1 {
			status[m.ID] = group.Excused
		}
	}
	f.svc.RecordAttendance(ctx(), f.meeting.ID, status, nil)
	if _, err := f.svc.AdoptResolution(ctx(), group.ResolutionInput{Resolution: group.Resolution{MeetingID: f.meeting.ID, AgendaItemID: &item.ID, Text: "Pracovní skupina schvaluje řešení přístupnosti", VotesFor: 7, VotesAbstained: 1},
		Task: &group.Task{Title: "Oslovit Odbor rozvoje", AssigneeKind: group.AssignPerson, AssigneeID: f.people[0], DueOn: store.NewDate(2026, 4, 30)}}); err != nil {
		t.Fatal(err)
	}
	f.svc.SaveMinutes(ctx(), f.meeting.ID, "## Průběh\nČlenové se shodli na **řešení**.")
	b, err := f.svc.MinutesPDF(ctx(), f.meeting.ID, l, false)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "zapis.pdf")
	os.WriteFile(path, b, 0o600)
	out, err := exec.Command(pdftotext, path, "-").Output() // reading order (the tagged PDF wraps cells where -layout would interleave columns)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Zápis z jednání – PS Senioři, 17. 3. 2026", "Přítomni", "Marta Čermáková", "Omluveni", "Lenka Horáková",
		"Příliš žluťoučký kůň – úpěl ďábelské ódy", "PS-SEN/2026/01", "Pracovní skupina schvaluje řešení", "přístupnosti", "pro 7, proti 0,", "zdrželo se 1", "přijato",
		"Oslovit Odbor rozvoje", "Členové se shodli na řešení.", "MěÚ Otrokovice, zasedací místnost"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
}

// Cancelling an invited meeting tells the members with a CANCEL entry, and
// the retention job erases the names of old registrations and guests.
func TestCancellationAndRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := catalog(t)
		m := *f.meeting
		m.Capacity = 5
		f.svc.UpdateMeeting(ctx(), m.ID, m)
		reg, err := f.svc.Register(ctx(), group.Registration{MeetingID: m.ID, Name: "Anna Malá", Email: "anna@example.cz", Kind: group.RegCarer})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RecordAttendance(ctx(), m.ID, nil, []group.Guest{{Name: "Host Hostovský"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SendInvitations(ctx(), m.ID, l); err != nil {
			t.Fatal(err)
		}
		f.mail.Reset()
		cm, err := f.svc.SetMeetingState(ctx(), m.ID, group.StateCancelled)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := f.svc.NotifyCancelled(ctx(), cm, l); err != nil || n != 10 {
			t.Fatalf("cancellation notices %d %v", n, err)
		}
		// The invitations still waiting are superseded: only the notices go.
		if r := deliver(t, f); r.Sent != 10 {
			t.Fatalf("delivered %+v, want the 10 notices", r)
		}
		msg := f.mail.Messages()[0]
		if !strings.HasPrefix(msg.Subject, "Zrušeno: PS-SEN") || !strings.Contains(string(msg.Attachments[0].Data), "METHOD:CANCEL\r\n") {
			t.Fatalf("cancellation %q %s", msg.Subject, msg.Attachments[0].Data)
		}
		if n, err := f.svc.AnonymiseOld(ctx(), now); err != nil || n != 0 {
			t.Fatalf("anonymised %d before the cutoff (%v)", n, err)
		}
		if n, err := f.svc.AnonymiseOld(ctx(), now.AddDate(1, 0, 0)); err != nil || n != 22 {
			t.Fatalf("anonymised %d, want the registration, the guest and 20 e-mails sent or superseded (%v)", n, err)
		}
		got, _ := f.svc.RegistrationByToken(ctx(), reg.Token)
		if got.Name != "" || got.Email != "" {
			t.Fatalf("registration kept %q %q", got.Name, got.Email)
		}
	})
}

// BenchmarkAdoptResolution adopts resolutions one after another (each takes
// the group's counter row in its transaction).
func BenchmarkAdoptResolution(b *testing.B) {
	db := storetest.New(b, "sqlite")
	f := setup(b, db)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.svc.AdoptResolution(ctx(), group.ResolutionInput{Resolution: group.Resolution{MeetingID: f.meeting.ID, Text: "Usnesení", VotesFor: 7}}); err != nil {
			b.Fatal(err)
		}
	}
}

// deliver runs the outbox as the job would.
func deliver(t testing.TB, f *fixture) group.OutboxResult {
	t.Helper()
	r, err := f.svc.ProcessOutbox(ctx())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

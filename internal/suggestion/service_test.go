package suggestion

import (
	"context"
	"strings"
	"testing"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// fixture is a small region: two municipalities, two departments, two
// categories, a clock the test moves.
type fixture struct {
	t                 testing.TB
	db                *store.DB
	svc               *Service
	mail              *mail.Memory
	now               time.Time
	otrokovice, belov int64
	social, transport int64
	access, traffic   int64
	seniors           int64
}

func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, db: db, mail: &mail.Memory{}, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	alog := &audit.Log{Now: clock}
	ps := partner.NewService(db, alog, clock)
	f.svc = NewService(db, alog, clock, ps, f.mail, "https://kpss.example", nil)
	ctx := context.Background()
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	m, err := ps.CreateMunicipality(ctx, partner.Municipality{Name: "Otrokovice", Kind: partner.KindTown})
	f.otrokovice = must(m.ID, err)
	m, err = ps.CreateMunicipality(ctx, partner.Municipality{Name: "Bělov", Kind: partner.KindMunicipality})
	f.belov = must(m.ID, err)
	d, err := ps.CreateDepartment(ctx, partner.Department{Name: "Odbor sociálních věcí"})
	f.social = must(d.ID, err)
	d, err = ps.CreateDepartment(ctx, partner.Department{Name: "Odbor dopravně-správní"})
	f.transport = must(d.ID, err)
	g, err := ps.CreateTargetGroup(ctx, partner.TargetGroup{Code: "SEN", Name: "Senioři"})
	f.seniors = must(g.ID, err)
	c, err := f.svc.SaveCategory(ctx, 0, Category{Code: "bezbarierovost", Name: "Bezbariérovost", Accessibility: true, DepartmentID: &f.social})
	f.access = must(c.ID, err)
	c, err = f.svc.SaveCategory(ctx, 0, Category{Code: "doprava", Name: "Doprava", DepartmentID: &f.transport})
	f.traffic = must(c.ID, err)
	return f
}

func (f *fixture) submit(email string) *Suggestion {
	f.t.Helper()
	in := Input{Text: "Chybí nájezd pro vozíčkáře u pošty.", CategoryID: f.access, MunicipalityID: f.otrokovice, Address: "nám. 3. května 1"}
	if email != "" {
		in.ContactName, in.ContactEmail, in.Consent = "Marie Malá", email, true
	}
	x, err := f.svc.Submit(context.Background(), in)
	if err != nil {
		f.t.Fatal(err)
	}
	return x
}

func as(u *auth.User) context.Context {
	ctx := auth.WithUser(context.Background(), u)
	return audit.WithActor(ctx, audit.Actor{ID: u.ID, Name: u.Login})
}

var coordinator = &auth.User{ID: 1, Login: "koordinator", FullName: "Jana Dvořáková", Role: auth.RoleCoordinator, Active: true}

func officerOf(dept int64) *auth.User {
	return &auth.User{ID: 2, Login: "odbor", Role: auth.RoleOfficer, DepartmentID: &dept, Active: true}
}

// forceState puts a suggestion in a state directly, for the transition table.
func (f *fixture) forceState(id int64, st State, dept *int64) {
	f.t.Helper()
	if _, err := f.db.Exec(context.Background(), `UPDATE suggestions SET state = ?, department_id = ? WHERE id = ?`, st, dept, id); err != nil {
		f.t.Fatal(err)
	}
}

func changeFor(a Action, other string) Change {
	c := Change{Action: a, PublicNote: "Vyřešeno na místě.", InternalNote: "Patří jinam.", RedirectTo: "Krajský úřad Zlínského kraje", PlanRef: "Komunitní plán 2026–2028, opatření 2.3", DuplicateOf: other}
	return c
}

// TestEveryTransition tries every action from every state, as the coordinator
// and as the officer of the routed department, and checks the state machine.
func TestEveryTransition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		other := f.submit("")
		for _, from := range States {
			for _, a := range Actions {
				for _, who := range []string{"coordinator", "officer"} {
					x := f.submit("")
					f.forceState(x.ID, from, &f.social)
					ctx := as(coordinator)
					if who == "officer" {
						ctx = as(officerOf(f.social))
					}
					to, allowed := Allowed(from, a)
					if who == "officer" && StaffOnly(a) {
						allowed = false
					}
					got, err := f.svc.Transition(ctx, x.ID, changeFor(a, other.Code))
					if allowed {
						if err != nil {
							t.Errorf("%s: %s → %s: %v", who, from, a, err)
							continue
						}
						if got.State != to {
							t.Errorf("%s: %s → %s gave %s, want %s", who, from, a, got.State, to)
						}
						if to.Open() != (got.ClosedAt == nil) {
							t.Errorf("%s: %s → %s: closed_at %v for state %s", who, from, a, got.ClosedAt, to)
						}
						evs, _ := f.svc.Events(context.Background(), x.ID)
						last := evs[len(evs)-1]
						if last.Kind != EventState || last.FromState != from || last.ToState != to || last.ActorName == "" {
							t.Errorf("%s: %s → %s: history entry %+v", who, from, a, last)
						}
						continue
					}
					if err == nil {
						t.Errorf("%s: %s → %s was allowed, want refused", who, from, a)
						continue
					}
					if c := apperr.CodeOf(err); c != apperr.Conflict && c != apperr.Forbidden {
						t.Errorf("%s: %s → %s: error %v, want conflict or forbidden", who, from, a, err)
					}
					after, _ := f.svc.FindByID(context.Background(), x.ID)
					if after.State != from {
						t.Errorf("%s: refused %s → %s still changed the state to %s", who, from, a, after.State)
					}
				}
			}
		}
	})
}

func TestOfficerSeesOnlyOwnDepartment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		mine, theirs, unrouted := f.submit(""), f.submit(""), f.submit("")
		ctx := as(coordinator)
		due := store.NewDate(2026, 4, 1)
		if _, err := f.svc.Route(ctx, mine.ID, f.social, due, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Route(ctx, theirs.ID, f.transport, due, ""); err != nil {
			t.Fatal(err)
		}
		off := as(officerOf(f.social))
		items, total, err := f.svc.Find(off, Filter{})
		if err != nil || total != 1 || items[0].ID != mine.ID {
			t.Fatalf("officer's queue: %d items, err %v", total, err)
		}
		for _, id := range []int64{theirs.ID, unrouted.ID} {
			if _, err := f.svc.FindByID(off, id); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("officer reads suggestion %d of another department: %v, want not found", id, err)
			}
			if _, err := f.svc.Transition(off, id, Change{Action: ActAccept}); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("officer accepts suggestion %d of another department: %v, want not found", id, err)
			}
		}
		if _, err := f.svc.Route(off, mine.ID, f.transport, due, ""); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("officer reroutes: %v, want forbidden", err)
		}
		// Sending back to the coordinator takes it out of the department's queue.
		if _, err := f.svc.Transition(off, mine.ID, Change{Action: ActReturn, InternalNote: "Řeší Stavební úřad."}); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := f.svc.Find(off, Filter{}); total != 0 {
			t.Errorf("after sending back the officer still has %d", total)
		}
		member := as(&auth.User{ID: 9, Login: "clen", Role: auth.RoleMember, Active: true})
		if _, _, err := f.svc.Find(member, Filter{}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("member lists suggestions: %v", err)
		}
	})
}

func TestRouteAndDuplicateAndMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := as(coordinator)
		x := f.submit("marie@example.cz")
		msgs := f.mail.Messages()
		if len(msgs) != 1 || !strings.Contains(msgs[0].Text, x.Code) || !strings.Contains(msgs[0].Text, "https://kpss.example/podnet/"+x.Code) {
			t.Fatalf("submission e-mail: %+v", msgs)
		}
		if _, err := f.svc.Route(ctx, x.ID, f.social, store.NewDate(2026, 2, 1), ""); err == nil {
			t.Error("a due date in the past was accepted")
		}
		if _, err := f.svc.Route(ctx, x.ID, f.social, store.NewDate(2026, 3, 20), "Prosím o rychlé řešení."); err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(24 * time.Hour * 30)
		if items, _, _ := f.svc.Find(ctx, Filter{Overdue: true}); len(items) != 1 {
			t.Errorf("overdue list has %d, want 1", len(items))
		}
		dup := f.submit("petr@example.cz")
		if _, err := f.svc.Transition(ctx, dup.ID, Change{Action: ActDuplicate, DuplicateOf: dup.Code}); err == nil {
			t.Error("a suggestion was marked a duplicate of itself")
		}
		got, err := f.svc.Transition(ctx, dup.ID, Change{Action: ActDuplicate, DuplicateOf: strings.ToLower(x.Code)})
		if err != nil {
			t.Fatal(err)
		}
		if got.DuplicateOf == nil || *got.DuplicateOf != x.ID {
			t.Fatalf("duplicate_of = %v", got.DuplicateOf)
		}
		evs, _ := f.svc.Events(ctx, x.ID)
		if evs[len(evs)-1].Kind != EventMerged {
			t.Errorf("the original's history lacks the merge: %+v", evs[len(evs)-1])
		}
		last := f.mail.Messages()[len(f.mail.Messages())-1]
		if last.To[0] != "petr@example.cz" || !strings.Contains(last.Text, x.Code) {
			t.Errorf("duplicate e-mail: %+v", last)
		}
		// Officer resolves: the citizen hears about each change.
		off := as(officerOf(f.social))
		n := len(f.mail.Messages())
		if _, err := f.svc.Transition(off, x.ID, Change{Action: ActAccept}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Transition(off, x.ID, Change{Action: ActResolve}); err == nil {
			t.Error("resolved without saying what was done")
		}
		if _, err := f.svc.Transition(off, x.ID, Change{Action: ActResolve, PublicNote: "Nájezd byl postaven."}); err != nil {
			t.Fatal(err)
		}
		msgs = f.mail.Messages()[n:]
		if len(msgs) != 2 || !strings.Contains(msgs[1].Subject, "vyřešený") || !strings.Contains(msgs[1].Text, "Nájezd byl postaven.") {
			t.Errorf("state e-mails: %+v", msgs)
		}
		pub, _ := f.svc.PublicEvents(ctx, x.ID)
		for _, e := range pub {
			if e.InternalNote != "" || e.ActorName != "" || e.Kind == EventRoute {
				t.Errorf("public history shows %+v", e)
			}
		}
	})
}

func TestAuditOneRowPerChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := as(coordinator)
		count := func() int {
			var n int
			db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE entity = 'suggestion'`).Scan(&n)
			return n
		}
		x := f.submit("marie@example.cz")
		if count() != 1 {
			t.Fatalf("create wrote %d audit rows", count())
		}
		f.svc.Route(ctx, x.ID, f.social, store.NewDate(2026, 4, 1), "")
		f.svc.SetQuickWin(ctx, x.ID, true)
		f.svc.AddNote(ctx, x.ID, "", "Zavolat paní Malé.")
		if count() != 4 {
			t.Fatalf("after route, quick win and note: %d audit rows, want 4", count())
		}
		var after string
		db.QueryRow(context.Background(), `SELECT after_json FROM audit_log WHERE entity = 'suggestion' ORDER BY id LIMIT 1`).Scan(&after)
		if strings.Contains(after, "marie@example.cz") || strings.Contains(after, "Marie") {
			t.Errorf("the audit log keeps personal data: %s", after)
		}
	})
}

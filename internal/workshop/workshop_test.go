package workshop_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/feedback"
	"kpss/internal/group"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
	"kpss/internal/web/i18n"
	"kpss/internal/workshop"
)

var prague = i18n.Prague

// clock is the replaceable clock of these tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t.UTC()
	c.mu.Unlock()
}
func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

type fixture struct {
	svc   *workshop.Service
	clock *clock
	db    *store.DB
	place *group.Place
	day   time.Time // the workshop's day, 9:00 Prague
}

var ctx = audit.WithActor(context.Background(), audit.Actor{Name: "test"})

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	c := &clock{}
	c.Set(time.Date(2026, 3, 2, 8, 0, 0, 0, prague))
	log := &audit.Log{Now: c.Now}
	gs := group.NewService(db, log, c.Now, partner.NewService(db, log, c.Now))
	pl, err := gs.SavePlace(ctx, group.Place{Name: "Klubovna Charity", Address: "Štefánikova 1403, Otrokovice", Wheelchair: true, AccessibleToilet: true})
	if err != nil {
		t.Fatal(err)
	}
	svc := workshop.NewService(db, log, c.Now)
	svc.Places = gs
	svc.BaseURL = "https://kpss.example"
	return &fixture{svc: svc, clock: c, db: db, place: pl, day: time.Date(2026, 3, 20, 9, 0, 0, 0, prague)}
}

// workshop makes a draft with quotas and two blocks of 3 h 15 and 2 h 45 net.
func (f *fixture) workshop(t *testing.T, quotas map[string]int) *workshop.Workshop {
	t.Helper()
	w, err := f.svc.CreateWorkshop(ctx, workshop.Workshop{Topic: "Motivace uživatelů", LecturerName: "Mgr. Jan Dostál", PlaceID: &f.place.ID,
		Organiser: "Naděje Otrokovice", MinParticipants: 10, Quotas: quotas})
	if err != nil {
		t.Fatal(err)
	}
	f.block(t, w.ID, 0, 3*time.Hour+30*time.Minute, 15)
	f.block(t, w.ID, 4*time.Hour+15*time.Minute, 3*time.Hour, 15)
	w, err = f.svc.FindWorkshopByID(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (f *fixture) block(t *testing.T, wid int64, from, length time.Duration, brk int) *workshop.Block {
	t.Helper()
	b, err := f.svc.AddBlock(ctx, wid, workshop.Block{StartsAt: f.day.Add(from), EndsAt: f.day.Add(from + length), BreakMinutes: brk})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fixture) register(t *testing.T, wid int64, name, aud string) *workshop.Registration {
	t.Helper()
	r, err := f.svc.Register(ctx, workshop.Registration{WorkshopID: wid, Name: name, Email: strings.ReplaceAll(strings.ToLower(name), " ", ".") + "@example.cz", Audience: aud})
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return r
}

func fields(err error) map[string]string {
	out := map[string]string{}
	if e, ok := apperr.As(err); ok {
		for k, m := range e.Fields {
			out[k] = m.Key
		}
	}
	return out
}

func TestNetHoursAndPublishingRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		w, err := f.svc.CreateWorkshop(ctx, workshop.Workshop{Topic: "Fundraising", MinParticipants: 8, Quotas: map[string]int{workshop.AudStaff: 12}})
		if err != nil {
			t.Fatal(err)
		}
		// 9:00–12:30 with 15 min of breaks, 13:15–15:15 with 15 min: 3 h 15 + 1 h 45 = 5 h.
		f.block(t, w.ID, 0, 3*time.Hour+30*time.Minute, 15)
		f.block(t, w.ID, 4*time.Hour+15*time.Minute, 2*time.Hour, 15)
		w, _ = f.svc.FindWorkshopByID(ctx, w.ID)
		if w.Net() != 5*60 || w.NetText() != "5 h" {
			t.Fatalf("net = %d (%s), want 5 h", w.Net(), w.NetText())
		}
		_, err = f.svc.Publish(ctx, w.ID)
		got := fields(err)
		if got["blocks"] != "workshop.err.net_hours" || got["min_participants"] != "workshop.err.min_participants" {
			t.Fatalf("publish below 6 h and with minimum 8: %v", got)
		}
		// An overlapping block is refused.
		if _, err := f.svc.AddBlock(ctx, w.ID, workshop.Block{StartsAt: f.day.Add(time.Hour), EndsAt: f.day.Add(2 * time.Hour)}); fields(err)["block_start"] != "workshop.err.overlap" {
			t.Fatalf("overlap: %v", err)
		}
		// Breaks as long as the block are refused.
		if _, err := f.svc.AddBlock(ctx, w.ID, workshop.Block{StartsAt: f.day.Add(8 * time.Hour), EndsAt: f.day.Add(9 * time.Hour), BreakMinutes: 60}); fields(err)["block_break"] != "workshop.err.break" {
			t.Fatalf("break: %v", err)
		}
		// One more hour net and a minimum of 10: publishable.
		f.block(t, w.ID, 7*time.Hour, time.Hour, 0)
		in := *w
		in.MinParticipants = 10
		if _, err := f.svc.UpdateWorkshop(ctx, w.ID, in); err != nil {
			t.Fatal(err)
		}
		pw, err := f.svc.Publish(ctx, w.ID)
		if err != nil {
			t.Fatalf("publish 6 h / 10: %v", err)
		}
		if pw.State != workshop.StatePublished || pw.Net() != 6*60 {
			t.Fatalf("published: %s, %d min", pw.State, pw.Net())
		}
		// A published workshop keeps its 6 hours and its minimum.
		if _, err := f.svc.RemoveBlock(ctx, pw.Blocks[2].ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("remove a needed block: %v", err)
		}
		in.MinParticipants = 9
		if _, err := f.svc.UpdateWorkshop(ctx, w.ID, in); fields(err)["min_participants"] == "" {
			t.Fatalf("lower the minimum of a published workshop: %v", err)
		}
		if workshop.Hours(7*60+20) != "7 h 20 min" || workshop.Hours(390) != "6,5 h" {
			t.Fatal("Hours formatting")
		}
	})
}

func TestQuotasWaitlistAndOffers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		w := f.workshop(t, map[string]int{workshop.AudStaff: 10, workshop.AudCarer: 1})
		if _, err := f.svc.Publish(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		var staff []*workshop.Registration
		for i := 0; i < 10; i++ {
			staff = append(staff, f.register(t, w.ID, fmt.Sprintf("Pracovnice %d", i), workshop.AudStaff))
		}
		carer := f.register(t, w.ID, "Věra Mikulová", workshop.AudCarer)
		if carer.State != workshop.RegConfirmed {
			t.Fatalf("carer: %s", carer.State)
		}
		// The carers' quota is full: the next carer waits although staff… no, staff is full too.
		carer2 := f.register(t, w.ID, "Jarmila Koutná", workshop.AudCarer)
		late1 := f.register(t, w.ID, "Pozdní Jedna", workshop.AudStaff)
		late2 := f.register(t, w.ID, "Pozdní Dva", workshop.AudStaff)
		if carer2.State != workshop.RegWaitlisted || late1.State != workshop.RegWaitlisted || late2.State != workshop.RegWaitlisted {
			t.Fatalf("waitlist: %s %s %s", carer2.State, late1.State, late2.State)
		}
		// An audience without places is not invited; an assistant takes no place.
		if _, err := f.svc.Register(ctx, workshop.Registration{WorkshopID: w.ID, Name: "Uživatel", Email: "u@example.cz", Audience: workshop.AudUser}); fields(err)["audience"] != "workshop.err.audience_not_invited" {
			t.Fatalf("user without quota: %v", err)
		}
		asst, err := f.svc.Register(ctx, workshop.Registration{WorkshopID: w.ID, Name: "Asistentka", Phone: "+420 777 123 456", Audience: workshop.AudCarer, Assistant: true})
		if err != nil || asst.State != workshop.RegConfirmed {
			t.Fatalf("assistant: %v %v", asst, err)
		}
		// The same e-mail twice is refused.
		if _, err := f.svc.Register(ctx, workshop.Registration{WorkshopID: w.ID, Name: "Pracovnice 0", Email: staff[0].Email, Audience: workshop.AudStaff}); fields(err)["email"] != "workshop.err.already_registered" {
			t.Fatalf("twice: %v", err)
		}
		// The coordinator moves the second late one up.
		if _, err := f.svc.MoveWaitlisted(ctx, late2.ID, true); err != nil {
			t.Fatal(err)
		}
		// A staff member cancels: the place is offered to late2 (now first of staff), for 24 h.
		offered, err := f.svc.CancelRegistration(ctx, 0, staff[3].Token)
		if err != nil {
			t.Fatal(err)
		}
		if len(offered) != 1 || offered[0].ID != late2.ID {
			t.Fatalf("offered %v, want late2", offered)
		}
		got, _ := f.svc.RegistrationByToken(ctx, late2.Token)
		if got.State != workshop.RegOffered || got.OfferExpiresAt == nil || !got.OfferExpiresAt.Equal(f.clock.Now().Add(24*time.Hour)) {
			t.Fatalf("offer: %s %v", got.State, got.OfferExpiresAt)
		}
		// Nobody else gets the place meanwhile.
		if r := f.register(t, w.ID, "Nová", workshop.AudStaff); r.State != workshop.RegWaitlisted {
			t.Fatalf("place held for the offer, new one got %s", r.State)
		}
		// The offer lapses after 24 h; the job offers the place to late1.
		f.clock.Add(23 * time.Hour)
		if n, _ := f.svc.ExpireOffers(ctx); n != 0 {
			t.Fatalf("expired early: %d", n)
		}
		f.clock.Add(time.Hour)
		if n, err := f.svc.ExpireOffers(ctx); n != 1 || err != nil {
			t.Fatalf("expire: %d %v", n, err)
		}
		if n, _ := f.svc.ExpireOffers(ctx); n != 0 {
			t.Fatal("a second run expired again")
		}
		if _, err := f.svc.AcceptOffer(ctx, late2.Token); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("accept an expired offer: %v", err)
		}
		got, _ = f.svc.RegistrationByToken(ctx, late1.Token)
		if got.State != workshop.RegOffered {
			t.Fatalf("late1: %s", got.State)
		}
		if _, err := f.svc.AcceptOffer(ctx, late1.Token); err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.RegistrationByToken(ctx, late1.Token)
		if got.State != workshop.RegConfirmed {
			t.Fatalf("late1 after accepting: %s", got.State)
		}
		ws, _ := f.svc.FindWorkshopByID(ctx, w.ID)
		if ws.Counts[workshop.AudStaff] != 10 || ws.Free(workshop.AudStaff) != 0 {
			t.Fatalf("staff places: %v", ws.Counts)
		}
		// An offer made close to the workshop lasts until an hour before it.
		f.clock.Set(f.day.Add(-3 * time.Hour))
		offered, err = f.svc.CancelRegistration(ctx, staff[4].ID, "")
		if err != nil || len(offered) != 1 || !offered[0].OfferExpiresAt.Equal(f.day.Add(-time.Hour).UTC()) {
			t.Fatalf("short offer: %v %v", offered, err)
		}
		// Registration closes when the workshop starts.
		f.clock.Set(f.day)
		if _, err := f.svc.Register(ctx, workshop.Registration{WorkshopID: w.ID, Name: "Pozdě", Email: "p@example.cz", Audience: workshop.AudStaff}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("register after start: %v", err)
		}
	})
}

// held makes a published workshop with n confirmed staff and returns them.
func (f *fixture) held(t *testing.T, n int) (*workshop.Workshop, []*workshop.Registration) {
	t.Helper()
	w := f.workshop(t, map[string]int{workshop.AudStaff: 16})
	if _, err := f.svc.Publish(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	var regs []*workshop.Registration
	for i := 0; i < n; i++ {
		regs = append(regs, f.register(t, w.ID, fmt.Sprintf("Účastník %02d", i), workshop.AudStaff))
	}
	return w, regs
}

func TestAttendanceHeldRuleAndCertificates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		w, regs := f.held(t, 11)
		b1, b2 := w.Blocks[0], w.Blocks[1]
		// Too early for attendance.
		if err := f.svc.RecordAttendance(ctx, w.ID, nil); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("attendance weeks before: %v", err)
		}
		f.clock.Set(f.day.Add(30 * time.Minute))
		// Nine people in both blocks, one only in the morning (3 h 15 of 6 h < 75 %).
		present := map[int64][]int64{}
		for i := 0; i < 9; i++ {
			present[regs[i].ID] = []int64{b1.ID, b2.ID}
		}
		present[regs[9].ID] = []int64{b1.ID}
		if err := f.svc.RecordAttendance(ctx, w.ID, present); err != nil {
			t.Fatal(err)
		}
		// The eleventh checks in by the code of the afternoon block — only during it.
		if _, err := f.svc.CheckIn(ctx, regs[10].Token, b2.Code); fields(err)["code"] != "workshop.err.code_time" {
			t.Fatalf("code too early: %v", err)
		}
		if _, err := f.svc.CheckIn(ctx, regs[10].Token, "000000"); fields(err)["code"] != "workshop.err.code_wrong" {
			t.Fatalf("wrong code: %v", err)
		}
		f.clock.Set(f.day.Add(4*time.Hour + 20*time.Minute))
		if _, err := f.svc.CheckIn(ctx, regs[10].Token, b2.Code); err != nil {
			t.Fatal(err)
		}
		// Closing before the end is refused.
		if _, err := f.svc.Close(ctx, w.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("close early: %v", err)
		}
		f.clock.Set(f.day.Add(8 * time.Hour))
		ws, err := f.svc.FindWorkshopByID(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		tl, err := f.svc.Tally(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		if tl.Participants != 11 || tl.PerBlock[b1.ID] != 10 || tl.PerBlock[b2.ID] != 10 {
			t.Fatalf("tally: %+v", tl)
		}
		closed, err := f.svc.Close(ctx, w.ID)
		if err != nil || closed.State != workshop.StateHeld {
			t.Fatalf("close with 11 of 10: %v %v", closed, err)
		}
		// Certificates: 75 % of 6 h = 4 h 30: the nine, not the morning one
		// (3 h 15) nor the afternoon one (2 h 45).
		n, err := f.svc.IssueCertificates(ctx, w.ID)
		if err != nil || n != 9 {
			t.Fatalf("issued %d, %v; want 9", n, err)
		}
		if n, _ := f.svc.IssueCertificates(ctx, w.ID); n != 0 {
			t.Fatalf("issued again: %d", n)
		}
		certs, _ := f.svc.CertificatesOf(ctx, w.ID)
		if len(certs) != 9 || certs[0].Number != "2026/001" || certs[8].Number != "2026/009" || certs[0].Minutes != 6*60 {
			t.Fatalf("certs: %+v", certs)
		}
		if _, err := f.svc.CertificateOfRegistration(ctx, regs[9].ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatal("the morning-only participant got a certificate")
		}
		// The verification code finds it; a made-up one does not.
		c, err := f.svc.CertificateByCode(ctx, certs[3].Code)
		if err != nil || c.Holder != certs[3].Holder {
			t.Fatalf("verify: %v %v", c, err)
		}
		if _, err := f.svc.CertificateByCode(ctx, "neexistuje"); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatal("unknown code verified")
		}
		if !strings.HasPrefix(f.svc.VerifyURL(c), "https://kpss.example/osvedceni/") {
			t.Fatal(f.svc.VerifyURL(c))
		}
		// The plan's indicators: one workshop held, 11 participants.
		if n, ok, _ := f.svc.ProjectActual(ctx, "workshops"); !ok || n != 1 {
			t.Fatalf("workshops actual %d %v", n, ok)
		}
		if n, ok, _ := f.svc.ProjectActual(ctx, "participants"); !ok || n != 11 {
			t.Fatalf("participants actual %d %v", n, ok)
		}
		if _, ok, _ := f.svc.ProjectActual(ctx, "meetings"); ok {
			t.Fatal("workshops answered for meetings")
		}
		// The ledger: 6 h attended, counted in full (under 8 h).
		rows, err := f.svc.Ledger(ctx, 2026)
		if err != nil || len(rows) != 11 {
			t.Fatalf("ledger: %v %v", rows, err)
		}
		if rows[0].Name != "Účastník 00" || rows[0].Minutes != 360 || rows[0].Counted != 360 || rows[0].Certificates != 1 {
			t.Fatalf("ledger row: %+v", rows[0])
		}
	})
}

func TestNotHeldBelowMinimum(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		w, regs := f.held(t, 10)
		f.clock.Set(f.day.Add(8 * time.Hour))
		present := map[int64][]int64{}
		for _, r := range regs[:9] {
			present[r.ID] = []int64{w.Blocks[0].ID, w.Blocks[1].ID}
		}
		if err := f.svc.RecordAttendance(ctx, w.ID, present); err != nil {
			t.Fatal(err)
		}
		closed, err := f.svc.Close(ctx, w.ID)
		if err != nil || closed.State != workshop.StateNotHeld {
			t.Fatalf("9 of 10: %v %v", closed, err)
		}
		if _, err := f.svc.IssueCertificates(ctx, w.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatal("certificates for a workshop not held")
		}
		if n, _, _ := f.svc.ProjectActual(ctx, "workshops"); n != 0 {
			t.Fatalf("not held counted: %d", n)
		}
	})
}

func TestLedgerCapsTrainingEventsAtEightHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		var ids []int64
		for i := 0; i < 2; i++ {
			w := f.workshop(t, map[string]int{workshop.AudStaff: 12})
			if _, err := f.svc.Publish(ctx, w.ID); err != nil {
				t.Fatal(err)
			}
			r := f.register(t, w.ID, "Lenka Horáková", workshop.AudStaff)
			ids = append(ids, w.ID)
			f.clock.Set(f.day.Add(8 * time.Hour))
			if err := f.svc.RecordAttendance(ctx, w.ID, map[int64][]int64{r.ID: {w.Blocks[0].ID, w.Blocks[1].ID}}); err != nil {
				t.Fatal(err)
			}
			f.clock.Set(time.Date(2026, 3, 2, 8, 0, 0, 0, prague))
			f.day = f.day.AddDate(0, 1, 0)
		}
		rows, err := f.svc.Ledger(ctx, 2026)
		if err != nil || len(rows) != 1 {
			t.Fatalf("%v %v", rows, err)
		}
		if rows[0].Workshops != 2 || rows[0].Minutes != 12*60 || rows[0].Counted != 8*60 {
			t.Fatalf("ledger: %+v", rows[0])
		}
	})
}

// fakeFeedback is a small feedback.Provider for the tests.
type fakeFeedback struct{ asked []feedback.Request }

func (p *fakeFeedback) EnsureFeedback(_ context.Context, r feedback.Request) (feedback.Form, error) {
	p.asked = append(p.asked, r)
	return feedback.Form{SurveyID: 7, RespondURL: "/dotazniky/7/odpoved", ResultsURL: "/dotazniky/7/vysledky"}, nil
}

func (p *fakeFeedback) FeedbackResults(_ context.Context, owners []string) (map[string]workshopResult, error) {
	out := map[string]workshopResult{}
	for _, o := range owners {
		out[o] = workshopResult{Responses: 8, MeanSatisfaction: 4.4, ResultsURL: "/dotazniky/7/vysledky"}
	}
	return out, nil
}

type workshopResult = feedback.Result

func TestFeedbackFormAfterTheLastBlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		w, _ := f.held(t, 1)
		w, _ = f.svc.FindWorkshopByID(ctx, w.ID)
		if _, ok := f.svc.FeedbackForm(ctx, w); ok {
			t.Fatal("a form without the surveys module")
		}
		fb := &fakeFeedback{}
		f.svc.Feedback = fb
		if _, ok := f.svc.FeedbackForm(ctx, w); ok {
			t.Fatal("a form before the workshop")
		}
		f.clock.Set(f.day.Add(8 * time.Hour))
		form, ok := f.svc.FeedbackForm(ctx, w)
		if !ok || form.RespondURL != "/dotazniky/7/odpoved" {
			t.Fatalf("form: %v %v", form, ok)
		}
		if len(fb.asked) != 1 || fb.asked[0].Owner != workshop.Owner(w.ID) || !strings.Contains(fb.asked[0].Title, "Motivace uživatelů") || !fb.asked[0].Opens.Equal(w.Last()) {
			t.Fatalf("request: %+v", fb.asked)
		}
	})
}

func TestRegistrationValidation(t *testing.T) {
	r := workshop.Registration{Name: " ", Email: "neni-email", Audience: "x"}
	got := fields(r.Validate())
	if got["name"] != "err.required" || got["email"] != "err.email" || got["audience"] != "err.choose" {
		t.Fatal(got)
	}
	r = workshop.Registration{Name: "Věra", Audience: workshop.AudCarer}
	if fields(r.Validate())["email"] != "workshop.err.contact_needed" {
		t.Fatal("no contact accepted")
	}
	r.Phone = "603 111 222"
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
}

// fakeNotifier records the e-mails the service queues.
type fakeNotifier struct{ kinds []string }

func (n *fakeNotifier) Notify(_ context.Context, _ store.Q, kind string, _ *workshop.Workshop, r *workshop.Registration, _ *workshop.Certificate) error {
	n.kinds = append(n.kinds, kind+":"+r.Name)
	return nil
}

func TestRemindersOnceAndRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		n := &fakeNotifier{}
		f.svc.Notify = n
		w, regs := f.held(t, 3)
		if _, err := f.svc.CancelRegistration(ctx, regs[1].ID, ""); err != nil {
			t.Fatal(err)
		}
		// The third one attends (recorded on the day, below).
		n.kinds = nil
		// Two days before: nothing; the day before: one reminder to the confirmed one; again: nothing.
		f.clock.Set(f.day.Add(-48 * time.Hour))
		if k, _ := f.svc.SendReminders(ctx); k != 0 {
			t.Fatalf("reminded 48 h before: %d", k)
		}
		f.clock.Set(f.day.Add(-20 * time.Hour))
		if k, err := f.svc.SendReminders(ctx); k != 1 || err != nil {
			t.Fatalf("reminders: %d %v", k, err)
		}
		if k, _ := f.svc.SendReminders(ctx); k != 0 {
			t.Fatal("reminded twice")
		}
		f.clock.Set(f.day.Add(8 * time.Hour))
		if err := f.svc.RecordAttendance(ctx, w.ID, map[int64][]int64{regs[2].ID: {w.Blocks[0].ID}}); err != nil {
			t.Fatal(err)
		}
		if len(n.kinds) != 2 || n.kinds[0] != "reminder:Účastník 00" {
			t.Fatalf("mails: %v", n.kinds)
		}
		// Needs are kept until a month after the workshop, the rest two years.
		if _, err := db.Exec(ctx, `UPDATE workshop_registrations SET needs = 'vozík' WHERE workshop_id = ?`, w.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(f.day.AddDate(0, 0, 20))
		if k, _ := f.svc.AnonymiseOld(ctx, false); k != 0 {
			t.Fatalf("erased too early: %d", k)
		}
		f.clock.Set(f.day.AddDate(0, 2, 0))
		if k, _ := f.svc.AnonymiseOld(ctx, true); k != 3 {
			t.Fatalf("dry run: %d", k)
		}
		if k, _ := f.svc.AnonymiseOld(ctx, false); k != 3 {
			t.Fatalf("needs erased: %d", k)
		}
		r, _ := f.svc.RegistrationByToken(ctx, regs[0].Token)
		if r.Needs != "" || r.Name != "Účastník 00" {
			t.Fatalf("after a month: %+v", r)
		}
		f.clock.Set(f.day.AddDate(2, 1, 0))
		if k, _ := f.svc.AnonymiseOld(ctx, false); k != 3 {
			t.Fatalf("registrations erased: %d", k)
		}
		r, _ = f.svc.RegistrationByToken(ctx, regs[0].Token)
		if r.Name != "" || r.Email != "" || r.AnonymisedAt == nil {
			t.Fatalf("after two years, a no-show: %+v", r)
		}
		r, _ = f.svc.RegistrationByToken(ctx, regs[2].Token)
		if r.Name != "Účastník 02" || r.Email != "" || r.AnonymisedAt == nil {
			t.Fatalf("after two years, an attendee keeps the name only: %+v", r)
		}
		if rows, _ := f.svc.Ledger(ctx, 2026); len(rows) != 1 || rows[0].Name != "Účastník 02" {
			t.Fatalf("ledger after retention: %+v", rows)
		}
	})
}

func TestRegisterOnSite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		w := f.workshop(t, map[string]int{workshop.AudStaff: 10})
		if _, err := f.svc.Publish(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		in := workshop.Registration{WorkshopID: w.ID, Name: "Přišla Bezpřihlášky", Audience: workshop.AudCarer}
		if _, err := f.svc.RegisterOnSite(ctx, in); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("on site weeks before: %v", err)
		}
		f.clock.Set(f.day.Add(10 * time.Minute))
		r, err := f.svc.RegisterOnSite(ctx, in)
		if err != nil || r.State != workshop.RegConfirmed {
			t.Fatalf("on site: %v %v", r, err)
		}
		if err := f.svc.RecordAttendance(ctx, w.ID, map[int64][]int64{r.ID: {w.Blocks[0].ID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RegisterOnSite(ctx, workshop.Registration{WorkshopID: w.ID, Audience: "x"}); fields(err)["walkin_name"] != "err.required" {
			t.Fatalf("empty walk-in: %v", err)
		}
	})
}

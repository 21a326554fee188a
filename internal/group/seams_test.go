package group_test

import (
	"fmt"
	"testing"

	"kpss/internal/group"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// The plan's project indicators count held meetings and distinct people
// present inside the project window; resolutions are found by number.
func TestProjectActualAndResolutionLookup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		c := ctx()
		// Five members present, one excused, and a guest.
		st := map[int64]string{}
		for i, m := range f.members[:6] {
			st[m.ID] = group.Present
			if i == 5 {
				st[m.ID] = group.Excused
			}
		}
		if err := f.svc.RecordAttendance(c, f.meeting.ID, st, []group.Guest{{Name: "Pavla Nováková", Affiliation: "Charita"}}); err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.AdoptResolution(c, group.ResolutionInput{Resolution: group.Resolution{MeetingID: f.meeting.ID, Text: "Schvaluje plán jednání.", VotesFor: 5}})
		if err != nil {
			t.Fatal(err)
		}
		// Not held yet: nothing counts.
		if n, ok, err := f.svc.ProjectActual(c, "meetings"); err != nil || !ok || n != 0 {
			t.Fatalf("meetings before held = %d %v %v", n, ok, err)
		}
		if _, err := f.svc.SetMeetingState(c, f.meeting.ID, group.StateHeld); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"meetings": 1, "participants": 6, "resolutions": 1}
		for code, w := range want {
			n, ok, err := f.svc.ProjectActual(c, code)
			if err != nil || !ok || n != w {
				t.Errorf("%s = %d (ok %v, err %v), want %d", code, n, ok, err, w)
			}
		}
		if _, ok, _ := f.svc.ProjectActual(c, "workshops"); ok {
			t.Error("workshops should not be known to the groups module")
		}
		// A window that ends before the meeting counts nothing.
		f.svc.ProjectTo = store.NewDate(2026, 3, 1)
		if n, _, _ := f.svc.ProjectActual(c, "meetings"); n != 0 {
			t.Errorf("meetings outside the window = %d", n)
		}
		f.svc.ProjectFrom, f.svc.ProjectTo = store.NewDate(2026, 3, 17), store.NewDate(2026, 3, 18)
		if n, _, _ := f.svc.ProjectActual(c, "meetings"); n != 1 {
			t.Errorf("meetings on the window's first day = %d", n)
		}

		got, err := f.svc.ResolutionByNumber(c, " ps-sen/2026/1 ")
		if err != nil || got.ID != r.ID || got.Number != "PS-SEN/2026/01" || got.URL != fmt.Sprintf("/usneseni/%d", r.ID) || got.GroupCode != "PS-SEN" {
			t.Fatalf("by number: %+v %v", got, err)
		}
		if _, err := f.svc.ResolutionByNumber(c, "PS-SEN/2026/02"); err == nil {
			t.Error("an unknown number was found")
		}
		m, err := f.svc.ResolutionsByID(c, []int64{r.ID, r.ID + 100})
		if err != nil || len(m) != 1 || m[r.ID].Text != "Schvaluje plán jednání." {
			t.Fatalf("by id: %+v %v", m, err)
		}
	})
}

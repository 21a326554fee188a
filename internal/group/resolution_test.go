package group_test

import (
	"testing"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/group"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// A resolution is corrected in place only while the minutes are not
// approved; afterwards a new resolution (with a new number) annuls or
// amends it, both linked, and the earlier one shows "zrušeno usnesením …".
func TestResolutionCorrectionAndAnnulment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		c := ctx()
		audits := func(action string, id int64) int {
			var n int
			if err := db.QueryRow(c, `SELECT COUNT(*) FROM audit_log WHERE entity = 'resolution' AND action = ? AND entity_id = ?`, action, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		r1, err := f.svc.AdoptResolution(c, group.ResolutionInput{Resolution: group.Resolution{MeetingID: f.meeting.ID, Text: "Schvaluje harmonogram.", VotesFor: 6}})
		if err != nil {
			t.Fatal(err)
		}
		// Before approval: corrected in place, same number, one audit row.
		fixed, err := f.svc.UpdateResolution(c, r1.ID, group.Resolution{Text: "Schvaluje harmonogram aktualizace plánu.", VotesFor: 7, VotesAbstained: 1, Outcome: group.Adopted})
		if err != nil || fixed.Number != "PS-SEN/2026/01" || fixed.VotesFor != 7 {
			t.Fatalf("correction: %+v %v", fixed, err)
		}
		if got, _ := f.svc.FindResolutionByID(c, r1.ID); got.Text != "Schvaluje harmonogram aktualizace plánu." || got.VotesAbstained != 1 {
			t.Fatalf("stored after correction: %+v", got)
		}
		if n := audits("update", r1.ID); n != 1 {
			t.Errorf("%d audit rows of the correction", n)
		}
		if _, err := f.svc.UpdateResolution(c, r1.ID, group.Resolution{Text: ""}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("empty text: %v", err)
		}
		// The minutes are approved: the resolution is final.
		if _, err := f.svc.SetMeetingState(c, f.meeting.ID, group.StateHeld); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveMinutes(c, f.meeting.ID, "Usnesení PS-SEN/2026/01 přijato."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ApproveMinutes(c, f.meeting.ID, "Marta Čermáková", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateResolution(c, r1.ID, group.Resolution{Text: "Přepsáno", VotesFor: 7}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("editing after approval: %v, want a conflict", err)
		}
		if _, err := f.svc.AdoptResolution(c, group.ResolutionInput{Resolution: group.Resolution{MeetingID: f.meeting.ID, Text: "Dodatečné", VotesFor: 6}}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("adopting at a meeting with approved minutes: %v", err)
		}
		// Even while the minutes are being corrected (a new draft version).
		if _, err := f.svc.CorrectMinutes(c, f.meeting.ID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := f.svc.ResolutionEditable(c, f.meeting.ID); ok {
			t.Error("resolutions editable again during a correction of the minutes")
		}
		// The next meeting annuls it.
		start := group.At(time.Date(2026, 5, 19, 0, 0, 0, 0, time.UTC), "15:00")
		next, err := f.svc.CreateMeeting(c, group.Meeting{GroupID: f.grp.ID, StartsAt: start, EndsAt: start.Add(2 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		// A rejected proposal to annul changes nothing.
		rej, err := f.svc.AdoptResolution(c, group.ResolutionInput{Resolution: group.Resolution{MeetingID: next.ID, Text: "Ruší usnesení 01.", VotesFor: 2, VotesAgainst: 5,
			SupersedesID: &r1.ID, SupersedeKind: group.Annul}})
		if err != nil || rej.Outcome != group.Rejected || rej.Number != "PS-SEN/2026/02" {
			t.Fatalf("rejected annulment: %+v %v", rej, err)
		}
		if got, _ := f.svc.FindResolutionByID(c, r1.ID); !got.InForce() || got.SupersededByID != nil {
			t.Fatalf("a rejected proposal annulled it: %+v", got)
		}
		r3, err := f.svc.AdoptResolution(c, group.ResolutionInput{Resolution: group.Resolution{MeetingID: next.ID, Text: "Ruší usnesení PS-SEN/2026/01, harmonogram se posouvá.", VotesFor: 7,
			SupersedesID: &r1.ID, SupersedeKind: group.Annul}})
		if err != nil || r3.Number != "PS-SEN/2026/03" {
			t.Fatalf("annulment: %+v %v", r3, err)
		}
		old, _ := f.svc.FindResolutionByID(c, r1.ID)
		if old.InForce() || old.SupersededByNumber != "PS-SEN/2026/03" || old.SupersededByKind != group.Annul || *old.SupersededByID != r3.ID {
			t.Fatalf("annulled: %+v", old)
		}
		newer, _ := f.svc.FindResolutionByID(c, r3.ID)
		if newer.SupersedesNumber != "PS-SEN/2026/01" || newer.SupersedeKind != group.Annul || !newer.InForce() {
			t.Fatalf("annulling: %+v", newer)
		}
		if refs, _ := f.svc.ResolutionsByID(c, []int64{r1.ID}); refs[r1.ID].AnnulledBy != "PS-SEN/2026/03" {
			t.Errorf("evidence ref: %+v", refs[r1.ID])
		}
		// Not twice, and not one of another group or a made-up id.
		if _, err := f.svc.AdoptResolution(c, group.ResolutionInput{Resolution: group.Resolution{MeetingID: next.ID, Text: "Znovu ruší.", VotesFor: 7,
			SupersedesID: &r1.ID, SupersedeKind: group.Annul}}); !hasField(err, "supersedes_id") {
			t.Fatalf("annulling twice: %v", err)
		}
		bad := r3.ID + 1000
		if _, err := f.svc.AdoptResolution(c, group.ResolutionInput{Resolution: group.Resolution{MeetingID: next.ID, Text: "Mění.", VotesFor: 7,
			SupersedesID: &bad, SupersedeKind: group.Amend}}); !hasField(err, "supersedes_id") {
			t.Fatalf("unknown earlier resolution: %v", err)
		}
		// An amendment keeps the earlier one in force.
		r4, err := f.svc.AdoptResolution(c, group.ResolutionInput{Resolution: group.Resolution{MeetingID: next.ID, Text: "Doplňuje termín.", VotesFor: 7,
			SupersedesID: &r3.ID, SupersedeKind: group.Amend}})
		if err != nil || r4.Number != "PS-SEN/2026/04" {
			t.Fatalf("amendment: %+v %v (the failed attempts gave their numbers back)", r4, err)
		}
		if got, _ := f.svc.FindResolutionByID(c, r3.ID); !got.InForce() || got.SupersededByKind != group.Amend {
			t.Fatalf("amended: %+v", got)
		}
		inForce, _ := f.svc.InForce(c, f.grp.ID)
		var numbers []string
		for _, r := range inForce {
			numbers = append(numbers, r.Number)
		}
		if len(numbers) != 2 || numbers[0] != "PS-SEN/2026/04" || numbers[1] != "PS-SEN/2026/03" {
			t.Errorf("in force: %v", numbers)
		}
	})
}

func hasField(err error, field string) bool {
	e, ok := apperr.As(err)
	if !ok {
		return false
	}
	_, ok = e.Fields[field]
	return ok
}

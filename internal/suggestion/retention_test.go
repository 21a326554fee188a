package suggestion

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"kpss/internal/store"
	"kpss/internal/storetest"
)

func TestRetentionAnonymisesOldClosedOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := as(coordinator)
		old := f.submit("stara@example.cz")
		f.svc.Transition(ctx, old.ID, Change{Action: ActResolve, PublicNote: "Hotovo."})
		open := f.submit("otevreny@example.cz")
		f.now = f.now.AddDate(3, 1, 0) // 37 months later
		recent := f.submit("nova@example.cz")
		f.svc.Transition(ctx, recent.ID, Change{Action: ActResolve, PublicNote: "Hotovo."})

		dry, err := f.svc.Anonymise(context.Background(), 36, true)
		if err != nil || len(dry.Codes) != 1 || dry.Codes[0] != old.Code {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		if x, _ := f.svc.FindByID(context.Background(), old.ID); x.ContactEmail == "" {
			t.Fatal("the dry run erased data")
		}
		res, err := f.svc.Anonymise(context.Background(), 36, false)
		if err != nil || len(res.Codes) != 1 {
			t.Fatalf("run: %+v %v", res, err)
		}
		x, _ := f.svc.FindByID(context.Background(), old.ID)
		if x.ContactEmail != "" || x.ContactName != "" || x.ConsentAt != nil || x.AnonymisedAt == nil {
			t.Errorf("old suggestion keeps personal data: %+v", x)
		}
		if x.Text == "" || x.PublicNote != "Hotovo." {
			t.Errorf("anonymising lost the suggestion itself")
		}
		for _, id := range []int64{open.ID, recent.ID} {
			if y, _ := f.svc.FindByID(context.Background(), id); y.ContactEmail == "" {
				t.Errorf("suggestion %d lost its contact too early", id)
			}
		}
		again, _ := f.svc.Anonymise(context.Background(), 36, false)
		if len(again.Codes) != 0 {
			t.Errorf("second run anonymised %v", again.Codes)
		}
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'anonymise'`).Scan(&n)
		if n != 1 {
			t.Errorf("%d audit rows, want 1 (the second run changed nothing)", n)
		}
	})
}

func TestImportAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		bad := "\ufeffreceived_at;text;category;municipality;state;closed_at;answer;quick_win\n" +
			"2021-03-04;Chybí nájezd u pošty;Bezbariérovost;Otrokovice;vyřešeno;2021-04-01;Nájezd postaven;ano\n" +
			"4. 5. 2022;Rozbitý chodník;doprava;Zlín;;;;\n" +
			"2022-13-01;Přechod;Doprava;Bělov;;;;\n" +
			"2023-01-01;Lavička;Neznámá;belov;zamítnuto;;;možná\n"
		res, err := f.svc.Import(context.Background(), strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"řádek 3: neznámá obec „Zlín“", "řádek 4: datum přijetí „2022-13-01“", "řádek 5: neznámá kategorie „Neznámá“",
			"řádek 5: „vyřešit hned“ má být ano nebo ne", "řádek 5: uzavřený podnět potřebuje datum uzavření"}
		report := strings.Join(res.Problems, "\n")
		for _, w := range want {
			if !strings.Contains(report, w) {
				t.Errorf("report lacks %q:\n%s", w, report)
			}
		}
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM suggestions`).Scan(&n)
		if res.Imported != 0 || n != 0 {
			t.Fatalf("a bad file imported %d rows (%d stored)", res.Imported, n)
		}
		good := "received_at,text,category,municipality,state,closed_at,answer,target_group\n" +
			"2021-03-04,Chybí nájezd u pošty,bezbarierovost,Otrokovice,resolved,2021-04-01,Nájezd postaven,SEN\n" +
			"4.5.2022,Rozbitý chodník,Doprava,Bělov,,,,\n"
		res, err = f.svc.Import(context.Background(), strings.NewReader(good))
		if err != nil || res.Imported != 2 || len(res.Problems) != 0 {
			t.Fatalf("good file: %+v %v", res, err)
		}
		items, _, _ := f.svc.Find(context.Background(), Filter{States: []State{StateResolved}})
		if len(items) != 1 || items[0].DaysToClose == nil || *items[0].DaysToClose != 28 || items[0].ReceivedAt.Year() != 2021 {
			t.Fatalf("imported resolved suggestion: %+v", items)
		}
	})
}

// Statistics on a fixed data set: what a coordinator reads on the page.
func TestStatisticsOnAFixedSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := as(coordinator)
		start := f.now
		resolveAfter := func(cat int64, days int) {
			f.now = start
			x, err := f.svc.Create(ctx, Input{Text: "Podnět k vyřešení", CategoryID: cat, MunicipalityID: f.otrokovice, Source: SourcePhone, TargetGroupID: &f.seniors})
			if err != nil {
				t.Fatal(err)
			}
			f.now = start.Add(time.Duration(days) * 24 * time.Hour)
			if _, err := f.svc.Transition(ctx, x.ID, Change{Action: ActResolve, PublicNote: "Hotovo."}); err != nil {
				t.Fatal(err)
			}
		}
		resolveAfter(f.access, 2)
		resolveAfter(f.access, 10)
		resolveAfter(f.traffic, 4)
		resolveAfter(f.traffic, 30)
		f.now = start
		rej := f.submit("")
		f.svc.Transition(ctx, rej.ID, Change{Action: ActReject, PublicNote: "Ne.", RedirectTo: "Kraj"})
		late := f.submit("")
		f.svc.Route(ctx, late.ID, f.social, store.NewDate(2026, 3, 10), "")
		f.svc.SetQuickWin(ctx, late.ID, true)
		f.now = start.AddDate(0, 2, 0)
		st, err := f.svc.Statistics(context.Background(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if st.Received != 6 || st.Resolved != 4 || st.Rejected != 1 || st.Closed != 0 || st.QuickWins != 1 || st.Overdue != 1 {
			t.Errorf("totals: %+v", st)
		}
		if st.MedianDays == nil || *st.MedianDays != 7 {
			t.Errorf("median of 2, 4, 10, 30 days = %v, want 7", st.MedianDays)
		}
		if st.AccessResolved != 2 || st.OtherResolved != 2 {
			t.Errorf("accessibility %d, other %d", st.AccessResolved, st.OtherResolved)
		}
		bySource := map[string]Row{}
		for _, r := range st.By["source"] {
			bySource[r.Key] = r
		}
		if bySource["phone"].Received != 4 || bySource["web"].Received != 2 || bySource["web"].Rejected != 1 {
			t.Errorf("by source: %+v", st.By["source"])
		}
		// A period before everything is empty.
		empty, _ := f.svc.Statistics(context.Background(), time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC))
		if empty.Received != 0 || empty.MedianDays != nil || len(empty.By["category"]) != 0 {
			t.Errorf("empty period: %+v", empty)
		}
	})
}

func TestDigestOncePerDepartmentAndDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := as(coordinator)
		db.Exec(context.Background(), `UPDATE departments SET email = 'socialni@example.cz' WHERE id = ?`, f.social)
		db.Exec(context.Background(), `UPDATE departments SET email = 'doprava@example.cz' WHERE id = ?`, f.transport)
		for i := 0; i < 3; i++ {
			x := f.submit("")
			f.svc.Route(ctx, x.ID, f.social, store.NewDate(2026, 3, 5), "")
		}
		y := f.submit("")
		f.svc.Route(ctx, y.ID, f.transport, store.NewDate(2026, 3, 20), "")
		f.now = f.now.AddDate(0, 0, 7) // 9 March: the social ones are overdue
		f.mail.Reset()
		if err := f.svc.SendDigests(context.Background()); err != nil {
			t.Fatal(err)
		}
		msgs := f.mail.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "socialni@example.cz" || strings.Count(msgs[0].Text, "/podnety/") != 3 {
			t.Fatalf("digest: %+v", msgs)
		}
		f.now = f.now.Add(5 * time.Hour)
		f.svc.SendDigests(context.Background())
		if len(f.mail.Messages()) != 1 {
			t.Errorf("the digest went twice on one day")
		}
		f.now = f.now.AddDate(0, 0, 14) // both departments overdue now
		f.svc.SendDigests(context.Background())
		if got := len(f.mail.Messages()); got != 3 {
			t.Errorf("next days' digests: %d messages, want 3", got)
		}
	})
}

func TestCleanPhotoRefusesAndReencodes(t *testing.T) {
	if _, _, err := CleanPhoto([]byte("GIF89a not allowed")); err == nil {
		t.Error("a GIF was accepted")
	}
	if _, _, err := CleanPhoto(make([]byte, MaxPhoto+1)); err == nil {
		t.Error("an 11 MB file was accepted")
	}
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)))
	// A tEXt chunk with a location, before IEND, must disappear.
	raw := b.Bytes()
	body := []byte("tEXtGPS\x0049.2 17.5")
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(body)-4))
	chunk = append(chunk, body...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(body))
	withText := append(append(append([]byte{}, raw[:len(raw)-12]...), chunk...), raw[len(raw)-12:]...)
	if _, err := png.Decode(bytes.NewReader(withText)); err != nil {
		t.Fatalf("test PNG: %v", err)
	}
	out, ct, err := CleanPhoto(withText)
	if err != nil || ct != "image/png" || bytes.Contains(out, []byte("GPS")) {
		t.Errorf("png: %v %s GPS kept: %v", err, ct, bytes.Contains(out, []byte("GPS")))
	}
}

package plan

import "testing"

func TestAnonymiseText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Paní Nováková z Tlumačova si stěžovala na čekací dobu.", "Paní [jméno] z Tlumačova si stěžovala na čekací dobu."},
		{"Zapsala Mgr. Petra Malá, tel. 777 123 456, petra.mala@seznam.cz.", "Zapsala Mgr. [jméno], tel. [telefon], [e-mail]."},
		{"Jana Nováková a Šárka Veselá chtějí odlehčovací službu o víkendu.", "[jméno] a [jméno] chtějí odlehčovací službu o víkendu."},
		{"Volejte +420 603 111 222 nebo 577922333.", "Volejte [telefon] nebo [telefon]."},
		{"S panem Dvořákem jsme probrali dopravu.", "S panem [jméno] jsme probrali dopravu."},
		{"Charita sv. Anežky Otrokovice a Naděje Otrokovice chtějí více terénu.", "Charita sv. Anežky Otrokovice a Naděje Otrokovice chtějí více terénu."},
		{"Rozpočet 120 000 000 Kč, 4 200 000 korun, IČO 12345678.", "Rozpočet 120 000 000 Kč, 4 200 000 korun, IČO 12345678."},
		{"Uživatelé chtějí delší provoz Domova pro seniory Napajedla.", "Uživatelé chtějí delší provoz Domova pro seniory Napajedla."},
		{"Poděkování Petrovi Malému za dopravu.", "Poděkování [jméno] za dopravu."},
		{"", ""},
	}
	for _, c := range cases {
		if got := AnonymiseText(c.in); got != c.want {
			t.Errorf("AnonymiseText(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if again := AnonymiseText(c.want); again != c.want {
			t.Errorf("not stable: %q → %q", c.want, again)
		}
	}
}

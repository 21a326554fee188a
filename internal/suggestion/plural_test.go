package suggestion

import "testing"

func TestPodnetyCount(t *testing.T) {
	for n, want := range map[int]string{1: "1 podnět", 2: "2 podněty", 4: "4 podněty", 5: "5 podnětů", 12: "12 podnětů"} {
		if got := podnetyCount(n); got != want {
			t.Errorf("podnetyCount(%d) = %q, want %q", n, got, want)
		}
	}
}

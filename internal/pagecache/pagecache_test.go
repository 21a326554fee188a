package pagecache

import "testing"

// The cache forgets everything when the version moves and stays within
// its bounds.
func TestBounds(t *testing.T) {
	c := New(2)
	c.Put(1, "a", Page{Status: 200, Body: []byte("A")})
	if _, ok := c.Get(1, "a"); !ok {
		t.Fatal("miss right after put")
	}
	if _, ok := c.Get(2, "a"); ok {
		t.Fatal("a page of an older version served")
	}
	c.Put(1, "b", Page{Body: []byte("B")})
	c.Put(1, "c", Page{Body: []byte("C")})
	if c.Len() > 2 {
		t.Fatalf("%d pages kept, max 2", c.Len())
	}
	c.Put(1, "huge", Page{Body: make([]byte, MaxBytes/4+1)})
	if _, ok := c.Get(1, "huge"); ok {
		t.Fatal("an oversized page was cached")
	}
}

package devices_test

import (
	"fmt"
	"testing"

	"github.com/gridstream-sdr/gridstream/devices"
)

// A full table evicts the least recently heard unpinned device; pinned
// devices stay and always find a place.
func TestEviction(t *testing.T) {
	tb := devices.New[int](3)
	var evicted []string
	full := 0
	tb.OnEvict = func(k string, _ int) { evicted = append(evicted, k) }
	tb.OnFull = func() { full++ }
	tb.Add("p/pinned", 0, true)
	tb.Add("p/a", 1, false)
	tb.Add("p/b", 2, false)
	tb.Heard("p/a") // b is now the least recently heard
	if !tb.Add("p/c", 3, false) || len(evicted) != 1 || evicted[0] != "p/b" || full != 1 {
		t.Fatalf("evicted %v, full %d", evicted, full)
	}
	for i := range 10 {
		tb.Add(fmt.Sprintf("p/x%d", i), i, false)
	}
	if _, ok := tb.Get("p/pinned"); !ok || tb.Len() != 3 || tb.Evictable() != 2 || full != 1 {
		t.Fatalf("pinned kept %v, %d devices, %d evictable", ok, tb.Len(), tb.Evictable())
	}
	// A table full of pinned devices takes no unpinned one, but another
	// pinned one.
	only := devices.New[int](1)
	only.Add("p/mine", 1, true)
	if only.Add("p/other", 2, false) || !only.Add("p/mine2", 3, true) || only.Len() != 2 {
		t.Fatalf("%d devices", only.Len())
	}
	n := 0
	for range only.All() {
		n++
	}
	if n != 2 {
		t.Fatalf("All yielded %d", n)
	}
}

// Adding a device to a full table costs O(1), not a scan.
func BenchmarkAddFull(b *testing.B) {
	tb := devices.New[int](5000)
	b.ReportAllocs()
	for i := range b.N {
		tb.Add(fmt.Sprint(i), i, false)
	}
}

package nge101

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// traceFinder runs a finder over stream cut into chunks (lengths from cuts;
// the rest in one chunk) and writes down every packet with the call that
// delivered it.
func traceFinder(ref bool, stream []byte, cuts []int) string {
	var b strings.Builder
	call := 0
	onPacket := func(p Packet) {
		fmt.Fprintf(&b, "call %d: @%d %v\n", call, p.BitOffset, p.Bits)
	}
	var bits func([]byte)
	if ref {
		bits = (&refFinder{onPacket: onPacket}).Bits
	} else {
		bits = NewFinder(onPacket).Bits
	}
	for _, n := range cuts {
		n = min(n, len(stream))
		bits(stream[:n])
		stream = stream[n:]
		call++
	}
	bits(stream)
	return b.String()
}

// equivStream is noise with NGE101 packets, up to maxGap bits apart: valid
// ones, ones with a wrong bit (the head still there), and overlapping ones.
func equivStream(rng *rand.Rand, n, maxGap int) []byte {
	var s []byte
	for len(s) < n {
		for range rng.IntN(maxGap) {
			s = append(s, byte(rng.Uint32()&1))
		}
		var p []byte
		switch rng.IntN(8) {
		case 0: // a packet's head inside another packet
			p = NewPacket(rng.IntN(256), 1+rng.IntN(8), true, rng.Uint64N(1<<34), false)
			q := NewPacket(rng.IntN(256), 1+rng.IntN(8), false, rng.Uint64N(1<<20), false)
			at := rng.IntN(len(p))
			p = append(p[:at:at], q...)
		default:
			p = NewPacket(rng.IntN(256), 1+rng.IntN(8), rng.IntN(2) == 0, rng.Uint64N(1<<34), rng.IntN(4) == 0)
		}
		if rng.IntN(5) == 0 {
			p[8+rng.IntN(len(p)-8)] ^= 1
		}
		s = append(s, p...)
	}
	return s[:n]
}

// The word-level Finder delivers exactly what the bit-at-a-time one did, in
// the same order and calls, however the stream is cut.
func TestFinderMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	var seen strings.Builder
	check := func(name string, stream []byte, cuts []int) {
		t.Helper()
		got, want := traceFinder(false, stream, cuts), traceFinder(true, stream, cuts)
		if got != want {
			t.Fatalf("%s, cuts %v:\n%s", name, cuts, firstDiff(got, want))
		}
		seen.WriteString(want)
	}
	for k := range 3 {
		stream := equivStream(rng, 1200, 60)
		for cut := range len(stream) + 1 {
			check(fmt.Sprintf("stream %d", k), stream, []int{cut})
		}
	}
	for k := range 40 {
		stream := equivStream(rng, 5000+rng.IntN(60000), []int{50, 3000}[k%2])
		var cuts []int
		for s := 0; s < len(stream); {
			n := rng.IntN(300)
			if k%5 == 0 {
				n = rng.IntN(8)
			}
			cuts = append(cuts, n)
			s += n
		}
		check(fmt.Sprintf("stream %d", k), stream, cuts)
		check(fmt.Sprintf("stream %d whole", k), stream, nil)
	}
	// Random noise alone holds a chance packet about once in 8 Mbit: the
	// test streams must have found many more.
	if n := strings.Count(seen.String(), "call"); n < 10000 {
		t.Errorf("only %d packets in the test streams", n)
	}
	// Only the low bit of a byte counts.
	stream := equivStream(rng, 20000, 40)
	for i := range stream {
		stream[i] |= byte(rng.Uint32()) &^ 1
	}
	check("high bits set", stream, []int{777, 1, 63, 64, 65, 4096})
}

// firstDiff shows where two traces part.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i, g[i], w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}

// FuzzFinderReference holds the Finder to the bit-at-a-time reference on
// arbitrary streams (each byte's low bit), cut where the first bytes say.
func FuzzFinderReference(f *testing.F) {
	rng := rand.New(rand.NewPCG(19, 20))
	f.Add([]byte{7, 200, 1}, equivStream(rng, 500, 30))
	f.Add([]byte{0, 64}, equivStream(rng, 500, 200))
	f.Add([]byte{}, NewPacket(1, 2, true, 3, false))
	f.Fuzz(func(t *testing.T, cuts []byte, stream []byte) {
		var c []int
		for _, v := range cuts {
			c = append(c, int(v))
		}
		if got, want := traceFinder(false, stream, c), traceFinder(true, stream, c); got != want {
			t.Fatalf("cuts %v:\n%s", c, firstDiff(got, want))
		}
	})
}

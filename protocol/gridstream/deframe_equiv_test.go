package gridstream

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// bitSink is what the equivalence tests drive: the Deframer or refDeframer.
type bitSink interface {
	Bits([]byte)
	Flush()
	Stats() DeframerStats
}

// traceDeframer runs a deframer over stream cut into chunks (lengths from
// cuts; the rest in one chunk) and writes down every frame with the call
// that delivered it, and the stats after every call.
func traceDeframer(opts DeframerOptions, ref bool, stream []byte, cuts []int) string {
	var b strings.Builder
	call := 0
	onFrame := func(f RawFrame) {
		fmt.Fprintf(&b, "call %d: %X v%d @%d sync %d framing %d complete %v\n",
			call, f.Bytes, f.Version, f.BitOffset, f.SyncErrors, f.FramingErrors, f.Complete)
	}
	var d bitSink
	if ref {
		d = newRefDeframer(opts, onFrame)
	} else {
		d = NewDeframer(opts, onFrame)
	}
	feed := func(p []byte) {
		d.Bits(p)
		fmt.Fprintf(&b, "after call %d: %+v\n", call, d.Stats())
		call++
	}
	for _, n := range cuts {
		n = min(n, len(stream))
		feed(stream[:n])
		stream = stream[n:]
	}
	feed(stream)
	d.Flush()
	fmt.Fprintf(&b, "flushed: %+v\n", d.Stats())
	return b.String()
}

// equivOptions are deframer settings the equivalence tests try.
var equivOptions = []DeframerOptions{
	DefaultDeframerOptions(),
	{},
	{PreambleBits: 40, SyncErrors: 6, FramingErrors: 0},
	{PreambleBits: 24, SyncErrors: 3, FramingErrors: 16},
	{PreambleBits: 16, SyncErrors: 16, FramingErrors: 1},
}

// appendTestFrame appends a frame for the deframer (no CRC needed): a
// known type with a plausible or absurd length, an unknown type, or a
// truncated header.
func appendTestFrame(rng *rand.Rand, dst []byte) []byte {
	var f []byte
	switch rng.IntN(6) {
	case 0:
		f = []byte{0x2A, 0x55, 0x00, 0x23}
	case 1:
		f = []byte{0x2A, 0xD5, 0x00, byte(3 + rng.IntN(60))}
	case 2:
		f = []byte{0x2A, 0xA5, 0x12}
	case 3:
		f = []byte{0x2A, 0xD2, byte(rng.IntN(8))}
	case 4:
		f = []byte{0x2A, byte(rng.Uint32()), 0x00, byte(rng.Uint32())} // mostly unknown types
	default:
		f = []byte{0x2A, 0xD5, 0x00, 0xFF} // longer than the transmission
	}
	body := make([]byte, rng.IntN(70))
	for i := range body {
		body[i] = byte(rng.Uint32())
	}
	f = append(f, body...)
	version := 4 + rng.IntN(2)
	start := len(dst)
	dst = AppendTransmission(dst, f, version, 16+rng.IntN(30), byte(rng.Uint32()))
	if rng.IntN(6) == 0 {
		dst = dst[:start+rng.IntN(len(dst)-start)] // cut short
	}
	// Wrong bits anywhere: preamble errors, framing errors, damaged bytes.
	for range max(rng.IntN(8)-4, 0) {
		if len(dst) > start {
			dst[start+rng.IntN(len(dst)-start)] ^= 1
		}
	}
	return dst
}

// equivStream is noise with transmissions, up to maxGap bits apart; dense
// ones also pile up sync words (more candidates than the deframer follows)
// and leave idle high runs.
func equivStream(rng *rand.Rand, n, maxGap int, dense bool) []byte {
	var s []byte
	for len(s) < n {
		gap := rng.IntN(maxGap)
		for range gap {
			s = append(s, byte(rng.Uint32()&1))
		}
		switch r := rng.IntN(10); {
		case dense && r == 0:
			for range 1 + rng.IntN(12) { // a storm of sync words, each cut short
				t := AppendTransmission(s, nil, 4+rng.IntN(2), 16, 0x2A)
				s = t[:len(s)+16+20+rng.IntN(len(t)-len(s)-35)]
			}
		case dense && r == 1:
			for range 10 + rng.IntN(30) {
				s = append(s, 1)
			}
		default:
			s = appendTestFrame(rng, s)
		}
	}
	return s[:n]
}

// The word-level Deframer delivers exactly what the bit-at-a-time one did,
// at the same moment (in the call holding the frame's last bit), with the
// same stats, however the stream is cut.
func TestDeframerMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	var seen strings.Builder
	check := func(name string, opts DeframerOptions, stream []byte, cuts []int) {
		t.Helper()
		got, want := traceDeframer(opts, false, stream, cuts), traceDeframer(opts, true, stream, cuts)
		if got != want {
			t.Fatalf("%s, options %+v, cuts %v:\n%s", name, opts, cuts, firstDiff(got, want))
		}
		seen.WriteString(want)
	}
	// Every cut of short streams into two chunks.
	for k, dense := range []bool{false, true, true} {
		stream := equivStream(rng, 2500, 100, dense)
		opts := equivOptions[k%len(equivOptions)]
		frames := strings.Count(traceDeframer(opts, true, stream, nil), ": 2A")
		if frames == 0 {
			t.Fatalf("stream %d holds no frame", k)
		}
		for cut := range len(stream) + 1 {
			check(fmt.Sprintf("stream %d (%d frames)", k, frames), opts, stream, []int{cut})
		}
	}
	// Long streams in random chunks, in chunks of one bit, and whole.
	for k := range 40 {
		stream := equivStream(rng, 5000+rng.IntN(60000), []int{3000, 40}[k%2], k%2 == 1)
		var cuts []int
		for s := 0; s < len(stream); {
			n := rng.IntN(300)
			if k%5 == 0 {
				n = rng.IntN(8)
			}
			cuts = append(cuts, n)
			s += n
		}
		for _, opts := range equivOptions {
			check(fmt.Sprintf("stream %d", k), opts, stream, cuts)
			check(fmt.Sprintf("stream %d whole", k), opts, stream, nil)
		}
	}
	for _, what := range []string{" v4 ", " v5 ", "sync 0 ", "sync 2 ", "framing 0 ", "framing 2 ", "complete true", "complete false"} {
		if !strings.Contains(seen.String(), what) {
			t.Errorf("no frame with %q: the test streams miss a case", what)
		}
	}
	// Only the low bit of a byte counts.
	stream := equivStream(rng, 20000, 40, true)
	for i := range stream {
		stream[i] |= byte(rng.Uint32()) &^ 1
	}
	check("high bits set", DefaultDeframerOptions(), stream, []int{777, 1, 63, 64, 65, 4096})
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

// FuzzDeframerReference holds the Deframer to the bit-at-a-time reference
// on arbitrary streams (each byte's low bit), cut where the first bytes say.
func FuzzDeframerReference(f *testing.F) {
	rng := rand.New(rand.NewPCG(15, 16))
	f.Add([]byte{7, 200, 1}, equivStream(rng, 700, 40, true))
	f.Add([]byte{0, 64}, equivStream(rng, 700, 200, false))
	f.Add([]byte{1}, AppendTransmission(nil, []byte{0x2A, 0x55, 0x00, 0x23, 0x30}, 4, 16, 0x04))
	f.Fuzz(func(t *testing.T, cuts []byte, stream []byte) {
		var c []int
		for _, v := range cuts {
			c = append(c, int(v))
		}
		opts := equivOptions[len(cuts)%len(equivOptions)]
		if got, want := traceDeframer(opts, false, stream, c), traceDeframer(opts, true, stream, c); got != want {
			t.Fatalf("options %+v, cuts %v:\n%s", opts, c, firstDiff(got, want))
		}
	})
}

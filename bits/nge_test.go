package bits_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits"
	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/internal/seeds"
)

func TestNGECheckReproducesSeedPackets(t *testing.T) {
	for _, p := range seeds.NGE101Packets {
		pkt := seeds.Bits(p)
		if c, s := bits.NGECheck(pkt); c != s || len(pkt) != bits.NGEShortBits {
			t.Errorf("%s: computed %015b, sent %015b", p, c, s)
		}
		pkt[30] ^= 1
		if c, s := bits.NGECheck(pkt); c == s {
			t.Errorf("%s: a flipped data bit still passes", p)
		}
	}
}

func TestNGEFinderInNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var stream []byte
	var want [][]byte
	for i := range 40 {
		stream = append(stream, noise(rng, 50+rng.IntN(300))...)
		var pkt []byte
		if i%2 == 0 {
			pkt = seeds.Bits(seeds.NGE101Packets[i%len(seeds.NGE101Packets)])
		} else {
			pkt = frames.NGE101Packet(rng.IntN(256), 1+rng.IntN(8), true, rng.Uint64N(1<<34), i%3 == 0)
		}
		want = append(want, pkt)
		stream = append(stream, pkt...)
	}
	for _, chunk := range []int{1, 13, 1 << 20} {
		var got [][]byte
		f := bits.NewNGEFinder(func(p bits.NGEPacket) { got = append(got, bytes.Clone(p.Bits)) })
		for s := stream; len(s) > 0; {
			n := min(chunk, len(s))
			f.Write(s[:n])
			s = s[n:]
		}
		if len(got) != len(want) {
			t.Fatalf("chunk %d: found %d packets, want %d", chunk, len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("chunk %d packet %d: %v, want %v", chunk, i, got[i], want[i])
			}
		}
	}
}

// Packets turned into OOK levels and sliced back, at several sample rates,
// with timing jitter, ending on either level.
func TestDiffManchesterRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	packets := [][]byte{
		seeds.Bits(seeds.NGE101Packets[0]),
		seeds.Bits(seeds.NGE101Packets[3]),
		frames.NGE101Packet(7, 3, true, 987654, false),
		frames.NGE101Packet(200, 8, true, 1, true),
	}
	for _, rate := range []float64{25000, 48000, 250000} {
		gap := make([]byte, int(rate*0.01))
		var levels []byte
		for _, p := range packets {
			levels = append(levels, gap...) // the idle level is 0
			levels, _ = pulse.AppendLevels(levels, p, bits.NGETiming, rate, 0)
		}
		levels = append(levels, gap...)
		// Jitter: a third of the edges come one sample late.
		for i := 1; i+1 < len(levels); i++ {
			if levels[i] != levels[i-1] && rng.IntN(3) == 0 {
				levels[i] = levels[i-1]
			}
		}
		var got [][]byte
		s := pulse.NewSlicer(bits.NGETiming, rate, bits.NGERows(func(p bits.NGEPacket) { got = append(got, bytes.Clone(p.Bits)) }))
		for l := levels; len(l) > 0; {
			n := min(1+rng.IntN(1000), len(l))
			s.Levels(l[:n])
			l = l[n:]
		}
		s.Flush()
		if len(got) != len(packets) {
			t.Fatalf("rate %v: %d packets, want %d", rate, len(got), len(packets))
		}
		for i := range got {
			if !bytes.Equal(got[i], packets[i]) {
				t.Fatalf("rate %v packet %d:\n got %v\nwant %v", rate, i, got[i], packets[i])
			}
		}
	}
}

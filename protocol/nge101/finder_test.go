package nge101_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/internal/seeds"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/protocol/nge101/nge101test"
)

func TestNGECheckReproducesSeedPackets(t *testing.T) {
	for _, p := range nge101test.Packets {
		pkt := seeds.Bits(p)
		if c, s := nge101.Check(pkt); c != s || len(pkt) != nge101.ShortBits {
			t.Errorf("%s: computed %015b, sent %015b", p, c, s)
		}
		pkt[30] ^= 1
		if c, s := nge101.Check(pkt); c == s {
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
			pkt = seeds.Bits(nge101test.Packets[i%len(nge101test.Packets)])
		} else {
			pkt = nge101.NewPacket(rng.IntN(256), 1+rng.IntN(8), true, rng.Uint64N(1<<34), i%3 == 0)
		}
		want = append(want, pkt)
		stream = append(stream, pkt...)
	}
	for _, chunk := range []int{1, 13, 1 << 20} {
		var got [][]byte
		f := nge101.NewFinder(func(p nge101.Packet) { got = append(got, bytes.Clone(p.Bits)) })
		for s := stream; len(s) > 0; {
			n := min(chunk, len(s))
			f.Bits(s[:n])
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
		seeds.Bits(nge101test.Packets[0]),
		seeds.Bits(nge101test.Packets[3]),
		nge101.NewPacket(7, 3, true, 987654, false),
		nge101.NewPacket(200, 8, true, 1, true),
	}
	for _, rate := range []float64{25000, 48000, 250000} {
		gap := make([]byte, int(rate*0.01))
		var levels []byte
		for _, p := range packets {
			levels = append(levels, gap...) // the idle level is 0
			levels, _ = pulse.AppendLevels(levels, p, nge101.Timing, rate, 0)
		}
		levels = append(levels, gap...)
		// Jitter: a third of the edges come one sample late.
		for i := 1; i+1 < len(levels); i++ {
			if levels[i] != levels[i-1] && rng.IntN(3) == 0 {
				levels[i] = levels[i-1]
			}
		}
		var got [][]byte
		s := pulse.NewSlicer(nge101.Timing, rate, nge101.NewRows(func(p nge101.Packet) { got = append(got, bytes.Clone(p.Bits)) }).Row)
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

func noise(rng *rand.Rand, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(rng.IntN(2))
	}
	return out
}

// BenchmarkNGEFinder measures the NGE101 bit-stream finder on the
// deframer benchmark's stream: noise bits with GridStream frames taking
// about one percent (one byte per bit, so MB/s reads as Mbit/s), in 64 KiB
// chunks.
func BenchmarkNGEFinder(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	stream := make([]byte, 0, 4<<20+1000)
	for len(stream) < 4<<20 {
		for range 40000 + rng.IntN(8000) {
			stream = append(stream, byte(rng.Uint32()&1))
		}
		stream = gridstream.AppendTransmission(stream, frame0x55, 4+rng.IntN(2), 24, 0x04)
	}
	stream = stream[:4<<20]
	f := nge101.NewFinder(func(nge101.Packet) {})
	const chunk = 64 << 10
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for s := stream; len(s) > 0; s = s[min(chunk, len(s)):] {
			f.Bits(s[:min(chunk, len(s))])
		}
	}
	b.ReportMetric(float64(len(stream))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mbit/s")
}

// frame0x55 is seed 001's first broadcast frame, from the 0x2A byte.
var frame0x55 = []byte{0x2A, 0x55, 0x00, 0x23, 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x50, 0xCF, 0x8D, 0xD9,
	0xE2, 0xC0, 0x0C, 0x00, 0x01, 0xEC, 0xBF, 0xA4, 0x83, 0xF0, 0xEE, 0x36, 0xDB, 0x01, 0x00, 0x21, 0x32, 0x04,
	0x38, 0x4F, 0x7E, 0x80, 0x08, 0x96}

// BenchmarkNGELevels measures the level path: a 50 kS/s level stream of
// NGE101 packets (each after 10 ms of silence, edges jittered by a sample)
// through the differential-Manchester slicer and the packet picker (one
// byte per sample, so MB/s reads as million samples per second).
func BenchmarkNGELevels(b *testing.B) {
	const rate = 50e3
	rng := rand.New(rand.NewPCG(13, 14))
	var levels []byte
	gap := make([]byte, int(rate*0.01))
	for len(levels) < 4<<20 {
		pkt := nge101.NewPacket(rng.IntN(256), 1+rng.IntN(8), rng.IntN(2) == 1, uint64(rng.IntN(1<<19)), false)
		levels = append(levels, gap...)
		levels, _ = pulse.AppendLevels(levels, pkt, nge101.Timing, rate, 0)
	}
	for i := 1; i+1 < len(levels); i++ {
		if levels[i] != levels[i-1] && rng.IntN(3) == 0 {
			levels[i] = levels[i-1]
		}
	}
	found := 0
	s := pulse.NewSlicer(nge101.Timing, rate, nge101.NewRows(func(nge101.Packet) { found++ }).Row)
	b.SetBytes(int64(len(levels)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.Levels(levels)
	}
	if found == 0 {
		b.Fatal("no packets")
	}
}

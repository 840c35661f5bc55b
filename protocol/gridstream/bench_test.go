package gridstream_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// densityStream is unpacked noise bits with GridStream frames taking about
// one percent of them.
func densityStream(n int) []byte {
	rng := rand.New(rand.NewPCG(11, 12))
	stream := make([]byte, 0, n+1000)
	for len(stream) < n {
		gap := 40000 + rng.IntN(8000)
		for range gap {
			stream = append(stream, byte(rng.Uint32()&1))
		}
		stream = gridstream.AppendTransmission(stream, frame0x55, 4+rng.IntN(2), 24, 0x04)
	}
	return stream[:n]
}

// BenchmarkDeframer measures the correlator and deframer on unpacked bits
// (one byte per bit, so MB/s reads as Mbit/s) with about 1 % frame density.
func BenchmarkDeframer(b *testing.B) {
	stream := densityStream(8 << 20)
	frames := 0
	d := gridstream.NewDeframer(gridstream.DefaultDeframerOptions(), func(gridstream.RawFrame) { frames++ })
	const chunk = 64 << 10
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for s := stream; len(s) > 0; s = s[min(chunk, len(s)):] {
			d.Bits(s[:min(chunk, len(s))])
		}
	}
	b.StopTimer()
	if frames < b.N*(len(stream)/50000) {
		b.Fatalf("found %d frames in %d passes", frames, b.N)
	}
	b.ReportMetric(float64(len(stream))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mbit/s")
}

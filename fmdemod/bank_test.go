package fmdemod

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/synth"
)

// bankBits runs a Bank over p written in pieces of the given sizes
// (cycled) and returns every (channel, rate, polarity) stream's bits.
func bankBits(t testing.TB, fs float64, vlen int, p []byte, pieces []int) map[[3]int]*rec {
	t.Helper()
	out := map[[3]int]*rec{}
	b, err := NewBank(Config{SampleRate: fs, Bauds: gridStreamBauds}, vlen, func(ch, rate int, inv bool) BitSink {
		k := [3]int{ch, rate, 0}
		if inv {
			k[2] = 1
		}
		out[k] = &rec{}
		return out[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; len(p) > 0; i++ {
		n := len(p)
		if len(pieces) > 0 {
			n = min(n, pieces[i%len(pieces)])
		}
		b.Feed(p[:n])
		p = p[n:]
	}
	b.Flush()
	return out
}

// interleave makes a vector stream of the channels' samples.
func interleave(chans ...[]float32) []byte {
	n := len(chans[0])
	for _, c := range chans {
		n = min(n, len(c))
	}
	out := make([]byte, 0, 4*n*len(chans))
	for i := range n {
		for _, c := range chans {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(c[i]))
		}
	}
	return out
}

// TestBankChannels checks that each channel of a vector stream is
// demodulated on its own, exactly as a single-channel Demod does it,
// whatever the pieces the bytes arrive in.
func TestBankChannels(t *testing.T) {
	fs := 200e3
	var chans [][]float32
	for seed := range uint64(3) {
		src := synth.NewHopper(synth.HopConfig{SampleRate: fs, Seed: 10 + seed, Count: 6, MaxOffset: 1,
			SNRdB: [2]float64{20, 20}, RandomPolarity: true})
		x, _ := fmSamples(scenario{fs: fs, seed: seed, src: src, cutoff: 60e3, n: 150000})
		chans = append(chans, x)
	}
	p := interleave(chans...)
	whole := bankBits(t, fs, 3, p, nil)
	for _, pieces := range [][]int{{1}, {7, 4093, 12, 100000}, {12}} {
		if len(pieces) == 1 && pieces[0] == 1 && testing.Short() {
			continue
		}
		got := bankBits(t, fs, 3, p, pieces)
		for k, r := range whole {
			if !bytes.Equal(got[k].b, r.b) {
				t.Fatalf("pieces %v: channel %v differs from a whole write", pieces, k)
			}
		}
	}
	for ch, x := range chans {
		single := map[[2]int]*rec{}
		d, _ := New(Config{SampleRate: fs, Bauds: gridStreamBauds}, func(rate int, inv bool) BitSink {
			k := [2]int{rate, 0}
			if inv {
				k[1] = 1
			}
			single[k] = &rec{}
			return single[k]
		})
		d.Feed(x)
		d.Flush()
		for k, r := range single {
			if !bytes.Equal(whole[[3]int{ch, k[0], k[1]}].b, r.b) {
				t.Fatalf("channel %d rate %d inv %d: bank and single demodulator differ", ch, k[0], k[1])
			}
		}
	}
}

func TestBankLimits(t *testing.T) {
	sink := func(int, int, bool) BitSink { return &discard{} }
	for _, vlen := range []int{0, -1, MaxChannels + 1} {
		if _, err := NewBank(Config{SampleRate: 200e3}, vlen, sink); err == nil {
			t.Errorf("vlen %d accepted", vlen)
		}
	}
	for _, fs := range []float64{0, -1, math.NaN(), math.Inf(1), 90e3, 50e6} {
		if _, err := NewBank(Config{SampleRate: fs, Bauds: gridStreamBauds}, 1, sink); err == nil {
			t.Errorf("rate %v accepted", fs)
		}
	}
}

// FuzzBank feeds arbitrary bytes (NaNs, infinities, huge and tiny floats)
// in two pieces: the Bank never panics, and the split never changes the
// bits.
func FuzzBank(f *testing.F) {
	f.Add([]byte{0, 0, 0x80, 0x7f, 0, 0, 0xc0, 0x7f}, uint8(1), uint16(3))
	f.Add(bytes.Repeat([]byte{0xff}, 64), uint8(3), uint16(5))
	src := synth.NewHopper(synth.HopConfig{SampleRate: 200e3, Seed: 1, Count: 1, MaxOffset: 1, SNRdB: [2]float64{20, 20}})
	x, _ := fmSamples(scenario{fs: 200e3, seed: 1, src: src, n: 4000})
	f.Add(interleave(x), uint8(1), uint16(777))
	f.Fuzz(func(t *testing.T, p []byte, vlen uint8, split uint16) {
		v := int(vlen%8) + 1
		s := int(split) % (len(p) + 1)
		whole := bankBits(t, 200e3, v, p, nil)
		parts := bankBits(t, 200e3, v, p, []int{s, len(p)})
		for k, r := range whole {
			if !bytes.Equal(parts[k].b, r.b) {
				t.Fatalf("split at %d changed channel %v", s, k)
			}
		}
	})
}

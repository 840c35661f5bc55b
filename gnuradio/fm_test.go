package gnuradio

import (
	"encoding/binary"
	"math"
	"math/cmplx"
	"testing"

	"github.com/gridstream-sdr/gridstream/synth"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// fmSamples renders bursts at rate and discriminates them as a Quadrature
// Demod with gain 1 does (radians per sample).
func fmSamples(rate float64, n int64, seed uint64, bursts ...synth.Burst) []float32 {
	iq, _ := synth.Generate(synth.Config{SampleRate: rate, Seed: seed, Samples: n}, synth.Bursts(bursts...))
	out := make([]float32, len(iq))
	prev := complex64(1)
	for i, x := range iq {
		out[i] = float32(cmplx.Phase(complex128(x * complex(real(prev), -imag(prev)))))
		prev = x
	}
	return out
}

// TestFMInput decodes a vector stream of two channels of FM samples, the
// same 38400-baud frame strong in channel 0 and weak in channel 1 (a
// neighbour's leakage), cut into GNU Radio-sized messages with tag headers:
// one message, from channel 0, with its baud, absolute frequency, channel,
// name and item offset.
func TestFMInput(t *testing.T) {
	const rate, n = 150e3, 40000
	frame := []byte{0x2A, 0xD5, 0x00, 0x14, 0x22, 0x90, 0x00, 0x00, 0x57, 0x90, 0x00, 0x00, 0xC7, 0x51, 0x0F, 0x07, 0x00, 0x03, 0x16, 0xA4, 0x1B, 0x10, 0x9E, 0x1F}
	burst := func(snr float64) synth.Burst {
		return synth.Burst{Start: 10000, FSK: &synth.FSKBurst{Frame: frame, Baud: 38400,
			FreqOffset: -4000, SNRdB: snr, BT: 0.5, Invert: true}}
	}
	chans := [][]float32{fmSamples(rate, n, 1, burst(25)), fmSamples(rate, n, 2, burst(12))}
	var items []byte
	for i := range n {
		for _, c := range chans {
			items = binary.LittleEndian.AppendUint32(items, math.Float32bits(c[i]))
		}
	}
	sp, err := ParseSpec("pull://127.0.0.1:1?format=fm&rate=150000&vlen=2&freqs=915e6:915.1e6&tags&name=band", Spec{})
	if err != nil {
		t.Fatal(err)
	}
	in, msgs := collect(t, sp, true)
	const base = 7000
	for off := 0; off < n; off += 1000 {
		in.Consume(zmqsource.Chunk{Items: items[off*8 : (off+1000)*8], Offset: uint64(base + off), HasOffset: true, Restart: off == 0})
	}
	in.Flush()
	if len(*msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(*msgs))
	}
	m := (*msgs)[0]
	wantOff := base + 10000 + (52+20)*rate/38400 // the 0x2A start bit
	off, _ := m.Meta["gr_offset"].(int64)
	if !m.CRCOK || m.Input != "band/ch0" || m.Radio == nil || m.Baud != 38400 || m.FreqHz == nil ||
		math.Abs(*m.FreqHz-(915e6-4000)) > 1500 || m.Meta["channel"] != 0 || math.Abs(float64(off)-wantOff) > rate/38400 {
		t.Errorf("message %+v, radio %+v, meta %v (gr_offset want %.0f)", m, m.Radio, m.Meta, wantOff)
	}
}

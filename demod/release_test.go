package demod

import (
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// With --all, the first frame of a network nobody has published comes out
// at once as failed, and again as CRC-good when the next frame, a little
// later, teaches the network: the receiver's duplicate filter does not take
// the good one for a repeat of the failed one (0.1 s apart here). Each keeps its own burst's
// bit offset and frequency.
func TestFailedFrameReleasedAsGood(t *testing.T) {
	const fs = 250e3
	rng := rand.New(rand.NewPCG(5, 5))
	first, second := gridstream.FrameD5(rng, 0x7A31, 0x1D), gridstream.FrameD5(rng, 0x7A31, 0x21)
	src := synth.Bursts(
		synth.Burst{Start: 5000, FSK: &synth.FSKBurst{Frame: first, Trailer: 4, FreqOffset: -20e3, SNRdB: 20}},
		synth.Burst{Start: 5000 + int64(0.1*fs), FSK: &synth.FSKBurst{Frame: second, Trailer: 4, FreqOffset: 30e3, SNRdB: 20}},
	)
	gs, err := gridstream.NewDecoder(gridstream.Config{EmitFailed: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []*frames.Message
	rx, err := New(Config{SampleRate: fs, Decoders: testDecodersWith(gs)}, func(m *frames.Message) { got = append(got, m) })
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(synth.Config{SampleRate: fs, Seed: 9}, src)
	buf := make([]complex64, 20000)
	for {
		n, err := g.Read(buf)
		rx.Process(buf[:n])
		if err != nil {
			break
		}
	}
	rx.Flush()
	raw1, raw2 := hexUpper(first), hexUpper(second)
	var failed, good1, good2 *frames.Message
	for _, m := range got {
		switch {
		case m.Raw == raw1 && !m.CRCOK:
			failed = m
		case m.Raw == raw1:
			good1 = m
		case m.Raw == raw2 && m.CRCOK:
			good2 = m
		}
	}
	if failed == nil || good1 == nil || good2 == nil {
		t.Fatalf("failed %v, good %v %v of %d messages", failed != nil, good1 != nil, good2 != nil, len(got))
	}
	if good1.BitOffset != failed.BitOffset || *good1.FreqHz != *failed.FreqHz || *good1.FreqHz > -15e3 || *good2.FreqHz < 25e3 {
		t.Errorf("released frame at bit %d %v Hz (failed: bit %d %v Hz), confirming one at %v Hz",
			good1.BitOffset, *good1.FreqHz, failed.BitOffset, *failed.FreqHz, *good2.FreqHz)
	}
}

// The receiver applies the deframer options its GridStream decoder was
// made with, as given (no defaults of its own): comparing 40 preamble bits
// without error loses a burst that sends 20, the defaults (16 bits) keep it.
func TestDeframerOptionsAsGiven(t *testing.T) {
	const fs = 250e3
	rng := rand.New(rand.NewPCG(7, 7))
	frame := gridstream.FrameD5(rng, 0x5FD6, 0x1D)
	for _, tc := range []struct {
		opts *gridstream.DeframerOptions
		want int
	}{{nil, 1}, {&gridstream.DeframerOptions{PreambleBits: 40}, 0}} {
		gs, _ := gridstream.NewDecoder(gridstream.Config{Deframer: tc.opts})
		n := 0
		rx, err := New(Config{SampleRate: fs, Decoders: testDecodersWith(gs)}, func(m *frames.Message) {
			if m.CRCOK {
				n++
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		g := synth.New(synth.Config{SampleRate: fs, Seed: 9}, synth.Bursts(synth.Burst{Start: 5000,
			FSK: &synth.FSKBurst{Frame: frame, Trailer: 4, PreambleBits: 20, SNRdB: 20}}))
		buf := make([]complex64, 20000)
		for {
			k, err := g.Read(buf)
			rx.Process(buf[:k])
			if err != nil {
				break
			}
		}
		rx.Flush()
		if n != tc.want {
			t.Errorf("%+v: %d frames, want %d", tc.opts, n, tc.want)
		}
	}
}

package demod

import (
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// Every message's radio fields are its own burst's, and every frame comes
// out once: noise-free hopping traffic (where leakage and aliases of strong
// bursts are all that is left to trip over) from a published and an
// unpublished network, learned on the way, so that frames wait for their
// network and come out with another burst's frame.
func TestRadioFieldsAreTheFramesOwn(t *testing.T) {
	for _, tc := range []struct {
		name         string
		fs, maxOff   float64
		interval     float64
		seed         uint64
		minDecodedPC float64
	}{
		{"2.4 MS/s", 2.4e6, 1e6, 0.01, 36, 90},
		{"1 MS/s, busy", 1e6, 4e5, 0.005, 33, 85},
		{"250 kS/s, one channel", 250e3, 1, 0.02, 34, 90},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := synth.NewHopper(synth.HopConfig{SampleRate: tc.fs, Seed: tc.seed, Count: 300, Interval: tc.interval,
				MaxOffset: tc.maxOff, SNRdB: [2]float64{15, 30}, RandomPolarity: true,
				CRCInits: []uint16{0x5FD6, 0x7A31}})
			gs, err := gridstream.NewDecoder(gridstream.Config{})
			if err != nil {
				t.Fatal(err)
			}
			var msgs []*frames.Message
			rx, err := New(Config{SampleRate: tc.fs, CenterFreq: 915e6, Decoders: []protocol.Decoder{gs}}, func(m *frames.Message) { msgs = append(msgs, m) })
			if err != nil {
				t.Fatal(err)
			}
			g := synth.New(synth.Config{SampleRate: tc.fs, Seed: 3, NoNoise: true}, src)
			buf := make([]complex64, 40000)
			for {
				n, err := g.Read(buf)
				rx.Process(buf[:n])
				if err != nil {
					break
				}
			}
			rx.Flush()
			truth := map[string]synth.Truth{}
			for _, tr := range g.Truth() {
				truth[hexUpper(tr.Frame)] = tr
			}
			seen := map[string]bool{}
			off := 0
			for _, m := range msgs {
				tr, ok := truth[m.Raw]
				switch {
				case !ok:
					t.Errorf("a frame that was not sent: %s", m.Raw)
					continue
				case seen[m.Raw]:
					t.Errorf("frame %s emitted twice", m.Raw)
				}
				seen[m.Raw] = true
				// Channels are 100 kHz apart: a third of that is another
				// burst's frequency, not a measurement error.
				e := math.Abs(*m.FreqHz - (915e6 + tr.FreqHz))
				if m.Baud != tr.Baud || e > 33e3 {
					t.Errorf("frame at %.4f s: freq %.0f baud %d, sent at %.0f, %d baud", float64(tr.FrameStart)/tc.fs,
						*m.FreqHz, m.Baud, 915e6+tr.FreqHz, tr.Baud)
				}
				if e > 4e3 {
					off++
				}
				if wantBit := float64(tr.FrameStart) * float64(tr.Baud) / tc.fs; math.Abs(float64(m.BitOffset)-wantBit) > 2 {
					t.Errorf("bit offset %d, want about %.0f", m.BitOffset, wantBit)
				}
			}
			pc := 100 * float64(len(seen)) / float64(len(truth))
			t.Logf("%d of %d frames (%.1f%%), %d more than 4 kHz off; learned %d; %+v", len(seen), len(truth), pc, off, gs.Counts().Learned, rx.Stats())
			if off > len(msgs)/200 {
				t.Errorf("%d of %d frequencies more than 4 kHz off", off, len(msgs))
			}
			if pc < tc.minDecodedPC || gs.Counts().Learned != 1 {
				t.Errorf("%.1f%% of frames decoded, want ≥ %.0f%%; %d networks learned, want 1", pc, tc.minDecodedPC, gs.Counts().Learned)
			}
		})
	}
}

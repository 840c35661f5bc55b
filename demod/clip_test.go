package demod

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// TestStrongClipped: a cu8 recording (8-bit quantisation) with bursts from
// 8 to 26 dB over a -30 dBFS noise floor, so overlapping strong bursts
// reach full scale; weak and strong ones all decode. (Much stronger
// signals overload the converter: their clipping products then cost
// frames of other bursts, as in a real overloaded receiver.)
func TestStrongClipped(t *testing.T) {
	fs := 2.4e6
	src := synth.NewHopper(synth.HopConfig{SampleRate: fs, Seed: 9, Count: 40, Interval: 0.01, MaxOffset: 1e6,
		Jitter: 3e3, SNRdB: [2]float64{8, 26}, RandomPolarity: true})
	var truth []synth.Truth
	rec := cu8Recording(fs, &recordTruth{src: src, out: &truth}, 0)
	x := make([]complex64, len(rec)/2)
	for i := range x {
		x[i] = complex(cu8Table[rec[2*i]], cu8Table[rec[2*i+1]])
	}
	dec := testDecoders(gridstream.Config{NoLearn: true})
	got := map[string]bool{}
	rx, _ := New(Config{SampleRate: fs, CenterFreq: 915e6, Decoders: dec}, func(m *frames.Message) {
		if m.CRCOK {
			got[key(m.Raw)] = true
		}
	})
	rx.Process(x)
	rx.Flush()
	n := 0
	for _, tr := range truth {
		if got[key(hexUpper(tr.Frame))] {
			n++
		} else {
			t.Logf("missed: %.1f dB, %d baud", tr.SNRdB, tr.Baud)
		}
	}
	t.Logf("%d of %d frames", n, len(truth))
	if n < len(truth)-1 {
		t.Errorf("%d of %d frames", n, len(truth))
	}
}

// recordTruth passes bursts through and keeps what it handed out.
type recordTruth struct {
	src synth.Source
	out *[]synth.Truth
}

func (r *recordTruth) Next() (synth.Burst, bool) {
	b, ok := r.src.Next()
	if ok && b.FSK != nil {
		*r.out = append(*r.out, synth.Truth{Frame: b.FSK.Frame, SNRdB: b.FSK.SNRdB, Baud: int(b.FSK.Baud)})
	}
	return b, ok
}

package demod

import (
	"fmt"
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/synth"
)

// TestNGE101OwnStart decodes NGE101 packets sent alone and with a stronger
// PWM sensor transmitting just before and after each on the same carrier
// (one burst to the detector): every packet's offset_s is its own first
// edge (within a quarter of a bit cell: the envelope's blocks are 1/16 of
// one), not the start of the burst it shared with the
// sensor, and its frequency and SNR are its own, not the sensor's.
func TestNGE101OwnStart(t *testing.T) {
	for _, rate := range []struct {
		fs, center, offset float64
	}{
		{250e3, 433.92e6 - 50e3, 50e3},
		{2.4e6, 433.5e6, 433.92e6 - 433.5e6},
	} {
		for _, in := range []struct {
			name string
			in   synth.Interferer
		}{
			{"alone", synth.Interferer{}},
			{"gaps", synth.Interferer{Mode: synth.InterfererGaps, SNRdB: 20}},
		} {
			name := fmt.Sprintf("%gk/%s", rate.fs/1e3, in.name)
			t.Run(name, func(t *testing.T) {
				tr := synth.NGETraffic{SampleRate: rate.fs, Seed: seedOf(name), Count: 6, Offset: rate.offset, SNRdB: 12, Interferer: in.in}
				res := runScenario(t, rate.fs, rate.center, seedOf(name), synth.Bursts(tr.Bursts()...), Config{})
				sent := map[string]synth.Truth{}
				for _, s := range res.truth {
					if s.Protocol == nge101.Name {
						sent[hexUpper(bitio.Pack(s.Bits))] = s
					}
				}
				found := 0
				for _, m := range res.msgs {
					if m.Protocol != nge101.Name || !m.CRCOK {
						continue
					}
					s, ok := sent[m.Raw]
					if !ok {
						t.Errorf("%s was not sent", m.Raw)
						continue
					}
					found++
					checkOwnRadio(t, m, s, rate.fs, rate.center)
				}
				if found < len(sent)-1 {
					t.Errorf("%d of %d packets decoded", found, len(sent))
				}
			})
		}
	}
}

// checkOwnRadio compares an NGE101 message's start, frequency and SNR with
// the packet sent.
func checkOwnRadio(t *testing.T, m *frames.Message, s synth.Truth, fs, center float64) {
	t.Helper()
	want := float64(s.FrameStart) / fs
	if m.OffsetS == nil || math.Abs(*m.OffsetS-want) > nge101.Timing.HalfCell/2 {
		t.Errorf("%s: offset_s %v, sent at %.6f s", m.Raw, fmtPtr(m.OffsetS), want)
	}
	if m.Radio == nil || m.FreqHz == nil || m.SNRdB == nil {
		t.Errorf("%s: no radio fields", m.Raw)
		return
	}
	if f := center + s.FreqHz; math.Abs(*m.FreqHz-f) > 500 {
		t.Errorf("%s: freq_hz %.0f, sent at %.0f", m.Raw, *m.FreqHz, f)
	}
	if math.Abs(*m.SNRdB-s.SNRdB) > 1 {
		t.Errorf("%s: snr_db %.1f, sent at %.1f", m.Raw, *m.SNRdB, s.SNRdB)
	}
}

func fmtPtr(p *float64) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprintf("%.6f", *p)
}

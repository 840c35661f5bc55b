package demod

import (
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/synth"
)

func TestNGE101(t *testing.T) {
	for _, tc := range []struct {
		name           string
		fs, center     float64
		offset, snr    float64
		energy         bool
		value          uint64
		wantW, wantKWh float64
	}{
		{"power 250k", 250e3, 0, 40e3, 10, false, 1077, 3422.8, 0},
		{"energy 2.4M", 2.4e6, 433.5e6, 433.92e6 - 433.5e6, 12, true, 123456, 0, 123.456},
		{"power 1M weak", 1e6, 0, -310e3, 4, false, 4547, 810.7, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pkt := nge101.NewPacket(0x5A, 3, tc.energy, tc.value, false)
			src := synth.Bursts(
				synth.Burst{Start: int64(0.02 * tc.fs), OOKPacket: &synth.OOKPacketBurst{Bits: pkt, FreqOffset: tc.offset, SNRdB: tc.snr, Repeats: 2}},
			)
			res := runScenario(t, tc.fs, tc.center, 3, src, Config{})
			var got []*frames.Message
			for _, m := range res.msgs {
				if m.Protocol == nge101.Name && m.CRCOK {
					got = append(got, m)
				}
			}
			if len(got) != 1 { // the repeat is the same packet: one message after dedup
				t.Fatalf("%d NGE101 messages (stats %+v)", len(got), res.stats)
			}
			msg := got[0]
			m := msg.Fields.(*nge101.Fields)
			if m.ID != 0x5A || m.Channel != 3 {
				t.Errorf("id %d channel %d", m.ID, m.Channel)
			}
			if tc.energy {
				if m.EnergyKWh == nil || math.Abs(*m.EnergyKWh-tc.wantKWh) > 1e-9 {
					t.Errorf("energy %v, want %v", m.EnergyKWh, tc.wantKWh)
				}
			} else if m.PowerW == nil || math.Abs(*m.PowerW-tc.wantW) > 0.1 {
				t.Errorf("power %v, want %v", m.PowerW, tc.wantW)
			}
			if msg.Radio == nil || msg.FreqHz == nil || math.Abs(*msg.FreqHz-(tc.center+tc.offset)) > 5e3 {
				t.Errorf("radio %+v", msg.Radio)
			}
		})
	}
}

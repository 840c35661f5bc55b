package nge101_test

import (
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/internal/seeds"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

func TestNGE101Fields(t *testing.T) {
	// Seed 002's middle chunks (gap, unknown bit) with the receiver's readings.
	for _, tc := range []struct {
		middle string
		gap    int
		kw     float64
	}{
		{"11000011100010000000", 4547, 0.81},
		{"01011011111100000000", 4058, 0.90},
		{"00000010111100000000", 3904, 0.94},
		{"01110000000100000000", 2062, 1.78},
		{"10101100001000000000", 1077, 3.42},
	} {
		pkt := seeds.Bits("11111010000011001001" + tc.middle + "000000000000000")
		nge101.SetCheck(pkt)
		dec, _ := nge101.NewDecoder(nge101.Config{})
		var m *frames.Message
		dec.Packet(nge101.Packet{Bits: pkt}, protocol.Output{Emit: func(x *frames.Message) { m = x }})
		if m == nil || *nge(m).Gap != tc.gap || nge(m).ID != 147 || nge(m).Channel != 1 || nge(m).Bits != 55 {
			t.Fatalf("%s: %+v", tc.middle, m)
		}
		// The receiver's display truncates to two decimals.
		if kw := math.Floor(*nge(m).PowerW/10) / 100; math.Abs(kw-tc.kw) > 1e-9 {
			t.Errorf("gap %d: %.3f kW, receiver showed %.2f", tc.gap, *nge(m).PowerW/1000, tc.kw)
		}
	}
	pkt := nge101.NewPacket(42, 5, true, 2500, true)
	dec, _ := nge101.NewDecoder(nge101.Config{PulsesPerKWh: 500})
	var m *frames.Message
	dec.Packet(nge101.Packet{Bits: pkt}, protocol.Output{Emit: func(x *frames.Message) { m = x }})
	if m == nil || *nge(m).EnergyKWh != 5 || *nge(m).Impulses != 2500 || *nge(m).BatteryOK || nge(m).Channel != 5 || nge(m).ID != 42 {
		t.Fatalf("energy packet: %+v", m.Fields)
	}
	pkt[40] ^= 1
	var failed []*frames.Message
	dec.Packet(nge101.Packet{Bits: pkt}, protocol.Output{Emit: func(x *frames.Message) { failed = append(failed, x) }})
	if len(failed) != 0 || dec.Stats().Good != 1 {
		t.Fatalf("a bad packet was emitted")
	}
}

func nge(m *frames.Message) *nge101.Fields { return m.Fields.(*nge101.Fields) }

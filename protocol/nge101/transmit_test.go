package nge101_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// decodeOne decodes one packet's bits with the real decoder (pulses per
// kWh ppk), sent twice as the transmitter does (a packet alone in bits is
// not believed), and returns its fields.
func decodeOne(t *testing.T, bits []byte, ppk float64) *nge101.Fields {
	t.Helper()
	dec, err := nge101.Protocol{}.NewDecoder(protocol.DecoderConfig{Settings: protocol.Values{"nge-pulses-per-kwh": ppk}})
	if err != nil {
		t.Fatal(err)
	}
	var got []*frames.Message
	s := dec.NewStream(protocol.Output{Emit: func(m *frames.Message) { got = append(got, m) }})
	pad := make([]byte, 64)
	s.Bits(append(append(append(append(append([]byte(nil), pad...), bits...), pad...), bits...), pad...))
	s.Flush()
	if len(got) != 2 || !got[0].CRCOK || got[1].Raw != got[0].Raw {
		t.Fatalf("decoded %d messages from % d", len(got), bits)
	}
	return got[0].Fields.(*nge101.Fields)
}

// TestEncode: packets built from W and kWh decode to those values.
func TestEncode(t *testing.T) {
	var tx protocol.Transmitter = nge101.Protocol{}
	base := protocol.Values{nge101.ValueID: 147, nge101.ValueChannel: 3, nge101.ValuePulsesPerKWh: 800.0}
	with := func(k string, v any) protocol.Values {
		out := protocol.Values{}
		for bk, bv := range base {
			out[bk] = bv
		}
		out[k] = v
		return out
	}
	p, err := tx.Encode(with(nge101.ValuePowerW, 810.0))
	if err != nil {
		t.Fatal(err)
	}
	f := decodeOne(t, p, 800)
	if f.ID != 147 || f.Channel != 3 || f.PowerW == nil || math.Abs(*f.PowerW-810)/810 > 1e-3 {
		t.Fatalf("power packet decodes to %+v", f)
	}
	e := with(nge101.ValueEnergyKWh, 1234.5)
	e[nge101.ValueLowBattery] = true
	if p, err = tx.Encode(e); err != nil {
		t.Fatal(err)
	}
	f = decodeOne(t, p, 800)
	if f.EnergyKWh == nil || *f.EnergyKWh != 1234.5 || f.BatteryOK == nil || *f.BatteryOK {
		t.Fatalf("energy packet decodes to %+v", f)
	}
	for _, tc := range []struct {
		v    protocol.Values
		want string
	}{
		{with(nge101.ValuePowerW, -1.0), "--nge-power -1: must be positive"},
		{with(nge101.ValuePowerW, 1e-4), "does not fit 19 bits"},
		{with(nge101.ValueEnergyKWh, 1e9), "does not fit 34 bits"},
		{with(nge101.ValueChannel, 9), "--nge-channel 1-8"},
		{with(nge101.ValuePulsesPerKWh, 0.0), "--nge-pulses-per-kwh must be positive"},
	} {
		if _, err := tx.Encode(tc.v); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Encode(%v) = %v, want %q", tc.v, err, tc.want)
		}
	}
}

// TestRandomPackets: random packets, typical and wide, pass the check and
// are sent as they are.
func TestRandomPackets(t *testing.T) {
	var tx protocol.Transmitter = nge101.Protocol{}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		p := tx.RandomFrame(rng, protocol.Traffic{Wide: i%2 == 0})
		if c, s := nge101.Check(p); c != s || (len(p) != nge101.ShortBits && len(p) != nge101.LongBits) {
			t.Fatalf("packet %d: %d bits, check %04x sent %04x", i, len(p), c, s)
		}
		air, at := tx.AppendAir(nil, p, protocol.Framing{})
		if at != 0 || string(air) != string(p) || tx.MaxAirSymbols(len(p), protocol.Framing{}) != len(p) {
			t.Fatalf("AppendAir changed the packet")
		}
	}
}

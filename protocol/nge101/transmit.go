package nge101

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// What the synthesizer (package synth) needs to send NGE101 packets: the
// protocol.Transmitter methods. A frame is a packet's unpacked bits; the
// OOK line coding that keys them is Timing.

// AppendAir appends the packet's bits as they are: the line coding
// (Timing) does the rest. The packet starts at index 0.
func (Protocol) AppendAir(dst, packet []byte, _ protocol.Framing) ([]byte, int) {
	return append(dst, packet...), 0
}

// MaxAirSymbols is n: a packet is sent as its bits.
func (Protocol) MaxAirSymbols(n int, _ protocol.Framing) int { return n }

// RandomFrame returns a random valid packet of a random id and channel:
// half power packets, half energy packets. Typical values are pulse gaps
// of 0.5-20 s and 32-bit counts; t.Wide draws any gap, any 34-bit count
// and the low-battery bit one time in eight.
func (Protocol) RandomFrame(rng *rand.Rand, t protocol.Traffic) []byte {
	if t.Wide {
		if rng.IntN(2) == 0 {
			return NewPacket(rng.IntN(256), 1+rng.IntN(8), false, uint64(1+rng.IntN(1<<gapBits-1)), false)
		}
		return NewPacket(rng.IntN(256), 1+rng.IntN(8), true, rng.Uint64N(1<<countBits), rng.IntN(8) == 0)
	}
	if rng.IntN(2) == 0 {
		return NewPacket(rng.IntN(256), 1+rng.IntN(8), false, uint64(500+rng.IntN(20000)), false)
	}
	return NewPacket(rng.IntN(256), 1+rng.IntN(8), true, uint64(rng.Uint32()), false)
}

// ParseFrame is not offered: packets are built from values (Encode).
func (Protocol) ParseFrame(string) ([]byte, error) {
	return nil, errors.New("nge101: packets are built from values (--nge-power, --nge-energy)")
}

// ParseKey reports that the NGE101 has no network keys.
func (Protocol) ParseKey(string) (uint16, error) {
	return 0, errors.New("nge101: no network keys")
}

// The values Encode reads, named as `gridstream synth`'s flags.
const (
	// ValueID and ValueChannel are the transmitter's id (0-255) and
	// channel (1-8), ints.
	ValueID      = "nge-id"
	ValueChannel = "nge-channel"
	// ValuePowerW makes a power packet of this many W, ValueEnergyKWh an
	// energy packet of this many kWh (float64).
	ValuePowerW    = "nge-power"
	ValueEnergyKWh = "nge-energy"
	// ValuePulsesPerKWh turns W and kWh into the pulse gap and count
	// (float64, positive): the decoding option optPulsesPerKWh.
	ValuePulsesPerKWh = optPulsesPerKWh
	// ValueLowBattery sets the low-battery bit of an energy packet (bool).
	ValueLowBattery = "nge-low-battery"
)

// Encode builds a power packet (ValuePowerW set) or an energy packet
// (ValueEnergyKWh) from values; errors name the synth flags.
func (Protocol) Encode(v protocol.Values) ([]byte, error) {
	id, ch, ppk := v.Int(ValueID), v.Int(ValueChannel), v.Float64(ValuePulsesPerKWh)
	if id < 0 || id > 255 || ch < 1 || ch > 8 {
		return nil, errors.New("--nge-id must be 0-255 and --nge-channel 1-8")
	}
	if !(ppk > 0) {
		return nil, errors.New("--nge-pulses-per-kwh must be positive")
	}
	if _, ok := v[ValuePowerW]; ok {
		w := v.Float64(ValuePowerW)
		if !(w > 0) {
			return nil, fmt.Errorf("--nge-power %g: must be positive", w)
		}
		gap := math.Round(3.6864e9 / (ppk * w))
		if gap < 1 || gap >= 1<<gapBits {
			return nil, fmt.Errorf("--nge-power %g W: the pulse gap (%.0f/1024 s) does not fit 19 bits", w, gap)
		}
		return NewPacket(id, ch, false, uint64(gap), false), nil
	}
	e := v.Float64(ValueEnergyKWh)
	n := math.Round(e * ppk)
	if !(n >= 0) || n >= 1<<countBits {
		return nil, fmt.Errorf("--nge-energy %g kWh: the pulse count does not fit 34 bits", e)
	}
	return NewPacket(id, ch, true, uint64(n), v.Bool(ValueLowBattery)), nil
}

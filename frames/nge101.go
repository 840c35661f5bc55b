package frames

import "github.com/gridstream-sdr/gridstream/bits"

// DefaultPulsesPerKWh is the LED rate of most electricity meters.
const DefaultPulsesPerKWh = 1000

// Packet bit positions (transmission order; every field is LSB first).
const (
	ngeKindBit    = 8
	ngeChannelBit = 9
	ngeIDBit      = 12
	ngeValueBit   = 20
	ngeGapBits    = 19
	ngeCountBits  = 34
	ngeBatteryBit = ngeValueBit + ngeCountBits
	ngeShortBits  = 55
	ngeLongBits   = 71
	// 3600 s/h · 1024 ticks/s · 1000 W/kW: a gap of t ticks between pulses
	// of 1/ppk kWh is 3 686 400 000 / (ppk · t) W.
	ngeWattTicks = 3600 * 1024 * 1000
)

// lsbFirst reads n bits starting at bit i, least significant first.
func lsbFirst(p []byte, i, n int) uint64 {
	var v uint64
	for k := range n {
		v |= uint64(p[i+k]&1) << k
	}
	return v
}

// nge101Fields parses a 55- or 71-bit packet (unpacked bits).
func nge101Fields(p []byte, pulsesPerKWh float64) *NGE101 {
	n := &NGE101{
		Bits:    len(p),
		Channel: int(lsbFirst(p, ngeChannelBit, 3)) + 1,
		ID:      int(lsbFirst(p, ngeIDBit, 8)),
	}
	if len(p) == ngeShortBits {
		gap := int(lsbFirst(p, ngeValueBit, ngeGapBits))
		n.Gap = &gap
		if gap > 0 {
			n.PowerW = ptr(ngeWattTicks / (pulsesPerKWh * float64(gap)))
		}
		return n
	}
	count := lsbFirst(p, ngeValueBit, ngeCountBits)
	n.Impulses = &count
	n.EnergyKWh = ptr(float64(count) / pulsesPerKWh)
	n.BatteryOK = ptr(p[ngeBatteryBit]&1 == 0)
	return n
}

// NGE101Packet builds a valid packet (unpacked bits, check included) from
// fields: a 55-bit power packet when energy is false (value = gap in 1/1024 s),
// else a 71-bit energy packet (value = pulse count). Channel is 1–8.
func NGE101Packet(id, channel int, energy bool, value uint64, lowBattery bool) []byte {
	n := ngeShortBits
	if energy {
		n = ngeLongBits
	}
	p := make([]byte, n)
	copy(p, []byte{1, 1, 1, 1, 1, 0, 1, 0})
	put := func(at, bits int, v uint64) {
		for k := range bits {
			p[at+k] = byte(v>>k) & 1
		}
	}
	if energy {
		p[ngeKindBit] = 1
		put(ngeValueBit, ngeCountBits, value)
		if lowBattery {
			p[ngeBatteryBit] = 1
		}
	} else {
		put(ngeValueBit, ngeGapBits, value)
	}
	put(ngeChannelBit, 3, uint64(channel-1))
	put(ngeIDBit, 8, uint64(id))
	bits.SetNGECheck(p)
	return p
}

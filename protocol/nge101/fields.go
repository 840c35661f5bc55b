package nge101

import "strconv"

// DefaultPulsesPerKWh is the LED rate of most electricity meters.
const DefaultPulsesPerKWh = 1000

// Field positions in a packet (transmission order; every field is LSB
// first).
const (
	channelBit = 9
	idBit      = 12
	valueBit   = 20
	gapBits    = 19
	countBits  = 34
	batteryBit = valueBit + countBits
	// 3600 s/h · 1024 ticks/s · 1000 W/kW: a gap of t ticks between pulses
	// of 1/ppk kWh is 3 686 400 000 / (ppk · t) W.
	wattTicks = 3600 * 1024 * 1000
)

// Fields are the NGE101's part of a frames.Message.
type Fields struct {
	// Bits is the packet length: 55 (power) or 71 (energy).
	Bits int `json:"bits" msgpack:"bits"`
	// ID is the transmitter's 8-bit device id.
	ID int `json:"id" msgpack:"id"`
	// Channel is the transmitter's channel, 1–8.
	Channel int `json:"channel" msgpack:"channel"`
	// Gap is the time between the last two LED pulses in 1/1024 s (55-bit).
	Gap *int `json:"gap,omitempty" msgpack:"gap,omitempty"`
	// PowerW is the power derived from Gap and the meter's pulses per kWh.
	PowerW *float64 `json:"power_w,omitempty" msgpack:"power_w,omitempty"`
	// Impulses is the LED pulse count since the transmitter started (71-bit).
	Impulses *uint64 `json:"impulses,omitempty" msgpack:"impulses,omitempty"`
	// EnergyKWh is Impulses divided by the meter's pulses per kWh.
	EnergyKWh *float64 `json:"energy_kwh,omitempty" msgpack:"energy_kwh,omitempty"`
	// BatteryOK is false when the transmitter reports a low battery (71-bit).
	BatteryOK *bool `json:"battery_ok,omitempty" msgpack:"battery_ok,omitempty"`
}

// DeviceID is the "channel-id" pair.
func (f *Fields) DeviceID() string { return strconv.Itoa(f.Channel) + "-" + strconv.Itoa(f.ID) }

// lsbFirst reads n bits starting at bit i, least significant first.
func lsbFirst(p []byte, i, n int) uint64 {
	var v uint64
	for k := range n {
		v |= uint64(p[i+k]&1) << k
	}
	return v
}

// parse reads the fields of a 55- or 71-bit packet (unpacked bits).
func parse(p []byte, pulsesPerKWh float64) *Fields {
	f := &Fields{
		Bits:    len(p),
		Channel: int(lsbFirst(p, channelBit, 3)) + 1,
		ID:      int(lsbFirst(p, idBit, 8)),
	}
	if len(p) == ShortBits {
		gap := int(lsbFirst(p, valueBit, gapBits))
		f.Gap = &gap
		if gap > 0 {
			f.PowerW = ptr(wattTicks / (pulsesPerKWh * float64(gap)))
		}
		return f
	}
	count := lsbFirst(p, valueBit, countBits)
	f.Impulses = &count
	f.EnergyKWh = ptr(float64(count) / pulsesPerKWh)
	f.BatteryOK = ptr(p[batteryBit]&1 == 0)
	return f
}

func ptr[T any](v T) *T { return &v }

// NewPacket builds a valid packet (unpacked bits, check included) from
// fields: a 55-bit power packet when energy is false (value = gap in 1/1024
// s), else a 71-bit energy packet (value = pulse count). Channel is 1–8.
func NewPacket(id, channel int, energy bool, value uint64, lowBattery bool) []byte {
	n := ShortBits
	if energy {
		n = LongBits
	}
	p := make([]byte, n)
	for i := range headBits {
		p[i] = byte(head>>(headBits-1-i)) & 1
	}
	put := func(at, bits int, v uint64) {
		for k := range bits {
			p[at+k] = byte(v>>k) & 1
		}
	}
	if energy {
		p[kindBit] = 1
		put(valueBit, countBits, value)
		if lowBattery {
			p[batteryBit] = 1
		}
	} else {
		put(valueBit, gapBits, value)
	}
	put(channelBit, 3, uint64(channel-1))
	put(idBit, 8, uint64(id))
	SetCheck(p)
	return p
}

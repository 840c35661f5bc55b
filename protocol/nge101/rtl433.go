package nge101

import (
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// RTL433Model is the model string of rtl_433's Norgo decoder.
const RTL433Model = "Norgo-NGE101"

// RTL433 returns the fields rtl_433's Norgo decoder prints for m, in its
// order: the raw gap or impulse count and the battery flag, not the power
// and energy it leaves to the consumer. A failed check prints nothing.
func (Protocol) RTL433(m *frames.Message) ([]protocol.Field, bool) {
	n, ok := m.Fields.(*Fields)
	if !ok || !m.CRCOK {
		return nil, false
	}
	f := []protocol.Field{{Key: "model", Value: RTL433Model}, {Key: "id", Value: n.ID}, {Key: "channel", Value: n.Channel}}
	if n.Gap != nil {
		f = append(f, protocol.Field{Key: "gap", Value: *n.Gap})
	}
	if n.Impulses != nil {
		f = append(f, protocol.Field{Key: "impulses", Value: *n.Impulses})
	}
	if n.BatteryOK != nil {
		ok := 0
		if *n.BatteryOK {
			ok = 1
		}
		f = append(f, protocol.Field{Key: "battery_ok", Value: ok})
	}
	return append(f, protocol.Field{Key: "mic", Value: "CRC"}), true
}

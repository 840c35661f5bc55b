package mqttsink

import (
	"time"

	"github.com/gridstream-sdr/gridstream/devices"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// device is everything the sink keeps about one transmitter.
type device struct {
	protocol, id string
	key          string // protocol/id, its key in Sink.devices
	state        protocol.Device
	// announced holds the entities whose discovery config the broker has in
	// this connection; it is cleared on every (re)connect.
	announced map[string]bool
	queued    bool
	qi        int // index in Sink.queue while queued
}

// newDevice starts the state of the device that sent m; nil when its
// protocol does not know it.
func newDevice(ha protocol.HomeAssistant, m *frames.Message, id string) *device {
	st := ha.NewDevice(m)
	if st == nil {
		return nil
	}
	return &device{protocol: ha.Name(), id: id, key: devices.Key(ha.Name(), id), state: st, announced: map[string]bool{}}
}

// messageTime is when m was received: its Time, else now.
func messageTime(m *frames.Message) time.Time {
	if t, err := time.Parse(time.RFC3339, m.Time); err == nil {
		return t
	}
	return time.Now()
}

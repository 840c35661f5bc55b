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
	// summary is what the receiver saw of it (a dashboard's columns).
	summary devices.Summary
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

// Send merges m into its device's state and schedules a publish. It never
// blocks on the network. Frames that fail their CRC, name no device, or are
// of a protocol without devices are ignored.
func (s *Sink) Send(m *frames.Message) error {
	if s.rtl != nil {
		return s.sendEvent(m)
	}
	if m == nil || !m.CRCOK {
		return nil
	}
	ha := s.protocols[m.Protocol]
	id := m.DeviceID()
	if ha == nil || id == "" {
		return nil
	}
	at := messageTime(m)
	key := devices.Key(m.Protocol, id)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	d, ok := s.devices.Get(key)
	if ok {
		s.devices.Heard(key)
	} else {
		d = newDevice(ha, m, id)
		if d == nil || !s.devices.Add(key, d, s.meters[key]) {
			s.mu.Unlock()
			return nil
		}
	}
	d.state.Update(m, at)
	d.summary.Update(m, at)
	s.enqueue(d)
	s.mu.Unlock()
	s.poke()
	return nil
}

// enqueue marks d dirty; s.mu is held.
func (s *Sink) enqueue(d *device) {
	if !d.queued {
		d.queued = true
		d.qi = len(s.queue)
		s.queue = append(s.queue, d)
	}
}

// dequeue takes d off the queue (an evicted device); s.mu is held.
func (s *Sink) dequeue(d *device) {
	if !d.queued {
		return
	}
	last := s.queue[len(s.queue)-1]
	s.queue[d.qi], last.qi = last, d.qi
	s.queue[len(s.queue)-1] = nil
	s.queue = s.queue[:len(s.queue)-1]
	d.queued = false
}

// unlistedConfirmations is how many messages a device nobody named must
// send before it is announced: a check of 15 or 16 bits passes a false
// packet in noise now and then, and one such packet must not put a new
// device in Home Assistant. Real transmitters repeat within a minute.
const unlistedConfirmations = 2

// discover reports whether d gets Home Assistant discovery configs: every
// device with --discover-all, the --meter ones, and those of a protocol that
// announces its devices unless some of them are named, once heard twice.
func (s *Sink) discover(d *device) bool {
	switch {
	case s.noDiscovery:
		return false
	case s.discoverAll, s.meters[d.key]:
		return true
	}
	ha := s.protocols[d.protocol]
	return ha != nil && ha.AnnounceUnlisted() && !s.listed[d.protocol] && d.summary.Frames >= unlistedConfirmations
}

// has reports whether d is still in the table (not evicted); s.mu is held.
func (s *Sink) has(d *device) bool {
	cur, ok := s.devices.Get(d.key)
	return ok && cur == d
}

// Rows returns every device the sink keeps, most recently heard first: the
// one device table that a dashboard shows too.
func (s *Sink) Rows() []devices.Row {
	s.mu.Lock()
	rows := make([]devices.Row, 0, s.devices.Len())
	for key, d := range s.devices.All() {
		rows = append(rows, devices.Row{Protocol: d.protocol, ID: d.id, Pinned: s.meters[key],
			Summary: d.summary.Clone(), State: d.state.State()})
	}
	s.mu.Unlock()
	devices.SortRows(rows)
	return rows
}

// DeviceStats returns how many devices the sink keeps and has evicted.
func (s *Sink) DeviceStats() (kept int, evicted int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.devices.Len(), s.evicted
}

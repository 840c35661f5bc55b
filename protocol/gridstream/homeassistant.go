package gridstream

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// outageJitter is how far a newly derived last-outage time may move before the
// published one changes: reception time and the meter's uptime counter do not
// tick together, so the difference wobbles by a second or two.
const outageJitter = 30 * time.Second

// MeterState is the retained state JSON of a GridStream meter. Fields that
// Home Assistant reads are always present (null until known).
type MeterState struct {
	Protocol string `json:"protocol"`
	ID       string `json:"id"`
	// LastSeen is the time of the latest frame from the meter (RFC 3339).
	LastSeen string `json:"last_seen"`
	// UptimeS is the meter's latest reported uptime in seconds.
	UptimeS *int64 `json:"uptime_s"`
	// LastOutage is when the meter last powered on: the time its uptime was
	// received minus the uptime (RFC 3339, seconds).
	LastOutage *string `json:"last_outage"`
	// Counter is the latest 0x55 broadcast counter.
	Counter *int `json:"counter"`
	// Clock is the meter's clock from its latest 0xD5 length-0x47 frame.
	Clock *string `json:"clock"`
	protocol.RadioState
	// Baud is the symbol rate of the latest frame, when measured.
	Baud      int     `json:"baud,omitempty"`
	SrcWAN    string  `json:"src_wan,omitempty"`
	NetworkID *int    `json:"network_id"`
	CRCInit   *string `json:"crc_init"`
	Utility   *string `json:"utility"`
	// Learned is true when the network's CRC init was learned from traffic.
	Learned bool `json:"learned"`
	// FrameType is the type byte of the latest frame ("55", "D5", ...).
	FrameType string `json:"frame_type"`
	// Frames counts the frames heard from the meter since gridstream started.
	Frames uint64 `json:"frames"`

	outage time.Time
}

// NewDevice starts the state of the meter that sent m.
func (Protocol) NewDevice(m *frames.Message) protocol.Device {
	if _, ok := m.Fields.(*Fields); !ok || m.DeviceID() == "" {
		return nil
	}
	return &MeterState{Protocol: Name, ID: m.DeviceID()}
}

// ParseDeviceID reads a meter id as a user writes it: the LAN id on the
// meter's label, 8 hex digits in any case (leading zeros and 0x optional),
// or a 12-digit WAN address.
func (Protocol) ParseDeviceID(s string) (string, bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	if _, err := strconv.ParseUint(s, 16, 64); err != nil || s == "" {
		return "", false
	}
	s = strings.ToUpper(s)
	if len(s) < 8 {
		s = strings.Repeat("0", 8-len(s)) + s
	}
	return s, true
}

// AnnounceUnlisted is false: a neighbourhood holds hundreds of meters, so
// only the ones named are announced.
func (Protocol) AnnounceUnlisted() bool { return false }

// ExpireAfter is 15 minutes. A meter broadcasts its 0x55 frame every few
// seconds, each on another of ~50 channels, and relays mesh traffic: a
// receiver on one channel hears a meter about every 10–60 s (the seed
// captures: 4–126 s apart), so 15 minutes of silence means the meter, or
// the receiver, is gone.
func (Protocol) ExpireAfter() time.Duration { return 15 * time.Minute }

// Update merges m, received at at, into the state.
func (s *MeterState) Update(m *frames.Message, at time.Time) {
	g, ok := m.Fields.(*Fields)
	if !ok {
		return
	}
	s.LastSeen = at.UTC().Format(time.RFC3339)
	s.Frames++
	s.FrameType = g.Type
	if g.UptimeS != nil && *g.UptimeS >= 0 {
		s.UptimeS = g.UptimeS
		o := at.Add(-time.Duration(*g.UptimeS) * time.Second).UTC().Truncate(time.Second)
		if s.outage.IsZero() || o.Sub(s.outage).Abs() > outageJitter {
			s.outage = o
			v := o.Format(time.RFC3339)
			s.LastOutage = &v
		}
	}
	if g.Counter != nil {
		s.Counter = g.Counter
	}
	if g.Clock != "" {
		c := g.Clock
		s.Clock = &c
	}
	if g.SrcWAN != "" {
		s.SrcWAN = g.SrcWAN
	}
	if g.CRCInit != nil {
		s.CRCInit, s.NetworkID, s.Utility, s.Learned = g.CRCInit, g.NetworkID, g.Utility, g.Learned
	}
	s.UpdateRadio(m.Radio)
	if r := m.Radio; r != nil && r.Baud != 0 {
		s.Baud = r.Baud
	}
}

// State returns the retained state JSON.
func (s *MeterState) State() []byte {
	b, _ := json.Marshal(s) // no float in it can be NaN or Inf
	return b
}

// Info describes the meter.
func (s *MeterState) Info() protocol.DeviceInfo {
	return protocol.DeviceInfo{Name: "Meter " + s.ID, Manufacturer: "Landis+Gyr", Model: "GridStream meter"}
}

// Entities are the meter's uptime, last outage and counter sensors, each
// once the meter has sent its value (the counter comes in 0x55 frames,
// the uptime in 0x55 and long 0xD5 frames).
func (s *MeterState) Entities() []protocol.Entity {
	var es []protocol.Entity
	if s.UptimeS != nil {
		es = append(es, protocol.Entity{Key: "uptime", Component: "sensor", Config: map[string]any{
			"name": "Uptime", "device_class": "duration", "state_class": "measurement",
			"unit_of_measurement": "s", "value_template": "{{ value_json.uptime_s }}", "icon": "mdi:timer-outline",
		}})
	}
	if s.LastOutage != nil {
		es = append(es, protocol.Entity{Key: "last_outage", Component: "sensor", Config: map[string]any{
			"name": "Last outage", "device_class": "timestamp",
			"value_template": "{{ value_json.last_outage }}", "icon": "mdi:transmission-tower-off",
		}})
	}
	if s.Counter != nil {
		es = append(es, protocol.Entity{Key: "counter", Component: "sensor", Config: map[string]any{
			"name": "Counter", "state_class": "measurement", "entity_category": "diagnostic",
			"value_template": "{{ value_json.counter }}", "icon": "mdi:counter",
		}})
	}
	return es
}

package nge101

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// State is the retained state JSON of an NGE101 transmitter. It merges
// the power packets (55 bits) and energy packets (71 bits).
type State struct {
	Protocol string `json:"protocol"`
	ID       string `json:"id"`
	Channel  int    `json:"channel"`
	DeviceID int    `json:"device_id"`
	LastSeen string `json:"last_seen"`
	// PowerW is the latest power reading, from a 55-bit packet.
	PowerW *float64 `json:"power_w"`
	Gap    *int     `json:"gap"`
	// EnergyKWh is the latest energy reading, from a 71-bit packet.
	EnergyKWh *float64 `json:"energy_kwh"`
	Impulses  *uint64  `json:"impulses"`
	BatteryOK *bool    `json:"battery_ok"`
	protocol.RadioState
	// Packets counts the packets heard since gridstream started.
	Packets uint64 `json:"packets"`
}

// NewDevice starts the state of the transmitter that sent m.
func (Protocol) NewDevice(m *frames.Message) protocol.Device {
	f, ok := m.Fields.(*Fields)
	if !ok {
		return nil
	}
	return &State{Protocol: Name, ID: f.DeviceID(), Channel: f.Channel, DeviceID: f.ID}
}

// ParseDeviceID reads a transmitter id as a user writes it: "channel-id",
// both decimal.
func (Protocol) ParseDeviceID(s string) (string, bool) {
	c, d, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return "", false
	}
	ch, e1 := strconv.Atoi(c)
	id, e2 := strconv.Atoi(d)
	if e1 != nil || e2 != nil {
		return "", false
	}
	return strconv.Itoa(ch) + "-" + strconv.Itoa(id), true
}

// AnnounceUnlisted is true: a home has one or two transmitters, so they
// are announced unless the user names the ones wanted.
func (Protocol) AnnounceUnlisted() bool { return true }

// ExpireAfter is 5 minutes: a transmitter sends two packets every ~43 s,
// so 5 minutes is seven intervals without one.
func (Protocol) ExpireAfter() time.Duration { return 5 * time.Minute }

// Update merges m, received at at, into the state.
func (s *State) Update(m *frames.Message, at time.Time) {
	n, ok := m.Fields.(*Fields)
	if !ok {
		return
	}
	s.LastSeen = at.UTC().Format(time.RFC3339)
	s.Packets++
	if n.Gap != nil {
		s.Gap, s.PowerW = n.Gap, nil
		if p := n.PowerW; p != nil && !math.IsNaN(*p) && !math.IsInf(*p, 0) {
			r := math.Round(*p*10) / 10 // the gap's resolution is far coarser
			s.PowerW = &r
		}
	}
	if n.Impulses != nil {
		s.Impulses, s.EnergyKWh = n.Impulses, n.EnergyKWh
	}
	if n.BatteryOK != nil {
		s.BatteryOK = n.BatteryOK
	}
	s.UpdateRadio(m.Radio)
}

// State returns the retained state JSON.
func (s *State) State() []byte {
	b, _ := json.Marshal(s) // no float in it can be NaN or Inf
	return b
}

// Info describes the transmitter.
func (s *State) Info() protocol.DeviceInfo {
	return protocol.DeviceInfo{Name: "NGE101 " + s.ID, Manufacturer: "Norgo", Model: "NGE101 energy transmitter"}
}

// Entities are the transmitter's power (from 55-bit packets), energy and
// battery (from 71-bit packets) sensors, each once it has sent its value.
func (s *State) Entities() []protocol.Entity {
	var es []protocol.Entity
	if s.PowerW != nil {
		es = append(es, protocol.Entity{Key: "power", Component: "sensor", Config: map[string]any{
			"name": "Power", "device_class": "power", "state_class": "measurement",
			"unit_of_measurement": "W", "suggested_display_precision": 0,
			"value_template": "{{ value_json.power_w }}",
		}})
	}
	if s.EnergyKWh != nil {
		es = append(es, protocol.Entity{Key: "energy", Component: "sensor", Config: map[string]any{
			"name": "Energy", "device_class": "energy", "state_class": "total_increasing",
			"unit_of_measurement": "kWh", "suggested_display_precision": 2,
			"value_template": "{{ value_json.energy_kwh }}",
		}})
	}
	if s.BatteryOK != nil {
		es = append(es, protocol.Entity{Key: "battery", Component: "binary_sensor", Config: map[string]any{
			"name": "Battery", "device_class": "battery", "entity_category": "diagnostic",
			// A battery binary sensor is "on" when the battery is low.
			"value_template": "{% if value_json.battery_ok is none %}None{% elif value_json.battery_ok %}OFF{% else %}ON{% endif %}",
		}})
	}
	return es
}

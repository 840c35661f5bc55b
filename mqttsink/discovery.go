package mqttsink

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// lastSeen is the key of the "Last seen" entity every device has.
const lastSeen = "last_seen"

// SupportURL is reported to Home Assistant as where gridstream comes from.
const SupportURL = "https://github.com/gridstream-sdr/gridstream"

// Topics of a device under the sink's prefixes.
func (s *Sink) stateTopic(d *device) string {
	return s.prefix + "/" + d.protocol + "/" + d.id + "/state"
}

// nodeID is the device's Home Assistant node id: protocol and id in
// lower case, characters outside [a-z0-9_] as underscores.
func nodeID(d *device) string {
	return d.protocol + "_" + strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, d.id)
}

// configTopic is <discovery prefix>/<component>/<node id>/<object id>/config.
func (s *Sink) configTopic(d *device, e protocol.Entity) string {
	return s.discoveryPrefix + "/" + e.Component + "/" + nodeID(d) + "/" + e.Key + "/config"
}

// entities lists the Home Assistant entities of a device: its protocol's,
// then the last-seen sensor every device has, and the signal-strength
// sensor once a signal strength has been measured.
func (d *device) entities() []protocol.Entity {
	es := append(d.state.Entities(), protocol.Entity{Key: lastSeen, Component: "sensor", Config: map[string]any{
		"name": "Last seen", "device_class": "timestamp", "entity_category": "diagnostic",
		"value_template": "{{ value_json.last_seen }}",
	}})
	if d.state.HasSignal() {
		es = append(es, protocol.Entity{Key: "rssi", Component: "sensor", Config: map[string]any{
			"name": "Signal strength", "device_class": "signal_strength", "state_class": "measurement",
			"unit_of_measurement": "dB", "entity_category": "diagnostic",
			"value_template": "{{ value_json.rssi_db }}",
		}})
	}
	return es
}

// discoveryJSON is the retained discovery config of one entity.
func (s *Sink) discoveryJSON(d *device, e protocol.Entity) []byte {
	c := make(map[string]any, len(e.Config)+8)
	for k, v := range e.Config {
		c[k] = v
	}
	node := nodeID(d)
	c["unique_id"] = node + "_" + e.Key
	if exp := s.expire[d.protocol]; exp > 0 && e.Key != lastSeen {
		// The device's values go stale after it (not "Last seen": it
		// tells when the device went quiet).
		c["expire_after"] = int(math.Ceil(exp.Seconds()))
	}
	c["state_topic"] = s.stateTopic(d)
	c["availability_topic"] = s.availTopic
	c["payload_available"] = online
	c["payload_not_available"] = offline
	if s.qos > 0 {
		c["qos"] = int(s.qos)
	}
	info := d.state.Info()
	c["device"] = map[string]any{"identifiers": []string{node},
		"name": info.Name, "manufacturer": info.Manufacturer, "model": info.Model}
	origin := map[string]any{"name": "gridstream", "support_url": SupportURL}
	if s.version != "" {
		origin["sw_version"] = s.version
	}
	c["origin"] = origin
	b, _ := json.Marshal(c)
	return b
}

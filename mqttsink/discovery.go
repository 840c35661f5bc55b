package mqttsink

import (
	"encoding/json"
	"strings"
)

// SupportURL is reported to Home Assistant as where gridstream comes from.
const SupportURL = "https://github.com/gridstream-sdr/gridstream"

// entity is one Home Assistant entity of a device.
type entity struct {
	key       string // object id and unique-id suffix
	component string // "sensor" or "binary_sensor"
	config    map[string]any
}

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
func (s *Sink) configTopic(d *device, e entity) string {
	return s.discoveryPrefix + "/" + e.component + "/" + nodeID(d) + "/" + e.key + "/config"
}

// entities lists the Home Assistant entities of a device. The signal-strength
// sensor appears once a signal strength has been measured.
func (d *device) entities() []entity {
	var es []entity
	if d.isNGE101() {
		es = append(es,
			entity{"power", "sensor", map[string]any{
				"name": "Power", "device_class": "power", "state_class": "measurement",
				"unit_of_measurement": "W", "suggested_display_precision": 0,
				"value_template": "{{ value_json.power_w }}",
			}},
			entity{"energy", "sensor", map[string]any{
				"name": "Energy", "device_class": "energy", "state_class": "total_increasing",
				"unit_of_measurement": "kWh", "suggested_display_precision": 2,
				"value_template": "{{ value_json.energy_kwh }}",
			}},
			entity{"battery", "binary_sensor", map[string]any{
				"name": "Battery", "device_class": "battery", "entity_category": "diagnostic",
				// A battery binary sensor is "on" when the battery is low.
				"value_template": "{% if value_json.battery_ok is none %}None{% elif value_json.battery_ok %}OFF{% else %}ON{% endif %}",
			}},
		)
	} else {
		es = append(es,
			entity{"uptime", "sensor", map[string]any{
				"name": "Uptime", "device_class": "duration", "state_class": "measurement",
				"unit_of_measurement": "s", "value_template": "{{ value_json.uptime_s }}", "icon": "mdi:timer-outline",
			}},
			entity{"last_outage", "sensor", map[string]any{
				"name": "Last outage", "device_class": "timestamp",
				"value_template": "{{ value_json.last_outage }}", "icon": "mdi:transmission-tower-off",
			}},
			entity{"counter", "sensor", map[string]any{
				"name": "Counter", "state_class": "measurement", "entity_category": "diagnostic",
				"value_template": "{{ value_json.counter }}", "icon": "mdi:counter",
			}},
		)
	}
	es = append(es, entity{"last_seen", "sensor", map[string]any{
		"name": "Last seen", "device_class": "timestamp", "entity_category": "diagnostic",
		"value_template": "{{ value_json.last_seen }}",
	}})
	if d.signal {
		es = append(es, entity{"rssi", "sensor", map[string]any{
			"name": "Signal strength", "device_class": "signal_strength", "state_class": "measurement",
			"unit_of_measurement": "dB", "entity_category": "diagnostic",
			"value_template": "{{ value_json.rssi_db }}",
		}})
	}
	return es
}

// discoveryJSON is the retained discovery config of one entity.
func (s *Sink) discoveryJSON(d *device, e entity) []byte {
	c := make(map[string]any, len(e.config)+8)
	for k, v := range e.config {
		c[k] = v
	}
	node := nodeID(d)
	c["unique_id"] = node + "_" + e.key
	c["state_topic"] = s.stateTopic(d)
	c["availability_topic"] = s.availTopic
	c["payload_available"] = online
	c["payload_not_available"] = offline
	if s.qos > 0 {
		c["qos"] = int(s.qos)
	}
	dev := map[string]any{"identifiers": []string{node}}
	if d.isNGE101() {
		dev["name"] = "NGE101 " + d.id
		dev["manufacturer"] = "Norgo"
		dev["model"] = "NGE101 energy transmitter"
	} else {
		dev["name"] = "Meter " + d.id
		dev["manufacturer"] = "Landis+Gyr"
		dev["model"] = "GridStream meter"
	}
	c["device"] = dev
	origin := map[string]any{"name": "gridstream", "support_url": SupportURL}
	if s.version != "" {
		origin["sw_version"] = s.version
	}
	c["origin"] = origin
	b, _ := json.Marshal(c)
	return b
}

package rtl433

import (
	"os"
	"strings"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// rtl_433's default MQTT topics (`-F mqtt` without topic options), under
// the base topic.
const (
	EventsTopic       = "events"
	DevicesTopic      = "devices"
	AvailabilityTopic = "availability"
)

// Publish is one MQTT message: its topic and payload.
type Publish struct {
	Topic, Payload string
}

// DefaultBase is rtl_433's default base topic: "rtl_433/" and the host name
// up to its first dot.
func DefaultBase() string {
	h, _ := os.Hostname()
	h, _, _ = strings.Cut(h, ".")
	return "rtl_433/" + h
}

// Publishes returns what rtl_433's `-F mqtt` publishes for an event, in
// its order, under base: the event as compact JSON on <base>/events, then
// each field but type, model and subtype on
// <base>/devices[/type][/model][/subtype][/channel][/id]/<key>, where a
// bracketed part is there when the event has that field (its value with
// every character outside [-.A-Za-z0-9] made an underscore).
func Publishes(base string, ev []protocol.Field) []Publish {
	out := make([]Publish, 0, len(ev)+1)
	out = append(out, Publish{base + "/" + EventsTopic, string(CompactJSON(ev))})
	dev := DeviceTopic(base, ev)
	for _, f := range ev {
		switch f.Key {
		case "type", "model", "subtype":
			continue
		}
		out = append(out, Publish{dev + "/" + f.Key, Text(f.Value)})
	}
	return out
}

// DeviceTopic is rtl_433's default device topic of an event:
// <base>/devices[/type][/model][/subtype][/channel][/id].
func DeviceTopic(base string, ev []protocol.Field) string {
	var b strings.Builder
	b.WriteString(base + "/" + DevicesTopic)
	for _, key := range [...]string{"type", "model", "subtype", "channel", "id"} {
		for _, f := range ev {
			if f.Key == key {
				b.WriteByte('/')
				b.WriteString(topicText(f.Value))
				break
			}
		}
	}
	return b.String()
}

// topicText writes a value as a topic level, as rtl_433 does: integers in
// decimal, strings with every character outside [-.A-Za-z0-9] made '_'.
func topicText(v any) string {
	s, ok := v.(string)
	if !ok {
		return Text(v)
	}
	b := []byte(s) // byte by byte, as rtl_433 does
	for i, c := range b {
		if !(c == '-' || c == '.' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

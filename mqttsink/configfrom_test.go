package mqttsink

import (
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// flagValues are Settings as a command line gives them: defaults, and the
// flags given (set).
type flagValues struct {
	protocol.Values
	set map[string]bool
}

func (v flagValues) IsSet(name string) bool { return v.set[name] }

// given returns the MQTT flags' defaults with the flags in kv given.
func given(kv ...any) flagValues {
	v := flagValues{Values: protocol.Values{"mqtt-format": FormatGridstream, "mqtt-prefix": DefaultPrefix, "mqtt-qos": 1,
		"mqtt-discovery-prefix": DefaultDiscoveryPrefix}, set: map[string]bool{}}
	for i := 0; i < len(kv); i += 2 {
		v.Values[kv[i].(string)], v.set[kv[i].(string)] = kv[i+1], true
	}
	return v
}

func TestConfigFrom(t *testing.T) {
	cfg, ok, err := ConfigFrom(given("mqtt", "mqtt://broker", "meter", []string{"F0EE36DB"}, "mqtt-expire-after", []string{"nge101=1m"}))
	if err != nil || !ok || cfg.URL != "mqtt://broker" || cfg.QoS != 1 || cfg.Prefix != DefaultPrefix || cfg.Format != FormatGridstream ||
		len(cfg.Meters) != 1 || cfg.ExpireAfter["nge101"] != time.Minute {
		t.Errorf("gridstream layout: %+v, %v, %v", cfg, ok, err)
	}
	cfg, ok, err = ConfigFrom(given("mqtt", "mqtt://broker", "mqtt-format", "RTL433"))
	if err != nil || !ok || cfg.Format != FormatRTL433 || cfg.QoS != 0 || cfg.Prefix != "" {
		t.Errorf("rtl433 layout takes rtl_433's QoS 0 and base topic: %+v, %v, %v", cfg, ok, err)
	}
	cfg, _, err = ConfigFrom(given("mqtt", "mqtt://broker", "mqtt-format", FormatRTL433, "mqtt-qos", 2, "mqtt-prefix", "x"))
	if err != nil || cfg.QoS != 2 || cfg.Prefix != "x" {
		t.Errorf("rtl433 layout with --mqtt-qos 2 --mqtt-prefix x: %+v, %v", cfg, err)
	}
	if _, ok, err := ConfigFrom(given()); ok || err != nil {
		t.Errorf("no --mqtt: %v, %v; want no sink, no error", ok, err)
	}
	for _, tc := range []struct {
		kv   []any
		want string
	}{
		{[]any{"meter", []string{"F0EE36DB"}}, "--meter needs --mqtt URL"},
		{[]any{"mqtt-format", FormatRTL433}, "--mqtt-format needs --mqtt URL"},
		{[]any{"mqtt", "mqtt://b", "mqtt-qos", 3}, "--mqtt-qos 3: want 0, 1 or 2"},
		{[]any{"mqtt", "mqtt://b", "mqtt-format", "json"}, `--mqtt-format "json": want gridstream or rtl433`},
		{[]any{"mqtt", "mqtt://b", "mqtt-format", FormatRTL433, "discover-all", true}, "--discover-all is for --mqtt-format gridstream"},
		{[]any{"mqtt", "mqtt://b", "mqtt-expire-after", []string{"zigbee=1m"}}, "--mqtt-expire-after "},
	} {
		if _, ok, err := ConfigFrom(given(tc.kv...)); ok || err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: %v, %v; want %q", tc.kv, ok, err, tc.want)
		}
	}
}

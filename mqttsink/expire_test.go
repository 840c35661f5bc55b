package mqttsink

import (
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/internal/mosquitto"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// directedMsg is a decoded short 0xD5 frame from meter src: it names the
// meter but carries no uptime and no counter.
func directedMsg(src string, at time.Time) *frames.Message {
	m := &frames.Message{Protocol: gridstream.Name, CRCOK: true, Raw: "2AD5",
		Fields: &gridstream.Fields{Version: 4, Type: "D5", CI: "29", Length: 0x1D, CRCInit: ptr("142A"),
			NetworkID: ptr(37103), Src: src, Dst: "900000D5"},
		Radio: &frames.Radio{RSSIdB: ptr(-40.5), SNRdB: ptr(18.0)}}
	m.Stamp(at)
	return m
}

// A sensor is announced when its device first sends its value, never
// before (no entity that stays without a value), and every sensor but
// "Last seen" expires after the protocol's interval or the configured one.
func TestEntitiesFollowValuesAndExpire(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{})
	s := newSink(t, Config{URL: b.URL(), Meters: []string{"900000FD"}})
	s.Send(directedMsg("900000FD", epoch))
	s.Send(ngePower(epoch, 4547))
	s.Send(ngePower(epoch.Add(time.Second), 4547)) // announced once heard twice
	flush(t, s)
	meter := "homeassistant/sensor/gridstream_900000fd/"
	nge := "homeassistant/sensor/nge101_1_42/"
	battery := "homeassistant/binary_sensor/nge101_1_42/battery/config"
	got := mosquitto.Retained(t, b.URL(), "", "", "homeassistant/#", 300*time.Millisecond)
	for _, topic := range []string{meter + "last_seen/config", meter + "rssi/config", nge + "power/config", nge + "last_seen/config"} {
		if _, ok := got[topic]; !ok {
			t.Errorf("missing %s", topic)
		}
	}
	for _, topic := range []string{meter + "uptime/config", meter + "counter/config", meter + "last_outage/config", nge + "energy/config", battery} {
		if _, ok := got[topic]; ok {
			t.Errorf("%s announced before the device sent its value", topic)
		}
	}
	expire := func(topic string) any { return decode(t, got[topic])["expire_after"] }
	for topic, want := range map[string]any{meter + "rssi/config": 900.0, nge + "power/config": 300.0,
		meter + "last_seen/config": nil, nge + "last_seen/config": nil} {
		if e := expire(topic); e != want {
			t.Errorf("%s: expire_after %v, want %v", topic, e, want)
		}
	}

	// The values arrive: their sensors are announced.
	s.Send(meterMsg("900000FD", 3, 7200, epoch.Add(time.Minute), nil))
	s.Send(ngeEnergy(epoch.Add(time.Minute), 123456, true))
	flush(t, s)
	got = mosquitto.Retained(t, b.URL(), "", "", "homeassistant/#", 300*time.Millisecond)
	for _, topic := range []string{meter + "uptime/config", meter + "counter/config", meter + "last_outage/config", nge + "energy/config", battery} {
		if _, ok := got[topic]; !ok {
			t.Errorf("%s not announced once its value came", topic)
		} else if e := expire(topic); e != map[bool]any{true: 900.0, false: 300.0}[topic[:len(meter)] == meter] {
			t.Errorf("%s: expire_after %v", topic, e)
		}
	}
	s.Close()

	// Configured: off for every protocol, one minute for NGE101.
	b2 := mosquitto.Start(t, mosquitto.Options{})
	s2 := newSink(t, Config{URL: b2.URL(), Meters: []string{"900000FD"}, ExpireAfter: map[string]time.Duration{"": 0, "nge101": time.Minute}})
	s2.Send(meterMsg("900000FD", 3, 7200, epoch, nil))
	s2.Send(ngePower(epoch, 4547))
	s2.Send(ngePower(epoch.Add(time.Second), 4547))
	flush(t, s2)
	got = mosquitto.Retained(t, b2.URL(), "", "", "homeassistant/#", 300*time.Millisecond)
	if e := expire(meter + "uptime/config"); e != nil {
		t.Errorf("expiry off: expire_after %v", e)
	}
	if e := expire(nge + "power/config"); e != 60.0 {
		t.Errorf("nge101=1m: expire_after %v", e)
	}
}

func TestParseExpireAfter(t *testing.T) {
	known := []string{"gridstream", "nge101"}
	got, err := ParseExpireAfter([]string{"30m", "nge101=300, gridstream=0"}, known)
	if err != nil || got[""] != 30*time.Minute || got["nge101"] != 5*time.Minute || got["gridstream"] != 0 || len(got) != 3 {
		t.Errorf("got %v %v", got, err)
	}
	for _, bad := range []string{"zigbee=5m", "5", "31d", "-1m", "soon", "nge101="} {
		if _, err := ParseExpireAfter([]string{bad}, known); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

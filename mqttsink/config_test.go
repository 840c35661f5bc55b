package mqttsink

import (
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/devices"
)

func TestParseBroker(t *testing.T) {
	tests := []struct {
		in, server, user, pass string
		tls                    bool
		err                    string
	}{
		{in: "mqtt://127.0.0.1", server: "mqtt://127.0.0.1:1883"},
		{in: "mqtt://broker.lan:1884", server: "mqtt://broker.lan:1884"},
		{in: "homeassistant.local", server: "mqtt://homeassistant.local:1883"},
		{in: "10.0.0.2:1999", server: "mqtt://10.0.0.2:1999"},
		{in: "mqtts://broker.lan", server: "mqtts://broker.lan:8883", tls: true},
		{in: "MQTTS://u:p%40ss@broker.lan:8884", server: "mqtts://broker.lan:8884", user: "u", pass: "p@ss", tls: true},
		{in: "tcp://[::1]:1883", server: "tcp://[::1]:1883"},
		{in: "ws://h/mqtt", server: "ws://h:80/mqtt"},
		{in: "", err: "no broker URL"},
		{in: "http://h", err: "scheme must be"},
		{in: "mqtt://", err: "no host"},
		{in: "mqtt://h:99999", err: "bad port"},
	}
	for _, tc := range tests {
		b, err := parseBroker(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || b.server != tc.server || b.user != tc.user || b.password != tc.pass || b.tls != tc.tls {
			t.Errorf("%q = %+v, %v; want server %s user %q pass %q tls %v", tc.in, b, err, tc.server, tc.user, tc.pass, tc.tls)
		}
	}
}

func TestNormalizeID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0b1c2d3e", "0B1C2D3E"},
		{"b1c2d3e", "0B1C2D3E"},
		{"0xF0EE36DB", "F0EE36DB"},
		{" 1-42 ", "1-42"},
		{"FE5021D00500", "FE5021D00500"},
	}
	for _, tc := range tests {
		if got := normalizeID(tc.in); got != tc.want {
			t.Errorf("normalizeID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if !isNGEID("1-42") || isNGEID("0B1C2D3E") || isNGEID("a-b") {
		t.Error("isNGEID")
	}
}

// TestLastOutage checks that the derived outage time ignores reception jitter
// but follows a real new outage (the uptime restarting).
func TestLastOutage(t *testing.T) {
	tb := devices.New(devices.Config{})
	steps := []struct {
		at     time.Time
		uptime int64
		want   string
	}{
		{epoch, 1000, "2026-11-23T11:43:20Z"},
		{epoch.Add(62 * time.Second), 1060, "2026-11-23T11:43:20Z"}, // 2 s of jitter
		{epoch.Add(time.Hour), 30, "2026-11-23T12:59:30Z"},          // power came back
	}
	for i, s := range steps {
		tb.Update(meterMsg("0B1C2D3E", i, s.uptime, s.at, nil))
		st, _ := tb.Get("gridstream/0B1C2D3E")
		if got := *meterState(st).LastOutage; got != s.want {
			t.Errorf("step %d: last_outage = %s, want %s", i, got, s.want)
		}
	}
}

func TestDiscoverRule(t *testing.T) {
	meter := newDevice("gridstream/0B1C2D3E")
	other := newDevice("gridstream/11223344")
	nge := newDevice("nge101/1-42")
	tests := []struct {
		name               string
		s                  *Sink
		meter, other, nge1 bool
	}{
		{"default", &Sink{meters: map[string]bool{}}, false, false, true},
		{"--meter", &Sink{meters: map[string]bool{"0B1C2D3E": true}}, true, false, true},
		{"--meter nge", &Sink{meters: map[string]bool{"2-7": true}, ngeListed: true}, false, false, false},
		{"--discover-all", &Sink{discoverAll: true}, true, true, true},
		{"--no-discovery", &Sink{noDiscovery: true, discoverAll: true}, false, false, false},
	}
	for _, tc := range tests {
		if g := [3]bool{tc.s.discover(meter), tc.s.discover(other), tc.s.discover(nge)}; g != [3]bool{tc.meter, tc.other, tc.nge1} {
			t.Errorf("%s: discover = %v, want %v", tc.name, g, [3]bool{tc.meter, tc.other, tc.nge1})
		}
	}
}

func TestBadConfig(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{URL: "mqtt://127.0.0.1:1", Prefix: "home/#"}, "not allowed in topic names"},
		{Config{URL: "mqtt://127.0.0.1:1", DiscoveryPrefix: "ha+"}, "not allowed in topic names"},
		{Config{URL: "mqtt://127.0.0.1:1", QoS: 3}, "QoS must be"},
		{Config{URL: "ftp://127.0.0.1"}, "scheme must be"},
		{Config{URL: "mqtts://127.0.0.1", CAFile: "/nonexistent/ca.pem"}, "CA file"},
	}
	for _, tc := range tests {
		if _, err := New(tc.cfg, quiet()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

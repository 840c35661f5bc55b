package mqttsink

import (
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
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

func TestDiscoverRule(t *testing.T) {
	ha := func(p protocol.Protocol) protocol.HomeAssistant { return p.(protocol.HomeAssistant) }
	meter := newDevice(ha(gridstream.Protocol{}), meterMsg("0B1C2D3E", 1, 1, epoch, nil), "0B1C2D3E")
	other := newDevice(ha(gridstream.Protocol{}), meterMsg("11223344", 1, 1, epoch, nil), "11223344")
	nge := newDevice(ha(nge101.Protocol{}), ngePower(epoch, 100), "1-42")
	once := newDevice(ha(nge101.Protocol{}), ngePower(epoch, 100), "1-42")
	for _, d := range []*device{meter, other, nge, nge, once} {
		d.summary.Update(ngePower(epoch, 100), epoch)
	}
	all := map[string]protocol.HomeAssistant{gridstream.Name: ha(gridstream.Protocol{}), nge101.Name: ha(nge101.Protocol{})}
	tests := []struct {
		name               string
		s                  *Sink
		meter, other, nge1 bool
	}{
		{"default", &Sink{protocols: all}, false, false, true},
		{"--meter", &Sink{protocols: all, meters: map[string]bool{"gridstream/0B1C2D3E": true}}, true, false, true},
		{"--meter nge", &Sink{protocols: all, meters: map[string]bool{"nge101/2-7": true}, listed: map[string]bool{"nge101": true}}, false, false, false},
		{"--discover-all", &Sink{protocols: all, discoverAll: true}, true, true, true},
		{"--no-discovery", &Sink{protocols: all, noDiscovery: true, discoverAll: true}, false, false, false},
	}
	for _, tc := range tests {
		if g := [3]bool{tc.s.discover(meter), tc.s.discover(other), tc.s.discover(nge)}; g != [3]bool{tc.meter, tc.other, tc.nge1} {
			t.Errorf("%s: discover = %v, want %v", tc.name, g, [3]bool{tc.meter, tc.other, tc.nge1})
		}
	}
	// A device nobody named is announced once heard twice: one packet may
	// be noise that passed a 15-bit check.
	if (&Sink{protocols: all}).discover(once) {
		t.Error("an unlisted device heard once is announced")
	}
	if !(&Sink{protocols: all, discoverAll: true}).discover(once) {
		t.Error("--discover-all does not announce a device heard once")
	}
}

// --meter ids are read by each protocol, in any case and with leading
// zeros left out; a protocol with a listed device stops announcing the
// others.
func TestMeterIDs(t *testing.T) {
	s, err := New(Config{URL: "mqtt://127.0.0.1:1", Meters: []string{"b1c2d3e", " 1-42 "}, ConnectTimeout: time.Millisecond}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.meters["gridstream/0B1C2D3E"] || !s.meters["nge101/1-42"] || len(s.meters) != 2 || !s.listed["nge101"] {
		t.Errorf("meters %v, listed %v", s.meters, s.listed)
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

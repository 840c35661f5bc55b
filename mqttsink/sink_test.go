package mqttsink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/internal/mosquitto"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

var epoch = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// meterMsg is a decoded 0x55 broadcast of meter src (Oncor network).
func meterMsg(src string, counter int, uptime int64, at time.Time, rssi *float64) *frames.Message {
	m := &frames.Message{
		Protocol: gridstream.Name, CRCOK: true, Raw: "2A55",
		Fields: &gridstream.Fields{
			Version: 4, Type: "55", CI: "30", Length: 0x23,
			CRCInit: ptr("5FD6"), NetworkID: ptr(38100), Utility: ptr("Oncor"),
			Src: src, SrcWAN: "FE" + src + "00", DstWAN: "FFFFFFFFFFFF",
			Counter: ptr(counter), UptimeS: ptr(uptime),
		},
	}
	if rssi != nil {
		m.Radio = &frames.Radio{RSSIdB: rssi, SNRdB: ptr(21.5), Baud: 9600}
	}
	m.Stamp(at)
	return m
}

// ngePower is a 55-bit NGE101 packet (gap 4547 → 810.7 W at 1000 pulses/kWh).
func ngePower(at time.Time, gap int) *frames.Message {
	m := &frames.Message{Protocol: nge101.Name, CRCOK: true,
		Fields: &nge101.Fields{Bits: 55, ID: 42, Channel: 1, Gap: ptr(gap), PowerW: ptr(3686400.0 / float64(gap))}}
	m.Stamp(at)
	return m
}

// ngeEnergy is a 71-bit NGE101 packet.
func ngeEnergy(at time.Time, impulses uint64, battery bool) *frames.Message {
	m := &frames.Message{Protocol: nge101.Name, CRCOK: true,
		Fields: &nge101.Fields{Bits: 71, ID: 42, Channel: 1, Impulses: ptr(impulses),
			EnergyKWh: ptr(float64(impulses) / 1000), BatteryOK: ptr(battery)}}
	m.Stamp(at)
	return m
}

func quiet() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newSink(t *testing.T, cfg Config) *Sink {
	t.Helper()
	if cfg.MaxReconnectInterval == 0 {
		cfg.MaxReconnectInterval = time.Second
	}
	if cfg.ClientID == "" {
		cfg.ClientID = fmt.Sprintf("gs-%s-%d", t.Name(), time.Now().UnixNano())
	}
	if cfg.QoS == 0 {
		// Flush then means "the broker has it", which the tests check.
		cfg.QoS = 1
	}
	s, err := New(cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func flush(t *testing.T, s *Sink) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

func decode(t *testing.T, m mosquitto.Message) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(m.Payload, &v); err != nil {
		t.Fatalf("%s: bad JSON %q: %v", m.Topic, m.Payload, err)
	}
	return v
}

const (
	meterCfg = "homeassistant/sensor/gridstream_0b1c2d3e/"
	ngeCfg   = "homeassistant/sensor/nge101_1_42/"
)

// TestDiscoveryAndStates checks retained discovery configs, states and
// availability on a real broker, and that only --meter meters are announced.
func TestDiscoveryAndStates(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{})
	s := newSink(t, Config{URL: b.URL(), QoS: 1, Meters: []string{"b1c2d3e"}, Version: "test"})

	s.Send(meterMsg("0B1C2D3E", 7, 3600, epoch, ptr(-31.25)))
	s.Send(meterMsg("0B1C2D3E", 8, 3630, epoch.Add(30*time.Second), nil))
	s.Send(meterMsg("11223344", 1, 100, epoch, nil)) // a neighbour: state only
	s.Send(ngePower(epoch, 4547))
	s.Send(ngeEnergy(epoch.Add(time.Second), 123456, true))
	bad := meterMsg("DEADBEEF", 1, 1, epoch, nil)
	bad.CRCOK = false
	s.Send(bad) // failed CRC: never published
	flush(t, s)

	got := mosquitto.Retained(t, b.URL(), "", "", "#", 300*time.Millisecond)
	want := []string{
		"gridstream/status",
		"gridstream/gridstream/0B1C2D3E/state",
		"gridstream/gridstream/11223344/state",
		"gridstream/nge101/1-42/state",
		meterCfg + "uptime/config", meterCfg + "last_outage/config", meterCfg + "counter/config",
		meterCfg + "last_seen/config", meterCfg + "rssi/config",
		ngeCfg + "power/config", ngeCfg + "energy/config", ngeCfg + "last_seen/config",
		"homeassistant/binary_sensor/nge101_1_42/battery/config",
	}
	for _, topic := range want {
		if m, ok := got[topic]; !ok || !m.Retained {
			t.Errorf("missing retained %s", topic)
		}
	}
	if len(got) != len(want) {
		for topic := range got {
			t.Logf("retained: %s", topic)
		}
		t.Errorf("got %d retained topics, want %d (neighbour meter must have no discovery config)", len(got), len(want))
	}
	if p := string(got["gridstream/status"].Payload); p != "online" {
		t.Errorf("status = %q, want online", p)
	}

	meter := decode(t, got["gridstream/gridstream/0B1C2D3E/state"])
	for k, v := range map[string]any{
		"protocol": "gridstream", "id": "0B1C2D3E", "uptime_s": 3630.0, "counter": 8.0,
		"last_seen":   "2026-11-23T12:00:30Z",
		"last_outage": "2026-11-23T11:00:00Z", // reception time minus uptime
		"rssi_db":     -31.25, "network_id": 38100.0, "utility": "Oncor", "frames": 2.0,
	} {
		if meter[k] != v {
			t.Errorf("meter state %s = %v, want %v", k, meter[k], v)
		}
	}
	nge := decode(t, got["gridstream/nge101/1-42/state"])
	for k, v := range map[string]any{
		"protocol": "nge101", "id": "1-42", "channel": 1.0, "device_id": 42.0,
		"gap": 4547.0, "energy_kwh": 123.456, "impulses": 123456.0, "battery_ok": true, "packets": 2.0,
	} {
		if nge[k] != v {
			t.Errorf("nge101 state %s = %v, want %v", k, nge[k], v)
		}
	}
	if p, _ := nge["power_w"].(float64); p < 810 || p > 811 {
		t.Errorf("nge101 power_w = %v, want 810.7", nge["power_w"])
	}

	tests := []struct {
		topic string
		want  map[string]any
	}{
		{ngeCfg + "power/config", map[string]any{"device_class": "power", "state_class": "measurement",
			"unit_of_measurement": "W", "value_template": "{{ value_json.power_w }}"}},
		{ngeCfg + "energy/config", map[string]any{"device_class": "energy", "state_class": "total_increasing",
			"unit_of_measurement": "kWh", "value_template": "{{ value_json.energy_kwh }}"}},
		{"homeassistant/binary_sensor/nge101_1_42/battery/config", map[string]any{"device_class": "battery"}},
		{meterCfg + "uptime/config", map[string]any{"device_class": "duration", "unit_of_measurement": "s",
			"value_template": "{{ value_json.uptime_s }}"}},
		{meterCfg + "last_outage/config", map[string]any{"device_class": "timestamp", "value_template": "{{ value_json.last_outage }}"}},
		{meterCfg + "counter/config", map[string]any{"value_template": "{{ value_json.counter }}"}},
		{meterCfg + "last_seen/config", map[string]any{"device_class": "timestamp"}},
		{meterCfg + "rssi/config", map[string]any{"device_class": "signal_strength", "unit_of_measurement": "dB"}},
	}
	for _, tc := range tests {
		c := decode(t, got[tc.topic])
		for k, v := range tc.want {
			if c[k] != v {
				t.Errorf("%s: %s = %v, want %v", tc.topic, k, c[k], v)
			}
		}
		if c["availability_topic"] != "gridstream/status" || c["unique_id"] == nil || c["device"] == nil {
			t.Errorf("%s: missing availability/unique_id/device: %s", tc.topic, got[tc.topic].Payload)
		}
		want := "gridstream/nge101/1-42/state"
		if strings.Contains(tc.topic, "gridstream_") {
			want = "gridstream/gridstream/0B1C2D3E/state"
		}
		if c["state_topic"] != want {
			t.Errorf("%s: state_topic = %v, want %s", tc.topic, c["state_topic"], want)
		}
	}
	dev := decode(t, got[meterCfg+"uptime/config"])["device"].(map[string]any)
	if dev["manufacturer"] != "Landis+Gyr" || dev["name"] != "Meter 0B1C2D3E" {
		t.Errorf("meter device = %v", dev)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	got = mosquitto.Retained(t, b.URL(), "", "", "gridstream/status", 200*time.Millisecond)
	if p := string(got["gridstream/status"].Payload); p != "offline" {
		t.Errorf("status after Close = %q, want offline", p)
	}
	if err := s.Send(ngePower(epoch, 1000)); err != ErrClosed {
		t.Errorf("Send after Close = %v, want ErrClosed", err)
	}
}

// TestDiscoverAllAndOptions checks --discover-all, a custom prefix, QoS 0
// and a discovery-less run.
func TestDiscoverAllAndOptions(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{})
	tests := []struct {
		name       string
		cfg        Config
		wantConfig int
	}{
		// Two meters (uptime, last outage, counter, last seen) and an NGE101 that
		// sent only power (power, last seen: no energy or battery yet).
		{"discover-all", Config{DiscoverAll: true, Prefix: "/power/", ClientID: "gs-a"}, 2*4 + 2},
		{"nge101 listed", Config{Meters: []string{"2-7"}, Prefix: "p2", DiscoveryPrefix: "ha2"}, 0},
		{"no discovery", Config{NoDiscovery: true, DiscoverAll: true, Prefix: "p3", DiscoveryPrefix: "ha3"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.URL = b.URL()
			s := newSink(t, tc.cfg)
			s.Send(meterMsg("0B1C2D3E", 7, 3600, epoch, nil))
			s.Send(meterMsg("11223344", 1, 100, epoch, nil))
			s.Send(ngePower(epoch, 4547))
			flush(t, s)
			prefix := trimTopic(tc.cfg.Prefix, "")
			dp := trimTopic(tc.cfg.DiscoveryPrefix, DefaultDiscoveryPrefix)
			got := mosquitto.Retained(t, b.URL(), "", "", "#", 300*time.Millisecond)
			configs, states := 0, 0
			for topic := range got {
				switch {
				case strings.HasPrefix(topic, dp+"/"):
					configs++
				case strings.HasPrefix(topic, prefix+"/") && strings.HasSuffix(topic, "/state"):
					states++
				}
			}
			if configs != tc.wantConfig || states != 3 {
				t.Errorf("configs=%d states=%d, want %d and 3", configs, states, tc.wantConfig)
			}
		})
	}
}

// TestWrongPassword checks that a refused login is a clear error from New,
// and that the right password works.
func TestWrongPassword(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{Users: map[string]string{"ha": "s3cret"}})
	_, err := New(Config{URL: b.URL(), Username: "ha", Password: "wrong"}, quiet())
	if err == nil || !strings.Contains(err.Error(), `refused the login of user "ha"`) || !strings.Contains(err.Error(), "--mqtt-password") {
		t.Fatalf("wrong password: err = %v", err)
	}
	_, err = New(Config{URL: b.URL()}, quiet())
	if err == nil || !strings.Contains(err.Error(), "needs a user name and password") {
		t.Fatalf("no credentials: err = %v", err)
	}
	// Credentials in the URL work as well as the flags.
	u := strings.Replace(b.URL(), "mqtt://", "mqtt://ha:s3cret@", 1)
	s := newSink(t, Config{URL: u, QoS: 2})
	s.Send(ngePower(epoch, 2062))
	flush(t, s)
	got := mosquitto.Retained(t, b.URL(), "ha", "s3cret", "gridstream/#", 300*time.Millisecond)
	if _, ok := got["gridstream/nge101/1-42/state"]; !ok {
		t.Fatalf("state not published with URL credentials: %v", got)
	}
}

// TestBrokerRestart kills the broker, keeps decoding while it is away, and
// checks that after it comes back (empty: persistence off) the sink has
// reconnected, re-announced discovery and published the latest states.
func TestBrokerRestart(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{})
	s := newSink(t, Config{URL: b.URL(), QoS: 1, Meters: []string{"0B1C2D3E"}, MaxDevices: 100})
	s.Send(meterMsg("0B1C2D3E", 1, 1000, epoch, nil))
	s.Send(ngePower(epoch, 4547))
	s.Send(ngePower(epoch.Add(time.Second), 4547)) // announced once heard twice
	flush(t, s)

	b.Stop()
	// Decoding goes on: Send never blocks, and memory stays bounded by the
	// number of devices however many messages arrive.
	start := time.Now()
	var slowest time.Duration
	const n = 20000
	for i := range n {
		t0 := time.Now()
		s.Send(meterMsg("0B1C2D3E", i%256, 1000+int64(i), epoch.Add(time.Duration(i)*time.Second), nil))
		s.Send(meterMsg(fmt.Sprintf("%08X", 0x100+i%300), i%256, 5, epoch, nil)) // 300 neighbours, capped at 100 devices
		slowest = max(slowest, time.Since(t0))
	}
	s.Send(ngePower(epoch, 1077)) // evicted by the neighbours: announced again once heard twice
	s.Send(ngePower(epoch.Add(time.Second), 1077))
	if el := time.Since(start); el > 5*time.Second || slowest > 500*time.Millisecond {
		t.Errorf("Send blocked while the broker was away: %d sends took %v, slowest %v", 2*n, el, slowest)
	}
	s.mu.Lock()
	devices, queued := s.devices.Len(), len(s.queue)
	s.mu.Unlock()
	if devices != 100 || queued > 100 {
		t.Errorf("while away: %d devices, %d queued; want 100 and <= 100", devices, queued)
	}

	b.Restart()
	sub := mosquitto.Subscribe(t, b.URL(), "", "", "#")
	lastCounter := float64((n - 1) % 256)
	got := sub.WaitFor(t, 20*time.Second, "re-announced discovery and latest states", func(m map[string]Message) bool {
		st, ok := m["gridstream/gridstream/0B1C2D3E/state"]
		if !ok || m["gridstream/status"].Payload == nil || m[meterCfg+"uptime/config"].Payload == nil ||
			m[ngeCfg+"power/config"].Payload == nil || m["gridstream/nge101/1-42/state"].Payload == nil {
			return false
		}
		var v map[string]any
		return json.Unmarshal(st.Payload, &v) == nil && v["counter"] == lastCounter
	})
	if p := string(got["gridstream/status"].Payload); p != "online" {
		t.Errorf("status = %q after reconnect", p)
	}
	var nge map[string]any
	json.Unmarshal(got["gridstream/nge101/1-42/state"].Payload, &nge)
	if nge["gap"] != 1077.0 {
		t.Errorf("nge101 state after reconnect: gap = %v, want the latest (1077)", nge["gap"])
	}
	// And they are retained for Home Assistant restarting later.
	flush(t, s)
	ret := mosquitto.Retained(t, b.URL(), "", "", "#", 300*time.Millisecond)
	for _, topic := range []string{"gridstream/status", "gridstream/gridstream/0B1C2D3E/state", meterCfg + "uptime/config", ngeCfg + "power/config"} {
		if !ret[topic].Retained {
			t.Errorf("%s not retained after reconnect", topic)
		}
	}
}

// Message aliases the recorder's type for the WaitFor callbacks.
type Message = mosquitto.Message

// TestLastWill cuts the sink's connection abruptly: the broker publishes the
// retained "offline" last will, and the sink reconnects and says "online".
func TestLastWill(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{})
	var mu sync.Mutex
	var conns []*cutConn
	testOpenConn = func(u *url.URL, _ mqtt.ClientOptions) (net.Conn, error) {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			return nil, err
		}
		cc := &cutConn{Conn: c}
		mu.Lock()
		conns = append(conns, cc)
		mu.Unlock()
		return cc, nil
	}
	defer func() { testOpenConn = nil }()
	s := newSink(t, Config{URL: b.URL(), QoS: 1})
	s.Send(ngePower(epoch, 4547))
	flush(t, s)

	sub := mosquitto.Subscribe(t, b.URL(), "", "", "gridstream/status")
	sub.WaitFor(t, 5*time.Second, "online", func(m map[string]Message) bool { return string(m["gridstream/status"].Payload) == "online" })
	mu.Lock()
	conns[len(conns)-1].cut()
	mu.Unlock()
	sub.WaitFor(t, 5*time.Second, "last will", func(m map[string]Message) bool { return string(m["gridstream/status"].Payload) == "offline" })
	sub.WaitFor(t, 10*time.Second, "online again", func(m map[string]Message) bool { return string(m["gridstream/status"].Payload) == "online" })
}

// TestBrokerDownAtStart starts with no broker: New succeeds, decoding goes on,
// and everything is published once the broker appears.
func TestBrokerDownAtStart(t *testing.T) {
	port := mosquitto.FreePort(t)
	s := newSink(t, Config{URL: fmt.Sprintf("127.0.0.1:%d", port), ConnectTimeout: time.Second})
	s.Send(ngeEnergy(epoch, 5000, false))
	s.Send(ngeEnergy(epoch.Add(time.Second), 5000, false)) // announced once heard twice
	if err := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		return s.Flush(ctx)
	}(); err == nil {
		t.Fatal("Flush with no broker succeeded")
	}
	b := mosquitto.Start(t, mosquitto.Options{Port: port})
	sub := mosquitto.Subscribe(t, b.URL(), "", "", "#")
	got := sub.WaitFor(t, 15*time.Second, "state after late broker start", func(m map[string]Message) bool {
		return m["gridstream/nge101/1-42/state"].Payload != nil && m["homeassistant/binary_sensor/nge101_1_42/battery/config"].Payload != nil
	})
	var v map[string]any
	json.Unmarshal(got["gridstream/nge101/1-42/state"].Payload, &v)
	if v["battery_ok"] != false || v["energy_kwh"] != 5.0 {
		t.Errorf("state = %s", got["gridstream/nge101/1-42/state"].Payload)
	}
}

// cutConn is a connection the test can cut as a network failure would: the
// broker sees the socket close, the client sees a reset.
type cutConn struct {
	net.Conn
	gone atomic.Bool
}

func (c *cutConn) cut() { c.gone.Store(true); c.Conn.Close() }

func (c *cutConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if c.gone.Load() {
		return 0, errConnReset
	}
	return n, err
}

func (c *cutConn) Write(p []byte) (int, error) {
	if c.gone.Load() {
		return 0, errConnReset
	}
	return c.Conn.Write(p)
}

var errConnReset = errors.New("connection reset by test")

// TestHungBroker connects to a "broker" that accepts TCP connections but
// never answers: New must not hold decoding up, and Send and Close must not
// block.
func TestHungBroker(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	old := firstConnectWait
	firstConnectWait = 200 * time.Millisecond
	defer func() { firstConnectWait = old }()

	start := time.Now()
	s, err := New(Config{URL: "mqtt://" + l.Addr().String(), ConnectTimeout: 5 * time.Second, ClientID: "hung"}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("New waited %v for a broker that never answers", d)
	}
	start = time.Now()
	for i := range 1000 {
		s.Send(meterMsg("0B1C2D3E", i%256, int64(i), epoch, nil))
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("1000 sends took %v", d)
	}
	start = time.Now()
	if err := s.Close(); err == nil || !strings.Contains(err.Error(), "not published") {
		t.Errorf("Close = %v, want an error about unpublished states", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
}

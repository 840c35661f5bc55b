package mqttsink_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/mosquitto"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/samples"
)

// bin is the gridstream binary built for the end-to-end tests.
var bin string

func TestMain(m *testing.M) {
	var err error
	if bin, err = testbin.Build(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// gridstream runs the binary to completion.
func gridstream(t *testing.T, stdin io.Reader, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var o, e bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &o, &e
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func jsonOf(t *testing.T, m mosquitto.Message) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(m.Payload, &v); err != nil {
		t.Fatalf("%s: %q: %v", m.Topic, m.Payload, err)
	}
	return v
}

// TestReplayToMQTT runs `gridstream replay --mqtt` on the built-in sample
// (GridStream meters of several utilities and an NGE101) and checks what a
// Home Assistant connecting afterwards finds on the broker.
func TestReplayToMQTT(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{Users: map[string]string{"gridstream": "pw"}})
	_, stderr, code := gridstream(t, nil, "replay", "--state", "", "-q",
		"--mqtt", b.URL(), "--mqtt-user", "gridstream", "--mqtt-password", "pw", "--meter", "f0ee36db",
		"--mqtt-expire-after", "nge101=10m")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	got := mosquitto.Retained(t, b.URL(), "gridstream", "pw", "#", 400*time.Millisecond)

	if p := string(got["gridstream/status"].Payload); p != "offline" {
		t.Errorf("status after a clean exit = %q, want offline", p)
	}
	var states, configs []string
	for topic, m := range got {
		if !m.Retained {
			t.Errorf("%s not retained", topic)
		}
		switch {
		case strings.HasSuffix(topic, "/state"):
			states = append(states, topic)
		case strings.HasPrefix(topic, "homeassistant/"):
			configs = append(configs, topic)
		}
	}
	// Discovery: the --meter meter and the NGE101, nobody else.
	wantConfigs := []string{
		"homeassistant/sensor/gridstream_f0ee36db/uptime/config",
		"homeassistant/sensor/gridstream_f0ee36db/last_outage/config",
		"homeassistant/sensor/gridstream_f0ee36db/counter/config",
		"homeassistant/sensor/gridstream_f0ee36db/last_seen/config",
		"homeassistant/sensor/nge101_1_147/power/config",
		"homeassistant/sensor/nge101_1_147/energy/config",
		"homeassistant/sensor/nge101_1_147/last_seen/config",
		"homeassistant/binary_sensor/nge101_1_147/battery/config",
	}
	for _, topic := range wantConfigs {
		if _, ok := got[topic]; !ok {
			t.Errorf("missing discovery config %s", topic)
		}
	}
	if len(configs) != len(wantConfigs) {
		t.Errorf("%d discovery configs, want %d: %v", len(configs), len(wantConfigs), configs)
	}
	if len(states) < 10 {
		t.Errorf("only %d device states: %v", len(states), states)
	}
	meter := jsonOf(t, got["gridstream/gridstream/F0EE36DB/state"])
	if meter["uptime_s"] != 126413.0 || meter["counter"] != 106.0 || meter["network_id"] != 38100.0 || meter["last_outage"] == nil {
		t.Errorf("meter state = %s", got["gridstream/gridstream/F0EE36DB/state"].Payload)
	}
	nge := jsonOf(t, got["gridstream/nge101/1-147/state"])
	if nge["power_w"] == nil || nge["energy_kwh"] != 123.789 {
		t.Errorf("nge101 state = %s", got["gridstream/nge101/1-147/state"].Payload)
	}
	// expire_after: the flag's for NGE101, GridStream's own; never on Last seen.
	for topic, want := range map[string]any{
		"homeassistant/sensor/nge101_1_147/energy/config":             600.0,
		"homeassistant/binary_sensor/nge101_1_147/battery/config":     600.0,
		"homeassistant/sensor/gridstream_f0ee36db/uptime/config":      900.0,
		"homeassistant/sensor/gridstream_f0ee36db/last_seen/config":   nil,
		"homeassistant/sensor/nge101_1_147/last_seen/config":          nil,
		"homeassistant/sensor/gridstream_f0ee36db/last_outage/config": 900.0,
	} {
		if e := jsonOf(t, got[topic])["expire_after"]; e != want {
			t.Errorf("%s: expire_after %v, want %v", topic, e, want)
		}
	}
	energy := jsonOf(t, got["homeassistant/sensor/nge101_1_147/energy/config"])
	if energy["device_class"] != "energy" || energy["state_class"] != "total_increasing" || energy["unit_of_measurement"] != "kWh" ||
		energy["state_topic"] != "gridstream/nge101/1-147/state" {
		t.Errorf("energy config = %s", got["homeassistant/sensor/nge101_1_147/energy/config"].Payload)
	}
}

// TestReplayWrongPassword checks the command-line error for a refused login.
func TestReplayWrongPassword(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{Users: map[string]string{"gridstream": "pw"}})
	_, stderr, code := gridstream(t, nil, "replay", "--state", "", "-q",
		"--mqtt", b.URL(), "--mqtt-user", "gridstream", "--mqtt-password", "nope")
	if code == 0 || !strings.Contains(stderr, `refused the login of user "gridstream"`) {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	_, stderr, code = gridstream(t, nil, "replay", "--state", "", "-q", "--meter", "F0EE36DB")
	if code == 0 || !strings.Contains(stderr, "--meter needs --mqtt") {
		t.Fatalf("--meter without --mqtt: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestReplayRTL433 checks --format rtl433 on the built-in sample.
func TestReplayRTL433(t *testing.T) {
	out, stderr, code := gridstream(t, nil, "replay", "--state", "", "--format", "rtl433")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	models := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		models[v["model"].(string)]++
		if _, ok := v["protocol"]; ok {
			t.Errorf("gridstream field in rtl433 output: %s", line)
		}
		if v["model"] == "Norgo-NGE101" && v["gap"] == nil && v["impulses"] == nil {
			t.Errorf("NGE101 line without gap or impulses: %s", line)
		}
	}
	if models["LandisGyr-GS"] < 20 || models["Norgo-NGE101"] < 5 {
		t.Errorf("models = %v", models)
	}
}

// TestLiveBrokerRestartAndLastWill feeds a running `gridstream replay -`
// through its stdin, restarts the broker under it, keeps decoding while the
// broker is away, and finally kills gridstream: the broker then publishes the
// retained "offline" last will.
func TestLiveBrokerRestartAndLastWill(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{})
	cmd := exec.Command(bin, "replay", "--state", "", "-q", "--input-format", "unpacked",
		"--mqtt", b.URL(), "--meter", "F0EE36DB", "-")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("gridstream stderr:\n%s", stderr.String())
		}
	}()
	count := func(m map[string]mosquitto.Message, topic, field string) float64 {
		st, ok := m[topic]
		if !ok {
			return 0
		}
		var v map[string]any
		json.Unmarshal(st.Payload, &v)
		f, _ := v[field].(float64)
		return f
	}
	frames := func(m map[string]mosquitto.Message) float64 {
		return count(m, "gridstream/gridstream/F0EE36DB/state", "frames")
	}
	packets := func(m map[string]mosquitto.Message) float64 {
		return count(m, "gridstream/nge101/1-147/state", "packets")
	}

	sub := mosquitto.Subscribe(t, b.URL(), "", "", "#")
	stdin.Write(samples.Bits)
	sub.WaitFor(t, 10*time.Second, "first pass of the sample", func(m map[string]mosquitto.Message) bool {
		return frames(m) >= 10 && string(m["gridstream/status"].Payload) == "online"
	})

	b.Stop()
	// Decoding goes on while the broker is away.
	stdin.Write(samples.Bits)
	stdin.Write(samples.Bits)
	time.Sleep(300 * time.Millisecond)
	b.Restart()

	sub2 := mosquitto.Subscribe(t, b.URL(), "", "", "#")
	// Three passes of the sample: 10 frames of the meter and 7 NGE101
	// packets each, two of them decoded while the broker was away.
	sub2.WaitFor(t, 20*time.Second, "re-announce and latest states after the broker restart", func(m map[string]mosquitto.Message) bool {
		return frames(m) >= 30 && packets(m) >= 21 && string(m["gridstream/status"].Payload) == "online" &&
			m["homeassistant/sensor/gridstream_f0ee36db/uptime/config"].Payload != nil &&
			m["homeassistant/sensor/nge101_1_147/energy/config"].Payload != nil
	})

	// A crash: no clean disconnect, so the broker publishes the last will.
	cmd.Process.Kill()
	cmd.Wait()
	sub2.WaitFor(t, 10*time.Second, "last will", func(m map[string]mosquitto.Message) bool {
		return string(m["gridstream/status"].Payload) == "offline"
	})
	ret := mosquitto.Retained(t, b.URL(), "", "", "gridstream/status", 200*time.Millisecond)
	if !ret["gridstream/status"].Retained || string(ret["gridstream/status"].Payload) != "offline" {
		t.Errorf("retained status after a crash = %+v", ret["gridstream/status"])
	}
}

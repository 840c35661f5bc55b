package deploy_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/mosquitto"
	"github.com/gridstream-sdr/gridstream/internal/rtltcptest"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
)

// installedBinary is where the README installs gridstream and the unit runs it.
const installedBinary = "/usr/local/bin/gridstream"

func systemdDir() string { return filepath.Join(testbin.Root(), "deploy", "systemd") }

// systemdAnalyze returns the systemd-analyze command, failing the test when
// it is not installed.
func systemdAnalyze(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatalf("systemd-analyze not installed (Debian's systemd; run scripts/install-deps.sh): %v", err)
	}
	return p
}

// verify runs systemd-analyze verify on unit files and returns what it
// printed. It needs no running systemd; it checks every directive and that
// each ExecStart= executable exists. Unknown or misspelled directives are
// only warnings (exit status 0), so anything printed counts.
func verify(t *testing.T, units ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(systemdAnalyze(t), append([]string{"verify"}, units...)...)
	cmd.Env = append(os.Environ(), "SYSTEMD_LOG_COLOR=0", "SYSTEMD_PAGER=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The units pass systemd-analyze verify without a word. gridstream.service's
// ExecStart is pointed at the amd64 release binary (systemd-analyze needs the
// executable to exist; the README installs it at /usr/local/bin/gridstream);
// rtl_tcp (Debian's rtl-sdr) and python3 are where the units expect them.
func TestSystemdUnitsVerify(t *testing.T) {
	r := built(t)
	units, _ := filepath.Glob(filepath.Join(systemdDir(), "*.service"))
	if len(units) != 4 {
		t.Fatalf("want gridstream, gridstream-flowgraph, gridstream-wideband and rtl_tcp units in deploy/systemd, found %v", units)
	}
	dir := t.TempDir()
	var paths []string
	for _, u := range units {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if filepath.Base(u) == "gridstream.service" {
			if strings.Count(text, "ExecStart="+installedBinary+" ") != 1 {
				t.Fatalf("gridstream.service does not run %s", installedBinary)
			}
			text = strings.Replace(text, "ExecStart="+installedBinary+" ", "ExecStart="+r.path(targets[0])+" ", 1)
		}
		p := filepath.Join(dir, filepath.Base(u))
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out, err := verify(t, paths...)
	if err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("systemd-analyze verify %v: %v\n%s", units, err, out)
	}

	// The check is not blind: a misspelled directive and a missing binary
	// are reported.
	b, _ := os.ReadFile(paths[0])
	bad := filepath.Join(dir, "misspelled.service")
	os.WriteFile(bad, bytes.Replace(b, []byte("ProtectSystem=strict"), []byte("ProtectSystm=strict"), 1), 0o644)
	if out, _ := verify(t, bad); !strings.Contains(out, "ProtectSystm") {
		t.Errorf("systemd-analyze verify did not report a misspelled directive:\n%s", out)
	}
	missing := filepath.Join(dir, "missing.service")
	os.WriteFile(missing, []byte("[Service]\nExecStart=/nonexistent/gridstream replay\n"), 0o644)
	if out, err := verify(t, missing); err == nil || !strings.Contains(out, "/nonexistent/gridstream") {
		t.Errorf("systemd-analyze verify accepted a missing executable: %v\n%s", err, out)
	}
}

// The sysusers.d file creates the gridstream system user the unit runs as
// (in a scratch root: the machine's own users are left alone).
func TestSysusers(t *testing.T) {
	sysusers, err := exec.LookPath("systemd-sysusers")
	if err != nil {
		t.Fatalf("systemd-sysusers not installed (Debian's systemd; run scripts/install-deps.sh): %v", err)
	}
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	out, err := exec.Command(sysusers, "--root="+root, filepath.Join(systemdDir(), "gridstream.sysusers")).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-sysusers: %v\n%s", err, out)
	}
	passwd, _ := os.ReadFile(filepath.Join(root, "etc", "passwd"))
	var entry []string
	for _, line := range strings.Split(string(passwd), "\n") {
		if f := strings.Split(line, ":"); f[0] == "gridstream" {
			entry = f
		}
	}
	if len(entry) != 7 || entry[5] != "/var/lib/gridstream" || !strings.HasSuffix(entry[6], "nologin") {
		t.Errorf("passwd entry %q, want gridstream with home /var/lib/gridstream and no login shell\n%s", entry, passwd)
	}
	unit, _ := os.ReadFile(filepath.Join(systemdDir(), "gridstream.service"))
	if !strings.Contains(string(unit), "\nUser=gridstream\n") || !strings.Contains(string(unit), "\nStateDirectory=gridstream\n") {
		t.Error("gridstream.service does not run as the gridstream user with its state directory")
	}
}

// environment reads a systemd EnvironmentFile (KEY=value lines, # comments):
// the assignments, and the GRIDSTREAM_ARGS alternatives left commented out.
func environment(t *testing.T, path string) (vars map[string]string, alternatives []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vars = map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "#GRIDSTREAM_ARGS="); ok {
			alternatives = append(alternatives, v)
		}
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: %q is not KEY=value", path, line)
		}
		if _, dup := vars[k]; dup {
			t.Fatalf("%s sets %s twice", path, k)
		}
		vars[k] = v
	}
	return vars, alternatives
}

// unitEnvironment returns the Environment= assignments of a unit.
func unitEnvironment(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		v, ok := strings.CutPrefix(line, "Environment=")
		if !ok {
			continue
		}
		k, v, _ := strings.Cut(strings.Trim(v, `"`), "=")
		vars[k] = v
	}
	return vars
}

// The service's command lines, as systemd runs them (the unit's environment,
// then the environment file, $GRIDSTREAM_ARGS split at spaces): demod from
// an rtl_tcp server decodes what it sends and publishes it to the broker
// GRIDSTREAM_MQTT names; decode waits for its flowgraph; and both stop with
// exit status 0 on SIGTERM, well within TimeoutStopSec.
func TestServiceCommandLines(t *testing.T) {
	r := built(t)
	unitEnv := unitEnvironment(t, filepath.Join(systemdDir(), "gridstream.service"))
	fileEnv, alternatives := environment(t, filepath.Join(systemdDir(), "gridstream.env"))
	if unitEnv["GRIDSTREAM_ARGS"] == "" || unitEnv["GRIDSTREAM_ARGS"] != fileEnv["GRIDSTREAM_ARGS"] {
		t.Errorf("the unit's default GRIDSTREAM_ARGS %q differs from gridstream.env's %q", unitEnv["GRIDSTREAM_ARGS"], fileEnv["GRIDSTREAM_ARGS"])
	}
	if unitEnv["XDG_STATE_HOME"] != "/var/lib" {
		t.Errorf("XDG_STATE_HOME=%q: learned networks would not go to the StateDirectory /var/lib/gridstream", unitEnv["XDG_STATE_HOME"])
	}
	for _, k := range []string{"GRIDSTREAM_MQTT", "GRIDSTREAM_MQTT_USER", "GRIDSTREAM_MQTT_PASSWORD"} {
		if !strings.Contains(mustRead(t, filepath.Join(systemdDir(), "gridstream.env")), k+"=") {
			t.Errorf("gridstream.env does not show %s", k)
		}
	}

	// An rtl_tcp server streaming a 2.4 MS/s recording at 915 MHz.
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.cu8")
	if _, stderr, code := r.run(t, targets[0], "synth", "--rate", "2.4M", "--center-freq", "915M", "--count", "3",
		"--hop", "--seed", "7", "--truth", rec+".truth", rec); code != 0 {
		t.Fatalf("synth: exit %d\n%s", code, stderr)
	}
	samples, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	truth := strings.Count(mustRead(t, rec+".truth"), "\n")
	server, err := rtltcptest.Start(rtltcptest.Config{Data: samples, Hold: true})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	broker := mosquitto.Start(t, mosquitto.Options{Users: map[string]string{"gridstream": "s3cret"}})

	// The example config file of the --config lines, as installed, with the
	// test's flowgraph endpoint and the JSON lines on stdout the test reads.
	config := filepath.Join(dir, "gridstream.yaml")
	example := mustRead(t, filepath.Join(systemdDir(), "..", "gridstream.yaml"))
	example = strings.ReplaceAll(example, "tcp://127.0.0.1:5555", "tcp://"+freeAddr(t))
	example = strings.Replace(example, "quiet: true", "quiet: false", 1)
	if err := os.WriteFile(config, []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, args := range append([]string{fileEnv["GRIDSTREAM_ARGS"]}, alternatives...) {
		t.Run(strings.Fields(args)[0], func(t *testing.T) {
			argv := strings.Fields(args)
			demod := argv[0] == "demod"
			for j, a := range argv {
				switch a {
				case "rtl_tcp://127.0.0.1:1234":
					argv[j] = server.URL()
				case "tcp://127.0.0.1:5555":
					argv[j] = "tcp://" + freeAddr(t)
				case "/etc/gridstream/gridstream.yaml":
					argv[j] = config
				}
			}
			if strings.Join(argv, " ") == args {
				t.Fatalf("no endpoint of the unit's setups in %q", args)
			}
			env := append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "GOMEMLIMIT="+unitEnv["GOMEMLIMIT"],
				"GRIDSTREAM_MQTT="+broker.URL(), "GRIDSTREAM_MQTT_USER=gridstream", "GRIDSTREAM_MQTT_PASSWORD=s3cret")
			cmd := exec.Command(r.path(targets[0]), argv...)
			cmd.Env = env
			stdout, stderr := &lines{}, &lines{}
			cmd.Stdout, cmd.Stderr = stdout, stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			deadline := time.Now().Add(30 * time.Second)
			for {
				if demod && stdout.count() >= truth || !demod && strings.Contains(stderr.String(), "waiting for the flowgraph") {
					break
				}
				select {
				case err := <-done:
					t.Fatalf("%s exited early: %v\n%s", args, err, stderr)
				case <-time.After(20 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("%s: nothing after 30 s; stdout:\n%s\nstderr:\n%s", args, stdout, stderr)
				}
			}
			stopped := time.Now()
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("%s: after SIGTERM: %v (systemd would count a failure)\n%s", args, err, stderr)
				}
				t.Logf("%s: stopped %v after SIGTERM", args, time.Since(stopped).Round(time.Millisecond))
			case <-time.After(15 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("%s: still running 15 s after SIGTERM (TimeoutStopSec)", args)
			}
			if strings.Contains(stderr.String(), "level=ERROR") {
				t.Errorf("%s logged errors:\n%s", args, stderr)
			}
			if !demod {
				return
			}
			for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
				var m struct {
					CRCOK  bool    `json:"crc_ok"`
					FreqHz float64 `json:"freq_hz"`
					Src    string  `json:"src"`
				}
				if err := json.Unmarshal([]byte(line), &m); err != nil || !m.CRCOK || m.FreqHz < 914e6 || m.FreqHz > 916e6 || m.Src == "" {
					t.Errorf("decoded %s (%v)", line, err)
					continue
				}
				topic := "gridstream/gridstream/" + m.Src + "/state"
				if got := mosquitto.Retained(t, broker.URL(), "gridstream", "s3cret", topic, 200*time.Millisecond); len(got) != 1 {
					t.Errorf("no retained state on %s: GRIDSTREAM_MQTT* did not reach gridstream", topic)
				}
			}
		})
	}
}

// Home Assistant's discovery configs carry the release's version as the
// software version of their origin (gridstream), from a real broker.
func TestHomeAssistantSoftwareVersion(t *testing.T) {
	r := built(t)
	b := mosquitto.Start(t, mosquitto.Options{})
	cmd := exec.Command(r.path(targets[0]), "replay", "--state", "", "-q", "--mqtt", b.URL(), "--meter", "f0ee36db")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("replay --mqtt: %v\n%s", err, out)
	}
	configs := 0
	for topic, m := range mosquitto.Retained(t, b.URL(), "", "", "homeassistant/#", 400*time.Millisecond) {
		var c struct {
			Origin struct {
				Name      string `json:"name"`
				SWVersion string `json:"sw_version"`
			} `json:"origin"`
		}
		if err := json.Unmarshal(m.Payload, &c); err != nil {
			t.Fatalf("%s: %v", topic, err)
		}
		if c.Origin.Name != "gridstream" || c.Origin.SWVersion != r.version {
			t.Errorf("%s: origin %+v, want gridstream %s", topic, c.Origin, r.version)
		}
		configs++
	}
	if configs < 8 {
		t.Errorf("%d discovery configs on the broker, want the meter's and the NGE101's (8)", configs)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// lines is a goroutine-safe output buffer that counts lines.
type lines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *lines) count() int {
	n := 0
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	for sc.Scan() {
		n++
	}
	return n
}

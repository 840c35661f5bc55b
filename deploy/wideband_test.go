package deploy_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/mosquitto"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
)

// execArgv expands a unit's ExecStart= command line as systemd does:
// words split at spaces, double quotes group, a word that is exactly
// $NAME becomes the value's space-separated words, ${NAME} inside a word is
// replaced by the value as it is.
func execArgv(t *testing.T, line string, env map[string]string) []string {
	t.Helper()
	var argv []string
	var word strings.Builder
	quoted, inWord, sawQuote := false, false, false
	flush := func() {
		if !inWord {
			return
		}
		w := word.String()
		if name, ok := strings.CutPrefix(w, "$"); ok && !sawQuote && !strings.HasPrefix(name, "{") {
			argv = append(argv, strings.Fields(env[name])...)
		} else {
			argv = append(argv, os.Expand(w, func(k string) string { return env[k] }))
		}
		word.Reset()
		inWord, sawQuote = false, false
	}
	for _, r := range line {
		switch {
		case r == '"':
			quoted, inWord, sawQuote = !quoted, true, true
		case (r == ' ' || r == '\t') && !quoted:
			flush()
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("ExecStart=%s: unbalanced quotes", line)
	}
	flush()
	return argv
}

// unitLine returns the value of the one line of a unit that starts with key.
func unitLine(t *testing.T, path, key string) string {
	t.Helper()
	var vals []string
	for _, line := range strings.Split(mustRead(t, path), "\n") {
		if v, ok := strings.CutPrefix(line, key+"="); ok {
			vals = append(vals, v)
		}
	}
	if len(vals) != 1 {
		t.Fatalf("%s: %d %s= lines, want 1", path, len(vals), key)
	}
	return vals[0]
}

// TestWidebandService runs gridstream-wideband.service's command line as
// systemd would, on this machine's GNU Radio: the unit's environment, then
// wideband.env's (with a recording as the device and a real mosquitto with
// a password as the broker), nothing inherited, the unit's system paths
// mapped to scratch directories. The blocks are installed as the unit's
// comment says, in the system-like directory; the flowgraph is compiled, as
// root often does, against blocks in a home directory that is then
// removed (ProtectHome= hides it from the service), so the generated Python
// finds the blocks' module only through the unit's environment. Every
// frame of a short hopping recording must come out as a JSON line, the
// stdout must hold nothing else, the broker must get each meter's state,
// and the flowgraph must end by itself with exit status 0.
func TestWidebandService(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if err := exec.Command("/usr/bin/python3", "-c", "from gnuradio import gr, filter, fft, zeromq; import osmosdr, pmt").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but GNU Radio is unusable (run scripts/install-deps.sh): %v", err)
		}
		t.Skipf("GNU Radio (gnuradio, gr-osmosdr) not importable with /usr/bin/python3: %v", err)
	}
	built, err := testbin.Build()
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(systemdDir(), "gridstream-wideband.service")
	if envFile := unitLine(t, unit, "EnvironmentFile"); envFile != "-/etc/gridstream/wideband.env" {
		t.Fatalf("EnvironmentFile=%s, want the -/etc/gridstream/wideband.env the README installs", envFile)
	}
	for _, want := range []string{"DynamicUser=yes", "ProtectHome=yes", "ProtectSystem=strict", "StateDirectory=gridstream-wideband"} {
		if !strings.Contains(mustRead(t, unit), "\n"+want+"\n") {
			t.Errorf("the unit lacks %s", want)
		}
	}
	env := unitEnvironment(t, unit)
	fileEnv, _ := environment(t, filepath.Join(systemdDir(), "wideband.env"))
	for _, k := range []string{"GRIDSTREAM_WIDEBAND_ARGS", "GRIDSTREAM_EXTRA_ARGS", "GRIDSTREAM_MQTT"} {
		if _, ok := fileEnv[k]; !ok {
			t.Errorf("wideband.env does not set %s", k)
		}
		if env[k] != fileEnv[k] && k != "GRIDSTREAM_MQTT" {
			t.Errorf("the unit's default %s=%q differs from wideband.env's %q", k, env[k], fileEnv[k])
		}
	}
	for _, k := range []string{"GRIDSTREAM_MQTT_USER", "GRIDSTREAM_MQTT_PASSWORD"} {
		if !strings.Contains(mustRead(t, filepath.Join(systemdDir(), "wideband.env")), k+"=") {
			t.Errorf("wideband.env does not show %s", k)
		}
	}

	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755) // t.TempDir makes both 0700
	os.Chmod(dir, 0o755)
	lib, state, roothome := filepath.Join(dir, "lib"), filepath.Join(dir, "state"), filepath.Join(dir, "root")
	bin := filepath.Join(dir, "bin", "gridstream")
	os.MkdirAll(filepath.Dir(bin), 0o755)
	if b, err := os.ReadFile(built); err != nil || os.WriteFile(bin, b, 0o755) != nil {
		t.Fatalf("copying gridstream: %v", err)
	}
	mapPaths := strings.NewReplacer("/usr/local/lib/gridstream", lib, "/var/lib/gridstream-wideband", state,
		"/usr/local/bin", filepath.Dir(bin)).Replace
	os.MkdirAll(state, 0o700) // StateDirectory=, the service user's
	// As root, the service runs as nobody (a DynamicUser= is an unprivileged
	// user too): then only what the unit makes writable is.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		if err := os.Chown(state, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	run := func(env []string, name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	// As the unit's comment installs them.
	run(nil, bin, "grc", "install", "--dir", mapPaths("/usr/local/lib/gridstream/grc"))
	// Compiled by root against its own blocks.
	run(nil, bin, "grc", "install", "--dir", filepath.Join(roothome, ".grc_gnuradio"))
	run([]string{"HOME=" + roothome, "GRC_BLOCKS_PATH="}, "grcc", "-o", lib, filepath.Join(testbin.Root(), "flowgraphs", "gridstream_wideband.grc"))
	py := mustRead(t, filepath.Join(lib, "gridstream_wideband.py"))
	if !strings.Contains(py, roothome) {
		t.Fatalf("the compiled flowgraph does not look for the blocks in %s", roothome)
	}
	if err := os.RemoveAll(roothome); err != nil {
		t.Fatal(err)
	}

	os.Chmod(lib, 0o755)
	rec := filepath.Join(dir, "rec.cf32")
	run(nil, bin, "synth", "--truth", rec+".truth", "--count", "20", "--hop", "--snr", "10", "--rate", "2.4e6",
		"--max-offset", "960e3", "--random-polarity", "--seed", "11", rec)
	sent := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(mustRead(t, rec+".truth")), "\n") {
		var x struct{ Raw string }
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatal(err)
		}
		sent[x.Raw] = true
	}

	broker := mosquitto.Start(t, mosquitto.Options{Users: map[string]string{"gridstream": "s3cret"}})
	for k, v := range fileEnv {
		env[k] = v
	}
	env["GRIDSTREAM_WIDEBAND_ARGS"] += " --args file=" + rec + ",rate=2.4e6,repeat=false,throttle=false"
	env["GRIDSTREAM_MQTT"], env["GRIDSTREAM_MQTT_USER"], env["GRIDSTREAM_MQTT_PASSWORD"] = broker.URL(), "gridstream", "s3cret"
	if _, ok := env["HOME"]; !ok {
		env["HOME"] = "/" // a DynamicUser='s home
	}
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+mapPaths(v))
	}
	// GNU Radio's log (Debian's configuration: debug level, on stdout) stays
	// off the service's stdout, whatever a block logs.
	logs := exec.Command("/usr/bin/python3", "-c", "from gnuradio import blocks; blocks.copy(4).set_min_output_buffer(100)")
	logs.Env, logs.Dir = append(environ, "GR_CONF_LOG_LOG_LEVEL=debug"), "/"
	if out, err := logs.Output(); err != nil || len(out) != 0 {
		t.Errorf("GNU Radio's log with the unit's environment: %v; on stdout: %q", err, out)
	}

	argv := execArgv(t, unitLine(t, unit, "ExecStart"), env)
	for i := range argv {
		argv[i] = mapPaths(argv[i])
	}
	t.Logf("ExecStart: %q", argv)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = environ, "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	stdout, stderr := &lines{}, &lines{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the service's flowgraph: %v\n%s", err, stderr)
		}
	case <-time.After(120 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the service's flowgraph did not end at the end of the recording\n%s", stderr)
	}
	if s := stderr.String(); strings.Contains(s, "Traceback") || strings.Contains(s, "level=ERROR") {
		t.Errorf("stderr:\n%s", s)
	}

	got := map[string]bool{}
	srcs := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var m struct {
			Raw   string `json:"raw"`
			CRCOK bool   `json:"crc_ok"`
			Src   string `json:"src"`
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("stdout line %q is not a JSON line: %v", l, err)
			continue
		}
		if !sent[m.Raw] || !m.CRCOK {
			t.Errorf("a frame that was not sent: %s", l)
		}
		got[m.Raw] = true
		if m.Src != "" {
			srcs[m.Src] = true
		}
	}
	t.Logf("%d of %d frames decoded, %d meters", len(got), len(sent), len(srcs))
	if len(got) < len(sent)*95/100 || len(srcs) == 0 {
		t.Fatalf("%d of %d frames decoded, want ≥ 95 %%\nstderr:\n%s", len(got), len(sent), stderr)
	}
	retained := mosquitto.Retained(t, broker.URL(), "gridstream", "s3cret", "gridstream/gridstream/+/state", 500*time.Millisecond)
	for src := range srcs {
		if _, ok := retained["gridstream/gridstream/"+src+"/state"]; !ok {
			t.Errorf("no retained state for meter %s: GRIDSTREAM_MQTT* did not reach the block's gridstream decode", src)
		}
	}
}

package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/grc"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
)

// TestGRCInstall installs and removes the block the way users do, into
// GRC's per-user block directory and into one of their choice.
func TestGRCInstall(t *testing.T) {
	home := t.TempDir()
	run := func(args ...string) result {
		t.Helper()
		cmd := exec.Command(testbin.Path(t), args...)
		cmd.Env = append(os.Environ(), "HOME="+home, "GRC_HIER_PATH=", "GRC_BLOCKS_PATH=")
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{stdout: string(out), code: code}
	}
	r := run("grc", "install")
	def := filepath.Join(home, ".grc_gnuradio")
	if r.code != 0 || !strings.Contains(r.stdout, filepath.Join(def, "gridstream_decoder.block.yml")) ||
		!strings.Contains(r.stdout, filepath.Join(def, "gridstream_wideband_receiver.block.yml")) ||
		!strings.Contains(r.stdout, "~/.grc_gnuradio") || !strings.Contains(r.stdout, "[gridstream]") {
		t.Errorf("grc install: %d\n%s", r.code, r.stdout)
	}
	if _, err := os.Stat(filepath.Join(def, "gridstream_grc.py")); err != nil {
		t.Error(err)
	}
	own := filepath.Join(t.TempDir(), "blocks")
	r = run("grc", "install", "--dir", own)
	if r.code != 0 || !strings.Contains(r.stdout, "export GRC_BLOCKS_PATH="+own) {
		t.Errorf("grc install --dir: %d\n%s", r.code, r.stdout)
	}
	if r := run("grc", "install", "extra"); r.code != 2 {
		t.Errorf("grc install with an argument: %d\n%s", r.code, r.stdout)
	}
	r = run("grc", "uninstall")
	if r.code != 0 || strings.Count(r.stdout, "removed ") != len(grc.Files) {
		t.Errorf("grc uninstall: %d\n%s", r.code, r.stdout)
	}
	if r := run("grc", "uninstall"); r.code != 0 || !strings.Contains(r.stdout, "nothing to remove") {
		t.Errorf("second grc uninstall: %d\n%s", r.code, r.stdout)
	}
	if r := run("grc", "uninstall", "--dir", own); r.code != 0 || strings.Count(r.stdout, "removed ") != len(grc.Files) {
		t.Errorf("grc uninstall --dir: %d\n%s", r.code, r.stdout)
	}
}

// TestDecodeStdinEOS checks --stdin-eos without a flowgraph: stdin closing
// stops decode at once, item counts already reached stop it after
// decoding, and a malformed count line is an error that stops it too.
func TestDecodeStdinEOS(t *testing.T) {
	for _, tc := range []struct {
		stdin, log string
	}{
		{"", "stdin closed"},
		{"0\n", "every item decoded"},
		{"1 2\n", "want 1 item counts"},
		{"-3\n", "is not an item count"},
	} {
		start := time.Now()
		r := gridstream(t, []byte(tc.stdin), "decode", "--in", "pull://127.0.0.1:1", "--stdin-eos", "--state", "", "--stats-interval", "0")
		if r.code != 0 || !strings.Contains(r.stderr, tc.log) {
			t.Errorf("stdin %q: exit %d\n%s", tc.stdin, r.code, r.stderr)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("stdin %q: took %v", tc.stdin, d)
		}
	}
}

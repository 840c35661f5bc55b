package main_test

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/internal/seeds"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/samples"
)

// withClosedStdout runs gridstream with stdout a pipe whose reader has
// already gone (as after `| head -1`): every JSON line it writes meets a
// broken pipe.
func withClosedStdout(t *testing.T, args ...string) result {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	defer w.Close()
	cmd := exec.Command(testbin.Path(t), args...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = w, &stderr
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
		if !ee.Exited() {
			t.Fatalf("%v: killed by %v\n%s", args, ee, stderr.String())
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return result{stderr: stderr.String(), code: code}
}

// A reader of stdout that goes away stops the JSON lines, said once; the
// run ends cleanly (exit 0, summary) when stdout was its only output, and
// goes on serving the others otherwise; the --waterfall picture is written
// either way.
func TestBrokenStdout(t *testing.T) {
	dir := t.TempDir()
	if r := gridstream(t, nil, "demo", "--write", dir); r.code != 0 {
		t.Fatalf("demo --write: %s", r.stderr)
	}
	rec := filepath.Join(dir, samples.Demo()[0].Name)
	const gone = "reader went away (broken pipe)"
	for _, tc := range []struct {
		name string
		args []string
		want []string // in stderr
		png  string   // the --waterfall picture
	}{
		{"demod alone", []string{"demod", rec},
			[]string{"outputs_left=0", `stop="outputs closed"`}, ""},
		{"demod --waterfall", []string{"demod", "--waterfall", filepath.Join(dir, "x.png"), rec},
			[]string{"outputs_left=0", `stop="end of input"`, "waterfall written"}, filepath.Join(dir, "x.png")},
		{"demod --out", []string{"demod", "--out", "ipc://" + filepath.Join(dir, "out.sock"), rec},
			[]string{"outputs_left=1", `stop="end of input"`}, ""},
		{"replay", []string{"replay"}, []string{"outputs_left=0", "msg=summary"}, ""},
		{"frames", []string{"frames", filepath.Join(seeds.Dir(t), "000_7cfed70f99f2102c.txt")}, []string{"outputs_left=0", "msg=summary"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := withClosedStdout(t, tc.args...)
			if r.code != 0 || strings.Count(r.stderr, gone) != 1 || !strings.Contains(r.stderr, "msg=summary") ||
				strings.Contains(r.stderr, "level=ERROR") {
				t.Errorf("exit %d, want 0 with one line on the broken pipe and a summary:\n%s", r.code, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if tc.png == "" {
				return
			}
			f, err := os.Open(tc.png)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if img, err := png.Decode(f); err != nil || img.Bounds().Dy() < 100 {
				t.Errorf("the waterfall after a broken stdout: %v", err)
			}
		})
	}
}

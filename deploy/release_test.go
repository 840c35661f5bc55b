// Package deploy_test checks what users install: the release binaries that
// scripts/release.sh builds, run natively (amd64) and under qemu-user
// (arm64, armv7), and the systemd units in deploy/systemd, verified with
// systemd-analyze and run with their command lines. Debian's qemu-user and
// systemd packages (scripts/install-deps.sh) are required; -short skips it
// all (the three cross-compiles are the suite's slowest build).
package deploy_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
)

// A release is what one run of scripts/release.sh built.
type release struct {
	dir      string
	version  string // what --version must print first
	commit   string // git HEAD, "" outside a git checkout
	modified *bool  // whether the tree had changes, nil when it changed during the build
	took     time.Duration
}

// A target is one release binary and how to run it here.
type target struct {
	label    string // file name suffix
	platform string // what --version prints after the Go version
	machine  elf.Machine
	runner   []string // emulator command, none for the host
}

var targets = []target{
	{"linux-amd64", "linux/amd64", elf.EM_X86_64, nil},
	{"linux-arm64", "linux/arm64", elf.EM_AARCH64, []string{"qemu-aarch64"}},
	{"linux-armv7", "linux/arm/v7", elf.EM_ARM, []string{"qemu-arm"}},
}

var (
	relOnce sync.Once
	rel     release
	relErr  error
	tmpDirs []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range tmpDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// built runs scripts/release.sh once for the test process (the version from
// git describe, as a user runs it in a clone) and returns what it built.
func built(t *testing.T) release {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not building the release binaries")
	}
	relOnce.Do(func() {
		root := testbin.Root()
		dir, err := os.MkdirTemp("", "gridstream-release-")
		if err != nil {
			relErr = err
			return
		}
		tmpDirs = append(tmpDirs, dir)
		r := release{dir: filepath.Join(dir, "dist")}
		args := []string{"-o", r.dir}
		var before string
		if git(root, "rev-parse", "--git-dir") != "" {
			r.version = git(root, "describe", "--tags", "--always", "--dirty")
			r.commit = git(root, "rev-parse", "HEAD")
			before = git(root, "status", "--porcelain")
		} else {
			r.version = "v0.0.0-deploy-test"
			args = append(args, r.version)
		}
		start := time.Now()
		cmd := exec.Command(filepath.Join(root, "scripts", "release.sh"), args...)
		out, err := cmd.CombinedOutput()
		r.took = time.Since(start)
		if err != nil {
			relErr = fmt.Errorf("scripts/release.sh %s: %v\n%s", strings.Join(args, " "), err, out)
			return
		}
		if r.commit != "" && git(root, "status", "--porcelain") == before {
			m := before != ""
			r.modified = &m
		}
		rel = r
	})
	if relErr != nil {
		t.Fatal(relErr)
	}
	return rel
}

// git runs git in dir and returns its trimmed output, "" when it fails.
func git(dir string, args ...string) string {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func (r release) path(tg target) string {
	return filepath.Join(r.dir, "gridstream-"+r.version+"-"+tg.label)
}

// run runs a release binary (under its emulator) and returns stdout, stderr
// and the exit status.
func (r release) run(t *testing.T, tg target, args ...string) (string, string, int) {
	t.Helper()
	argv := append(append(append([]string{}, tg.runner...), r.path(tg)), args...)
	if len(tg.runner) > 0 {
		if _, err := exec.LookPath(tg.runner[0]); err != nil {
			t.Fatalf("%s not installed (Debian's qemu-user; run scripts/install-deps.sh): %v", tg.runner[0], err)
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// The release files: three static executables for the right machines,
// built as release.sh promises, and a SHA256SUMS that checks them.
func TestReleaseFiles(t *testing.T) {
	r := built(t)
	t.Logf("scripts/release.sh built %s in %v", r.version, r.took.Round(time.Millisecond))
	sums, err := os.ReadFile(filepath.Join(r.dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q is not sha256sum's format", line)
		}
		listed[name] = sum
	}
	if len(listed) != len(targets) {
		t.Errorf("SHA256SUMS lists %d files, want %d:\n%s", len(listed), len(targets), sums)
	}
	for _, tg := range targets {
		p := r.path(tg)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := listed[filepath.Base(p)]; got != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: SHA256SUMS has %q, the file's is %x", filepath.Base(p), got, sum)
		}
		f, err := elf.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if f.Machine != tg.machine || f.Type != elf.ET_EXEC {
			t.Errorf("%s: ELF machine %v type %v, want %v ET_EXEC", tg.label, f.Machine, f.Type, tg.machine)
		}
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP || prog.Type == elf.PT_DYNAMIC {
				t.Errorf("%s: dynamically linked (%v), want static", tg.label, prog.Type)
			}
		}
		if f.Section(".symtab") != nil {
			t.Errorf("%s: has a symbol table, want it stripped (-s)", tg.label)
		}
		f.Close()
		bi, err := buildinfo.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		settings := map[string]string{}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		want := map[string]string{"CGO_ENABLED": "0", "-trimpath": "true", "GOOS": "linux"}
		if tg.machine == elf.EM_ARM {
			want["GOARM"] = "7"
		}
		for k, v := range want {
			if settings[k] != v {
				t.Errorf("%s: build setting %s=%q, want %q", tg.label, k, settings[k], v)
			}
		}
		if bi.GoVersion != runtime.Version() {
			t.Errorf("%s: built with %s, want %s", tg.label, bi.GoVersion, runtime.Version())
		}
	}
}

// Every release binary, on its own architecture (qemu-user for ARM), says
// which build it is and decodes the built-in sample exactly as the golden
// file says.
func TestReleaseBinariesRun(t *testing.T) {
	r := built(t)
	golden, err := os.ReadFile(filepath.Join(testbin.Root(), "testdata", "replay-sample.golden.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	commit := "unknown"
	if r.commit != "" {
		commit = r.commit
	}
	for _, tg := range targets {
		t.Run(tg.label, func(t *testing.T) {
			stdout, stderr, code := r.run(t, tg, "--version")
			if code != 0 {
				t.Fatalf("--version: exit %d\n%s", code, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if len(lines) < 3 || lines[0] != "gridstream "+r.version ||
				!strings.HasPrefix(lines[1], "commit: "+commit) ||
				lines[len(lines)-1] != "go: "+runtime.Version()+" "+tg.platform {
				t.Errorf("--version printed\n%s\nwant gridstream %s, commit: %s, go: %s %s", stdout, r.version, commit, runtime.Version(), tg.platform)
			}
			if r.modified != nil && strings.HasSuffix(lines[1], "(modified)") != *r.modified {
				t.Errorf("--version says %q, but the tree modified = %v", lines[1], *r.modified)
			}

			stdout, stderr, code = r.run(t, tg, "replay", "--state", "")
			if code != 0 {
				t.Fatalf("replay: exit %d\n%s", code, stderr)
			}
			if got := withoutTime(t, stdout); got != string(golden) {
				t.Errorf("replay output differs from testdata/replay-sample.golden.jsonl:\n got:\n%s\nwant:\n%s", got, golden)
			}
			if !strings.Contains(stderr, "crc_good=32") {
				t.Errorf("replay summary:\n%s", stderr)
			}
		})
	}
}

// The pure-Go radio receiver (float DSP: FMA fusion differs between
// architectures) decodes the built-in IQ recordings on ARM to the same
// frames as on amd64.
func TestReleaseDemoAcrossArchitectures(t *testing.T) {
	r := built(t)
	var want []string
	for i, tg := range targets {
		stdout, stderr, code := r.run(t, tg, "demo")
		if code != 0 {
			t.Fatalf("%s demo: exit %d\n%s", tg.label, code, stderr)
		}
		var got []string
		sc := bufio.NewScanner(strings.NewReader(stdout))
		for sc.Scan() {
			var m struct {
				Protocol string `json:"protocol"`
				CRCOK    bool   `json:"crc_ok"`
				Raw      string `json:"raw"`
			}
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("%s demo: %q: %v", tg.label, sc.Text(), err)
			}
			got = append(got, fmt.Sprintf("%s %v %s", m.Protocol, m.CRCOK, m.Raw))
		}
		sort.Strings(got)
		if i == 0 {
			if len(got) == 0 {
				t.Fatalf("amd64 demo decoded nothing:\n%s", stderr)
			}
			want = got
			continue
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s demo decoded\n%s\namd64 decoded\n%s", tg.label, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// withoutTime drops the decode-time field of every JSON line so that output
// can be compared with a golden file (the same as cmd/gridstream's tests).
func withoutTime(t *testing.T, jsonl string) string {
	t.Helper()
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(jsonl))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("stdout line is not JSON: %q", sc.Text())
		}
		if _, ok := m["time"]; !ok {
			t.Fatalf("message without time: %s", sc.Text())
		}
		delete(m, "time")
		line, _ := json.Marshal(m)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestReleaseBadArguments checks that release.sh refuses a bad version
// with exit 2 and one line, before creating its output directory.
func TestReleaseBadArguments(t *testing.T) {
	script := filepath.Join(testbin.Root(), "scripts", "release.sh")
	for _, args := range [][]string{
		{"-o", "rel/dist", "bad version"},
		{"-o", "ABS/dist", "v1.0/../x"},
		{"-o", "rel/dist", "v1", "v2"},
	} {
		dir := t.TempDir()
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "ABS", dir)
		}
		cmd := exec.Command(script, args...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("release.sh %q: %v, want exit 2\n%s", args, err, stderr.String())
		}
		if msg := strings.TrimSpace(stderr.String()); msg == "" || strings.Contains(msg, "\n") {
			t.Errorf("release.sh %q: stderr %q, want one line", args, msg)
		}
		ents, _ := os.ReadDir(dir)
		if len(ents) != 0 {
			t.Errorf("release.sh %q created %s/%s", args, dir, ents[0].Name())
		}
	}
}

// Package gnuradio_test runs gridstream against real GNU Radio flowgraphs:
// the flowgraphs in flowgraphs/ are compiled with grcc and run headless on
// IQ recordings made by `gridstream synth`; `gridstream decode` decodes what
// they publish over ZeroMQ, and the PDUs it publishes go back into a GNU
// Radio ZMQ SUB Message Source.
//
// The tests need GNU Radio 3.10 (gnuradio, gr-osmosdr, python3-zmq; see
// scripts/install-deps.sh). Without it they skip, unless CI is set: then
// they fail.
package gnuradio_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	gsynth "github.com/gridstream-sdr/gridstream/synth"
)

var (
	tmpDir   string
	bin      string // the gridstream binary
	fgDir    string // grcc output
	grcDir   string // where the GridStream Decoder block is installed
	python   = "/usr/bin/python3"
	grErr    error // why GNU Radio cannot be used
	buildErr error
)

func TestMain(m *testing.M) {
	var err error
	tmpDir, err = os.MkdirTemp("", "gridstream-e2e-gr-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin, buildErr = testbin.Build()
	fgDir = filepath.Join(tmpDir, "flowgraphs")
	grcDir = filepath.Join(tmpDir, "grc blocks")
	grErr = compileFlowgraphs()
	code := m.Run()
	os.RemoveAll(tmpDir)
	os.Exit(code)
}

// compileFlowgraphs compiles every flowgraphs/*.grc with grcc.
func compileFlowgraphs() error {
	if err := exec.Command(python, "-c", "from gnuradio import gr, zeromq, digital, analog, filter; import osmosdr, zmq, pmt").Run(); err != nil {
		return fmt.Errorf("GNU Radio Python modules (gnuradio, gr-osmosdr, python3-zmq) not importable with %s: %v", python, err)
	}
	grcs, _ := filepath.Glob("../../flowgraphs/*.grc")
	if len(grcs) == 0 {
		return fmt.Errorf("no flowgraphs/*.grc")
	}
	if err := os.MkdirAll(fgDir, 0o755); err != nil {
		return err
	}
	// The flowgraphs with the GridStream Decoder block need it installed,
	// as a user installs it, where grcc is told to look.
	if buildErr != nil {
		return buildErr
	}
	if out, err := exec.Command(bin, "grc", "install", "--dir", grcDir).CombinedOutput(); err != nil {
		return fmt.Errorf("gridstream grc install: %v\n%s", err, out)
	}
	cmd := exec.Command("grcc", append([]string{"-o", fgDir}, grcs...)...)
	cmd.Env = append(os.Environ(), "GRC_BLOCKS_PATH="+grcDir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("grcc: %v\n%s", err, out)
	}
	return nil
}

// needGNURadio skips (or, in CI, fails) when GNU Radio is unusable.
func needGNURadio(t *testing.T) {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if grErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but GNU Radio is unusable: %v (run scripts/install-deps.sh)", grErr)
		}
		t.Skip(grErr)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// proc is a running child process with its output collected.
type proc struct {
	name   string
	cmd    *exec.Cmd
	mu     sync.Mutex
	stdout []string // lines
	stderr bytes.Buffer
	done   chan struct{}
	err    error
}

func start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	return startEnv(t, nil, name, args...)
}

// startEnv starts name with extra environment variables.
func startEnv(t *testing.T, env []string, name string, args ...string) *proc {
	t.Helper()
	p := &proc{name: filepath.Base(name), cmd: exec.Command(name, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = &lockedWriter{p: p}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.stdout = append(p.stdout, sc.Text())
			p.mu.Unlock()
		}
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s stderr (tail):\n%s", p.name, tail(p.stderrText(), 3000))
		}
	})
	return p
}

type lockedWriter struct{ p *proc }

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.stderr.Write(b)
}

func (p *proc) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

func (p *proc) lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string{}, p.stdout...)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// waitFor polls cond every 20 ms until it holds or timeout passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitStderr waits until the process's stderr contains all of subs.
func (p *proc) waitStderr(t *testing.T, timeout time.Duration, subs ...string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%s to log %q", p.name, subs), timeout, func() bool {
		s := p.stderrText()
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false
			}
		}
		return true
	})
}

// wait waits for the process to exit and returns its error.
func (p *proc) wait(t *testing.T, timeout time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		t.Fatalf("%s did not exit within %v", p.name, timeout)
		return nil
	}
}

// stop sends SIGINT and expects a clean exit 0.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGINT)
	if err := p.wait(t, 10*time.Second); err != nil {
		t.Fatalf("%s exited with %v after SIGINT, want 0", p.name, err)
	}
}

// synth makes an IQ recording with `gridstream synth` and returns its path
// and ground truth.
func synth(t *testing.T, name string, args ...string) (string, []gsynth.TruthLine) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	tr := filepath.Join(dir, "truth.jsonl")
	args = append(append([]string{"synth", "--truth", tr}, args...), path)
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("gridstream synth: %v\n%s", err, out)
	}
	f, err := os.Open(tr)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := gsynth.ReadTruth(f)
	if err != nil {
		t.Fatal(err)
	}
	return path, out
}

// flowgraph starts a compiled flowgraph.
func flowgraph(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	// GR_CONF_LOG_LOG_LEVEL=warn: the correlate-access-code block logs
	// every tag at debug level.
	return startEnv(t, flowgraphEnv(), python, append([]string{"-u", filepath.Join(fgDir, name+".py")}, args...)...)
}

// userFlowgraph runs a flowgraph as Debian configures GNU Radio
// (/etc/gnuradio/conf.d/gnuradio-runtime.conf: log level debug, to stdout),
// whatever this machine's configuration: the GridStream blocks' flowgraphs
// must keep stdout to what they print by design even then.
func userFlowgraph(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	env := append(flowgraphEnv(), "GR_CONF_LOG_LOG_LEVEL=debug", "GR_CONF_LOG_LOG_FILE=stdout")
	return startEnv(t, env, python, append([]string{"-u", filepath.Join(fgDir, name+".py")}, args...)...)
}

// flowgraphEnv is the environment flowgraphs run in: the GridStream
// Decoder block finds the gridstream binary on PATH.
func flowgraphEnv() []string {
	return []string{"GR_CONF_LOG_LOG_LEVEL=warn", "PATH=" + filepath.Dir(bin) + string(filepath.ListSeparator) + os.Getenv("PATH")}
}

// prependSilence puts seconds of zero samples (cf32) before the recording,
// so a flowgraph with a PUB sink has time to get its subscriber before the
// first burst.
func prependSilence(t *testing.T, path string, seconds, rate float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	z := make([]byte, 8*int(seconds*rate))
	if err := os.WriteFile(path, append(z, b...), 0o644); err != nil {
		t.Fatal(err)
	}
}

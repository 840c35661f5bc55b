package gnuradio_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
)

var pduRow = regexp.MustCompile(`(?m)^[0-9a-f]{4}: ((?:[0-9a-f]{2} ?)+)$`)

// pduPrintLine matches every line of Message Debug's print of a PDU.
var pduPrintLine = regexp.MustCompile(`^(\*+|\*+ VERBOSE PDU DEBUG PRINT \*+|\(\(.*\)\)|pdu length = +[0-9]+ bytes|pdu vector contents = |[0-9a-f]{4}: (?:[0-9a-f]{2} ?)+)$`)

// pdus parses Message Debug's printout of PDUs: each one's metadata line
// and payload hex.
func pdus(out string) (metas, raws []string) {
	for _, blk := range strings.Split(out, "***** VERBOSE PDU DEBUG PRINT ******")[1:] {
		meta, _, _ := strings.Cut(strings.TrimSpace(blk), "\n")
		var hex strings.Builder
		for _, m := range pduRow.FindAllStringSubmatch(blk, -1) {
			hex.WriteString(strings.ReplaceAll(m[1], " ", ""))
		}
		metas = append(metas, meta)
		raws = append(raws, strings.ToUpper(hex.String()))
	}
	return metas, raws
}

// TestBlockDemo runs flowgraphs/block_demo.grc as a user would after
// `gridstream grc install`: File Source → GridStream Decoder → Message
// Debug on the bit sample installed with the block (no --file, and not
// from the repository root). Every message `gridstream replay` finds in
// the sample arrives as a PDU exactly once, and the flowgraph exits by
// itself at the end of the file.
func TestBlockDemo(t *testing.T) {
	needGNURadio(t)
	sample, _ := filepath.Abs("../../samples/sample.u8")
	out, err := exec.Command(bin, "replay", "--state", "", sample).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var m frames.Message
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		want = append(want, m.Raw)
	}
	if len(want) < 20 {
		t.Fatalf("replay found only %d messages in the sample", len(want))
	}

	fg := userFlowgraph(t, "block_demo", "--extra-args=--state ''")
	if err := fg.wait(t, 60*time.Second); err != nil {
		t.Fatalf("block_demo: %v", err)
	}
	for _, l := range fg.lines() {
		if !pduPrintLine.MatchString(l) && !json.Valid([]byte(l)) {
			t.Errorf("stdout line %q is neither Message Debug's PDU print nor a JSON line", l)
		}
	}
	metas, raws := pdus(strings.Join(fg.lines(), "\n"))
	got := map[string]int{}
	for i, r := range raws {
		got[r]++
		if !strings.Contains(metas[i], "(crc_ok . #t)") || !strings.Contains(metas[i], "(input . decoder)") {
			t.Errorf("PDU %d metadata: %s", i, metas[i])
		}
	}
	for _, r := range want {
		if got[r] != 1 {
			t.Errorf("message %s… printed %d times, want once", r[:16], got[r])
		}
	}
	if len(raws) != len(want) {
		t.Errorf("%d PDUs for %d messages", len(raws), len(want))
	}
	if s := fg.stderrText(); strings.Contains(s, "Traceback") || strings.Contains(s, "ERROR") {
		t.Errorf("flowgraph stderr:\n%s", s)
	}
}

// TestBlockErrors checks the block's errors at flowgraph start: a missing
// gridstream binary and an argument gridstream refuses each stop the
// flowgraph at once with a one-line reason.
func TestBlockErrors(t *testing.T) {
	needGNURadio(t)
	sample, _ := filepath.Abs("../../samples/sample.u8")
	py := filepath.Join(fgDir, "block_demo.py")

	cmd := exec.Command(python, py, "--file", sample)
	cmd.Env = append(os.Environ(), "PATH=/usr/bin:/bin") // no gridstream
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "RuntimeError: GridStream Decoder: 'gridstream' is not on PATH") {
		t.Errorf("missing binary: %v\n%s", err, out)
	}

	cmd = exec.Command(python, py, "--file", sample, "--extra-args=--no-such-flag")
	cmd.Env = append(os.Environ(), flowgraphEnv()...)
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "flag provided but not defined: -no-such-flag") ||
		!strings.Contains(string(out), "exited with status 2 at start") {
		t.Errorf("bad argument: %v\n%s", err, out)
	}
}

// TestBlockStopsChild interrupts a flowgraph whose stream never ends: the
// GridStream Decoder's child process ends with it.
func TestBlockStopsChild(t *testing.T) {
	needGNURadio(t)
	fg := flowgraph(t, "block_demo", "--file", "/dev/zero") // endless zero bits
	var child int
	waitFor(t, "the gridstream child process", 20*time.Second, func() bool {
		child = childDecode(fg.cmd.Process.Pid)
		return child != 0
	})
	time.Sleep(500 * time.Millisecond)
	fg.cmd.Process.Signal(syscall.SIGINT)
	if err := fg.wait(t, 20*time.Second); err != nil {
		t.Errorf("flowgraph after SIGINT: %v", err)
	}
	waitFor(t, "the child to end", 10*time.Second, func() bool {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(child) + "/stat")
		// Gone, or a zombie of the (now ended) flowgraph process.
		return err != nil || strings.Contains(string(b), ") Z ")
	})
}

// childDecode returns the pid of parent's `gridstream decode` child, or 0.
func childDecode(parent int) int {
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+1:])
		f := strings.Fields(rest)
		if len(f) < 2 || f[1] != strconv.Itoa(parent) {
			continue
		}
		cmdline, _ := os.ReadFile("/proc/" + d.Name() + "/cmdline")
		if strings.Contains(string(cmdline), "decode") {
			return pid
		}
	}
	return 0
}

package main_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	gs "github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// hexFrame55 returns a valid 0x55 frame of network init as a hex line.
func hexFrame55(init uint16, counter byte) string {
	f := []byte{0x2A, 0x55, 0x00, 0x23, 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0x12, 0x34, 0x56, 0x78, 0x00,
		counter, 0x00, 0x01, 0x02, 0x03, 0xA4, 0x0B, 0x12, 0x34, 0x56, 0x78, 0x01, 0x00, 0x16, 0x15, 0x05, 0x14, 0x7E, 0x7E, 0x00}
	c := gs.CRC16(init, f[4:])
	return "00FF" + strings.ToUpper(hex.EncodeToString(append(f, byte(c>>8), byte(c)))) + "\n"
}

// Two gridstream processes sharing the default state file each learn a
// network while the other runs: both networks are kept. Then `gridstream
// networks` lists and forgets them.
func TestNetworksSharedStateAndForget(t *testing.T) {
	bin := testbin.Path(t)
	xdg := t.TempDir()
	env := append(os.Environ(), "XDG_STATE_HOME="+xdg)
	state := filepath.Join(xdg, "gridstream", "networks.json")
	type proc struct {
		cmd   *exec.Cmd
		stdin interface {
			Write([]byte) (int, error)
			Close() error
		}
		init uint16
	}
	var procs []proc
	for _, init := range []uint16{0x1357, 0x2468} {
		cmd := exec.Command(bin, "frames", "--quiet")
		cmd.Env = env
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, proc{cmd, in, init})
	}
	// Both have read the (missing) state file before either learns.
	time.Sleep(500 * time.Millisecond)
	for _, p := range procs {
		p.stdin.Write([]byte(hexFrame55(p.init, 1) + hexFrame55(p.init, 2)))
		p.stdin.Close()
		if err := p.cmd.Wait(); err != nil {
			t.Fatalf("frames: %v", err)
		}
	}
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	out, code := run("networks", "list", "--json")
	var list []gs.LearnedNetwork
	if err := json.Unmarshal([]byte(out), &list); err != nil || code != 0 {
		t.Fatalf("networks list --json: exit %d, %v\n%s", code, err, out)
	}
	if len(list) != 2 || list[0].CRCInit != "1357" || list[1].CRCInit != "2468" || list[0].LastHeard == "" {
		t.Fatalf("state file %s holds %+v, want 1357 and 2468", state, list)
	}
	if out, _ := run("networks", "list"); !strings.Contains(out, "1357") || !strings.Contains(out, "LAST_HEARD") {
		t.Fatalf("networks list:\n%s", out)
	}
	if out, code := run("networks", "forget", "1357"); code != 0 || !strings.Contains(out, "forgot 1357") {
		t.Fatalf("forget 1357: exit %d\n%s", code, out)
	}
	if out, _ := run("networks", "list"); strings.Contains(out, "1357") || !strings.Contains(out, "2468") {
		t.Fatalf("after forget 1357:\n%s", out)
	}
	if _, code := run("networks", "forget"); code != 2 {
		t.Fatalf("forget without INIT or --all: exit %d, want 2", code)
	}
	if _, code := run("networks", "forget", "XYZ"); code != 2 {
		t.Fatalf("forget XYZ: exit %d, want 2", code)
	}
	if _, code := run("networks", "forget", "--all"); code != 0 {
		t.Fatalf("forget --all: exit %d", code)
	}
	if l, err := gs.ReadLearned(state); err != nil || len(l) != 0 {
		t.Fatalf("after forget --all: %+v %v", l, err)
	}
}

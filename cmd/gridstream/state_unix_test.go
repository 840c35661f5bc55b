//go:build unix

package main_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	gs "github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// A network learned while another process held the state file's lock is
// saved when the command ends (the save put off is not lost); when the lock
// is never freed, the command still ends within seconds and says the
// network was not saved.
func TestStateSavedAtExitAfterLock(t *testing.T) {
	bin := testbin.Path(t)
	for _, freed := range []bool{true, false} {
		state := filepath.Join(t.TempDir(), "networks.json")
		lock, err := os.OpenFile(state+".lock", os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "frames", "--quiet", "--state", state)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		stdin.Write([]byte(hexFrame55(0x1357, 1) + hexFrame55(0x1357, 2)))
		// The save during the run is put off ...
		logs := bufio.NewScanner(stderr)
		var seen []string
		for logs.Scan() {
			seen = append(seen, logs.Text())
			if strings.Contains(logs.Text(), "could not save learned networks") {
				break
			}
		}
		if freed {
			syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
		}
		// ... and the input ends.
		stdin.Close()
		start := time.Now()
		for logs.Scan() {
			seen = append(seen, logs.Text())
		}
		err = cmd.Wait()
		took := time.Since(start)
		lock.Close()
		list, rerr := gs.ReadLearned(state)
		all := strings.Join(seen, "\n")
		switch {
		case err != nil:
			t.Errorf("freed=%v: frames: %v\n%s", freed, err, all)
		case took > 20*time.Second:
			t.Errorf("freed=%v: the command took %v to end", freed, took)
		case freed && (rerr != nil || len(list) != 1 || list[0].CRCInit != "1357"):
			t.Errorf("lock freed before the end: state file %+v, %v\n%s", list, rerr, all)
		case !freed && (len(list) != 0 || !strings.Contains(all, "learned networks not saved")):
			t.Errorf("lock held to the end: state file %+v; log:\n%s", list, all)
		}
	}
}

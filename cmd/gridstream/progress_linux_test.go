//go:build linux

package main_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/internal/ptytest"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
)

// With stderr on a terminal, demod of a file draws a progress bar there,
// ends its line, and keeps stdout clean JSON.
func TestDemodProgressOnTerminal(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bar_915M_1M.cu8")
	truth := synth(t, p, "--count", "12", "--hop", "--rate", "1M", "--seed", "8")
	master, slave := ptytest.Open(t)
	defer master.Close()
	cmd := exec.Command(testbin.Path(t), "demod", p)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "TERM=xterm")
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, slave
	screen := make(chan string)
	go func() {
		b, _ := io.ReadAll(master) // ends with EIO once the slave is closed
		screen <- string(b)
	}()
	err := cmd.Run()
	slave.Close()
	tty := <-screen
	if err != nil {
		t.Fatalf("demod: %v\n%s", err, tty)
	}
	if !strings.Contains(tty, "█") || !strings.Contains(tty, "100%") || !strings.Contains(tty, "\r") ||
		!strings.Contains(tty, fmt.Sprintf("%d msgs", len(truth))) {
		t.Errorf("no progress bar on the terminal:\n%q", tty)
	}
	if !strings.Contains(tty, "msg=summary") {
		t.Errorf("no summary on the terminal:\n%q", tty)
	}
	matchTruth(t, truth, parseMessages(t, stdout.String()))
	// --progress never keeps the terminal free of it.
	master2, slave2 := ptytest.Open(t)
	defer master2.Close()
	cmd = exec.Command(testbin.Path(t), "demod", "--progress", "never", p)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	cmd.Stdout, cmd.Stderr = io.Discard, slave2
	go func() {
		b, _ := io.ReadAll(master2)
		screen <- string(b)
	}()
	err = cmd.Run()
	slave2.Close()
	if tty := <-screen; err != nil || strings.Contains(tty, "█") {
		t.Errorf("--progress never: %v\n%q", err, tty)
	}
}

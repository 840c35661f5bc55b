//go:build linux

package progress

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/internal/ptytest"
)

func TestShowOnTerminal(t *testing.T) {
	master, slave := ptytest.Open(t)
	defer master.Close()
	defer slave.Close()
	t.Setenv("TERM", "xterm")
	if !IsTerminal(slave) || !Auto.Show(100, slave) || Auto.Show(0, slave) || Never.Show(100, slave) {
		t.Error("a terminal is not one")
	}
	t.Setenv("TERM", "dumb")
	if IsTerminal(slave) || Auto.Show(100, slave) {
		t.Error("a dumb terminal gets a bar")
	}
}

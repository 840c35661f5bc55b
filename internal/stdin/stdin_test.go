//go:build linux

package stdin

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestUsable runs itself in a child whose stdin is closed, /dev/null or a
// pipe, and the child reports what Usable says.
func TestUsable(t *testing.T) {
	if os.Getenv("STDIN_TEST_CHILD") != "" {
		if err := Usable(); errors.Is(err, ErrClosed) {
			os.Stdout.WriteString("closed\n")
		} else {
			os.Stdout.WriteString("usable\n")
		}
		return
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to start a child with stdin closed")
	}
	for redirect, want := range map[string]string{"<&-": "closed", "</dev/null": "usable", "": "usable"} {
		cmd := exec.Command(sh, "-c", `exec "$0" -test.run '^TestUsable$' `+redirect, os.Args[0])
		cmd.Env = append(os.Environ(), "STDIN_TEST_CHILD=1")
		if redirect == "" {
			cmd.Stdin = strings.NewReader("data")
		}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%q: %v", redirect, err)
		}
		if got := strings.Fields(string(out)); len(got) == 0 || got[0] != want {
			t.Errorf("stdin %q: %q, want %s", redirect, out, want)
		}
	}
}

package main_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --out ipc://PATH replaces only a stale socket: a file, a directory or a
// socket another process listens on is refused with one line and exit 2,
// and left as it was.
func TestOutIPCRefusesWhatIsNotAStaleSocket(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "subdir")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	live := filepath.Join(dir, "live.sock")
	ln, err := net.Listen("unix", live)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, tc := range []struct{ path, want string }{
		{file, "is not a socket"},
		{sub, "is not a socket"},
		{live, "in use"},
	} {
		for _, flag := range []string{"--out", "--out-pmt"} {
			r := gridstream(t, nil, "replay", flag, "ipc://"+tc.path, "-")
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("%s ipc://%s: exit %d, stderr %q; want exit 2 and one line saying %q", flag, tc.path, r.code, r.stderr, tc.want)
			}
		}
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "keep me\n" {
		t.Errorf("the file was touched: %q %v", b, err)
	}
	if fi, err := os.Stat(sub); err != nil || !fi.IsDir() {
		t.Errorf("the directory was touched: %v", err)
	}

	// A socket left behind by a process that is gone is replaced.
	stale := filepath.Join(dir, "stale.sock")
	sl, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	sl.(*net.UnixListener).SetUnlinkOnClose(false)
	sl.Close()
	if r := gridstream(t, []byte{}, "replay", "--out", "ipc://"+stale, "-"); r.code != 0 {
		t.Errorf("stale socket: exit %d: %s", r.code, r.stderr)
	}
}

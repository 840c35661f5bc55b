// Package testbin builds the real gridstream binary once per test process,
// so end-to-end tests in any package drive what users run.
package testbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	once sync.Once
	path string
	err  error
	out  []byte
)

// Path returns the path of a freshly built gridstream binary.
func Path(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		var dir string
		dir, err = os.MkdirTemp("", "gridstream-bin-")
		if err != nil {
			return
		}
		path = filepath.Join(dir, "gridstream")
		cmd := exec.Command("go", "build", "-o", path, "./cmd/gridstream")
		cmd.Dir = Root()
		out, err = cmd.CombinedOutput()
	})
	if err != nil {
		t.Fatalf("building gridstream: %v\n%s", err, out)
	}
	return path
}

// Root returns the repository's top directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

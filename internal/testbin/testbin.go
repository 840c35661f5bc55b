// Package testbin builds the real gridstream binary once per test process,
// so end-to-end tests in any package drive what users run.
package testbin

import (
	"fmt"
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
)

// Build builds gridstream once (with -race when GRIDSTREAM_TEST_RACE is
// set, so the end-to-end tests race-check the binary itself) and returns its
// path. It suits TestMain; tests call Path.
func Build() (string, error) {
	once.Do(func() {
		var dir string
		dir, err = os.MkdirTemp("", "gridstream-bin-")
		if err != nil {
			return
		}
		path = filepath.Join(dir, "gridstream")
		args := []string{"build", "-o", path}
		if os.Getenv("GRIDSTREAM_TEST_RACE") != "" {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "./cmd/gridstream")...)
		cmd.Dir = Root()
		if out, e := cmd.CombinedOutput(); e != nil {
			err = fmt.Errorf("building gridstream: %v\n%s", e, out)
		}
	})
	return path, err
}

// Path returns the path of the built gridstream binary, failing the test
// when it cannot be built.
func Path(t testing.TB) string {
	t.Helper()
	p, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Root returns the repository's top directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

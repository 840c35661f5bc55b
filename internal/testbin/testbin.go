// Package testbin builds the real gridstream binary once per test process,
// so end-to-end tests in any package drive what users run.
package testbin

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

var (
	once sync.Once
	path string
	err  error
)

// Build builds gridstream once (with -race when GRIDSTREAM_TEST_RACE is
// set, so the end-to-end tests race-check the binary itself) and returns its
// path. It suits TestMain; tests call Path.
//
// Binaries are kept in the user's cache directory under the hash of their
// content, so test processes that build the same binary share one file
// and nothing piles up in the temporary directory; entries not used for a
// day are removed.
func Build() (string, error) {
	once.Do(func() { path, err = build() })
	return path, err
}

func build() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "gridstream-testbin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, "build-*")
	if err != nil {
		return "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	args := []string{"build", "-o", tmp.Name()}
	if os.Getenv("GRIDSTREAM_TEST_RACE") != "" {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/gridstream")...)
	cmd.Dir = Root()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building gridstream: %v\n%s", err, out)
	}
	sum, err := fileHash(tmp.Name())
	if err != nil {
		return "", err
	}
	final := filepath.Join(dir, sum[:24], "gridstream")
	if _, err := os.Stat(final); err != nil {
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return "", err
		}
		if err := os.Rename(tmp.Name(), final); err != nil {
			return "", err
		}
	}
	now := time.Now()
	_ = os.Chtimes(filepath.Dir(final), now, now)
	prune(dir, filepath.Dir(final), now.Add(-24*time.Hour))
	return final, nil
}

func fileHash(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// prune removes the cached binaries, other than keep, last used before
// cutoff.
func prune(dir, keep string, cutoff time.Time) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if info, err := e.Info(); err == nil && e.IsDir() && p != keep && info.ModTime().Before(cutoff) {
			_ = os.RemoveAll(p)
		}
	}
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

//go:build !unix

package gridstream

import "time"

// lockFile is a no-op where flock does not exist: processes sharing a
// state file there may lose each other's changes.
func lockFile(string) (func(), error) { return func() {}, nil }

// tryLockFile is lockFile.
func tryLockFile(path string, _ time.Duration) (func(), error) { return lockFile(path) }

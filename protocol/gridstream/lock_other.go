//go:build !unix

package gridstream

// lockFile is a no-op where flock does not exist: processes sharing a
// state file there may lose each other's changes.
func lockFile(string) (func(), error) { return func() {}, nil }

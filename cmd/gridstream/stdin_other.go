//go:build !linux

package main

// stdinUsable reports a closed stdin where the platform can tell; here it
// cannot.
func stdinUsable() error { return nil }

// Package stdin tells whether standard input can be read: a process
// started with stdin closed (<&-) would read it as an empty input.
package stdin

import "errors"

// ErrClosed is Usable's error for a stdin closed at start-up.
var ErrClosed = errors.New("stdin is closed (<&-): nothing to read; pipe data in or name a FILE")

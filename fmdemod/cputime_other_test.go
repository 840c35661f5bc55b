//go:build !unix

package fmdemod

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }

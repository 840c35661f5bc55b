package dashboard

import (
	"sync"
	"sync/atomic"
	"time"
)

// Live is what a decoding command tells the dashboard about its input,
// updated as it runs.
type Live struct {
	// Command and Input name the run ("demod", the file).
	Command, Input string
	// Unit is the unit of the input rate: "S/s", "B/s", "items/s".
	Unit string
	// SampleRate and CenterFreq describe an IQ input (0: not one).
	SampleRate, CenterFreq float64
	// Items counts the input's items (samples, bytes) so far, unless
	// ItemsFn is set: then ItemsFn counts them (decode's inputs keep
	// their own counters).
	Items   atomic.Int64
	ItemsFn func() int64
	// LostFn, when set, counts the items the inputs lost (decode: gaps in
	// GNU Radio's stream).
	LostFn func() int64

	bursts atomic.Int64
	ended  atomic.Bool

	mu       sync.Mutex
	lastAt   time.Time
	lastN    int64
	lastRate float64
}

// items is the count of the input's items so far.
func (l *Live) items() int64 {
	if l.ItemsFn != nil {
		return l.ItemsFn()
	}
	return l.Items.Load()
}

// rate is the input rate over the last second or more, n items now.
func (l *Live) rate(n int64) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.lastAt.IsZero() {
		l.lastAt, l.lastN = now, n
		return 0
	}
	if dt := now.Sub(l.lastAt).Seconds(); dt >= 0.9 {
		l.lastRate = float64(n-l.lastN) / dt
		l.lastAt, l.lastN = now, n
	}
	return l.lastRate
}

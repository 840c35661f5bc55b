package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress draws a one-line progress bar on a terminal (stderr): how much of
// the recording is done, how fast, how many messages so far. It redraws at
// most every 100 ms and is safe for concurrent use.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	total    int64   // samples (or bytes) in the input
	rate     float64 // sample rate; 0 counts bytes
	start    time.Time
	last     time.Time
	shown    bool
	width    int
	interval time.Duration
}

// isTerminal reports whether f looks like a terminal (a character device
// that is not /dev/null). It needs no dependency and is right for the
// progress bar's purpose: a pipe or a file never gets one.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(st, null) {
		return false
	}
	return os.Getenv("TERM") != "dumb"
}

// wantProgress decides from the --progress flag (auto, always, never) and
// the input whether to draw a bar.
func wantProgress(flag string, total int64, stderr *os.File) (bool, error) {
	switch strings.ToLower(flag) {
	case "auto", "":
		return total > 0 && isTerminal(stderr), nil
	case "always", "yes", "true":
		return total > 0, nil
	case "never", "no", "false":
		return false, nil
	}
	return false, fmt.Errorf("--progress %q: want auto, always or never", flag)
}

// newProgress returns a bar for total samples at rate (or total bytes when
// rate is 0), or nil (all methods
// of a nil *progress do nothing) when it should not be drawn.
func newProgress(enabled bool, w io.Writer, total int64, rate float64) *progress {
	if !enabled || total <= 0 {
		return nil
	}
	return &progress{w: w, total: total, rate: rate, start: time.Now(), width: 30, interval: 100 * time.Millisecond}
}

// Update redraws the bar for done samples and msgs messages if the last
// redraw is old enough.
func (p *progress) Update(done, msgs int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.shown && now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	p.draw(done, msgs, now)
}

func (p *progress) draw(done, msgs int64, now time.Time) {
	frac := min(float64(done)/float64(p.total), 1)
	fill := int(frac * float64(p.width))
	bar := strings.Repeat("█", fill) + strings.Repeat("░", p.width-fill)
	elapsed := now.Sub(p.start).Seconds()
	// With a sample rate the bar counts seconds of signal; without one, bytes.
	amount := fmt.Sprintf("%.1f/%.1f MB", float64(done)/1e6, float64(p.total)/1e6)
	speed := ""
	if p.rate > 0 {
		amount = fmt.Sprintf("%.1f/%.1f s", float64(done)/p.rate, float64(p.total)/p.rate)
	}
	eta := ""
	if elapsed > 0.2 && done > 0 {
		if p.rate > 0 {
			speed = fmt.Sprintf("  %.1f× real time", float64(done)/p.rate/elapsed)
		} else {
			speed = fmt.Sprintf("  %.0f MB/s", float64(done)/1e6/elapsed)
		}
		left := elapsed / frac * (1 - frac)
		eta = fmt.Sprintf("  ETA %s", (time.Duration(left * 1e9)).Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r%s %3.0f%%  %s%s  %d msgs%s\x1b[K", bar, 100*frac, amount, speed, msgs, eta)
	p.shown = true
}

// Clear removes the bar from the screen (before other output is printed on
// the same terminal); the next Update draws it again.
func (p *progress) Clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// Finish draws the final state and ends the line.
func (p *progress) Finish(done, msgs int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw(done, msgs, time.Now())
	fmt.Fprintln(p.w)
	p.shown = false
}

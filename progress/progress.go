// Package progress draws a one-line progress bar on a terminal: how much of
// an input is done, how fast, how many messages so far, and when it will
// end. It decides when a bar is wanted (a terminal, an input of known size)
// and stays out of the way of the log lines printed between its updates.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Mode says when a bar is drawn.
type Mode int

// Modes of ParseMode.
const (
	// Auto draws a bar on a terminal only.
	Auto Mode = iota
	// Always draws a bar on any writer.
	Always
	// Never draws no bar.
	Never
)

// ParseMode reads a mode: auto (or ""), always (yes, true) or never (no,
// false), in any case.
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(s) {
	case "auto", "":
		return Auto, nil
	case "always", "yes", "true":
		return Always, nil
	case "never", "no", "false":
		return Never, nil
	}
	return Auto, fmt.Errorf("%q: want auto, always or never", s)
}

// Show reports whether a bar for an input of total samples or bytes (0 or
// less: unknown, as for a stream) is to be drawn on f.
func (m Mode) Show(total int64, f *os.File) bool {
	switch m {
	case Auto:
		return total > 0 && IsTerminal(f)
	case Always:
		return total > 0
	}
	return false
}

// IsTerminal reports whether f looks like a terminal (a character device
// that is not /dev/null, with TERM not "dumb"). It needs no dependency and
// is right for a progress bar's purpose: a pipe or a file never gets one.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(st, null) {
		return false
	}
	return os.Getenv("TERM") != "dumb"
}

// Bar is a progress bar. It redraws at most every 100 ms, and is safe for
// concurrent use. All methods of a nil *Bar do nothing, so a caller need not
// check whether it draws one.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	total    int64   // samples (or bytes) in the input
	rate     float64 // sample rate; 0 counts bytes
	start    time.Time
	last     time.Time
	shown    bool
	width    int
	interval time.Duration
	now      func() time.Time
}

// New returns a bar on w for total samples at rate samples/s (it counts
// seconds of signal), or total bytes when rate is 0; nil when total is not
// positive.
func New(w io.Writer, total int64, rate float64) *Bar {
	if total <= 0 {
		return nil
	}
	return &Bar{w: w, total: total, rate: rate, start: time.Now(), width: 30, interval: 100 * time.Millisecond, now: time.Now}
}

// Update redraws the bar for done samples (or bytes) and msgs messages, if
// the last redraw is old enough.
func (b *Bar) Update(done, msgs int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.shown && now.Sub(b.last) < b.interval {
		return
	}
	b.last = now
	b.draw(done, msgs, now)
}

func (b *Bar) draw(done, msgs int64, now time.Time) {
	frac := min(float64(done)/float64(b.total), 1)
	fill := int(frac * float64(b.width))
	bar := strings.Repeat("█", fill) + strings.Repeat("░", b.width-fill)
	elapsed := now.Sub(b.start).Seconds()
	// With a sample rate the bar counts seconds of signal; without one, bytes.
	amount := fmt.Sprintf("%.1f/%.1f MB", float64(done)/1e6, float64(b.total)/1e6)
	speed := ""
	if b.rate > 0 {
		amount = fmt.Sprintf("%.1f/%.1f s", float64(done)/b.rate, float64(b.total)/b.rate)
	}
	eta := ""
	if elapsed > 0.2 && done > 0 {
		if b.rate > 0 {
			speed = fmt.Sprintf("  %.1f× real time", float64(done)/b.rate/elapsed)
		} else {
			speed = fmt.Sprintf("  %.0f MB/s", float64(done)/1e6/elapsed)
		}
		left := elapsed / frac * (1 - frac)
		eta = fmt.Sprintf("  ETA %s", (time.Duration(left * 1e9)).Round(time.Second))
	}
	fmt.Fprintf(b.w, "\r%s %3.0f%%  %s%s  %d msgs%s\x1b[K", bar, 100*frac, amount, speed, msgs, eta)
	b.shown = true
}

// Clear removes the bar from the screen (before other output is printed on
// the same terminal); the next Update draws it again.
func (b *Bar) Clear() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.shown = false
	}
}

// Finish draws the final state and ends the line.
func (b *Bar) Finish(done, msgs int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.draw(done, msgs, b.now())
	fmt.Fprintln(b.w)
	b.shown = false
}

// Reader counts the bytes read through R (N) for a bar, and tells OnRead
// (when set) the total after every read.
type Reader struct {
	R      io.Reader
	N      int64
	OnRead func(total int64)
}

// Read reads from R and counts.
func (c *Reader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	if c.OnRead != nil {
		c.OnRead(c.N)
	}
	return n, err
}

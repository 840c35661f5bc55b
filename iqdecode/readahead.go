package iqdecode

import (
	"context"
	"runtime/pprof"

	"github.com/gridstream-sdr/gridstream/iq"
)

// readAhead reads and converts a recording on a goroutine of its own while
// the receiver works on the samples read before (with workers: reading is
// then no part of the receiver's serial path).
type readAhead struct {
	full chan readResult
	free chan []complex64
	quit chan struct{}
}

// readResult is one read: the samples (in a buffer from free) and the
// error that ended the read, as Source.Read returned them.
type readResult struct {
	x   []complex64
	err error
}

// readAheadBuffers is how many chunks may be read ahead.
const readAheadBuffers = 2

// startReadAhead reads src in chunks of n samples, limit samples in all
// (-1: to its end), until a read fails or stop is called.
func startReadAhead(src *iq.Source, n int, limit int64) *readAhead {
	ra := &readAhead{full: make(chan readResult, readAheadBuffers), free: make(chan []complex64, readAheadBuffers),
		quit: make(chan struct{})}
	for range readAheadBuffers {
		ra.free <- make([]complex64, n)
	}
	go func() {
		pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("stage", "read")))
		var total int64
		for limit < 0 || total < limit {
			var buf []complex64
			select {
			case buf = <-ra.free:
			case <-ra.quit:
				return
			}
			if limit >= 0 {
				buf = buf[:min(int64(len(buf)), limit-total)]
			}
			k, err := src.Read(buf)
			total += int64(k)
			select {
			case ra.full <- readResult{buf[:k], err}:
			case <-ra.quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ra
}

// next returns the next read's samples and error; release gives the
// samples' buffer back once they are used.
func (ra *readAhead) next() ([]complex64, error) {
	r := <-ra.full
	return r.x, r.err
}

func (ra *readAhead) release(x []complex64) { ra.free <- x[:cap(x)] }

// stop ends the reading: the goroutine ends after a read under way (it
// is not waited for: a pipe may not give its next bytes soon).
func (ra *readAhead) stop() { close(ra.quit) }

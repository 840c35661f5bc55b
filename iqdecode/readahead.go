package iqdecode

import (
	"context"
	"runtime/pprof"

	"github.com/gridstream-sdr/gridstream/iq"
)

// readAhead reads a recording on a goroutine of its own while the receiver
// works on the samples read before (with workers: reading is then no part
// of the receiver's serial path). It reads the samples' bytes: the
// receiver converts them as it writes them to its ring.
type readAhead struct {
	full chan readResult
	free chan []byte
	quit chan struct{}
}

// readResult is one read: the bytes of whole samples (in a buffer from
// free) and the error that ended the read, as Source.ReadRaw returned
// them.
type readResult struct {
	raw []byte
	err error
}

// readAheadBuffers is how many chunks may be read ahead.
const readAheadBuffers = 2

// startReadAhead reads src in chunks of n samples, limit samples in all
// (-1: to its end), until a read fails or stop is called.
func startReadAhead(src *iq.Source, n int, limit int64) *readAhead {
	ra := &readAhead{full: make(chan readResult, readAheadBuffers), free: make(chan []byte, readAheadBuffers),
		quit: make(chan struct{})}
	size := src.Info.Format.Size()
	for range readAheadBuffers {
		ra.free <- make([]byte, n*size)
	}
	if limit >= 0 {
		limit *= int64(size) // in bytes
	}
	go func() {
		pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("stage", "read")))
		var total int64
		for limit < 0 || total < limit {
			var buf []byte
			select {
			case buf = <-ra.free:
			case <-ra.quit:
				return
			}
			if limit >= 0 {
				buf = buf[:min(int64(len(buf)), limit-total)]
			}
			k, err := src.ReadRaw(buf)
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

// next returns the next read's bytes and error, or ctx's cause at once
// when ctx ends first (a quiet pipe need not send its next bytes for a
// Ctrl-C to stop the run); release gives their buffer back once they are
// used.
func (ra *readAhead) next(ctx context.Context) ([]byte, error) {
	select {
	case r := <-ra.full:
		return r.raw, r.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func (ra *readAhead) release(raw []byte) {
	if raw != nil {
		ra.free <- raw[:cap(raw)]
	}
}

// stop ends the reading: the goroutine ends after a read under way (it
// is not waited for: a pipe may not give its next bytes soon).
func (ra *readAhead) stop() { close(ra.quit) }

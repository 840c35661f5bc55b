package iq

import "io"

// Writer encodes complex samples in one Format to an io.Writer. Values
// outside [-1, 1] are clipped (counted by Clipped). Each Write call writes
// through, in chunks, without keeping data back: no Flush is needed. A
// Writer is not safe for concurrent use.
type Writer struct {
	w       io.Writer
	f       Format
	buf     []byte
	samples int64
	clipped int64
}

// NewWriter returns a Writer of format f to w. f must be a known Format.
func NewWriter(w io.Writer, f Format) *Writer {
	if f.Size() == 0 {
		panic("iq: NewWriter with unknown format")
	}
	return &Writer{w: w, f: f, buf: make([]byte, 0, DefaultChunk)}
}

// Format returns the Writer's sample format.
func (w *Writer) Format() Format { return w.f }

// Samples returns the number of samples written.
func (w *Writer) Samples() int64 { return w.samples }

// Clipped returns the number of I or Q values clipped so far.
func (w *Writer) Clipped() int64 { return w.clipped }

// Write encodes and writes p; it returns the number of samples written.
func (w *Writer) Write(p []complex64) (int, error) {
	per := cap(w.buf) / w.f.Size()
	done := 0
	for done < len(p) {
		n := min(per, len(p)-done)
		var c int
		w.buf, c = Encode(w.f, w.buf[:0], p[done:done+n])
		w.clipped += int64(c)
		if _, err := w.w.Write(w.buf); err != nil {
			return done, err
		}
		done += n
		w.samples += int64(n)
	}
	return done, nil
}

package iq

import (
	"errors"
	"fmt"
	"io"
)

// DefaultChunk is the number of bytes a Reader asks its source for at once.
const DefaultChunk = 256 << 10

// TruncatedError reports a stream that ended inside a sample: the trailing
// bytes do not make a whole sample of the format. It wraps
// io.ErrUnexpectedEOF.
type TruncatedError struct {
	Format Format
	// Bytes is the number of trailing bytes dropped.
	Bytes int
	// Samples is the number of whole samples read before.
	Samples int64
}

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("truncated input: the last %d byte(s) after %d samples are not a whole %s sample (%d bytes each)",
		e.Bytes, e.Samples, e.Format, e.Format.Size())
}

// Unwrap returns io.ErrUnexpectedEOF.
func (e *TruncatedError) Unwrap() error { return io.ErrUnexpectedEOF }

// Reader converts a byte stream of one Format into complex samples. It keeps
// partial samples across reads, so the underlying reader may return any byte
// counts. A Reader is not safe for concurrent use.
type Reader struct {
	r       io.Reader
	f       Format
	size    int
	buf     []byte
	pending int // bytes of a partial sample kept at buf[:pending]
	samples int64
	err     error
}

// NewReader returns a Reader of format f over r. It panics only on a
// programming error: f must be a known Format.
func NewReader(r io.Reader, f Format) *Reader {
	return NewReaderSize(r, f, DefaultChunk)
}

// NewReaderSize is NewReader with a read buffer of about chunk bytes.
func NewReaderSize(r io.Reader, f Format, chunk int) *Reader {
	size := f.Size()
	if size == 0 {
		panic("iq: NewReader with unknown format")
	}
	if chunk < 8*size {
		chunk = 8 * size
	}
	chunk -= chunk % size
	return &Reader{r: r, f: f, size: size, buf: make([]byte, chunk)}
}

// Format returns the Reader's sample format.
func (r *Reader) Format() Format { return r.f }

// Samples returns how many samples have been returned so far.
func (r *Reader) Samples() int64 { return r.samples }

// Read fills dst with up to len(dst) samples and returns how many it wrote.
// It returns at least one sample or an error: io.EOF at the end of a stream
// that ended on a sample boundary, a *TruncatedError when it ended inside a
// sample, or the underlying reader's error.
func (r *Reader) Read(dst []complex64) (int, error) {
	if len(dst) == 0 {
		return 0, nil
	}
	for {
		if r.err != nil {
			return 0, r.err
		}
		want := min(len(r.buf), len(dst)*r.size)
		if want < r.size {
			want = r.size
		}
		if r.pending >= want {
			want = r.pending + r.size
			if want > len(r.buf) {
				want = len(r.buf)
			}
		}
		n, err := r.r.Read(r.buf[r.pending:want])
		if n < 0 || n > want-r.pending {
			n, err = 0, errors.New("iq: source returned an impossible byte count")
		}
		have := r.pending + n
		got := Decode(r.f, dst, r.buf[:have])
		used := got * r.size
		r.pending = copy(r.buf, r.buf[used:have])
		r.samples += int64(got)
		if err != nil {
			r.end(err)
		}
		if got > 0 {
			return got, nil
		}
	}
}

// ReadRaw is Read without the conversion: it fills dst with the bytes of
// up to len(dst)/Format().Size() whole samples as the source holds them
// (Decode converts them) and returns how many bytes it wrote, a multiple of
// the sample size. It reads into dst directly and ends as Read does. Read
// and ReadRaw may be mixed.
func (r *Reader) ReadRaw(dst []byte) (int, error) {
	dst = dst[:len(dst)-len(dst)%r.size]
	if len(dst) == 0 {
		return 0, nil
	}
	for {
		if r.err != nil {
			return 0, r.err
		}
		// A partial sample (fewer bytes than one) kept from the last read
		// goes first.
		have := copy(dst, r.buf[:r.pending])
		n, err := r.r.Read(dst[have:])
		if n < 0 || n > len(dst)-have {
			n, err = 0, errors.New("iq: source returned an impossible byte count")
		}
		have += n
		whole := have - have%r.size
		r.pending = copy(r.buf, dst[whole:have])
		r.samples += int64(whole / r.size)
		if err != nil {
			r.end(err)
		}
		if whole > 0 {
			return whole, nil
		}
	}
}

// end keeps the error that ended the stream: a *TruncatedError for one
// that ended inside a sample.
func (r *Reader) end(err error) {
	if errors.Is(err, io.EOF) {
		if r.pending > 0 {
			err = &TruncatedError{Format: r.f, Bytes: r.pending, Samples: r.samples}
			r.pending = 0
		} else {
			err = io.EOF
		}
	}
	r.err = err
}

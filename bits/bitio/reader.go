package bitio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
)

// Format is how bits are stored in a file or message.
type Format int

// The bit formats gridstream reads.
const (
	// Unpacked is one bit per byte, as GNU Radio's binary slicer and file sink
	// write it; only the low bit counts.
	Unpacked Format = iota + 1
	// Packed is eight bits per byte, most significant bit first.
	Packed
	// ASCII is text of '0' and '1'; whitespace is ignored.
	ASCII
	// Float32 is soft symbols, little-endian IEEE-754, turned into bits by
	// SoftBit (greater than zero is 1; a NaN keeps its slot as a 0).
	Float32
)

var formatNames = map[Format]string{Unpacked: "unpacked", Packed: "packed", ASCII: "ascii", Float32: "float32"}

// String returns the format's name as flags spell it.
func (f Format) String() string {
	if n, ok := formatNames[f]; ok {
		return n
	}
	return "unknown"
}

// ParseFormat reads a format name: unpacked (u8, bits), packed, ascii (txt),
// float32 (f32, soft).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "unpacked", "u8", "bits", "bit":
		return Unpacked, nil
	case "packed", "bytes":
		return Packed, nil
	case "ascii", "txt", "text":
		return ASCII, nil
	case "float32", "f32", "soft", "float":
		return Float32, nil
	}
	return 0, fmt.Errorf("unknown bit format %q (want unpacked, packed, ascii or float32)", s)
}

// FormatFromName guesses a format from a file name's extension: .u8 .bits
// .bin → unpacked, .packed → packed, .txt .ascii → ascii, .f32 .float
// .soft → float32. ok is false when the extension says nothing.
func FormatFromName(name string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".u8", ".bits", ".bin":
		return Unpacked, true
	case ".packed":
		return Packed, true
	case ".txt", ".ascii":
		return ASCII, true
	case ".f32", ".float", ".soft":
		return Float32, true
	}
	return 0, false
}

// Sniff guesses a format from the first bytes of a stream: only 0x00 and
// 0x01 means unpacked; only '0', '1' and whitespace means ASCII. Packed and
// float32 data cannot be told apart, so ok is false for anything else.
func Sniff(head []byte) (f Format, ok bool) {
	if len(head) == 0 {
		return 0, false
	}
	unpacked, ascii := true, true
	for _, b := range head {
		unpacked = unpacked && b <= 1
		ascii = ascii && (b == '0' || b == '1' || isSpace(b))
	}
	switch {
	case unpacked:
		return Unpacked, true
	case ascii:
		return ASCII, true
	}
	return 0, false
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == '\f' || b == '\v'
}

// ErrTrailingBytes reports a float32 stream whose length is not a multiple of
// four: the last partial sample is ignored.
var ErrTrailingBytes = errors.New("stream ends inside a float32 sample")

// Reader turns a stream in one of the Formats into unpacked bits (one 0/1 per
// byte), optionally inverted for the opposite tone polarity.
type Reader struct {
	r       io.Reader
	format  Format
	invert  byte
	buf     []byte
	carry   int   // float32: bytes of a partial sample kept at the front of buf
	skipped int64 // ASCII: bytes that were neither bits nor whitespace
	nan     int64 // float32: NaN samples
	left    [8]byte
	leftAt  int // packed: r.left[leftAt:leftEnd] are bits not yet handed out
	leftEnd int
}

// NewReader returns a Reader of r in format f.
func NewReader(r io.Reader, f Format, invert bool) *Reader {
	rd := &Reader{r: r, format: f}
	if invert {
		rd.invert = 1
	}
	return rd
}

// Skipped returns how many ASCII bytes were neither '0', '1' nor whitespace
// (decoded as nothing).
func (r *Reader) Skipped() int64 { return r.skipped }

// Unreliable returns how many float32 samples were NaN: each kept its slot
// as a 0 (SoftBit).
func (r *Reader) Unreliable() int64 { return r.nan }

// Read fills p with unpacked bits. It returns io.EOF at the end of the
// stream, and ErrTrailingBytes (once, after the last bits) when a float32
// stream ends inside a sample.
func (r *Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	switch r.format {
	case Unpacked:
		n, err := r.r.Read(p)
		normalize(p[:n], r.invert)
		return n, err
	case Packed:
		return r.readPacked(p)
	case ASCII:
		src := r.grow(len(p))[:len(p)]
		k, err := r.r.Read(src)
		n := 0
		for _, b := range src[:k] {
			switch {
			case b == '0' || b == '1':
				p[n] = b&1 ^ r.invert
				n++
			case !isSpace(b):
				r.skipped++
			}
		}
		return n, err
	case Float32:
		return r.readFloat(p)
	}
	return 0, fmt.Errorf("bitio: reader has no format")
}

// readPacked expands bytes MSB first; bits of a byte that do not fit in p
// wait in r.left for the next call.
func (r *Reader) readPacked(p []byte) (int, error) {
	n := copy(p, r.left[r.leftAt:r.leftEnd])
	r.leftAt += n
	if n == len(p) {
		return n, nil
	}
	m := max((len(p)-n)/8, 1)
	src := r.grow(m)[:m]
	k, err := r.r.Read(src)
	for _, b := range src[:k] {
		b ^= -r.invert // 0x00 or 0xFF
		if len(p)-n >= 8 {
			for j := 7; j >= 0; j-- {
				p[n] = b >> j & 1
				n++
			}
			continue
		}
		for j := 7; j >= 0; j-- {
			r.left[7-j] = b >> j & 1
		}
		r.leftAt = copy(p[n:], r.left[:])
		r.leftEnd = 8
		n += r.leftAt
	}
	if err == io.EOF && r.leftAt < r.leftEnd {
		err = nil // hand out the waiting bits first
	}
	return n, err
}

func (r *Reader) readFloat(p []byte) (int, error) {
	want := 4 * len(p)
	src := r.grow(want)[:want]
	k, err := r.r.Read(src[r.carry:])
	k += r.carry
	whole := k / 4
	n := 0
	for i := range whole {
		v := math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		if r.invert != 0 {
			v = -v
		}
		b, reliable := SoftBit(v)
		if !reliable {
			r.nan++
		}
		p[n] = b
		n++
	}
	r.carry = copy(src, src[4*whole:k])
	if err == io.EOF && r.carry > 0 {
		r.carry = 0
		return n, ErrTrailingBytes
	}
	return n, err
}

func (r *Reader) grow(n int) []byte {
	if cap(r.buf) < n {
		nb := make([]byte, n)
		copy(nb, r.buf[:r.carry])
		r.buf = nb
	}
	return r.buf[:cap(r.buf)]
}

package bitio_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
)

// PackWord and PackPartial agree with Pack, the byte-at-a-time rule, on
// bytes whose high bits are set too.
func TestPackWord(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		p := make([]byte, 64)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		want := binary.BigEndian.Uint64(bitio.Pack(p))
		if got := bitio.PackWord(p); got != want {
			t.Fatalf("PackWord(%v) = %064b, want %064b", p, got, want)
		}
		n := rng.IntN(65)
		wantPart := binary.BigEndian.Uint64(append(bitio.Pack(p[:n]), make([]byte, 8)...))
		if got := bitio.PackPartial(p[:n]); got != wantPart {
			t.Fatalf("PackPartial(%v) = %064b, want %064b", p[:n], got, wantPart)
		}
	}
}

// The unpacked reader keeps only each byte's low bit (inverted or not),
// whatever the read size and alignment.
func TestReaderUnpackedWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	in := make([]byte, 5000)
	for i := range in {
		in[i] = byte(rng.Uint32())
	}
	for _, invert := range []bool{false, true} {
		want := make([]byte, len(in))
		for i, b := range in {
			want[i] = b & 1
			if invert {
				want[i] ^= 1
			}
		}
		for _, size := range []int{1, 7, 15, 16, 17, 31, 64, 100, 4096, 8192} {
			r := bitio.NewReader(bytes.NewReader(in), bitio.Unpacked, invert)
			var got []byte
			buf := make([]byte, size)
			for {
				n, err := r.Read(buf)
				got = append(got, buf[:n]...)
				if err == io.EOF {
					break
				}
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("invert %v, reads of %d: wrong bits", invert, size)
			}
		}
	}
}

package bitio_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
)

// lsbFirst packs unpacked bits the slow way: bit i of the word is p[i]'s
// low bit.
func lsbFirst(p []byte) uint64 {
	var w uint64
	for i, b := range p {
		w |= uint64(b&1) << i
	}
	return w
}

// PackWords and PackPartial agree with the bit-at-a-time rule, on bytes
// whose high bits are set too.
func TestPackWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		n := rng.IntN(40)
		src := make([]byte, 64*n+rng.IntN(64))
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		dst := make([]uint64, n+1)
		dst[n] = 12345
		bitio.PackWords(dst[:n], src)
		for k := range n {
			if want := lsbFirst(src[64*k : 64*k+64]); dst[k] != want {
				t.Fatalf("word %d of %d: %064b, want %064b", k, n, dst[k], want)
			}
		}
		if dst[n] != 12345 {
			t.Fatal("PackWords wrote past its words")
		}
		tail := src[64*n:]
		if got, want := bitio.PackPartial(tail), lsbFirst(tail); got != want {
			t.Fatalf("PackPartial(%v) = %064b, want %064b", tail, got, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("PackWords with too short a src did not panic")
		}
	}()
	bitio.PackWords(make([]uint64, 2), make([]byte, 127))
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
		for _, size := range []int{1, 7, 15, 16, 17, 31, 63, 64, 65, 100, 127, 128, 129, 4096, 8192} {
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

package bitio_test

import (
	"bytes"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
)

// FuzzReader reads arbitrary bytes in every format.
func FuzzReader(f *testing.F) {
	f.Add([]byte("0101 1100\n"), uint8(3))
	f.Add([]byte{0, 0, 0x80, 0x3F, 0x12}, uint8(4))
	f.Fuzz(func(t *testing.T, in []byte, format uint8) {
		r := bitio.NewReader(bytes.NewReader(in), bitio.Format(format%4+1), format&8 != 0)
		buf := make([]byte, 5)
		for range 10 * (len(in) + 1) {
			n, err := r.Read(buf)
			for _, b := range buf[:n] {
				if b > 1 {
					t.Fatalf("reader produced %d", b)
				}
			}
			if err != nil {
				return
			}
		}
		t.Fatal("reader never ended")
	})
}

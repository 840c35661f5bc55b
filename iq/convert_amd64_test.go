//go:build !purego

package iq

import "testing"

// TestDecode8Divider runs TestDecode8Tables on cu8AVX2, the divider kernel
// CPUs without FMA3 use (the default test runs cu8FMA where there is one).
func TestDecode8Divider(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2")
	}
	defer func(f bool) { useFMA = f }(useFMA)
	useFMA = false
	TestDecode8Tables(t)
}

// BenchmarkDecodeCU8 converts 64K cu8 samples with the kernel the CPU
// runs and with the divider one.
func BenchmarkDecodeCU8(b *testing.B) {
	src := make([]byte, 2<<16)
	for i := range src {
		src[i] = byte(i * 7)
	}
	dst := make([]complex64, 1<<16)
	for _, k := range []struct {
		name string
		fma  bool
	}{{"default", useFMA}, {"divider", false}} {
		b.Run(k.name, func(b *testing.B) {
			defer func(f bool) { useFMA = f }(useFMA)
			useFMA = k.fma
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				Decode(CU8, dst, src)
			}
		})
	}
}

//go:build !purego

package demod

import "testing"

// TestKernelsMatchGoAVX2Only: where the CPU has AVX-512, the kernel tests
// again with the AVX2 kernels alone (the other tests cover the AVX-512
// ones, which the CPU then runs first, and their AVX2 and Go tails).
func TestKernelsMatchGoAVX2Only(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512: the kernel tests cover the AVX2 kernels alone")
	}
	useAVX512 = false
	defer func() { useAVX512 = hasAVX512 }()
	t.Run("kernels", TestKernelsMatchGo)
	t.Run("fft", TestFFTKernelsMatchGo)
	t.Run("tones", TestToneKernelsMatchGo)
}

//go:build !purego

package demod

import "github.com/gridstream-sdr/gridstream/internal/avx2"

// The AVX-512 (F) kernels: the hottest AVX2 kernels of the wideband
// search and channels eight complex64 at a time, the same operations in
// the same order (TestKernelsMatchGo, TestFFTKernelsMatchGo and
// TestToneKernelsMatchGo run them, TestKernelsMatchGoAVX2Only the AVX2
// ones alone). One core, whole process, 20 MS/s: 6 % less CPU; 2.4 MS/s
// about the same.

//go:noescape
func halfband7AVX512(dst, src *complex64, n int, taps *[3]float32)

//go:noescape
func stage64AVX512(x *complex64, tw *float64, n, half int)

//go:noescape
func mixOscAVX512(dst, src, osc *complex64, n int)

//go:noescape
func mixOscDCAVX512(dst, src, osc *complex64, n int, dc complex64)

// hasAVX512 reports whether the CPU runs the AVX-512 kernels.
var hasAVX512 = avx2.AVX512

// useAVX512 selects them where the CPU has them and useAVX2 is on (tests
// turn it off to compare).
var useAVX512 = hasAVX512

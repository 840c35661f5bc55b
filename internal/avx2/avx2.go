// Package avx2 reports whether the CPU and OS run AVX2 code: the packages
// with AVX2 kernels (demod, iq) check it once and keep a Go loop for
// everywhere else.
package avx2

// Available is true when the CPU has AVX2 and the OS saves the YMM
// registers (amd64 only).
var Available = available()

// AVX512 is true when the CPU also has AVX-512 F and the OS saves the ZMM
// registers (amd64 only).
var AVX512 = Available && avx512()

// FMA is true when the CPU also has the FMA3 fused multiply-adds on YMM
// registers (amd64 only).
var FMA = Available && fma()

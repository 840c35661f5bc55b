//go:build !purego

package iq

import "github.com/gridstream-sdr/gridstream/internal/avx2"

//go:noescape
func cu8AVX2(dst *complex64, src *byte, n int)

//go:noescape
func cu8FMA(dst *complex64, src *byte, n int)

//go:noescape
func cs8AVX2(dst *complex64, src *byte, n int)

// useAVX2 selects the AVX2 conversions and useFMA cu8's without a divider
// (tests turn them off to compare).
var useAVX2, useFMA = avx2.Available, avx2.FMA

// decode8 converts the first whole groups of four 8-bit samples of src
// (cu8 or cs8: the same values as the tables) into dst and returns how many
// it converted (len(dst) <= len(src)/2).
func decode8(f Format, dst []complex64, src []byte) int {
	n := len(dst) &^ 3
	if !useAVX2 || n == 0 {
		return 0
	}
	_ = src[2*n-1]
	switch {
	case f == CU8 && useFMA:
		cu8FMA(&dst[0], &src[0], n)
	case f == CU8:
		cu8AVX2(&dst[0], &src[0], n)
	default:
		cs8AVX2(&dst[0], &src[0], n)
	}
	return n
}

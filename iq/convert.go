package iq

import (
	"encoding/binary"
	"math"
)

// cu8LUT maps an unsigned 8-bit sample to [-1, 1].
var cu8LUT [256]float32

// cs8LUT maps a signed 8-bit sample (as a byte) to [-1, 1).
var cs8LUT [256]float32

func init() {
	for i := range 256 {
		cu8LUT[i] = (float32(i) - 127.5) / 127.5
		cs8LUT[i] = float32(int8(uint8(i))) / 128
	}
}

// Decode converts the whole samples in src (format f) into dst and returns
// how many samples it wrote: min(len(dst), len(src)/f.Size()). Non-finite
// cf32 values become 0. It never allocates.
func Decode(f Format, dst []complex64, src []byte) int {
	size := f.Size()
	if size == 0 {
		return 0
	}
	n := min(len(dst), len(src)/size)
	dst = dst[:n]
	switch f {
	case CU8:
		k := decode8(f, dst, src)
		dst, src = dst[k:], src[2*k:2*n]
		for i := range dst {
			dst[i] = complex(cu8LUT[src[2*i]], cu8LUT[src[2*i+1]])
		}
	case CS8:
		k := decode8(f, dst, src)
		dst, src = dst[k:], src[2*k:2*n]
		for i := range dst {
			dst[i] = complex(cs8LUT[src[2*i]], cs8LUT[src[2*i+1]])
		}
	case CS16:
		src = src[:4*n]
		for i := range dst {
			re := int16(binary.LittleEndian.Uint16(src[4*i:]))
			im := int16(binary.LittleEndian.Uint16(src[4*i+2:]))
			dst[i] = complex(float32(re)*(1.0/32768), float32(im)*(1.0/32768))
		}
	case CF32:
		src = src[:8*n]
		for i := range dst {
			re := math.Float32frombits(binary.LittleEndian.Uint32(src[8*i:]))
			im := math.Float32frombits(binary.LittleEndian.Uint32(src[8*i+4:]))
			// x-x is NaN for NaN and ±Inf: keep garbage out of the DSP.
			if re-re != 0 {
				re = 0
			}
			if im-im != 0 {
				im = 0
			}
			dst[i] = complex(re, im)
		}
	}
	return n
}

// Encode appends the samples of src in format f to dst and returns the
// extended slice and the number of I or Q values that had to be clipped to
// the format's range (always 0 for CF32).
func Encode(f Format, dst []byte, src []complex64) ([]byte, int) {
	clipped := 0
	switch f {
	case CU8:
		for _, s := range src {
			var c int
			var i, q byte
			i, c = quantU8(real(s))
			clipped += c
			q, c = quantU8(imag(s))
			clipped += c
			dst = append(dst, i, q)
		}
	case CS8:
		for _, s := range src {
			var c int
			var i, q int8
			i, c = quantS8(real(s))
			clipped += c
			q, c = quantS8(imag(s))
			clipped += c
			dst = append(dst, byte(i), byte(q))
		}
	case CS16:
		for _, s := range src {
			var c int
			var i, q int16
			i, c = quantS16(real(s))
			clipped += c
			q, c = quantS16(imag(s))
			clipped += c
			dst = binary.LittleEndian.AppendUint16(dst, uint16(i))
			dst = binary.LittleEndian.AppendUint16(dst, uint16(q))
		}
	case CF32:
		for _, s := range src {
			dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(real(s)))
			dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(imag(s)))
		}
	}
	return dst, clipped
}

func quantU8(x float32) (byte, int) {
	v := float64(x)*127.5 + 127.5
	switch {
	case v != v: // NaN
		return 128, 1
	case v < 0:
		return 0, 1
	case v > 255:
		return 255, 1
	}
	return byte(math.Round(v)), 0
}

func quantS8(x float32) (int8, int) {
	v := float64(x) * 128
	switch {
	case v != v:
		return 0, 1
	case v < -128:
		return -128, 1
	case v > 127:
		// +1.0 is full scale: 127 is as close as the format gets.
		if v > 128 {
			return 127, 1
		}
		return 127, 0
	}
	return int8(math.Round(v)), 0
}

func quantS16(x float32) (int16, int) {
	v := float64(x) * 32768
	switch {
	case v != v:
		return 0, 1
	case v < -32768:
		return -32768, 1
	case v > 32767:
		if v > 32768 {
			return 32767, 1
		}
		return 32767, 0
	}
	return int16(math.Round(v)), 0
}

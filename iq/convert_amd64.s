//go:build !purego

#include "textflag.h"

// func cu8AVX2(dst *complex64, src *byte, n int)
// dst[i] = complex((float32(src[2i])-127.5)/127.5, (float32(src[2i+1])-127.5)/127.5)
// for i < n (a positive multiple of 4): cu8LUT's values (the same float32
// operations, the division rounded once).
TEXT ·cu8AVX2(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVL         $0x42ff0000, AX // 127.5
	VMOVD        AX, X15
	VBROADCASTSS X15, Y15

cu8loop:
	VPMOVZXBD (SI), Y0
	VCVTDQ2PS Y0, Y0
	VSUBPS    Y15, Y0, Y0
	VDIVPS    Y15, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $8, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       cu8loop
	VZEROUPPER
	RET

// func cu8FMA(dst *complex64, src *byte, n int)
// cu8AVX2's values without its divider: with h = 127.5, r = float32(1/h)
// and a = float32(src[k]) - h (exact), q = a*r is corrected once by its
// exact residual a - q*h (one FMA) to q + (a - q*h)*r (another), which is
// a/h rounded once for all 256 bytes (TestDecode8Tables checks each).
TEXT ·cu8FMA(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVL         $0x42ff0000, AX // 127.5
	VMOVD        AX, X15
	VBROADCASTSS X15, Y15
	MOVL         $0x3c008081, AX // float32(1/127.5)
	VMOVD        AX, X14
	VBROADCASTSS X14, Y14

cu8fmaloop:
	VPMOVZXBD    (SI), Y0
	VCVTDQ2PS    Y0, Y0
	VSUBPS       Y15, Y0, Y0
	VMULPS       Y14, Y0, Y1
	VFNMADD231PS Y1, Y15, Y0 // a - q*h
	VFMADD231PS  Y0, Y14, Y1 // q + that*r
	VMOVUPS      Y1, (DI)
	ADDQ         $8, SI
	ADDQ         $32, DI
	SUBQ         $4, CX
	JNZ          cu8fmaloop
	VZEROUPPER
	RET

// func cs8AVX2(dst *complex64, src *byte, n int)
// dst[i] = complex(float32(int8(src[2i]))/128, float32(int8(src[2i+1]))/128)
// for i < n (a positive multiple of 4): cs8LUT's values (dividing by 128
// is exact, as is multiplying by 1/128).
TEXT ·cs8AVX2(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVL         $0x3c000000, AX // 1/128
	VMOVD        AX, X15
	VBROADCASTSS X15, Y15

cs8loop:
	VPMOVSXBD (SI), Y0
	VCVTDQ2PS Y0, Y0
	VMULPS    Y15, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $8, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       cs8loop
	VZEROUPPER
	RET

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
// cu8AVX2 without the divider (a VDIVPS a group of four samples is the
// loop's bound): the quotient q = a·(1/127.5) corrected once, q + (a −
// q·127.5)·(1/127.5), both with one rounding (FMA). For the 256 values a
// byte can have this is the division rounded once (TestDecode8Tables
// checks every one), at a fraction of its cost; 8 samples a turn.
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
	TESTQ        $4, CX
	JZ           cu8fma8

	// A group of four first: then n is a multiple of 8.
	VPMOVZXBD   (SI), Y0
	VCVTDQ2PS   Y0, Y0
	VSUBPS      Y15, Y0, Y0
	VMULPS      Y14, Y0, Y1
	VFNMADD231PS Y15, Y1, Y0 // a − q·127.5
	VFMADD231PS  Y14, Y0, Y1 // q + that·(1/127.5)
	VMOVUPS     Y1, (DI)
	ADDQ        $8, SI
	ADDQ        $32, DI
	SUBQ        $4, CX
	JZ          cu8fmadone

cu8fma8:
	VPMOVZXBD    (SI), Y0
	VPMOVZXBD    8(SI), Y2
	VCVTDQ2PS    Y0, Y0
	VCVTDQ2PS    Y2, Y2
	VSUBPS       Y15, Y0, Y0
	VSUBPS       Y15, Y2, Y2
	VMULPS       Y14, Y0, Y1
	VMULPS       Y14, Y2, Y3
	VFNMADD231PS Y15, Y1, Y0
	VFNMADD231PS Y15, Y3, Y2
	VFMADD231PS  Y14, Y0, Y1
	VFMADD231PS  Y14, Y2, Y3
	VMOVUPS      Y1, (DI)
	VMOVUPS      Y3, 32(DI)
	ADDQ         $16, SI
	ADDQ         $64, DI
	SUBQ         $8, CX
	JNZ          cu8fma8

cu8fmadone:
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

//go:build !purego

#include "textflag.h"

// func mix4PairSpanAVX2(dstA, dstB, x *complex64, n int, oscA, oscB *[4]complex64, stepA, stepB complex64, span *[16]uint32)
// mix4PairAVX2 (the same products and sums, so the same bits: each
// oscillator's update takes its swapped copy the mixing made instead of
// two more shuffles) that also keeps, per lane, over the float32 parts
// written to dstA and dstB: the smallest |bits|-1 (unsigned, so a zero's
// is all ones) into span[:8] and the largest |bits| into span[8:].
TEXT ·mix4PairSpanAVX2(SB), NOSPLIT, $0-72
	MOVQ         dstA+0(FP), DI
	MOVQ         dstB+8(FP), R8
	MOVQ         x+16(FP), SI
	MOVQ         n+24(FP), CX
	MOVQ         oscA+32(FP), DX
	MOVQ         oscB+40(FP), R9
	VMOVUPS      (DX), Y0
	VBROADCASTSS stepA_real+48(FP), Y1
	VBROADCASTSS stepA_imag+52(FP), Y2
	VMOVUPS      (R9), Y9
	VBROADCASTSS stepB_real+56(FP), Y10
	VBROADCASTSS stepB_imag+60(FP), Y11
	MOVL         $0x7FFFFFFF, AX
	VMOVD        AX, X12
	VPBROADCASTD X12, Y12 // |·| mask
	VPCMPEQD     Y13, Y13, Y13 // all ones: -1
	VMOVDQU      Y13, Y14 // lo: all ones
	VPXOR        Y15, Y15, Y15 // hi

mixspanloop:
	VMOVUPS   (SI), Y3
	VMOVSLDUP Y3, Y4
	VMOVSHDUP Y3, Y5
	VPERMILPS $0xB1, Y0, Y6
	VMULPS    Y0, Y4, Y7
	VMULPS    Y6, Y5, Y3
	VADDSUBPS Y3, Y7, Y7
	VMOVUPS   Y7, (DI)
	VMULPS    Y1, Y0, Y3 // (or·sr, oi·sr)
	VMULPS    Y2, Y6, Y6 // (oi·si, or·si)
	VADDSUBPS Y6, Y3, Y0
	VPERMILPS $0xB1, Y9, Y6
	VMULPS    Y9, Y4, Y8
	VMULPS    Y6, Y5, Y3
	VADDSUBPS Y3, Y8, Y8
	VMOVUPS   Y8, (R8)
	VMULPS    Y10, Y9, Y3
	VMULPS    Y11, Y6, Y6
	VADDSUBPS Y6, Y3, Y9
	VPAND     Y12, Y7, Y7
	VPAND     Y12, Y8, Y8
	VPMAXUD   Y8, Y7, Y3
	VPMAXUD   Y3, Y15, Y15
	VPADDD    Y13, Y7, Y7
	VPADDD    Y13, Y8, Y8
	VPMINUD   Y8, Y7, Y7
	VPMINUD   Y7, Y14, Y14
	ADDQ      $32, SI
	ADDQ      $32, DI
	ADDQ      $32, R8
	SUBQ      $4, CX
	JNZ       mixspanloop
	VMOVUPS   Y0, (DX)
	VMOVUPS   Y9, (R9)
	MOVQ      span+64(FP), DI
	VMOVDQU   Y14, (DI)
	VMOVDQU   Y15, 32(DI)
	VZEROUPPER
	RET

//go:build !purego

#include "textflag.h"

// func powersAVX2(dst *float32, x *complex64, n int, hilo *[2]uint32)
// powersGo's loop for k < n (a positive multiple of 8): dst[k] = re²+im²
// in float32 (each square rounded, then their sum: HADDPS adds re² and
// im² of one sample), and hilo = {max, min} of the bit patterns, from
// hilo's values.
TEXT ·powersAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         hilo+24(FP), DX
	VPBROADCASTD (DX), Y6  // max so far
	VPBROADCASTD 4(DX), Y7 // min so far

powersloop:
	VMOVUPS   (SI), Y0    // re0 im0 … re3 im3
	VMOVUPS   32(SI), Y1  // re4 im4 … re7 im7
	VMULPS    Y0, Y0, Y0
	VMULPS    Y1, Y1, Y1
	VHADDPS   Y1, Y0, Y2  // p0 p1 p4 p5 | p2 p3 p6 p7
	VPERMPD   $0xD8, Y2, Y2 // p0 … p7
	VMOVUPS   Y2, (DI)
	VPMAXUD   Y2, Y6, Y6
	VPMINUD   Y2, Y7, Y7
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $8, CX
	JNZ       powersloop

	VEXTRACTI128 $1, Y6, X0
	VPMAXUD      X0, X6, X6
	VPSHUFD      $0x4E, X6, X0
	VPMAXUD      X0, X6, X6
	VPSHUFD      $0xB1, X6, X0
	VPMAXUD      X0, X6, X6
	VMOVD        X6, (DX)
	VEXTRACTI128 $1, Y7, X0
	VPMINUD      X0, X7, X7
	VPSHUFD      $0x4E, X7, X0
	VPMINUD      X0, X7, X7
	VPSHUFD      $0xB1, X7, X0
	VPMINUD      X0, X7, X7
	VMOVD        X7, 4(DX)
	VZEROUPPER
	RET

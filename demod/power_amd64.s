//go:build !purego

#include "textflag.h"

// func powerBlocksAVX2(dst *float32, x *complex64, n int, hi, lo *uint32)
// powerBlocksGo's loop for n bins (a positive multiple of 8): dst[k] =
// re²+im² in float32 (each square rounded, then their sum: HADDPS adds
// re² and im² of one sample), and per run of 8 bins the largest and the
// smallest bit pattern to hi[k/8] and lo[k/8].
TEXT ·powerBlocksAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ hi+24(FP), R8
	MOVQ lo+32(FP), R9

powerloop:
	VMOVUPS      (SI), Y0        // re0 im0 … re3 im3
	VMOVUPS      32(SI), Y1      // re4 im4 … re7 im7
	VMULPS       Y0, Y0, Y0
	VMULPS       Y1, Y1, Y1
	VHADDPS      Y1, Y0, Y2      // p0 p1 p4 p5 | p2 p3 p6 p7
	VPERMPD      $0xD8, Y2, Y2   // p0 … p7
	VMOVUPS      Y2, (DI)
	VEXTRACTI128 $1, Y2, X3
	VPMAXUD      X3, X2, X4
	VPMINUD      X3, X2, X5
	VPSHUFD      $0x4E, X4, X6
	VPSHUFD      $0x4E, X5, X7
	VPMAXUD      X6, X4, X4
	VPMINUD      X7, X5, X5
	VPSHUFD      $0xB1, X4, X6
	VPSHUFD      $0xB1, X5, X7
	VPMAXUD      X6, X4, X4
	VPMINUD      X7, X5, X5
	VMOVD        X4, (R8)
	VMOVD        X5, (R9)
	ADDQ         $64, SI
	ADDQ         $32, DI
	ADDQ         $4, R8
	ADDQ         $4, R9
	SUBQ         $8, CX
	JNZ          powerloop
	VZEROUPPER
	RET

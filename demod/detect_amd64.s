//go:build !purego

#include "textflag.h"

// func smooth5AVX2(s, p *float32, n int)
// For k < n (a positive multiple of 4): s[k] = float32(p[k] + p[k+1] +
// p[k+2] + p[k+3] + p[k+4]), the sum in float64 from the left (smooth5's
// windows), four windows at a time.
TEXT ·smooth5AVX2(SB), NOSPLIT, $0-24
	MOVQ s+0(FP), DI
	MOVQ p+8(FP), SI
	MOVQ n+16(FP), CX

sm5loop:
	VCVTPS2PD  (SI), Y0
	VCVTPS2PD  4(SI), Y1
	VCVTPS2PD  8(SI), Y2
	VCVTPS2PD  12(SI), Y3
	VCVTPS2PD  16(SI), Y4
	VADDPD     Y1, Y0, Y0
	VADDPD     Y2, Y0, Y0
	VADDPD     Y3, Y0, Y0
	VADDPD     Y4, Y0, Y0
	VCVTPD2PSY Y0, X0
	VMOVUPS    X0, (DI)
	ADDQ       $16, SI
	ADDQ       $16, DI
	SUBQ       $4, CX
	JNZ        sm5loop
	VZEROUPPER
	RET

//go:build !purego

#include "textflag.h"

// func phaseStepsAVX2(dst *float32, z *complex64, n int, c *[6][8]float32)
// For k < n (a positive multiple of 8): dst[k] = fastAtan2(im, re) of
// z[k+1]·conj(z[k]), with phaseStepsGo's float32 operations in its order
// (no FMA); fastAtan2's branches become blends of every path. c holds its
// constants (c0, c1, c2, π/2, π, -0) eight times each. It reads z[:n+1].
// The eight lanes hold samples 0, 1, 4, 5, 2, 3, 6, 7 until the store.
TEXT ·phaseStepsAVX2(SB), NOSPLIT, $0-32
	MOVQ   dst+0(FP), DI
	MOVQ   z+8(FP), SI
	MOVQ   n+16(FP), CX
	MOVQ   c+24(FP), DX
	VXORPS Y14, Y14, Y14  // +0
	VMOVUPS 160(DX), Y15  // the sign bit

psloop:
	VMOVUPS (SI), Y0    // b = z[k..k+3]
	VMOVUPS 32(SI), Y1  // b = z[k+4..k+7]
	VMOVUPS 8(SI), Y2   // a = z[k+1..k+4]
	VMOVUPS 40(SI), Y3  // a = z[k+5..k+8]
	VSHUFPS $0x88, Y1, Y0, Y4 // br
	VSHUFPS $0xDD, Y1, Y0, Y5 // bi
	VSHUFPS $0x88, Y3, Y2, Y6 // ar
	VSHUFPS $0xDD, Y3, Y2, Y7 // ai
	VMULPS  Y4, Y6, Y8  // ar·br
	VMULPS  Y5, Y7, Y9  // ai·bi
	VADDPS  Y9, Y8, Y8  // x = re
	VMULPS  Y4, Y7, Y9  // ai·br
	VMULPS  Y5, Y6, Y10 // ar·bi
	VSUBPS  Y10, Y9, Y9 // y = im

	// fastAtan2(y, x)
	VCMPPS    $1, Y14, Y8, Y10 // x < 0
	VXORPS    Y15, Y8, Y11
	VBLENDVPS Y10, Y11, Y8, Y11 // ax
	VCMPPS    $1, Y14, Y9, Y12  // y < 0
	VXORPS    Y15, Y9, Y13
	VBLENDVPS Y12, Y13, Y9, Y13 // ay
	VCMPPS    $1, Y13, Y11, Y0  // ay > ax
	VBLENDVPS Y0, Y13, Y11, Y1  // mx
	VBLENDVPS Y0, Y11, Y13, Y2  // mn
	VCMPPS    $0, Y14, Y1, Y3   // mx == 0
	VDIVPS    Y1, Y2, Y4        // a = mn / mx
	VMULPS    Y4, Y4, Y5        // s = a·a
	VMULPS    (DX), Y5, Y6      // c0·s
	VADDPS    32(DX), Y6, Y6    // + c1
	VMULPS    Y5, Y6, Y6        // ·s
	VSUBPS    64(DX), Y6, Y6    // - c2
	VMULPS    Y5, Y6, Y6        // ·s
	VMULPS    Y4, Y6, Y6        // ·a
	VADDPS    Y4, Y6, Y6        // + a = r
	VMOVUPS   96(DX), Y7
	VSUBPS    Y6, Y7, Y7        // π/2 - r
	VBLENDVPS Y0, Y7, Y6, Y6    // if ay > ax
	VMOVUPS   128(DX), Y7
	VSUBPS    Y6, Y7, Y7        // π - r
	VBLENDVPS Y10, Y7, Y6, Y6   // if x < 0
	VXORPS    Y15, Y6, Y7       // -r
	VBLENDVPS Y12, Y7, Y6, Y6   // if y < 0
	VBLENDVPS Y3, Y14, Y6, Y6   // 0 if mx == 0
	VPERMPD   $0xD8, Y6, Y6     // lanes back in order
	VMOVUPS   Y6, (DI)

	ADDQ $32, DI
	ADDQ $64, SI
	SUBQ $8, CX
	JNZ  psloop
	VZEROUPPER
	RET

// func toneSumsAVX2(cp, cm *complex64, s *float32, pp, pm *complex64, n, L int)
// For i < n (n ≥ 1, L ≥ 1): toneSumsGo's loop. The two running sums are
// one vector of four float64 (ap's real and imaginary parts, then am's),
// each added to and subtracted from in Go's order; the energy difference
// is ((p0 + p1) - p2) - p3 of their squares, in float64, as Go evaluates
// it.
TEXT ·toneSumsAVX2(SB), NOSPLIT, $0-56
	MOVQ   cp+0(FP), DI
	MOVQ   cm+8(FP), R8
	MOVQ   s+16(FP), R9
	MOVQ   pp+24(FP), SI
	MOVQ   pm+32(FP), R10
	MOVQ   n+40(FP), CX
	MOVQ   L+48(FP), DX
	VXORPD Y0, Y0, Y0
	XORQ   AX, AX
	MOVQ   DX, R11
	CMPQ   R11, CX
	CMOVQGT CX, R11 // min(L, n): the samples before the window is full

tshead:
	CMPQ      AX, R11
	JGE       tsbody
	VMOVSD    (SI)(AX*8), X1
	VMOVHPS   (R10)(AX*8), X1, X1
	VCVTPS2PD X1, Y1
	VADDPD    Y1, Y0, Y0
	VCVTPD2PSY Y0, X3
	VMOVLPS   X3, (DI)(AX*8)
	VMOVHPS   X3, (R8)(AX*8)
	VMULPD    Y0, Y0, Y4
	VEXTRACTF128 $1, Y4, X5
	VHADDPD   X4, X4, X6
	VSUBSD    X5, X6, X6
	VPERMILPD $1, X5, X7
	VSUBSD    X7, X6, X6
	VCVTSD2SS X6, X6, X6
	VMOVSS    X6, (R9)(AX*4)
	INCQ      AX
	JMP       tshead

tsbody:
	CMPQ      AX, CX
	JGE       tsdone
	MOVQ      AX, BX
	SUBQ      DX, BX
	VMOVSD    (SI)(AX*8), X1
	VMOVHPS   (R10)(AX*8), X1, X1
	VCVTPS2PD X1, Y1
	VMOVSD    (SI)(BX*8), X2
	VMOVHPS   (R10)(BX*8), X2, X2
	VCVTPS2PD X2, Y2
	VADDPD    Y1, Y0, Y0
	VSUBPD    Y2, Y0, Y0
	VCVTPD2PSY Y0, X3
	VMOVLPS   X3, (DI)(AX*8)
	VMOVHPS   X3, (R8)(AX*8)
	VMULPD    Y0, Y0, Y4
	VEXTRACTF128 $1, Y4, X5
	VHADDPD   X4, X4, X6
	VSUBSD    X5, X6, X6
	VPERMILPD $1, X5, X7
	VSUBSD    X7, X6, X6
	VCVTSD2SS X6, X6, X6
	VMOVSS    X6, (R9)(AX*4)
	INCQ      AX
	JMP       tsbody

tsdone:
	VZEROUPPER
	RET

// func winnersAVX2(won *int8, cp, cm *complex64, n int)
// For i < n (a positive multiple of 8): winnersGo's loop, the energies in
// float32 (r·r + i·i), 1 where ep > 3·em, -1 where em > 3·ep, else 0.
TEXT ·winnersAVX2(SB), NOSPLIT, $0-32
	MOVQ         won+0(FP), DI
	MOVQ         cp+8(FP), SI
	MOVQ         cm+16(FP), DX
	MOVQ         n+24(FP), CX
	MOVL         $0x40400000, AX // 3.0
	VMOVD        AX, X15
	VBROADCASTSS X15, Y15

wloop:
	VMOVUPS   (SI), Y0
	VMOVUPS   32(SI), Y1
	VMOVUPS   (DX), Y2
	VMOVUPS   32(DX), Y3
	VMULPS    Y0, Y0, Y0
	VMULPS    Y1, Y1, Y1
	VMULPS    Y2, Y2, Y2
	VMULPS    Y3, Y3, Y3
	VHADDPS   Y1, Y0, Y4 // ep, lanes 0, 1, 4, 5, 2, 3, 6, 7
	VHADDPS   Y3, Y2, Y5 // em
	VMULPS    Y15, Y5, Y6 // 3·em
	VMULPS    Y15, Y4, Y7 // 3·ep
	VCMPPS    $1, Y4, Y6, Y6 // 3·em < ep
	VCMPPS    $1, Y5, Y7, Y7 // 3·ep < em
	VANDNPS   Y7, Y6, Y7     // em wins and ep does not
	VPSRLD    $31, Y6, Y6    // 1 where ep wins
	VPOR      Y6, Y7, Y7
	VPERMQ    $0xD8, Y7, Y7
	VEXTRACTI128 $1, Y7, X8
	VPACKSSDW X8, X7, X7
	VPACKSSWB X7, X7, X7
	VMOVQ     X7, (DI)
	ADDQ      $8, DI
	ADDQ      $64, SI
	ADDQ      $64, DX
	SUBQ      $8, CX
	JNZ       wloop
	VZEROUPPER
	RET

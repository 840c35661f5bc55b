//go:build !purego

#include "textflag.h"

// toneIn loads sample idx of pp (real, imaginary) and pm into the four
// float64 lanes of dst (tmp: an X register).
#define toneIn(idx, tmp, dst) \
	VMOVSD    (SI)(idx*8), tmp; \
	VMOVHPS   (R10)(idx*8), tmp, tmp; \
	VCVTPS2PD tmp, dst

// toneOut writes the sums acc (Y) to cp[idx], cm[idx] and, when R9 is not
// nil, their energy difference ((p0 + p1) - p2) - p3 to s[idx]; t0…t4
// are X scratch registers, y1 the Y register of t1.
#define toneOut(acc, idx, t0, t1, y1, t2, t3, t4, skip) \
	VCVTPD2PSY acc, t0; \
	VMOVLPS   t0, (DI)(idx*8); \
	VMOVHPS   t0, (R8)(idx*8); \
	TESTQ     R9, R9; \
	JZ        skip; \
	VMULPD    acc, acc, y1; \
	VEXTRACTF128 $1, y1, t2; \
	VHADDPD   t1, t1, t3; \
	VSUBSD    t2, t3, t3; \
	VPERMILPD $1, t2, t4; \
	VSUBSD    t4, t3, t3; \
	VCVTSD2SS t3, t3, t3; \
	VMOVSS    t3, (R9)(idx*4); \
skip:

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
// For i < n (n ≥ 1, L ≥ 1): toneSumsGo's loop (s nil: no energies). The two running sums are
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
	CMPQ   AX, R11
	JGE    tsbody
	toneIn(AX, X1, Y1)
	VADDPD Y1, Y0, Y0
	toneOut(Y0, AX, X3, X4, Y4, X5, X6, X7, tsskiph)
	INCQ   AX
	JMP    tshead

tsbody:
	CMPQ   AX, CX
	JGE    tsdone
	MOVQ   AX, BX
	SUBQ   DX, BX
	toneIn(AX, X1, Y1)
	toneIn(BX, X2, Y2)
	VADDPD Y1, Y0, Y0
	VSUBPD Y2, Y0, Y0
	toneOut(Y0, AX, X3, X4, Y4, X5, X6, X7, tsskipb)
	INCQ   AX
	JMP    tsbody

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

// func toneSumsPairAVX2(cp, cm *complex64, s *float32, pp, pm *complex64, n, L, M int)
// toneSumsGo's sums for L ≤ i < n (s nil: no energies) when every sum is
// exact in float64 (the caller checked the exponent span): each window's
// sum is then the same number however it is added up. Two chains: from
// the window ending at L-1 for L ≤ i < M, from the one ending at M-1 for
// M ≤ i < n (n-M is M-L or M-L+1), each window's sum the last one's plus
// x[i]-x[i-L] (exact too): one dependent addition per sample, two chains
// interleaved.
TEXT ·toneSumsPairAVX2(SB), NOSPLIT, $0-64
	MOVQ   cp+0(FP), DI
	MOVQ   cm+8(FP), R8
	MOVQ   s+16(FP), R9
	MOVQ   pp+24(FP), SI
	MOVQ   pm+32(FP), R10
	MOVQ   n+40(FP), R11
	MOVQ   L+48(FP), DX
	MOVQ   M+56(FP), BX
	VXORPD Y0, Y0, Y0
	VXORPD Y8, Y8, Y8
	// The windows ending at L-1 and at M-1.
	XORQ   AX, AX
	MOVQ   BX, R13
	SUBQ   DX, R13

tpinit:
	toneIn(AX, X1, Y1)
	toneIn(R13, X9, Y9)
	VADDPD Y1, Y0, Y0
	VADDPD Y9, Y8, Y8
	INCQ   AX
	INCQ   R13
	CMPQ   AX, DX
	JLT    tpinit

	// AX = i = L, R12 = i-L; BX = j = M, R13 = j-L.
	XORQ   R12, R12
	MOVQ   BX, R13
	SUBQ   DX, R13
	MOVQ   BX, CX
	SUBQ   DX, CX // M-L pairs
	JZ     tplast

tploop:
	toneIn(AX, X1, Y1)
	toneIn(R12, X2, Y2)
	toneIn(BX, X9, Y9)
	toneIn(R13, X10, Y10)
	VSUBPD Y2, Y1, Y1
	VSUBPD Y10, Y9, Y9
	VADDPD Y1, Y0, Y0
	VADDPD Y9, Y8, Y8
	toneOut(Y0, AX, X3, X4, Y4, X5, X6, X7, tpskipa)
	toneOut(Y8, BX, X11, X12, Y12, X13, X14, X15, tpskipb)
	INCQ AX
	INCQ R12
	INCQ BX
	INCQ R13
	DECQ CX
	JNZ  tploop

tplast:
	CMPQ   BX, R11
	JGE    tpdone
	toneIn(BX, X9, Y9)
	toneIn(R13, X10, Y10)
	VSUBPD Y10, Y9, Y9
	VADDPD Y9, Y8, Y8
	toneOut(Y8, BX, X11, X12, Y12, X13, X14, X15, tpskipc)

tpdone:
	VZEROUPPER
	RET

// func expSpanAVX2(v *complex64, n int, lohi *[16]uint32)
// For the n float32 parts of v (n a positive multiple of 8): per lane, the smallest biased
// exponent of a nonzero value (1 for subnormals; 255 when none) into
// lohi[:8] and the largest into lohi[8:].
TEXT ·expSpanAVX2(SB), NOSPLIT, $0-24
	MOVQ         v+0(FP), SI
	MOVQ         n+8(FP), CX
	MOVQ         lohi+16(FP), DI
	MOVL         $0x7FFFFFFF, AX
	VMOVD        AX, X15
	VPBROADCASTD X15, Y15 // |·| mask
	MOVL         $255, AX
	VMOVD        AX, X14
	VPBROADCASTD X14, Y14 // 255
	MOVL         $1, AX
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13 // 1
	VPXOR        Y12, Y12, Y12 // 0
	VMOVDQU      Y14, Y0 // lo
	VPXOR        Y1, Y1, Y1 // hi

esloop:
	VMOVDQU   (SI), Y2
	VPAND     Y15, Y2, Y2
	VPCMPEQD  Y12, Y2, Y3 // zero
	VPSRLD    $23, Y2, Y2
	VPMAXUD   Y2, Y1, Y1
	VPMAXUD   Y13, Y2, Y2
	VPOR      Y3, Y2, Y2  // a zero's all ones: never the smallest
	VPMINUD   Y2, Y0, Y0
	ADDQ      $32, SI
	SUBQ      $8, CX
	JNZ       esloop
	VPMINUD   Y14, Y0, Y0
	VMOVDQU   Y0, (DI)
	VMOVDQU   Y1, 32(DI)
	VZEROUPPER
	RET

// func countUnderAVX2(v *float32, n int, mid float32) int
// How many of v[:n] (n a positive multiple of 8) are under mid (none when
// either is NaN).
TEXT ·countUnderAVX2(SB), NOSPLIT, $0-32
	MOVQ         v+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS mid+16(FP), Y1
	VPXOR        Y0, Y0, Y0

culoop:
	VCMPPS  $14, (SI), Y1, Y2 // mid > v: all ones (-1)
	VPSUBD  Y2, Y0, Y0
	ADDQ    $32, SI
	SUBQ    $8, CX
	JNZ     culoop
	VEXTRACTI128 $1, Y0, X1
	VPADDD  X1, X0, X0
	VPSHUFD $0x4E, X0, X1
	VPADDD  X1, X0, X0
	VPSHUFD $0xB1, X0, X1
	VPADDD  X1, X0, X0
	VMOVD   X0, AX
	MOVQ    AX, ret+24(FP)
	VZEROUPPER
	RET

// func partitionAVX2(lo, hi, v *float32, n int, mid float32, perm *[256][8]uint32) int
// Writes v[:n]'s values under mid to lo and the others (NaN too) to hi,
// each in order, and returns how many are under (n a positive multiple
// of 8; lo and hi have room for 8 more than they get).
TEXT ·partitionAVX2(SB), NOSPLIT, $0-56
	MOVQ         lo+0(FP), DI
	MOVQ         hi+8(FP), R10
	MOVQ         v+16(FP), SI
	MOVQ         n+24(FP), CX
	VBROADCASTSS mid+32(FP), Y15
	MOVQ         perm+40(FP), R8
	XORQ         AX, AX // under so far
	XORQ         BX, BX // others so far

partloop:
	VMOVUPS   (SI), Y0
	VCMPPS    $14, Y0, Y15, Y1 // mid > v
	VMOVMSKPS Y1, DX
	MOVQ      DX, R9
	XORQ      $0xFF, R9
	POPCNTQ   DX, R11
	POPCNTQ   R9, R12
	SHLQ      $5, DX
	SHLQ      $5, R9
	VMOVDQU   (R8)(DX*1), Y2
	VMOVDQU   (R8)(R9*1), Y3
	VPERMPS   Y0, Y2, Y4
	VPERMPS   Y0, Y3, Y5
	VMOVUPS   Y4, (DI)(AX*4)
	VMOVUPS   Y5, (R10)(BX*4)
	ADDQ      R11, AX
	ADDQ      R12, BX
	ADDQ      $32, SI
	SUBQ      $8, CX
	JNZ       partloop
	MOVQ      AX, ret+48(FP)
	VZEROUPPER
	RET

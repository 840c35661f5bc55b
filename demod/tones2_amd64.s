//go:build !purego

#include "textflag.h"

// func toneSumsQuadAVX2(cp, cm *complex64, s *float32, pp, pm *complex64, L, k int, st *[4]float64)
// toneSumsGo's sums for the 4·k samples from pp, pm (s nil: no energies),
// from the running sums st (ap's real and imaginary parts, then am's) of
// the window ending just before them, which it updates; it reads L samples
// back. Only when every sum of up to 2^bits.Len(L) of the values, signed,
// is exact in float64 (sumsExact, L ≥ 2): then every window's sum is the
// same number however it is added up. Per four samples and tone, with
// d = x[i] - x[i-L]: the window sums are T + (d0, d0+d1) and
// T + (d0+d1) + (d2, d2+d3), T the last window's (both halves of the
// register); T takes two dependent additions per four samples. The
// energies are Go's ((p0 + p1) - p2) - p3 of the squares, four at once.
TEXT ·toneSumsQuadAVX2(SB), NOSPLIT, $0-64
	MOVQ cp+0(FP), DI
	MOVQ cm+8(FP), R8
	MOVQ s+16(FP), R9
	MOVQ pp+24(FP), SI
	MOVQ pm+32(FP), R10
	MOVQ L+40(FP), DX
	MOVQ k+48(FP), CX
	MOVQ st+56(FP), BX
	SHLQ $3, DX
	MOVQ SI, R11
	SUBQ DX, R11 // pp - L
	MOVQ R10, R12
	SUBQ DX, R12 // pm - L
	VBROADCASTF128 (BX), Y0   // Tp
	VBROADCASTF128 16(BX), Y1 // Tm
	XORQ AX, AX

tqloop:
	VCVTPS2PD (SI)(AX*8), Y2
	VCVTPS2PD 16(SI)(AX*8), Y3
	VCVTPS2PD (R11)(AX*8), Y4
	VCVTPS2PD 16(R11)(AX*8), Y5
	VCVTPS2PD (R10)(AX*8), Y6
	VCVTPS2PD 16(R10)(AX*8), Y7
	VCVTPS2PD (R12)(AX*8), Y8
	VCVTPS2PD 16(R12)(AX*8), Y9
	VSUBPD Y4, Y2, Y2 // (d0, d1)
	VSUBPD Y5, Y3, Y3 // (d2, d3)
	VSUBPD Y8, Y6, Y6
	VSUBPD Y9, Y7, Y7
	VPERM2F128 $0x08, Y2, Y2, Y4 // (0, d0)
	VPERM2F128 $0x08, Y3, Y3, Y5
	VPERM2F128 $0x08, Y6, Y6, Y8
	VPERM2F128 $0x08, Y7, Y7, Y9
	VADDPD Y4, Y2, Y2 // (d0, d0+d1)
	VADDPD Y5, Y3, Y3 // (d2, d2+d3)
	VADDPD Y8, Y6, Y6
	VADDPD Y9, Y7, Y7
	VPERM2F128 $0x11, Y2, Y2, Y4 // (d0+d1, d0+d1)
	VPERM2F128 $0x11, Y3, Y3, Y5 // (d2+d3, d2+d3)
	VPERM2F128 $0x11, Y6, Y6, Y8
	VPERM2F128 $0x11, Y7, Y7, Y9
	VADDPD Y2, Y0, Y2 // windows 0, 1
	VADDPD Y4, Y0, Y0
	VADDPD Y3, Y0, Y3 // windows 2, 3
	VADDPD Y5, Y0, Y0
	VADDPD Y6, Y1, Y6
	VADDPD Y8, Y1, Y1
	VADDPD Y7, Y1, Y7
	VADDPD Y9, Y1, Y1
	VCVTPD2PSY Y2, X4
	VCVTPD2PSY Y3, X5
	VCVTPD2PSY Y6, X8
	VCVTPD2PSY Y7, X9
	VMOVUPS X4, (DI)(AX*8)
	VMOVUPS X5, 16(DI)(AX*8)
	VMOVUPS X8, (R8)(AX*8)
	VMOVUPS X9, 16(R8)(AX*8)
	TESTQ R9, R9
	JZ    tqnext
	VMULPD    Y2, Y2, Y10
	VMULPD    Y3, Y3, Y11
	VHADDPD   Y11, Y10, Y10 // p energies 0, 2, 1, 3
	VMULPD    Y6, Y6, Y12
	VMULPD    Y7, Y7, Y13
	VUNPCKLPD Y13, Y12, Y14 // real parts' squares 0, 2, 1, 3
	VUNPCKHPD Y13, Y12, Y15 // imaginary parts'
	VSUBPD    Y14, Y10, Y10
	VSUBPD    Y15, Y10, Y10
	VCVTPD2PSY Y10, X10
	VPERMILPS $0xD8, X10, X10
	VMOVUPS   X10, (R9)(AX*4)

tqnext:
	ADDQ $4, AX
	DECQ CX
	JNZ  tqloop
	VMOVUPD X0, (BX)
	VMOVUPD X1, 16(BX)
	VZEROUPPER
	RET

// func blockSums8AVX2(pz *complex64, bl, m int, idx *[8]uint32, out *[8]float64)
// The energies of the first m samples (m even, ≥ 2) of the eight blocks of
// bl samples from pz: each summed in float64 in order of the float32
// energies r·r + i·i, one block a lane (blocks 0–3 in Y8, 4–7 in Y9), two
// samples a step; idx is the permutation (0, 4, 2, 6, 1, 5, 3, 7).
TEXT ·blockSums8AVX2(SB), NOSPLIT, $0-40
	MOVQ pz+0(FP), SI
	MOVQ bl+8(FP), R8
	MOVQ m+16(FP), CX
	MOVQ idx+24(FP), DX
	MOVQ out+32(FP), DI
	SHLQ $3, R8 // a block's bytes
	LEAQ (R8)(R8*2), R9
	LEAQ (SI)(R8*4), R10
	SHRQ $1, CX
	VMOVDQU (DX), Y15
	VXORPD  Y8, Y8, Y8
	VXORPD  Y9, Y9, Y9

bsloop:
	VMOVUPS     (SI), X0
	VINSERTF128 $1, (SI)(R8*1), Y0, Y0   // a_k, a_k+1 | b_k, b_k+1
	VMOVUPS     (SI)(R8*2), X1
	VINSERTF128 $1, (SI)(R9*1), Y1, Y1   // c | d
	VMOVUPS     (R10), X2
	VINSERTF128 $1, (R10)(R8*1), Y2, Y2
	VMOVUPS     (R10)(R8*2), X3
	VINSERTF128 $1, (R10)(R9*1), Y3, Y3
	VMULPS      Y0, Y0, Y0
	VMULPS      Y1, Y1, Y1
	VMULPS      Y2, Y2, Y2
	VMULPS      Y3, Y3, Y3
	VHADDPS     Y1, Y0, Y0 // a_k, a_k+1, c_k, c_k+1 | b_k, b_k+1, d_k, d_k+1
	VHADDPS     Y3, Y2, Y2
	VPERMPS     Y0, Y15, Y0 // a_k, b_k, c_k, d_k | the same at k+1
	VPERMPS     Y2, Y15, Y2
	VCVTPS2PD   X0, Y4
	VEXTRACTF128 $1, Y0, X5
	VCVTPS2PD   X5, Y5
	VCVTPS2PD   X2, Y6
	VEXTRACTF128 $1, Y2, X7
	VCVTPS2PD   X7, Y7
	VADDPD      Y4, Y8, Y8
	VADDPD      Y6, Y9, Y9
	VADDPD      Y5, Y8, Y8
	VADDPD      Y7, Y9, Y9
	ADDQ        $16, SI
	ADDQ        $16, R10
	DECQ        CX
	JNZ         bsloop
	VMOVUPD     Y8, (DI)
	VMOVUPD     Y9, 32(DI)
	VZEROUPPER
	RET

// func tailSumsAVX2(v *float32, n int, tlo, thi float32, acc *[8]float64) (nlo, nhi int)
// tailSums' chains for v[:n] (n a positive multiple of 4): value i, where
// under tlo, added to acc[i&3] (else +0, as Go's masked value), where over
// thi to acc[4+(i&3)]; the four chains are the four lanes, each in
// order. It returns how many were under tlo and over thi.
TEXT ·tailSumsAVX2(SB), NOSPLIT, $0-48
	MOVQ         v+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS tlo+16(FP), X14
	VBROADCASTSS thi+20(FP), X15
	MOVQ         acc+24(FP), DI
	VMOVUPD      (DI), Y0   // lo chains
	VMOVUPD      32(DI), Y1 // hi chains
	VPXOR        X2, X2, X2 // -(under) per lane
	VPXOR        X3, X3, X3 // -(over)

tsloop:
	VMOVUPS   (SI), X4
	VCMPPS    $1, X14, X4, X5 // v < tlo
	VCMPPS    $1, X4, X15, X6 // thi < v
	VPSUBD    X5, X2, X2
	VPSUBD    X6, X3, X3
	VANDPS    X4, X5, X5
	VANDPS    X4, X6, X6
	VCVTPS2PD X5, Y5
	VCVTPS2PD X6, Y6
	VADDPD    Y5, Y0, Y0
	VADDPD    Y6, Y1, Y1
	ADDQ      $16, SI
	SUBQ      $4, CX
	JNZ       tsloop
	VMOVUPD   Y0, (DI)
	VMOVUPD   Y1, 32(DI)
	VPHADDD   X3, X2, X2 // under 0+1, 2+3, over 0+1, 2+3
	VPHADDD   X2, X2, X2
	VMOVD     X2, AX
	VPEXTRD   $1, X2, BX
	MOVQ      AX, nlo+32(FP)
	MOVQ      BX, nhi+40(FP)
	VZEROUPPER
	RET

// func energySpanAVX2(z *complex64, n int, out *[12]uint64)
// For z[:n] (n a positive multiple of 8): the float32 energies r·r + i·i,
// summed in float64 in eight chains (out[0:8] as float64: meaningful
// only when every partial sum is exact, which the exponents tell), and per
// lane the smallest biased exponent of a nonzero energy (1 for
// subnormals; all ones when none) and the largest (out[8:12] as uint32
// pairs: the four lanes' lo, then hi, in 32 bytes).
TEXT ·energySpanAVX2(SB), NOSPLIT, $0-24
	MOVQ         z+0(FP), SI
	MOVQ         n+8(FP), CX
	MOVQ         out+16(FP), DI
	MOVL         $1, AX
	VMOVD        AX, X13
	VPBROADCASTD X13, X13 // 1
	VPXOR        X12, X12, X12 // 0
	VPCMPEQD     X10, X10, X10 // lo: all ones
	VPXOR        X11, X11, X11 // hi
	VXORPD       Y8, Y8, Y8
	VXORPD       Y9, Y9, Y9

esumloop:
	VMOVUPS   (SI), Y0
	VMOVUPS   32(SI), Y1
	VMULPS    Y0, Y0, Y0
	VMULPS    Y1, Y1, Y1
	VHADDPS   Y1, Y0, Y0 // eight energies
	VEXTRACTF128 $1, Y0, X1
	VPSRLD    $23, X0, X2
	VPSRLD    $23, X1, X3
	VPMAXUD   X2, X11, X11
	VPMAXUD   X3, X11, X11
	VPCMPEQD  X12, X0, X4 // zero
	VPCMPEQD  X12, X1, X5
	VPMAXUD   X13, X2, X2
	VPMAXUD   X13, X3, X3
	VPOR      X4, X2, X2 // a zero's all ones: never the smallest
	VPOR      X5, X3, X3
	VPMINUD   X2, X10, X10
	VPMINUD   X3, X10, X10
	VCVTPS2PD X0, Y2
	VCVTPS2PD X1, Y3
	VADDPD    Y2, Y8, Y8
	VADDPD    Y3, Y9, Y9
	ADDQ      $64, SI
	SUBQ      $8, CX
	JNZ       esumloop
	VMOVUPD   Y8, (DI)
	VMOVUPD   Y9, 32(DI)
	VMOVDQU   X10, 64(DI)
	VMOVDQU   X11, 80(DI)
	VZEROUPPER
	RET

//go:build !purego

#include "textflag.h"

// func butterfliesAVX2(a, b, tw *complex64, n int)
// For k < n (a positive multiple of 4): t := tw[k]*b[k]; b[k] = a[k]-t;
// a[k] += t, with Go's operations and rounding: the complex64 product in
// float64 (its products exact, one rounding for the sum, one back to
// float32), the sum and difference in float32; no FMA.
TEXT ·butterfliesAVX2(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ tw+16(FP), DX
	MOVQ n+24(FP), CX

loop:
	VCVTPS2PD  (DX), Y0
	VCVTPS2PD  (SI), Y1
	VCVTPS2PD  16(DX), Y8
	VCVTPS2PD  16(SI), Y9
	VMOVDDUP   Y0, Y2
	VPERMILPD  $0x0F, Y0, Y3
	VPERMILPD  $0x05, Y1, Y4
	VMOVDDUP   Y8, Y10
	VPERMILPD  $0x0F, Y8, Y11
	VPERMILPD  $0x05, Y9, Y12
	VMULPD     Y1, Y2, Y2
	VMULPD     Y4, Y3, Y3
	VMULPD     Y9, Y10, Y10
	VMULPD     Y12, Y11, Y11
	VADDSUBPD  Y3, Y2, Y2
	VADDSUBPD  Y11, Y10, Y10
	VCVTPD2PSY Y2, X2
	VCVTPD2PSY Y10, X10
	VINSERTF128 $1, X10, Y2, Y2
	VMOVUPS    (DI), Y5
	VSUBPS     Y2, Y5, Y6
	VADDPS     Y2, Y5, Y5
	VMOVUPS    Y6, (SI)
	VMOVUPS    Y5, (DI)
	ADDQ       $32, DI
	ADDQ       $32, SI
	ADDQ       $32, DX
	SUBQ       $4, CX
	JNZ        loop
	VZEROUPPER
	RET

// func halfband7AVX2(dst, src *complex64, n int, taps *[3]float32)
// For k < n (a positive multiple of 4), w := src[2k:2k+7]:
// dst[k] = c*w[3] + (t0*(w[2]+w[4]) + t1*(w[0]+w[6])), taps = {c, t0, t1},
// the real and imaginary parts alike, in Go's order of operations. It
// reads src[:2n+6].
TEXT ·halfband7AVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         taps+24(FP), DX
	VBROADCASTSS (DX), Y13
	VBROADCASTSS 4(DX), Y14
	VBROADCASTSS 8(DX), Y15

hb7loop:
	// Lanes in the order outputs k, k+2, k+1, k+3: each even (or odd)
	// sample vector from two duplicating loads (no shuffle port) blended.
	VMOVDDUP  (SI), Y0
	VMOVDDUP  32(SI), Y4
	VMOVDDUP  16(SI), Y2
	VMOVDDUP  48(SI), Y6
	VMOVDDUP  64(SI), Y8
	VMOVDDUP  80(SI), Y10
	VMOVDDUP  24(SI), Y11
	VMOVDDUP  56(SI), Y12
	VBLENDPD  $0x0A, Y4, Y0, Y1   // w[0]
	VBLENDPD  $0x0A, Y6, Y2, Y3   // w[2]
	VBLENDPD  $0x0A, Y12, Y11, Y5 // w[3]
	VBLENDPD  $0x0A, Y8, Y4, Y7   // w[4]
	VBLENDPD  $0x0A, Y10, Y6, Y9  // w[6]
	VADDPS    Y7, Y3, Y3
	VADDPS    Y9, Y1, Y1
	VMULPS    Y14, Y3, Y3
	VMULPS    Y15, Y1, Y1
	VADDPS    Y1, Y3, Y3
	VMULPS    Y13, Y5, Y5
	VADDPS    Y3, Y5, Y5
	VPERMPD   $0xD8, Y5, Y5
	VMOVUPS   Y5, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       hb7loop
	VZEROUPPER
	RET

// func mixOscAVX2(dst, src, osc *complex64, n int)
// For i < n (a positive multiple of 4), o := osc[i], v := src[i]:
// dst[i] = complex(re(v)*re(o)-im(v)*im(o), re(v)*im(o)+im(v)*re(o)), in
// float32 as Go computes it.
TEXT ·mixOscAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ osc+16(FP), DX
	MOVQ n+24(FP), CX

mixloop:
	VMOVUPS   (DX), Y0
	VMOVUPS   (SI), Y1
	VMOVSLDUP Y1, Y2
	VMOVSHDUP Y1, Y3
	VPERMILPS $0xB1, Y0, Y4
	VMULPS    Y0, Y2, Y2
	VMULPS    Y4, Y3, Y3
	VADDSUBPS Y3, Y2, Y2
	VMOVUPS   Y2, (DI)
	ADDQ      $32, DX
	ADDQ      $32, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       mixloop
	VZEROUPPER
	RET

// func mixOscDCAVX2(dst, src, osc *complex64, n int, dc complex64)
// mixOscAVX2 of src[i]-dc (the difference in float32).
TEXT ·mixOscDCAVX2(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         osc+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS dc_real+32(FP), Y5 // real(dc)
	VBROADCASTSS dc_imag+36(FP), Y6 // imag(dc)

mixdcloop:
	// The duplicating loads need no shuffle port; the parts of x-dc,
	// each twice.
	VMOVUPS   (DX), Y0
	VMOVSLDUP (SI), Y2
	VMOVSHDUP (SI), Y3
	VSUBPS    Y5, Y2, Y2
	VSUBPS    Y6, Y3, Y3
	VPERMILPS $0xB1, Y0, Y4
	VMULPS    Y0, Y2, Y2
	VMULPS    Y4, Y3, Y3
	VADDSUBPS Y3, Y2, Y2
	VMOVUPS   Y2, (DI)
	ADDQ      $32, DX
	ADDQ      $32, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       mixdcloop
	VZEROUPPER
	RET

// func firDecim1AVX2(dst, src *complex64, taps *float32, ntaps, nout int)
// For k < nout (a positive multiple of 4): dst[k] = dotSym(taps, src[k:k+ntaps])
// (ntaps odd, at least 3), four outputs at a time, each lane with
// dotSym's operations in its order.
TEXT ·firDecim1AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ taps+16(FP), DX
	MOVQ ntaps+24(FP), R8
	MOVQ nout+32(FP), CX
	MOVQ R8, R11
	SHRQ $1, R11 // h

firDecim1AVX2group:
	VXORPS Y0, Y0, Y0 // r0, i0 per lane
	VXORPS Y1, Y1, Y1 // r1, i1
	XORQ   BX, BX     // k
	MOVQ   R8, R13
	DECQ   R13        // n-1-k

firDecim1AVX2pairs:
	LEAQ         2(BX), AX
	CMPQ         AX, R11
	JGT          firDecim1AVX2tail
	VMOVUPS      (SI)(BX*8), Y3
	VMOVUPS      (SI)(R13*8), Y4
	LEAQ         1(BX), AX
	VMOVUPS      (SI)(AX*8), Y8
	LEAQ         -1(R13), AX
	VMOVUPS      (SI)(AX*8), Y9
	VADDPS       Y4, Y3, Y3
	VADDPS       Y9, Y8, Y8
	VBROADCASTSS (DX)(BX*4), Y5
	VBROADCASTSS 4(DX)(BX*4), Y6
	VMULPS       Y5, Y3, Y3
	VMULPS       Y6, Y8, Y8
	VADDPS       Y3, Y0, Y0
	VADDPS       Y8, Y1, Y1
	ADDQ         $2, BX
	SUBQ         $2, R13
	JMP          firDecim1AVX2pairs

firDecim1AVX2tail:
	CMPQ         BX, R11
	JGE          firDecim1AVX2center
	VMOVUPS      (SI)(BX*8), Y3
	VMOVUPS      (SI)(R13*8), Y4
	VADDPS       Y4, Y3, Y3
	VBROADCASTSS (DX)(BX*4), Y5
	VMULPS       Y5, Y3, Y3
	VADDPS       Y3, Y0, Y0
	INCQ         BX
	DECQ         R13
	JMP          firDecim1AVX2tail

firDecim1AVX2center:
	VMOVUPS      (SI)(R11*8), Y3
	VBROADCASTSS (DX)(R11*4), Y5
	VMULPS       Y5, Y3, Y3
	VADDPS       Y1, Y0, Y0
	VADDPS       Y3, Y0, Y0
	VMOVUPS      Y0, (DI)
	ADDQ         $32, DI
	ADDQ         $32, SI
	SUBQ         $4, CX
	JNZ          firDecim1AVX2group
	VZEROUPPER
	RET

// func firDecim2AVX2(dst, src *complex64, taps *float32, ntaps, nout int)
// firDecim1AVX2 for windows two samples apart: dst[k] = dotSym(taps,
// src[2k:2k+ntaps]). It reads src[:2*nout+ntaps-1].
TEXT ·firDecim2AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ taps+16(FP), DX
	MOVQ ntaps+24(FP), R8
	MOVQ nout+32(FP), CX
	MOVQ R8, R11
	SHRQ $1, R11 // h

firDecim2AVX2group:
	VXORPS Y0, Y0, Y0 // r0, i0 per lane
	VXORPS Y1, Y1, Y1 // r1, i1
	XORQ   BX, BX     // k
	MOVQ   R8, R13
	DECQ   R13        // n-1-k

firDecim2AVX2pairs:
	LEAQ         2(BX), AX
	CMPQ         AX, R11
	JGT          firDecim2AVX2tail
	VMOVUPS      (SI)(BX*8), Y10
	VMOVUPS      32(SI)(BX*8), Y11
	VUNPCKLPD    Y11, Y10, Y3
	VMOVUPS      (SI)(R13*8), Y10
	VMOVUPS      32(SI)(R13*8), Y11
	VUNPCKLPD    Y11, Y10, Y4
	LEAQ         1(BX), AX
	VMOVUPS      (SI)(AX*8), Y10
	VMOVUPS      32(SI)(AX*8), Y11
	VUNPCKLPD    Y11, Y10, Y8
	LEAQ         -1(R13), AX
	VMOVUPS      (SI)(AX*8), Y10
	VMOVUPS      32(SI)(AX*8), Y11
	VUNPCKLPD    Y11, Y10, Y9
	VADDPS       Y4, Y3, Y3
	VADDPS       Y9, Y8, Y8
	VBROADCASTSS (DX)(BX*4), Y5
	VBROADCASTSS 4(DX)(BX*4), Y6
	VMULPS       Y5, Y3, Y3
	VMULPS       Y6, Y8, Y8
	VADDPS       Y3, Y0, Y0
	VADDPS       Y8, Y1, Y1
	ADDQ         $2, BX
	SUBQ         $2, R13
	JMP          firDecim2AVX2pairs

firDecim2AVX2tail:
	CMPQ         BX, R11
	JGE          firDecim2AVX2center
	VMOVUPS      (SI)(BX*8), Y10
	VMOVUPS      32(SI)(BX*8), Y11
	VUNPCKLPD    Y11, Y10, Y3
	VMOVUPS      (SI)(R13*8), Y10
	VMOVUPS      32(SI)(R13*8), Y11
	VUNPCKLPD    Y11, Y10, Y4
	VADDPS       Y4, Y3, Y3
	VBROADCASTSS (DX)(BX*4), Y5
	VMULPS       Y5, Y3, Y3
	VADDPS       Y3, Y0, Y0
	INCQ         BX
	DECQ         R13
	JMP          firDecim2AVX2tail

firDecim2AVX2center:
	VMOVUPS      (SI)(R11*8), Y10
	VMOVUPS      32(SI)(R11*8), Y11
	VUNPCKLPD    Y11, Y10, Y3
	VBROADCASTSS (DX)(R11*4), Y5
	VMULPS       Y5, Y3, Y3
	VADDPS       Y1, Y0, Y0
	VADDPS       Y3, Y0, Y0
	VPERMPD      $0xD8, Y0, Y0
	VMOVUPS      Y0, (DI)
	ADDQ         $32, DI
	ADDQ         $64, SI
	SUBQ         $4, CX
	JNZ          firDecim2AVX2group
	VZEROUPPER
	RET

// func deinterleaveAVX2(e, o, src *complex64, n int)
// For m < n (a positive multiple of 4): e[m] = src[2m], o[m] = src[2m+1].
TEXT ·deinterleaveAVX2(SB), NOSPLIT, $0-32
	MOVQ e+0(FP), DI
	MOVQ o+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX

deintloop:
	VMOVUPS   (SI), Y0
	VMOVUPS   32(SI), Y1
	VUNPCKLPD Y1, Y0, Y2 // 0 4 2 6
	VUNPCKHPD Y1, Y0, Y3 // 1 5 3 7
	VPERMPD   $0xD8, Y2, Y2
	VPERMPD   $0xD8, Y3, Y3
	VMOVUPS   Y2, (DI)
	VMOVUPS   Y3, (R8)
	ADDQ      $64, SI
	ADDQ      $32, DI
	ADDQ      $32, R8
	SUBQ      $4, CX
	JNZ       deintloop
	VZEROUPPER
	RET

// func firDecimEOAVX2(dst, e, o *complex64, taps *float32, ntaps, nout int)
// firDecim2AVX2 from the window's samples split by parity (e[m] =
// src[2m], o[m] = src[2m+1]): tap j of output k is e[k+j/2] (j even) or
// o[k+(j-1)/2] (j odd), so four outputs' samples at a tap are one load,
// and the lanes stay in order. The same operations as dotSym in its
// order. It reads e[:nout+ntaps/2] and o[:nout+ntaps/2-1].
TEXT ·firDecimEOAVX2(SB), NOSPLIT, $0-48
	MOVQ         dst+0(FP), DI
	MOVQ         e+8(FP), SI
	MOVQ         o+16(FP), R9
	MOVQ         taps+24(FP), DX
	MOVQ         ntaps+32(FP), R8
	MOVQ         nout+40(FP), CX
	MOVQ         R8, R11
	SHRQ         $1, R11 // h
	// The centre tap h: e[k+h/2] (h even) or o[k+(h-1)/2] (h odd).
	MOVQ         R11, R12
	SHRQ         $1, R12
	SHLQ         $3, R12
	MOVQ         SI, R14
	TESTQ        $1, R11
	CMOVQNE      R9, R14
	VBROADCASTSS (DX)(R11*4), Y15

eogroup:
	VXORPS Y0, Y0, Y0 // r0, i0 per lane
	VXORPS Y1, Y1, Y1 // r1, i1
	XORQ   BX, BX     // tap k
	XORQ   AX, AX     // k/2
	MOVQ   R11, R13   // (ntaps-1-k)/2

eopairs:
	LEAQ         2(BX), R10
	CMPQ         R10, R11
	JGT          eotail
	VMOVUPS      (SI)(AX*8), Y3
	VADDPS       (SI)(R13*8), Y3, Y3 // taps k, ntaps-1-k
	VMOVUPS      (R9)(AX*8), Y8
	VADDPS       -8(R9)(R13*8), Y8, Y8 // taps k+1, ntaps-2-k
	VBROADCASTSS (DX)(BX*4), Y5
	VBROADCASTSS 4(DX)(BX*4), Y6
	VMULPS       Y5, Y3, Y3
	VMULPS       Y6, Y8, Y8
	VADDPS       Y3, Y0, Y0
	VADDPS       Y8, Y1, Y1
	ADDQ         $2, BX
	INCQ         AX
	DECQ         R13
	JMP          eopairs

eotail:
	CMPQ         BX, R11
	JGE          eocenter
	VMOVUPS      (SI)(AX*8), Y3
	VADDPS       (SI)(R13*8), Y3, Y3
	VBROADCASTSS (DX)(BX*4), Y5
	VMULPS       Y5, Y3, Y3
	VADDPS       Y3, Y0, Y0

eocenter:
	VMOVUPS (R14)(R12*1), Y3
	VMULPS  Y15, Y3, Y3
	VADDPS  Y1, Y0, Y0
	VADDPS  Y3, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R9
	ADDQ    $32, R14
	SUBQ    $4, CX
	JNZ     eogroup
	VZEROUPPER
	RET

// func halfband11AVX2(dst, src *complex64, n int, taps *float32)
// halfband11's loop four outputs at a time (see halfband7AVX2; taps =
// {c, t0, t1, t2}). It reads src[:2n+10].
TEXT ·halfband11AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ taps+24(FP), DX
	// Lanes in the order outputs k, k+2, k+1, k+3; E[j] is the even
	// samples from buf[2j] on. E[k] and E[k+1] come from the round before.
	VMOVUPS   0(SI), Y10
	VMOVUPS   32(SI), Y11
	VUNPCKLPD Y11, Y10, Y5 // E[k] = w[0]
	VMOVUPS   16(SI), Y10
	VMOVUPS   48(SI), Y11
	VUNPCKLPD Y11, Y10, Y6 // E[k+1] = w[2]

halfband11AVX2loop:
	VMOVUPS   32(SI), Y10
	VMOVUPS   64(SI), Y11
	VUNPCKHPD Y11, Y10, Y0  // ctr = w[5]
	VUNPCKLPD Y11, Y10, Y7  // E[k+2] = w[4]
	VMOVUPS   96(SI), Y12
	VUNPCKLPD Y12, Y11, Y9  // E[k+4] = w[8]
	VMOVUPS   48(SI), Y10
	VMOVUPS   80(SI), Y11
	VUNPCKLPD Y11, Y10, Y8  // E[k+3] = w[6]
	VMOVUPS   112(SI), Y12
	VUNPCKLPD Y12, Y11, Y4  // E[k+5] = w[10]
	VBROADCASTSS (DX), Y13
	VMULPS    Y13, Y0, Y0
	VADDPS    Y8, Y7, Y1
	VBROADCASTSS 4(DX), Y13
	VMULPS    Y13, Y1, Y1
	VADDPS    Y9, Y6, Y2
	VBROADCASTSS 8(DX), Y13
	VMULPS    Y13, Y2, Y2
	VADDPS    Y4, Y5, Y3
	VBROADCASTSS 12(DX), Y13
	VMULPS    Y13, Y3, Y3
	VADDPS    Y1, Y0, Y0
	VADDPS    Y3, Y2, Y2
	VADDPS    Y2, Y0, Y0
	VPERMPD   $0xD8, Y0, Y0
	VMOVUPS   Y0, (DI)
	VMOVAPS   Y9, Y5        // E[k+4], E[k+5]: the next round's E[k], E[k+1]
	VMOVAPS   Y4, Y6
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       halfband11AVX2loop
	VZEROUPPER
	RET

// func halfband15AVX2(dst, src *complex64, n int, taps *float32)
// halfband15's loop four outputs at a time (taps = {c, t0…t3}). It
// reads src[:2n+14].
TEXT ·halfband15AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ taps+24(FP), DX
	// As halfband11AVX2: E[k]…E[k+3] come from the round before.
	VMOVUPS   0(SI), Y10
	VMOVUPS   32(SI), Y11
	VUNPCKLPD Y11, Y10, Y5 // E[k] = w[0]
	VMOVUPS   16(SI), Y10
	VMOVUPS   48(SI), Y12
	VUNPCKLPD Y12, Y10, Y6 // E[k+1] = w[2]
	VMOVUPS   64(SI), Y10
	VUNPCKLPD Y10, Y11, Y7 // E[k+2] = w[4]
	VMOVUPS   80(SI), Y10
	VUNPCKLPD Y10, Y12, Y8 // E[k+3] = w[6]

halfband15AVX2loop:
	VMOVUPS   48(SI), Y10
	VMOVUPS   80(SI), Y11
	VUNPCKHPD Y11, Y10, Y0  // ctr = w[7]
	VMOVUPS   64(SI), Y10
	VMOVUPS   96(SI), Y12
	VUNPCKLPD Y12, Y10, Y9  // E[k+4] = w[8]
	VMOVUPS   112(SI), Y10
	VUNPCKLPD Y10, Y11, Y11 // E[k+5] = w[10]
	VMOVUPS   128(SI), Y4
	VUNPCKLPD Y4, Y12, Y12  // E[k+6] = w[12]
	VMOVUPS   144(SI), Y4
	VUNPCKLPD Y4, Y10, Y10  // E[k+7] = w[14]
	VBROADCASTSS (DX), Y13
	VMULPS    Y13, Y0, Y0
	VADDPS    Y9, Y8, Y1
	VBROADCASTSS 4(DX), Y13
	VMULPS    Y13, Y1, Y1
	VADDPS    Y11, Y7, Y2
	VBROADCASTSS 8(DX), Y13
	VMULPS    Y13, Y2, Y2
	VADDPS    Y12, Y6, Y3
	VBROADCASTSS 12(DX), Y13
	VMULPS    Y13, Y3, Y3
	VADDPS    Y10, Y5, Y4
	VBROADCASTSS 16(DX), Y13
	VMULPS    Y13, Y4, Y4
	VADDPS    Y1, Y0, Y0
	VADDPS    Y3, Y2, Y2
	VADDPS    Y2, Y0, Y0
	VADDPS    Y4, Y0, Y0
	VPERMPD   $0xD8, Y0, Y0
	VMOVUPS   Y0, (DI)
	VMOVAPS   Y9, Y5        // E[k+4…k+7]: the next round's E[k…k+3]
	VMOVAPS   Y11, Y6
	VMOVAPS   Y12, Y7
	VMOVAPS   Y10, Y8
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       halfband15AVX2loop
	VZEROUPPER
	RET

// func halfbandSeq5AVX2(dst, src *complex64, n int, taps *float32)
// halfbandN's loop for 5 pairs four outputs at a time: the centre's
// product, then each pair's added in turn from the middle out (taps =
// {c, t0…}). It reads src[:2n+18].
TEXT ·halfbandSeq5AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ taps+24(FP), DX

halfbandSeq5AVX2loop:
	VMOVUPS   64(SI), Y10
	VMOVUPS   96(SI), Y11
	VUNPCKHPD Y11, Y10, Y0
	VBROADCASTSS (DX), Y13
	VMULPS    Y13, Y0, Y0
	VMOVUPS   64(SI), Y10
	VMOVUPS   96(SI), Y11
	VUNPCKLPD Y11, Y10, Y1
	VMOVUPS   80(SI), Y10
	VMOVUPS   112(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y1, Y1
	VBROADCASTSS 4(DX), Y13
	VMULPS    Y13, Y1, Y1
	VMOVUPS   48(SI), Y10
	VMOVUPS   80(SI), Y11
	VUNPCKLPD Y11, Y10, Y2
	VMOVUPS   96(SI), Y10
	VMOVUPS   128(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y2, Y2
	VBROADCASTSS 8(DX), Y13
	VMULPS    Y13, Y2, Y2
	VMOVUPS   32(SI), Y10
	VMOVUPS   64(SI), Y11
	VUNPCKLPD Y11, Y10, Y3
	VMOVUPS   112(SI), Y10
	VMOVUPS   144(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y3, Y3
	VBROADCASTSS 12(DX), Y13
	VMULPS    Y13, Y3, Y3
	VMOVUPS   16(SI), Y10
	VMOVUPS   48(SI), Y11
	VUNPCKLPD Y11, Y10, Y4
	VMOVUPS   128(SI), Y10
	VMOVUPS   160(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y4, Y4
	VBROADCASTSS 16(DX), Y13
	VMULPS    Y13, Y4, Y4
	VMOVUPS   0(SI), Y10
	VMOVUPS   32(SI), Y11
	VUNPCKLPD Y11, Y10, Y5
	VMOVUPS   144(SI), Y10
	VMOVUPS   176(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y5, Y5
	VBROADCASTSS 20(DX), Y13
	VMULPS    Y13, Y5, Y5
	VADDPS    Y1, Y0, Y0
	VADDPS    Y2, Y0, Y0
	VADDPS    Y3, Y0, Y0
	VADDPS    Y4, Y0, Y0
	VADDPS    Y5, Y0, Y0
	VPERMPD   $0xD8, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       halfbandSeq5AVX2loop
	VZEROUPPER
	RET

// func halfbandSeq6AVX2(dst, src *complex64, n int, taps *float32)
// halfbandN's loop for 6 pairs four outputs at a time: the centre's
// product, then each pair's added in turn from the middle out (taps =
// {c, t0…}). It reads src[:2n+22].
TEXT ·halfbandSeq6AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ taps+24(FP), DX

halfbandSeq6AVX2loop:
	VMOVUPS   80(SI), Y10
	VMOVUPS   112(SI), Y11
	VUNPCKHPD Y11, Y10, Y0
	VBROADCASTSS (DX), Y13
	VMULPS    Y13, Y0, Y0
	VMOVUPS   80(SI), Y10
	VMOVUPS   112(SI), Y11
	VUNPCKLPD Y11, Y10, Y1
	VMOVUPS   96(SI), Y10
	VMOVUPS   128(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y1, Y1
	VBROADCASTSS 4(DX), Y13
	VMULPS    Y13, Y1, Y1
	VMOVUPS   64(SI), Y10
	VMOVUPS   96(SI), Y11
	VUNPCKLPD Y11, Y10, Y2
	VMOVUPS   112(SI), Y10
	VMOVUPS   144(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y2, Y2
	VBROADCASTSS 8(DX), Y13
	VMULPS    Y13, Y2, Y2
	VMOVUPS   48(SI), Y10
	VMOVUPS   80(SI), Y11
	VUNPCKLPD Y11, Y10, Y3
	VMOVUPS   128(SI), Y10
	VMOVUPS   160(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y3, Y3
	VBROADCASTSS 12(DX), Y13
	VMULPS    Y13, Y3, Y3
	VMOVUPS   32(SI), Y10
	VMOVUPS   64(SI), Y11
	VUNPCKLPD Y11, Y10, Y4
	VMOVUPS   144(SI), Y10
	VMOVUPS   176(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y4, Y4
	VBROADCASTSS 16(DX), Y13
	VMULPS    Y13, Y4, Y4
	VMOVUPS   16(SI), Y10
	VMOVUPS   48(SI), Y11
	VUNPCKLPD Y11, Y10, Y5
	VMOVUPS   160(SI), Y10
	VMOVUPS   192(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y5, Y5
	VBROADCASTSS 20(DX), Y13
	VMULPS    Y13, Y5, Y5
	VMOVUPS   0(SI), Y10
	VMOVUPS   32(SI), Y11
	VUNPCKLPD Y11, Y10, Y6
	VMOVUPS   176(SI), Y10
	VMOVUPS   208(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y6, Y6
	VBROADCASTSS 24(DX), Y13
	VMULPS    Y13, Y6, Y6
	VADDPS    Y1, Y0, Y0
	VADDPS    Y2, Y0, Y0
	VADDPS    Y3, Y0, Y0
	VADDPS    Y4, Y0, Y0
	VADDPS    Y5, Y0, Y0
	VADDPS    Y6, Y0, Y0
	VPERMPD   $0xD8, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       halfbandSeq6AVX2loop
	VZEROUPPER
	RET

// func halfbandSeq7AVX2(dst, src *complex64, n int, taps *float32)
// halfbandN's loop for 7 pairs four outputs at a time: the centre's
// product, then each pair's added in turn from the middle out (taps =
// {c, t0…}). It reads src[:2n+26].
TEXT ·halfbandSeq7AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ taps+24(FP), DX

halfbandSeq7AVX2loop:
	VMOVUPS   96(SI), Y10
	VMOVUPS   128(SI), Y11
	VUNPCKHPD Y11, Y10, Y0
	VBROADCASTSS (DX), Y13
	VMULPS    Y13, Y0, Y0
	VMOVUPS   96(SI), Y10
	VMOVUPS   128(SI), Y11
	VUNPCKLPD Y11, Y10, Y1
	VMOVUPS   112(SI), Y10
	VMOVUPS   144(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y1, Y1
	VBROADCASTSS 4(DX), Y13
	VMULPS    Y13, Y1, Y1
	VMOVUPS   80(SI), Y10
	VMOVUPS   112(SI), Y11
	VUNPCKLPD Y11, Y10, Y2
	VMOVUPS   128(SI), Y10
	VMOVUPS   160(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y2, Y2
	VBROADCASTSS 8(DX), Y13
	VMULPS    Y13, Y2, Y2
	VMOVUPS   64(SI), Y10
	VMOVUPS   96(SI), Y11
	VUNPCKLPD Y11, Y10, Y3
	VMOVUPS   144(SI), Y10
	VMOVUPS   176(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y3, Y3
	VBROADCASTSS 12(DX), Y13
	VMULPS    Y13, Y3, Y3
	VMOVUPS   48(SI), Y10
	VMOVUPS   80(SI), Y11
	VUNPCKLPD Y11, Y10, Y4
	VMOVUPS   160(SI), Y10
	VMOVUPS   192(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y4, Y4
	VBROADCASTSS 16(DX), Y13
	VMULPS    Y13, Y4, Y4
	VMOVUPS   32(SI), Y10
	VMOVUPS   64(SI), Y11
	VUNPCKLPD Y11, Y10, Y5
	VMOVUPS   176(SI), Y10
	VMOVUPS   208(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y5, Y5
	VBROADCASTSS 20(DX), Y13
	VMULPS    Y13, Y5, Y5
	VMOVUPS   16(SI), Y10
	VMOVUPS   48(SI), Y11
	VUNPCKLPD Y11, Y10, Y6
	VMOVUPS   192(SI), Y10
	VMOVUPS   224(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y6, Y6
	VBROADCASTSS 24(DX), Y13
	VMULPS    Y13, Y6, Y6
	VMOVUPS   0(SI), Y10
	VMOVUPS   32(SI), Y11
	VUNPCKLPD Y11, Y10, Y7
	VMOVUPS   208(SI), Y10
	VMOVUPS   240(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y7, Y7
	VBROADCASTSS 28(DX), Y13
	VMULPS    Y13, Y7, Y7
	VADDPS    Y1, Y0, Y0
	VADDPS    Y2, Y0, Y0
	VADDPS    Y3, Y0, Y0
	VADDPS    Y4, Y0, Y0
	VADDPS    Y5, Y0, Y0
	VADDPS    Y6, Y0, Y0
	VADDPS    Y7, Y0, Y0
	VPERMPD   $0xD8, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       halfbandSeq7AVX2loop
	VZEROUPPER
	RET

// func halfbandSeq8AVX2(dst, src *complex64, n int, taps *float32)
// halfbandN's loop for 8 pairs four outputs at a time: the centre's
// product, then each pair's added in turn from the middle out (taps =
// {c, t0…}). It reads src[:2n+30].
TEXT ·halfbandSeq8AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ taps+24(FP), DX

halfbandSeq8AVX2loop:
	VMOVUPS   112(SI), Y10
	VMOVUPS   144(SI), Y11
	VUNPCKHPD Y11, Y10, Y0
	VBROADCASTSS (DX), Y13
	VMULPS    Y13, Y0, Y0
	VMOVUPS   112(SI), Y10
	VMOVUPS   144(SI), Y11
	VUNPCKLPD Y11, Y10, Y1
	VMOVUPS   128(SI), Y10
	VMOVUPS   160(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y1, Y1
	VBROADCASTSS 4(DX), Y13
	VMULPS    Y13, Y1, Y1
	VMOVUPS   96(SI), Y10
	VMOVUPS   128(SI), Y11
	VUNPCKLPD Y11, Y10, Y2
	VMOVUPS   144(SI), Y10
	VMOVUPS   176(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y2, Y2
	VBROADCASTSS 8(DX), Y13
	VMULPS    Y13, Y2, Y2
	VMOVUPS   80(SI), Y10
	VMOVUPS   112(SI), Y11
	VUNPCKLPD Y11, Y10, Y3
	VMOVUPS   160(SI), Y10
	VMOVUPS   192(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y3, Y3
	VBROADCASTSS 12(DX), Y13
	VMULPS    Y13, Y3, Y3
	VMOVUPS   64(SI), Y10
	VMOVUPS   96(SI), Y11
	VUNPCKLPD Y11, Y10, Y4
	VMOVUPS   176(SI), Y10
	VMOVUPS   208(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y4, Y4
	VBROADCASTSS 16(DX), Y13
	VMULPS    Y13, Y4, Y4
	VMOVUPS   48(SI), Y10
	VMOVUPS   80(SI), Y11
	VUNPCKLPD Y11, Y10, Y5
	VMOVUPS   192(SI), Y10
	VMOVUPS   224(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y5, Y5
	VBROADCASTSS 20(DX), Y13
	VMULPS    Y13, Y5, Y5
	VMOVUPS   32(SI), Y10
	VMOVUPS   64(SI), Y11
	VUNPCKLPD Y11, Y10, Y6
	VMOVUPS   208(SI), Y10
	VMOVUPS   240(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y6, Y6
	VBROADCASTSS 24(DX), Y13
	VMULPS    Y13, Y6, Y6
	VMOVUPS   16(SI), Y10
	VMOVUPS   48(SI), Y11
	VUNPCKLPD Y11, Y10, Y7
	VMOVUPS   224(SI), Y10
	VMOVUPS   256(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y7, Y7
	VBROADCASTSS 28(DX), Y13
	VMULPS    Y13, Y7, Y7
	VMOVUPS   0(SI), Y10
	VMOVUPS   32(SI), Y11
	VUNPCKLPD Y11, Y10, Y8
	VMOVUPS   240(SI), Y10
	VMOVUPS   272(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y8, Y8
	VBROADCASTSS 32(DX), Y13
	VMULPS    Y13, Y8, Y8
	VADDPS    Y1, Y0, Y0
	VADDPS    Y2, Y0, Y0
	VADDPS    Y3, Y0, Y0
	VADDPS    Y4, Y0, Y0
	VADDPS    Y5, Y0, Y0
	VADDPS    Y6, Y0, Y0
	VADDPS    Y7, Y0, Y0
	VADDPS    Y8, Y0, Y0
	VPERMPD   $0xD8, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       halfbandSeq8AVX2loop
	VZEROUPPER
	RET

// func halfbandSeq9AVX2(dst, src *complex64, n int, taps *float32)
// halfbandN's loop for 9 pairs four outputs at a time: the centre's
// product, then each pair's added in turn from the middle out (taps =
// {c, t0…}). It reads src[:2n+34].
TEXT ·halfbandSeq9AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ taps+24(FP), DX

halfbandSeq9AVX2loop:
	VMOVUPS   128(SI), Y10
	VMOVUPS   160(SI), Y11
	VUNPCKHPD Y11, Y10, Y0
	VBROADCASTSS (DX), Y13
	VMULPS    Y13, Y0, Y0
	VMOVUPS   128(SI), Y10
	VMOVUPS   160(SI), Y11
	VUNPCKLPD Y11, Y10, Y1
	VMOVUPS   144(SI), Y10
	VMOVUPS   176(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y1, Y1
	VBROADCASTSS 4(DX), Y13
	VMULPS    Y13, Y1, Y1
	VMOVUPS   112(SI), Y10
	VMOVUPS   144(SI), Y11
	VUNPCKLPD Y11, Y10, Y2
	VMOVUPS   160(SI), Y10
	VMOVUPS   192(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y2, Y2
	VBROADCASTSS 8(DX), Y13
	VMULPS    Y13, Y2, Y2
	VMOVUPS   96(SI), Y10
	VMOVUPS   128(SI), Y11
	VUNPCKLPD Y11, Y10, Y3
	VMOVUPS   176(SI), Y10
	VMOVUPS   208(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y3, Y3
	VBROADCASTSS 12(DX), Y13
	VMULPS    Y13, Y3, Y3
	VMOVUPS   80(SI), Y10
	VMOVUPS   112(SI), Y11
	VUNPCKLPD Y11, Y10, Y4
	VMOVUPS   192(SI), Y10
	VMOVUPS   224(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y4, Y4
	VBROADCASTSS 16(DX), Y13
	VMULPS    Y13, Y4, Y4
	VMOVUPS   64(SI), Y10
	VMOVUPS   96(SI), Y11
	VUNPCKLPD Y11, Y10, Y5
	VMOVUPS   208(SI), Y10
	VMOVUPS   240(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y5, Y5
	VBROADCASTSS 20(DX), Y13
	VMULPS    Y13, Y5, Y5
	VMOVUPS   48(SI), Y10
	VMOVUPS   80(SI), Y11
	VUNPCKLPD Y11, Y10, Y6
	VMOVUPS   224(SI), Y10
	VMOVUPS   256(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y6, Y6
	VBROADCASTSS 24(DX), Y13
	VMULPS    Y13, Y6, Y6
	VMOVUPS   32(SI), Y10
	VMOVUPS   64(SI), Y11
	VUNPCKLPD Y11, Y10, Y7
	VMOVUPS   240(SI), Y10
	VMOVUPS   272(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y7, Y7
	VBROADCASTSS 28(DX), Y13
	VMULPS    Y13, Y7, Y7
	VMOVUPS   16(SI), Y10
	VMOVUPS   48(SI), Y11
	VUNPCKLPD Y11, Y10, Y8
	VMOVUPS   256(SI), Y10
	VMOVUPS   288(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y8, Y8
	VBROADCASTSS 32(DX), Y13
	VMULPS    Y13, Y8, Y8
	VMOVUPS   0(SI), Y10
	VMOVUPS   32(SI), Y11
	VUNPCKLPD Y11, Y10, Y9
	VMOVUPS   272(SI), Y10
	VMOVUPS   304(SI), Y11
	VUNPCKLPD Y11, Y10, Y12
	VADDPS    Y12, Y9, Y9
	VBROADCASTSS 36(DX), Y13
	VMULPS    Y13, Y9, Y9
	VADDPS    Y1, Y0, Y0
	VADDPS    Y2, Y0, Y0
	VADDPS    Y3, Y0, Y0
	VADDPS    Y4, Y0, Y0
	VADDPS    Y5, Y0, Y0
	VADDPS    Y6, Y0, Y0
	VADDPS    Y7, Y0, Y0
	VADDPS    Y8, Y0, Y0
	VADDPS    Y9, Y0, Y0
	VPERMPD   $0xD8, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       halfbandSeq9AVX2loop
	VZEROUPPER
	RET

// func floorStepAVX2(s, floor *float32, hot, claim *bool, n int, thr, least float32)
// findHot's loop for k < n (a positive multiple of 8), eight bins at a
// time with the same float32 operations.
TEXT ·floorStepAVX2(SB), NOSPLIT, $0-48
	MOVQ         s+0(FP), SI
	MOVQ         floor+8(FP), DX
	MOVQ         hot+16(FP), DI
	MOVQ         claim+24(FP), R8
	MOVQ         n+32(FP), CX
	VBROADCASTSS thr+40(FP), Y15
	VBROADCASTSS least+44(FP), Y14
	MOVL         $0x3cf5c28f, AX // float32(0.03)
	VMOVD        AX, X13
	VBROADCASTSS X13, Y13
	MOVL         $0x3b03126f, AX // float32(0.002)
	VMOVD        AX, X12
	VBROADCASTSS X12, Y12
	MOVL         $0x3a03126f, AX // float32(0.0005)
	VMOVD        AX, X11
	VBROADCASTSS X11, Y11

floorloop:
	VMOVUPS   (SI), Y0            // s
	VMOVUPS   (DX), Y1            // f
	VMAXPS    Y14, Y1, Y2         // max(f, least)
	VMULPS    Y2, Y15, Y2         // thr*max
	VCMPPS    $0x1E, Y2, Y0, Y3   // hot: s > thr*max
	VADDPS    Y1, Y1, Y4          // 2f
	VCMPPS    $0x11, Y4, Y0, Y5   // s < 2f
	VBLENDVPS Y3, Y11, Y12, Y6    // hot ? 0.0005 : 0.002
	VBLENDVPS Y5, Y13, Y6, Y6     // s < 2f ? 0.03 : that
	VSUBPS    Y1, Y0, Y7          // s-f
	VMULPS    Y7, Y6, Y7          // a*(s-f)
	VADDPS    Y7, Y1, Y7          // f + a*(s-f)
	VMOVUPS   Y7, (DX)
	VPSRLD    $31, Y3, Y3         // hot as 0/1
	VEXTRACTF128 $1, Y3, X8
	VPACKSSDW X8, X3, X3
	VPACKUSWB X3, X3, X3
	VMOVQ     X3, (DI)
	MOVQ      $0, (R8)
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $8, DI
	ADDQ      $8, R8
	SUBQ      $8, CX
	JNZ       floorloop
	VZEROUPPER
	RET

// func maxAVX2(m float32, s *float32, n int) float32
// max(m, s[0], …, s[n-1]) for n a positive multiple of 8 and values that
// are not NaN (max is exact, so its order does not matter).
TEXT ·maxAVX2(SB), NOSPLIT, $0-28
	VBROADCASTSS m+0(FP), Y0
	MOVQ         s+8(FP), SI
	MOVQ         n+16(FP), CX

maxloop:
	VMAXPS  (SI), Y0, Y0
	ADDQ    $32, SI
	SUBQ    $8, CX
	JNZ     maxloop
	VEXTRACTF128 $1, Y0, X1
	VMAXPS  X1, X0, X0
	VPERMILPS $0x4E, X0, X1
	VMAXPS  X1, X0, X0
	VPERMILPS $0xB1, X0, X1
	VMAXPS  X1, X0, X0
	VMOVSS  X0, ret+24(FP)
	VZEROUPPER
	RET

// func mix4AVX2(dst, x *complex64, n int, osc *[4]complex64, step complex64)
// mix4's loop for i < n (a positive multiple of 4): dst[i+j] = x[i+j]·osc[j]
// for j < 4, then osc[j] *= step, in float32 with mix4's operations; osc
// is left updated.
TEXT ·mix4AVX2(SB), NOSPLIT, $0-40
	MOVQ      dst+0(FP), DI
	MOVQ      x+8(FP), SI
	MOVQ      n+16(FP), CX
	MOVQ      osc+24(FP), DX
	VMOVUPS   (DX), Y0 // the four oscillators
	VMOVSD    step+32(FP), X1
	VBROADCASTSD X1, Y1       // {sr, si} ×4
	VPERMILPS $0xB1, Y1, Y2 // {si, sr} ×4

mix4loop:
	VMOVUPS   (SI), Y3
	VMOVSLDUP Y3, Y4
	VMOVSHDUP Y3, Y5
	VPERMILPS $0xB1, Y0, Y6
	VMULPS    Y0, Y4, Y4
	VMULPS    Y6, Y5, Y5
	VADDSUBPS Y5, Y4, Y4
	VMOVUPS   Y4, (DI)
	VMOVSLDUP Y0, Y7
	VMOVSHDUP Y0, Y8
	VMULPS    Y1, Y7, Y7
	VMULPS    Y2, Y8, Y8
	VADDSUBPS Y8, Y7, Y0
	ADDQ      $32, SI
	ADDQ      $32, DI
	SUBQ      $4, CX
	JNZ       mix4loop
	VMOVUPS   Y0, (DX)
	VZEROUPPER
	RET

// func mix4PairAVX2(dstA, dstB, x *complex64, n int, oscA, oscB *[4]complex64, stepA, stepB complex64)
// mix4AVX2 of x into dstA and dstB with two oscillator sets, each with
// mix4AVX2's operations: the two recurrences in one loop.
TEXT ·mix4PairAVX2(SB), NOSPLIT, $0-64
	MOVQ         dstA+0(FP), DI
	MOVQ         dstB+8(FP), R8
	MOVQ         x+16(FP), SI
	MOVQ         n+24(FP), CX
	MOVQ         oscA+32(FP), DX
	MOVQ         oscB+40(FP), R9
	VMOVUPS      (DX), Y0
	VMOVSD       stepA+48(FP), X1
	VBROADCASTSD X1, Y1
	VPERMILPS    $0xB1, Y1, Y2
	VMOVUPS      (R9), Y9
	VMOVSD       stepB+56(FP), X10
	VBROADCASTSD X10, Y10
	VPERMILPS    $0xB1, Y10, Y11

mix4x2loop:
	VMOVUPS   (SI), Y3
	VMOVSLDUP Y3, Y4
	VMOVSHDUP Y3, Y5
	VPERMILPS $0xB1, Y0, Y6
	VMULPS    Y0, Y4, Y7
	VMULPS    Y6, Y5, Y8
	VADDSUBPS Y8, Y7, Y7
	VMOVUPS   Y7, (DI)
	VPERMILPS $0xB1, Y9, Y12
	VMULPS    Y9, Y4, Y13
	VMULPS    Y12, Y5, Y14
	VADDSUBPS Y14, Y13, Y13
	VMOVUPS   Y13, (R8)
	VMOVSLDUP Y0, Y7
	VMOVSHDUP Y0, Y8
	VMULPS    Y1, Y7, Y7
	VMULPS    Y2, Y8, Y8
	VADDSUBPS Y8, Y7, Y0
	VMOVSLDUP Y9, Y13
	VMOVSHDUP Y9, Y14
	VMULPS    Y10, Y13, Y13
	VMULPS    Y11, Y14, Y14
	VADDSUBPS Y14, Y13, Y9
	ADDQ      $32, SI
	ADDQ      $32, DI
	ADDQ      $32, R8
	SUBQ      $4, CX
	JNZ       mix4x2loop
	VMOVUPS   Y0, (DX)
	VMOVUPS   Y9, (R9)
	VZEROUPPER
	RET

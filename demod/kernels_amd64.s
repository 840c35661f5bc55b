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

// func cpuidex(leaf, sub uint32) (a, b, c, d uint32)
TEXT ·cpuidex(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, a+8(FP)
	MOVL BX, b+12(FP)
	MOVL CX, c+16(FP)
	MOVL DX, d+20(FP)
	RET

// func xgetbv0() uint32
TEXT ·xgetbv0(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, ret+0(FP)
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
	VMOVUPS   (SI), Y0
	VMOVUPS   32(SI), Y4
	VMOVUPS   16(SI), Y2
	VMOVUPS   48(SI), Y6
	VMOVUPS   64(SI), Y8
	VMOVUPS   80(SI), Y10
	// Lanes in the order outputs k, k+2, k+1, k+3.
	VUNPCKLPD Y4, Y0, Y1 // w[0]
	VUNPCKLPD Y6, Y2, Y3 // w[2]
	VUNPCKHPD Y6, Y2, Y5 // w[3]
	VUNPCKLPD Y8, Y4, Y7 // w[4]
	VUNPCKLPD Y10, Y6, Y9 // w[6]
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

// func mixTableAVX2(dst, src, tab *complex64, n, idx, k int)
// For i < n (a positive multiple of 4), o := tab[(idx+i*k)&2047]:
// dst[i] = complex(re(v)*re(o)-im(v)*im(o), re(v)*im(o)+im(v)*re(o)),
// v = src[i], in float32 as Go computes it.
TEXT ·mixTableAVX2(SB), NOSPLIT, $0-48
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         tab+16(FP), DX
	MOVQ         n+24(FP), CX
	MOVQ         idx+32(FP), AX
	MOVQ         k+40(FP), BX
	// X8: the four indices; X9: 4k each; X10: the mask 2047.
	MOVL         AX, X8
	MOVL         BX, X11
	VPBROADCASTD X8, X8
	VPBROADCASTD X11, X11
	MOVL         $2047, R8
	MOVL         R8, X10
	VPBROADCASTD X10, X10
	VPXOR        X12, X12, X12
	// {0, k, 2k, 3k} built directly: lane j = j*k.
	MOVL         BX, R9
	VPINSRD      $1, R9, X12, X12
	ADDL         BX, R9
	VPINSRD      $2, R9, X12, X12
	ADDL         BX, R9
	VPINSRD      $3, R9, X12, X12
	VPADDD       X12, X8, X8
	VPSLLD       $2, X11, X9

mixloop:
	VPAND        X10, X8, X6
	VPCMPEQD     Y7, Y7, Y7
	VPGATHERDQ   Y7, (DX)(X6*8), Y0
	VMOVUPS      (SI), Y1
	VMOVSLDUP    Y1, Y2
	VMOVSHDUP    Y1, Y3
	VPERMILPS    $0xB1, Y0, Y4
	VMULPS       Y0, Y2, Y2
	VMULPS       Y4, Y3, Y3
	VADDSUBPS    Y3, Y2, Y2
	VMOVUPS      Y2, (DI)
	VPADDD       X9, X8, X8
	ADDQ         $32, SI
	ADDQ         $32, DI
	SUBQ         $4, CX
	JNZ          mixloop
	VZEROUPPER
	RET

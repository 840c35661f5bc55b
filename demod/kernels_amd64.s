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

//go:build !purego

#include "textflag.h"

// wstep adds window AX+j's products (when its tone won it and lag
// earlier) to X0: cp[i]·conj(cp[i-lag]) into lanes 0, 1, cm's into 2, 3,
// each as Go evaluates a complex64 product: in float64 (the products
// exact), re = ar·br - ai·(-bi), im = ar·(-bi) + ai·br, each rounded to
// float32. The lanes of a window not added are +0 (the sums, from +0, are
// never -0: adding +0 leaves them as they are).
#define wstep(j) \
	VMOVSD     (j*8)(SI)(AX*8), X1; \
	VMOVHPS    (j*8)(DX)(AX*8), X1, X1; \
	VCVTPS2PD  X1, Y1; \
	VMOVSD     (j*8)(SI)(BX*8), X2; \
	VMOVHPS    (j*8)(DX)(BX*8), X2, X2; \
	VXORPS     X15, X2, X2; \
	VCVTPS2PD  X2, Y2; \
	VPERMILPD  $5, Y2, Y3; \
	VMULPD     Y2, Y1, Y4; \
	VMULPD     Y3, Y1, Y5; \
	VUNPCKLPD  Y5, Y4, Y6; \
	VUNPCKHPD  Y5, Y4, Y7; \
	VADDSUBPD  Y7, Y6, Y6; \
	VCVTPD2PSY Y6, X6; \
	MOVBQZX    j(SP), R9; \
	VANDPS     (R10)(R9*1), X6, X6; \
	VADDPS     X6, X0, X0

// func winnerTurnsAVX2(won *int8, cp, cm *complex64, lag, n int, q *[4]float32, masks *[16]uint32)
// winnerTurnsGo's loop over windows 0 ≤ i < n (n a positive multiple of
// 16; the pointers at the first window, lag > 0 windows after the
// first one read), its sums (qp's real and imaginary parts, then qm's)
// going on from q and written back there. masks: winnerMasks.
TEXT ·winnerTurnsAVX2(SB), NOSPLIT, $16-56
	MOVQ   won+0(FP), DI
	MOVQ   cp+8(FP), SI
	MOVQ   cm+16(FP), DX
	MOVQ   lag+24(FP), BX
	MOVQ   n+32(FP), CX
	MOVQ   q+40(FP), R8
	MOVQ   masks+48(FP), R10
	NEGQ   BX // i-lag
	XORQ   AX, AX // i
	VMOVUPS (R8), X0
	VMOVUPS 48(R10), X15
	VPXOR  X14, X14, X14
	MOVL   $0x10101010, R9
	VMOVD  R9, X13
	VPBROADCASTD X13, X13 // 16: qp's masks
	VPADDB X13, X13, X12  // 32: qm's

wtloop:
	// A byte per window: 16 where the window and the one lag earlier
	// were won by the same tone, above; 32 below; else 0.
	VMOVDQU  (DI)(AX*1), X1
	VMOVDQU  (DI)(BX*1), X2
	VPCMPEQB X2, X1, X2
	VPCMPGTB X14, X1, X3
	VPCMPGTB X1, X14, X4
	VPAND    X2, X3, X3
	VPAND    X2, X4, X4
	VPAND    X13, X3, X3
	VPAND    X12, X4, X4
	VPOR     X4, X3, X3
	VMOVDQU  X3, (SP)
	wstep(0)
	wstep(1)
	wstep(2)
	wstep(3)
	wstep(4)
	wstep(5)
	wstep(6)
	wstep(7)
	wstep(8)
	wstep(9)
	wstep(10)
	wstep(11)
	wstep(12)
	wstep(13)
	wstep(14)
	wstep(15)
	ADDQ $16, AX
	ADDQ $16, BX
	SUBQ $16, CX
	JNZ  wtloop
	VMOVUPS X0, (R8)
	VZEROUPPER
	RET

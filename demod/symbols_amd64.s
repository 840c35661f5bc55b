//go:build !purego

#include "textflag.h"

// wturn writes to out (X) two windows' products of one tone, a·conj(b)
// with a and b two complex64 each widened to float64 (Y), as Go evaluates
// a complex64 product: in float64, where the products are exact,
// re = ar·br + ai·bi (Go: ar·br - ai·(-bi), the same number) and
// im = ai·br + ar·(-bi), each rounded to float32. Y15: the sign of
// lanes 1 and 3. t1, t2, t3: Y scratch registers.
#define wturn(a, b, t1, t2, t3, out) \
	VMOVDDUP   b, t1; \
	VPERMILPD  $0xF, b, t2; \
	VXORPD     Y15, t2, t2; \
	VPERMILPD  $5, a, t3; \
	VMULPD     t1, a, t1; \
	VMULPD     t2, t3, t2; \
	VADDPD     t2, t1, t1; \
	VCVTPD2PSY t1, out

// wpair adds windows AX+2k and AX+2k+1 to the sums X0 (qp) and X8 (qm),
// in order, each window's product masked to +0 where its tone did not
// win it both times (the sums, from +0, are never -0: adding +0 leaves
// them as they are). The pair's mask offset is the word at 2k(SP).
#define wpair(k) \
	MOVWQZX    (k*2)(SP), R9; \
	VCVTPS2PD  (k*16)(SI)(AX*8), Y1; \
	VCVTPS2PD  (k*16)(SI)(BX*8), Y2; \
	VCVTPS2PD  (k*16)(DX)(AX*8), Y9; \
	VCVTPS2PD  (k*16)(DX)(BX*8), Y10; \
	wturn(Y1, Y2, Y3, Y4, Y5, X3); \
	wturn(Y9, Y10, Y6, Y7, Y5, X6); \
	VANDPS     (R10)(R9*1), X3, X3; \
	VANDPS     16(R10)(R9*1), X6, X6; \
	VMOVUPS    X3, 16(SP); \
	VMOVUPS    X6, 32(SP); \
	VMOVSD     16(SP), X1; \
	VADDPS     X1, X0, X0; \
	VMOVSD     24(SP), X2; \
	VADDPS     X2, X0, X0; \
	VMOVSD     32(SP), X9; \
	VADDPS     X9, X8, X8; \
	VMOVSD     40(SP), X10; \
	VADDPS     X10, X8, X8

// func winnerTurnsAVX2(won *int8, cp, cm *complex64, lag, n int, q *[4]float32, masks *[96]uint32)
// winnerTurnsGo's loop over windows 0 ≤ i < n (n a positive multiple of
// 16; the pointers at the first window, the windows lag > 0 before it
// read too), its sums (qp's real and imaginary parts, then qm's) going on
// from q and written back there. masks: winnerMasks.
TEXT ·winnerTurnsAVX2(SB), NOSPLIT, $48-56
	MOVQ   won+0(FP), DI
	MOVQ   cp+8(FP), SI
	MOVQ   cm+16(FP), DX
	MOVQ   lag+24(FP), BX
	MOVQ   n+32(FP), CX
	MOVQ   q+40(FP), R8
	MOVQ   masks+48(FP), R10
	NEGQ   BX     // i-lag
	XORQ   AX, AX // i
	VMOVSD (R8), X0
	VMOVSD 8(R8), X8
	VMOVUPD 352(R10), Y15
	VPXOR  X14, X14, X14
	MOVL   $0x01010101, R9
	VMOVD  R9, X13
	VPBROADCASTD X13, X13 // bytes 1
	VPADDB X13, X13, X12  // bytes 2
	MOVL   $0x04010401, R9
	VMOVD  R9, X11
	VPBROADCASTD X11, X11 // bytes 1, 4

wtloop:
	// Per window: 1 where it and the one lag earlier were won by the
	// same tone, above; 2 below; else 0. Per pair: the first's plus 4
	// times the second's, times 32: its masks' offset.
	VMOVDQU    (DI)(AX*1), X1
	VMOVDQU    (DI)(BX*1), X2
	VPCMPEQB   X2, X1, X2
	VPCMPGTB   X14, X1, X3
	VPCMPGTB   X1, X14, X4
	VPAND      X2, X3, X3
	VPAND      X2, X4, X4
	VPAND      X13, X3, X3
	VPAND      X12, X4, X4
	VPOR       X4, X3, X3
	VPMADDUBSW X11, X3, X3
	VPSLLW     $5, X3, X3
	VMOVDQU    X3, (SP)
	wpair(0)
	wpair(1)
	wpair(2)
	wpair(3)
	wpair(4)
	wpair(5)
	wpair(6)
	wpair(7)
	ADDQ $16, AX
	ADDQ $16, BX
	SUBQ $16, CX
	JNZ  wtloop
	VMOVSD X0, (R8)
	VMOVSD X8, 8(R8)
	VZEROUPPER
	RET

// aload loads symbol s's samples i, i+1 of cp (low half) and cm (high
// half) into y, i the s-th index at (SP).
#define aload(s, y, x) \
	MOVLQSX     (s*4)(SP), R9; \
	VMOVUPS     (SI)(R9*8), x; \
	VINSERTF128 $1, (DX)(R9*8), y, y; \
	VMULPS      y, y, y

// func amplitudesAVX2(soft, when *float32, cp, cm *complex64, n, last int)
// amplitudesGo's loop for k < n (a positive multiple of 4), last =
// len(cp)-2 ≥ 0 (cm as long at least): i = min(int(t), last), here
// truncated to int32 and held to 0 or more (the positions t are; a
// negative one, where Go would panic, reads sample 0); the amplitudes
// each the float32 square root of r·r + i·i (what Go's float64 square
// root rounds to), interpolated as Go does, in its order.
TEXT ·amplitudesAVX2(SB), NOSPLIT, $16-48
	MOVQ         soft+0(FP), DI
	MOVQ         when+8(FP), BX
	MOVQ         cp+16(FP), SI
	MOVQ         cm+24(FP), DX
	MOVQ         n+32(FP), CX
	MOVQ         last+40(FP), AX
	VMOVD        AX, X15
	VPBROADCASTD X15, X15
	VPXOR        X14, X14, X14

amloop:
	VMOVUPS     (BX), X0
	VCVTTPS2DQ  X0, X1
	VPMINSD     X15, X1, X1
	VPMAXSD     X14, X1, X1
	VCVTDQ2PS   X1, X2
	VSUBPS      X2, X0, X2 // fr
	VMOVDQU     X1, (SP)
	aload(0, Y3, X3)
	aload(1, Y4, X4)
	aload(2, Y5, X5)
	aload(3, Y6, X6)
	VHADDPS     Y4, Y3, Y3 // symbols 0, 1: |cp[i]|², |cp[i+1]|² each; cm's above
	VHADDPS     Y6, Y5, Y5 // symbols 2, 3
	VSQRTPS     Y3, Y3
	VSQRTPS     Y5, Y5
	VSHUFPS     $0x88, Y5, Y3, Y4 // |cp[i]| of symbols 0…3; |cm[i]| above
	VSHUFPS     $0xDD, Y5, Y3, Y6 // |cp[i+1]|, |cm[i+1]|
	VINSERTF128 $1, X2, Y2, Y2
	VSUBPS      Y4, Y6, Y6
	VMULPS      Y2, Y6, Y6
	VADDPS      Y4, Y6, Y6 // a; b above
	VEXTRACTF128 $1, Y6, X7
	VSUBPS      X7, X6, X6
	VMOVUPS     X6, (DI)
	ADDQ        $16, BX
	ADDQ        $16, DI
	SUBQ        $4, CX
	JNZ         amloop
	VZEROUPPER
	RET

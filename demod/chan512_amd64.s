//go:build !purego

#include "textflag.h"

DATA mh7NegRe<>+0(SB)/8, $0x0000000080000000
DATA mh7NegRe<>+8(SB)/8, $0x0000000080000000
DATA mh7NegRe<>+16(SB)/8, $0x0000000080000000
DATA mh7NegRe<>+24(SB)/8, $0x0000000080000000
DATA mh7NegRe<>+32(SB)/8, $0x0000000080000000
DATA mh7NegRe<>+40(SB)/8, $0x0000000080000000
DATA mh7NegRe<>+48(SB)/8, $0x0000000080000000
DATA mh7NegRe<>+56(SB)/8, $0x0000000080000000
GLOBL mh7NegRe<>(SB), RODATA|NOPTR, $64

// MIXZ mixes the eight samples in x less dc (Z5) by the oscillator values
// in o, into x: mixOscDCAVX512's operations (Z6 the real parts' sign).
#define MIXZ(x, o, t2, t3, t4) \
	VSUBPS    Z5, x, x; \
	VMOVSLDUP x, t2; \
	VMOVSHDUP x, t3; \
	VPERMILPS $0xB1, o, t4; \
	VMULPS    o, t2, t2; \
	VMULPS    t4, t3, t3; \
	VPXORD    Z6, t3, t3; \
	VADDPS    t3, t2, x

// func mixHalfband7AVX512(dst, mix, x, osc *complex64, n int, dc complex64, taps *[3]float32, prev *[16]complex64, idx *[3][8]uint64)
// mixOscDCAVX512 then halfband7AVX512 in one pass, sixteen samples (eight
// outputs) a round (n a positive multiple of 16): the samples mixed are
// filtered from registers and only the last round's are stored, to
// mix[n-16:n] (the next windows' and the history's). Output k of a round
// has its window's last sample in the round, the rest in the round before
// (at first prev, the 16 samples before mix[0]); idx[0] picks the samples
// of the window's outer taps (one parity) from two rounds' 16, idx[1] its
// centres' (the other), idx[2] the centres from two rounds of those. Each
// output's operations and their order are halfband7AVX512's.
TEXT ·mixHalfband7AVX512(SB), NOSPLIT, $0-72
	MOVQ         dst+0(FP), DI
	MOVQ         mix+8(FP), R8
	MOVQ         x+16(FP), SI
	MOVQ         osc+24(FP), DX
	MOVQ         n+32(FP), CX
	VMOVSD       dc+40(FP), X5
	VBROADCASTSD X5, Z5
	MOVQ         taps+48(FP), AX
	VBROADCASTSS (AX), Z13
	VBROADCASTSS 4(AX), Z14
	VBROADCASTSS 8(AX), Z15
	MOVQ         prev+56(FP), AX
	MOVQ         idx+64(FP), BX
	VMOVDQU64    (BX), Z16
	VMOVDQU64    64(BX), Z17
	VMOVDQU64    128(BX), Z18
	VMOVDQU64    mh7NegRe<>(SB), Z6

	// The round before's taps' samples (Z22) and centres' (Z23).
	VMOVUPS  (AX), Z20
	VMOVUPS  64(AX), Z21
	VMOVAPS  Z20, Z22
	VPERMT2Q Z21, Z16, Z22
	VMOVAPS  Z20, Z23
	VPERMT2Q Z21, Z17, Z23

mh7loop:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS (DX), Z8
	VMOVUPS 64(DX), Z9
	MIXZ(Z0, Z8, Z2, Z3, Z4)
	MIXZ(Z1, Z9, Z10, Z11, Z12)
	CMPQ     CX, $16
	JNE      mh7nostore
	VMOVUPS  Z0, (R8)
	VMOVUPS  Z1, 64(R8)

mh7nostore:
	VMOVAPS  Z0, Z24
	VPERMT2Q Z1, Z16, Z24    // this round's taps' samples: w[6]
	VPERMT2Q Z1, Z17, Z0     // its centres' samples
	VALIGNQ  $5, Z22, Z24, Z1 // w[0]
	VALIGNQ  $6, Z22, Z24, Z3 // w[2]
	VALIGNQ  $7, Z22, Z24, Z7 // w[4]
	VMOVAPS  Z23, Z2
	VPERMT2Q Z0, Z18, Z2     // w[3]
	VMOVAPS  Z24, Z22
	VMOVAPS  Z0, Z23
	VADDPS   Z7, Z3, Z3
	VADDPS   Z24, Z1, Z1
	VMULPS   Z14, Z3, Z3
	VMULPS   Z15, Z1, Z1
	VADDPS   Z1, Z3, Z3
	VMULPS   Z13, Z2, Z2
	VADDPS   Z3, Z2, Z2
	VMOVUPS  Z2, (DI)
	ADDQ     $128, SI
	ADDQ     $128, DX
	ADDQ     $128, R8
	ADDQ     $64, DI
	SUBQ     $16, CX
	JNZ      mh7loop
	VZEROUPPER
	RET

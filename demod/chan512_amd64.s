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
// filtered from registers, the last 16 stored to mix[n-16:n] (the next
// windows' and the history's). Output k of a round has
// its window's last sample in the round, the rest in the round before
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

DATA hbzEven<>+0(SB)/8, $0
DATA hbzEven<>+8(SB)/8, $2
DATA hbzEven<>+16(SB)/8, $4
DATA hbzEven<>+24(SB)/8, $6
DATA hbzEven<>+32(SB)/8, $8
DATA hbzEven<>+40(SB)/8, $10
DATA hbzEven<>+48(SB)/8, $12
DATA hbzEven<>+56(SB)/8, $14
GLOBL hbzEven<>(SB), RODATA|NOPTR, $64

DATA hbzOdd<>+0(SB)/8, $1
DATA hbzOdd<>+8(SB)/8, $3
DATA hbzOdd<>+16(SB)/8, $5
DATA hbzOdd<>+24(SB)/8, $7
DATA hbzOdd<>+32(SB)/8, $9
DATA hbzOdd<>+40(SB)/8, $11
DATA hbzOdd<>+48(SB)/8, $13
DATA hbzOdd<>+56(SB)/8, $15
GLOBL hbzOdd<>(SB), RODATA|NOPTR, $64

// HBZSPLIT loads the 16 samples at off(SI) split by parity: the even ones
// to e, the odd ones to o.
#define HBZSPLIT(off, e, o) \
	VMOVUPS  off(SI), o; \
	VMOVUPS  off+64(SI), Z1; \
	VMOVAPS  o, e; \
	VPERMT2Q Z1, Z18, e; \
	VPERMT2Q Z1, Z19, o

// func halfband11AVX512(dst, src *complex64, n int, taps *float32)
// halfband11AVX2's loop eight outputs a round (n a positive multiple of
// 8; it reads src[:2n+16]): the samples split by parity once, E[j] the
// even ones from src[2j] on, O[j] the odd ones; output k's window is
// E[k…k+5] and its centre O[k+2], from this round's and the next's.
TEXT ·halfband11AVX512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         taps+24(FP), DX
	VBROADCASTSS (DX), Z13
	VBROADCASTSS 4(DX), Z14
	VBROADCASTSS 8(DX), Z15
	VBROADCASTSS 12(DX), Z16
	VMOVDQU64    hbzEven<>(SB), Z18
	VMOVDQU64    hbzOdd<>(SB), Z19
	HBZSPLIT(0, Z20, Z21)

hb11zloop:
	HBZSPLIT(128, Z22, Z0)
	VALIGNQ $2, Z21, Z0, Z2  // w[5]
	VALIGNQ $1, Z20, Z22, Z3 // w[2]
	VALIGNQ $2, Z20, Z22, Z4 // w[4]
	VALIGNQ $3, Z20, Z22, Z5 // w[6]
	VALIGNQ $4, Z20, Z22, Z6 // w[8]
	VALIGNQ $5, Z20, Z22, Z7 // w[10]
	VMULPS  Z13, Z2, Z2
	VADDPS  Z5, Z4, Z4
	VMULPS  Z14, Z4, Z4
	VADDPS  Z6, Z3, Z3
	VMULPS  Z15, Z3, Z3
	VADDPS  Z7, Z20, Z8      // w[0] + w[10]
	VMULPS  Z16, Z8, Z8
	VADDPS  Z4, Z2, Z2
	VADDPS  Z8, Z3, Z3
	VADDPS  Z3, Z2, Z2
	VMOVUPS Z2, (DI)
	VMOVAPS Z22, Z20
	VMOVAPS Z0, Z21
	ADDQ    $128, SI
	ADDQ    $64, DI
	SUBQ    $8, CX
	JNZ     hb11zloop
	VZEROUPPER
	RET

// func halfband15AVX512(dst, src *complex64, n int, taps *float32)
// halfband11AVX512 for 15 taps (halfband15AVX2's order): output k's
// window is E[k…k+7], its centre O[k+3].
TEXT ·halfband15AVX512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         taps+24(FP), DX
	VBROADCASTSS (DX), Z13
	VBROADCASTSS 4(DX), Z14
	VBROADCASTSS 8(DX), Z15
	VBROADCASTSS 12(DX), Z16
	VBROADCASTSS 16(DX), Z17
	VMOVDQU64    hbzEven<>(SB), Z18
	VMOVDQU64    hbzOdd<>(SB), Z19
	HBZSPLIT(0, Z20, Z21)

hb15zloop:
	HBZSPLIT(128, Z22, Z0)
	VALIGNQ $3, Z21, Z0, Z2  // w[7]
	VALIGNQ $1, Z20, Z22, Z3 // w[2]
	VALIGNQ $2, Z20, Z22, Z4 // w[4]
	VALIGNQ $3, Z20, Z22, Z5 // w[6]
	VALIGNQ $4, Z20, Z22, Z6 // w[8]
	VALIGNQ $5, Z20, Z22, Z7 // w[10]
	VALIGNQ $6, Z20, Z22, Z8 // w[12]
	VALIGNQ $7, Z20, Z22, Z9 // w[14]
	VMULPS  Z13, Z2, Z2
	VADDPS  Z6, Z5, Z5
	VMULPS  Z14, Z5, Z5
	VADDPS  Z7, Z4, Z4
	VMULPS  Z15, Z4, Z4
	VADDPS  Z8, Z3, Z3
	VMULPS  Z16, Z3, Z3
	VADDPS  Z9, Z20, Z10     // w[0] + w[14]
	VMULPS  Z17, Z10, Z10
	VADDPS  Z5, Z2, Z2
	VADDPS  Z3, Z4, Z4
	VADDPS  Z4, Z2, Z2
	VADDPS  Z10, Z2, Z2
	VMOVUPS Z2, (DI)
	VMOVAPS Z22, Z20
	VMOVAPS Z0, Z21
	ADDQ    $128, SI
	ADDQ    $64, DI
	SUBQ    $8, CX
	JNZ     hb15zloop
	VZEROUPPER
	RET

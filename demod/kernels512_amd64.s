//go:build !purego

#include "textflag.h"

DATA hb7zPerm<>+0(SB)/8, $0
DATA hb7zPerm<>+8(SB)/8, $2
DATA hb7zPerm<>+16(SB)/8, $4
DATA hb7zPerm<>+24(SB)/8, $6
DATA hb7zPerm<>+32(SB)/8, $1
DATA hb7zPerm<>+40(SB)/8, $3
DATA hb7zPerm<>+48(SB)/8, $5
DATA hb7zPerm<>+56(SB)/8, $7
GLOBL hb7zPerm<>(SB), RODATA|NOPTR, $64

// func halfband7AVX512(dst, src *complex64, n int, taps *[3]float32)
// halfband7AVX2's loop eight outputs at a time (n a positive multiple of
// 8), with its former shuffles (the duplicating loads that spare them in
// the AVX2 loop would be twice as many here).
TEXT ·halfband7AVX512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         taps+24(FP), DX
	VBROADCASTSS (DX), Z13
	VBROADCASTSS 4(DX), Z14
	VBROADCASTSS 8(DX), Z15
	VMOVDQU64    hb7zPerm<>(SB), Z16

hb7zloop:
	VMOVUPS   (SI), Z0
	VMOVUPS   64(SI), Z4
	VMOVUPS   16(SI), Z2
	VMOVUPS   80(SI), Z6
	VMOVUPS   32(SI), Z8
	VMOVUPS   96(SI), Z10
	VMOVUPS   48(SI), Z11
	VMOVUPS   112(SI), Z12
	// Lanes in the order outputs k, k+4, k+1, k+5, k+2, k+6, k+3, k+7.
	VUNPCKLPD Z4, Z0, Z1   // w[0]
	VUNPCKLPD Z6, Z2, Z3   // w[2]
	VUNPCKHPD Z6, Z2, Z5   // w[3]
	VUNPCKLPD Z10, Z8, Z7  // w[4]
	VUNPCKLPD Z12, Z11, Z9 // w[6]
	VADDPS    Z7, Z3, Z3
	VADDPS    Z9, Z1, Z1
	VMULPS    Z14, Z3, Z3
	VMULPS    Z15, Z1, Z1
	VADDPS    Z1, Z3, Z3
	VMULPS    Z13, Z5, Z5
	VADDPS    Z3, Z5, Z5
	VPERMQ    Z5, Z16, Z5
	VMOVUPS   Z5, (DI)
	ADDQ      $128, SI
	ADDQ      $64, DI
	SUBQ      $8, CX
	JNZ       hb7zloop
	VZEROUPPER
	RET

// func stage64AVX512(x *complex64, tw *float64, n, half int)
// stage64AVX2's stage eight butterflies at a time (half a positive
// multiple of 8). The complex product's two exact float64 products and
// their one rounding: VFMADDSUB of the exact product wr·br (or wr·bi) and
// the exact product wi·bi (wi·br) rounds once, as the AVX2 kernel's
// VMULPD and VADDSUBPD do.
TEXT ·stage64AVX512(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), DI
	MOVQ tw+8(FP), R8
	MOVQ n+16(FP), R9
	MOVQ half+24(FP), R10
	MOVQ R10, R11
	SHLQ $3, R11         // half in bytes
	SHLQ $3, R9
	ADDQ DI, R9          // end of x

z64block:
	MOVQ DI, R12         // a
	LEAQ (DI)(R11*1), SI // b
	MOVQ R8, DX          // tw
	MOVQ R10, CX

z64loop:
	VCVTPS2PD      (SI), Z1
	VCVTPS2PD      32(SI), Z9
	VPERMILPD      $0x55, Z1, Z4
	VPERMILPD      $0x55, Z9, Z12
	VMOVUPD        64(DX), Z3
	VMOVUPD        192(DX), Z11
	VMULPD         Z4, Z3, Z3
	VMULPD         Z12, Z11, Z11
	VMOVUPD        (DX), Z2
	VMOVUPD        128(DX), Z10
	VFMADDSUB231PD Z1, Z2, Z3
	VFMADDSUB231PD Z9, Z10, Z11
	VCVTPD2PS      Z3, Y3
	VCVTPD2PS      Z11, Y11
	VINSERTF64X4   $1, Y11, Z3, Z3
	VMOVUPS        (R12), Z5
	VSUBPS         Z3, Z5, Z6
	VADDPS         Z3, Z5, Z5
	VMOVUPS        Z6, (SI)
	VMOVUPS        Z5, (R12)
	ADDQ           $64, R12
	ADDQ           $64, SI
	ADDQ           $256, DX
	SUBQ           $8, CX
	JNZ            z64loop
	LEAQ           (DI)(R11*2), DI
	CMPQ           DI, R9
	JLT            z64block
	VZEROUPPER
	RET

// The sign bit of every real part.
DATA mixzNegRe<>+0(SB)/8, $0x0000000080000000
DATA mixzNegRe<>+8(SB)/8, $0x0000000080000000
DATA mixzNegRe<>+16(SB)/8, $0x0000000080000000
DATA mixzNegRe<>+24(SB)/8, $0x0000000080000000
DATA mixzNegRe<>+32(SB)/8, $0x0000000080000000
DATA mixzNegRe<>+40(SB)/8, $0x0000000080000000
DATA mixzNegRe<>+48(SB)/8, $0x0000000080000000
DATA mixzNegRe<>+56(SB)/8, $0x0000000080000000
GLOBL mixzNegRe<>(SB), RODATA|NOPTR, $64

// func mixOscDCAVX512(dst, src, osc *complex64, n int, dc complex64)
// mixOscDCAVX2's loop eight samples at a time (n a positive multiple of
// 8). AVX-512 has no VADDSUBPS: the real part's difference is the sum with
// the subtrahend's sign flipped, the same value.
TEXT ·mixOscDCAVX512(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         osc+16(FP), DX
	MOVQ         n+24(FP), CX
	VMOVSD       dc+32(FP), X5
	VBROADCASTSD X5, Z5
	VMOVDQU64    mixzNegRe<>(SB), Z6

mixzdcloop:
	VMOVUPS   (DX), Z0
	VMOVUPS   (SI), Z1
	VSUBPS    Z5, Z1, Z1
	VMOVSLDUP Z1, Z2
	VMOVSHDUP Z1, Z3
	VPERMILPS $0xB1, Z0, Z4
	VMULPS    Z0, Z2, Z2
	VMULPS    Z4, Z3, Z3
	VPXORD    Z6, Z3, Z3
	VADDPS    Z3, Z2, Z2
	VMOVUPS   Z2, (DI)
	ADDQ      $64, DX
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $8, CX
	JNZ       mixzdcloop
	VZEROUPPER
	RET

// func mixOscAVX512(dst, src, osc *complex64, n int)
// mixOscAVX2's loop eight samples at a time (n a positive multiple of 8).
TEXT ·mixOscAVX512(SB), NOSPLIT, $0-32
	MOVQ      dst+0(FP), DI
	MOVQ      src+8(FP), SI
	MOVQ      osc+16(FP), DX
	MOVQ      n+24(FP), CX
	VMOVDQU64 mixzNegRe<>(SB), Z6

mixzloop:
	VMOVUPS   (DX), Z0
	VMOVUPS   (SI), Z1
	VMOVSLDUP Z1, Z2
	VMOVSHDUP Z1, Z3
	VPERMILPS $0xB1, Z0, Z4
	VMULPS    Z0, Z2, Z2
	VMULPS    Z4, Z3, Z3
	VPXORD    Z6, Z3, Z3
	VADDPS    Z3, Z2, Z2
	VMOVUPS   Z2, (DI)
	ADDQ      $64, DX
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $8, CX
	JNZ       mixzloop
	VZEROUPPER
	RET

//go:build !purego

#include "textflag.h"

// func firDecimEOAVX512(dst, e, o *complex64, taps *float32, ntaps, nout int)
// firDecimEOAVX2 eight outputs at a time (nout a positive multiple of 8):
// the same operations in the same order per output. It reads
// e[:nout+ntaps/2] and o[:nout+ntaps/2-1].
TEXT ·firDecimEOAVX512(SB), NOSPLIT, $0-48
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
	VBROADCASTSS (DX)(R11*4), Z15

eozgroup:
	VPXORD Z0, Z0, Z0 // r0, i0 per lane
	VPXORD Z1, Z1, Z1 // r1, i1
	XORQ   BX, BX     // tap k
	XORQ   AX, AX     // k/2
	MOVQ   R11, R13   // (ntaps-1-k)/2

eozpairs:
	LEAQ         2(BX), R10
	CMPQ         R10, R11
	JGT          eoztail
	VMOVUPS      (SI)(AX*8), Z3
	VADDPS       (SI)(R13*8), Z3, Z3 // taps k, ntaps-1-k
	VMOVUPS      (R9)(AX*8), Z8
	VADDPS       -8(R9)(R13*8), Z8, Z8 // taps k+1, ntaps-2-k
	VBROADCASTSS (DX)(BX*4), Z5
	VBROADCASTSS 4(DX)(BX*4), Z6
	VMULPS       Z5, Z3, Z3
	VMULPS       Z6, Z8, Z8
	VADDPS       Z3, Z0, Z0
	VADDPS       Z8, Z1, Z1
	ADDQ         $2, BX
	INCQ         AX
	DECQ         R13
	JMP          eozpairs

eoztail:
	CMPQ         BX, R11
	JGE          eozcenter
	VMOVUPS      (SI)(AX*8), Z3
	VADDPS       (SI)(R13*8), Z3, Z3
	VBROADCASTSS (DX)(BX*4), Z5
	VMULPS       Z5, Z3, Z3
	VADDPS       Z3, Z0, Z0

eozcenter:
	VMOVUPS (R14)(R12*1), Z3
	VMULPS  Z15, Z3, Z3
	VADDPS  Z1, Z0, Z0
	VADDPS  Z3, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	ADDQ    $64, R9
	ADDQ    $64, R14
	SUBQ    $8, CX
	JNZ     eozgroup
	VZEROUPPER
	RET

// func mix4DeintAVX2(a, b, x *complex64, n int, osc *[4]complex64, step complex64)
// mix4AVX2 with its products split by parity (n a positive multiple of
// 4): x[i]'s goes to a[i/2] (i even) or b[i/2] (i odd).
TEXT ·mix4DeintAVX2(SB), NOSPLIT, $0-48
	MOVQ         a+0(FP), DI
	MOVQ         b+8(FP), R8
	MOVQ         x+16(FP), SI
	MOVQ         n+24(FP), CX
	MOVQ         osc+32(FP), DX
	VMOVUPS      (DX), Y0 // the four oscillators
	VMOVSD       step+40(FP), X1
	VBROADCASTSD X1, Y1       // {sr, si} ×4
	VPERMILPS    $0xB1, Y1, Y2 // {si, sr} ×4

mix4deintloop:
	VMOVUPS      (SI), Y3
	VMOVSLDUP    Y3, Y4
	VMOVSHDUP    Y3, Y5
	VPERMILPS    $0xB1, Y0, Y6
	VMULPS       Y0, Y4, Y4
	VMULPS       Y6, Y5, Y5
	VADDSUBPS    Y5, Y4, Y4
	VPERMPD      $0xD8, Y4, Y4 // x0 x2 x1 x3
	VMOVUPS      X4, (DI)
	VEXTRACTF128 $1, Y4, (R8)
	VMOVSLDUP    Y0, Y7
	VMOVSHDUP    Y0, Y8
	VMULPS       Y1, Y7, Y7
	VMULPS       Y2, Y8, Y8
	VADDSUBPS    Y8, Y7, Y0
	ADDQ         $32, SI
	ADDQ         $16, DI
	ADDQ         $16, R8
	SUBQ         $4, CX
	JNZ          mix4deintloop
	VMOVUPS      Y0, (DX)
	VZEROUPPER
	RET

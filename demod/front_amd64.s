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
	// The pairs of taps run while 8·k/2 < 8·(h/2); the tail tap after
	// them (h odd) is at 8·(h/2) = 4·k.
	MOVQ         R11, R8
	SHRQ         $1, R8
	SHLQ         $3, R8

eozgroup:
	VPXORD Z0, Z0, Z0 // r0, i0 per lane
	VPXORD Z1, Z1, Z1 // r1, i1
	XORQ   AX, AX     // 8·k/2, also 4·k: taps[k]'s offset
	MOVQ   R11, R13
	SHLQ   $3, R13    // 8·(ntaps-1-k)/2
	CMPQ   AX, R8
	JGE    eoztail

eozpairs:
	VMOVUPS     (SI)(AX*1), Z3
	VADDPS      (SI)(R13*1), Z3, Z3 // taps k, ntaps-1-k
	VMOVUPS     (R9)(AX*1), Z8
	VADDPS      -8(R9)(R13*1), Z8, Z8 // taps k+1, ntaps-2-k
	VMULPS.BCST (DX)(AX*1), Z3, Z3
	VMULPS.BCST 4(DX)(AX*1), Z8, Z8
	VADDPS      Z3, Z0, Z0
	VADDPS      Z8, Z1, Z1
	ADDQ        $8, AX
	SUBQ        $8, R13
	CMPQ        AX, R8
	JLT         eozpairs

eoztail:
	TESTQ       $1, R11
	JZ          eozcenter
	VMOVUPS     (SI)(AX*1), Z3
	VADDPS      (SI)(R13*1), Z3, Z3
	VMULPS.BCST (DX)(AX*1), Z3, Z3
	VADDPS      Z3, Z0, Z0

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

DATA psPerm<>+0(SB)/8, $0
DATA psPerm<>+8(SB)/8, $2
DATA psPerm<>+16(SB)/8, $4
DATA psPerm<>+24(SB)/8, $6
DATA psPerm<>+32(SB)/8, $1
DATA psPerm<>+40(SB)/8, $3
DATA psPerm<>+48(SB)/8, $5
DATA psPerm<>+56(SB)/8, $7
GLOBL psPerm<>(SB), RODATA|NOPTR, $64

// func phaseStepsAVX512(dst *float32, z *complex64, n int, c *[6][8]float32)
// phaseStepsAVX2 sixteen steps at a time (n a positive multiple of 16),
// its blends on mask registers: the same operations per lane. It reads
// z[:n+1]. The lanes hold samples 0, 1, 8, 9, 2, 3, 10, 11, … until the
// store.
TEXT ·phaseStepsAVX512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         z+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         c+24(FP), DX
	VPXORD       Z14, Z14, Z14 // +0
	VBROADCASTSS 160(DX), Z15  // the sign bit
	VBROADCASTSS (DX), Z16     // c0
	VBROADCASTSS 32(DX), Z17   // c1
	VBROADCASTSS 64(DX), Z18   // c2
	VBROADCASTSS 96(DX), Z19   // π/2
	VBROADCASTSS 128(DX), Z20  // π
	VMOVDQU64    psPerm<>(SB), Z21

pszloop:
	VMOVUPS (SI), Z0          // b = z[k..k+7]
	VMOVUPS 64(SI), Z1        // b = z[k+8..k+15]
	VMOVUPS 8(SI), Z2         // a = z[k+1..k+8]
	VMOVUPS 72(SI), Z3        // a = z[k+9..k+16]
	VSHUFPS $0x88, Z1, Z0, Z4 // br
	VSHUFPS $0xDD, Z1, Z0, Z5 // bi
	VSHUFPS $0x88, Z3, Z2, Z6 // ar
	VSHUFPS $0xDD, Z3, Z2, Z7 // ai
	VMULPS  Z4, Z6, Z8        // ar·br
	VMULPS  Z5, Z7, Z9        // ai·bi
	VADDPS  Z9, Z8, Z8        // x = re
	VMULPS  Z4, Z7, Z9        // ai·br
	VMULPS  Z5, Z6, Z10       // ar·bi
	VSUBPS  Z10, Z9, Z9       // y = im

	// fastAtan2(y, x)
	VCMPPS    $1, Z14, Z8, K1      // x < 0
	VPXORD    Z15, Z8, Z11
	VBLENDMPS Z11, Z8, K1, Z11     // ax
	VCMPPS    $1, Z14, Z9, K2      // y < 0
	VPXORD    Z15, Z9, Z13
	VBLENDMPS Z13, Z9, K2, Z13     // ay
	VCMPPS    $1, Z13, Z11, K3     // ay > ax
	VBLENDMPS Z13, Z11, K3, Z1     // mx
	VBLENDMPS Z11, Z13, K3, Z2     // mn
	VCMPPS    $0, Z14, Z1, K4      // mx == 0
	VDIVPS    Z1, Z2, Z4           // a = mn / mx
	VMULPS    Z4, Z4, Z5           // s = a·a
	VMULPS    Z16, Z5, Z6          // c0·s
	VADDPS    Z17, Z6, Z6          // + c1
	VMULPS    Z5, Z6, Z6           // ·s
	VSUBPS    Z18, Z6, Z6          // - c2
	VMULPS    Z5, Z6, Z6           // ·s
	VMULPS    Z4, Z6, Z6           // ·a
	VADDPS    Z4, Z6, Z6           // + a = r
	VSUBPS    Z6, Z19, Z7          // π/2 - r
	VBLENDMPS Z7, Z6, K3, Z6       // if ay > ax
	VSUBPS    Z6, Z20, Z7          // π - r
	VBLENDMPS Z7, Z6, K1, Z6       // if x < 0
	VPXORD    Z15, Z6, Z7          // -r
	VBLENDMPS Z7, Z6, K2, Z6       // if y < 0
	VBLENDMPS Z14, Z6, K4, Z6      // 0 if mx == 0
	VPERMQ    Z6, Z21, Z6          // lanes back in order
	VMOVUPS   Z6, (DI)

	ADDQ $64, DI
	ADDQ $128, SI
	SUBQ $16, CX
	JNZ  pszloop
	VZEROUPPER
	RET

DATA deintEven<>+0(SB)/8, $0
DATA deintEven<>+8(SB)/8, $2
DATA deintEven<>+16(SB)/8, $4
DATA deintEven<>+24(SB)/8, $6
DATA deintEven<>+32(SB)/8, $8
DATA deintEven<>+40(SB)/8, $10
DATA deintEven<>+48(SB)/8, $12
DATA deintEven<>+56(SB)/8, $14
GLOBL deintEven<>(SB), RODATA|NOPTR, $64

// func deinterleaveAVX512(e, o, src *complex64, n int)
// deinterleaveAVX2 eight per plane at a time (n a positive multiple of
// 8): e[m] = src[2m], o[m] = src[2m+1].
TEXT ·deinterleaveAVX512(SB), NOSPLIT, $0-32
	MOVQ      e+0(FP), DI
	MOVQ      o+8(FP), R8
	MOVQ      src+16(FP), SI
	MOVQ      n+24(FP), CX
	VMOVDQU64 deintEven<>(SB), Z4
	VPTERNLOGD $0xFF, Z5, Z5, Z5 // all ones
	VPSRLQ     $63, Z5, Z5       // 1 per lane
	VPADDQ     Z5, Z4, Z5        // the odd indexes

deintzloop:
	VMOVUPS   (SI), Z0
	VMOVUPS   (SI), Z1
	VMOVUPS   64(SI), Z2
	VPERMT2PD Z2, Z4, Z0
	VPERMT2PD Z2, Z5, Z1
	VMOVUPS   Z0, (DI)
	VMOVUPS   Z1, (R8)
	ADDQ      $128, SI
	ADDQ      $64, DI
	ADDQ      $64, R8
	SUBQ      $8, CX
	JNZ       deintzloop
	VZEROUPPER
	RET

// func firDecim1AVX512(dst, src *complex64, taps *float32, ntaps, nout int)
// firDecim1AVX2 eight outputs at a time (nout a positive multiple of 8;
// ntaps odd, at least 3): dst[k] = dotSym(taps, src[k:k+ntaps]), each
// lane with dotSym's operations in its order.
TEXT ·firDecim1AVX512(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         taps+16(FP), DX
	MOVQ         ntaps+24(FP), R9
	MOVQ         nout+32(FP), CX
	MOVQ         R9, R11
	SHRQ         $1, R11 // h
	VBROADCASTSS (DX)(R11*4), Z15
	MOVQ         R11, R12
	SHLQ         $3, R12 // 8·h: the centre's offset
	// The pairs of taps k, k+1 run while k+2 ≤ h: 8·k ≤ 8·(h-2).
	LEAQ         -16(R12), R8

fir1zgroup:
	VPXORD Z0, Z0, Z0 // r0, i0 per lane
	VPXORD Z1, Z1, Z1 // r1, i1
	XORQ   AX, AX     // 8·k
	XORQ   BX, BX     // 4·k: taps[k]'s offset
	LEAQ   -8(R9*8), R13 // 8·(ntaps-1-k)
	CMPQ   AX, R8
	JGT    fir1ztail

fir1zpairs:
	VMOVUPS     (SI)(AX*1), Z3
	VADDPS      (SI)(R13*1), Z3, Z3 // taps k, ntaps-1-k
	VMOVUPS     8(SI)(AX*1), Z8
	VADDPS      -8(SI)(R13*1), Z8, Z8 // taps k+1, ntaps-2-k
	VMULPS.BCST (DX)(BX*1), Z3, Z3
	VMULPS.BCST 4(DX)(BX*1), Z8, Z8
	VADDPS      Z3, Z0, Z0
	VADDPS      Z8, Z1, Z1
	ADDQ        $16, AX
	SUBQ        $16, R13
	ADDQ        $8, BX
	CMPQ        AX, R8
	JLE         fir1zpairs

fir1ztail:
	CMPQ        AX, R12
	JGE         fir1zcenter
	VMOVUPS     (SI)(AX*1), Z3
	VADDPS      (SI)(R13*1), Z3, Z3
	VMULPS.BCST (DX)(BX*1), Z3, Z3
	VADDPS      Z3, Z0, Z0

fir1zcenter:
	VMOVUPS (SI)(R12*1), Z3
	VMULPS  Z15, Z3, Z3
	VADDPS  Z1, Z0, Z0
	VADDPS  Z3, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	SUBQ    $8, CX
	JNZ     fir1zgroup
	VZEROUPPER
	RET

// mix4deint mixes the four samples at SI into (DI) and (R8) as one step
// of mix4DeintAVX2 (Y0: the oscillators, Y1 and Y2: the step; Y3–Y8
// scratch).
#define mix4deint \
	VMOVUPS      (SI), Y3; \
	VMOVSLDUP    Y3, Y4; \
	VMOVSHDUP    Y3, Y5; \
	VPERMILPS    $0xB1, Y0, Y6; \
	VMULPS       Y0, Y4, Y4; \
	VMULPS       Y6, Y5, Y5; \
	VADDSUBPS    Y5, Y4, Y4; \
	VPERMPD      $0xD8, Y4, Y4; \
	VMOVUPS      X4, (DI); \
	VEXTRACTF128 $1, Y4, (R8); \
	VMOVSLDUP    Y0, Y7; \
	VMOVSHDUP    Y0, Y8; \
	VMULPS       Y1, Y7, Y7; \
	VMULPS       Y2, Y8, Y8; \
	VADDSUBPS    Y8, Y7, Y0; \
	ADDQ         $32, SI; \
	ADDQ         $16, DI; \
	ADDQ         $16, R8

#define mix16deint \
	mix4deint; \
	mix4deint; \
	mix4deint; \
	mix4deint

// func mixFirEOAVX512(a, b, x *complex64, npro, nmain, nepi int, osc *[4]complex64, step complex64, dst, e, o *complex64, taps *float32, ntaps int)
// mix4DeintAVX2 of npro+nmain+nepi groups of sixteen samples, and, after
// each of the nmain groups after the first npro, firDecimEOAVX512's next
// eight outputs from e and o into dst: the filter's work runs in the
// shadow of the oscillators' recurrence. The same operations in the same
// order as the two kernels. The outputs' windows must lie in what is
// mixed npro groups before them at the latest.
TEXT ·mixFirEOAVX512(SB), NOSPLIT, $0-104
	MOVQ         a+0(FP), DI
	MOVQ         b+8(FP), R8
	MOVQ         x+16(FP), SI
	MOVQ         osc+48(FP), AX
	VMOVUPS      (AX), Y0 // the four oscillators
	VMOVSD       step+56(FP), X1
	VBROADCASTSD X1, Y1       // {sr, si} ×4
	VPERMILPS    $0xB1, Y1, Y2 // {si, sr} ×4

	MOVQ npro+24(FP), CX
	TESTQ CX, CX
	JZ   mfmain

mfpro:
	mix16deint
	DECQ CX
	JNZ  mfpro

mfmain:
	MOVQ  nmain+32(FP), CX
	TESTQ CX, CX
	JZ    mfepi
	MOVQ         dst+64(FP), R9
	MOVQ         e+72(FP), R10
	MOVQ         o+80(FP), R11
	MOVQ         taps+88(FP), DX
	MOVQ         ntaps+96(FP), BX
	SHRQ         $1, BX // h
	MOVQ         BX, R12
	SHRQ         $1, R12
	SHLQ         $3, R12 // 8·(h/2): the pairs' end and the centre's offset
	MOVQ         R10, R14
	TESTQ        $1, BX
	CMOVQNE      R11, R14 // the centre's plane
	VBROADCASTSS (DX)(BX*4), Z20

mfgroup:
	mix16deint
	VPXORD Z16, Z16, Z16 // r0, i0 per lane
	VPXORD Z17, Z17, Z17 // r1, i1
	XORQ   AX, AX        // 8·k/2, also 4·k: taps[k]'s offset
	MOVQ   BX, R13
	SHLQ   $3, R13       // 8·(ntaps-1-k)/2
	CMPQ   AX, R12
	JGE    mftail

mfpairs:
	VMOVUPS     (R10)(AX*1), Z18
	VADDPS      (R10)(R13*1), Z18, Z18 // taps k, ntaps-1-k
	VMOVUPS     (R11)(AX*1), Z19
	VADDPS      -8(R11)(R13*1), Z19, Z19 // taps k+1, ntaps-2-k
	VMULPS.BCST (DX)(AX*1), Z18, Z18
	VMULPS.BCST 4(DX)(AX*1), Z19, Z19
	VADDPS      Z18, Z16, Z16
	VADDPS      Z19, Z17, Z17
	ADDQ        $8, AX
	SUBQ        $8, R13
	CMPQ        AX, R12
	JLT         mfpairs

mftail:
	TESTQ       $1, BX
	JZ          mfcenter
	VMOVUPS     (R10)(AX*1), Z18
	VADDPS      (R10)(R13*1), Z18, Z18
	VMULPS.BCST (DX)(AX*1), Z18, Z18
	VADDPS      Z18, Z16, Z16

mfcenter:
	VMOVUPS (R14)(R12*1), Z18
	VMULPS  Z20, Z18, Z18
	VADDPS  Z17, Z16, Z16
	VADDPS  Z18, Z16, Z16
	VMOVUPS Z16, (R9)
	ADDQ    $64, R9
	ADDQ    $64, R10
	ADDQ    $64, R11
	ADDQ    $64, R14
	DECQ    CX
	JNZ     mfgroup

mfepi:
	MOVQ  nepi+40(FP), CX
	TESTQ CX, CX
	JZ    mfdone

mfepiloop:
	mix16deint
	DECQ CX
	JNZ  mfepiloop

mfdone:
	MOVQ    osc+48(FP), AX
	VMOVUPS Y0, (AX)
	VZEROUPPER
	RET

// mix4 mixes the four samples at SI into (DI) as one step of mix4AVX2
// (Y0: the oscillators, Y1 and Y2: the step; Y3–Y8 scratch).
#define mix4 \
	VMOVUPS   (SI), Y3; \
	VMOVSLDUP Y3, Y4; \
	VMOVSHDUP Y3, Y5; \
	VPERMILPS $0xB1, Y0, Y6; \
	VMULPS    Y0, Y4, Y4; \
	VMULPS    Y6, Y5, Y5; \
	VADDSUBPS Y5, Y4, Y4; \
	VMOVUPS   Y4, (DI); \
	VMOVSLDUP Y0, Y7; \
	VMOVSHDUP Y0, Y8; \
	VMULPS    Y1, Y7, Y7; \
	VMULPS    Y2, Y8, Y8; \
	VADDSUBPS Y8, Y7, Y0; \
	ADDQ      $32, SI; \
	ADDQ      $32, DI

#define mix8 \
	mix4; \
	mix4

// func mixFir1AVX512(mixed, x *complex64, npro, nmain, nepi int, osc *[4]complex64, step complex64, dst, src *complex64, taps *float32, ntaps int)
// mix4AVX2 of npro+nmain+nepi groups of eight samples into mixed, and,
// after each of the nmain groups after the first npro,
// firDecim1AVX512's next eight outputs from src into dst: the filter's
// work runs in the shadow of the oscillators' recurrence. The same
// operations in the same order as the two kernels. The outputs' windows
// must lie in what is mixed npro groups before them at the latest.
TEXT ·mixFir1AVX512(SB), NOSPLIT, $0-88
	MOVQ         mixed+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         osc+40(FP), AX
	VMOVUPS      (AX), Y0 // the four oscillators
	VMOVSD       step+48(FP), X1
	VBROADCASTSD X1, Y1       // {sr, si} ×4
	VPERMILPS    $0xB1, Y1, Y2 // {si, sr} ×4

	MOVQ  npro+16(FP), CX
	TESTQ CX, CX
	JZ    m1main

m1pro:
	mix8
	DECQ CX
	JNZ  m1pro

m1main:
	MOVQ         nmain+24(FP), CX
	TESTQ        CX, CX
	JZ           m1epi
	MOVQ         dst+56(FP), R9
	MOVQ         src+64(FP), R10
	MOVQ         taps+72(FP), DX
	MOVQ         ntaps+80(FP), BX
	MOVQ         BX, R12
	SHRQ         $1, R12 // h
	VBROADCASTSS (DX)(R12*4), Z20
	SHLQ         $3, R12 // 8·h: the centre's offset
	// The pairs of taps k, k+1 run while k+2 ≤ h: 8·k ≤ 8·(h-2).
	LEAQ         -16(R12), R8

m1group:
	mix8
	VPXORD Z16, Z16, Z16 // r0, i0 per lane
	VPXORD Z17, Z17, Z17 // r1, i1
	XORQ   AX, AX        // 8·k
	XORQ   R11, R11      // 4·k: taps[k]'s offset
	LEAQ   -8(BX*8), R13 // 8·(ntaps-1-k)
	CMPQ   AX, R8
	JGT    m1tail

m1pairs:
	VMOVUPS     (R10)(AX*1), Z18
	VADDPS      (R10)(R13*1), Z18, Z18 // taps k, ntaps-1-k
	VMOVUPS     8(R10)(AX*1), Z19
	VADDPS      -8(R10)(R13*1), Z19, Z19 // taps k+1, ntaps-2-k
	VMULPS.BCST (DX)(R11*1), Z18, Z18
	VMULPS.BCST 4(DX)(R11*1), Z19, Z19
	VADDPS      Z18, Z16, Z16
	VADDPS      Z19, Z17, Z17
	ADDQ        $16, AX
	SUBQ        $16, R13
	ADDQ        $8, R11
	CMPQ        AX, R8
	JLE         m1pairs

m1tail:
	CMPQ        AX, R12
	JGE         m1center
	VMOVUPS     (R10)(AX*1), Z18
	VADDPS      (R10)(R13*1), Z18, Z18
	VMULPS.BCST (DX)(R11*1), Z18, Z18
	VADDPS      Z18, Z16, Z16

m1center:
	VMOVUPS (R10)(R12*1), Z18
	VMULPS  Z20, Z18, Z18
	VADDPS  Z17, Z16, Z16
	VADDPS  Z18, Z16, Z16
	VMOVUPS Z16, (R9)
	ADDQ    $64, R9
	ADDQ    $64, R10
	DECQ    CX
	JNZ     m1group

m1epi:
	MOVQ  nepi+32(FP), CX
	TESTQ CX, CX
	JZ    m1done

m1epiloop:
	mix8
	DECQ CX
	JNZ  m1epiloop

m1done:
	MOVQ    osc+40(FP), AX
	VMOVUPS Y0, (AX)
	VZEROUPPER
	RET

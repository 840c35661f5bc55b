//go:build !purego

#include "textflag.h"

// VPERMPS indices: four floats, each twice (a window value for both parts
// of a complex sample).
DATA fftDupIdx<>+0(SB)/8, $0x0000000000000000
DATA fftDupIdx<>+8(SB)/8, $0x0000000100000001
DATA fftDupIdx<>+16(SB)/8, $0x0000000200000002
DATA fftDupIdx<>+24(SB)/8, $0x0000000300000003
GLOBL fftDupIdx<>(SB), RODATA|NOPTR, $32

// The sign bit of every imaginary part.
DATA fftNegIm<>+0(SB)/8, $0x8000000000000000
DATA fftNegIm<>+8(SB)/8, $0x8000000000000000
DATA fftNegIm<>+16(SB)/8, $0x8000000000000000
DATA fftNegIm<>+24(SB)/8, $0x8000000000000000
GLOBL fftNegIm<>(SB), RODATA|NOPTR, $32

// BFLY4(a, b, tw): four butterflies t := tw[k]*b[k]; b[k] = a[k]-t;
// a[k] += t at the addresses in registers a and b, their twiddles in
// fft.tw64's layout at tw: the
// complex64 product in float64 (its products exact, one rounding for the
// sum, one back to float32), the sum and difference in float32; no FMA.
#define BFLY4(a, b, tw) \
	VCVTPS2PD   (b), Y1; \
	VCVTPS2PD   16(b), Y9; \
	VPERMILPD   $0x05, Y1, Y4; \
	VPERMILPD   $0x05, Y9, Y12; \
	VMOVUPD     (tw), Y2; \
	VMOVUPD     64(tw), Y3; \
	VMOVUPD     32(tw), Y10; \
	VMOVUPD     96(tw), Y11; \
	VMULPD      Y1, Y2, Y2; \
	VMULPD      Y4, Y3, Y3; \
	VMULPD      Y9, Y10, Y10; \
	VMULPD      Y12, Y11, Y11; \
	VADDSUBPD   Y3, Y2, Y2; \
	VADDSUBPD   Y11, Y10, Y10; \
	VCVTPD2PSY  Y2, X2; \
	VCVTPD2PSY  Y10, X10; \
	VINSERTF128 $1, X10, Y2, Y2; \
	VMOVUPS     (a), Y5; \
	VSUBPS      Y2, Y5, Y6; \
	VADDPS      Y2, Y5, Y5; \
	VMOVUPS     Y6, (b); \
	VMOVUPS     Y5, (a)

// func stage64AVX2(x *complex64, tw *float64, n, half int)
// One radix-2 stage of the FFT over x[:n], blocks of 2·half (half a
// positive multiple of 4), twiddles in fft.tw64's layout: for every block
// start s and k < half, t := tw[k]*x[s+half+k]; x[s+half+k] = x[s+k]-t;
// x[s+k] += t (stageGo).
TEXT ·stage64AVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), DI
	MOVQ tw+8(FP), R8
	MOVQ n+16(FP), R9
	MOVQ half+24(FP), R10
	MOVQ R10, R11
	SHLQ $3, R11         // half in bytes
	SHLQ $3, R9
	ADDQ DI, R9          // end of x

s64block:
	MOVQ DI, R12         // a
	LEAQ (DI)(R11*1), SI // b
	MOVQ R8, DX          // tw
	MOVQ R10, CX

s64loop:
	BFLY4(R12, SI, DX)
	ADDQ $32, R12
	ADDQ $32, SI
	ADDQ $128, DX
	SUBQ $4, CX
	JNZ  s64loop
	LEAQ (DI)(R11*2), DI
	CMPQ DI, R9
	JLT  s64block
	VZEROUPPER
	RET

// WCOLS(xp, wp): for the four frames' positions q… at xp (window at wp),
// the radix-4 butterflies of the first two stages of the samples that
// transformReversed's bit-reversed order puts at 4·rev(q)+t: x[q],
// x[q+n/2], x[q+n/4], x[q+3n/4] (each times its window), as columns, then
// transposed: the four rows (outputs 4·rev(q)…+3) in Y0…Y3.
#define WCOLS(xp, wp) \
	VMOVUPS    (xp), Y0; \
	VMOVUPS    (xp)(R9*4), Y1; \
	VMOVUPS    (xp)(R9*2), Y2; \
	VMOVUPS    (xp)(R13*2), Y3; \
	VMOVUPS    (wp), X4; \
	VMOVUPS    (wp)(R9*2), X5; \
	VMOVUPS    (wp)(R9*1), X6; \
	VMOVUPS    (wp)(R13*1), X7; \
	VPERMPS    Y4, Y15, Y4; \
	VPERMPS    Y5, Y15, Y5; \
	VPERMPS    Y6, Y15, Y6; \
	VPERMPS    Y7, Y15, Y7; \
	VMULPS     Y4, Y0, Y0; \
	VMULPS     Y5, Y1, Y1; \
	VMULPS     Y6, Y2, Y2; \
	VMULPS     Y7, Y3, Y3; \
	VADDPS     Y1, Y0, Y4; \
	VSUBPS     Y1, Y0, Y5; \
	VADDPS     Y3, Y2, Y6; \
	VSUBPS     Y3, Y2, Y7; \
	VPERMILPS  $0xB1, Y7, Y7; \
	VXORPS     Y14, Y7, Y7; \
	VADDPS     Y6, Y4, Y0; \
	VADDPS     Y7, Y5, Y1; \
	VSUBPS     Y6, Y4, Y2; \
	VSUBPS     Y7, Y5, Y3; \
	VUNPCKLPD  Y1, Y0, Y4; \
	VUNPCKHPD  Y1, Y0, Y5; \
	VUNPCKLPD  Y3, Y2, Y6; \
	VUNPCKHPD  Y3, Y2, Y7; \
	VPERM2F128 $0x20, Y6, Y4, Y0; \
	VPERM2F128 $0x20, Y7, Y5, Y1; \
	VPERM2F128 $0x31, Y6, Y4, Y2; \
	VPERM2F128 $0x31, Y7, Y5, Y3

// WROWS(off): Y0…Y3 to dst at 4·rev(q)+off bytes for the four q.
#define WROWS(off) \
	MOVLQSX 0(R8), R11; \
	VMOVUPS Y0, off(DI)(R11*8); \
	MOVLQSX 4(R8), R11; \
	VMOVUPS Y1, off(DI)(R11*8); \
	MOVLQSX 8(R8), R11; \
	VMOVUPS Y2, off(DI)(R11*8); \
	MOVLQSX 12(R8), R11; \
	VMOVUPS Y3, off(DI)(R11*8)

// W8(j): the third stage (blocks of 8, twiddles tw at R10) over the
// block at 4·rev(q_j).
#define W8(j) \
	MOVLQSX j(R8), R11; \
	LEAQ    (DI)(R11*8), R12; \
	LEAQ    32(R12), R14; \
	BFLY4(R12, R14, R10)

// func windowFirst3AVX2(dst, x *complex64, win *float32, rows *int32, n int, tw *float64)
// windowReversed(dst, x, win), radix4(dst) and the stage of size 8 (its
// twiddles tw, fft.tw64[0]) in one pass; rows is fft.rev, n a multiple of
// 32. Output 4·rev(q)+t (t < 4, q < n/4) comes from x[q+(rev₂(t))·n/4], and
// the stage of size 8 pairs the rows of q and q+n/8.
TEXT ·windowFirst3AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst+0(FP), DI
	MOVQ    x+8(FP), SI
	MOVQ    win+16(FP), DX
	MOVQ    rows+24(FP), R8
	MOVQ    n+32(FP), R9          // n: x[n/8] and win[n/4] are n bytes on
	MOVQ    tw+40(FP), R10
	VMOVDQU fftNegIm<>(SB), Y14
	VMOVDQU fftDupIdx<>(SB), Y15
	LEAQ    (R9)(R9*2), R13       // 3n
	LEAQ    (SI)(R9*1), AX        // x[q+n/8]
	MOVQ    R9, BX
	SHRQ    $1, BX
	ADDQ    DX, BX                // win[q+n/8]
	MOVQ    R9, CX
	SHRQ    $5, CX                // n/32 rounds of four q

w3loop:
	WCOLS(SI, DX)
	WROWS(0)
	WCOLS(AX, BX)
	WROWS(32)
	W8(0)
	W8(4)
	W8(8)
	W8(12)
	ADDQ $32, SI
	ADDQ $32, AX
	ADDQ $16, DX
	ADDQ $16, BX
	ADDQ $16, R8
	DECQ CX
	JNZ  w3loop
	VZEROUPPER
	RET

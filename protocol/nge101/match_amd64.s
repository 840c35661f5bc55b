//go:build !purego

#include "textflag.h"

// func matchWords(cands *[blockWords]candidates, words []uint64, m *matchState) int
//
// AX the word c, BX the word before it (b), R10 and R11 b's short and long
// kind bits, DX the kind bits being built, R8 and R13 scratch, R9 the word
// index k, R12 the candidates noted (n), DI cands, SI the next word, CX the
// words left. A candidates entry is {word, short, long}: 24 bytes.
TEXT ·matchWords(SB), NOSPLIT, $0-48
	MOVQ cands+0(FP), DI
	MOVQ words_base+8(FP), SI
	MOVQ words_len+16(FP), CX
	MOVQ m+32(FP), R8
	MOVQ 0(R8), BX
	MOVQ 8(R8), R10
	MOVQ 16(R8), R11
	XORQ R9, R9
	XORQ R12, R12
	TESTQ CX, CX
	JEQ done

loop:
	MOVQ 0(SI), AX

	// kind = y(8) & y(7) & y(6) & y(5) & y(4) &^ y(3) & y(2) &^ y(1),
	// y(k) = c<<k | b>>(64-k): the head 0b11111010 ends at u-1.
	MOVQ AX, DX
	SHLQ $8, BX, DX
	MOVQ AX, R13
	SHLQ $7, BX, R13
	ANDQ R13, DX
	MOVQ AX, R13
	SHLQ $6, BX, R13
	ANDQ R13, DX
	MOVQ AX, R13
	SHLQ $5, BX, R13
	ANDQ R13, DX
	MOVQ AX, R13
	SHLQ $4, BX, R13
	ANDQ R13, DX
	MOVQ AX, R13
	SHLQ $3, BX, R13
	NOTQ R13
	ANDQ R13, DX
	MOVQ AX, R13
	SHLQ $2, BX, R13
	ANDQ R13, DX
	MOVQ AX, R13
	SHLQ $1, BX, R13
	NOTQ R13
	ANDQ R13, DX

	// cl = kind & c (R13), cs = kind &^ c (DX).
	MOVQ DX, R13
	ANDQ AX, R13
	XORQ R13, DX

	// short = cs<<46 | ps>>18 (R8), long = cl<<62 | pl>>2 (R10 after the
	// carries move on).
	MOVQ DX, R8
	SHLQ $46, R10, R8
	MOVQ DX, R10
	MOVQ R13, DX
	SHLQ $62, R11, DX
	MOVQ R13, R11

	// cands[n&63] = {k, short, long}
	MOVQ R12, R13
	ANDQ $63, R13
	LEAQ 0(R13)(R13*2), R13
	MOVQ R9, 0(DI)(R13*8)
	MOVQ R8, 8(DI)(R13*8)
	MOVQ DX, 16(DI)(R13*8)

	// n += (short|long) != 0: NEGQ sets the carry for a nonzero operand.
	ORQ DX, R8
	NEGQ R8
	ADCQ $0, R12

	MOVQ AX, BX
	ADDQ $8, SI
	INCQ R9
	DECQ CX
	JNE loop

done:
	MOVQ m+32(FP), R8
	MOVQ BX, 0(R8)
	MOVQ R10, 8(R8)
	MOVQ R11, 16(R8)
	MOVQ R12, ret+40(FP)
	RET

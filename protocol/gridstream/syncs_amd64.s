//go:build !purego

#include "textflag.h"

// func firstSyncs(words []uint64, b uint64) (k int, syncs uint64)
//
// AX the word c, BX the word before it (b), R10 and R11 the runs of two and
// four 1 bits ending at each position of b, DX the syncs being built, R8
// and R12 scratch, R9 the index k, SI the next word, CX the words left.
TEXT ·firstSyncs(SB), NOSPLIT, $0-48
	MOVQ words_base+0(FP), SI
	MOVQ words_len+8(FP), CX
	MOVQ b+24(FP), BX
	XORQ R9, R9
	XORQ DX, DX
	TESTQ CX, CX
	JEQ done

	// b's runs: ones2 = b & b<<1, ones4 = ones2 & ones2<<2 (their top
	// bits, the ones used, need nothing from the word before b).
	MOVQ BX, R10
	SHLQ $1, R10
	ANDQ BX, R10
	MOVQ R10, R11
	SHLQ $2, R11
	ANDQ R10, R11

loop:
	MOVQ 0(SI), AX

	// ones2 = c & (c<<1 | b>>63)
	MOVQ AX, R8
	SHLQ $1, BX, R8
	ANDQ AX, R8

	// ones4 = ones2 & (ones2<<2 | b's ones2>>62)
	MOVQ R8, R12
	SHLQ $2, R10, R12
	ANDQ R8, R12
	MOVQ R8, R10

	// ones8 = ones4 & (ones4<<4 | b's ones4>>60)
	MOVQ R12, DX
	SHLQ $4, R11, DX
	ANDQ R12, DX
	MOVQ R12, R11

	// syncs = ones8 & (c<<8 | b>>56) &^ (c<<12 | b>>52)
	MOVQ AX, R8
	SHLQ $8, BX, R8
	ANDQ R8, DX
	MOVQ AX, R8
	SHLQ $12, BX, R8
	NOTQ R8
	ANDQ R8, DX

	MOVQ AX, BX
	TESTQ DX, DX
	JNE done
	ADDQ $8, SI
	INCQ R9
	DECQ CX
	JNE loop

done:
	MOVQ R9, k+32(FP)
	MOVQ DX, syncs+40(FP)
	RET

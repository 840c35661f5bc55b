//go:build !purego

#include "textflag.h"

// func packWords(dst []uint64, src []byte)
TEXT ·packWords(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	TESTQ CX, CX
	JEQ done

loop:
	MOVOU 0(SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3
	PSLLW $7, X0
	PSLLW $7, X1
	PSLLW $7, X2
	PSLLW $7, X3
	PMOVMSKB X0, AX
	PMOVMSKB X1, BX
	PMOVMSKB X2, DX
	PMOVMSKB X3, R8
	SHLQ $16, BX
	SHLQ $32, DX
	SHLQ $48, R8
	ORQ BX, AX
	ORQ R8, DX
	ORQ DX, AX
	MOVQ AX, 0(DI)
	ADDQ $64, SI
	ADDQ $8, DI
	DECQ CX
	JNE loop

done:
	RET

// func normalizeBlocks(p []byte, inv uint64)
TEXT ·normalizeBlocks(SB), NOSPLIT, $0-32
	MOVQ p_base+0(FP), SI
	MOVQ p_len+8(FP), CX
	SHRQ $6, CX
	JEQ done
	MOVQ $0x0101010101010101, AX
	MOVQ AX, X4
	PUNPCKLQDQ X4, X4
	MOVQ inv+24(FP), AX
	MOVQ AX, X5
	PUNPCKLQDQ X5, X5

loop:
	MOVOU 0(SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3
	PAND X4, X0
	PAND X4, X1
	PAND X4, X2
	PAND X4, X3
	PXOR X5, X0
	PXOR X5, X1
	PXOR X5, X2
	PXOR X5, X3
	MOVOU X0, 0(SI)
	MOVOU X1, 16(SI)
	MOVOU X2, 32(SI)
	MOVOU X3, 48(SI)
	ADDQ $64, SI
	DECQ CX
	JNE loop

done:
	RET

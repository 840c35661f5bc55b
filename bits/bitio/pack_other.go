//go:build !amd64 || purego

package bitio

func packWords(dst []uint64, src []byte) { packWordsGeneric(dst, src) }

func normalizeBlocks(p []byte, inv uint64) { normalizeGeneric(p, inv) }

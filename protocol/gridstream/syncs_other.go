//go:build !amd64 || purego

package gridstream

func firstSyncs(words []uint64, b uint64) (int, uint64) { return firstSyncsGeneric(words, b) }

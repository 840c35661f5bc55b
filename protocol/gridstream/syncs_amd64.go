//go:build !purego

package gridstream

// firstSyncs is firstSyncsGeneric in assembly: the runs of 1 bits carried
// from word to word, each shifted word one SHLD (c<<k | b>>(64-k)).
//
//go:noescape
func firstSyncs(words []uint64, b uint64) (k int, syncs uint64)

//go:build !purego

package nge101

// matchWords is matchGeneric in assembly: each shifted word is one SHLD
// (c<<k | b>>(64-k)), and nothing is kept on the stack.
//
//go:noescape
func matchWords(cands *[blockWords]candidates, words []uint64, m *matchState) int

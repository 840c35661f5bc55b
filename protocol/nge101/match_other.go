//go:build !amd64 || purego

package nge101

func matchWords(cands *[blockWords]candidates, words []uint64, m *matchState) int {
	return matchGeneric(cands, words, m)
}

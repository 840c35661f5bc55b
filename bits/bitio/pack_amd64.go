//go:build !purego

package bitio

// packWords is PackWords with SSE2 (every amd64 has it): PSLLW moves each
// byte's low bit to its top, PMOVMSKB gathers 16 tops into 16 bits.
//
//go:noescape
func packWords(dst []uint64, src []byte)

// normalizeBlocks is normalizeGeneric with SSE2, 64 bytes per step.
//
//go:noescape
func normalizeBlocks(p []byte, inv uint64)

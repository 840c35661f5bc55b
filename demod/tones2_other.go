//go:build !amd64 || purego

package demod

// blockSums writes the energy of each block of bl samples of pz to dst.
func blockSums(dst []float64, pz []complex64, bl int) { blockSumsGo(dst, pz, bl) }

// partitionInto writes v's values under p to lo and the others to hi,
// each in order, and returns how many are under.
func partitionInto(lo, hi, v []float32, p float32) int { return partitionGo(lo, hi, v, p) }

// tailChains runs tailSums' four chains per side over v.
func tailChains(v []float32, tlo, thi float32) (lo, hi [4]float64, nlo, nhi int) {
	return tailChainsGo(v, 0, tlo, thi, lo, hi, 0, 0)
}

// energySum returns the sum in float64, in order, of z's float32 energies.
func energySum(z []complex64) float64 { return energySumGo(z) }

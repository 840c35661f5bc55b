package avx2

func cpuidex(leaf, sub uint32) (a, b, c, d uint32)

func xgetbv0() uint32

func available() bool {
	maxLeaf, _, _, _ := cpuidex(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, c1, _ := cpuidex(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if c1&osxsave == 0 || c1&avx == 0 || xgetbv0()&6 != 6 {
		return false
	}
	_, b7, _, _ := cpuidex(7, 0)
	return b7&(1<<5) != 0
}

func avx512() bool {
	// XCR0: the opmask, ZMM0–15 upper halves and ZMM16–31 states (and the
	// SSE and AVX ones available checked).
	const zmm = 0xe0
	if xgetbv0()&zmm != zmm {
		return false
	}
	_, b7, _, _ := cpuidex(7, 0)
	return b7&(1<<16) != 0
}

func fma() bool {
	_, _, c1, _ := cpuidex(1, 0)
	return c1&(1<<12) != 0
}

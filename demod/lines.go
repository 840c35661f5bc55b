package demod

import "math"

// The symbol-rate lines the FSK demodulator's timing estimates correlate
// with: oscillators whose values depend only on the rate and the sample
// index, so they are computed once per receiver and kept in tables (the
// same recurrences, so the same values), and a burst's loop multiplies by
// table values instead of waiting on a chain of complex multiplications.

// symbolLine is the oscillator at the symbol rate that firstSymbolEnd
// turns through for one moving-sum length L and samples per symbol sps,
// kept from burst to burst: osc[j] is its value at index L+j (the
// recurrence o *= rot from 1 at index L, renormalised at every index that
// is a multiple of 256), so a burst's head multiplies by table values
// instead of waiting on a chain of complex multiplications.
type symbolLine struct {
	L   int
	sps float64
	rot complex128
	osc []complex128
	o   complex128 // the value at index L+len(osc)
}

func newSymbolLine(L int, sps float64) *symbolLine {
	return &symbolLine{L: L, sps: sps, rot: complex(math.Cos(-2*math.Pi/sps), math.Sin(-2*math.Pi/sps)), o: 1}
}

// upTo extends the table to index n (exclusive).
func (l *symbolLine) upTo(n int) {
	for i := l.L + len(l.osc); i < n; i++ {
		l.osc = append(l.osc, l.o)
		l.o *= l.rot
		if i&255 == 0 {
			l.o /= complex(math.Hypot(real(l.o), imag(l.o)), 0)
		}
	}
}

// firstEnd is firstSymbolEnd with this line.
func (l *symbolLine) firstEnd(m []float32, off float32) float64 {
	return l.endAt(l.sum(m, off))
}

// sum returns the line's correlation with |m-off| from index L on.
func (l *symbolLine) sum(m []float32, off float32) complex128 {
	var v complex128
	if len(m) > l.L {
		l.upTo(len(m))
		osc := l.osc[:len(m)-l.L]
		for j, x := range m[l.L:] {
			// |x-off| without a branch (the sign changes with the
			// symbols): a zero term's sign never shows in a sum from +0.
			a := math.Abs(float64(x - off))
			o := osc[j]
			v += complex(a*real(o), a*imag(o))
		}
	}
	return v
}

// endAt returns where, from index L on, the first symbol ends given the
// line's correlation v with |m-off|.
func (l *symbolLine) endAt(v complex128) float64 {
	L, sps := l.L, l.sps
	// o has turned (n-L) steps; the line's phase at index 0:
	ph := -math.Atan2(imag(v), real(v)) + 2*math.Pi*float64(L)/sps
	t := math.Mod(ph/(2*math.Pi)*sps, sps)
	if t < 0 {
		t += sps
	}
	for t < float64(L) {
		t += sps
	}
	return t
}

// lineSums3 is sum for three lines and moving sums at once (each a chain
// of dependent additions in its own order, side by side): the
// correlation of line l[k] with |m[k]-off[k]|, 0 where l[k] is nil.
func lineSums3(l [3]*symbolLine, m [3][]float32, off [3]float32) (v [3]complex128) {
	var osc [3][]complex128
	var src [3][]float32
	common, some := math.MaxInt, -1
	for k := range 3 {
		if l[k] == nil || len(m[k]) <= l[k].L {
			continue
		}
		l[k].upTo(len(m[k]))
		osc[k] = l[k].osc[:len(m[k])-l[k].L]
		src[k] = m[k][l[k].L:]
		common, some = min(common, len(src[k])), k
	}
	if some < 0 {
		return v
	}
	term := func(x, off float32, o complex128) complex128 {
		a := math.Abs(float64(x - off)) // as in sum
		return complex(a*real(o), a*imag(o))
	}
	// A slot without a line runs another's values, and is dropped.
	var s3 [3][]float32
	var o3 [3][]complex128
	for k := range 3 {
		j := k
		if src[k] == nil {
			j = some
		}
		s3[k], o3[k] = src[j][:common], osc[j][:common]
	}
	s0, s1, s2 := s3[0], s3[1][:len(s3[0])], s3[2][:len(s3[0])]
	o0, o1, o2 := o3[0][:len(s0)], o3[1][:len(s0)], o3[2][:len(s0)]
	var v0, v1, v2 complex128
	for j := range s0 {
		v0 += term(s0[j], off[0], o0[j])
		v1 += term(s1[j], off[1], o1[j])
		v2 += term(s2[j], off[2], o2[j])
	}
	v = [3]complex128{v0, v1, v2}
	for k := range 3 {
		if src[k] == nil {
			v[k] = 0
			continue
		}
		for j := common; j < len(src[k]); j++ {
			v[k] += term(src[k][j], off[k], osc[k][j])
		}
	}
	return v
}

// blockLine is the oscillator blockLines turns through at sps samples per
// symbol: in each block of int(32·sps) samples it starts at the phase
// -2π·((block start) mod sps)/sps and turns by -2π/sps per sample. osc[i]
// is its value at sample i.
type blockLine struct {
	sps float64
	blk int
	rot complex128
	osc []complex128
	o   complex128 // the value at index len(osc)
}

func newBlockLine(sps float64) *blockLine {
	return &blockLine{sps: sps, blk: int(32 * sps), rot: complex(math.Cos(-2*math.Pi/sps), math.Sin(-2*math.Pi/sps))}
}

// upTo extends the table to index n (exclusive).
func (l *blockLine) upTo(n int) {
	for i := len(l.osc); i < n; i++ {
		if i%l.blk == 0 {
			ph := -2 * math.Pi * math.Mod(float64(i), l.sps) / l.sps
			l.o = complex(math.Cos(ph), math.Sin(ph))
		}
		l.osc = append(l.osc, l.o)
		l.o *= l.rot
	}
}

// maxBlockLine is how far (samples) blockLine tables reach; blocks past
// it turn their oscillator as they go (blockSum).
const maxBlockLine = 8192

// lineSum returns the sum of |s[i]|·osc[i].
func lineSum(s []float32, osc []complex128) complex128 {
	osc = osc[:len(s)]
	var v complex128
	for i, x := range s {
		a := math.Abs(float64(x)) // as in symbolLine.sum
		o := osc[i]
		v += complex(a*real(o), a*imag(o))
	}
	return v
}

// lineSum2 is lineSum of two blocks of one length at once (two chains of
// dependent additions side by side).
func lineSum2(s []float32, osc []complex128, s2 []float32, osc2 []complex128) (complex128, complex128) {
	osc, s2, osc2 = osc[:len(s)], s2[:len(s)], osc2[:len(s)]
	var v, v2 complex128
	for i, x := range s {
		a, a2 := math.Abs(float64(x)), math.Abs(float64(s2[i])) // as in symbolLine.sum
		o, o2 := osc[i], osc2[i]
		v += complex(a*real(o), a*imag(o))
		v2 += complex(a2*real(o2), a2*imag(o2))
	}
	return v, v2
}

// blockSum is lineSum of the block of s starting at sample a (a multiple
// of l.blk) with the oscillator turned sample by sample: the table's
// values.
func (l *blockLine) blockSum(s []float32, a int) complex128 {
	ph := -2 * math.Pi * math.Mod(float64(a), l.sps) / l.sps
	o := complex(math.Cos(ph), math.Sin(ph))
	var v complex128
	for _, x := range s {
		a := math.Abs(float64(x)) // as in symbolLine.sum
		v += complex(a*real(o), a*imag(o))
		o *= l.rot
	}
	return v
}

// blockLine returns the kept blockLine for sps, extended to n samples.
func (f *fskDemod) blockLine(sps float64, n int) *blockLine {
	var line *blockLine
	for _, l := range f.blkLines {
		if l.sps == sps {
			line = l
		}
	}
	if line == nil {
		line = newBlockLine(sps)
		f.blkLines = append(f.blkLines, line)
	}
	line.upTo(n)
	return line
}

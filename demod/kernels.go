package demod

// butterfliesGo is butterflies in Go.
func butterfliesGo(a, b, tw []complex64) {
	a, b = a[:len(tw)], b[:len(tw)]
	for k, w := range tw {
		t := w * b[k]
		b[k] = a[k] - t
		a[k] += t
	}
}

// mixOscGo writes x[i]·osc[i] to dst, the product in float32 (the
// channel mixer's).
func mixOscGo(dst, x, osc []complex64) {
	dst, osc = dst[:len(x)], osc[:len(x)]
	for i, v := range x {
		o := osc[i]
		dst[i] = complex(real(v)*real(o)-imag(v)*imag(o), real(v)*imag(o)+imag(v)*real(o))
	}
}

// mixOscDCGo writes (x[i]-dc)·osc[i] to dst: the sample less the DC
// offset in float32, then mixOscGo's product.
func mixOscDCGo(dst, x, osc []complex64, dc complex64) {
	dst, osc = dst[:len(x)], osc[:len(x)]
	for i, v := range x {
		v -= dc
		o := osc[i]
		dst[i] = complex(real(v)*real(o)-imag(v)*imag(o), real(v)*imag(o)+imag(v)*real(o))
	}
}

// firDecimGo is firDecim in Go.
func firDecimGo(dst, buf []complex64, s int, taps []float32, decim int) int {
	for k := range dst {
		dst[k] = dotSym(taps, buf[s:s+len(taps)])
		s += decim
	}
	return s
}

// halfbandGo is halfbandOut in Go: the loop for its number of taps.
func halfbandGo(dst, buf []complex64, s int, c float32, pairs []float32) int {
	switch len(pairs) {
	case 2:
		return halfband7Go(dst, buf, s, c, pairs[0], pairs[1])
	case 3:
		return halfband11(dst, buf, s, c, pairs[0], pairs[1], pairs[2])
	case 4:
		return halfband15(dst, buf, s, c, pairs[0], pairs[1], pairs[2], pairs[3])
	}
	return halfbandN(dst, buf, s, c, pairs)
}

// floorStepGo marks the bins whose smoothed power s is over thr times the
// noise floor (or least) hot, unclaims every bin, and moves the floor: a
// slow follower of the quiet bins, and a slower one of the hot bins, so a
// stuck carrier fades.
func floorStepGo(s, floor []float32, hot, claim []bool, thr, least float32) {
	floor, hot, claim = floor[:len(s)], hot[:len(s)], claim[:len(s)]
	for k, s := range s {
		f := floor[k]
		// (A DC spike is a steady hot bin: the slow floor update of hot
		// bins absorbs it; excluding the DC bins instead would split
		// bursts centred on 0 Hz.)
		h := s > thr*max(f, least)
		hot[k] = h
		claim[k] = false
		switch {
		case s < 2*f:
			floor[k] = f + 0.03*(s-f)
		case !h:
			// Between the floor and the threshold: maybe a weak burst's
			// skirt; follow very slowly.
			floor[k] = f + 0.002*(s-f)
		default:
			floor[k] = f + 0.0005*(s-f)
		}
	}
}

// stageGo runs one radix-2 FFT stage over x in blocks of 2·len(tw):
// butterflies(x[s:], x[s+half:], tw) for every block start s.
func stageGo(x, tw []complex64) {
	half := len(tw)
	for start := 0; start+2*half <= len(x); start += 2 * half {
		butterflies(x[start:start+half], x[start+half:start+2*half], tw)
	}
}

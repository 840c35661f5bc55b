package demod

import "testing"

func BenchmarkMixDecim(b *testing.B) {
	taps := kaiserLowpass(2.4e6, 55e3, 240e3, 55)
	m := newMixDecim(taps, 8)
	m.reset(0.1)
	x := make([]complex64, 1<<16)
	for i := range x {
		x[i] = complex(float32(i%7), float32(i%5))
	}
	out := make([]complex64, 0, 1<<14)
	b.SetBytes(int64(len(x)))
	b.ReportMetric(float64(len(taps)), "taps")
	for range b.N {
		out = m.process(x, out[:0])
	}
}

func BenchmarkMixOnly(b *testing.B) {
	x := make([]complex64, 1<<16)
	dst := make([]complex64, 1<<16)
	for i := range x {
		x[i] = complex(float32(i%7), float32(i%5))
	}
	b.SetBytes(int64(len(x)))
	for range b.N {
		o, s := complex64(1), complex64(complex(0.99, 0.01))
		for i, v := range x {
			dst[i] = v * o
			o *= s
		}
	}
}

func BenchmarkMixManual(b *testing.B) {
	x := make([]complex64, 1<<16)
	dst := make([]complex64, 1<<16)
	for i := range x {
		x[i] = complex(float32(i%7), float32(i%5))
	}
	b.SetBytes(int64(len(x)))
	for range b.N {
		or, oi := float32(1), float32(0)
		sr, si := float32(0.99), float32(0.01)
		dst := dst[:len(x)]
		for i, v := range x {
			vr, vi := real(v), imag(v)
			dst[i] = complex(vr*or-vi*oi, vr*oi+vi*or)
			or, oi = or*sr-oi*si, or*si+oi*sr
		}
	}
}

func BenchmarkDot(b *testing.B) {
	taps := kaiserLowpass(2.4e6, 55e3, 240e3, 55)
	x := make([]complex64, 1<<16)
	b.SetBytes(int64(len(x)))
	var s complex64
	for range b.N {
		for p := len(taps); p < len(x); p += 8 {
			s += dot(taps, x[p-len(taps):p])
		}
	}
	_ = s
}

func BenchmarkChannelizer(b *testing.B) {
	d := newChannelizerDesign(2.4e6, 8, 60e3)
	c := &channelizer{}
	c.clone(d)
	c.reset(0.1)
	sc := newChanScratch()
	x := make([]complex64, 1<<16)
	for i := range x {
		x[i] = complex(float32(i%7), float32(i%5))
	}
	out := make([]complex64, 0, 1<<14)
	b.SetBytes(int64(len(x)))
	for _, h := range d {
		b.Log(h.n)
	}
	for range b.N {
		out = c.process(x, out[:0], sc)
	}
}

func BenchmarkMix4(b *testing.B) {
	x := make([]complex64, 2048)
	dst := make([]complex64, 2048)
	b.SetBytes(int64(len(x)))
	o := complex128(1)
	for range b.N {
		o = mix4(dst, x, o, complex(0.99, 0.01))
	}
}

func BenchmarkHalfband(b *testing.B) {
	h := halfbandTaps(2.4e6, 60e3, 60)
	h.reset()
	x := make([]complex64, 2048)
	out := make([]complex64, 0, 2048)
	b.SetBytes(int64(len(x)))
	for range b.N {
		out = h.process(x, out[:0])
	}
}

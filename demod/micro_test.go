package demod

// Micro-benchmarks of the first-stage building blocks.

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
	b.SetBytes(int64(8 * len(x)))
	b.ReportMetric(float64(len(taps)), "taps")
	for range b.N {
		out = m.process(x, out[:0])
	}
}

func BenchmarkChannelizer(b *testing.B) {
	d := newChannelizerDesign(2.4e6, 8, 60e3)
	c := &channelizer{}
	c.clone(d)
	c.reset(0.1)
	x := make([]complex64, 1<<16)
	for i := range x {
		x[i] = complex(float32(i%7), float32(i%5))
	}
	out := make([]complex64, 0, 1<<14)
	b.SetBytes(int64(8 * len(x)))
	for range b.N {
		out = c.process(x, out[:0])
	}
}

func BenchmarkMix4(b *testing.B) {
	x := make([]complex64, 2048)
	dst := make([]complex64, 2048)
	b.SetBytes(int64(8 * len(x)))
	o := complex128(1)
	for range b.N {
		o = mix4(dst, x, o, complex(0.99, 0.01))
	}
}

func BenchmarkHalfband(b *testing.B) {
	h := halfbandTaps(2.4e6, 60e3, 60)
	h.reset()
	out := make([]complex64, 2048)
	b.SetBytes(int64(8 * 2048))
	for range b.N {
		h.in(2048)
		h.filter(out[:h.outputs()])
	}
}

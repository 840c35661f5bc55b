package demod

import (
	"strconv"
	"testing"
)

// BenchmarkChannelizerRate is one burst's first stage (mixer and
// half-band cascade) at each wideband rate, over 1 MiB of samples (so
// the input streams from beyond the L1 cache, as the ring's does).
func BenchmarkChannelizerRate(b *testing.B) {
	for _, fs := range []float64{2.4e6, 20e6} {
		b.Run(strconv.FormatFloat(fs/1e6, 'g', -1, 64)+"M", func(b *testing.B) {
			st := newFirstStage(fs)
			c := &channelizer{}
			c.clone(st.design)
			c.reset(0.1234)
			x := make([]complex64, 1<<17)
			for i := range x {
				x[i] = complex(float32(i%7), float32(i%5))
			}
			out := make([]complex64, 0, len(x))
			b.SetBytes(int64(8 * len(x)))
			for b.Loop() {
				out = c.process(x, out[:0])
			}
		})
	}
}

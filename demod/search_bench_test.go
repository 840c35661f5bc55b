package demod

import "testing"

// BenchmarkSearchFrame is the band search's work on one frame (window,
// FFT, bin powers, smoothing, noise floor, peaks) over the frames of the
// Row250k, Row2M4 and Row20M recordings in turn.
func BenchmarkSearchFrame(b *testing.B) {
	for _, c := range []struct {
		name string
		fs   float64
		rec  func() []byte
	}{
		{"250k", 250e3, row250kRecording},
		{"2M4", 2.4e6, row2M4Recording},
		{"20M", 20e6, row20MRecording},
	} {
		b.Run(c.name, func(b *testing.B) {
			rec := c.rec()
			x := make([]complex64, len(rec)/2)
			for i := range x {
				x[i] = complex(cu8Table[rec[2*i]], cu8Table[rec[2*i+1]])
			}
			n := 16
			for float64(n) < c.fs/5000 {
				n <<= 1
			}
			d := newDetector(c.fs, n, 10)
			hop := n * max(1, int(c.fs*0.0012)/n)
			frames := len(x)/hop - 1
			b.SetBytes(int64(8 * hop))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				d.analyze(x[i*hop : i*hop+n])
				i = (i + 1) % frames
			}
		})
	}
}

//go:build !amd64 || purego

package demod

// stages runs the radix-2 stages from the i-th on (size 8<<i).
func (f *fft) stages(x []complex64, i int) { f.stagesGo(x, i) }

// windowTransform writes the DFT of x·win to dst (len n each; dst and x
// must not overlap).
func (f *fft) windowTransform(dst, x []complex64, win []float32) { f.windowTransformGo(dst, x, win) }

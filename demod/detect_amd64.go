//go:build !purego

package demod

//go:noescape
func smooth5AVX2(s, p *float32, n int)

// smooth5Mid writes s[k] = float32(p[k]+…+p[k+4]) (in float64, left to
// right: smooth5's windows) for the first k < len(s) whose windows lie in
// p, four at a time, and returns how many it wrote.
func smooth5Mid(s, p []float32) int {
	n := min(len(s), len(p)-4) &^ 3
	if !useAVX2 || n <= 0 {
		return 0
	}
	_ = p[n+3]
	smooth5AVX2(&s[0], &p[0], n)
	return n
}

//go:build !amd64

package demod

const hasAVX2 = false

// butterflies does, for k < len(tw): t := tw[k]*b[k]; b[k] = a[k]-t;
// a[k] += t (len(a), len(b) >= len(tw)).
func butterflies(a, b, tw []complex64) { butterfliesGo(a, b, tw) }

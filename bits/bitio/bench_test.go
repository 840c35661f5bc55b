package bitio

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// BenchmarkReaderUnpacked measures the unpacked-bit reader (one byte per
// bit, so MB/s reads as Mbit/s) in 64 KiB reads, as replay reads.
func BenchmarkReaderUnpacked(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]byte, 8<<20)
	for i := range src {
		src[i] = byte(rng.Uint32() & 1)
	}
	buf := make([]byte, 64<<10)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(src), Unpacked, false)
		for {
			if _, err := r.Read(buf); err == io.EOF {
				break
			}
		}
	}
	b.ReportMetric(float64(len(src))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mbit/s")
}

// BenchmarkPackWords measures packing unpacked bits 64 to a word (one byte
// per bit, so MB/s reads as Mbit/s).
func BenchmarkPackWords(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := make([]byte, 64<<10)
	for i := range src {
		src[i] = byte(rng.Uint32() & 1)
	}
	dst := make([]uint64, len(src)/64)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		PackWords(dst, src)
	}
	b.ReportMetric(float64(len(src))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mbit/s")
}

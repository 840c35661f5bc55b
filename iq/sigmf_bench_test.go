package iq

import (
	"strings"
	"testing"
)

// synthMeta is a meta file as synth writes it: a few global and capture
// fields and n annotations (its ground truth).
func synthMeta(tb testing.TB, n int) []byte {
	m := Meta{Format: CU8, SampleRate: 250e3, CenterFreq: 915e6, Description: "gridstream synth", Dataset: "r.cu8"}
	for i := range n {
		m.Annotations = append(m.Annotations, Annotation{SampleStart: int64(i) * 27750, SampleCount: 12175,
			FreqLower: 914983200, FreqUpper: 915016800, Label: "gridstream", Comment: "2A55" + strings.Repeat("0BA7AC14", 8+i%20)})
	}
	b, err := m.Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func BenchmarkParseSigMF(b *testing.B) {
	data := synthMeta(b, 300)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseSigMF(data); err != nil {
			b.Fatal(err)
		}
	}
}

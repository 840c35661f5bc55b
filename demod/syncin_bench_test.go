package demod

import (
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// BenchmarkSyncIn measures the sync search over a 9600 Bd burst's head of
// noise-like soft symbols (no sync word: the whole head is searched).
func BenchmarkSyncIn(b *testing.B) {
	rx, err := New(Config{SampleRate: 250e3, Decoders: testDecoders(gridstream.Config{NoLearn: true})}, func(*frames.Message) {})
	if err != nil {
		b.Fatal(err)
	}
	p := &rx.fskRadio
	rng := rand.New(rand.NewPCG(1, 2))
	soft := make([]float32, 4096)
	for i := range soft {
		soft[i] = float32(rng.NormFloat64())
	}
	b.SetBytes(int64(len(soft)))
	for b.Loop() {
		if p.syncIn(soft) {
			b.Fatal("a sync word in noise")
		}
	}
}

package gnuradio

import (
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// BenchmarkConsume measures an input's per-message work (item conversion,
// inversion, the pipeline's search behind it) on 8192-item messages of
// noise with tag-header offsets, as zmqsource hands them over: B/s is items
// per second. It must not allocate (messages, which do, are not part of it).
func BenchmarkConsume(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 1<<20)
	for i := range noise {
		noise[i] = byte(rng.Uint32() & 1)
	}
	for _, tc := range []struct {
		name   string
		format string
		invert bool
	}{{"bits", Bits, false}, {"bits-inverted", Bits, true}, {"soft", Soft, false}} {
		b.Run(tc.name, func(b *testing.B) {
			items := encode(noise, tc.format, tc.invert)
			size := map[string]int{Bits: 1, Soft: 4}[tc.format]
			dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
			if err != nil {
				b.Fatal(err)
			}
			sp := spec(tc.format, tc.invert)
			in, err := NewInput(sp, pipeline.Config{Decoders: []protocol.Decoder{dec}, Input: "bench"}, func(*frames.Message) {})
			if err != nil {
				b.Fatal(err)
			}
			const chunk = 8192
			var msgs []zmqsource.Chunk
			for i := 0; i < len(items); i += chunk * size {
				msgs = append(msgs, zmqsource.Chunk{Items: items[i:min(i+chunk*size, len(items))], HasOffset: true, Offset: uint64(i / size)})
			}
			b.SetBytes(int64(len(items) / size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				for _, c := range msgs {
					in.Consume(c)
				}
			}
		})
	}
}

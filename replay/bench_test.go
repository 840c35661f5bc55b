package replay

import (
	"bytes"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/internal/bitgen"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// benchBits is the replay benchmark's recording, as scripts/bench-replay.sh
// writes it to a file: 200 Mbit of unpacked noise bits with about 1 %
// frame bits, GridStream and NGE101.
var benchBits = sync.OnceValues(func() ([]byte, bitgen.Counts) {
	var buf bytes.Buffer
	c, err := bitgen.Write(&buf, 200_000_000, 1)
	if err != nil {
		panic(err)
	}
	return buf.Bytes(), c
})

// BenchmarkReplay measures the whole replay path in process: an unpacked
// recording read through Decode (format sniffed, bit reader, pipeline) with
// both protocols searched, as `gridstream replay -q` runs it. One byte per
// bit, so MB/s reads as Mbit/s; Mbit/cpu-s divides by the CPU time the
// process used instead (less disturbed by other work on a shared machine;
// with -cpu 1 it is one core's speed).
func BenchmarkReplay(b *testing.B) {
	data, counts := benchBits()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		gs, err := gridstream.NewDecoder(gridstream.Config{Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		nge, _ := nge101.NewDecoder(nge101.Config{})
		cfg := pipeline.Config{Decoders: []protocol.Decoder{gs, nge}, Input: "bench"}
		msgs := 0
		if _, err := Decode(bytes.NewReader(data), "bench", cfg, func(*frames.Message) { msgs++ }, Options{Format: Auto, Logger: quiet}); err != nil {
			b.Fatal(err)
		}
		if msgs < counts.Total() {
			b.Fatalf("%d messages, the recording holds %d frames", msgs, counts.Total())
		}
	}
	bits := float64(len(data)) * float64(b.N)
	b.ReportMetric(bits/b.Elapsed().Seconds()/1e6, "Mbit/s")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(bits/used.Seconds()/1e6, "Mbit/cpu-s")
	}
}

package replay

import (
	"bytes"
	"io"
	"log/slog"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/samples"
)

// FuzzDecode decodes arbitrary recordings in every format (auto sniffing
// included): no panic, and no more bits than the input can hold.
func FuzzDecode(f *testing.F) {
	f.Add(byte(0), samples.Bits[:4000])
	f.Add(byte(5), []byte("0101 1100\n0000111100001111x"))
	f.Add(byte(4), []byte{0x80, 0x3f, 0, 0, 0xc0, 0x7f, 0, 0, 1})
	f.Add(byte(2), []byte{0x55, 0xff, 0x2a})
	f.Fuzz(func(t *testing.T, mode byte, data []byte) {
		format := []string{Auto, "unpacked", "packed", "ascii", "float32", Auto, Levels}[int(mode)%7]
		name := []string{"x", "x.u8", "x.packed", "x.txt", "x.f32"}[int(mode/7)%5]
		dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true, EmitFailed: true})
		if err != nil {
			t.Fatal(err)
		}
		nge, _ := nge101.NewDecoder(nge101.Config{EmitFailed: true})
		cfg := pipeline.Config{Decoders: []protocol.Decoder{dec, nge}, LevelRate: 50000}
		st, err := Decode(bytes.NewReader(data), name, cfg, func(*frames.Message) {},
			Options{Format: format, Invert: mode&128 != 0, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err == nil && st.Bits > 8*int64(len(data)) {
			t.Fatalf("%d bits from %d bytes", st.Bits, len(data))
		}
	})
}

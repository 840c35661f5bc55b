package gridstream_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream/gridstreamtest"
)

type found struct {
	bytes      []byte
	version    int
	offset     int64
	syncErrors int
	framing    int
	complete   bool
}

func deframe(opts gridstream.DeframerOptions, stream []byte, chunk func() int) []found {
	var out []found
	d := gridstream.NewDeframer(opts, func(f gridstream.RawFrame) {
		out = append(out, found{bytes.Clone(f.Bytes), f.Version, f.BitOffset, f.SyncErrors, f.FramingErrors, f.Complete})
	})
	for len(stream) > 0 {
		n := min(chunk(), len(stream))
		d.Bits(stream[:n])
		stream = stream[n:]
	}
	d.Flush()
	return out
}

func whole() int { return 1 << 30 }

func TestDeframerFindsEverySeedFrame(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, h := range gridstreamtest.SeedFrames(t) {
		for _, version := range []int{4, 5} {
			for _, pre := range []int{16, 36, 44} {
				stream := noise(rng, 137)
				offset := int64(len(stream) + pre + 20 + version - 4)
				stream = gridstream.AppendTransmission(stream, h.Bytes, version, pre, 0x04)
				stream = append(stream, noise(rng, 50)...)
				chunks := []func() int{whole, func() int { return 1 }, func() int { return 1 + rng.IntN(64) }}
				for ci, chunk := range chunks {
					got := deframe(gridstream.DefaultDeframerOptions(), stream, chunk)
					if len(got) != 1 || !bytes.Equal(got[0].bytes, h.Bytes) || got[0].version != version ||
						got[0].offset != offset || !got[0].complete {
						t.Fatalf("line %d v%d preamble %d chunking %d: got %+v, want %X at %d",
							h.Line, version, pre, ci, got, h.Bytes, offset)
					}
				}
			}
		}
	}
}

func noise(rng *rand.Rand, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(rng.IntN(2))
	}
	return out
}

// frame0x55 is seed 001's first broadcast frame, from the 0x2A byte.
var frame0x55 = []byte{0x2A, 0x55, 0x00, 0x23, 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x50, 0xCF, 0x8D, 0xD9,
	0xE2, 0xC0, 0x0C, 0x00, 0x01, 0xEC, 0xBF, 0xA4, 0x83, 0xF0, 0xEE, 0x36, 0xDB, 0x01, 0x00, 0x21, 0x32, 0x04,
	0x38, 0x4F, 0x7E, 0x80, 0x08, 0x96}

func TestDeframerPreambleErrors(t *testing.T) {
	for _, tc := range []struct {
		name        string
		flips       []int // preamble bit indexes (from the end of the preamble) to flip
		opts        gridstream.DeframerOptions
		wantFrames  int
		wantSyncErr int
	}{
		{"clean", nil, gridstream.DefaultDeframerOptions(), 1, 0},
		{"two errors by default", []int{1, 9}, gridstream.DefaultDeframerOptions(), 1, 2},
		{"three errors too many", []int{1, 5, 9}, gridstream.DefaultDeframerOptions(), 0, 0},
		{"three allowed", []int{1, 5, 9}, gridstream.DeframerOptions{PreambleBits: 16, SyncErrors: 3}, 1, 3},
		{"errors outside the compared bits", []int{20, 21, 22, 23}, gridstream.DefaultDeframerOptions(), 1, 0},
		{"compare 36 bits", []int{20, 21, 22}, gridstream.DeframerOptions{PreambleBits: 36, SyncErrors: 2}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const pre = 40
			stream := gridstream.AppendTransmission(make([]byte, 10), frame0x55, 4, pre, 0x04)
			for _, f := range tc.flips {
				stream[10+pre-1-f] ^= 1
			}
			got := deframe(tc.opts, stream, whole)
			if len(got) != tc.wantFrames {
				t.Fatalf("got %d frames, want %d", len(got), tc.wantFrames)
			}
			if len(got) == 1 && got[0].syncErrors != tc.wantSyncErr {
				t.Fatalf("sync errors %d, want %d", got[0].syncErrors, tc.wantSyncErr)
			}
		})
	}
}

func TestDeframerFramingErrors(t *testing.T) {
	base := gridstream.AppendTransmission(nil, frame0x55, 4, 16, 0x04)
	frameStart := 16 + 20
	stopBit := func(byteIndex int) int { return frameStart + 10*byteIndex + 9 }
	for _, tc := range []struct {
		name     string
		flip     []int
		frames   int
		complete bool
		framing  int
	}{
		{"stop bit in the body is forgiven", []int{stopBit(10)}, 1, true, 1},
		{"two are forgiven", []int{stopBit(10), stopBit(20)}, 1, true, 2},
		{"three end the frame", []int{stopBit(10), stopBit(20), stopBit(30)}, 0, false, 0},
		{"before the length is known it ends the frame", []int{stopBit(2)}, 0, false, 0},
		{"one bit of the 0x2A byte is forgiven", []int{frameStart + 3}, 1, true, 0},
		{"two bits of the 0x2A byte are not", []int{frameStart + 3, frameStart + 4}, 0, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stream := bytes.Clone(base)
			for _, i := range tc.flip {
				stream[i] ^= 1
			}
			got := deframe(gridstream.DefaultDeframerOptions(), stream, whole)
			if len(got) != tc.frames {
				t.Fatalf("got %d frames, want %d", len(got), tc.frames)
			}
			if tc.frames == 1 {
				if !bytes.Equal(got[0].bytes, frame0x55) || got[0].framing != tc.framing {
					t.Fatalf("got %X with %d framing errors", got[0].bytes, got[0].framing)
				}
			}
		})
	}
}

// A false sync just before a real frame, whose candidate swallows the real
// frame's sync, must not hide the real frame.
func TestDeframerOverlappingCandidates(t *testing.T) {
	fake := gridstream.AppendTransmission(nil, []byte{0x2A, 0x55, 0x00, 0xFF}, 4, 16, 0x04)
	fake = fake[:len(fake)-10] // no trailer: the real transmission follows at once
	real := gridstream.AppendTransmission(nil, frame0x55, 5, 16, 0x04)
	stream := append(append(bytes.Clone(fake), real...), make([]byte, 3000)...)
	got := deframe(gridstream.DefaultDeframerOptions(), stream, whole)
	ok := false
	for _, f := range got {
		ok = ok || bytes.Equal(f.bytes, frame0x55)
	}
	if !ok {
		t.Fatalf("the real frame was hidden: %+v", got)
	}
}

// A length byte of 0xFF asks for 259 bytes: the candidate ends at the end of
// the stream (or a framing error) without allocating or waiting.
func TestDeframerHugeLengthEnds(t *testing.T) {
	stream := gridstream.AppendTransmission(nil, []byte{0x2A, 0xD5, 0xFF, 0xFF, 0x21}, 4, 16, 0x04)
	if got := deframe(gridstream.DefaultDeframerOptions(), stream, whole); len(got) != 0 {
		t.Fatalf("got %+v", got)
	}
	allocs := testing.AllocsPerRun(10, func() {
		d := gridstream.NewDeframer(gridstream.DefaultDeframerOptions(), func(gridstream.RawFrame) {})
		d.Bits(stream)
		d.Bits(make([]byte, 4000))
		d.Flush()
	})
	if allocs > 2 {
		t.Fatalf("%v allocations", allocs)
	}
}

// A frame of a type with no length rule runs until the first framing error.
func TestDeframerUnknownType(t *testing.T) {
	frame := []byte{0x2A, 0x77, 0x00, 0x05, 0x30, 0x01, 0x02, 0xAB, 0xCD}
	stream := gridstream.AppendTransmission(nil, frame, 4, 16, 0x04)
	stream = append(stream, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) // idle high: a framing error
	got := deframe(gridstream.DefaultDeframerOptions(), stream, whole)
	if len(got) != 1 || got[0].complete || !bytes.HasPrefix(got[0].bytes, frame) {
		t.Fatalf("got %+v", got)
	}
}

func TestFrameLength(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want int
	}{
		{[]byte{0x2A}, gridstream.LengthNeedMore},
		{[]byte{0x2A, 0x55, 0x00}, gridstream.LengthNeedMore},
		{[]byte{0x2A, 0x55, 0x00, 0x23}, 4 + 0x23},
		{[]byte{0x2A, 0xD5, 0x00, 0x47}, 4 + 0x47},
		{[]byte{0x2A, 0xA5, 0x12}, 3 + 0x12},
		{[]byte{0x2A, 0xD2, 0x04}, 7},
		{[]byte{0x2A, 0xD2, 0x02}, gridstream.LengthInvalid},
		{[]byte{0x2A, 0x13, 0x00}, gridstream.LengthUnknownType},
	} {
		if got := gridstream.FrameLength(tc.in); got != tc.want {
			t.Errorf("FrameLength(%X) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// DeframerOptions mean what they say wherever they are given: an empty one
// is the strictest deframer (a preamble error loses the frame); options not
// given (Config.Deframer nil) are the defaults (two errors tolerated).
func TestDeframerOptionsMeaning(t *testing.T) {
	stream := gridstream.AppendTransmission(make([]byte, 10), frame0x55, 4, 40, 0x04)
	stream[10+40-1-3] ^= 1 // one wrong preamble bit among the 16 compared
	count := func(cfg gridstream.Config) int {
		dec, _ := gridstream.NewDecoder(cfg)
		n := 0
		s := dec.NewStream(protocol.Output{Emit: func(*frames.Message) { n++ }})
		s.Bits(stream)
		s.Flush()
		return n
	}
	if n := len(deframe(gridstream.DeframerOptions{}, stream, whole)); n != 0 {
		t.Errorf("empty DeframerOptions: %d frames, want 0", n)
	}
	if n := len(deframe(gridstream.DefaultDeframerOptions(), stream, whole)); n != 1 {
		t.Errorf("default DeframerOptions: %d frames, want 1", n)
	}
	if n := count(gridstream.Config{Deframer: &gridstream.DeframerOptions{}}); n != 0 {
		t.Errorf("decoder with empty DeframerOptions: %d frames, want 0", n)
	}
	if n := count(gridstream.Config{}); n != 1 {
		t.Errorf("decoder with no DeframerOptions: %d frames, want 1", n)
	}
}

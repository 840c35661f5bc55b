package pipeline_test

import (
	"bytes"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// randomFrame builds a valid frame of a random type, length and content
// under the CRC init.
func randomFrame(rng *rand.Rand, init uint16) []byte {
	var f []byte
	switch rng.IntN(3) {
	case 0:
		f = []byte{0x2A, 0x55, 0x00, 0x23, 0x30}
	case 1:
		f = []byte{0x2A, 0xD5, 0x00, byte(0x11 + rng.IntN(0x70)), 0x21}
	default:
		f = []byte{0x2A, 0xA5, 0x12, 0x3C}
	}
	n := gridstream.FrameLength(f)
	for len(f) < n-2 {
		f = append(f, byte(rng.IntN(256)))
	}
	ci := 4
	if f[1] == 0xA5 {
		ci = 3
	}
	c := gridstream.CRC16(init, f[ci:])
	return append(f, byte(c>>8), byte(c))
}

// A long stream of noise and frames — several utilities, one of them
// unpublished, both sync versions, preamble bit errors, frames damaged
// beyond what the CRC allows — fed in random chunks: every frame the CRC can
// vouch for comes out, nothing else does.
func TestLongSyntheticStream(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	inits := []uint16{0x5FD6, 0x45F8, 0x142A, 0xB5E3, 0xE623}
	var stream []byte
	want := map[string]int{}
	damaged := 0
	for i := range 3000 {
		stream = appendNoise(rng, stream, 20+rng.IntN(2000))
		f := randomFrame(rng, inits[rng.IntN(len(inits))])
		start := len(stream)
		pre := 16 + rng.IntN(30)
		version := 4 + rng.IntN(2)
		stream = gridstream.AppendTransmission(stream, f, version, pre, 0x04)
		body := start + pre + 16 + version // first bit of the 0x2A byte
		for range rng.IntN(3) {            // up to two preamble errors (the default)
			stream[start+pre-1-rng.IntN(16)] ^= 1
		}
		if i%10 == 9 { // data bit errors: the CRC cannot vouch for the frame
			n := gridstream.FrameLength(f)
			for range 1 + rng.IntN(3) {
				stream[body+10*(4+rng.IntN(n-4))+1+rng.IntN(8)] ^= 1
			}
			damaged++
			continue
		}
		want[strings.ToUpper(hex.EncodeToString(f))]++
	}
	dec, decs := newDecoders(t)
	got := map[string]int{}
	ch := pipeline.New(pipeline.Config{Decoders: decs},
		func(m *frames.Message) {
			if m.Protocol == gridstream.Name {
				got[m.Raw]++
			}
		})
	for s := stream; len(s) > 0; {
		n := min(1+rng.IntN(5000), len(s))
		ch.Bits(s[:n])
		s = s[n:]
	}
	ch.Flush()
	for f, n := range want {
		if got[f] != n {
			t.Errorf("frame %s: got %d, want %d", f, got[f], n)
		}
	}
	for f := range got {
		if want[f] == 0 {
			t.Errorf("unexpected frame %s", f)
		}
	}
	st := dec.Counts()
	t.Logf("%d bits, %d frames sent, %d damaged; decoder: %v", len(stream), len(want)+damaged, damaged, st)
	if st.Learned != 1 {
		t.Errorf("learned %d networks, want 1 (B5E3)", st.Learned)
	}
}

func appendNoise(rng *rand.Rand, dst []byte, n int) []byte {
	for range n {
		dst = append(dst, byte(rng.IntN(2)))
	}
	return dst
}

func TestSoftAndLevels(t *testing.T) {
	_, decs := newDecoders(t)
	var got []*frames.Message
	ch := pipeline.New(pipeline.Config{Decoders: decs, LevelRate: 50000, Input: "test"},
		func(m *frames.Message) { got = append(got, m) })
	ch.Annotate = func(m *frames.Message) { m.Meta = map[string]any{"channel": 3} }
	rng := rand.New(rand.NewPCG(1, 1))
	f := randomFrame(rng, 0x5FD6)
	b := gridstream.AppendTransmission(nil, f, 4, 20, 0)
	soft := make([]float32, len(b))
	for i, v := range b {
		soft[i] = float32(v)*2 - 1 + float32(rng.NormFloat64()*0.3)
	}
	ch.Soft(soft)
	levels, _ := pulse.AppendLevels(make([]byte, 500), nge101.NewPacket(9, 2, false, 1234, false), nge101.Timing, 50000, 0)
	ch.Levels(append(levels, make([]byte, 500)...))
	ch.Flush()
	if len(got) != 2 || got[0].Raw != strings.ToUpper(hex.EncodeToString(f)) || *got[1].Fields.(*nge101.Fields).Gap != 1234 ||
		got[0].Input != "test" || got[1].Meta["channel"] != 3 {
		t.Fatalf("got %+v", got)
	}
	if !bytes.Equal([]byte(got[0].Raw[:2]), []byte("2A")) {
		t.Fatal("raw does not start at 0x2A")
	}
	// The packet's first edge is sample 500 of the level stream, and the
	// stream's position its length.
	if got[1].BitOffset != 500 || ch.Stats().Levels != int64(len(levels)+500) {
		t.Fatalf("packet at level sample %d, %d levels consumed; want 500, %d", got[1].BitOffset, ch.Stats().Levels, len(levels)+500)
	}
}

// A frame that waits for its network to be learned keeps its own input and
// annotation when another input's frame confirms the network and emits it.
func TestWaitingFrameKeepsItsAnnotation(t *testing.T) {
	_, decs := newDecoders(t)
	rng := rand.New(rand.NewPCG(3, 3))
	var got []*frames.Message
	emit := func(m *frames.Message) { got = append(got, m) }
	newCh := func(name string) *pipeline.Channel {
		ch := pipeline.New(pipeline.Config{Decoders: decs[:1], Input: name}, emit)
		ch.Annotate = func(m *frames.Message) { m.Meta = map[string]any{"from": name, "bit": m.BitOffset} }
		return ch
	}
	a, b := newCh("a"), newCh("b")
	const unpublished = 0x7A31
	// Two frames of one meter (without soft symbols, frames of different
	// meters confirm a network only in threes).
	first := randomFrame(rng, unpublished)
	for first[1] == 0xA5 {
		first = randomFrame(rng, unpublished)
	}
	second := bytes.Clone(first)
	second[len(second)-3] ^= 0xFF
	c := gridstream.CRC16(unpublished, second[4:len(second)-2])
	second[len(second)-2], second[len(second)-1] = byte(c>>8), byte(c)
	a.Bits(gridstream.AppendTransmission(make([]byte, 100), first, 4, 20, 0))
	a.Flush()
	if len(got) != 0 {
		t.Fatalf("a lone frame of an unknown network was emitted")
	}
	b.Bits(gridstream.AppendTransmission(make([]byte, 300), second, 4, 20, 0))
	b.Flush()
	if len(got) != 2 {
		t.Fatalf("%d messages, want 2", len(got))
	}
	for i, want := range []struct {
		input string
		raw   []byte
		bit   int64
	}{{"a", first, 100 + 20 + 20}, {"b", second, 300 + 20 + 20}} {
		m := got[i]
		if m.Raw != strings.ToUpper(hex.EncodeToString(want.raw)) || m.Input != want.input ||
			m.Meta["from"] != want.input || m.Meta["bit"] != want.bit || !m.CRCOK || !m.Fields.(*gridstream.Fields).Learned {
			t.Errorf("message %d: input %q meta %v bit %d, want input %q bit %d", i, m.Input, m.Meta, m.BitOffset, want.input, want.bit)
		}
	}
}

// A NaN soft symbol keeps its slot (bitio.SoftBit), as in every other
// input path: NaNs before a frame do not move its bit_offset, and a NaN on
// a bit that was sent as 0 (a UART start bit) costs nothing.
func TestSoftNaNKeepsItsSlot(t *testing.T) {
	_, decs := newDecoders(t)
	var got []*frames.Message
	ch := pipeline.New(pipeline.Config{Decoders: decs}, func(m *frames.Message) { got = append(got, m) })
	f := randomFrame(rand.New(rand.NewPCG(4, 4)), 0x5FD6)
	stream := gridstream.AppendTransmission(make([]byte, 50), f, 4, 20, 0)
	soft := make([]float32, len(stream))
	for i, b := range stream {
		soft[i] = float32(b)*2 - 1
	}
	nan := float32(math.NaN())
	soft[3], soft[17], soft[49] = nan, nan, nan
	start := 50 + 20 + 20 // the 0x2A start bit
	soft[start+10] = nan  // the next byte's start bit
	ch.Soft(soft[:61])
	ch.Soft(soft[61:])
	ch.Flush()
	if len(got) != 1 || !got[0].CRCOK || got[0].BitOffset != int64(start) || ch.Stats().Unreliable != 4 {
		t.Fatalf("got %+v (want one CRC-good message at bit %d), %d unreliable", got, start, ch.Stats().Unreliable)
	}
}

// newDecoders returns the decoders of every protocol (defaults, nothing on
// disk), the GridStream one also as itself.
func newDecoders(t testing.TB) (*gridstream.Decoder, []protocol.Decoder) {
	t.Helper()
	gs, err := gridstream.NewDecoder(gridstream.Config{})
	if err != nil {
		t.Fatal(err)
	}
	nge, _ := nge101.NewDecoder(nge101.Config{})
	return gs, []protocol.Decoder{gs, nge}
}

// The deframer options a decoder was made with hold in every channel: an
// empty DeframerOptions is the strictest, none given is the default (the
// same meaning as in gridstream.NewDeframer and the receiver).
func TestDeframerOptionsMeaning(t *testing.T) {
	f := randomFrame(rand.New(rand.NewPCG(6, 6)), 0x5FD6)
	stream := gridstream.AppendTransmission(make([]byte, 10), f, 4, 40, 0x04)
	stream[10+40-1-3] ^= 1 // one wrong preamble bit among the 16 compared
	for _, tc := range []struct {
		opts *gridstream.DeframerOptions
		want int
	}{{nil, 1}, {&gridstream.DeframerOptions{}, 0}, {&gridstream.DeframerOptions{SyncErrors: 1}, 1}} {
		dec, _ := gridstream.NewDecoder(gridstream.Config{Deframer: tc.opts})
		n := 0
		ch := pipeline.New(pipeline.Config{Decoders: []protocol.Decoder{dec}}, func(*frames.Message) { n++ })
		ch.Bits(stream)
		ch.Flush()
		if n != tc.want {
			t.Errorf("%+v: %d frames, want %d", tc.opts, n, tc.want)
		}
	}
}

// A sink that asks the decoders for their stats while it is handed a
// message does not deadlock: messages are never emitted under a decoder's
// lock, also not those released when a network is learned.
func TestSinkCallsStats(t *testing.T) {
	_, decs := newDecoders(t)
	n := 0
	ch := pipeline.New(pipeline.Config{Decoders: decs}, func(*frames.Message) {
		for _, d := range decs {
			d.Stats()
		}
		n++
	})
	rng := rand.New(rand.NewPCG(9, 9))
	var stream []byte
	for range 3 {
		stream = gridstream.AppendTransmission(append(stream, make([]byte, 100)...), randomFrame(rng, 0x6B2C), 4, 20, 0)
	}
	// The NGE101 transmitter sends each power packet twice: the second
	// confirms the first.
	pkt := nge101.NewPacket(1, 1, false, 100, false)
	stream = append(append(append(stream, pkt...), make([]byte, 8)...), pkt...)
	done := make(chan struct{})
	go func() {
		ch.Bits(stream)
		ch.Flush()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("deadlock: a sink calling Stats() from emit")
	}
	if n != 5 {
		t.Fatalf("%d messages, want 5", n)
	}
}

package protocols_test

import (
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocols"
)

// toy is a third protocol, made up for this test and CONTRIBUTING.md: after
// a 0xAA preamble, the sync word 0xB38F, then an id byte, a big-endian
// 16-bit counter and a CRC-8 (polynomial 0x07) of those three bytes, every
// bit most significant first. It is everything a protocol needs: a Protocol
// (facts and options), a Decoder (shared, safe for concurrent use), a
// Stream (per input) and its Fields.
type toy struct{}

const toySync = 0xB38F

func (toy) Name() string { return "toy" }

func (toy) Radio() protocol.Radio {
	return protocol.Radio{Modulation: protocol.FSK, BandLow: 868.0e6, BandHigh: 868.6e6,
		Rates: []protocol.Rate{{Baud: 4800, Deviation: 10e3}}, MaxSymbols: 16 + 16 + 32,
		Sync: []protocol.Sync{{Pattern: 0xAAAA<<16 | toySync, Bits: 32, Exact: 16}}}
}

func (toy) Options() []protocol.Option { return nil }

func (toy) NewDecoder(cfg protocol.DecoderConfig) (protocol.Decoder, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &toyDecoder{cfg: cfg}, nil
}

// toyFields are the toy's part of a message.
type toyFields struct {
	ID      int `json:"id" msgpack:"id"`
	Counter int `json:"counter" msgpack:"counter"`
}

func (f *toyFields) DeviceID() string { return string(rune('A' + f.ID%26)) }

type toyDecoder struct {
	cfg        protocol.DecoderConfig
	seen, good atomic.Int64
}

func (d *toyDecoder) Protocol() protocol.Protocol { return toy{} }

func (d *toyDecoder) Stats() protocol.Stats {
	seen, good := d.seen.Load(), d.good.Load()
	return protocol.Stats{Frames: seen, Good: good, Failed: seen - good}
}

func (d *toyDecoder) NewStream(out protocol.Output) protocol.Stream {
	return &toyStream{d: d, out: out}
}

// toyStream finds sync words and collects the 32 bits after each.
type toyStream struct {
	d       *toyDecoder
	out     protocol.Output
	sr      uint32
	pos     int64
	collect int // bits still to collect, 0 when searching
	start   int64
	payload uint32
}

func (s *toyStream) Bits(p []byte) {
	for _, b := range p {
		bit := uint32(b & 1)
		s.pos++
		if s.collect > 0 {
			s.payload = s.payload<<1 | bit
			if s.collect--; s.collect == 0 {
				s.frame()
			}
			continue
		}
		s.sr = s.sr<<1 | bit
		if s.sr&0xFFFF == toySync {
			s.collect, s.start, s.payload = 32, s.pos, 0
		}
	}
}

func (s *toyStream) Flush() { s.collect = 0 }

func (s *toyStream) frame() {
	var b [4]byte
	for i := range b {
		b[i] = byte(s.payload >> (24 - 8*i))
	}
	s.d.seen.Add(1)
	m := &frames.Message{Protocol: "toy", CRCOK: crc8(b[:3]) == b[3], Raw: strings.ToUpper(hex.EncodeToString(b[:])),
		BitOffset: s.start, Fields: &toyFields{ID: int(b[0]), Counter: int(b[1])<<8 | int(b[2])}}
	m.Stamp(s.d.cfg.Now())
	if !m.CRCOK && !s.d.cfg.EmitFailed {
		return
	}
	if m.CRCOK {
		s.d.good.Add(1)
	}
	if s.out.Annotate != nil {
		s.out.Annotate(m)
	}
	s.out.Emit(m)
}

func crc8(p []byte) byte {
	var c byte
	for _, b := range p {
		c ^= b
		for range 8 {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
	}
	return c
}

// appendToy appends a toy transmission's bits.
func appendToy(dst []byte, id byte, counter uint16) []byte {
	frame := []byte{0xAA, 0xAA, toySync >> 8, toySync & 0xFF, id, byte(counter >> 8), byte(counter)}
	frame = append(frame, crc8(frame[4:]))
	for _, b := range frame {
		for i := 7; i >= 0; i-- {
			dst = append(dst, b>>i&1)
		}
	}
	return dst
}

// A third protocol is one package and one entry in the list: here the toy
// is added to the list in the test, and one bit stream carrying toy frames
// and a GridStream frame is decoded by the same pipeline into the one
// message schema, the toy's fields inline in its JSON.
func TestToyProtocolEndToEnd(t *testing.T) {
	list := append(protocols.All(), toy{})
	now := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	decs, err := protocol.NewDecoders(list, protocol.DecoderConfig{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(10, 10))
	noise := func(dst []byte, n int) []byte {
		for range n {
			dst = append(dst, byte(rng.IntN(2)))
		}
		return dst
	}
	stream := noise(nil, 37)
	stream = appendToy(stream, 7, 300)
	toyAt := int64(37 + 32) // the first payload bit
	stream = noise(stream, 200)
	broken := len(stream) + 32 + 3
	stream = appendToy(stream, 8, 301)
	stream[broken] ^= 1 // the check catches it
	stream = noise(stream, 200)
	gsFrame := []byte{0x2A, 0xD5, 0x00, 0x14, 0x22, 0x90, 0x00, 0x00, 0x57, 0x90, 0x00, 0x00, 0xC7, 0x51, 0x0F,
		0x07, 0x00, 0x03, 0x16, 0xA4, 0x1B, 0x10, 0x9E, 0x1F}
	stream = gridstream.AppendTransmission(stream, gsFrame, 5, 24, 0x04)
	stream = noise(stream, 100)

	var lines []string
	ch := pipeline.New(pipeline.Config{Decoders: decs, Input: "toy.u8"}, func(m *frames.Message) {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	})
	for s := stream; len(s) > 0; s = s[min(len(s), 13):] {
		ch.Bits(s[:min(len(s), 13)])
	}
	ch.Flush()

	want := `{"protocol":"toy","time":"2026-05-04T03:02:01.000Z","crc_ok":true,"raw":"07012C` +
		strings.ToUpper(hex.EncodeToString([]byte{crc8([]byte{7, 1, 44})})) + `","bit_offset":` +
		jsonInt(toyAt) + `,"sync_errors":0,"input":"toy.u8","id":7,"counter":300}`
	if len(lines) != 2 || lines[0] != want || !strings.Contains(lines[1], `"protocol":"gridstream"`) ||
		!strings.Contains(lines[1], `"crc_init":"142A"`) {
		t.Fatalf("got:\n%s\nwant the toy frame\n%s\nthen the GridStream frame", strings.Join(lines, "\n"), want)
	}
	if st := decs[len(decs)-1].Stats(); st.Frames != 2 || st.Good != 1 || st.Failed != 1 {
		t.Errorf("toy stats %+v", st)
	}
	// Read back without the toy's type, its fields are a Map.
	var back frames.Message
	if err := json.Unmarshal([]byte(lines[0]), &back); err != nil || back.Fields.(frames.Map)["counter"] != 300.0 {
		t.Errorf("read back: %+v %v", back, err)
	}
}

func jsonInt(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

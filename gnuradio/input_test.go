package gnuradio

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/internal/zmtp"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// Two real frames: a 0xD5 frame and a 0x55 broadcast of CoServ (45F8) from
// the seed captures.
var (
	frameD5 = mustHex("2AD500142290000057900000C7510F07000316A41B109E1F")
	frame55 = mustHex("2A55002330FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D00501000720011E567E009032")
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

const preamble = 40

// stream is noise-free bits holding frameD5 and frame55 with quiet gaps;
// starts are the bit offsets the messages must report (the 0x2A start bit).
func stream() (b []byte, starts []int64) {
	b = make([]byte, 100)
	for _, f := range [][]byte{frameD5, frame55} {
		starts = append(starts, int64(len(b)+preamble+20))
		b = gridstream.AppendTransmission(b, f, 4, preamble, 0x04)
		b = append(b, make([]byte, 150)...)
	}
	return b, starts
}

// collect makes an input of spec decoding into a slice of messages.
func collect(t *testing.T, spec Spec, gridStream bool) (*Input, *[]*frames.Message) {
	t.Helper()
	dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
	if err != nil {
		t.Fatal(err)
	}
	decs := []protocol.Decoder{ngeDecoder(false)}
	if gridStream {
		decs = []protocol.Decoder{dec}
	}
	var msgs []*frames.Message
	in, err := NewInput(spec, pipeline.Config{Decoders: decs, Input: spec.Name},
		func(m *frames.Message) { msgs = append(msgs, m) })
	if err != nil {
		t.Fatal(err)
	}
	return in, &msgs
}

func spec(format string, invert bool) Spec {
	size := 1
	if format == Soft {
		size = 4
	}
	return Spec{Name: "ch0", Format: format, Invert: invert,
		Source: zmqsource.Config{Endpoint: "tcp://127.0.0.1:1", ItemSize: size}}
}

// encode writes bits as the items of format: unpacked bits (inverted: the
// other polarity, with junk in the high bits that must be ignored), or
// float32 soft symbols of varying amplitude.
func encode(b []byte, format string, invert bool) []byte {
	var out []byte
	for i, v := range b {
		v &= 1
		if invert {
			v ^= 1
		}
		switch format {
		case Soft:
			s := float32(0.3 + float64(i%7)*0.2)
			if v == 0 {
				s = -s
			}
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(s))
		default:
			if invert {
				v |= 0xF0
			}
			out = append(out, v)
		}
	}
	return out
}

// tagged is a tag at an absolute item offset.
type tagged struct {
	off   uint64
	key   string
	value any
}

// feed hands items to in in chunks of n items. With base ≥ 0 every chunk
// carries a tag header (absolute offset base + position) with the tags that
// fall in it, built and parsed as on the wire.
func feed(t *testing.T, in *Input, items []byte, itemSize, n int, base int64, tags []tagged) {
	t.Helper()
	pos := 0
	for pos < len(items)/itemSize {
		end := min(pos+n, len(items)/itemSize)
		c := zmqsource.Chunk{Items: items[pos*itemSize : end*itemSize]}
		if base >= 0 {
			var ts []zmqsource.Tag
			for _, tg := range tags {
				if tg.off >= uint64(base)+uint64(pos) && tg.off < uint64(base)+uint64(end) {
					ts = append(ts, zmqsource.Tag{Offset: tg.off, Key: tg.key, Value: tg.value})
				}
			}
			hdr, err := zmqsource.AppendHeader(nil, uint64(base)+uint64(pos), ts)
			if err != nil {
				t.Fatal(err)
			}
			h, _, err := zmqsource.ParseHeader(hdr)
			if err != nil {
				t.Fatal(err)
			}
			c.Offset, c.HasOffset, c.Tags = h.Offset, true, h.Tags
		}
		in.Consume(c)
		pos = end
	}
}

func TestInputFormats(t *testing.T) {
	b, starts := stream()
	for _, format := range []string{Bits, Soft} {
		for _, invert := range []bool{false, true} {
			for _, n := range []int{1, 7, 333, 4096, len(b)} {
				in, msgs := collect(t, spec(format, invert), true)
				size := 1
				if format == Soft {
					size = 4
				}
				feed(t, in, encode(b, format, invert), size, n, -1, nil)
				in.Flush()
				if len(*msgs) != 2 {
					t.Fatalf("%s invert=%v chunks of %d: %d messages", format, invert, n, len(*msgs))
				}
				for i, m := range *msgs {
					want := strings.ToUpper(hex.EncodeToString([][]byte{frameD5, frame55}[i]))
					if m.Raw != want || !m.CRCOK || m.BitOffset != starts[i] || m.Input != "ch0" || m.Meta != nil || m.Radio != nil {
						t.Errorf("%s invert=%v chunks of %d: message %d %+v", format, invert, n, i, m)
					}
				}
			}
		}
	}
}

// A stream read with the wrong polarity decodes nothing: invert is applied.
func TestInputPolarity(t *testing.T) {
	b, _ := stream()
	for _, format := range []string{Bits, Soft} {
		in, msgs := collect(t, spec(format, false), true)
		size := map[string]int{Bits: 1, Soft: 4}[format]
		feed(t, in, encode(b, format, true), size, 512, -1, nil)
		in.Flush()
		if len(*msgs) != 0 {
			t.Errorf("%s: %d messages from inverted items read as upright", format, len(*msgs))
		}
	}
}

func TestInputTags(t *testing.T) {
	b, starts := stream()
	const base = 5000
	tags := []tagged{
		{base, "rx_freq", 915.3e6},
		{base + uint64(starts[0]) + 50, "snr", 17.5}, // within tagSlack of the first frame
		{base + uint64(starts[1]) - 300, "rx_freq", 916.1e6},
		{base + uint64(starts[1]) + tagSlack + 1, "snr", 3.0}, // past the second frame's start
		{base + uint64(starts[1]) - 10, "burst_id", int64(7)},
	}
	for _, n := range []int{64, 1000, len(b)} {
		in, msgs := collect(t, spec(Bits, false), true)
		feed(t, in, encode(b, Bits, false), 1, n, base, tags)
		in.Flush()
		if len(*msgs) != 2 {
			t.Fatalf("chunks of %d: %d messages", n, len(*msgs))
		}
		for i, want := range []struct {
			freq, snr float64
			burst     any
		}{{915.3e6, 17.5, nil}, {916.1e6, 17.5, int64(7)}} {
			m := (*msgs)[i]
			if m.Radio == nil || *m.FreqHz != want.freq || *m.SNRdB != want.snr || m.Baud != 0 {
				t.Errorf("chunks of %d: message %d radio %+v", n, i, m.Radio)
			}
			if m.Meta["gr_offset"] != base+starts[i] || m.Meta["rx_freq"] != want.freq || m.Meta["snr"] != want.snr ||
				m.Meta["burst_id"] != want.burst || len(m.Meta) != 3+map[bool]int{true: 1}[want.burst != nil] {
				t.Errorf("chunks of %d: message %d meta %v", n, i, m.Meta)
			}
		}
	}
}

// Without tags, a tag header still gives each message its GNU Radio offset.
func TestInputOffsetOnly(t *testing.T) {
	b, starts := stream()
	in, msgs := collect(t, spec(Bits, false), true)
	feed(t, in, encode(b, Bits, false), 1, 256, 1<<40, nil)
	in.Flush()
	if len(*msgs) != 2 || (*msgs)[1].Meta["gr_offset"] != 1<<40+starts[1] || len((*msgs)[1].Meta) != 1 || (*msgs)[1].Radio != nil {
		t.Fatalf("messages %v", *msgs)
	}
}

// A restart (new connection, lost items) ends the frame in progress and
// forgets the tags; the first chunk's restart flag changes nothing.
func TestInputRestart(t *testing.T) {
	b, starts := stream()
	in, msgs := collect(t, spec(Bits, false), true)
	cut := int(starts[0]) + 80 // inside the first frame
	in.Consume(zmqsource.Chunk{Items: b[:cut], Restart: true, HasOffset: true, Offset: 0,
		Tags: []zmqsource.Tag{{Offset: 0, Key: "rx_freq", Value: 915e6, Size: 64}}})
	in.Consume(zmqsource.Chunk{Items: b[cut:], Restart: true, HasOffset: true, Offset: 1e6})
	in.Flush()
	if len(*msgs) != 1 {
		t.Fatalf("%d messages, want the second frame only", len(*msgs))
	}
	m := (*msgs)[0]
	if m.Raw != strings.ToUpper(hex.EncodeToString(frame55)) || m.Radio != nil || m.Meta["rx_freq"] != nil ||
		m.Meta["gr_offset"] != int64(1e6)+starts[1]-int64(cut) {
		t.Errorf("message %+v meta %v", m, m.Meta)
	}
}

// The tags copied into one message stop at metaTagBytes (in key order);
// the rest are counted, and still give their Radio fields.
func TestInputTagsOmitted(t *testing.T) {
	b, starts := stream()
	var tags []tagged
	long := strings.Repeat("x", 200)
	for k := 'a'; k <= 'z'; k++ {
		tags = append(tags, tagged{uint64(starts[0]), string(k) + "_note", long})
	}
	tags = append(tags, tagged{uint64(starts[0]), "snr", 11.0}, tagged{uint64(starts[0]), "zz_last", int64(1)})
	in, msgs := collect(t, spec(Bits, false), true)
	feed(t, in, encode(b[:starts[1]-100], Bits, false), 1, 4096, 0, tags)
	in.Flush()
	if len(*msgs) != 1 {
		t.Fatalf("%d messages", len(*msgs))
	}
	m := (*msgs)[0]
	omitted, _ := m.Meta["tags_omitted"].(int)
	kept := len(m.Meta) - 2 // gr_offset, tags_omitted
	if omitted == 0 || kept+omitted != len(tags) || m.Meta["a_note"] != long || m.Meta["zz_last"] != nil {
		t.Fatalf("kept %d, omitted %d of %d: %v", kept, omitted, len(tags), m.Meta)
	}
	if m.Radio == nil || *m.SNRdB != 11 {
		t.Errorf("an omitted snr tag gave no SNR: %+v", m.Radio)
	}
	if kept*200 > metaTagBytes {
		t.Errorf("%d long tags kept", kept)
	}
}

// NGE101 level samples: the message carries the tags seen so far (a level
// stream has no bit offsets to place them by) and no gr_offset.
func TestInputLevels(t *testing.T) {
	const rate = 50000
	pkt := nge101.NewPacket(9, 2, false, 1234, false)
	levels, _ := pulse.AppendLevels(make([]byte, 500), pkt, nge101.Timing, rate, 0)
	levels = append(levels, make([]byte, 2000)...)
	sp := Spec{Name: "ook", Format: Levels, Rate: rate, Source: zmqsource.Config{Endpoint: "tcp://127.0.0.1:1"}}
	in, msgs := collect(t, sp, false)
	feed(t, in, levels, 1, 300, 77, []tagged{{77 + 10, "freq", 433.92e6}, {77 + 200, "gain", 40.0}})
	in.Flush()
	if len(*msgs) != 1 {
		t.Fatalf("%d messages", len(*msgs))
	}
	m := (*msgs)[0]
	if m.Protocol != nge101.Name || !m.CRCOK || m.Fields.(*nge101.Fields).ID != 9 || m.Input != "ook" {
		t.Errorf("message %+v", m)
	}
	if m.Radio == nil || *m.FreqHz != 433.92e6 || m.Meta["gain"] != 40.0 || m.Meta["gr_offset"] != nil {
		t.Errorf("radio %+v meta %v", m.Radio, m.Meta)
	}
}

// Run receives from a real PUSH peer over loopback TCP until its context
// ends.
func TestInputRun(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	sp, err := ParseSpec("pull://"+ln.Addr().String()+"?format=soft&tags=1&invert=1&name=soft0", Spec{Format: Bits})
	if err != nil {
		t.Fatal(err)
	}
	sp.Source.RetryMin, sp.Source.RetryMax = 10*time.Millisecond, 50*time.Millisecond
	dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *frames.Message, 4)
	in, err := NewInput(sp, pipeline.Config{Decoders: []protocol.Decoder{dec}, Input: sp.Name}, func(m *frames.Message) { got <- m })
	if err != nil {
		t.Fatal(err)
	}
	if in.Name() != "soft0" {
		t.Errorf("name %q", in.Name())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- in.Run(ctx) }()

	ln.(*net.TCPListener).SetDeadline(time.Now().Add(20 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := zmtp.Handshake(c, zmtp.Push, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	b, starts := stream()
	hdr, err := zmqsource.AppendHeader(nil, 1000, []zmqsource.Tag{{Offset: 1000, Key: "rx_freq", Value: 915.3e6}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(zmtp.AppendFrame(nil, append(hdr, encode(b, Soft, true)...), false)); err != nil {
		t.Fatal(err)
	}
	for i := range starts {
		select {
		case m := <-got:
			if m.Input != "soft0" || m.Meta["gr_offset"] != 1000+starts[i] || *m.FreqHz != 915.3e6 {
				t.Errorf("message %d: %+v %v", i, m, m.Meta)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("message %d did not come", i)
		}
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	in.LogStats(log, 2*time.Second)
	in.LogStats(log, time.Second)
	want := fmt.Sprintf("msg=input input=soft0 connected=true items_per_s=%d items=%d messages=1 tags=1\n", len(b)/2, len(b))
	want0 := fmt.Sprintf("msg=input input=soft0 connected=true items_per_s=0 items=%d messages=1 tags=1\n", len(b))
	if lines := strings.Split(logs.String(), "\n"); len(lines) != 3 || !strings.HasSuffix(lines[0]+"\n", want) || !strings.HasSuffix(lines[1]+"\n", want0) {
		t.Errorf("stats lines:\n%s\nwant …%s…%s", logs.String(), want, want0)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	if st := in.Stats(); st.Messages != 1 || st.Items != int64(len(b)) || st.Tags != 1 {
		t.Errorf("stats %+v", st)
	}
}

// ngeDecoder returns an NGE101 decoder.
func ngeDecoder(emitFailed bool) *nge101.Decoder {
	d, _ := nge101.NewDecoder(nge101.Config{EmitFailed: emitFailed})
	return d
}

package replay

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/samples"
)

// golden is what the built-in sample decodes to: testdata's golden file
// of `gridstream replay`, as keys.
func golden(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "replay-sample.golden.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var m frames.Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, key(&m))
	}
	return out
}

// key is what a test compares of a message.
func key(m *frames.Message) string {
	return fmt.Sprintf("%s %v %s @%d", m.Raw, m.CRCOK, m.Input, m.BitOffset)
}

// encode writes unpacked bits in format f (inverted when invert).
func encode(t *testing.T, u []byte, f bitio.Format, invert bool) []byte {
	t.Helper()
	b := make([]byte, len(u))
	for i, v := range u {
		b[i] = v & 1
		if invert {
			b[i] ^= 1
		}
	}
	switch f {
	case bitio.Unpacked:
		return b
	case bitio.Packed:
		return bitio.Pack(b)
	case bitio.ASCII:
		var s []byte
		for i, v := range b {
			s = append(s, '0'+v)
			if i%70 == 69 {
				s = append(s, '\n')
			}
		}
		return s
	case bitio.Float32:
		var s []byte
		for i, v := range b {
			x := float32(0.2 + float64(i%5)/3)
			if v == 0 {
				x = -x
			}
			s = binary.LittleEndian.AppendUint32(s, math.Float32bits(x))
		}
		return s
	}
	t.Fatalf("format %v", f)
	return nil
}

// decode runs Decode with a fresh decoder and collects the messages.
func decode(t *testing.T, r io.Reader, name string, opt Options, levelRate float64) ([]string, pipeline.Stats, string, error) {
	t.Helper()
	dec, err := gridstream.NewDecoder(gridstream.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	opt.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var got []string
	nge, _ := nge101.NewDecoder(nge101.Config{})
	cfg := pipeline.Config{Decoders: []protocol.Decoder{dec, nge}, Input: samples.BitsName, LevelRate: levelRate}
	st, err := Decode(r, name, cfg,
		func(m *frames.Message) { got = append(got, key(m)) }, opt)
	return got, st, logs.String(), err
}

// The built-in sample decodes to the golden messages in every bit format,
// given, named by the extension, or sniffed, and in either polarity.
func TestDecodeFormats(t *testing.T) {
	want := golden(t)
	for _, tc := range []struct {
		f      bitio.Format
		format string
		name   string
		invert bool
	}{
		{bitio.Unpacked, Auto, "capture", false},
		{bitio.Unpacked, "u8", "capture.txt", false},
		{bitio.Unpacked, Auto, "capture.bits", true},
		{bitio.Packed, Auto, "capture.packed", false},
		{bitio.Packed, "packed", "capture", true},
		{bitio.ASCII, Auto, "capture", false},
		{bitio.ASCII, Auto, "capture.ascii", true},
		{bitio.Float32, Auto, "capture.f32", false},
		{bitio.Float32, "soft", "capture.bin", true},
	} {
		data := encode(t, samples.Bits, tc.f, tc.invert)
		got, st, logs, err := decode(t, bytes.NewReader(data), tc.name, Options{Format: tc.format, Invert: tc.invert}, 0)
		if err != nil {
			t.Errorf("%v %s: %v", tc.f, tc.name, err)
			continue
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%v %s invert=%v: %d messages, want the %d golden ones", tc.f, tc.name, tc.invert, len(got), len(want))
		}
		if st.Bits != int64(len(samples.Bits)) || len(got) == 0 {
			t.Errorf("%v %s: stats %+v", tc.f, tc.name, st)
		}
		if !strings.Contains(logs, "msg=replaying input=capture") || !strings.Contains(logs, "format="+tc.f.String()) {
			t.Errorf("%v %s: log %s", tc.f, tc.name, logs)
		}
	}
}

// Only the low bit of an unpacked byte counts, in either polarity: bytes
// with other bits set decode to the golden messages.
func TestDecodeUnpackedHighBits(t *testing.T) {
	want := golden(t)
	for _, invert := range []bool{false, true} {
		data := encode(t, samples.Bits, bitio.Unpacked, invert)
		for i := range data {
			data[i] |= byte(i*37) &^ 1
		}
		got, st, _, err := decode(t, bytes.NewReader(data), "capture.u8", Options{Format: Auto, Invert: invert}, 0)
		if err != nil || strings.Join(got, "\n") != strings.Join(want, "\n") || st.Bits != int64(len(data)) {
			t.Errorf("invert=%v: %d messages (want the %d golden ones), stats %+v, %v", invert, len(got), len(want), st, err)
		}
	}
}

func TestDecodeWarnings(t *testing.T) {
	want := golden(t)
	// Text with bytes that are not bits: decoded, and counted once.
	text := encode(t, samples.Bits, bitio.ASCII, false)
	text = append(append([]byte("# capture of may\n"), text...), "x"...)
	got, _, logs, err := decode(t, bytes.NewReader(text), "c.txt", Options{Format: Auto}, 0)
	if err != nil || len(got) != len(want) || !strings.Contains(logs, "skipped=14") || !strings.Contains(logs, "is --input-format right?") {
		t.Errorf("text with junk: %d messages, %v\n%s", len(got), err, logs)
	}
	// float32 cut inside a sample: decoded, a warning, no error.
	soft := encode(t, samples.Bits, bitio.Float32, false)
	got, _, logs, err = decode(t, bytes.NewReader(soft[:len(soft)-2]), "c.f32", Options{Format: Auto}, 0)
	if err != nil || len(got) != len(want) || !strings.Contains(logs, "inside a float32 sample") {
		t.Errorf("cut float32: %d messages, %v\n%s", len(got), err, logs)
	}
}

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

func TestDecodeErrors(t *testing.T) {
	want := golden(t)
	// A read error stops the input; what came before it is decoded.
	half := len(samples.Bits) / 2
	r := io.MultiReader(bytes.NewReader(samples.Bits[:half]), failing{errors.New("usb unplugged")})
	got, st, _, err := decode(t, r, "c.u8", Options{Format: Auto}, 0)
	if err == nil || err.Error() != "usb unplugged" || len(got) == 0 || len(got) >= len(want) || st.Bits != int64(half) {
		t.Errorf("read error: %v, %d messages, %+v", err, len(got), st)
	}
	// Packed bytes and float32 look alike: the format must be given.
	packed := encode(t, samples.Bits, bitio.Packed, false)
	got, _, _, err = decode(t, bytes.NewReader(packed), "capture", Options{Format: Auto}, 0)
	if err == nil || !strings.Contains(err.Error(), "capture: cannot tell packed bytes from float32 soft symbols") || len(got) != 0 {
		t.Errorf("ambiguous: %v, %d messages", err, len(got))
	}
	// An unknown format name.
	if _, _, _, err = decode(t, bytes.NewReader(packed), "capture", Options{Format: "mp3"}, 0); err == nil || !strings.Contains(err.Error(), `unknown bit format "mp3"`) {
		t.Errorf("unknown format: %v", err)
	}
	// An empty input is nothing, in the default format.
	got, st, logs, err := decode(t, bytes.NewReader(nil), "empty", Options{Format: Auto}, 0)
	if err != nil || len(got) != 0 || st.Bits != 0 || !strings.Contains(logs, "format=unpacked") {
		t.Errorf("empty: %v %v %+v", err, got, st)
	}
}

func TestResolveFormat(t *testing.T) {
	for _, tc := range []struct {
		format, name, head string
		want               bitio.Format
		err                bool
	}{
		{"float32", "x.u8", "\x00\x01", bitio.Float32, false},
		{Auto, "x.U8", "0101", bitio.Unpacked, false},
		{Auto, "x.soft", "\x00", bitio.Float32, false},
		{Auto, "x", "\x00\x01\x01", bitio.Unpacked, false},
		{Auto, "x", "0110 1\n", bitio.ASCII, false},
		{Auto, "x", "", bitio.Unpacked, false},
		{Auto, "x", "\x80\x3f", 0, true},
		{Auto, "x", strings.Repeat("0", sniffSize) + "\xff", bitio.ASCII, false}, // only the head is sniffed
		{"nonsense", "x.u8", "", 0, true},
	} {
		f, err := ResolveFormat(tc.format, tc.name, bufio.NewReaderSize(strings.NewReader(tc.head), bufSize))
		if (err != nil) != tc.err || f != tc.want {
			t.Errorf("%s %s %q: %v %v", tc.format, tc.name, tc.head, f, err)
		}
	}
}

// NGE101 OOK levels decode through the level slicer at the given rate.
func TestDecodeLevels(t *testing.T) {
	const rate = 50000
	pkt := nge101.NewPacket(117, 3, false, 4551, false)
	levels, _ := pulse.AppendLevels(make([]byte, 500), pkt, nge101.Timing, rate, 0)
	levels = append(levels, make([]byte, 2000)...)
	got, _, _, err := decode(t, bytes.NewReader(levels), "ook", Options{Format: Levels, Invert: true}, rate)
	if err != nil || len(got) != 1 || !strings.HasPrefix(got[0], "FA2AEE38807C6C true ") {
		t.Errorf("levels: %v %v", got, err)
	}
}

// With a rate, every message carries its offset in seconds (position over
// rate), and with a start time, Time is start plus offset; without a rate
// (a bit file does not say its baud), no offset.
func TestOffsets(t *testing.T) {
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	run := func(r io.Reader, opt Options, levelRate float64) []*frames.Message {
		dec, _ := gridstream.NewDecoder(gridstream.Config{})
		nge, _ := nge101.NewDecoder(nge101.Config{})
		var got []*frames.Message
		cfg := pipeline.Config{Decoders: []protocol.Decoder{dec, nge}, LevelRate: levelRate}
		if _, err := Decode(r, "x", cfg, func(m *frames.Message) { got = append(got, m) }, opt); err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, m := range run(bytes.NewReader(samples.Bits), Options{Format: Auto}, 0) {
		if m.OffsetS != nil {
			t.Fatalf("bits without a rate: offset_s %v", *m.OffsetS)
		}
	}
	got := run(bytes.NewReader(samples.Bits), Options{Format: Auto, Rate: 9600, Start: start}, 0)
	if len(got) == 0 {
		t.Fatal("nothing decoded")
	}
	for _, m := range got {
		want := float64(m.BitOffset) / 9600
		at := start.Add(time.Duration(want * float64(time.Second))).Format(frames.TimeLayout)
		if m.OffsetS == nil || *m.OffsetS != want || m.Time != at {
			t.Errorf("bits at 9600/s: bit %d, offset %v, time %s; want %v, %s", m.BitOffset, m.OffsetS, m.Time, want, at)
		}
	}
	const rate = 50000
	pkt := nge101.NewPacket(117, 3, false, 4551, false)
	levels, _ := pulse.AppendLevels(make([]byte, 500), pkt, nge101.Timing, rate, 0)
	levels = append(levels, make([]byte, 2000)...)
	got = run(bytes.NewReader(levels), Options{Format: Levels, Invert: true}, rate)
	if len(got) != 1 || got[0].OffsetS == nil || *got[0].OffsetS != 500.0/rate {
		t.Fatalf("levels: %+v", got)
	}
	if _, err := time.Parse(time.RFC3339, got[0].Time); err != nil || strings.HasPrefix(got[0].Time, "2026-11-23T10") {
		t.Errorf("no start time: the decode time, got %s", got[0].Time)
	}
}

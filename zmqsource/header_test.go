package zmqsource

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/pmt"
)

// wantTags are the tags testdata/capture_tags.py attaches.
var wantTags = []Tag{
	{Offset: 0, Key: "baud", Value: int64(9600), SrcID: pmt.Symbol("demod")},
	{Offset: 3, Key: "rx_freq", Value: 915.3e6, SrcID: false},
	{Offset: 5, Key: "gs_sync", Value: uint64(5), SrcID: false},
	{Offset: 6, Key: "burst", Value: pmt.Tuple{pmt.Symbol("a"), int64(-2)}, SrcID: false},
}

var wantItems = []byte{1, 0, 1, 0, 1, 1, 0, 0, 1, 1}

// checkCapture checks the output of capture_tags.py: a key frame "gs", then
// a data frame with the tag header and the ten bits.
func checkCapture(t *testing.T, text string) {
	t.Helper()
	var frames [][]byte
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "frame" {
			continue
		}
		b, err := hex.DecodeString(f[3])
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, b)
	}
	if len(frames) != 2 || string(frames[0]) != "gs" {
		t.Fatalf("want key frame + data frame, got %d frames: %x", len(frames), frames)
	}
	h, n, err := ParseHeader(frames[1])
	if err != nil {
		t.Fatal(err)
	}
	got := withoutSize(t, h.Tags)
	if h.Offset != 0 || !reflect.DeepEqual(got, wantTags) || h.Summarized != 0 || h.Dropped != 0 {
		t.Errorf("header = %+v, want offset 0 tags %+v", h, wantTags)
	}
	if !bytes.Equal(frames[1][n:], wantItems) {
		t.Errorf("items = %x, want %x", frames[1][n:], wantItems)
	}
	// Our writer produces the same bytes.
	b, err := AppendHeader(nil, 0, wantTags)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, frames[1][:n]) {
		t.Errorf("AppendHeader = %x\nGNU Radio   = %x", b, frames[1][:n])
	}
}

// withoutSize returns tags with Size cleared, checking it is set.
func withoutSize(t *testing.T, tags []Tag) []Tag {
	t.Helper()
	out := append([]Tag{}, tags...)
	for i := range out {
		if out[i].Size <= len(out[i].Key) {
			t.Errorf("tag %s: size %d", out[i].Key, out[i].Size)
		}
		out[i].Size = 0
	}
	return out
}

// TestHeaderGolden parses a header captured from GNU Radio 3.10.5's ZMQ PUB
// Sink (pass_tags=True, key "gs"), committed in testdata/gnuradio_tags.txt.
func TestHeaderGolden(t *testing.T) {
	text, err := os.ReadFile("testdata/gnuradio_tags.txt")
	if err != nil {
		t.Fatal(err)
	}
	checkCapture(t, string(text))
}

// TestHeaderLiveGNURadio captures a fresh header from the installed GNU
// Radio (required when CI is set).
func TestHeaderLiveGNURadio(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import pmt, zmq; from gnuradio import zeromq").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but GNU Radio (gr-zeromq, python3-zmq) is missing: %v", err)
		}
		t.Skipf("GNU Radio not installed: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	out, err := exec.Command(py, "testdata/capture_tags.py", fmt.Sprint(port)).Output()
	if err != nil {
		t.Fatalf("capture_tags.py: %v", err)
	}
	checkCapture(t, string(out))
}

func TestHeaderMalformed(t *testing.T) {
	good, _ := AppendHeader(nil, 7, wantTags)
	le := func(n uint64) []byte {
		return []byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24), byte(n >> 32), byte(n >> 40), byte(n >> 48), byte(n >> 56)}
	}
	hdr := func(magic uint16, ver byte, ntags uint64) []byte {
		b := []byte{byte(magic), byte(magic >> 8), ver}
		b = append(b, le(0)...)
		return append(b, le(ntags)...)
	}
	tests := []struct {
		name string
		in   []byte
		kind string
	}{
		{"empty", nil, KindTagShort},
		{"short", good[:10], KindTagShort},
		{"magic", append(hdr(0x1234, 1, 0), 1, 0), KindTagMagic},
		{"raw bits", bytes.Repeat([]byte{1, 0}, 20), KindTagMagic},
		{"version", hdr(HeaderMagic, 2, 0), KindTagVersion},
		{"absurd count", append(hdr(HeaderMagic, 1, 1<<62), make([]byte, 100)...), KindTagCount},
		{"count too big for bytes", append(hdr(HeaderMagic, 1, 10), make([]byte, 50)...), KindTagCount},
		{"truncated tags", good[:len(good)-3], KindTagPMT},
		{"garbage pmt", append(append(hdr(HeaderMagic, 1, 1), le(0)...), 0xEE, 0xEE, 0xEE, 0xEE), KindTagPMT},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseHeader(tc.in)
			var he *HeaderError
			if !errors.As(err, &he) || he.Kind != tc.kind {
				t.Fatalf("err = %v, want kind %s", err, tc.kind)
			}
		})
	}
	h, n, err := ParseHeader(append(good, 1, 0, 1))
	if err != nil || n != len(good) || h.Offset != 7 || len(h.Tags) != len(wantTags) {
		t.Fatalf("good header: %+v %d %v", h, n, err)
	}
}

// maxTagSize is the largest Size one kept tag can have: a key, value and
// source id each at most MaxTagValueBytes and MaxTagValueItems.
const maxTagSize = 3 * (MaxTagValueBytes + MaxTagValueItems*itemCost)

// FuzzParseHeader: never panic; what parses re-serializes; the kept tags
// stay within the budget. Seeds: testdata/fuzz/FuzzParseHeader (a real GNU
// Radio header, long and many tags, malformed ones).
func FuzzParseHeader(f *testing.F) {
	good, _ := AppendHeader(nil, 7, wantTags)
	f.Add(good)
	f.Add([]byte{0xF0, 0x5F, 1})
	f.Fuzz(func(t *testing.T, p []byte) {
		h, n, err := ParseHeader(p)
		if err != nil {
			return
		}
		if n > len(p) {
			t.Fatalf("n %d > len %d", n, len(p))
		}
		size := 0
		for _, tag := range h.Tags {
			if tag.Size > maxTagSize {
				t.Fatalf("tag %q of size %d", tag.Key, tag.Size)
			}
			size += tag.Size
		}
		if size > MaxHeaderTagBytes+maxTagSize {
			t.Fatalf("tags of size %d kept", size)
		}
		if _, err := AppendHeader(nil, h.Offset, h.Tags); err != nil {
			// keys that are not symbols are formatted; values re-serialize
			t.Logf("re-serialize: %v", err)
		}
	})
}

// A sink with pass_tags=True read by an input that was not told so: u8 bits
// cannot start with the header's F0 5F 01, so the header is recognised,
// parsed and reported once, and the bits come out clean. Data that merely
// starts with those bytes but is no valid header stays data.
func TestUndeclaredTagHeader(t *testing.T) {
	hdr, err := AppendHeader(nil, 40, wantTags)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		frame     []byte
		itemSize  int
		wantItems []byte
		wantTags  int
		counted   int64
	}{
		{"header before bits", append(bytes.Clone(hdr), wantItems...), 1, wantItems, len(wantTags), 1},
		{"plain bits", wantItems, 1, wantItems, 0, 0},
		{"magic but no header", []byte{0xF0, 0x5F, 0x01, 1, 0}, 1, []byte{0xF0, 0x5F, 0x01, 1, 0}, 0, 0},
		{"float items are not guessed", append(bytes.Clone(hdr), 0, 0, 0x80, 0x3F), 4, nil, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(Config{Endpoint: "tcp://127.0.0.1:1", ItemSize: tc.itemSize})
			if err != nil {
				t.Fatal(err)
			}
			var got Chunk
			for range 2 { // counted once per message, logged once
				s.handle(tc.frame, false, func(c Chunk) { got = c })
			}
			if tc.wantItems != nil && !bytes.Equal(got.Items, tc.wantItems) {
				t.Fatalf("items %x, want %x", got.Items, tc.wantItems)
			}
			if len(got.Tags) != tc.wantTags || (tc.wantTags > 0 && got.Offset != 40) {
				t.Fatalf("tags %+v offset %d", got.Tags, got.Offset)
			}
			if n := s.Stats().Malformed[KindUndeclaredTags]; n != 2*tc.counted {
				t.Fatalf("counted %d", n)
			}
		})
	}
}

// Long tag values are summarized, and a message's tags beyond the budget
// are dropped and counted, the header still parsed to its end.
func TestHeaderTagBudget(t *testing.T) {
	long := []Tag{
		{Offset: 1, Key: "nils", Value: make([]pmt.Value, 100000)},
		{Offset: 2, Key: "bytes", Value: bytes.Repeat([]byte{7}, 300)},
		{Offset: 3, Key: "rx_freq", Value: 915.3e6},
		{Offset: 4, Key: "dict", Value: pmt.Dict{{Key: pmt.Symbol("a"), Value: make([]pmt.Value, 40)}}},
	}
	hdr, err := AppendHeader(nil, 0, long)
	if err != nil {
		t.Fatal(err)
	}
	h, n, err := ParseHeader(append(hdr, 1, 0))
	if err != nil || n != len(hdr) || len(h.Tags) != 4 || h.Summarized != 3 || h.Dropped != 0 {
		t.Fatalf("%+v %d %v", h, n, err)
	}
	for i, want := range []pmt.Value{
		pmt.Symbol("<vector: 100005 bytes, 100001 values, not kept>"),
		pmt.Symbol("<u8vector: 308 bytes, 301 values, not kept>"),
		915.3e6,
		pmt.Symbol("<dict: 52 bytes, 43 values, not kept>"),
	} {
		if h.Tags[i].Value != want {
			t.Errorf("tag %s = %v, want %v", h.Tags[i].Key, h.Tags[i].Value, want)
		}
	}

	// 1000 tags just within the value limits: the first ~240 are kept.
	var many []Tag
	for i := range 1000 {
		many = append(many, Tag{Offset: uint64(i), Key: fmt.Sprintf("k%d", i%64), Value: make([]byte, MaxTagValueItems-1)})
	}
	hdr, _ = AppendHeader(nil, 0, many)
	h, n, err = ParseHeader(append(hdr, 1, 0, 1))
	if err != nil || n != len(hdr) || h.Summarized != 0 || h.Dropped == 0 || len(h.Tags)+h.Dropped != 1000 {
		t.Fatalf("%d tags, %d dropped, n %d of %d: %v", len(h.Tags), h.Dropped, n, len(hdr), err)
	}
	size := 0
	for _, tag := range h.Tags {
		size += tag.Size
	}
	if size > MaxHeaderTagBytes+maxTagSize {
		t.Fatalf("kept %d bytes of tags", size)
	}
	t.Logf("kept %d tags (%d bytes estimated), dropped %d", len(h.Tags), size, h.Dropped)
}

package frames_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// sameJSON fails unless AppendJSON writes what encoding/json's path
// (marshalJSON) writes, or the same error, also after bytes already in dst.
func sameJSON(t *testing.T, name string, m *frames.Message) []byte {
	t.Helper()
	want, wantErr := m.MarshalJSONReference()
	got, err := m.AppendJSON(nil)
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("%s: error %v, encoding/json's %v", name, err, wantErr)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s:\n got %s\nwant %s", name, got, want)
	}
	prefix := []byte("x,")
	if after, _ := m.AppendJSON(prefix); err == nil && string(after) != "x,"+string(want) {
		t.Fatalf("%s: appended after a prefix: %s", name, after)
	}
	return got
}

// Every message of every golden JSONL in the repository, read back with
// its protocol's Fields, is written as encoding/json writes it, and a line
// in the message's key order as it was.
func TestAppendJSONGoldens(t *testing.T) {
	var files []string
	for _, pat := range []string{"../testdata/*.jsonl", "../*/testdata/*.jsonl"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) < 3 {
		t.Fatalf("golden JSONL files: %v", files)
	}
	n := 0
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			b := sc.Bytes()
			if len(b) == 0 || b[0] != '{' {
				continue
			}
			var probe struct{ Protocol string }
			if err := json.Unmarshal(b, &probe); err != nil {
				t.Fatalf("%s:%d: %v", file, line, err)
			}
			m := frames.Message{}
			switch probe.Protocol {
			case "gridstream":
				m.Fields = &gridstream.Fields{}
			case "nge101":
				m.Fields = &nge101.Fields{}
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s:%d: %v", file, line, err)
			}
			got := sameJSON(t, fmt.Sprintf("%s:%d", file, line), &m)
			// Lines in the message's own key order (not re-sorted) come back as
			// they were.
			if m.Meta == nil && bytes.HasPrefix(b, []byte(`{"protocol":`)) && !bytes.Equal(got, b) {
				t.Errorf("%s:%d: written back as\n%s\nnot\n%s", file, line, got, b)
			}
			n++
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if n < 250 {
		t.Errorf("only %d messages in %v", n, files)
	}
	for i, m := range encodingCases() {
		sameJSON(t, fmt.Sprintf("encoding case %d", i), &m)
	}
}

// Any message, with any strings, floats (NaN, ±Inf, tiny, huge), Radio,
// Meta and Fields, is written exactly as encoding/json wrote it.
func FuzzAppendJSON(f *testing.F) {
	f.Add("gridstream", "2026-01-02T03:04:05.000Z", "2A55", "a<b>&c.txt", int64(168), 2, true, 0.0175, 915e6, -16e3, -31.5, 12.25, 9600, uint8(0xFF), uint8(1), "45F8")
	f.Add("nge101", "", "FA0C", "", int64(-1), 0, false, 1e-7, 1e21, math.Inf(1), math.NaN(), math.Copysign(0, -1), 0, uint8(0x3D), uint8(2), "\u2028\"\\\x00é")
	f.Add("x\u2029", "\x7f", "\xff", "\t", int64(math.MinInt64), -3, true, 1e20, 123456789.125, 5e-324, -1e-6, 9.999999e-7, -1, uint8(0x41), uint8(3), "<&>")
	f.Add("p", "t", "r", "i", int64(0), 0, false, 0.0, 0.0, 0.0, 0.0, 0.0, 0, uint8(0x80), uint8(4), "")
	f.Fuzz(func(t *testing.T, proto, tm, raw, input string, bitOffset int64, syncErrors int, crcOK bool,
		offset, freq, dev, rssi, snr float64, baud int, mask, kind uint8, s string) {
		m := frames.Message{Protocol: proto, Time: tm, CRCOK: crcOK, Raw: raw, BitOffset: bitOffset, SyncErrors: syncErrors, Input: input}
		opt := func(bit uint8, v float64) *float64 {
			if mask&bit != 0 {
				return &v
			}
			return nil
		}
		m.OffsetS = opt(1, offset)
		if mask&0x40 != 0 {
			m.Radio = &frames.Radio{FreqHz: opt(2, freq), DeviationHz: opt(4, dev), Baud: baud, RSSIdB: opt(8, rssi), SNRdB: opt(16, snr)}
		}
		if mask&0x20 != 0 {
			m.Meta = map[string]any{"tag": s}
		}
		switch kind % 6 {
		case 1:
			m.Fields = &gridstream.Fields{Version: baud, Type: s, CRCInit: &s, Src: raw}
		case 2:
			m.Fields = &nge101.Fields{Bits: syncErrors, PowerW: opt(32, freq), EnergyKWh: &snr}
		case 3:
			m.Fields = frames.Map{s: offset, "b": s}
		case 4:
			m.Fields = (*nge101.Fields)(nil)
		case 5:
			m.Fields = frames.Map(nil)
		}
		sameJSON(t, "fuzz", &m)
	})
}

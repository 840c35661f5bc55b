package sink

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/rtl433"
)

// goldenMessages reads the messages of a golden file of the repository's
// testdata (decoded seed frames and the built-in sample: GridStream with
// good and failed CRCs, NGE101), with each line as a generic map.
func goldenMessages(t *testing.T, name string) ([]*frames.Message, []map[string]any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*frames.Message
	var maps []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var m frames.Message
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		switch raw["protocol"] { // read the protocol's part back as its own type
		case gridstream.Name:
			m.Fields = &gridstream.Fields{}
		case nge101.Name:
			m.Fields = &nge101.Fields{}
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, &m)
		maps = append(maps, raw)
	}
	if len(msgs) == 0 {
		t.Fatalf("%s: no messages", name)
	}
	return msgs, maps
}

func allGolden(t *testing.T) ([]*frames.Message, []map[string]any) {
	a, am := goldenMessages(t, "frames-seeds.golden.jsonl")
	b, bm := goldenMessages(t, "replay-sample.golden.jsonl")
	return append(a, b...), append(am, bm...)
}

// flushCounter counts the writes reaching the underlying writer.
type flushCounter struct {
	bytes.Buffer
	writes int
}

func (f *flushCounter) Write(p []byte) (int, error) {
	f.writes++
	return f.Buffer.Write(p)
}

func TestJSONLines(t *testing.T) {
	msgs, want := allGolden(t)
	var out flushCounter
	s := NewJSON(&out)
	for i, m := range msgs {
		if err := s.Send(m); err != nil {
			t.Fatal(err)
		}
		// Every message reaches the writer before the next is sent.
		if out.writes != i+1 {
			t.Fatalf("after message %d: %d writes", i+1, out.writes)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(msgs) {
		t.Fatalf("%d lines for %d messages", len(lines), len(msgs))
	}
	for i, l := range lines {
		var got map[string]any
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("line %d is not JSON: %q", i, l)
		}
		if got["time"] != "" {
			t.Errorf("line %d: time %v", i, got["time"])
		}
		delete(got, "time")
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("line %d:\n got %v\nwant %v", i, got, want[i])
		}
	}
}

// The sink writes what json.Encoder (HTML unescaped) wrote before it
// wrote MarshalJSON's bytes itself: the same lines for the golden messages
// and the odd ones, the same error for what JSON cannot hold.
func TestJSONAsEncoder(t *testing.T) {
	msgs, _ := allGolden(t)
	nan, tiny := math.NaN(), 1e-9
	msgs = append(msgs,
		&frames.Message{Protocol: "p", Input: "a<b>&c\u2028\"\\\x01é", Raw: "\xff", Radio: &frames.Radio{FreqHz: &tiny}},
		&frames.Message{Protocol: "p", Meta: map[string]any{"k": []int{1, 2}, "h": "<&>"}},
		&frames.Message{Protocol: "p", OffsetS: &nan},
		&frames.Message{Protocol: "p", Fields: &nge101.Fields{PowerW: &nan}},
		nil)
	for i, m := range msgs {
		var got, want bytes.Buffer
		err := NewJSON(&got).Send(m)
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		wantErr := enc.Encode(m)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("message %d: error %v, json.Encoder's %v", i, err, wantErr)
		}
		if got.String() != want.String() {
			t.Errorf("message %d:\n got %q\nwant %q", i, got.String(), want.String())
		}
	}
}

func TestJSONDoesNotEscapeHTML(t *testing.T) {
	var out bytes.Buffer
	s := NewJSON(&out)
	if err := s.Send(&frames.Message{Protocol: nge101.Name, Input: "a<b>&c"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"input":"a<b>&c"`) {
		t.Errorf("got %s", out.String())
	}
}

func TestRTL433Lines(t *testing.T) {
	msgs, _ := allGolden(t)
	var out bytes.Buffer
	s := NewRTL433(&out)
	var want bytes.Buffer
	skipped := 0
	for _, m := range msgs {
		before := out.Len()
		if err := s.Send(m); err != nil {
			t.Fatal(err)
		}
		line, ok := rtl433.Encode(m)
		if !ok {
			skipped++
			if out.Len() != before {
				t.Errorf("message rtl_433 would not print was written: %s", out.Bytes()[before:])
			}
			continue
		}
		want.Write(line)
		want.WriteByte('\n')
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if skipped == 0 {
		t.Error("no CRC-failed message in the vectors")
	}
	if out.String() != want.String() {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want.String())
	}
	for _, model := range []string{gridstream.RTL433Model, nge101.RTL433Model} {
		if !strings.Contains(out.String(), `"model" : "`+model+`"`) {
			t.Errorf("no %s line", model)
		}
	}
	var zero RTL433
	if zero.Send(msgs[0]) == nil || zero.Close() == nil {
		t.Error("a zero RTL433 sink accepted a message")
	}
}

func TestNewLines(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   any
		err    string
	}{
		{"", &JSON{}, ""},
		{"json", &JSON{}, ""},
		{"JSON", &JSON{}, ""},
		{"gridstream", &JSON{}, ""},
		{"rtl433", &RTL433{}, ""},
		{"RTL433", &RTL433{}, ""},
		{"Csv", nil, `format "csv": want json or rtl433`},
	} {
		s, err := NewLines(tc.format, &bytes.Buffer{})
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %q", tc.format, err, tc.err)
			}
			continue
		}
		if err != nil || reflect.TypeOf(s) != reflect.TypeOf(tc.want) {
			t.Errorf("%q: %T, %v", tc.format, s, err)
		}
	}
}

// recorder is a sink that keeps what it is sent and fails on request.
type recorder struct {
	mu       sync.Mutex
	raws     []string
	failSend error
	failEnd  error
	closed   bool
}

func (r *recorder) Send(m *frames.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failSend != nil {
		return r.failSend
	}
	r.raws = append(r.raws, m.Raw)
	return nil
}

func (r *recorder) Close() error {
	r.closed = true
	return r.failEnd
}

func TestFanout(t *testing.T) {
	msgs, _ := allGolden(t)
	var logs bytes.Buffer
	f := &Fanout{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	a, bad, b := &recorder{}, &recorder{failSend: errors.New("broker gone"), failEnd: errors.New("not flushed")}, &recorder{failEnd: errors.New("late")}
	f.Add("a", a)
	f.Add("bad", bad)
	f.Add("b", b)
	for _, m := range msgs {
		f.Send(m)
	}
	if f.Sent() != int64(len(msgs)) {
		t.Errorf("Sent %d, want %d", f.Sent(), len(msgs))
	}
	for _, r := range []*recorder{a, b} {
		if len(r.raws) != len(msgs) || r.raws[0] != msgs[0].Raw || r.raws[len(msgs)-1] != msgs[len(msgs)-1].Raw {
			t.Errorf("a working sink got %d of %d messages", len(r.raws), len(msgs))
		}
	}
	if n := strings.Count(logs.String(), "output failed"); n != 1 || !strings.Contains(logs.String(), "output=bad") ||
		!strings.Contains(logs.String(), `err="broker gone"`) {
		t.Errorf("%d error lines, want 1 naming the sink:\n%s", n, logs.String())
	}
	outs := f.Outputs()
	if len(outs) != 3 || outs[0].Name != "a" || outs[1].Errors != int64(len(msgs)) || outs[0].Errors != 0 || outs[2].Sink != b {
		t.Errorf("outputs %+v", outs)
	}
	err := f.Close()
	if err == nil || err.Error() != "bad: not flushed" {
		t.Errorf("Close: %v, want the first sink's error with its name", err)
	}
	if !a.closed || !bad.closed || !b.closed {
		t.Error("Close skipped a sink")
	}
}

func TestFanoutEmpty(t *testing.T) {
	var f Fanout
	f.Send(&frames.Message{})
	if f.Sent() != 1 || f.Close() != nil || len(f.Outputs()) != 0 {
		t.Error("empty fanout")
	}
}

// TestFanoutConcurrent sends from several goroutines (as decode's inputs
// do): every message arrives once, and JSON lines never interleave.
func TestFanoutConcurrent(t *testing.T) {
	msgs, _ := allGolden(t)
	var out bytes.Buffer
	rec := &recorder{}
	f := &Fanout{}
	f.Add("stdout", NewJSON(&out))
	f.Add("rec", rec)
	const workers = 4
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, m := range msgs {
				c := *m
				c.Input = fmt.Sprintf("w%d-%d", w, i)
				f.Send(&c)
				f.Sent()
				f.Outputs()
			}
		}()
	}
	wg.Wait()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	want := workers * len(msgs)
	if f.Sent() != int64(want) || len(rec.raws) != want {
		t.Fatalf("sent %d, recorded %d, want %d", f.Sent(), len(rec.raws), want)
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m frames.Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("interleaved line %q", sc.Text())
		}
		if seen[m.Input] {
			t.Fatalf("%s twice", m.Input)
		}
		seen[m.Input] = true
	}
	if len(seen) != want {
		t.Errorf("%d lines, want %d", len(seen), want)
	}
}

// With OnlyGood, a frame without a passed check reaches only the sinks
// that take unchecked frames (rtl_433's dialect, which prints encrypted
// ones); good frames reach every sink.
func TestFanoutOnlyGood(t *testing.T) {
	var out bytes.Buffer
	f := &Fanout{OnlyGood: true}
	plain := &recorder{}
	f.Add("plain", plain)
	f.Add("rtl433", NewRTL433(&out))
	good := &frames.Message{Protocol: gridstream.Name, CRCOK: true, Raw: "2A"}
	enc := &frames.Message{Protocol: gridstream.Name, Raw: "2AD20452BE06FC", Time: "2026-11-23T12:34:56.000Z",
		Fields: &gridstream.Fields{Version: 4, Type: "D2", CI: "52", Encrypted: true}}
	f.Send(good)
	f.Send(enc)
	if !reflect.DeepEqual(plain.raws, []string{"2A"}) {
		t.Errorf("the plain sink got %v", plain.raws)
	}
	if !strings.Contains(out.String(), `"encrypted" : 1`) {
		t.Errorf("rtl_433's dialect did not print the encrypted frame: %q", out.String())
	}
	f.OnlyGood = false
	f.Send(enc)
	if len(plain.raws) != 2 {
		t.Errorf("without OnlyGood every sink gets every frame: %v", plain.raws)
	}
}

package gnuradio

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseCounts(t *testing.T) {
	for _, tc := range []struct {
		line string
		n    int
		want []int64
		err  string
	}{
		{"0\n", 1, []int64{0}, ""},
		{" 12\t 9000000000 \r\n", 2, []int64{12, 9000000000}, ""},
		{"\n", 0, []int64{}, ""},
		{"1 2\n", 1, nil, "want 1 item counts (one per input), got 2"},
		{"5\n", 2, nil, "want 2 item counts"},
		{"-3\n", 1, nil, `"-3" is not an item count`},
		{"1e3\n", 1, nil, "is not an item count"},
		{"99999999999999999999\n", 1, nil, "is not an item count"},
	} {
		got, err := ParseCounts(tc.line, tc.n)
		switch {
		case tc.err == "" && (err != nil || !reflect.DeepEqual(got, tc.want)):
			t.Errorf("%q: %v, %v; want %v", tc.line, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want %q", tc.line, err, tc.err)
		}
	}
}

// FuzzParseCounts: any line gives counts from 0, n of them, that read back
// the same when written out, or an error; never a panic.
func FuzzParseCounts(f *testing.F) {
	f.Add("0\n", 1)
	f.Add("12 9000000000\n", 2)
	f.Add("-3 x\n", 2)
	f.Add("", 0)
	f.Fuzz(func(t *testing.T, line string, n int) {
		if n < 0 || n > 1000 {
			return
		}
		got, err := ParseCounts(line, n)
		if err != nil {
			return
		}
		if len(got) != n {
			t.Fatalf("%d counts, want %d", len(got), n)
		}
		parts := make([]string, n)
		for i, v := range got {
			if v < 0 {
				t.Fatalf("count %d", v)
			}
			parts[i] = strconv.FormatInt(v, 10)
		}
		if again, err := ParseCounts(strings.Join(parts, " "), n); err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("%v read back as %v, %v", got, again, err)
		}
	})
}

// lockedLog is a log that goroutines write while the test reads it.
type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// ended waits up to d for ctx to end.
func ended(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return true
	case <-time.After(d):
		return false
	}
}

// UntilEOS ends the run once every input delivered the items the line
// counts, not before; at once when stdin closes without a line or with a
// bad one; after quiet when items stay missing; with its parent.
func TestUntilEOS(t *testing.T) {
	var a, b atomic.Int64
	items := func() []int64 { return []int64{a.Load(), b.Load()} }
	logs := &lockedLog{}
	log := slog.New(slog.NewTextHandler(logs, nil))

	pr, pw := io.Pipe()
	ctx := UntilEOS(context.Background(), pr, items, time.Minute, log)
	a.Store(5)
	if ended(ctx, 50*time.Millisecond) {
		t.Fatal("ended before stdin said anything")
	}
	io.WriteString(pw, "10 20\n")
	a.Store(10)
	b.Store(19)
	if ended(ctx, 100*time.Millisecond) {
		t.Fatal("ended with an item missing")
	}
	b.Store(25)
	if !ended(ctx, 5*time.Second) || !strings.Contains(logs.String(), "every item decoded") {
		t.Fatalf("did not end with every item there:\n%s", logs)
	}
	pw.Close()

	for _, tc := range []struct{ stdin, log string }{
		{"", "stdin closed: stopping"},
		{"1\n", "want 2 item counts"},
		{"1 x\n", "is not an item count"},
	} {
		ctx := UntilEOS(context.Background(), strings.NewReader(tc.stdin), items, time.Minute, log)
		if !ended(ctx, 5*time.Second) || !strings.Contains(logs.String(), tc.log) {
			t.Errorf("stdin %q: ended %v\n%s", tc.stdin, ctx.Err() != nil, logs)
		}
	}

	ctx = UntilEOS(context.Background(), strings.NewReader("100 100\n"), items, 100*time.Millisecond, log)
	if !ended(ctx, 5*time.Second) || !strings.Contains(logs.String(), "items missing and none came for a while") {
		t.Errorf("items stuck short: ended %v\n%s", ctx.Err() != nil, logs)
	}

	parent, cancel := context.WithCancel(context.Background())
	pr, pw = io.Pipe()
	defer pw.Close()
	ctx = UntilEOS(parent, pr, items, time.Minute, log)
	cancel()
	if !ended(ctx, time.Second) {
		t.Error("did not end with its parent")
	}
}

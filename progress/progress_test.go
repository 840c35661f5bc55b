package progress

import (
	"bytes"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": Auto, "auto": Auto, "AUTO": Auto, "always": Always, "yes": Always, "True": Always,
		"never": Never, "no": Never, "false": Never} {
		if m, err := ParseMode(in); err != nil || m != want {
			t.Errorf("%q: %v %v", in, m, err)
		}
	}
	if _, err := ParseMode("sometimes"); err == nil || err.Error() != `"sometimes": want auto, always or never` {
		t.Errorf("error %v", err)
	}
}

func TestShowOffTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.Create(t.TempDir() + "/log")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for _, f := range []*os.File{w, null, file} {
		if IsTerminal(f) || Auto.Show(100, f) || !Always.Show(100, f) || Never.Show(100, f) || Always.Show(0, f) || Always.Show(-1, f) {
			t.Errorf("%s", f.Name())
		}
	}
}

// clock is a settable time for a bar.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }

func TestBar(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, 10e6, 1e6) // 10 s of signal at 1 MS/s
	c := &clock{t: b.start}
	b.now = c.now
	b.Update(0, 0)
	if got := out.String(); got != "\r"+strings.Repeat("░", 30)+"   0%  0.0/10.0 s  0 msgs\x1b[K" {
		t.Errorf("first draw %q", got)
	}
	out.Reset()
	c.add(50 * time.Millisecond)
	b.Update(1e6, 1)
	if out.Len() != 0 {
		t.Errorf("redrawn within 100 ms: %q", out.String())
	}
	c.add(950 * time.Millisecond)
	b.Update(2.5e6, 3)
	want := "\r" + strings.Repeat("█", 7) + strings.Repeat("░", 23) + "  25%  2.5/10.0 s  2.5× real time  3 msgs  ETA 3s\x1b[K"
	if out.String() != want {
		t.Errorf("draw\n got %q\nwant %q", out.String(), want)
	}
	out.Reset()
	b.Clear()
	b.Clear()
	if out.String() != "\r\x1b[K" {
		t.Errorf("clear %q", out.String())
	}
	out.Reset()
	b.Update(3e6, 4) // drawn again at once after a Clear
	if !strings.Contains(out.String(), "4 msgs") {
		t.Errorf("no redraw after Clear: %q", out.String())
	}
	out.Reset()
	c.add(3 * time.Second)
	b.Finish(11e6, 9) // more than announced: capped at 100 %
	if got := out.String(); !strings.HasPrefix(got, "\r"+strings.Repeat("█", 30)+" 100%  11.0/10.0 s  2.8× real time  9 msgs  ETA 0s") ||
		!strings.HasSuffix(got, "\x1b[K\n") {
		t.Errorf("finish %q", got)
	}
	out.Reset()
	b.Clear()
	if out.Len() != 0 {
		t.Errorf("clear after finish %q", out.String())
	}
}

func TestBarBytes(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, 4e6, 0)
	c := &clock{t: b.start.Add(2 * time.Second)}
	b.now = c.now
	b.Update(1e6, 0)
	if want := "  25%  1.0/4.0 MB  0 MB/s  0 msgs  ETA 6s\x1b[K"; !strings.HasSuffix(out.String(), want) {
		t.Errorf("got %q, want …%q", out.String(), want)
	}
}

func TestNilBar(t *testing.T) {
	var b *Bar
	b.Update(1, 1)
	b.Clear()
	b.Finish(1, 1)
	if New(&bytes.Buffer{}, 0, 1e6) != nil || New(&bytes.Buffer{}, -1, 0) != nil {
		t.Error("a bar for an input of unknown size")
	}
}

// A Reader counts what goes through it and says so after every read.
func TestReader(t *testing.T) {
	var seen []int64
	r := &Reader{R: iotest.OneByteReader(strings.NewReader("abc")), OnRead: func(n int64) { seen = append(seen, n) }}
	b, err := io.ReadAll(r)
	if err != nil || string(b) != "abc" || r.N != 3 || !slices.Equal(seen, []int64{1, 2, 3, 3}) {
		t.Errorf("read %q, %v; counted %d, told %v", b, err, r.N, seen)
	}
}

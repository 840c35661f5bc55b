package gnuradio

import (
	"fmt"
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pmt"
)

// check verifies the window's invariants: the size is the sum of the tags'
// sizes, the bounds hold, every key keeps at least one tag. (Tags are in
// stream order only when they arrive so, as GNU Radio sends them.)
func (w *tagWindow) check(t *testing.T) {
	t.Helper()
	sum := 0
	for k, l := range w.keys {
		if len(l) == 0 || len(l) > tagsPerKey {
			t.Fatalf("key %s holds %d tags", k, len(l))
		}
		for _, tg := range l {
			sum += tg.size
		}
	}
	if sum != w.size {
		t.Fatalf("size %d, tags sum to %d", w.size, sum)
	}
	if len(w.keys) > maxTagKeys {
		t.Fatalf("%d keys", len(w.keys))
	}
}

func TestTagWindowAt(t *testing.T) {
	var w tagWindow
	w.add("freq", 100, 0, 915e6, 40)
	w.add("freq", 200, 0, 916e6, 40)
	w.add("snr", 150, 0, 12.5, 40)
	for _, tc := range []struct {
		pos        int64
		freq, snr  any
		haveF, hvS bool
	}{
		{99, nil, nil, false, false},
		{100, 915e6, nil, true, false},
		{150, 915e6, 12.5, true, true},
		{199, 915e6, 12.5, true, true},
		{200, 916e6, 12.5, true, true},
		{1 << 40, 916e6, 12.5, true, true}, // tags are sticky
	} {
		got := w.at(tc.pos)
		f, okF := got["freq"]
		s, okS := got["snr"]
		if okF != tc.haveF || okS != tc.hvS || okF && f.value != tc.freq || okS && s.value != tc.snr {
			t.Errorf("at %d: %v", tc.pos, got)
		}
	}
	w.check(t)
	w.reset()
	if len(w.at(1000)) != 0 || w.size != 0 {
		t.Error("reset kept tags")
	}
}

// Old tags go once they are tagHorizon items behind the stream, but the
// latest of a key stays whatever its age.
func TestTagWindowHorizon(t *testing.T) {
	var w tagWindow
	w.add("a", 0, 0, int64(1), 10)
	w.add("a", 10, 10, int64(2), 10)
	w.add("b", 5, 10, int64(9), 10)
	now := int64(10 + tagHorizon + 1)
	w.add("a", now, now, int64(3), 10)
	// The tag at 0 is gone; the one at 10 was the latest when the new one
	// came and stays with it.
	if l := w.keys["a"]; len(l) != 2 || l[0].value != int64(2) || l[1].value != int64(3) {
		t.Errorf("a keeps %v", l)
	}
	if l := w.keys["b"]; len(l) != 1 {
		t.Errorf("b (not written since) lost its latest tag: %v", l)
	}
	if got := w.at(now + 1e6)["b"]; got.value != int64(9) {
		t.Errorf("b at the end: %v", got)
	}
	w.check(t)
}

func TestTagWindowBounds(t *testing.T) {
	var w tagWindow
	// One key tagged on every item: at most tagsPerKey kept, the newest.
	for i := range int64(3 * tagsPerKey) {
		w.add("burst", i, i, i, 8)
	}
	if l := w.keys["burst"]; len(l) != tagsPerKey || l[len(l)-1].value != int64(3*tagsPerKey-1) {
		t.Errorf("%d tags kept", len(l))
	}
	w.check(t)
	// Keys past maxTagKeys are refused.
	w.reset()
	for i := range maxTagKeys {
		if !w.add(fmt.Sprintf("k%d", i), 0, 0, int64(i), 8) {
			t.Fatalf("key %d refused", i)
		}
	}
	if w.add("one-too-many", 0, 0, int64(0), 8) {
		t.Error("a key past maxTagKeys was kept")
	}
	if !w.add("k0", 1, 1, int64(1), 8) {
		t.Error("a known key was refused")
	}
	w.check(t)
	// Big tags: the window stays within tagWindowBytes, the oldest go
	// first, and the latest of every key stays.
	w.reset()
	big := tagWindowBytes / 100
	for i := range int64(1000) {
		w.add(fmt.Sprintf("k%d", i%8), i, i, i, big)
		if w.size > tagWindowBytes {
			t.Fatalf("after %d tags: %d bytes", i+1, w.size)
		}
	}
	w.check(t)
	for k := range 8 {
		l := w.keys[fmt.Sprintf("k%d", k)]
		if len(l) == 0 || l[len(l)-1].pos != int64(1000-8+k) {
			t.Errorf("k%d lost its latest tag: %v", k, l)
		}
	}
	oldest := int64(math.MaxInt64)
	for _, l := range w.keys {
		oldest = min(oldest, l[0].pos)
	}
	if kept := 1000 - oldest; kept > int64(tagWindowBytes/big)+8 {
		t.Errorf("tags back to %d kept", oldest)
	}
	// Latest-of-key tags alone may exceed the budget; they are kept.
	w.reset()
	for k := range 4 {
		w.add(fmt.Sprintf("huge%d", k), int64(k), int64(k), int64(k), tagWindowBytes)
	}
	if len(w.keys) != 4 {
		t.Errorf("%d of 4 latest tags kept", len(w.keys))
	}
	w.check(t)
}

func TestRadioField(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		key  string
		v    pmt.Value
		want *frames.Radio
	}{
		{"rx_freq", 915.3e6, &frames.Radio{FreqHz: f(915.3e6)}},
		{"FREQ", int64(433920000), &frames.Radio{FreqHz: f(433.92e6)}},
		{"frequency", uint64(915e6), &frames.Radio{FreqHz: f(915e6)}},
		{"freq_hz", 1e9, &frames.Radio{FreqHz: f(1e9)}},
		{"center_freq", 9e8, &frames.Radio{FreqHz: f(9e8)}},
		{"baud", 19199.6, &frames.Radio{Baud: 19200}},
		{"symbol_rate", int64(9600), &frames.Radio{Baud: 9600}},
		{"baud_rate", uint64(38400), &frames.Radio{Baud: 38400}},
		{"rx_rate_baud", 9600.0, &frames.Radio{Baud: 9600}},
		{"rssi", -61.5, &frames.Radio{RSSIdB: f(-61.5)}},
		{"rssi_db", -61.5, &frames.Radio{RSSIdB: f(-61.5)}},
		{"power_db", int64(-40), &frames.Radio{RSSIdB: f(-40)}},
		{"burst_power", -3.0, &frames.Radio{RSSIdB: f(-3)}},
		{"snr", 17.5, &frames.Radio{SNRdB: f(17.5)}},
		{"SNR_dB", 3.0, &frames.Radio{SNRdB: f(3)}},
		{"freq", math.NaN(), nil},
		{"freq", math.Inf(1), nil},
		{"freq", "915M", nil},
		{"freq", pmt.Symbol("915M"), nil},
		{"freq", true, nil},
		{"freq", complex(915e6, 0), nil},
		{"gain", 40.0, nil},
	} {
		var m frames.Message
		radioField(&m, tc.key, tc.v)
		if (m.Radio == nil) != (tc.want == nil) {
			t.Errorf("%s=%v: radio %+v, want %+v", tc.key, tc.v, m.Radio, tc.want)
			continue
		}
		if m.Radio == nil {
			continue
		}
		got, want := *m.Radio, *tc.want
		if got.Baud != want.Baud || !sameF(got.FreqHz, want.FreqHz) || !sameF(got.RSSIdB, want.RSSIdB) || !sameF(got.SNRdB, want.SNRdB) {
			t.Errorf("%s=%v: radio %+v, want %+v", tc.key, tc.v, got, want)
		}
	}
	// Fields add up on one Radio.
	var m frames.Message
	radioField(&m, "freq", 915e6)
	radioField(&m, "snr", 20.0)
	if m.Radio == nil || m.Radio.FreqHz == nil || m.Radio.SNRdB == nil {
		t.Errorf("radio %+v", m.Radio)
	}
}

func sameF(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

package cliflags

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestShortDuration(t *testing.T) {
	for sec, want := range map[float64]string{0.01: "10ms", 0.1: "100ms", 1: "1s", 600: "10m", 3600: "1h", 86400: "24h", 1.5: "1500ms", math.Pi: time.Duration(math.Round(math.Pi * 1e9)).String()} {
		if got := ShortDuration(sec); got != want {
			t.Errorf("ShortDuration(%v) = %q, want %q", sec, got, want)
		}
	}
}

func TestRangeDescribe(t *testing.T) {
	for _, tc := range []struct {
		r        Range
		duration bool
		want     string
	}{
		{Range{Min: 5, Max: 40, Zero: true, Unit: "dB"}, false, "0, or 5 to 40 dB"},
		{Range{Min: 0.1, Max: 3600}, true, "100ms to 1h"},
		{Range{Min: -1000, Max: 1000, Unit: "ppm"}, false, "-1000 to 1000 ppm"},
	} {
		if got := tc.r.Describe(tc.duration); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.r, got, tc.want)
		}
	}
	r := Range{Min: 5, Max: 40, Zero: true}
	for v, want := range map[float64]bool{0: true, 4.9: false, 5: true, 40: true, 41: false, math.NaN(): false} {
		if r.Contains(v) != want {
			t.Errorf("Contains(%v) = %v", v, !want)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2026, 11, 23, 10, 0, 0, 5e8, time.UTC)
	for _, s := range []string{"2026-11-23T10:00:00.5Z", " 2026-11-23T11:00:00.5+01:00 "} {
		if got, err := ParseTime("x", s); err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v", s, got, err)
		}
	}
	if got, err := ParseTime("x", "2026-11-23 10:00:00.5"); err != nil || !got.Equal(time.Date(2026, 11, 23, 10, 0, 0, 5e8, time.Local)) {
		t.Errorf("local: %v %v", got, err)
	}
	if got, err := ParseTime("start-time", " "); err != nil || !got.IsZero() {
		t.Errorf("nothing: %v, %v; want the zero time", got, err)
	}
	if _, err := ParseTime("start-time", "noon"); err == nil || !strings.Contains(err.Error(), `--start-time "noon"`) {
		t.Errorf("noon: %v", err)
	}
}

package iqdecode

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/iq"
)

func TestInputCheck(t *testing.T) {
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	tuned := iq.Options{CenterFreq: 915e6}
	for _, tc := range []struct {
		in   Input
		live bool
		want string // "" when fine
	}{
		{Input{Name: "rec.cu8", Start: start}, false, ""},
		{Input{Name: "RTL_TCP://127.0.0.1:1234", Reconnect: true, AutoPPM: true, Options: tuned}, true, ""},
		{Input{Name: "-", Options: iq.Options{SampleRate: 2.4e6}}, false, ""},
		{Input{Name: "rec.cu8", Reconnect: true}, false, "--reconnect is for rtl_tcp:// inputs"},
		{Input{Name: "rec.cu8", AutoPPM: true, Options: tuned}, false, "--ppm auto is for rtl_tcp:// inputs"},
		{Input{Name: "rtl_tcp://h:1", AutoPPM: true}, true, "--ppm auto needs --center-freq"},
		{Input{Name: "rtl_tcp://h:1", Start: start}, true, "--start-time is for recordings"},
		{Input{Name: "-"}, false, "stdin: the sample rate is unknown: pass --rate"},
	} {
		err := tc.in.Check()
		if tc.in.Live() != tc.live || tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)) {
			t.Errorf("%+v: live %v, %v; want live %v, %q", tc.in, tc.in.Live(), err, tc.live, tc.want)
		}
	}
}

// flags are Settings from a map.
type flags map[string]any

func (f flags) String(n string) string          { s, _ := f[n].(string); return s }
func (f flags) Bool(n string) bool              { b, _ := f[n].(bool); return b }
func (f flags) Duration(n string) time.Duration { d, _ := f[n].(time.Duration); return d }

func TestInputFrom(t *testing.T) {
	in, err := InputFrom("rtl_tcp://h:1", flags{"input-format": "cs8", "rate": "2.4M", "center-freq": "915M", "gain": "40",
		"ppm": "auto", "agc": true, "timeout": time.Second, "reconnect": true})
	want := Input{Name: "rtl_tcp://h:1", AutoPPM: true, Reconnect: true,
		Options: iq.Options{Format: iq.CS8, SampleRate: 2.4e6, CenterFreq: 915e6, Gain: 40, AGC: true, Timeout: time.Second}}
	if err != nil || in != want {
		t.Errorf("InputFrom = %+v, %v; want %+v", in, err, want)
	}
	if in, err := InputFrom("x.cu8", flags{"gain": "auto", "ppm": "-12"}); err != nil || in.Options.PPM != -12 || in.AutoPPM || in.Options.Gain != 0 {
		t.Errorf("--gain auto --ppm -12: %+v, %v", in, err)
	}
	for _, tc := range []struct {
		flag, value, want string
	}{
		{"input-format", "wav", "--input-format: unknown sample format"},
		{"rate", "50k", `--rate "50k": want a sample rate from 100k`},
		{"center-freq", "20G", `--center-freq "20G": want a frequency`},
		{"gain", "200", `--gain "200": want a gain in dB`},
		{"ppm", "2000", "--ppm 2000: want a whole number of ppm"},
	} {
		if _, err := InputFrom("x.cu8", flags{"ppm": "0", tc.flag: tc.value}); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("--%s %s: %v; want %q", tc.flag, tc.value, err, tc.want)
		}
	}
}

// Open refuses a rate below the receiver's as a bad value, and takes the
// start from a SigMF meta unless one is given.
func TestInputOpen(t *testing.T) {
	dir := t.TempDir()
	slow := filepath.Join(dir, "x_915M_50k.cu8")
	data := filepath.Join(dir, "rec.cu8")
	for _, p := range []string{slow, data} {
		if err := os.WriteFile(p, make([]byte, 4000), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	in := Input{Name: slow}
	if _, err := in.Open(log); !errors.Is(err, iq.ErrBadValue) || !strings.Contains(err.Error(), "the receiver needs at least 100k S/s") {
		t.Errorf("50 kS/s: %v", err)
	}
	if _, err := iq.WriteSigMF(data, iq.Meta{Format: iq.CU8, SampleRate: 250e3, Datetime: "2026-11-23T10:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	in = Input{Name: data}
	src, err := in.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	src.Close()
	if want := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC); !in.Start.Equal(want) {
		t.Errorf("start %v, want the meta's %v", in.Start, want)
	}
	given := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	in = Input{Name: data, Start: given}
	if src, err := in.Open(log); err != nil || !in.Start.Equal(given) {
		t.Errorf("a given start: %v, %v", in.Start, err)
	} else {
		src.Close()
	}
	if (Input{Name: data}).Reopen() != nil || (Input{Name: "rtl_tcp://h:1", Reconnect: true}).Reopen() == nil {
		t.Error("Reopen is set exactly when Reconnect is")
	}
}

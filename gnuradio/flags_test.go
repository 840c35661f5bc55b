package gnuradio

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

// flagValues are Settings from a map.
type flagValues map[string]any

func (f flagValues) String(n string) string          { s, _ := f[n].(string); return s }
func (f flagValues) Bool(n string) bool              { b, _ := f[n].(bool); return b }
func (f flagValues) Float64(n string) float64        { v, _ := f[n].(float64); return v }
func (f flagValues) StringSlice(n string) []string   { s, _ := f[n].([]string); return s }
func (f flagValues) Duration(n string) time.Duration { d, _ := f[n].(time.Duration); return d }
func (f flagValues) with(kv ...any) flagValues {
	g := flagValues{"input-format": Bits, "reconnect-max": 2 * time.Second}
	for i := 0; i < len(kv); i += 2 {
		g[kv[i].(string)] = kv[i+1]
	}
	return g
}

func TestSpecsFrom(t *testing.T) {
	specs, err := SpecsFrom(flagValues{}.with("in", []string{"tcp://127.0.0.1:5555", "tcp://127.0.0.1:5557?format=levels&name=ook"},
		"in-pull", []string{"tcp://127.0.0.1:5558?format=soft"}, "level-rate", 250e3, "key", "ch", "pass-tags", true, "invert", true,
		"reconnect-max", 50*time.Millisecond), 2000, slog.Default())
	if err != nil || len(specs) != 3 {
		t.Fatalf("%d specs, %v", len(specs), err)
	}
	for i, want := range []struct {
		name, format string
		pull         bool
	}{{"tcp://127.0.0.1:5555", Bits, false}, {"ook", Levels, false}, {"tcp://127.0.0.1:5558", Soft, true}} {
		sp := specs[i]
		if sp.Name != want.name || sp.Format != want.format || sp.Source.Pull != want.pull || sp.Rate != 250e3 || !sp.Invert ||
			sp.Source.Key != "ch" || !sp.Source.PassTags || sp.Source.RetryMax != 50*time.Millisecond || sp.Source.RetryMin != 50*time.Millisecond {
			t.Errorf("spec %d: %+v", i, sp)
		}
	}
	if specs, err := SpecsFrom(flagValues{}.with(), 2000, nil); err != nil || len(specs) != 0 {
		t.Errorf("no --in: %v, %v", specs, err)
	}
	for _, tc := range []struct {
		in, want string
	}{
		{"tcp://127.0.0.1:1?format=levels", "--in tcp://127.0.0.1:1?format=levels: levels and fm inputs need a sample rate (--level-rate or ?rate=)"},
		{"tcp://127.0.0.1:1?format=fm", "(?rate=, per channel)"},
		{"tcp://127.0.0.1:1?format=levels&rate=1000", "level rate 1000: want 2000 to 1e+08 S/s"},
		{"tcp://127.0.0.1:1?format=levels&rate=NaN", "level rate NaN"},
		{"udp://127.0.0.1:1", "--in udp://127.0.0.1:1: "},
	} {
		if _, err := SpecsFrom(flagValues{}.with("in", []string{tc.in}), 2000, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--in %s: %v, want %q", tc.in, err, tc.want)
		}
	}
}

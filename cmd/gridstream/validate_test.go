package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"
)

// Every numeric flag of every command has a range (or takes any value),
// its default is inside it, and --help says it.
func TestEveryNumericFlagHasARange(t *testing.T) {
	app := newApp()
	for _, cmd := range app.Commands {
		for _, f := range cmd.Flags {
			name := f.Names()[0]
			var def float64
			var usage string
			duration := false
			switch f := cliflags.Unwrap(f).(type) {
			case *cli.IntFlag:
				def, usage = float64(f.Value), f.Usage
			case *cli.Int64Flag:
				def, usage = float64(f.Value), f.Usage
			case *cli.Float64Flag:
				def, usage = f.Value, f.Usage
			case *cli.DurationFlag:
				def, usage, duration = f.Value.Seconds(), f.Usage, true
			case *cli.Float64SliceFlag:
				usage = f.Usage
			case *cli.UintFlag, *cli.Uint64Flag:
				if !unboundedFlags[name] {
					t.Errorf("%s --%s: an unsigned flag without a range", cmd.Name, name)
				}
				continue
			default:
				continue
			}
			r, ok := cliflags.RangeOf(f)
			if !ok {
				t.Errorf("%s --%s: a numeric flag declared without a range (cliflags.Ranged)", cmd.Name, name)
				continue
			}
			if !r.Contains(def) {
				t.Errorf("%s --%s: the default %v is outside %s", cmd.Name, name, def, r.Describe(duration))
			}
			want := r.Describe(duration)
			switch {
			case name == "mqtt-qos":
				want = "0, 1 or 2"
			case r.Stated:
				want = fmt.Sprintf("%g-%g", r.Min, r.Max)
			}
			if !strings.Contains(usage, want) {
				t.Errorf("%s --%s: --help %q does not say %q", cmd.Name, name, usage, want)
			}
		}
	}
}

// unboundedFlags are numeric flags every value of which is fine.
var unboundedFlags = map[string]bool{"seed": true}

// Every command refuses each bad value with one line and exitUsage, before
// it runs.
func TestCheckFlags(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		args []string
		want string
	}{
		{"demod", []string{"--nge-pulses-per-kwh", "NaN"}, "--nge-pulses-per-kwh NaN: want a finite number"},
		{"demod", []string{"--duration", "+Inf"}, "--duration +Inf: want a finite number"},
		{"demod", []string{"--threshold", "1"}, "--threshold 1: out of range; want 0, or 5 to 40 dB"},
		{"demod", []string{"--timeout", "0s"}, "--timeout 0s: out of range; want 100ms to 1h"},
		{"demod", []string{"--ppm", "100000"}, "--ppm 100000"},
		{"synth", []string{"--nge-repeats", "1000000000"}, "--nge-repeats 1000000000: out of range; want 1 to 10 times"},
		{"synth", []string{"--nge-power", "810", "--nge-power", "NaN"}, "--nge-power NaN"},
		{"synth", []string{"--count", "-1"}, "--count -1"},
		{"synth", []string{"--preamble-bits", "5"}, "--preamble-bits 5: out of range; want 0, or 16 to 256 bits"},
		{"replay", []string{"--level-rate", "10"}, "--level-rate 10"},
		{"replay", []string{"--framing-errors", "300"}, "--framing-errors 300"},
		{"replay", []string{"--sync-errors", "30"}, "--sync-errors 30: must be 0-16"},
		{"replay", []string{"--protocol", "zigbee"}, "unknown protocol"},
		{"decode", []string{"--out-hwm", "0"}, "--out-hwm 0"},
		{"decode", []string{"--reconnect-max", "0s"}, "--reconnect-max 0s"},
		{"frames", []string{"--mqtt-qos", "3"}, "--mqtt-qos 3"},
	} {
		app := newApp()
		ran := false
		for _, c := range app.Commands {
			c.Action = func(*cli.Context) error { ran = true; return nil }
		}
		err := app.Run(append([]string{"gridstream", tc.cmd}, tc.args...))
		if ran || err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s %v: ran %v, %v, want one line with %q", tc.cmd, tc.args, ran, err, tc.want)
		} else if e, ok := err.(cli.ExitCoder); !ok || e.ExitCode() != exitUsage {
			t.Errorf("%s %v: %v does not exit %d", tc.cmd, tc.args, err, exitUsage)
		}
	}
}

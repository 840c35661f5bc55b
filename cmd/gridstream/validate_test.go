package main

import (
	"flag"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
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
			switch f := f.(type) {
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
			r, ok := rangeOf(cmd.Name, name)
			if !ok {
				t.Errorf("%s --%s: a numeric flag without a range in flagRanges", cmd.Name, name)
				continue
			}
			if !r.contains(def) {
				t.Errorf("%s --%s: the default %v is outside %s", cmd.Name, name, def, r.describe(duration))
			}
			want := r.describe(duration)
			switch {
			case name == "mqtt-qos":
				want = "0, 1 or 2"
			case r.stated:
				want = fmt.Sprintf("%g-%g", r.lo, r.hi)
			}
			if !strings.Contains(usage, want) {
				t.Errorf("%s --%s: --help %q does not say %q", cmd.Name, name, usage, want)
			}
		}
	}
}

// checkFlags refuses each bad value with one line and exitUsage.
func TestCheckFlags(t *testing.T) {
	app := newApp()
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
		var cmd *cli.Command
		for _, c := range app.Commands {
			if c.Name == tc.cmd {
				cmd = c
			}
		}
		set := flag.NewFlagSet(tc.cmd, flag.ContinueOnError)
		for _, f := range cmd.Flags {
			if err := f.Apply(set); err != nil {
				t.Fatal(err)
			}
		}
		if err := set.Parse(tc.args); err != nil {
			t.Fatalf("%s %v: %v", tc.cmd, tc.args, err)
		}
		c := cli.NewContext(app, set, nil)
		c.Command = cmd
		err := checkFlags(c)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s %v: %v, want one line with %q", tc.cmd, tc.args, err, tc.want)
		} else if e, ok := err.(cli.ExitCoder); !ok || e.ExitCode() != exitUsage {
			t.Errorf("%s %v: %v does not exit %d", tc.cmd, tc.args, err, exitUsage)
		}
	}
}

func TestShortDuration(t *testing.T) {
	for sec, want := range map[float64]string{0.01: "10ms", 0.1: "100ms", 1: "1s", 600: "10m", 3600: "1h", 86400: "24h", 1.5: "1500ms", math.Pi: time.Duration(math.Round(math.Pi * 1e9)).String()} {
		if got := shortDuration(sec); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", sec, got, want)
		}
	}
}

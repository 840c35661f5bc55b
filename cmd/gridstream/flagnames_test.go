package main

import (
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/gnuradio"
	"github.com/gridstream-sdr/gridstream/iqdecode"
	"github.com/gridstream-sdr/gridstream/mqttsink"
	"github.com/gridstream-sdr/gridstream/outputs"
	"github.com/gridstream-sdr/gridstream/synth"
)

// asked is a command's flag values that records the names a package asks
// for.
type asked struct {
	c     *cli.Context
	names map[string]bool
}

func (a asked) note(n string) string            { a.names[n] = true; return n }
func (a asked) Bool(n string) bool              { return a.c.Bool(a.note(n)) }
func (a asked) Int(n string) int                { return a.c.Int(a.note(n)) }
func (a asked) Uint64(n string) uint64          { return a.c.Uint64(a.note(n)) }
func (a asked) Float64(n string) float64        { return a.c.Float64(a.note(n)) }
func (a asked) String(n string) string          { return a.c.String(a.note(n)) }
func (a asked) StringSlice(n string) []string   { return a.c.StringSlice(a.note(n)) }
func (a asked) Float64Slice(n string) []float64 { return a.c.Float64Slice(a.note(n)) }
func (a asked) Duration(n string) time.Duration { return a.c.Duration(a.note(n)) }
func (a asked) IsSet(n string) bool             { return a.c.IsSet(a.note(n)) }

// The packages that read a command's flags by name (synth, mqttsink,
// outputs, gnuradio, iqdecode) ask only for flags the command declares: a
// misspelt name would read as the zero value.
func TestPackagesReadDeclaredFlags(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		args []string
		read func(asked) error
	}{
		{"synth", []string{"--scenario", "near-far"}, func(s asked) error { _, err := synth.OptionsFrom(s); return err }},
		{"demod", []string{"--mqtt", "mqtt://127.0.0.1:1", "--ppm", "3"}, func(s asked) error {
			if _, _, err := mqttsink.ConfigFrom(s); err != nil {
				return err
			}
			outputs.RTL433(s)
			_, err := iqdecode.InputFrom("x.cu8", s)
			return err
		}},
		{"replay", []string{"-q"}, func(s asked) error { _, err := outputs.Open(s, outputs.Config{}); return err }},
		{"decode", []string{"--in", "tcp://127.0.0.1:1", "--in-pull", "tcp://127.0.0.1:2"}, func(s asked) error {
			_, err := gnuradio.SpecsFrom(s, 1, nil)
			return err
		}},
	} {
		app := newApp()
		var got asked
		var readErr error
		for _, c := range app.Commands {
			if c.Name == tc.cmd {
				c.Action = func(c *cli.Context) error {
					got = asked{c: c, names: map[string]bool{}}
					readErr = tc.read(got)
					return nil
				}
			}
		}
		if err := app.Run(append([]string{"gridstream", tc.cmd}, tc.args...)); err != nil || readErr != nil {
			t.Fatalf("%s: %v, %v", tc.cmd, err, readErr)
		}
		if len(got.names) < 5 {
			t.Errorf("%s: only %v read", tc.cmd, got.names)
		}
		for name := range got.names {
			if lookupCommandFlag(app, tc.cmd, name) == nil {
				t.Errorf("%s: a package reads --%s, which the command does not declare", tc.cmd, name)
			}
		}
	}
}

// lookupCommandFlag returns the flag of command cmd called name.
func lookupCommandFlag(app *cli.App, cmd, name string) cli.Flag {
	for _, c := range app.Commands {
		if c.Name != cmd {
			continue
		}
		for _, f := range c.Flags {
			for _, n := range f.Names() {
				if n == name {
					return f
				}
			}
		}
	}
	return nil
}

package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/progress"
	"github.com/gridstream-sdr/gridstream/protocols"
)

// Exit statuses of every command besides 0 (done).
const (
	exitInput = 1 // an input could not be read, or a runtime failure
	exitUsage = 2 // bad flags, arguments or values
)

// numRange is the accepted range of a numeric flag.
type numRange struct {
	lo, hi float64 // inclusive; seconds for durations
	zero   bool    // 0 is accepted too (off, or the default)
	unit   string
	// stated: the flag's usage already says the range.
	stated bool
}

// flagRanges holds the range of every numeric flag, by name, or by
// "command/name" where commands differ. The bounds come from the physics
// and the protocols, so that no value can make a command allocate or loop
// without bound.
var flagRanges = map[string]numRange{
	// Decoding (each protocol's own options carry their ranges).
	"level-rate": {lo: minLevelRate(), hi: iq.MaxSampleRate, zero: true, unit: "S/s"},
	// Outputs.
	"out-hwm":  {lo: 1, hi: 1e6, unit: "messages"},
	"mqtt-qos": {lo: 0, hi: 2, stated: true},
	// decode.
	"reconnect-max":    {lo: 0.01, hi: 600, unit: "s"},
	"stats-interval":   {lo: 0.01, hi: 86400, zero: true, unit: "s"},
	"wait-subscribers": {lo: 0.01, hi: 3600, zero: true, unit: "s"},
	// demod.
	"timeout":        {lo: 0.1, hi: 3600, unit: "s"},
	"demod/duration": {lo: 0, hi: 1e8, unit: "s"},
	"threshold":      {lo: 5, hi: 40, zero: true, unit: "dB (below 5 dB noise alone starts bursts)"},
	"workers":        {lo: 1, hi: demod.MaxWorkers, unit: "goroutines"},
	// synth.
	"noise":               {lo: -200, hi: 0, unit: "dBFS"},
	"synth/duration":      {lo: 0, hi: 86400, unit: "s"},
	"count":               {lo: 0, hi: 100000, unit: "frames"},
	"synth/preamble-bits": {lo: 16, hi: 256, zero: true, unit: "bits"},
	"interval":            {lo: 0.001, hi: 3600, unit: "s"},
	"clock-ppm":           {lo: 0, hi: 1000, unit: "ppm"},
	"nge-power":           {lo: 0, hi: 1e7, unit: "W"},
	"nge-energy":          {lo: 0, hi: 1e9, unit: "kWh"},
	"nge-id":              {lo: 0, hi: 255, stated: true},
	"nge-channel":         {lo: 1, hi: 8, stated: true},
	"nge-repeats":         {lo: 1, hi: 10, unit: "times"},
	"nge-every":           {lo: 0, hi: 1000},
	"drift":               {lo: 0, hi: 100e3, unit: "Hz"},
	"clock-drift":         {lo: 0, hi: 10000, unit: "ppm"},
	"fading":              {lo: 0, hi: 30, unit: "dB"},
	"collide-level":       {lo: -60, hi: 60, unit: "dB"},
	"rx-ppm":              {lo: -1000, hi: 1000, unit: "ppm"},
	"adc-bits":            {lo: 0, hi: 24, unit: "bits"},
}

// unboundedFlags are numeric flags every value of which is fine.
var unboundedFlags = map[string]bool{"seed": true}

func rangeOf(cmd, flag string) (numRange, bool) {
	if r, ok := flagRanges[cmd+"/"+flag]; ok {
		return r, true
	}
	if r, ok := flagRanges[flag]; ok {
		return r, true
	}
	if o, ok := protocolOption(flag); ok && o.Max != 0 {
		return numRange{lo: o.Min, hi: o.Max, unit: o.Unit}, true
	}
	return numRange{}, false
}

// minLevelRate is the lowest sample rate of an OOK level stream that every
// OOK protocol's line coding can be sliced at.
func minLevelRate() float64 {
	lowest := 0.0
	for _, p := range protocols.All() {
		if t := p.Radio().OOK; t != nil {
			lowest = max(lowest, t.MinRate())
		}
	}
	return lowest
}

func (r numRange) contains(v float64) bool {
	return v == 0 && r.zero || v >= r.lo && v <= r.hi
}

// describe says the range, durations as durations.
func (r numRange) describe(duration bool) string {
	num := func(v float64) string {
		if duration {
			return shortDuration(v)
		}
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	s := num(r.lo) + " to " + num(r.hi)
	if r.unit != "" && !duration {
		s += " " + r.unit
	}
	if r.zero && r.lo > 0 {
		s = "0, or " + s
	}
	return s
}

// shortDuration writes seconds as a Go duration without zero parts: 1h,
// 10m, 100ms.
func shortDuration(sec float64) string {
	d := time.Duration(math.Round(sec * 1e9))
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}, {time.Millisecond, "ms"}} {
		if d >= u.d && d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.name
		}
	}
	return d.String()
}

// numericValues returns the values of a numeric flag, and whether it is a
// duration; ok is false for other flags.
func numericValues(c *cli.Context, f cli.Flag) (vals []float64, text []string, duration, ok bool) {
	name := f.Names()[0]
	switch f.(type) {
	case *cli.IntFlag:
		v := c.Int(name)
		return []float64{float64(v)}, []string{strconv.Itoa(v)}, false, true
	case *cli.Int64Flag:
		v := c.Int64(name)
		return []float64{float64(v)}, []string{strconv.FormatInt(v, 10)}, false, true
	case *cli.UintFlag, *cli.Uint64Flag:
		return nil, nil, false, true
	case *cli.Float64Flag:
		v := c.Float64(name)
		return []float64{v}, []string{strconv.FormatFloat(v, 'g', -1, 64)}, false, true
	case *cli.Float64SliceFlag:
		for _, v := range c.Float64Slice(name) {
			vals = append(vals, v)
			text = append(text, strconv.FormatFloat(v, 'g', -1, 64))
		}
		return vals, text, false, true
	case *cli.DurationFlag:
		v := c.Duration(name)
		return []float64{v.Seconds()}, []string{v.String()}, true, true
	}
	return nil, nil, false, false
}

// checkFlags is every command's Before: each numeric flag within its
// range, and the decoding flags consistent. Errors exit with exitUsage.
func checkFlags(c *cli.Context) error {
	for _, f := range c.Command.Flags {
		vals, text, duration, ok := numericValues(c, f)
		if !ok {
			continue
		}
		name := f.Names()[0]
		r, bounded := rangeOf(c.Command.Name, name)
		for i, v := range vals {
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				return cli.Exit(fmt.Sprintf("--%s %s: want a finite number", name, text[i]), exitUsage)
			case bounded && !r.contains(v):
				return cli.Exit(fmt.Sprintf("--%s %s: out of range; want %s", name, text[i], r.describe(duration)), exitUsage)
			}
		}
	}
	for name, check := range stringChecks {
		if hasFlag(c.Command, name) {
			if err := check(c.String(name)); err != nil {
				return cli.Exit(err.Error(), exitUsage)
			}
		}
	}
	if hasFlag(c.Command, "protocol") {
		// The protocols' own checks, before any input is opened.
		if err := checkDecoding(c); err != nil {
			return cli.Exit(err.Error(), exitUsage)
		}
	}
	return nil
}

func hasFlag(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// documentRanges appends each numeric flag's range to its --help text.
func documentRanges(cmd *cli.Command) {
	for _, f := range cmd.Flags {
		r, ok := rangeOf(cmd.Name, f.Names()[0])
		if !ok || r.stated {
			continue
		}
		switch f := f.(type) {
		case *cli.IntFlag:
			f.Usage += " [" + r.describe(false) + "]"
		case *cli.Float64Flag:
			f.Usage += " [" + r.describe(false) + "]"
		case *cli.Float64SliceFlag:
			f.Usage += " [" + r.describe(false) + "]"
		case *cli.DurationFlag:
			f.Usage += " [" + r.describe(true) + "]"
		}
	}
}

// usageError turns a flag-parsing error into a one-line usage error.
func usageError(c *cli.Context, err error, _ bool) error {
	cmd := "gridstream"
	if c.Command != nil && c.Command.Name != "" {
		cmd += " " + c.Command.Name
	}
	return cli.Exit(fmt.Sprintf("%v (see %s --help)", err, cmd), exitUsage)
}

// setUpCommands gives every command the shared flag checks, their ranges in
// --help, and usage errors that exit with exitUsage.
func setUpCommands(app *cli.App) {
	app.OnUsageError = usageError
	for _, cmd := range app.Commands {
		documentRanges(cmd)
		if before := cmd.Before; before != nil {
			cmd.Before = func(c *cli.Context) error {
				if err := checkFlags(c); err != nil {
					return err
				}
				return before(c)
			}
		} else {
			cmd.Before = checkFlags
		}
		cmd.OnUsageError = usageError
	}
}

// stringChecks check flags whose values are text, by name.
var stringChecks = map[string]func(string) error{
	"ppm": func(s string) error { _, _, err := parsePPM(s); return err },
}

// maxPPM bounds --ppm: far beyond any crystal's error.
const maxPPM = 1000

// parsePPM parses a --ppm: a whole number of ppm, or auto (0 then).
func parsePPM(s string) (ppm int, auto bool, err error) {
	t := strings.TrimSpace(s)
	if strings.EqualFold(t, "auto") {
		return 0, true, nil
	}
	v, err := strconv.Atoi(strings.TrimPrefix(t, "+"))
	if err != nil || v < -maxPPM || v > maxPPM {
		return 0, false, fmt.Errorf("--ppm %s: want a whole number of ppm from %d to %d, or auto", s, -maxPPM, maxPPM)
	}
	return v, false, nil
}

// Checks of numbers given as text (with SI suffixes, or lists).

// parseSampleRate parses a --rate for the receiver or synth.
func parseSampleRate(flag, s string) (float64, error) {
	v, err := iq.ParseSI(s)
	if err != nil || v < demod.MinSampleRate || v > demod.MaxSampleRate {
		return 0, fmt.Errorf("--%s %q: want a sample rate from %s to %s S/s, such as 2.4M or 250k",
			flag, s, iq.FormatSI(demod.MinSampleRate), iq.FormatSI(demod.MaxSampleRate))
	}
	return v, nil
}

// parseCenterFreq parses a --center-freq.
func parseCenterFreq(s string) (float64, error) {
	v, err := iq.ParseSI(s)
	if err == nil {
		err = iq.CheckCenterFreq(v)
	}
	if err != nil {
		return 0, fmt.Errorf("--center-freq %q: want a frequency up to %s Hz, such as 915M", s, iq.FormatSI(iq.MaxCenterFreq))
	}
	return v, nil
}

// parseBauds parses a comma-separated --baud list of the receiver's symbol
// rates.
func parseBauds(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		v, err := iq.ParseSI(part)
		if err != nil || v < demod.MinBaud || v > demod.MaxBaud || v != math.Trunc(v) {
			return nil, fmt.Errorf("--baud %q: want whole symbol rates from %d to %d, such as 9600,19200,38400", s, demod.MinBaud, demod.MaxBaud)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--baud %q: want symbol rates such as 9600,19200,38400", s)
	}
	return out, nil
}

// checkLevelRate checks the rate of an NGE101 level stream.
func checkLevelRate(v float64) error {
	if r := flagRanges["level-rate"]; !(v >= r.lo && v <= r.hi) {
		r.zero = false
		return fmt.Errorf("level rate %v: want %s", v, r.describe(false))
	}
	return nil
}

// exitCode is the exit status for an error opening an input: exitUsage
// when a value in it is out of range (a rate in a SigMF meta, a WAV header
// or a file name), exitInput otherwise.
func exitCode(err error) int {
	if errors.Is(err, iq.ErrBadValue) {
		return exitUsage
	}
	return exitInput
}

// progressMode parses a --progress.
func progressMode(s string) (progress.Mode, error) {
	m, err := progress.ParseMode(s)
	if err != nil {
		return m, fmt.Errorf("--progress %w", err)
	}
	return m, nil
}

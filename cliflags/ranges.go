package cliflags

import (
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
)

// Range is the accepted range of a numeric flag: Min to Max inclusive
// (seconds for a duration), and 0 too when Zero is set.
type Range struct {
	Min, Max float64
	// Zero accepts 0 besides the range (off, or "the default").
	Zero bool
	// Unit is shown after the range in --help and errors.
	Unit string
	// Stated means the flag's usage already says its range, so --help
	// gets nothing appended.
	Stated bool
}

// ranges holds the Range of every flag declared with Ranged.
var ranges sync.Map // cli.Flag → Range

// Ranged declares f's range and returns f: Install's checks refuse values
// outside it (a one-line usage error), and --help shows it.
func Ranged[F cli.Flag](f F, r Range) F {
	ranges.Store(cli.Flag(f), r)
	return f
}

// RangeOf returns the range declared for f.
func RangeOf(f cli.Flag) (Range, bool) {
	r, ok := ranges.Load(Unwrap(f))
	if !ok {
		return Range{}, false
	}
	return r.(Range), true
}

// Contains reports whether v is accepted.
func (r Range) Contains(v float64) bool {
	return v == 0 && r.Zero || v >= r.Min && v <= r.Max
}

// Describe says the range ("5 to 40 dB", "0, or 100ms to 1h"), durations
// as durations.
func (r Range) Describe(duration bool) string {
	num := func(v float64) string {
		if duration {
			return ShortDuration(v)
		}
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	s := num(r.Min) + " to " + num(r.Max)
	if r.Unit != "" && !duration {
		s += " " + r.Unit
	}
	if r.Zero && r.Min > 0 {
		s = "0, or " + s
	}
	return s
}

// ShortDuration writes seconds as a Go duration without zero parts: 1h,
// 10m, 100ms.
func ShortDuration(sec float64) string {
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

// numericValues returns the values of a numeric flag as numbers and as
// text, and whether it is a duration; ok is false for other flags.
func numericValues(c *cli.Context, f cli.Flag) (vals []float64, text []string, duration, ok bool) {
	name := f.Names()[0]
	switch Unwrap(f).(type) {
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

// CheckRanges checks every numeric flag of c's command: finite, and inside
// its declared range. The error is one line naming the flag.
func CheckRanges(c *cli.Context) error {
	for _, f := range c.Command.Flags {
		vals, text, duration, ok := numericValues(c, f)
		if !ok {
			continue
		}
		name := f.Names()[0]
		r, bounded := RangeOf(f)
		for i, v := range vals {
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				return fmt.Errorf("--%s %s: want a finite number", name, text[i])
			case bounded && !r.Contains(v):
				return fmt.Errorf("--%s %s: out of range; want %s", name, text[i], r.Describe(duration))
			}
		}
	}
	return nil
}

// documentRanges appends each numeric flag's range to its --help text.
func documentRanges(cmd *cli.Command) {
	for _, f := range cmd.Flags {
		r, ok := RangeOf(f)
		if !ok || r.Stated {
			continue
		}
		switch f := Unwrap(f).(type) {
		case *cli.IntFlag:
			f.Usage += " [" + r.Describe(false) + "]"
		case *cli.Float64Flag:
			f.Usage += " [" + r.Describe(false) + "]"
		case *cli.Float64SliceFlag:
			f.Usage += " [" + r.Describe(false) + "]"
		case *cli.DurationFlag:
			f.Usage += " [" + r.Describe(true) + "]"
		}
	}
}

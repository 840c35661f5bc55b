package cliflags

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// OptionFlag turns a protocol's option (declared as data) into a flag of
// category, with its range.
func OptionFlag(o protocol.Option, category string) cli.Flag {
	var f cli.Flag
	switch v := o.Value.(type) {
	case bool:
		f = &cli.BoolFlag{Name: o.Name, Category: category, Value: v, Usage: o.Usage}
	case int:
		f = &cli.IntFlag{Name: o.Name, Category: category, Value: v, Usage: o.Usage}
	case float64:
		f = &cli.Float64Flag{Name: o.Name, Category: category, Value: v, Usage: o.Usage}
	case string:
		f = &cli.StringFlag{Name: o.Name, Category: category, Value: v, Usage: o.Usage}
	case []string:
		s := &cli.StringSliceFlag{Name: o.Name, Category: category, Usage: o.Usage}
		if len(v) > 0 {
			s.Value = cli.NewStringSlice(v...)
		}
		f = s
	default:
		panic(fmt.Sprintf("protocol option --%s: a default of type %T", o.Name, o.Value))
	}
	if o.Max != 0 {
		return Ranged(f, OptionRange(o))
	}
	return f
}

// OptionRange is the range of a numeric protocol option.
func OptionRange(o protocol.Option) Range { return Range{Min: o.Min, Max: o.Max, Unit: o.Unit} }

// ParseTime reads a time as a flag gives it: RFC 3339
// (2026-11-23T10:00:00Z), or YYYY-MM-DD HH:MM:SS[.frac] in local time;
// nothing (a flag not given) is the zero time.
func ParseTime(flag, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.Local); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--%s %q: want an RFC 3339 time (2026-11-23T10:00:00Z) or 2026-11-23 10:00:00 (local time)", flag, s)
}

package cliflags

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// urfave/cli works a flag's names out of Name and Aliases with a regular
// expression each time it asks for them, and finds a flag by name by asking
// every flag in turn: before a command runs it does so for each of its
// flags (runFlagActions), and again for every IsSet. With the 60 flags of
// demod that was 1.3 ms, 15 % of a run on a short file. Install gives each
// flag of a command a wrapper that answers Names from a list made once;
// everything else is the flag's own. Code that looks at a flag's type
// unwraps it first (Unwrap).

// unwrapper is a flag wrapped by withNames.
type unwrapper interface{ unwrap() cli.Flag }

// Unwrap returns the flag Install wrapped as f (f itself if it is not a
// wrapper): the *cli.StringFlag, *cli.IntFlag… the command declared.
func Unwrap(f cli.Flag) cli.Flag {
	if w, ok := f.(unwrapper); ok {
		return w.unwrap()
	}
	return f
}

// withNames returns f wrapped so that its names are worked out once, or
// f itself for a flag type it does not know. A hidden BoolFlag stays as it
// is: bash completion skips hidden flags by that type.
func withNames(f cli.Flag) cli.Flag {
	switch f := f.(type) {
	case *cli.BoolFlag:
		if f.Hidden {
			return f
		}
		return &namedBool{f, names(f, f.Name, f.Aliases)}
	case *cli.IntFlag:
		return &namedInt{f, names(f, f.Name, f.Aliases)}
	case *cli.Uint64Flag:
		return &namedUint64{f, names(f, f.Name, f.Aliases)}
	case *cli.Float64Flag:
		return &namedFloat64{f, names(f, f.Name, f.Aliases)}
	case *cli.Float64SliceFlag:
		return &namedFloat64Slice{f, names(f, f.Name, f.Aliases)}
	case *cli.DurationFlag:
		return &namedDuration{f, names(f, f.Name, f.Aliases)}
	case *cli.StringFlag:
		return &namedString{f, names(f, f.Name, f.Aliases)}
	case *cli.StringSliceFlag:
		return &namedStringSlice{f, names(f, f.Name, f.Aliases)}
	}
	return f
}

// names is f.Names(), the flag's name and aliases each cut at its first
// comma or space, without the regular expression when there is none.
func names(f cli.Flag, name string, aliases []string) []string {
	odd := func(s string) bool { return strings.ContainsAny(s, ", ") }
	if odd(name) || slices.ContainsFunc(aliases, odd) {
		return slices.Clip(f.Names())
	}
	return slices.Concat([]string{name}, aliases)
}

// The wrappers: the flag, its names, and String (--help's line) made with
// those names. Every other method, and so every interface the flag
// satisfies, is the flag's own.

type namedBool struct {
	*cli.BoolFlag
	names []string
}

func (f *namedBool) Names() []string  { return f.names }
func (f *namedBool) unwrap() cli.Flag { return f.BoolFlag }

// String is the flag's own when it hides its default: FlagStringer
// recognises a BoolFlag by its type for that.
func (f *namedBool) String() string {
	if f.DisableDefaultText {
		return f.BoolFlag.String()
	}
	return cli.FlagStringer(f)
}

type namedInt struct {
	*cli.IntFlag
	names []string
}

func (f *namedInt) Names() []string  { return f.names }
func (f *namedInt) unwrap() cli.Flag { return f.IntFlag }
func (f *namedInt) String() string   { return cli.FlagStringer(f) }

type namedUint64 struct {
	*cli.Uint64Flag
	names []string
}

func (f *namedUint64) Names() []string  { return f.names }
func (f *namedUint64) unwrap() cli.Flag { return f.Uint64Flag }
func (f *namedUint64) String() string   { return cli.FlagStringer(f) }

type namedFloat64 struct {
	*cli.Float64Flag
	names []string
}

func (f *namedFloat64) Names() []string  { return f.names }
func (f *namedFloat64) unwrap() cli.Flag { return f.Float64Flag }
func (f *namedFloat64) String() string   { return cli.FlagStringer(f) }

type namedFloat64Slice struct {
	*cli.Float64SliceFlag
	names []string
}

func (f *namedFloat64Slice) Names() []string  { return f.names }
func (f *namedFloat64Slice) unwrap() cli.Flag { return f.Float64SliceFlag }
func (f *namedFloat64Slice) String() string   { return cli.FlagStringer(f) }

type namedDuration struct {
	*cli.DurationFlag
	names []string
}

func (f *namedDuration) Names() []string  { return f.names }
func (f *namedDuration) unwrap() cli.Flag { return f.DurationFlag }
func (f *namedDuration) String() string   { return cli.FlagStringer(f) }

type namedString struct {
	*cli.StringFlag
	names []string
}

func (f *namedString) Names() []string  { return f.names }
func (f *namedString) unwrap() cli.Flag { return f.StringFlag }
func (f *namedString) String() string   { return cli.FlagStringer(f) }

type namedStringSlice struct {
	*cli.StringSliceFlag
	names []string
}

func (f *namedStringSlice) Names() []string  { return f.names }
func (f *namedStringSlice) unwrap() cli.Flag { return f.StringSliceFlag }
func (f *namedStringSlice) String() string   { return cli.FlagStringer(f) }

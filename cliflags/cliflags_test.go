package cliflags

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// A command that only groups others, run without one or with an unknown
// one, is a one-line usage error naming them.
func TestNeedSubcommand(t *testing.T) {
	sub := func(name string) *cli.Command {
		return &cli.Command{Name: name, Action: func(*cli.Context) error { return nil }}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"t", "grp"}, "grp: name a command: a, b or c (see t grp --help)"},
		{[]string{"t", "grp", "x"}, `grp: unknown command "x": a, b or c (see t grp --help)`},
		{[]string{"t", "two"}, "two: name a command: a or b (see t two --help)"},
	} {
		app := &cli.App{Name: "t", ExitErrHandler: func(*cli.Context, error) {}, Commands: []*cli.Command{
			{Name: "grp", Subcommands: []*cli.Command{sub("a"), sub("b"), sub("c"), {Name: "d", Hidden: true}}},
			{Name: "two", Subcommands: []*cli.Command{sub("a"), sub("b")}},
		}}
		Install(app, Options{ExitUsage: 2})
		err := app.Run(tc.args)
		exit, ok := err.(cli.ExitCoder)
		if !ok || exit.ExitCode() != 2 || err.Error() != tc.want {
			t.Errorf("%v: %v; want exit 2, %q", tc.args, err, tc.want)
		}
	}
}

// An unknown flag is a one-line usage error that points at the --help of
// the command it was given to, a subcommand's by its whole name.
func TestUsageErrorNamesCommand(t *testing.T) {
	sub := func(name string) *cli.Command {
		return &cli.Command{Name: name, Action: func(*cli.Context) error { return nil }}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"t", "--bogus"}, "flag provided but not defined: -bogus (see t --help)"},
		{[]string{"t", "one", "--bogus"}, "flag provided but not defined: -bogus (see t one --help)"},
		{[]string{"t", "grp", "a", "--bogus"}, "flag provided but not defined: -bogus (see t grp a --help)"},
	} {
		app := &cli.App{Name: "t", ExitErrHandler: func(*cli.Context, error) {}, Commands: []*cli.Command{
			sub("one"), {Name: "grp", Subcommands: []*cli.Command{sub("a"), sub("b")}},
		}}
		Install(app, Options{ExitUsage: 2})
		err := app.Run(tc.args)
		exit, ok := err.(cli.ExitCoder)
		if !ok || exit.ExitCode() != 2 || err.Error() != tc.want {
			t.Errorf("%v: %v; want exit 2, %q", tc.args, err, tc.want)
		}
	}
}

func TestHideAndHasFlag(t *testing.T) {
	flags := Hide([]cli.Flag{
		&cli.BoolFlag{Name: "all"}, &cli.StringFlag{Name: "protocol"}, &cli.IntFlag{Name: "sync-errors", Aliases: []string{"e"}},
		&cli.Float64Flag{Name: "rate"}, &cli.StringSliceFlag{Name: "crc-init"},
	}, func(name string) bool { return name != "all" })
	var shown []string
	for _, f := range flags {
		if f.(cli.VisibleFlag).IsVisible() {
			shown = append(shown, f.Names()[0])
		}
	}
	if strings.Join(shown, " ") != "all" {
		t.Errorf("visible after Hide: %v, want all", shown)
	}
	cmd := &cli.Command{Flags: flags}
	if !HasFlag(cmd, "sync-errors") || !HasFlag(cmd, "e") || HasFlag(cmd, "invert") {
		t.Error("HasFlag does not find flags by name and alias only")
	}
}

// Install's wrappers (names worked out once) change nothing else: the same
// names, --help line, interfaces and range as the flag declared, and
// Unwrap gives that flag back.
func TestInstalledFlagsAreTheDeclaredOnes(t *testing.T) {
	declared := []cli.Flag{
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Category: "C", Usage: "every `thing`"},
		&cli.BoolFlag{Name: "quiet", DisableDefaultText: true, Usage: "say less"},
		&cli.BoolFlag{Name: "secret", Hidden: true},
		Ranged(&cli.IntFlag{Name: "n", Value: 3, Usage: "how many"}, Range{Min: 1, Max: 9}),
		&cli.Uint64Flag{Name: "seed", Value: 7},
		Ranged(&cli.Float64Flag{Name: "rate", Aliases: []string{"s"}, Category: "C"}, Range{Min: 1, Max: 2, Unit: "Hz"}),
		Ranged(&cli.Float64SliceFlag{Name: "snr"}, Range{Min: 0, Max: 40}),
		Ranged(&cli.DurationFlag{Name: "every"}, Range{Min: 1, Max: 60}),
		&cli.StringFlag{Name: "out", EnvVars: []string{"T_OUT"}, TakesFile: true, Value: "x"},
		&cli.StringSliceFlag{Name: "meter", Category: "M", Value: cli.NewStringSlice("a", "b")},
		&cli.Int64Flag{Name: "other"},
		&cli.StringFlag{Name: "v1-style, x", Aliases: []string{"y z"}},
	}
	cmd := &cli.Command{Name: "run", Flags: slices.Clone(declared), Action: func(*cli.Context) error { return nil }}
	Install(&cli.App{Name: "t", Commands: []*cli.Command{cmd}}, Options{ExitUsage: 2})
	if len(cmd.Flags) != len(declared)+1 {
		t.Fatalf("%d flags after Install, want %d and --config", len(cmd.Flags), len(declared))
	}
	wrapped := 0
	for i, want := range declared {
		f := cmd.Flags[i]
		if Unwrap(f) != want {
			t.Errorf("--%s: Unwrap gives %v, not the declared flag", want.Names()[0], Unwrap(f))
		}
		if f != want {
			wrapped++
		}
		if !slices.Equal(f.Names(), want.Names()) || f.String() != want.String() {
			t.Errorf("--%s: names %q, help %q; want %q, %q", want.Names()[0], f.Names(), f.String(), want.Names(), want.String())
		}
		_, r1 := RangeOf(f)
		_, r2 := RangeOf(want)
		if r1 != r2 {
			t.Errorf("--%s: RangeOf through the wrapper %v, want %v", want.Names()[0], r1, r2)
		}
		for _, is := range []func(cli.Flag) bool{
			func(f cli.Flag) bool { _, ok := f.(cli.DocGenerationFlag); return ok },
			func(f cli.Flag) bool { _, ok := f.(cli.DocGenerationSliceFlag); return ok },
			func(f cli.Flag) bool { _, ok := f.(cli.CategorizableFlag); return ok },
			func(f cli.Flag) bool { _, ok := f.(cli.VisibleFlag); return ok },
			func(f cli.Flag) bool { _, ok := f.(cli.RequiredFlag); return ok },
			func(f cli.Flag) bool { _, ok := f.(cli.ActionableFlag); return ok },
			func(f cli.Flag) bool { _, ok := f.(cli.Countable); return ok },
		} {
			if is(f) != is(want) {
				t.Errorf("--%s: the wrapper does not satisfy the interfaces the flag does", want.Names()[0])
			}
		}
	}
	// Every type but Int64 (not used) and the hidden bool (bash completion
	// recognises it by its type).
	if wrapped != len(declared)-2 {
		t.Errorf("%d flags wrapped, want %d", wrapped, len(declared)-2)
	}
}

// Run prints the same --help as app.Run whichever way help is asked for,
// and the commands not named still have their flags (a config file's keys
// are checked against them) and run with them.
func TestRunSetsUpOnlyTheNamedCommands(t *testing.T) {
	newApp := func(out *strings.Builder, seen *string) *cli.App {
		cmd := func(name string) *cli.Command {
			return &cli.Command{Name: name, Aliases: []string{name + name}, Flags: []cli.Flag{
				&cli.StringFlag{Name: "out", Category: "Output", Usage: "where"},
				&cli.IntFlag{Name: "n", Usage: "how many"},
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Category: "Output"},
			}, Action: func(c *cli.Context) error {
				*seen = fmt.Sprint(c.Command.Name, " ", c.String("out"), " ", len(c.Command.Flags), " ", c.Command.VisibleFlagCategories() != nil)
				return nil
			}}
		}
		app := &cli.App{Name: "t", Writer: out, ErrWriter: out, ExitErrHandler: func(*cli.Context, error) {}, Flags: []cli.Flag{&cli.StringFlag{Name: "log"}},
			Commands: []*cli.Command{cmd("a"), cmd("b"), {Name: "grp", Subcommands: []*cli.Command{cmd("c")}}}}
		Install(app, Options{ExitUsage: 2})
		return app
	}
	// (Not "t help a": running urfave/cli's help command makes it its own
	// subcommand, for the rest of the process.)
	for _, args := range [][]string{
		{"t", "a", "--help"}, {"t", "b", "-h"}, {"t", "aa", "--help"}, {"t", "--log", "x", "bb", "-h"},
		{"t", "grp", "c", "--help"}, {"t", "--help"}, {"t"}, {"t", "b", "--out", "x"}, {"t", "a", "--bogus"},
		{"t", "a", "-help"}, {"t", "a", "--h=true"}, {"t", "a", "-h=false"}, {"t", "b", "--out", "h", "-q"},
	} {
		var want, got strings.Builder
		var wantSeen, gotSeen string
		wantErr := newApp(&want, &wantSeen).Run(args)
		app := newApp(&got, &gotSeen)
		gotErr := Run(app, args)
		for _, cmd := range app.Commands[:2] {
			if len(cmd.Flags) < 4 { // its own and --config
				t.Errorf("%q: %s has %d flags after Run", args, cmd.Name, len(cmd.Flags))
			}
		}
		if got.String() != want.String() || gotSeen != wantSeen || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%q: Run printed\n%s(%v, ran %q)\nwant\n%s(%v, ran %q)", args, got.String(), gotErr, gotSeen, want.String(), wantErr, wantSeen)
		}
		if strings.Contains(strings.Join(args, " "), "-h") && !strings.Contains(strings.Join(args, " "), "=false") && !strings.Contains(got.String(), "Output") && !slices.Equal(args, []string{"t", "--help"}) {
			t.Errorf("%q: no flag category in\n%s", args, got.String())
		}
	}
}

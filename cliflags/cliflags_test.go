package cliflags

import (
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

// Package cliflags is the flag machinery every gridstream command shares:
// numeric ranges declared with the flag (Ranged), checked before a command
// runs and shown in --help; one-line usage errors with one exit status;
// and --config FILE, which sets any flag of any command from a YAML or
// TOML file. Commands declare flags with urfave/cli; Install does the
// rest.
//
// A config file holds flag names (without dashes) and values. Keys at the
// top apply to every command that has the flag; a section named after a
// command (a table in TOML, a mapping in YAML) applies to that command
// only, over the top's. Repeatable flags take a list. The command line
// and environment variables win over the file:
//
//	mqtt: mqtt://homeassistant.local
//	meter: [F0EE36DB, 1-147]
//	demod:
//	  center-freq: 915M
//	  reconnect: true
package cliflags

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// configFlag is the name of the flag that names a config file.
const configFlag = "config"

// Options say how Install sets commands up.
type Options struct {
	// ExitUsage is the exit status of usage errors: bad flags, values out
	// of range, a config file that cannot be used.
	ExitUsage int
	// Before, when set, runs for every command after the config file is
	// applied and the ranges checked (further checks, logging set-up);
	// its error becomes a usage error unless it is a cli.ExitCoder.
	Before func(*cli.Context) error
}

// Install sets up every command of app, subcommands included: a --config
// flag on each that runs something, the ranges of its numeric flags in
// --help, a Before that applies the config file, checks the ranges and
// runs opt.Before ahead of the command's own, and usage errors as one line
// with opt.ExitUsage, also for a command that only groups others run
// without one of them. The flags of a command that runs something are
// wrapped so that their names are worked out once (see Unwrap).
func Install(app *cli.App, opt Options) {
	usage := func(c *cli.Context, err error, _ bool) error {
		cmd := "gridstream"
		if app.Name != "" {
			cmd = app.Name
		}
		// The command and the ones it is under (networks list).
		var path []string
		for _, l := range c.Lineage() {
			if l.Command != nil && l.Command.Name != "" && l.Command.Name != app.Name {
				path = append([]string{l.Command.Name}, path...)
			}
		}
		for _, name := range path {
			cmd += " " + name
		}
		return cli.Exit(fmt.Sprintf("%v (see %s --help)", err, cmd), opt.ExitUsage)
	}
	app.OnUsageError = usage
	var setup func(cmds []*cli.Command)
	setup = func(cmds []*cli.Command) {
		for _, cmd := range cmds {
			cmd.OnUsageError = usage
			setup(cmd.Subcommands)
			if len(cmd.Subcommands) > 0 {
				if cmd.Action == nil {
					cmd.Action = needSubcommand(app.Name, opt.ExitUsage)
				}
				continue // its subcommands run; they take the flags
			}
			documentRanges(cmd)
			cmd.Flags = append(cmd.Flags, &cli.StringFlag{Name: configFlag, Category: "Config file", TakesFile: true,
				Usage: "read flags from this YAML or TOML file (keys are flag names; the command line wins)"})
			for i, f := range cmd.Flags {
				cmd.Flags[i] = withNames(f)
			}
			cmd.Before = before(cmd.Before, opt)
		}
	}
	setup(app.Commands)
}

// before is a command's Before: config file, ranges, opt.Before, then
// the command's own.
func before(own cli.BeforeFunc, opt Options) cli.BeforeFunc {
	return func(c *cli.Context) error {
		if err := ApplyConfig(c); err != nil {
			return cli.Exit(err.Error(), opt.ExitUsage)
		}
		if err := CheckRanges(c); err != nil {
			return cli.Exit(err.Error(), opt.ExitUsage)
		}
		if opt.Before != nil {
			if err := opt.Before(c); err != nil {
				if _, ok := err.(cli.ExitCoder); ok {
					return err
				}
				return cli.Exit(err.Error(), opt.ExitUsage)
			}
		}
		if own != nil {
			return own(c)
		}
		return nil
	}
}

// ApplyConfig applies the config file that c's --config names, if any
// (Install's Before does it first).
func ApplyConfig(c *cli.Context) error {
	path := c.String(configFlag)
	if path == "" {
		return nil
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		return err
	}
	return cfg.Apply(c)
}

// needSubcommand is the action of a command that only groups others (grc,
// networks): called without one, or with an unknown one, it is a usage
// error that names them.
func needSubcommand(app string, exitUsage int) cli.ActionFunc {
	return func(c *cli.Context) error {
		var names []string
		for _, sub := range c.Command.Subcommands {
			if sub.Name != "help" && !sub.Hidden {
				names = append(names, sub.Name)
			}
		}
		list := strings.Join(names, " or ")
		if len(names) > 2 {
			list = strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
		}
		what := "name a command"
		if c.NArg() > 0 {
			what = fmt.Sprintf("unknown command %q", c.Args().First())
		}
		return cli.Exit(fmt.Sprintf("%s: %s: %s (see %s %s --help)", c.Command.Name, what, list, app, c.Command.Name), exitUsage)
	}
}

// HasFlag reports whether cmd has a flag called name (or aliased so).
func HasFlag(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// Hide hides the flags for which hide is true from --help (they are still
// accepted), and returns flags.
func Hide(flags []cli.Flag, hide func(name string) bool) []cli.Flag {
	for _, f := range flags {
		if !hide(f.Names()[0]) {
			continue
		}
		switch f := Unwrap(f).(type) {
		case *cli.BoolFlag:
			f.Hidden = true
		case *cli.IntFlag:
			f.Hidden = true
		case *cli.Float64Flag:
			f.Hidden = true
		case *cli.StringFlag:
			f.Hidden = true
		case *cli.StringSliceFlag:
			f.Hidden = true
		default:
			panic(fmt.Sprintf("cliflags.Hide: --%s is a %T", f.Names()[0], f))
		}
	}
	return flags
}

// Run runs app with args (os.Args) as app.Run does. urfave/cli's App.Setup
// lays out the --help of every command (its flags by category, each
// flag's help line) on every run; a command's --help can only show when
// help is asked for (CMD --help, CMD -h, help CMD, h CMD; Install makes
// every usage error one line) and the command is named, so Run sets the
// app up with the flags of the other commands hidden, and gives them back
// before anything runs.
func Run(app *cli.App, args []string) error {
	var helpFlag []string
	if cli.HelpFlag != nil {
		helpFlag = cli.HelpFlag.Names()
	}
	help := len(args) > 1 && slices.ContainsFunc(args[1:], func(arg string) bool { return asksForHelp(arg, helpFlag) })
	var skipped []*cli.Command
	var flags [][]cli.Flag
	for _, cmd := range app.Commands {
		if !help || !slices.ContainsFunc(args, cmd.HasName) {
			skipped = append(skipped, cmd)
			flags = append(flags, cmd.Flags)
			cmd.Flags = nil
		}
	}
	app.Setup()
	for i, cmd := range skipped {
		cmd.Flags = flags[i]
	}
	return app.Run(args)
}

// asksForHelp reports whether arg is the help command (help, h) or the
// help flag, named helpFlag (-h, --help, -help=true…).
func asksForHelp(arg string, helpFlag []string) bool {
	if arg == "help" || arg == "h" {
		return true
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-"), "=")
	return strings.HasPrefix(arg, "-") && slices.Contains(helpFlag, name)
}

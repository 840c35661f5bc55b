package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/grc"
)

func grcCommand() *cli.Command {
	dirFlag := &cli.StringFlag{Name: "dir",
		Usage: "block directory (default: GRC's per-user block directory, $GRC_HIER_PATH or ~/.grc_gnuradio)"}
	return &cli.Command{
		Name:  "grc",
		Usage: "install or remove the GridStream blocks for GNU Radio Companion 3.10",
		Description: "The GridStream Decoder block takes a stream (bits, soft symbols, NGE101 OOK\n" +
			"levels, or FM-discriminator samples of one or many channels) and puts out the\n" +
			"decoded messages as PDUs, running `gridstream decode` as a child process.\n" +
			"The GridStream Wideband Receiver block takes complex samples at any rate and\n" +
			"decodes every 100 kHz channel of the band, every baud (stock GNU Radio\n" +
			"blocks: a Polyphase Channelizer and FM discriminators, into a Decoder).\n" +
			"Nothing is compiled: install copies YAML block definitions and their Python\n" +
			"module into a directory GRC reads blocks from.\n\n" +
			"Examples:\n" +
			"  gridstream grc install                 # ~/.grc_gnuradio: GRC finds it by itself\n" +
			"  gridstream grc install --dir ~/grc     # then: export GRC_BLOCKS_PATH=~/grc\n" +
			"  gridstream grc uninstall",
		Subcommands: []*cli.Command{
			{
				Name:      "install",
				Usage:     "copy the blocks into GRC's block directory (or --dir)",
				ArgsUsage: " ",
				Flags:     []cli.Flag{dirFlag},
				Action:    func(c *cli.Context) error { return runGRCInstall(c, os.Stdout) },
			},
			{
				Name:      "uninstall",
				Usage:     "remove the blocks from GRC's block directory (or --dir)",
				ArgsUsage: " ",
				Flags:     []cli.Flag{dirFlag},
				Action:    func(c *cli.Context) error { return runGRCUninstall(c, os.Stdout) },
			},
		},
	}
}

func grcDir(c *cli.Context) (string, error) {
	if c.NArg() > 0 {
		return "", cli.Exit(fmt.Sprintf("grc %s takes no arguments (use --dir)", c.Command.Name), exitUsage)
	}
	if d := c.String("dir"); d != "" {
		return d, nil
	}
	d, err := grc.DefaultDir()
	if err != nil {
		return "", cli.Exit(err.Error(), exitUsage)
	}
	return d, nil
}

func runGRCInstall(c *cli.Context, w io.Writer) error {
	dir, err := grcDir(c)
	if err != nil {
		return err
	}
	files, err := grc.Install(dir)
	if err != nil {
		return cli.Exit("grc install: "+err.Error(), exitInput)
	}
	fmt.Fprintf(w, "Installed the GridStream blocks:\n")
	for _, f := range files {
		fmt.Fprintf(w, "  %s\n", f)
	}
	exe, _ := os.Executable()
	fmt.Fprint(w, grc.NextSteps(dir, exe))
	return nil
}

func runGRCUninstall(c *cli.Context, w io.Writer) error {
	dir, err := grcDir(c)
	if err != nil {
		return err
	}
	removed, err := grc.Uninstall(dir)
	for _, f := range removed {
		fmt.Fprintf(w, "removed %s\n", f)
	}
	if err != nil {
		return cli.Exit("grc uninstall: "+err.Error(), exitInput)
	}
	if len(removed) == 0 {
		fmt.Fprintf(w, "no GridStream block in %s: nothing to remove\n", dir)
	}
	return nil
}

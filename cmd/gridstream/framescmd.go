package main

import (
	"log/slog"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"

	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
	"github.com/gridstream-sdr/gridstream/replay"
)

func framesCommand() *cli.Command {
	return &cli.Command{
		Name:      "frames",
		Usage:     "decode GridStream frames written as hex lines (as wikis, forums and other decoders print them)",
		ArgsUsage: "[FILE|-]",
		Description: "One frame per line; fields may be separated by spaces, tabs, '|' or ','.\n" +
			"The 00FF2A (version 4) or 80FF2A (version 5) prefix is optional (its two bytes\n" +
			"before 2A may be damaged, 01FF2A), a line may start at the CI byte (30FFFF...,\n" +
			"read as the frame type and length that fit and a known network's CRC\n" +
			"confirms), a leading row number or label (up to three words ending in ':',\n" +
			"'Frame 3:') and a trailing XX placeholder are tolerated,\n" +
			"a frame that wraps onto the next line of bare hex is joined, and lines\n" +
			"without a frame are skipped.\n" +
			"Reads stdin when FILE is - or absent.\n\n" +
			"Example:\n" +
			"  echo '00FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04' | gridstream frames",
		Flags:  append(textFlags(), outputFlags()...),
		Action: runFrames,
	}
}

// textFlags are the decoding flags of frames: those that concern only bit
// streams (--invert, --protocol, the deframer's tolerances, other
// protocols' options) are hidden from its --help; still accepted, they are
// ignored with a warning (bitOnlySet).
func textFlags() []cli.Flag {
	return cliflags.Hide(decoderFlags(), func(name string) bool { return !textFlag(name) })
}

// textFlag reports whether the decoding flag name means something for
// frames written as hex lines.
func textFlag(name string) bool {
	if name == "all" {
		return true
	}
	o, ok := protocol.FindOption(protocols.All(), name)
	return ok && o.Text
}

// bitOnlySet lists the bit-stream flags given to frames.
func bitOnlySet(c *cli.Context) []string {
	var set []string
	for _, f := range decoderFlags() {
		if name := f.Names()[0]; !textFlag(name) && c.IsSet(name) {
			set = append(set, "--"+name)
		}
	}
	return set
}

func runFrames(c *cli.Context) error {
	if c.NArg() > 1 {
		return cli.Exit("frames reads one FILE (or - for stdin)", 2)
	}
	decs, _, out, err := openDecoding(c)
	if err != nil {
		return err
	}
	defer closeDecoders(decs)
	if set := bitOnlySet(c); len(set) > 0 {
		slog.Warn("these flags concern bit streams, not hex lines; ignored", "flags", strings.Join(set, " "))
	}
	name := c.Args().First()
	if name == "" {
		name = "-"
	}
	in, err := replay.Open(name)
	if err != nil {
		out.Close()
		return cli.Exit(oneLineErr(err), 1)
	}
	if in.Close != nil {
		defer in.Close()
	}
	start := time.Now()
	skips := &protocol.SkipLog{Log: slog.Default(), Input: in.Name, Max: maxLineWarnings}
	var readErr error
	for _, d := range decs {
		if t, ok := d.(protocol.TextDecoder); ok {
			readErr = t.DecodeText(replay.UntilDone(c.Context, in.R), in.Name, protocol.Output{Emit: out.Send}, skips.Skipped)
			break
		}
	}
	if readErr != nil {
		slog.Error("input stopped early; frames before the problem were decoded", "input", in.Name, "err", readErr)
	}
	closeErr := out.Close()
	slog.Info("summary", append(decoderStats(decs), "elapsed", time.Since(start).Round(time.Millisecond))...)
	if skips.Count > 0 {
		slog.Warn("some lines held malformed frames", "count", skips.Count)
	}
	switch {
	case readErr != nil:
		return cli.Exit("", 1)
	case closeErr != nil:
		return cli.Exit(closeErr.Error(), 1)
	}
	return nil
}

// maxLineWarnings is how many malformed lines are logged one by one.
const maxLineWarnings = 10

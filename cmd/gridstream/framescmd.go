package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/bits"
	"github.com/gridstream-sdr/gridstream/frames"
)

func framesCommand() *cli.Command {
	return &cli.Command{
		Name:      "frames",
		Usage:     "decode GridStream frames written as hex lines (as wikis, forums and other decoders print them)",
		ArgsUsage: "[FILE|-]",
		Description: "One frame per line; fields may be separated by spaces, tabs, '|' or ','.\n" +
			"The 00FF2A (version 4) or 80FF2A (version 5) prefix is optional, a leading row\n" +
			"number and a trailing XX placeholder are tolerated, a frame that wraps onto\n" +
			"the next line of bare hex is joined, and lines without a frame are skipped.\n" +
			"Reads stdin when FILE is - or absent.\n\n" +
			"Example:\n" +
			"  echo '00FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04' | gridstream frames",
		Flags:  append(decoderFlags(), outputFlags()...),
		Action: runFrames,
	}
}

func runFrames(c *cli.Context) error {
	if c.NArg() > 1 {
		return cli.Exit("frames reads one FILE (or - for stdin)", 2)
	}
	var r io.Reader = os.Stdin
	name := "stdin"
	if n := c.Args().First(); n != "" && n != "-" {
		f, err := os.Open(n)
		if err != nil {
			return cli.Exit(err.Error(), 1)
		}
		defer f.Close()
		r, name = f, n
	}
	dec, out, err := openDecoding(c)
	if err != nil {
		return err
	}
	start := time.Now()
	bad := 0
	sc := frames.NewHexScanner(r)
	for sc.Scan() {
		if err := sc.Err(); err != nil {
			slog.Warn("skipped a line", "input", name, "err", err)
			bad++
			continue
		}
		h := sc.Frame()
		// A frame that waits for its network to be learned keeps its own line.
		dec.GridStreamAnnotated(bits.RawFrame{Bytes: h.Bytes, Version: h.Version, Complete: h.Complete},
			func(m *frames.Message) { m.Input = fmt.Sprintf("%s:%d", name, h.Line) }, out.Send)
	}
	closeErr := out.Close()
	summarize(dec, bits.DeframerStats{}, time.Since(start))
	if closeErr != nil {
		return cli.Exit(closeErr.Error(), 1)
	}
	if bad > 0 {
		slog.Warn("some lines held malformed frames", "count", bad)
	}
	return nil
}

package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"

	"github.com/gridstream-sdr/gridstream/dashboard"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/progress"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/replay"
	"github.com/gridstream-sdr/gridstream/samples"
)

func replayCommand() *cli.Command {
	return &cli.Command{
		Name:      "replay",
		Usage:     "decode recorded bit files (or the built-in sample) into JSON lines",
		ArgsUsage: "[FILE|- ...]",
		Description: "Reads bit streams as GNU Radio and other tools record them and prints one JSON\n" +
			"object per decoded frame on stdout; logs and a final summary go to stderr.\n" +
			"With no FILE it decodes a small sample recording built into the binary.\n" +
			"- reads stdin. Each file keeps its own deframer state; learned networks are shared.\n\n" +
			"Formats (--input-format, else from the extension, else sniffed from the content):\n" +
			"  unpacked  one bit per byte, only the low bit counts (GNU Radio binary slicer → file sink; .u8 .bits .bin)\n" +
			"  packed    eight bits per byte, MSB first (.packed)\n" +
			"  ascii     '0'/'1' text, whitespace ignored (.txt)\n" +
			"  float32   soft symbols, little-endian, sign decides (.f32 .float)\n" +
			"  levels    NGE101 OOK level samples, one 0/1 per byte at --level-rate (differential Manchester)\n\n" +
			"NGE101 packets in bits (not levels): the first packet of a device not heard yet is held\n" +
			"until a second packet of that device confirms it (it sends two every 43 s); a lone one,\n" +
			"as at the end of a short recording, is counted failed and shown only with --all (crc_ok:false).\n\n" +
			"Examples:\n" +
			"  gridstream replay\n" +
			"  gridstream replay --input-format float32 --invert capture.f32\n" +
			"  gridstream replay --crc-init 1234 --all bits.u8 | jq .",
		Flags: append(append([]cli.Flag{
			&cli.StringFlag{Name: "input-format", Aliases: []string{"f"}, Value: "auto",
				Usage: "input format: auto, unpacked, packed, ascii, float32, levels"},
			cliflags.Ranged(&cli.Float64Flag{Name: "level-rate", Value: 0,
				Usage: "sample rate in samples/s of --input-format levels input (required with it)"}, levelRateRange()),
			cliflags.Ranged(&cli.Float64Flag{Name: "bit-rate",
				Usage: "bits per second of a bit recording (the symbol rate it was sliced at, e.g. 9600): messages then carry offset_s, their time in the recording"},
				cliflags.Range{Min: 100, Max: 1e8, Zero: true, Unit: "bit/s"}),
			startTimeFlag(),
			&cli.StringFlag{Name: "progress", Value: "auto",
				Usage: "progress bar on stderr: auto (files, when stderr is a terminal), always, never"},
		}, decoderFlags()...), append(outputFlags(), httpFlag())...),
		Action: runReplay,
	}
}

func runReplay(c *cli.Context) error {
	mode, err := progressMode(c.String("progress"))
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	opt := replay.Options{Format: strings.ToLower(c.String("input-format")), Invert: c.Bool("invert"), Rate: c.Float64("bit-rate")}
	if opt.Start, err = cliflags.ParseTime("start-time", c.String("start-time")); err == nil {
		err = opt.Check(c.Float64("level-rate"))
	}
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	decs, chosen, out, err := openDecoding(c)
	if err != nil {
		return err
	}
	defer closeDecoders(decs)
	pc := pipeline.Config{Decoders: chosen, LevelRate: c.Float64("level-rate")}
	names := c.Args().Slice()
	if len(names) == 0 {
		names = []string{""}
	}
	live := &dashboard.Live{Command: "replay", Input: strings.Join(names, " "), Unit: "B/s"}
	if live.Input == "" {
		live.Input = samples.BitsName
	}
	dash, err := startDashboard(c, chosen, out, live)
	if err != nil {
		out.Close()
		return err
	}
	var done int64 // bytes of the inputs before this one
	start := time.Now()
	total, failures := replay.Files{Options: opt, Config: pc, Emit: out.Send,
		Reading: func(in replay.Input) (io.Reader, func()) {
			var bar *progress.Bar
			if mode.Show(in.Size, os.Stderr) && in.Name != samples.BitsName {
				bar = progress.New(os.Stderr, in.Size, 0)
			}
			counted := &progress.Reader{R: in.R, OnRead: func(n int64) {
				bar.Update(n, out.Sent())
				live.Items.Store(done + n)
			}}
			return counted, func() {
				bar.Finish(counted.N, out.Sent())
				done += counted.N
			}
		}}.Decode(c.Context, names)
	closeErr := out.Close()
	summarize(chosen, total, time.Since(start))
	if dash != nil {
		inputEnded(dash, "end of input")
		dash.Close()
	}
	if closeErr != nil {
		return cli.Exit(closeErr.Error(), 1)
	}
	if failures > 0 {
		return cli.Exit("", 1)
	}
	return nil
}

// summarize logs the end-of-run summary on stderr.
func summarize(decs []protocol.Decoder, st pipeline.Stats, elapsed time.Duration) {
	rate := float64(st.Bits) / max(elapsed.Seconds(), 1e-9)
	attrs := append([]any{"bits", st.Bits}, decoderStats(decs)...)
	slog.Info("summary", append(attrs,
		"mbit_per_s", fmt.Sprintf("%.1f", rate/1e6),
		"elapsed", elapsed.Round(time.Millisecond))...)
}

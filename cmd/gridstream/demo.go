package main

import (
	"bytes"
	"fmt"
	"log/slog"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iqdecode"
	"github.com/gridstream-sdr/gridstream/progress"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/samples"
	"github.com/gridstream-sdr/gridstream/synth"
)

// demoPrefix names the built-in recordings in messages.
const demoPrefix = "builtin:"

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "decode the IQ recordings built into the binary with the pure-Go receiver (no radio needed)",
		Description: "Runs the demod receiver on two small synthetic recordings embedded in the\n" +
			"binary: GridStream meters of three utility networks hopping around 915 MHz\n" +
			"(800 kS/s cu8, sync versions 4 and 5, 9.6k-38.4k baud, both FSK polarities)\n" +
			"and an NGE101 transmitter at 433.92 MHz (250 kS/s). Prints the JSON lines, and\n" +
			"on stderr how many of the bursts sent (the recordings' ground truth) came back.\n" +
			"--write DIR saves the recordings (with SigMF meta and truth) to try demod on them.\n\n" +
			"Examples:\n" +
			"  gridstream demo\n" +
			"  gridstream demo --format rtl433\n" +
			"  gridstream demo --write /tmp/demo && gridstream demod /tmp/demo/demo_915M_800k.cu8",
		Flags: append(append([]cli.Flag{
			&cli.StringFlag{Name: "write", Usage: "write the built-in recordings, their SigMF meta and truth into this directory and exit"},
		}, decoderFlags()...), outputFlags()...),
		Action: runDemo,
	}
}

func runDemo(c *cli.Context) error {
	if c.NArg() > 0 {
		return cli.Exit("demo takes no arguments", 2)
	}
	if dir := c.String("write"); dir != "" {
		return writeDemo(dir)
	}
	decs, chosen, out, err := openDecoding(c)
	if err != nil {
		return err
	}
	defer closeDecoders(decs)
	var sent, found, total int
	var runErr error
	for _, rec := range samples.Demo() {
		if c.Context.Err() != nil {
			break // no output left
		}
		name := demoPrefix + rec.Name
		src, err := rec.Source(name)
		if err != nil {
			runErr = err
			break
		}
		want, err := synth.ReadTruth(bytes.NewReader(rec.Truth))
		if err != nil {
			runErr = fmt.Errorf("%s: %v", name, err)
			break
		}
		got := map[string]bool{}
		before := protocol.Snapshot(chosen)
		res, err := demodulate(c.Context, src, iqdecode.Config{
			Receiver: demod.Config{SampleRate: src.Info.SampleRate, CenterFreq: src.Info.CenterFreq,
				Decoders: chosen, Input: name},
			Emit: func(m *frames.Message) { got[m.Raw] = true },
		}, out, progress.Never, nil)
		if res.Stop != iqdecode.NotRun {
			res.Log(slog.Default(), protocol.SumSince(chosen, before)[2:])
		}
		if err != nil {
			runErr = err
			break
		}
		found += synth.Decoded(want, got)
		total += len(want)
		sent += int(res.Messages)
	}
	closeErr := out.Close()
	if runErr != nil {
		return cli.Exit("demo: "+runErr.Error(), 1)
	}
	slog.Info("demo done: bursts in the recordings that were decoded", "decoded", found, "sent", total, "messages", sent)
	if closeErr != nil {
		return cli.Exit(closeErr.Error(), 1)
	}
	return nil
}

// writeDemo saves the built-in recordings into dir.
func writeDemo(dir string) error {
	for _, rec := range samples.Demo() {
		if err := rec.WriteFiles(dir, func(p string, n int) { slog.Info("wrote", "file", p, "bytes", n) }); err != nil {
			return cli.Exit("demo: "+oneLineErr(err), 1)
		}
	}
	return nil
}

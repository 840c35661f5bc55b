package main

import (
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"

	"github.com/gridstream-sdr/gridstream/dashboard"
	"github.com/gridstream-sdr/gridstream/gnuradio"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/zmqsink"
)

const catInput = "Input (GNU Radio over ZeroMQ)"

func decodeCommand() *cli.Command {
	return &cli.Command{
		Name:      "decode",
		Usage:     "run as an out-of-process GNU Radio block: ZMQ bits in, JSON/msgpack/PMT messages out",
		ArgsUsage: " ",
		Description: "Connects to one or more GNU Radio ZMQ PUB Sinks (or PUSH Sinks) that publish\n" +
			"demodulated bits, decodes GridStream frames and NGE101 packets, and publishes\n" +
			"every message as a JSON line on stdout, msgpack on --out, and PMT PDUs on\n" +
			"--out-pmt for a GNU Radio ZMQ SUB Message Source. Runs until SIGINT/SIGTERM;\n" +
			"redials forever when the flowgraph is not there yet or restarts.\n\n" +
			"Inputs (--in, repeatable; each keeps its own deframer state):\n" +
			"  tcp://HOST:PORT        SUB socket for a ZMQ PUB Sink (ipc://PATH also works)\n" +
			"  pull://HOST:PORT       PULL socket for a ZMQ PUSH Sink: nothing is dropped\n" +
			"  ...?format=soft&key=ch3&tags=1&name=ch3&rate=1e6&invert=1\n" +
			"                         per-input settings overriding --input-format, --key,\n" +
			"                         --pass-tags, --level-rate, --invert; name= sets the\n" +
			"                         message's input field\n\n" +
			"Item formats (--input-format): bits (u8 0/1 per byte, after a Binary Slicer),\n" +
			"  soft (float32 soft symbols, >0 is 1), levels (u8 OOK levels for NGE101 at\n" +
			"  --level-rate samples/s), fm (float32 FM-discriminator samples, e.g. a\n" +
			"  Quadrature Demod's output, at ?rate= per channel: gridstream recovers the\n" +
			"  symbol timing, the baud (9600, 19200, 38400; ?bauds=) and the tone polarity\n" +
			"  itself; ?vlen=N for N channels per item, ?freqs= their centres in Hz\n" +
			"  separated by ':' (freqs=915e6:915.1e6), ?fm_gain= the Quadrature Demod gain,\n" +
			"  1 by default).\n\n" +
			"Examples:\n" +
			"  gridstream decode --in tcp://127.0.0.1:5555\n" +
			"  gridstream decode --in pull://127.0.0.1:5555 --pass-tags --out tcp://127.0.0.1:5560 --out-pmt tcp://127.0.0.1:5561\n" +
			"  gridstream decode --in 'tcp://127.0.0.1:5557?format=levels&rate=250000' --protocol nge101\n" +
			"  gridstream decode --in 'pull://127.0.0.1:5558?format=fm&rate=150000&vlen=24'",
		Flags: append(append([]cli.Flag{
			&cli.StringSliceFlag{Name: "in", Aliases: []string{"i"}, Category: catInput,
				Usage: "ZMQ endpoint of a GNU Radio PUB Sink to connect to (repeatable; pull:// for a PUSH Sink; ?options per input)"},
			&cli.StringSliceFlag{Name: "in-pull", Category: catInput,
				Usage: "ZMQ endpoint of a GNU Radio PUSH Sink to connect to with PULL (repeatable)"},
			&cli.StringFlag{Name: "input-format", Aliases: []string{"f"}, Category: catInput, Value: gnuradio.Bits,
				Usage: "item format of the inputs: bits, soft (float32), levels (NGE101 OOK) or fm (float32 FM samples)"},
			&cli.StringFlag{Name: "key", Category: catInput,
				Usage: "the sinks' key (topic): subscribe to it and drop the key frame, exactly as GNU Radio's ZMQ SUB Source"},
			&cli.BoolFlag{Name: "pass-tags", Category: catInput,
				Usage: "the sinks have pass_tags=True: parse the tag header and carry tags into message meta"},
			cliflags.Ranged(&cli.Float64Flag{Name: "level-rate", Category: catInput,
				Usage: "sample rate of levels inputs in samples/s"}, levelRateRange()),
			cliflags.Ranged(&cli.DurationFlag{Name: "reconnect-max", Category: catInput, Value: 2 * time.Second,
				Usage: "longest wait between two dials of an absent flowgraph (dialing never gives up; it starts at 100 ms and doubles)"},
				cliflags.Range{Min: 0.01, Max: 600}),
			cliflags.Ranged(&cli.DurationFlag{Name: "stats-interval", Category: catOutput, Value: 10 * time.Second,
				Usage: "log input and output statistics on stderr this often (0 disables)"}, statsIntervalRange),
		}, append(decoderFlags(), blockModeFlags()...)...), append(outputFlags(), httpFlag())...),
		Action: runDecode,
	}
}

func runDecode(c *cli.Context) error {
	if c.NArg() > 0 {
		return cli.Exit("decode takes no arguments: name inputs with --in", 2)
	}
	specs, err := gnuradio.SpecsFrom(c, levelRateRange().Min, slog.Default())
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	if len(specs) == 0 {
		return cli.Exit("decode needs at least one --in (e.g. --in tcp://127.0.0.1:5555)", 2)
	}
	decs, chosen, out, err := openDecoding(c)
	if err != nil {
		return err
	}
	defer closeDecoders(decs)

	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()

	inputs, err := gnuradio.NewInputs(specs, chosen, c.IsSet("protocol"), out.Send)
	if err != nil {
		out.Close()
		return cli.Exit(err.Error(), 2)
	}
	live := &dashboard.Live{Command: "decode", Input: strings.Join(inputs.Names(), " "), Unit: "items/s",
		ItemsFn: inputs.Items, LostFn: inputs.Lost}
	dash, err := startDashboard(c, chosen, out, live)
	if err != nil {
		out.Close()
		return err
	}
	defer dash.Close()
	if c.Bool("stdin-eos") {
		ctx = gnuradio.UntilEOS(ctx, os.Stdin, inputs.Counts, gnuradio.EOSQuiet, slog.Default())
	}
	waitSubscribers(ctx, c, out)
	start := time.Now()
	slog.Info("decoding", "inputs", len(inputs))
	inputs.RunLogged(ctx, slog.Default(), c.Duration("stats-interval"), func() {
		attrs := append(protocol.StatsAttrs(chosen), "messages_out", out.Sent())
		slog.Info("decoder", append(attrs, zmqsink.OutputsAttrs(out.Outputs())...)...)
	})
	closeErr := out.Close()
	slog.Info("stopped", "elapsed", time.Since(start).Round(time.Millisecond), "items", inputs.Items(),
		"messages", out.Sent(), "decoder", protocol.StatsText(chosen))
	if closeErr != nil {
		return cli.Exit(closeErr.Error(), 1)
	}
	return nil
}

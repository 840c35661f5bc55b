package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"

	"github.com/gridstream-sdr/gridstream/dashboard"
	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/internal/stdin"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/iqdecode"
	"github.com/gridstream-sdr/gridstream/progress"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/sink"
	"github.com/gridstream-sdr/gridstream/waterfall"
)

const catIQ = "IQ input"

// iqFlags are the flags of the IQ input (demod).
func iqFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "input-format", Aliases: []string{"f"}, Category: catIQ,
			Usage: "sample format: cu8 (rtl_sdr), cs8 (HackRF), cs16, cf32 (GNU Radio .cfile); default from the SigMF meta or the file name, cu8 for stdin"},
		&cli.StringFlag{Name: "rate", Aliases: []string{"s"}, Category: catIQ,
			Usage: "sample rate (2.4M, 2400k, 250k…); default from the SigMF meta or the file name (x_915M_2400k.cu8), 2.4M for rtl_tcp [100k to 100M]"},
		&cli.StringFlag{Name: "center-freq", Category: catIQ,
			Usage: "centre frequency (915M, 433.92M…): makes reported frequencies absolute; rtl_tcp tunes to it [100k to 10G]"},
		&cli.StringFlag{Name: "gain", Aliases: []string{"g"}, Category: catIQ, Value: "auto",
			Usage: "rtl_tcp tuner gain in dB, or auto [0 to 100]"},
		&cli.BoolFlag{Name: "agc", Category: catIQ, Usage: "rtl_tcp: turn on the RTL2832 digital AGC"},
		&cli.StringFlag{Name: "ppm", Category: catIQ, Value: "0",
			Usage: "rtl_tcp: frequency correction in ppm [-1000 to 1000], or auto: measured from the traffic (GridStream's channels sit on a 100 kHz grid) and sent once confident (needs --center-freq)"},
		cliflags.Ranged(&cli.DurationFlag{Name: "timeout", Category: catIQ, Value: 10 * time.Second,
			Usage: "rtl_tcp: give up when connecting or when no samples arrive for this long"}, cliflags.Range{Min: 0.1, Max: 3600}),
		cliflags.Ranged(&cli.Float64Flag{Name: "duration", Category: catIQ,
			Usage: "stop after this many seconds of samples (0: until the input ends, or SIGINT)"}, cliflags.Range{Min: 0, Max: 1e8, Unit: "s"}),
		&cli.StringFlag{Name: "baud", Category: catIQ, Value: "9600,19200,38400",
			Usage: "GridStream symbol rates to try [1200 to 50000]"},
		cliflags.Ranged(&cli.Float64Flag{Name: "threshold", Category: catIQ,
			Usage: "burst detection threshold in dB over the noise floor (0: the receiver's default)"},
			cliflags.Range{Min: 5, Max: 40, Zero: true, Unit: "dB (below 5 dB noise alone starts bursts)"}),
		&cli.StringFlag{Name: "progress", Category: catIQ, Value: "auto",
			Usage: "progress bar on stderr: auto (files, when stderr is a terminal), always, never"},
		&cli.BoolFlag{Name: "reconnect", Category: catIQ,
			Usage: "rtl_tcp: when the server hangs up or stalls, redial (1 s, 2 s, … up to 30 s apart) instead of stopping"},
		startTimeFlag(),
		cliflags.Ranged(&cli.DurationFlag{Name: "stats-interval", Category: catIQ,
			Usage: "log receiver statistics on stderr this often (default: off for files, 1m for rtl_tcp and stdin)"}, statsIntervalRange),
		cliflags.Ranged(&cli.IntFlag{Name: "workers", Category: catIQ, Value: runtime.GOMAXPROCS(0),
			Usage: "goroutines demodulating bursts (the messages and their order are the same with any number; default: the CPUs Go may use, GOMAXPROCS)"},
			cliflags.Range{Min: 1, Max: demod.MaxWorkers, Unit: "goroutines"}),
	}
}

func demodCommand() *cli.Command {
	return &cli.Command{
		Name:      "demod",
		Usage:     "pure-Go receiver: decode IQ recordings, stdin or a live rtl_tcp server (no GNU Radio needed)",
		ArgsUsage: "FILE|-|rtl_tcp://HOST:PORT",
		Description: "Searches the whole recorded band for bursts, demodulates GridStream 2-FSK at\n" +
			"9600/19200/38400 baud and NGE101 OOK, decodes them, and prints one JSON object\n" +
			"per message on stdout (and on --out/--out-pmt/--mqtt like decode). Each message\n" +
			"carries the burst's frequency, baud, level and SNR. Logs, a progress bar (files\n" +
			"on a terminal) and a final summary go to stderr.\n\n" +
			"Inputs:\n" +
			"  FILE                 cu8/cs8/cs16/cf32 recording; format and rate from a SigMF\n" +
			"                       meta beside it, else from an rtl_433-style name\n" +
			"                       (g001_915M_2400k.cu8, x_433.92M_250k.cs16), else the flags\n" +
			"  x.sigmf-meta         a SigMF recording (or x.sigmf-data, or x)\n" +
			"  -                    stdin (cu8 unless --input-format; --rate required)\n" +
			"  rtl_tcp://HOST:PORT  a live rtl_tcp server (port 1234 by default); sends the\n" +
			"                       sample rate, --center-freq, gain, AGC and ppm commands\n\n" +
			"Examples:\n" +
			"  gridstream demod g001_915M_2400k.cu8\n" +
			"  gridstream demod --input-format cs8 --rate 10M --center-freq 915M hackrf.bin\n" +
			"  rtl_sdr -f 915M -s 2.4M - | gridstream demod --rate 2.4M --center-freq 915M -\n" +
			"  gridstream demod --center-freq 915M --rate 2.4M --gain 40 rtl_tcp://127.0.0.1:1234\n" +
			"  gridstream demod --out tcp://127.0.0.1:5560 capture.sigmf-meta\n" +
			"  gridstream demod --http 8080 g001_915M_2400k.cu8       (then open http://127.0.0.1:8080/)\n" +
			"  gridstream demod --waterfall rec.png -q g001_915M_2400k.cu8",
		Flags: append(append(append(iqFlags(), decoderFlags()...), outputFlags()...), httpFlag(),
			&cli.StringFlag{Name: "waterfall", Category: catOutput,
				Usage: "also draw the recording's spectrogram into `OUT.png`: time down, frequency across, decoded bursts boxed and labelled (device, baud, CRC), bursts that did not decode dashed"}),
		Action: runDemod,
	}
}

func runDemod(c *cli.Context) error {
	if c.NArg() != 1 {
		for _, a := range c.Args().Slice()[min(1, c.NArg()):] {
			if strings.HasPrefix(a, "-") && a != "-" {
				return cli.Exit(fmt.Sprintf("demod: %s comes after the input: flags go before it (gridstream demod [flags] INPUT)", a), exitUsage)
			}
		}
		return cli.Exit("demod: name one input: FILE, - (stdin) or rtl_tcp://HOST:PORT", exitUsage)
	}
	name := c.Args().First()
	input, err := iqdecode.InputFrom(name, c)
	if err != nil {
		return cli.Exit("demod: "+err.Error(), 2)
	}
	var bauds []int
	list, err := demod.ParseBauds(c.String("baud"))
	if err != nil {
		return cli.Exit("demod: --baud "+err.Error(), exitUsage)
	}
	for _, v := range list {
		bauds = append(bauds, int(v))
	}
	mode, err := progressMode(c.String("progress"))
	if err != nil {
		return cli.Exit("demod: "+err.Error(), exitUsage)
	}
	if input.Start, err = cliflags.ParseTime("start-time", c.String("start-time")); err == nil {
		err = input.Check()
	}
	if err != nil {
		return cli.Exit("demod: "+err.Error(), exitUsage)
	}
	for _, f := range []string{"ppm", "gain", "agc"} {
		if c.IsSet(f) && !input.Live() && !input.AutoPPM {
			slog.Warn("--"+f+" tunes an rtl_tcp:// input; a recording is read as it is", "input", name)
		}
	}
	if name == "-" {
		if err := stdin.Usable(); err != nil {
			return cli.Exit("demod: "+err.Error(), exitInput)
		}
	}
	if c.Bool("invert") {
		slog.Info("--invert has no effect on IQ input: the receiver tries both FSK polarities")
	}
	decs, chosen, err := newDecoders(c)
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	defer closeDecoders(decs)
	src, err := input.Open(slog.Default())
	if err != nil {
		return cli.Exit("demod: "+err.Error(), exitCode(err))
	}
	defer src.Close()
	out, err := newOutputs(c)
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	var wf *waterfall.File
	if path := c.String("waterfall"); path != "" {
		if wf, err = newWaterfall(path, src.Info, name); err != nil {
			out.Close()
			return cli.Exit("demod: "+err.Error(), exitUsage)
		}
	}
	live := &dashboard.Live{Command: "demod", Input: name, Unit: "S/s", SampleRate: src.Info.SampleRate, CenterFreq: src.Info.CenterFreq}
	dash, err := startDashboard(c, chosen, out, live)
	if err != nil {
		out.Close()
		wf.Discard()
		return err
	}
	cfg := iqdecode.Config{
		Receiver: demod.Config{
			SampleRate: src.Info.SampleRate, CenterFreq: src.Info.CenterFreq, Bauds: bauds,
			Decoders: chosen, ThresholdDB: c.Float64("threshold"), Input: name, Start: input.Start,
			Workers: c.Int("workers"),
		},
		Duration: c.Float64("duration"), StatsEvery: c.Duration("stats-interval"), AutoPPM: input.AutoPPM, PPM: input.Options.PPM,
		Reopen: input.Reopen(),
	}
	if !c.IsSet("stats-interval") && src.Info.Samples < 0 {
		cfg.StatsEvery = time.Minute
	}
	if wf != nil {
		cfg.Receiver.OnBurst, cfg.Samples = wf.Burst, wf.Feed
	}
	if dash != nil {
		cfg.Receiver.OnBurst = dash.Burst
		if wf != nil {
			cfg.Receiver.OnBurst = func(b demod.Burst) { dash.Burst(b); wf.Burst(b) }
		}
	} else {
		live = nil
	}
	res, runErr := demodulate(c.Context, src, cfg, out, mode, live)
	closeErr := out.Close()
	if res.Stop != iqdecode.NotRun {
		res.Log(slog.Default(), protocol.SumSince(chosen, nil)[2:]) // crc_good, crc_failed and the protocols' own
	}
	if wf != nil {
		if err := writeWaterfall(wf, c.String("waterfall")); err != nil && closeErr == nil {
			closeErr = err
		}
	}
	if dash != nil {
		if res.Stop.ByItself() && runErr == nil {
			inputEnded(dash, res.Stop.String())
		}
		dash.Close()
	}
	switch {
	case runErr != nil:
		return cli.Exit("demod: "+runErr.Error(), 1)
	case closeErr != nil:
		return cli.Exit(closeErr.Error(), 1)
	}
	return nil
}

// demodulate runs src through the receiver (iqdecode.Run) into out until
// the input ends, cfg.Duration is reached or SIGINT/SIGTERM arrives, with a
// progress bar on stderr when mode wants one; cfg.Emit, when set, sees
// every message first, and live (when not nil) counts the samples.
func demodulate(ctx context.Context, src *iq.Source, cfg iqdecode.Config, out *sink.Fanout, mode progress.Mode, live *dashboard.Live) (iqdecode.Result, error) {
	barTotal := src.Info.Samples
	if n := int64(cfg.Duration * src.Info.SampleRate); cfg.Duration > 0 && barTotal > n {
		barTotal = n
	}
	var bar *progress.Bar
	if mode.Show(barTotal, os.Stderr) {
		bar = progress.New(os.Stderr, barTotal, src.Info.SampleRate)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop) // a second signal kills
	cfg.Progress = func(samples, messages int64) {
		bar.Update(samples, messages)
		if live != nil {
			live.Items.Store(samples)
		}
	}
	seen := cfg.Emit
	cfg.Emit = func(m *frames.Message) {
		bar.Clear()
		if seen != nil {
			seen(m)
		}
		out.Send(m)
	}
	res, err := iqdecode.Run(ctx, src, cfg)
	if res.Stop != iqdecode.NotRun {
		bar.Finish(res.Samples, res.Messages)
	}
	return res, err
}

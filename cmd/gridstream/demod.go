package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
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
			Usage: "centre frequency (915M, 433.92M…): makes reported frequencies absolute; rtl_tcp tunes to it [up to 10G]"},
		&cli.StringFlag{Name: "gain", Aliases: []string{"g"}, Category: catIQ, Value: "auto",
			Usage: "rtl_tcp tuner gain in dB, or auto [0 to 100]"},
		&cli.BoolFlag{Name: "agc", Category: catIQ, Usage: "rtl_tcp: turn on the RTL2832 digital AGC"},
		&cli.IntFlag{Name: "ppm", Category: catIQ, Usage: "rtl_tcp: frequency correction in ppm"},
		&cli.DurationFlag{Name: "timeout", Category: catIQ, Value: 10 * time.Second,
			Usage: "rtl_tcp: give up when connecting or when no samples arrive for this long"},
		&cli.Float64Flag{Name: "duration", Category: catIQ,
			Usage: "stop after this many seconds of samples (0: until the input ends, or SIGINT)"},
		&cli.StringFlag{Name: "baud", Category: catIQ, Value: "9600,19200,38400",
			Usage: "GridStream symbol rates to try [1200 to 50000]"},
		&cli.Float64Flag{Name: "threshold", Category: catIQ,
			Usage: "burst detection threshold in dB over the noise floor (0: the receiver's default)"},
		&cli.StringFlag{Name: "progress", Category: catIQ, Value: "auto",
			Usage: "progress bar on stderr: auto (files, when stderr is a terminal), always, never"},
		&cli.BoolFlag{Name: "reconnect", Category: catIQ,
			Usage: "rtl_tcp: when the server hangs up or stalls, redial (1 s, 2 s, … up to 30 s apart) instead of stopping"},
		&cli.DurationFlag{Name: "stats-interval", Category: catIQ,
			Usage: "log receiver statistics on stderr this often (default: off for files, 1m for rtl_tcp and stdin)"},
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

// iqOptions turns the IQ flags into iq.Options.
func iqOptions(c *cli.Context) (iq.Options, error) {
	var o iq.Options
	var err error
	if s := c.String("input-format"); s != "" {
		if o.Format, err = iq.ParseFormat(s); err != nil {
			return o, fmt.Errorf("--input-format: %v", err)
		}
	}
	if s := c.String("rate"); s != "" {
		if o.SampleRate, err = parseSampleRate("rate", s); err != nil {
			return o, err
		}
	}
	if s := c.String("center-freq"); s != "" {
		if o.CenterFreq, err = parseCenterFreq(s); err != nil {
			return o, err
		}
	}
	if s := strings.ToLower(strings.TrimSpace(c.String("gain"))); s != "" && s != "auto" {
		g, err := iq.ParseSI(strings.TrimSuffix(s, "db"))
		if err != nil || g > 100 {
			return o, fmt.Errorf("--gain %q: want a gain in dB (0-100) or auto", c.String("gain"))
		}
		o.Gain = g
	}
	o.AGC, o.PPM, o.Timeout = c.Bool("agc"), c.Int("ppm"), c.Duration("timeout")
	return o, nil
}

func runDemod(c *cli.Context) error {
	if c.NArg() != 1 {
		return cli.Exit("demod: name one input: FILE, - (stdin) or rtl_tcp://HOST:PORT", 2)
	}
	name := c.Args().First()
	opt, err := iqOptions(c)
	if err != nil {
		return cli.Exit("demod: "+err.Error(), 2)
	}
	var bauds []int
	list, err := parseBauds(c.String("baud"))
	if err != nil {
		return cli.Exit("demod: "+err.Error(), exitUsage)
	}
	for _, v := range list {
		bauds = append(bauds, int(v))
	}
	if _, err := wantProgress(c.String("progress"), 0, os.Stderr); err != nil {
		return cli.Exit("demod: "+err.Error(), exitUsage)
	}
	if c.Bool("reconnect") && !strings.HasPrefix(strings.ToLower(name), iq.RTLTCPScheme) {
		return cli.Exit("demod: --reconnect is for rtl_tcp:// inputs", exitUsage)
	}
	if name == "-" {
		if opt.SampleRate == 0 {
			return cli.Exit("demod: stdin: the sample rate is unknown: pass --rate (e.g. --rate 2.4M)", exitUsage)
		}
		if err := stdinUsable(); err != nil {
			return cli.Exit("demod: "+err.Error(), exitInput)
		}
	}
	if c.Bool("invert") {
		slog.Info("--invert has no effect on IQ input: the receiver tries both FSK polarities")
	}
	dec, err := newDecoder(c)
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	pc, err := pipelineConfig(c, dec, name)
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	src, err := iq.Open(name, opt)
	if err != nil {
		return cli.Exit("demod: "+err.Error(), exitCode(err))
	}
	defer src.Close()
	if r := src.Info.SampleRate; r < demod.MinSampleRate {
		return cli.Exit(fmt.Sprintf("demod: %s: sample rate %s S/s: the receiver needs at least %s S/s",
			name, iq.FormatSI(r), iq.FormatSI(demod.MinSampleRate)), exitUsage)
	}
	out, err := newOutputs(c)
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	var wf *waterfallOut
	if path := c.String("waterfall"); path != "" {
		if wf, err = newWaterfallOut(path, src.Info, name); err != nil {
			out.Close()
			return cli.Exit("demod: "+err.Error(), exitUsage)
		}
	}
	live := &liveStats{command: "demod", input: name, unit: "S/s", sampleRate: src.Info.SampleRate, centerFreq: src.Info.CenterFreq}
	dash, err := startDashboard(c, dec, out, live)
	if err != nil {
		out.Close()
		wf.discard()
		return err
	}
	setup := demodSetup{
		cfg: demod.Config{
			SampleRate: src.Info.SampleRate, CenterFreq: src.Info.CenterFreq, Bauds: bauds,
			NoGridStream: !pc.GridStream, NoNGE101: !pc.NGE101, ThresholdDB: c.Float64("threshold"),
			Deframer: pc.Deframer, Input: name,
		},
		dec: dec, out: out, progress: c.String("progress"), duration: c.Float64("duration"),
		statsEvery: c.Duration("stats-interval"),
	}
	if !c.IsSet("stats-interval") && src.Info.Samples < 0 {
		setup.statsEvery = time.Minute
	}
	if c.Bool("reconnect") {
		setup.reopen = func() (*iq.Source, error) { return iq.Open(name, opt) }
	}
	fs := src.Info.SampleRate
	switch {
	case dash != nil && wf != nil:
		setup.cfg.OnBurst = func(b demod.Burst) { dash.burst(b, fs); wf.burst(b) }
	case dash != nil:
		setup.cfg.OnBurst = func(b demod.Burst) { dash.burst(b, fs) }
	case wf != nil:
		setup.cfg.OnBurst = wf.burst
	}
	if wf != nil {
		setup.onSamples = wf.spec.Write
	}
	if dash != nil {
		setup.live = live
	}
	res, runErr := demodulate(c, src, setup)
	closeErr := out.Close()
	if res.stop != "" {
		res.log(dec)
	}
	if wf != nil {
		if err := wf.write(); err != nil && closeErr == nil {
			closeErr = err
		}
	}
	if dash != nil {
		if why := endReason(res.stop); why != "" && runErr == nil {
			dash.inputEnded(why)
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

// demodSetup is what demodulate needs besides the source.
type demodSetup struct {
	cfg      demod.Config
	dec      *frames.Decoder
	out      *outputs
	progress string
	duration float64
	// onMessage, when set, sees every message before the outputs.
	onMessage func(*frames.Message)
	// reopen, when set, redials a live input that hung up or stalled.
	reopen func() (*iq.Source, error)
	// statsEvery logs statistics this often (0: never).
	statsEvery time.Duration
	// onSamples, when set, sees every chunk of samples after the receiver.
	onSamples func([]complex64)
	// live, when set, is told how many samples went through.
	live *liveStats
}

// demodResult is what one input gave, for the summary.
type demodResult struct {
	input   string
	info    iq.Info
	samples int64
	elapsed time.Duration
	rx      demod.Stats
	sent    int64
	stop    string
	redials int
}

// log writes the summary line.
func (r demodResult) log(dec *frames.Decoder) {
	ds := dec.Stats()
	secs := float64(r.samples) / r.info.SampleRate
	el := max(r.elapsed.Seconds(), 1e-9)
	slog.Info("summary",
		"input", r.input,
		"samples", r.samples,
		"seconds", fmt.Sprintf("%.2f", secs),
		"bursts", r.rx.Bursts,
		"messages", r.sent,
		"crc_good", ds.GridStreamOK+ds.NGE101OK,
		"crc_failed", ds.CRCFailed+ds.NGE101-ds.NGE101OK,
		"encrypted", ds.Encrypted,
		"learned_now", ds.Learned,
		"speed", fmt.Sprintf("%.1fx real time", secs/el),
		"msps", fmt.Sprintf("%.2f", float64(r.samples)/el/1e6),
		"elapsed", r.elapsed.Round(time.Millisecond),
		"reconnects", r.redials,
		"stop", r.stop)
	if r.rx.Cut > 0 || r.rx.Ignored > 0 {
		slog.Warn("signals that are not bursts: carriers or interference",
			"input", r.input, "cut_after_longest_transmission", r.rx.Cut, "peaks_ignored_max_active", r.rx.Ignored)
	}
}

// addStats adds b's counters to a.
func addStats(a, b demod.Stats) demod.Stats {
	a.Samples += b.Samples
	a.Bursts += b.Bursts
	a.Attempts += b.Attempts
	a.Decoded += b.Decoded
	a.Messages += b.Messages
	a.Duplicate += b.Duplicate
	a.Cut += b.Cut
	a.Ignored += b.Ignored
	a.Channelized += b.Channelized
	return a
}

// demodulate runs src through a receiver until the input ends, --duration
// is reached or SIGINT/SIGTERM arrives. The returned error is set only when
// the input failed (not for a normal end, a truncated file or an rtl_tcp
// server that hung up, which are logged).
func demodulate(c *cli.Context, src *iq.Source, s demodSetup) (demodResult, error) {
	res := demodResult{input: src.Name, info: src.Info}
	info := src.Info

	barTotal := info.Samples
	if s.duration > 0 && barTotal > int64(s.duration*info.SampleRate) {
		barTotal = int64(s.duration * info.SampleRate)
	}
	show, _ := wantProgress(s.progress, barTotal, os.Stderr)
	bar := newProgress(show, os.Stderr, barTotal, info.SampleRate)
	var sent int64
	emit := func(m *frames.Message) {
		bar.Clear()
		sent++
		if s.onMessage != nil {
			s.onMessage(m)
		}
		s.out.Send(m)
	}
	// A receiver started after a reconnect counts samples from zero; the
	// burst reports are moved to the position in the whole run.
	var base int64
	if report := s.cfg.OnBurst; report != nil {
		s.cfg.OnBurst = func(b demod.Burst) {
			b.Start, b.End = b.Start+base, b.End+base
			report(b)
		}
	}
	rx, err := demod.New(s.cfg, s.dec, emit)
	if err != nil {
		return res, fmt.Errorf("%s: %s", src.Name, strings.TrimPrefix(err.Error(), "demod: "))
	}
	attrs := []any{"input", src.Name, "kind", info.Kind, "format", info.Format, "rate", info.SampleRate,
		"center_freq", info.CenterFreq, "from", info.Source}
	if info.Samples >= 0 {
		attrs = append(attrs, "seconds", fmt.Sprintf("%.2f", float64(info.Samples)/info.SampleRate))
	}
	if info.Tuner != "" {
		attrs = append(attrs, "tuner", info.Tuner)
	}
	slog.Info("demodulating", attrs...)

	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var mu sync.Mutex // guards cur against the signal goroutine
	cur := src
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			stop() // a second signal kills
			mu.Lock()
			if cur.RTL != nil {
				cur.RTL.Close() // unblock a read waiting for the server
			}
			mu.Unlock()
		case <-done:
		}
	}()

	limit := int64(-1)
	if s.duration > 0 {
		limit = int64(s.duration * info.SampleRate)
	}
	start := time.Now()
	lastStats, lastSamples := start, int64(0)
	buf := make([]complex64, 1<<16)
	var total int64
	var runErr error
	var past demod.Stats // receivers before a reconnect
	res.stop = "end of input"
	for {
		if ctx.Err() != nil {
			res.stop = "interrupted"
			break
		}
		want := buf
		if limit >= 0 {
			if total >= limit {
				res.stop = "--duration reached"
				break
			}
			want = buf[:min(int64(len(buf)), limit-total)]
		}
		n, err := cur.Read(want)
		if n > 0 {
			rx.Process(want[:n])
			if s.onSamples != nil {
				s.onSamples(want[:n])
			}
			total += int64(n)
			if s.live != nil {
				s.live.items.Store(total)
			}
			bar.Update(total, sent)
		}
		if s.statsEvery > 0 && time.Since(lastStats) >= s.statsEvery {
			st := addStats(past, rx.Stats())
			now := time.Now()
			slog.Info("stats", "input", src.Name, "samples", total,
				"seconds", fmt.Sprintf("%.1f", float64(total)/info.SampleRate),
				"bursts", st.Bursts, "messages", sent, "reconnects", res.redials,
				"msps", fmt.Sprintf("%.2f", float64(total-lastSamples)/now.Sub(lastStats).Seconds()/1e6))
			lastStats, lastSamples = now, total
		}
		if err == nil {
			continue
		}
		var te *iq.TruncatedError
		lost := errors.Is(err, iq.ErrServerClosed) || errors.Is(err, iq.ErrNoSamples)
		switch {
		case errors.Is(err, io.EOF):
		case ctx.Err() != nil:
			res.stop = "interrupted"
		case lost && s.reopen != nil:
			slog.Warn("input lost; reconnecting", "input", src.Name, "reason", err)
			rx.Flush()
			past = addStats(past, rx.Stats())
			cur.Close()
			next := redial(ctx, s.reopen, src.Name)
			if next == nil {
				res.stop = "interrupted"
				break
			}
			mu.Lock()
			cur = next
			mu.Unlock()
			res.redials++
			base = total
			if rx, err = demod.New(s.cfg, s.dec, emit); err != nil {
				runErr, res.stop = err, "input error"
				break
			}
			slog.Info("reconnected", "input", src.Name, "tuner", next.Info.Tuner)
			continue
		case errors.As(err, &te):
			slog.Warn("input ends inside a sample; the partial sample was ignored", "input", src.Name, "err", err)
			res.stop = "truncated input"
		case errors.Is(err, iq.ErrServerClosed):
			slog.Warn("input ended", "input", src.Name, "reason", err)
			res.stop = "server closed the connection"
		default:
			runErr = err
			res.stop = "input error"
		}
		break
	}
	rx.Flush()
	bar.Finish(total, sent)
	mu.Lock()
	if cur != src {
		cur.Close()
	}
	mu.Unlock()
	res.samples, res.elapsed, res.rx, res.sent = total, time.Since(start), addStats(past, rx.Stats()), sent
	return res, runErr
}

// redial reopens a live input until it works or ctx ends (then nil),
// waiting 1 s, 2 s, 4 s … up to 30 s between attempts.
func redial(ctx context.Context, reopen func() (*iq.Source, error), name string) *iq.Source {
	wait := time.Second
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		s, err := reopen()
		if err == nil {
			return s
		}
		wait = min(2*wait, 30*time.Second)
		slog.Warn("reconnect failed", "input", name, "err", err, "next_try_in", wait)
	}
}

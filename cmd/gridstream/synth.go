package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/synth"
)

// Bounds of synth's text-valued numbers (the numeric flags' are in
// flagRanges): an FSK deviation well beyond GridStream's ±12-20 kHz, and
// burst SNRs from below detection to far above any format's range.
const (
	maxDeviation = 100e3
	minSNR       = -50.0
	maxSNR       = 100.0
	catSignal    = "Signal"
	catGS        = "GridStream traffic"
	catNGE       = "NGE101 packets"
)

func synthCommand() *cli.Command {
	return &cli.Command{
		Name:      "synth",
		Usage:     "write a synthetic IQ recording of GridStream and NGE101 traffic (with a SigMF meta and ground truth)",
		ArgsUsage: "FILE|-",
		Description: "Renders GridStream 2-FSK/GFSK bursts and NGE101 OOK packets into complex\n" +
			"baseband with white noise, deterministically from --seed, and writes them as\n" +
			"cu8, cs8, cs16 or cf32 (by --format or FILE's extension; .sigmf-data is cu8\n" +
			"unless --format says otherwise). A SigMF meta file is written beside FILE\n" +
			"(x.cu8 → x.sigmf-meta, naming x.cu8 in core:dataset, one annotation per\n" +
			"burst). --truth writes one JSON line per burst: what was sent, where, at\n" +
			"what frequency offset, baud and SNR. - writes the samples to stdout (no meta).\n\n" +
			"Traffic: each --frame HEX is sent once (in order, on --offset), then each\n" +
			"--nge-power/--nge-energy packet, then --count random valid GridStream frames\n" +
			"(CRC inits from --crc-init, both sync versions, 0x55 and 0xD5 types) spaced\n" +
			"--interval apart on average; --hop spreads them over a channel grid.\n\n" +
			"Examples:\n" +
			"  gridstream synth --count 20 --hop rec_915M_2400k.cu8\n" +
			"  gridstream synth --frame 2AD5001D2990...51AB --baud 38400 --snr 12 x.cs16\n" +
			"  gridstream synth --count 0 --nge-power 810 --nge-energy 1234.5 --rate 250k nge.cf32\n" +
			"  gridstream synth --count 50 --hop --truth truth.jsonl rec.cu8 && gridstream demod rec.cu8",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Category: catSignal,
				Usage: "sample format: cu8, cs8, cs16, cf32 (default from FILE's extension, else cu8)"},
			&cli.StringFlag{Name: "rate", Aliases: []string{"s"}, Category: catSignal, Value: "2.4M",
				Usage: "sample rate in samples/s (2.4M, 2400k, 250k, …) [100k to 100M]"},
			&cli.StringFlag{Name: "center-freq", Category: catSignal,
				Usage: "centre frequency written to the meta (default 915M for GridStream, 433.92M for NGE101, none when both are sent: no real receiver hears both bands at once) [up to 10G]"},
			&cli.Float64Flag{Name: "noise", Category: catSignal, Value: synth.DefaultNoiseDB,
				Usage: "noise power in dBFS (complex, over the whole band)"},
			&cli.BoolFlag{Name: "no-noise", Category: catSignal, Usage: "no noise at all (bursts keep the amplitude --snr gives them)"},
			&cli.StringFlag{Name: "snr", Category: catSignal, Value: "12:24",
				Usage: "burst SNR in dB over the noise: one value, or MIN:MAX for a uniform spread [-50 to 100]"},
			&cli.Uint64Flag{Name: "seed", Category: catSignal, Value: 1, Usage: "random seed: the same flags and seed give the same file"},
			&cli.Float64Flag{Name: "duration", Category: catSignal,
				Usage: "recording length in seconds (default: until 10 ms after the last burst)"},
			&cli.StringFlag{Name: "truth", Category: catSignal, Usage: "write the ground truth (one JSON line per burst) to this file"},

			&cli.StringSliceFlag{Name: "frame", Category: catGS,
				Usage: "send this frame: hex from the 2A byte through the CRC (00FF2A/80FF2A prefixes and spaces allowed; repeatable)"},
			&cli.IntFlag{Name: "count", Aliases: []string{"n"}, Category: catGS, Value: 10,
				Usage: "random valid GridStream frames to send (0 by default when --frame or --nge-* is given)"},
			&cli.StringSliceFlag{Name: "crc-init", Category: catGS, Value: cli.NewStringSlice("5FD6"),
				Usage: "CRC init(s) of the random frames' utility network, 4 hex digits (repeatable; default Oncor 5FD6)"},
			&cli.StringFlag{Name: "sync", Category: catGS, Value: "4,5",
				Usage: "sync-word versions to use: 4, 5 or 4,5 (--frame uses the first)"},
			&cli.StringFlag{Name: "baud", Category: catGS, Value: "9600,19200,38400",
				Usage: "symbol rates to choose from (--frame uses the first) [1200 to 50000, at most half the rate]"},
			&cli.StringFlag{Name: "deviation", Category: catGS,
				Usage: "FSK peak deviation in Hz (default ±12 kHz at 9600, ±16 kHz at 19200, ±20 kHz at 38400 baud) [up to 100k]"},
			&cli.Float64Flag{Name: "bt", Category: catGS, Value: 0.5, Usage: "Gaussian filter BT (0: plain 2-FSK)"},
			&cli.IntFlag{Name: "preamble-bits", Category: catGS, Usage: "preamble length (default random 16-52; --frame: 52)"},
			&cli.Float64Flag{Name: "interval", Category: catGS, Value: 0.02, Usage: "mean time between burst starts in seconds"},
			&cli.StringFlag{Name: "offset", Category: catGS,
				Usage: "carrier offset from the centre in Hz (with --hop: offset of the channel grid)"},
			&cli.BoolFlag{Name: "hop", Category: catGS, Usage: "hop: every random burst on a random free channel of the grid"},
			&cli.StringFlag{Name: "hop-grid", Category: catGS, Value: "100k", Usage: "hopping channel spacing in Hz"},
			&cli.StringFlag{Name: "max-offset", Category: catGS, Usage: "hopping: largest |offset| in Hz (default 40 % of the rate, 25 % when NGE101 packets share the band)"},
			&cli.BoolFlag{Name: "invert", Category: catGS, Usage: "invert the FSK polarity (a 1 on the lower tone) of every burst"},
			&cli.BoolFlag{Name: "random-polarity", Category: catGS, Usage: "invert about half of the random bursts"},
			&cli.Float64Flag{Name: "clock-ppm", Category: catGS, Usage: "random transmitter symbol-clock errors up to ±ppm"},

			&cli.Float64SliceFlag{Name: "nge-power", Category: catNGE, Usage: "send a 55-bit NGE101 power packet for this many W (repeatable)"},
			&cli.Float64SliceFlag{Name: "nge-energy", Category: catNGE, Usage: "send a 71-bit NGE101 energy packet for this many kWh (repeatable)"},
			&cli.IntFlag{Name: "nge-id", Category: catNGE, Value: 42, Usage: "NGE101 device id (0-255)"},
			&cli.IntFlag{Name: "nge-channel", Category: catNGE, Value: 1, Usage: "NGE101 channel (1-8)"},
			&cli.Float64Flag{Name: "nge-pulses-per-kwh", Category: catNGE, Value: nge101.DefaultPulsesPerKWh,
				Usage: "LED pulses per kWh used to turn W/kWh into the packet's pulse gap/count"},
			&cli.BoolFlag{Name: "nge-low-battery", Category: catNGE, Usage: "set the low-battery bit in energy packets"},
			&cli.StringFlag{Name: "nge-offset", Category: catNGE,
				Usage: "NGE101 carrier offset in Hz (default 20 % of the rate; 42 % with GridStream traffic, outside its channels)"},
			&cli.IntFlag{Name: "nge-repeats", Category: catNGE, Value: 1, Usage: "times each NGE101 packet is sent"},
			&cli.IntFlag{Name: "nge-every", Category: catNGE,
				Usage: "make every n-th random burst a random NGE101 packet (0: none)"},
		},
		Action: runSynth,
	}
}

// truthLine is one --truth JSON line.
type truthLine struct {
	Protocol string `json:"protocol"`
	// Raw is what a decoder prints in Message.Raw: the GridStream frame from
	// 0x2A through the CRC, or the NGE101 packet bits packed MSB first.
	Raw        string  `json:"raw"`
	Start      int64   `json:"start"`
	End        int64   `json:"end"`
	FrameStart int64   `json:"frame_start"`
	TimeS      float64 `json:"time_s"`
	OffsetHz   float64 `json:"offset_hz"`
	FreqHz     float64 `json:"freq_hz,omitempty"`
	Baud       int     `json:"baud,omitempty"`
	Deviation  float64 `json:"deviation,omitempty"`
	SNRdB      float64 `json:"snr_db"`
	Invert     bool    `json:"invert,omitempty"`
	Version    int     `json:"version,omitempty"`
	Bits       int     `json:"bits,omitempty"`
}

// synthPlan is what runSynth renders.
type synthPlan struct {
	rate, center float64
	format       iq.Format
	cfg          synth.Config
	src          synth.Source
}

func runSynth(c *cli.Context) error {
	if c.NArg() != 1 {
		return cli.Exit("synth: name one output FILE (or - for stdout); see gridstream synth --help", 2)
	}
	out := c.Args().First()
	plan, err := planSynth(c, out)
	if err != nil {
		return cli.Exit("synth: "+err.Error(), 2)
	}
	start := time.Now()
	var truths []synth.Truth
	plan.cfg.OnTruth = func(t synth.Truth) { truths = append(truths, t) }
	plan.cfg.KeepTruth = 1
	g := synth.New(plan.cfg, plan.src)

	var w io.Writer = os.Stdout
	var file *os.File
	if out != "-" {
		if file, err = os.Create(out); err != nil {
			return cli.Exit("synth: "+oneLineErr(err), 1)
		}
		defer file.Close()
		w = file
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	iw := iq.NewWriter(bw, plan.format)
	buf := make([]complex64, 1<<16)
	for {
		n, rerr := g.Read(buf)
		if _, err := iw.Write(buf[:n]); err != nil {
			return cli.Exit("synth: writing "+out+": "+oneLineErr(err), 1)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return cli.Exit("synth: "+rerr.Error(), 1)
		}
	}
	if err := bw.Flush(); err != nil {
		return cli.Exit("synth: writing "+out+": "+oneLineErr(err), 1)
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return cli.Exit("synth: "+oneLineErr(err), 1)
		}
	}
	lines := truthLines(truths, plan.rate, plan.center)
	metaPath := ""
	if out != "-" {
		meta := iq.Meta{
			Format: plan.format, SampleRate: plan.rate, CenterFreq: plan.center,
			Description: fmt.Sprintf("gridstream synth: %d bursts, seed %d", len(truths), c.Uint64("seed")),
			Recorder:    "gridstream synth",
			Author:      "gridstream synth",
		}
		for _, l := range lines {
			meta.Annotations = append(meta.Annotations, iq.Annotation{
				SampleStart: l.Start, SampleCount: l.End - l.Start,
				FreqLower: l.FreqHz - bandHalf(l), FreqUpper: l.FreqHz + bandHalf(l),
				Label: l.Protocol, Comment: l.Raw,
			})
		}
		if metaPath, err = iq.WriteSigMF(out, meta); err != nil {
			return cli.Exit("synth: writing the SigMF meta: "+oneLineErr(err), 1)
		}
	}
	if p := c.String("truth"); p != "" {
		if err := writeTruth(p, lines); err != nil {
			return cli.Exit("synth: --truth: "+oneLineErr(err), 1)
		}
	}
	if iw.Clipped() > 0 {
		slog.Warn("samples were clipped to the format's range: lower --snr or --noise", "values", iw.Clipped(), "format", plan.format)
	}
	samples := iw.Samples()
	slog.Info("synth done", "file", out, "meta", metaPath, "format", plan.format, "rate", plan.rate,
		"center_freq", plan.center, "samples", samples, "seconds", fmt.Sprintf("%.3f", float64(samples)/plan.rate),
		"bytes", samples*int64(plan.format.Size()), "bursts", len(truths), "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// bandHalf is about half the occupied bandwidth of a burst, for annotations.
func bandHalf(l truthLine) float64 {
	if l.Protocol == nge101.Name {
		return 5e3
	}
	return l.Deviation + float64(l.Baud)/2
}

// planSynth turns the flags into a generator configuration and burst source.
func planSynth(c *cli.Context, out string) (*synthPlan, error) {
	p := &synthPlan{}
	var err error
	hz := map[string]float64{}
	for _, name := range []string{"offset", "hop-grid", "max-offset", "nge-offset", "deviation"} {
		if c.String(name) == "" {
			continue
		}
		if hz[name], err = parseHz(c.String(name)); err != nil {
			return nil, fmt.Errorf("--%s: %v", name, err)
		}
	}
	if hz["hop-grid"] <= 0 || hz["max-offset"] < 0 || hz["deviation"] < 0 {
		return nil, errors.New("--hop-grid must be positive, --max-offset and --deviation not negative")
	}
	if p.rate, err = parseSampleRate("rate", c.String("rate")); err != nil {
		return nil, err
	}
	switch {
	case hz["hop-grid"] > p.rate:
		return nil, fmt.Errorf("--hop-grid %g Hz: at most the sample rate (%g)", hz["hop-grid"], p.rate)
	case hz["max-offset"] > p.rate/2:
		return nil, fmt.Errorf("--max-offset %g Hz is outside the band (±%g Hz)", hz["max-offset"], p.rate/2)
	case hz["deviation"] > maxDeviation || hz["deviation"] >= p.rate/2:
		return nil, fmt.Errorf("--deviation %g Hz: want at most %g Hz and under half the sample rate", hz["deviation"], maxDeviation)
	}
	if strings.EqualFold(filepath.Ext(out), iq.SigMFMetaExt) {
		return nil, fmt.Errorf("%s is a meta file name: name the data file (x.sigmf-data or x.cu8); the meta is written beside it", out)
	}
	switch {
	case c.String("format") != "":
		if p.format, err = iq.ParseFormat(c.String("format")); err != nil {
			return nil, fmt.Errorf("--format: %v", err)
		}
	case out == "-" || strings.EqualFold(filepath.Ext(out), iq.SigMFDataExt):
		p.format = iq.CU8
	default:
		if p.format = iq.FormatFromExt(out); p.format == iq.FormatUnknown {
			return nil, fmt.Errorf("can't tell the sample format of %q: name it .cu8/.cs8/.cs16/.cf32 or .sigmf-data, or pass --format", out)
		}
	}
	snr, err := parseRange(c.String("snr"))
	if err != nil {
		return nil, fmt.Errorf("--snr: %v", err)
	}
	if snr[0] < minSNR || snr[1] > maxSNR {
		return nil, fmt.Errorf("--snr %q: want %g to %g dB", c.String("snr"), minSNR, maxSNR)
	}
	bauds, err := parseBauds(c.String("baud"))
	if err != nil {
		return nil, err
	}
	for _, b := range bauds {
		if b <= 0 || b > p.rate/2 {
			return nil, fmt.Errorf("--baud %g: must be positive and at most half the sample rate", b)
		}
	}
	var versions []int
	for _, s := range strings.Split(c.String("sync"), ",") {
		switch strings.TrimSpace(s) {
		case "4":
			versions = append(versions, 4)
		case "5":
			versions = append(versions, 5)
		default:
			return nil, fmt.Errorf("--sync %q: want 4, 5 or 4,5", c.String("sync"))
		}
	}
	var inits []uint16
	for _, s := range c.StringSlice("crc-init") {
		for _, part := range strings.Split(s, ",") {
			in, err := gridstream.ParseInit(part)
			if err != nil {
				return nil, fmt.Errorf("--crc-init: %v", err)
			}
			inits = append(inits, in)
		}
	}
	var explicit []synth.Burst
	for _, s := range c.StringSlice("frame") {
		f, err := parseFrameHex(s)
		if err != nil {
			return nil, fmt.Errorf("--frame %q: %v", s, err)
		}
		explicit = append(explicit, synth.Burst{GridStream: &synth.GridStreamBurst{
			Frame: f, Trailer: 0x04, Version: versions[0], PreambleBits: c.Int("preamble-bits"),
			Baud: bauds[0], Deviation: hz["deviation"], FreqOffset: hz["offset"],
			Invert: c.Bool("invert"), BT: c.Float64("bt"), SNRdB: snr[1],
		}})
	}
	ppk := c.Float64("nge-pulses-per-kwh")
	id, ch := c.Int("nge-id"), c.Int("nge-channel")
	if id < 0 || id > 255 || ch < 1 || ch > 8 {
		return nil, errors.New("--nge-id must be 0-255 and --nge-channel 1-8")
	}
	if ppk <= 0 {
		return nil, errors.New("--nge-pulses-per-kwh must be positive")
	}
	nge := func(pkt []byte) synth.Burst {
		return synth.Burst{NGE101: &synth.NGE101Burst{Bits: pkt, Repeats: c.Int("nge-repeats"), SNRdB: snr[1]}}
	}
	for _, w := range c.Float64Slice("nge-power") {
		if !(w > 0) {
			return nil, fmt.Errorf("--nge-power %g: must be positive", w)
		}
		gap := math.Round(3.6864e9 / (ppk * w))
		if gap < 1 || gap >= 1<<19 {
			return nil, fmt.Errorf("--nge-power %g W: the pulse gap (%.0f/1024 s) does not fit 19 bits", w, gap)
		}
		explicit = append(explicit, nge(nge101.NewPacket(id, ch, false, uint64(gap), false)))
	}
	for _, e := range c.Float64Slice("nge-energy") {
		n := math.Round(e * ppk)
		if !(n >= 0) || n >= 1<<34 {
			return nil, fmt.Errorf("--nge-energy %g kWh: the pulse count does not fit 34 bits", e)
		}
		explicit = append(explicit, nge(nge101.NewPacket(id, ch, true, uint64(n), c.Bool("nge-low-battery"))))
	}
	count := c.Int("count")
	if !c.IsSet("count") && len(explicit) > 0 {
		count = 0
	}
	if count < 0 {
		return nil, errors.New("--count must not be negative")
	}
	// NGE101 packets stay clear of the GridStream channels: alone they sit
	// at 20 % of the rate (away from a real receiver's DC spike), with
	// GridStream traffic at 42 % while the hopping stays within 25 %.
	ngeOffset := hz["nge-offset"]
	if c.String("nge-offset") == "" {
		ngeOffset = math.Round(0.2*p.rate/1e3) * 1e3
		if count > 0 || len(c.StringSlice("frame")) > 0 {
			ngeOffset = math.Round(0.42*p.rate/1e3) * 1e3
		}
	}
	if math.Abs(ngeOffset) >= p.rate/2 {
		return nil, fmt.Errorf("--nge-offset %g Hz is outside the band (±%g Hz)", ngeOffset, p.rate/2)
	}
	for i := range explicit {
		if explicit[i].NGE101 != nil {
			explicit[i].NGE101.FreqOffset = ngeOffset
		}
	}
	hasGS := count > 0 || len(c.StringSlice("frame")) > 0
	hasNGE := len(c.Float64Slice("nge-power"))+len(c.Float64Slice("nge-energy")) > 0 || count > 0 && c.Int("nge-every") > 0
	switch {
	case hasGS && hasNGE:
		// 915 and 433.92 MHz never share a real receiver's band: leave the
		// centre unknown so a receiver looks for both.
		p.center = 0
	case hasGS:
		p.center = 915e6
	default:
		p.center = 433.92e6
	}
	if s := c.String("center-freq"); s != "" {
		if p.center, err = parseCenterFreq(s); err != nil {
			return nil, err
		}
	}
	if len(explicit) == 0 && count == 0 {
		return nil, errors.New("nothing to send: give --count N, --frame HEX or --nge-power/--nge-energy")
	}
	interval := c.Float64("interval")
	if !(interval > 0) {
		return nil, errors.New("--interval must be positive")
	}
	// Explicit bursts go first, one after the other.
	t := int64(0.01 * p.rate)
	for i := range explicit {
		explicit[i].Start = t
		t += explicit[i].Samples(p.rate) + int64(interval*p.rate)
	}
	src := synth.Bursts(explicit...)
	if count > 0 {
		hc := synth.HopConfig{
			SampleRate: p.rate, Seed: c.Uint64("seed"), Count: count, Start: t, Interval: interval,
			Bauds: bauds, SNRdB: snr, CRCInits: inits, Versions: versions,
			BT: c.Float64("bt"), RandomPolarity: c.Bool("random-polarity"), ClockPPM: c.Float64("clock-ppm"),
			NGE101Every: c.Int("nge-every"), NGE101Offset: ngeOffset,
			// Bursts closer than a few ms on one channel look like one
			// burst to a receiver (and real meters hop between them).
			Guard: 0.005,
		}
		if c.Float64("bt") == 0 {
			hc.BT = -1
		}
		if n := c.Int("preamble-bits"); n > 0 {
			hc.PreambleBits = [2]int{n, n}
		}
		if c.Bool("hop") {
			hc.Grid, hc.GridOffset, hc.MaxOffset = hz["hop-grid"], hz["offset"], hz["max-offset"]
			if hc.MaxOffset == 0 && hasNGE {
				hc.MaxOffset = 0.25 * p.rate
			}
		} else {
			// One channel at --offset.
			hc.Grid, hc.GridOffset, hc.MaxOffset = 1e12, hz["offset"], math.Abs(hz["offset"])+1
		}
		if math.Abs(hc.GridOffset) >= p.rate/2 {
			return nil, fmt.Errorf("--offset %g Hz is outside the band (±%g Hz)", hc.GridOffset, p.rate/2)
		}
		src = &chainSource{srcs: []synth.Source{src, &adjustSource{src: synth.NewHopper(hc),
			invert: c.Bool("invert"), deviation: hz["deviation"]}}}
	}
	p.src = src
	p.cfg = synth.Config{SampleRate: p.rate, NoiseDB: c.Float64("noise"), NoNoise: c.Bool("no-noise"), Seed: c.Uint64("seed")}
	if d := c.Float64("duration"); d > 0 {
		p.cfg.Samples = int64(d * p.rate)
	} else if d < 0 {
		return nil, errors.New("--duration must be positive")
	}
	return p, nil
}

// chainSource plays its sources one after the other.
type chainSource struct{ srcs []synth.Source }

func (c *chainSource) Next() (synth.Burst, bool) {
	for len(c.srcs) > 0 {
		if b, ok := c.srcs[0].Next(); ok {
			return b, true
		}
		c.srcs = c.srcs[1:]
	}
	return synth.Burst{}, false
}

// adjustSource applies --invert and --deviation to random bursts.
type adjustSource struct {
	src       synth.Source
	invert    bool
	deviation float64
}

func (a *adjustSource) Next() (synth.Burst, bool) {
	b, ok := a.src.Next()
	if ok && b.GridStream != nil {
		if a.invert {
			b.GridStream.Invert = !b.GridStream.Invert
		}
		if a.deviation > 0 {
			b.GridStream.Deviation = a.deviation
		}
	}
	return b, ok
}

// parseFrameHex reads a GridStream frame in hex, with or without the
// 00FF/80FF prefix before the 2A byte.
func parseFrameHex(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == ':' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X"))
	b, err := hex.DecodeString(clean)
	if err != nil {
		return nil, errors.New("not hex")
	}
	if len(b) >= 3 && (b[0] == 0x00 || b[0] == 0x80) && b[1] == 0xFF && b[2] == 0x2A {
		b = b[2:]
	}
	if len(b) < 4 || b[0] != 0x2A {
		return nil, errors.New("a frame starts with the 2A byte and has at least a type and a length")
	}
	return b, nil
}

// parseRange parses "20" or "10:30" into [min, max].
func parseRange(s string) ([2]float64, error) {
	lo, hi, found := strings.Cut(s, ":")
	a, err := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	if err != nil || math.IsNaN(a) || math.IsInf(a, 0) {
		return [2]float64{}, fmt.Errorf("%q: want a number or MIN:MAX", s)
	}
	b := a
	if found {
		if b, err = strconv.ParseFloat(strings.TrimSpace(hi), 64); err != nil || math.IsNaN(b) || math.IsInf(b, 0) || b < a {
			return [2]float64{}, fmt.Errorf("%q: want MIN:MAX with MIN ≤ MAX", s)
		}
	}
	return [2]float64{a, b}, nil
}

// truthLines turns the generator's truth into --truth lines.
func truthLines(ts []synth.Truth, rate, center float64) []truthLine {
	out := make([]truthLine, 0, len(ts))
	for _, t := range ts {
		l := truthLine{
			Protocol: t.Protocol, Start: t.Start, End: t.End, FrameStart: t.FrameStart,
			TimeS: math.Round(float64(t.FrameStart)/rate*1e6) / 1e6, OffsetHz: t.FreqHz,
			Baud: t.Baud, Deviation: t.Deviation, SNRdB: math.Round(t.SNRdB*100) / 100,
			Invert: t.Invert, Version: t.Version,
		}
		if center > 0 {
			l.FreqHz = center + t.FreqHz
		}
		if t.Protocol == nge101.Name {
			l.Bits = len(t.Bits)
			l.Raw = strings.ToUpper(hex.EncodeToString(bitio.Pack(t.Bits)))
		} else {
			l.Raw = strings.ToUpper(hex.EncodeToString(t.Frame))
		}
		out = append(out, l)
	}
	return out
}

func writeTruth(path string, lines []truthLine) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	for i := range lines {
		if err := enc.Encode(&lines[i]); err != nil {
			f.Close()
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// oneLineErr flattens an error to one line.
func oneLineErr(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// parseHz parses a signed frequency with an optional SI suffix: "-100k",
// "+1.2M", "25000".
func parseHz(s string) (float64, error) {
	t := strings.TrimSpace(s)
	sign := 1.0
	if strings.HasPrefix(t, "-") {
		sign, t = -1, t[1:]
	} else {
		t = strings.TrimPrefix(t, "+")
	}
	v, err := iq.ParseSI(t)
	if err != nil {
		return 0, err
	}
	return sign * v, nil
}

package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/synth"
)

const (
	catSignal = "Signal"
	catGS     = "GridStream traffic"
	catNGE    = "NGE101 packets"
	catImpair = "Impairments"
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
			"  gridstream synth --count 50 --hop --truth truth.jsonl rec.cu8 && gridstream demod rec.cu8\n" +
			"  gridstream synth --scenario near-far --rate 250k --snr 10 --truth t.jsonl nf.cu8\n\n" +
			"Impairments (the README's impairment table; flags given override the scenario's):\n" +
			synth.ScenarioList(),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Category: catSignal,
				Usage: "sample format: cu8, cs8, cs16, cf32 (default from FILE's extension, else cu8)"},
			&cli.StringFlag{Name: "rate", Aliases: []string{"s"}, Category: catSignal, Value: "2.4M",
				Usage: "sample rate in samples/s (2.4M, 2400k, 250k, …) [100k to 100M]"},
			&cli.StringFlag{Name: "center-freq", Category: catSignal,
				Usage: "centre frequency written to the meta (default 915M for GridStream, 433.92M for NGE101, none when both are sent: no real receiver hears both bands at once) [100k to 10G]"},
			cliflags.Ranged(&cli.Float64Flag{Name: "noise", Category: catSignal, Value: synth.DefaultNoiseDB,
				Usage: "noise power in dBFS (complex, over the whole band)"}, cliflags.Range{Min: -200, Max: 0, Unit: "dBFS"}),
			&cli.BoolFlag{Name: "no-noise", Category: catSignal, Usage: "no noise at all (bursts keep the amplitude --snr gives them)"},
			&cli.StringFlag{Name: "snr", Category: catSignal, Value: "12:24",
				Usage: "burst SNR in dB over the noise: one value, or MIN:MAX for a uniform spread [-50 to 100]"},
			&cli.Uint64Flag{Name: "seed", Category: catSignal, Value: 1, Usage: "random seed: the same flags and seed give the same file"},
			cliflags.Ranged(&cli.Float64Flag{Name: "duration", Category: catSignal,
				Usage: "recording length in seconds (default: until 10 ms after the last burst)"}, cliflags.Range{Min: 0, Max: 86400, Unit: "s"}),
			&cli.StringFlag{Name: "truth", Category: catSignal, Usage: "write the ground truth (one JSON line per burst) to this file"},

			&cli.StringSliceFlag{Name: "frame", Category: catGS,
				Usage: "send this frame: hex from the 2A byte through the CRC (00FF2A/80FF2A prefixes and spaces allowed; repeatable)"},
			cliflags.Ranged(&cli.IntFlag{Name: "count", Aliases: []string{"n"}, Category: catGS, Value: 10,
				Usage: "random valid GridStream frames to send (0 by default when --frame or --nge-* is given)"},
				cliflags.Range{Min: 0, Max: 100000, Unit: "frames"}),
			&cli.StringSliceFlag{Name: "crc-init", Category: catGS, Value: cli.NewStringSlice("5FD6"),
				Usage: "CRC init(s) of the random frames' utility network, 4 hex digits (repeatable; default Oncor 5FD6)"},
			&cli.StringFlag{Name: "sync", Category: catGS, Value: "4,5",
				Usage: "sync-word versions to use: 4, 5 or 4,5 (--frame uses the first)"},
			&cli.StringFlag{Name: "baud", Category: catGS, Value: "9600,19200,38400",
				Usage: "symbol rates to choose from (--frame uses the first) [1200 to 50000, at most half the rate]"},
			&cli.StringFlag{Name: "deviation", Category: catGS,
				Usage: "FSK peak deviation in Hz (default ±12 kHz at 9600, ±16 kHz at 19200, ±20 kHz at 38400 baud) [up to 100k]"},
			&cli.StringFlag{Name: "bt", Category: catGS, Value: "0.5", Usage: "Gaussian filter BT, or MIN:MAX drawn per burst (0: plain 2-FSK) [0.1 to 2]"},
			cliflags.Ranged(&cli.IntFlag{Name: "preamble-bits", Category: catGS, Usage: "preamble length (default random 16-52; --frame: 52)"},
				cliflags.Range{Min: 16, Max: 256, Zero: true, Unit: "bits"}),
			cliflags.Ranged(&cli.Float64Flag{Name: "interval", Category: catGS, Value: 0.02, Usage: "mean time between burst starts in seconds"},
				cliflags.Range{Min: 0.001, Max: 3600, Unit: "s"}),
			&cli.StringFlag{Name: "offset", Category: catGS,
				Usage: "carrier offset from the centre in Hz (with --hop: offset of the channel grid)"},
			&cli.BoolFlag{Name: "hop", Category: catGS, Usage: "hop: every random burst on a random free channel of the grid"},
			&cli.StringFlag{Name: "hop-grid", Category: catGS, Value: "100k", Usage: "hopping channel spacing in Hz"},
			&cli.StringFlag{Name: "max-offset", Category: catGS, Usage: "hopping: largest |offset| in Hz (default 40 % of the rate, 25 % when NGE101 packets share the band)"},
			&cli.BoolFlag{Name: "invert", Category: catGS, Usage: "invert the FSK polarity (a 1 on the lower tone) of every burst"},
			&cli.BoolFlag{Name: "random-polarity", Category: catGS, Usage: "invert about half of the random bursts"},
			cliflags.Ranged(&cli.Float64Flag{Name: "clock-ppm", Category: catGS, Usage: "random transmitter symbol-clock errors up to ±ppm"},
				cliflags.Range{Min: 0, Max: 1000, Unit: "ppm"}),
			&cli.StringFlag{Name: "jitter", Category: catGS, Usage: "random transmitter frequency errors up to ±Hz around the channel (3k) [up to a quarter of the rate]"},
			&cli.StringSliceFlag{Name: "length", Category: catGS,
				Usage: "make every random frame 0xD5 with this length field, hex (FD: the longest tested, 2.6 kbit on air; repeatable)"},
			&cli.BoolFlag{Name: "broadcast", Category: catGS, Usage: "make every random frame a 0x55 broadcast (length 0x23, 39 bytes)"},

			&cli.StringFlag{Name: "scenario", Category: catImpair, Usage: "apply a named impairment (listed above)"},
			&cli.StringFlag{Name: "mod-index", Category: catImpair, Usage: "modulation index h per burst, MIN:MAX (deviation = h·baud/2) [0.1 to 10]"},
			cliflags.Ranged(&cli.Float64Flag{Name: "drift", Category: catImpair, Usage: "carrier drift over each burst up to ±Hz"},
				cliflags.Range{Min: 0, Max: 100e3, Unit: "Hz"}),
			cliflags.Ranged(&cli.Float64Flag{Name: "clock-drift", Category: catImpair, Usage: "symbol-clock drift over each burst up to ±ppm"},
				cliflags.Range{Min: 0, Max: 10000, Unit: "ppm"}),
			cliflags.Ranged(&cli.Float64Flag{Name: "fading", Category: catImpair, Usage: "log-normal per-burst fading: spread (standard deviation) in dB"},
				cliflags.Range{Min: 0, Max: 30, Unit: "dB"}),
			&cli.StringFlag{Name: "collide", Category: catImpair,
				Usage: "send a second burst with each: co-channel (overlapping, same channel), adjacent (overlapping, 100 kHz away) or near-far (same channel, just before)"},
			cliflags.Ranged(&cli.Float64Flag{Name: "collide-level", Category: catImpair,
				Usage: "the second burst's level relative to the wanted one in dB (default -10 co-channel, +10 adjacent, +20 near-far)"},
				cliflags.Range{Min: -60, Max: 60, Unit: "dB"}),
			&cli.StringFlag{Name: "collide-gap", Category: catImpair, Usage: "near-far: silence between the two bursts in seconds, MIN:MAX (default 0.002:0.02)"},
			cliflags.Ranged(&cli.Float64Flag{Name: "rx-ppm", Category: catImpair,
				Usage: "receiver crystal error in ppm (positive: fast, every burst appears ppm·centre lower; what rtl_tcp's --ppm corrects)"},
				cliflags.Range{Min: -1000, Max: 1000, Unit: "ppm"}),
			&cli.StringFlag{Name: "dc", Category: catImpair, Usage: "receiver DC offset I,Q in full-scale units (0.02,-0.01)"},
			&cli.StringFlag{Name: "iq-imbalance", Category: catImpair, Usage: "receiver IQ imbalance GAIN_DB,PHASE_DEG (1,5) [±6 dB, ±45°]"},
			cliflags.Ranged(&cli.IntFlag{Name: "adc-bits", Category: catImpair, Usage: "quantise as a converter of this many bits, clipping at full scale (8: an RTL-SDR; 0: none)"},
				cliflags.Range{Min: 0, Max: 24, Unit: "bits"}),
			&cli.StringSliceFlag{Name: "interferer", Category: catImpair,
				Usage: "continuous interferer KIND:OFFSET:SNR[:BAUD[:DEVIATION]] (fsk:100k:30, ook:-200k:25:2000; repeatable)"},

			cliflags.Ranged(&cli.Float64SliceFlag{Name: "nge-power", Category: catNGE, Usage: "send a 55-bit NGE101 power packet for this many W (repeatable)"},
				cliflags.Range{Min: 0, Max: 1e7, Unit: "W"}),
			cliflags.Ranged(&cli.Float64SliceFlag{Name: "nge-energy", Category: catNGE, Usage: "send a 71-bit NGE101 energy packet for this many kWh (repeatable)"},
				cliflags.Range{Min: 0, Max: 1e9, Unit: "kWh"}),
			cliflags.Ranged(&cli.IntFlag{Name: "nge-id", Category: catNGE, Value: 42, Usage: "NGE101 device id (0-255)"},
				cliflags.Range{Min: 0, Max: 255, Stated: true}),
			cliflags.Ranged(&cli.IntFlag{Name: "nge-channel", Category: catNGE, Value: 1, Usage: "NGE101 channel (1-8)"},
				cliflags.Range{Min: 1, Max: 8, Stated: true}),
			cliflags.Ranged(&cli.Float64Flag{Name: "nge-pulses-per-kwh", Category: catNGE, Value: optionDefault("nge-pulses-per-kwh").(float64),
				Usage: "LED pulses per kWh used to turn W/kWh into the packet's pulse gap/count"}, optionRange("nge-pulses-per-kwh")),
			&cli.BoolFlag{Name: "nge-low-battery", Category: catNGE, Usage: "set the low-battery bit in energy packets"},
			&cli.StringFlag{Name: "nge-offset", Category: catNGE,
				Usage: "NGE101 carrier offset in Hz (default 20 % of the rate; 42 % with GridStream traffic, outside its channels)"},
			cliflags.Ranged(&cli.IntFlag{Name: "nge-repeats", Category: catNGE, Value: 1, Usage: "times each NGE101 packet is sent"},
				cliflags.Range{Min: 1, Max: 10, Unit: "times"}),
			cliflags.Ranged(&cli.IntFlag{Name: "nge-every", Category: catNGE,
				Usage: "make every n-th random burst a random NGE101 packet (0: none)"}, cliflags.Range{Min: 0, Max: 1000}),
			&cli.StringFlag{Name: "nge-ending", Category: catNGE, Value: synth.NGEOpen,
				Usage: "how packets whose last cell ends low (carrier off) finish: open (nothing follows), pulse (a half-cell closing pulse follows, as some transmitters send), mixed (either, at random)"},
			&cli.StringFlag{Name: "nge-clock-error", Category: catNGE, Value: "0",
				Usage: "NGE101 transmitter clock error in percent (cells longer when positive): one value, or MIN:MAX for a uniform spread [-10 to 10]"},
			&cli.StringFlag{Name: "nge-interferer", Category: catNGE,
				Usage: "send another 433 MHz OOK device (a PWM weather sensor) beside every --nge-power/--nge-energy packet: nearby (overlapping in time, --nge-interferer-offset away) or gaps (on the same carrier, just before and after each packet)"},
			&cli.StringFlag{Name: "nge-interferer-offset", Category: catNGE, Value: "-100k",
				Usage: "with --nge-interferer nearby: the sensor's carrier in Hz from the NGE101's"},
			cliflags.Ranged(&cli.Float64Flag{Name: "nge-interferer-snr", Category: catNGE,
				Usage: "the sensor's SNR in dB (default 6 dB over the NGE101 packets')"}, cliflags.Range{Min: -50, Max: 100, Unit: "dB"}),
		},
		Action: runSynth,
	}
}

func runSynth(c *cli.Context) error {
	if c.NArg() != 1 {
		return cli.Exit("synth: name one output FILE (or - for stdout); see gridstream synth --help", 2)
	}
	out := c.Args().First()
	plan, format, err := planSynth(c, out)
	if err != nil {
		return cli.Exit("synth: "+err.Error(), 2)
	}
	start := time.Now()
	rec, metaPath, err := plan.WriteFiles(out, format, c.String("truth"), os.Stdout)
	if err != nil {
		return cli.Exit("synth: "+oneLineErr(err), 1)
	}
	if rec.Clipped > 0 {
		slog.Warn("samples were clipped to the format's range: lower --snr or --noise", "values", rec.Clipped, "format", format)
	}
	slog.Info("synth done", "file", out, "meta", metaPath, "format", format, "rate", plan.SampleRate,
		"center_freq", plan.CenterFreq, "samples", rec.Samples, "seconds", fmt.Sprintf("%.3f", float64(rec.Samples)/plan.SampleRate),
		"bytes", rec.Samples*int64(format.Size()), "bursts", len(rec.Truth), "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// planSynth turns the flags into a rendering plan and the sample format of
// out.
func planSynth(c *cli.Context, out string) (*synth.Plan, iq.Format, error) {
	o, err := synth.OptionsFrom(c)
	if err != nil {
		return nil, 0, err
	}
	if o.SampleRate, err = demod.ParseSampleRate(c.String("rate")); err != nil {
		return nil, 0, fmt.Errorf("--rate %v", err)
	}
	if o.Bauds, err = demod.ParseBauds(c.String("baud")); err != nil {
		return nil, 0, fmt.Errorf("--baud %v", err)
	}
	format, err := iq.OutputFormat(out, c.String("format"))
	if err != nil {
		return nil, 0, err
	}
	plan, err := o.Plan()
	return plan, format, err
}

// oneLineErr flattens an error to one line.
func oneLineErr(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

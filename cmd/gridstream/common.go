package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/bits"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/sink"
)

const (
	catDecoding = "Decoding"
	catOutput   = "Output"
)

// decoderFlags are the flags every decoding command shares.
func decoderFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "crc-init", Category: catDecoding,
			Usage: "extra utility CRC init, 4 hex digits (repeatable); the built-in table and learned networks are always tried"},
		&cli.StringFlag{Name: "state", Category: catDecoding, Value: frames.DefaultStatePath(),
			Usage: "file where learned utility networks persist across runs (\"\" keeps them in memory)"},
		&cli.BoolFlag{Name: "no-learn", Category: catDecoding,
			Usage: "do not learn CRC inits of unknown networks (two different frames must agree before one is trusted)"},
		&cli.BoolFlag{Name: "all", Category: catDecoding,
			Usage: "also emit frames whose CRC or check fails, with crc_ok:false (by default they are only counted)"},
		&cli.StringFlag{Name: "protocol", Category: catDecoding, Value: "gridstream,nge101",
			Usage: "protocols to look for in bit streams: gridstream, nge101, or both"},
		&cli.BoolFlag{Name: "invert", Category: catDecoding,
			Usage: "invert every bit (the FSK tone polarity is not standardized)"},
		&cli.IntFlag{Name: "preamble-bits", Category: catDecoding, Value: bits.DefaultPreambleBits,
			Usage: "preamble bits compared before the sync's framing bits (16-40)"},
		&cli.IntFlag{Name: "sync-errors", Category: catDecoding, Value: bits.DefaultSyncErrors,
			Usage: "wrong preamble bits tolerated (the 20/21 framing bits must be exact)"},
		&cli.IntFlag{Name: "framing-errors", Category: catDecoding, Value: bits.DefaultFramingErrors,
			Usage: "wrong UART start/stop bits tolerated inside a frame of known length (the CRC still vouches)"},
		&cli.Float64Flag{Name: "nge-pulses-per-kwh", Category: catDecoding, Value: frames.DefaultPulsesPerKWh,
			Usage: "LED pulses per kWh of the meter an NGE101 transmitter watches"},
	}
}

// newDecoder builds the shared decoder from the decoder flags.
func newDecoder(c *cli.Context) (*frames.Decoder, error) {
	var inits []uint16
	for _, s := range c.StringSlice("crc-init") {
		for _, part := range strings.Split(s, ",") {
			in, err := frames.ParseInit(part)
			if err != nil {
				return nil, fmt.Errorf("--crc-init: %w", err)
			}
			inits = append(inits, in)
		}
	}
	if c.Float64("nge-pulses-per-kwh") <= 0 {
		return nil, errors.New("--nge-pulses-per-kwh must be positive")
	}
	dec, err := frames.NewDecoder(frames.DecoderOptions{
		CRCInits:     inits,
		StatePath:    c.String("state"),
		NoLearn:      c.Bool("no-learn"),
		EmitFailed:   c.Bool("all"),
		PulsesPerKWh: c.Float64("nge-pulses-per-kwh"),
	})
	if err != nil {
		return nil, fmt.Errorf("%w (fix or delete the file, or choose another with --state)", err)
	}
	return dec, nil
}

// openDecoding builds the shared decoder and opens the outputs every
// decoding command needs; its errors are ready to return from an Action.
func openDecoding(c *cli.Context) (*frames.Decoder, *sink.Fanout, error) {
	dec, err := newDecoder(c)
	if err != nil {
		return nil, nil, cli.Exit(err.Error(), 2)
	}
	out, err := newOutputs(c)
	if err != nil {
		return nil, nil, cli.Exit(err.Error(), 2)
	}
	return dec, out, nil
}

// pipelineConfig builds a channel configuration from the decoder flags.
func pipelineConfig(c *cli.Context, dec *frames.Decoder, input string) (pipeline.Config, error) {
	cfg := pipeline.Config{
		Decoder: dec,
		Input:   input,
		Deframer: bits.DeframerOptions{
			PreambleBits:  c.Int("preamble-bits"),
			SyncErrors:    c.Int("sync-errors"),
			FramingErrors: c.Int("framing-errors"),
		},
	}
	if p := c.Int("preamble-bits"); p < 16 || p > 40 {
		return cfg, fmt.Errorf("--preamble-bits %d: must be 16-40", p)
	}
	if e := c.Int("sync-errors"); e < 0 || e > c.Int("preamble-bits") {
		return cfg, fmt.Errorf("--sync-errors %d: must be 0-%d", e, c.Int("preamble-bits"))
	}
	for _, p := range strings.Split(c.String("protocol"), ",") {
		switch strings.TrimSpace(strings.ToLower(p)) {
		case frames.ProtocolGridStream:
			cfg.GridStream = true
		case frames.ProtocolNGE101:
			cfg.NGE101 = true
		case "":
		default:
			return cfg, fmt.Errorf("--protocol: unknown protocol %q (want gridstream, nge101)", p)
		}
	}
	if !cfg.GridStream && !cfg.NGE101 {
		return cfg, errors.New("--protocol: name at least one protocol")
	}
	return cfg, nil
}

// outputFlags are the flags every decoding command shares for its outputs.
func outputFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Category: catOutput,
			Usage: "do not print JSON lines on stdout"},
	}, append(zmqOutFlags(), mqttFlags()...)...)
}

// newOutputs opens the sinks the output flags ask for.
func newOutputs(c *cli.Context) (*sink.Fanout, error) {
	o := &sink.Fanout{}
	if !c.Bool("quiet") {
		s, err := stdoutSink(c, os.Stdout)
		if err != nil {
			return nil, err
		}
		o.Add("stdout", s)
	}
	if err := addZMQ(c, o); err != nil {
		o.Close()
		return nil, err
	}
	if err := addMQTT(c, o); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

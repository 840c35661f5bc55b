package main

import (
	"context"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"
	"github.com/gridstream-sdr/gridstream/internal/buildinfo"
	"github.com/gridstream-sdr/gridstream/outputs"

	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
	"github.com/gridstream-sdr/gridstream/sink"
)

const (
	catDecoding = "Decoding"
	catOutput   = "Output"
)

// decoderFlags are the flags every decoding command shares: the generic
// ones, then every protocol's own options.
func decoderFlags() []cli.Flag {
	names := protocol.Names(protocols.All())
	flags := []cli.Flag{
		&cli.BoolFlag{Name: "all", Category: catDecoding,
			Usage: "also emit frames whose CRC or check fails, with crc_ok:false (by default they are only counted)"},
		&cli.StringFlag{Name: "protocol", Category: catDecoding, Value: strings.Join(names, ","),
			Usage: "protocols to look for, comma-separated: " + strings.Join(names, ", ")},
		&cli.BoolFlag{Name: "invert", Category: catDecoding,
			Usage: "invert every bit (the FSK tone polarity is not standardized)"},
	}
	for _, p := range protocols.All() {
		for _, o := range p.Options() {
			flags = append(flags, cliflags.OptionFlag(o, catDecoding))
		}
	}
	return flags
}

// optionRange returns the range of the protocol option called name.
func optionRange(name string) cliflags.Range { return cliflags.OptionRange(findOption(name)) }

// optionDefault returns the default value of the protocol option name.
func optionDefault(name string) any { return findOption(name).Value }

// findOption returns the protocol option called name.
func findOption(name string) protocol.Option {
	o, ok := protocol.FindOption(protocols.All(), name)
	if !ok {
		panic("no protocol option --" + name)
	}
	return o
}

// checkDecoding checks the decoding flags that go beyond one number's
// range: the protocol names, and each protocol's own checks.
func checkDecoding(c *cli.Context) error {
	if _, err := protocol.Select(protocols.All(), c.String("protocol")); err != nil {
		return err
	}
	return protocol.CheckOptions(protocols.All(), c)
}

// newDecoders builds every protocol's shared decoder from the decoder flags.
func newDecoders(c *cli.Context) ([]protocol.Decoder, error) {
	if err := checkDecoding(c); err != nil {
		return nil, err
	}
	return protocol.NewDecoders(protocols.All(), protocol.DecoderConfig{EmitFailed: c.Bool("all"),
		EmitUnchecked: outputs.RTL433(c), Settings: c})
}

// closeDecoders ends the shared decoders once every input has ended: state
// not saved yet (learned networks whose save another process's lock put
// off) is saved now; what cannot be is logged by the decoder.
func closeDecoders(decs []protocol.Decoder) { _ = protocol.CloseDecoders(decs) }

// openDecoding builds the shared decoders and opens the outputs every
// decoding command needs; its errors are ready to return from an Action.
func openDecoding(c *cli.Context) ([]protocol.Decoder, *sink.Fanout, error) {
	decs, err := newDecoders(c)
	if err != nil {
		return nil, nil, cli.Exit(err.Error(), 2)
	}
	out, err := newOutputs(c)
	if err != nil {
		return nil, nil, cli.Exit(err.Error(), 2)
	}
	return decs, out, nil
}

// pipelineConfig builds a channel configuration: the decoders --protocol
// chose, and the input's name.
func pipelineConfig(c *cli.Context, decs []protocol.Decoder, input string) (pipeline.Config, error) {
	chosen, err := protocol.Select(protocols.All(), c.String("protocol"))
	if err != nil {
		return pipeline.Config{}, err
	}
	cfg := pipeline.Config{Input: input}
	for _, d := range decs {
		if chosen[d.Protocol().Name()] {
			cfg.Decoders = append(cfg.Decoders, d)
		}
	}
	return cfg, nil
}

// decoderStats adds up the decoders' counters for a summary
// (protocol.SumSince from the start).
func decoderStats(decs []protocol.Decoder) []any { return protocol.SumSince(decs, nil) }

// outputFlags are the flags every decoding command shares for its outputs.
func outputFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Category: catOutput,
			Usage: "do not print JSON lines on stdout"},
	}, append(zmqOutFlags(), mqttFlags()...)...)
}

// newOutputs opens the sinks the output flags ask for. When the reader
// of every output went away (stdout was the only one, and `| head -1`
// closed it), it ends c.Context, and the command ends as if its input had
// (demod --waterfall reads on, for the picture).
func newOutputs(c *cli.Context) (*sink.Fanout, error) {
	o, err := outputs.Open(c, outputs.Config{Stdout: os.Stdout, Version: buildinfo.Version()})
	if err == nil && c.String("waterfall") == "" {
		ctx, stop := context.WithCancelCause(c.Context)
		c.Context, o.OnAllGone = ctx, func() { stop(sink.ErrReaderGone) }
	}
	return o, err
}

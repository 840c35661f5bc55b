package main

import (
	"context"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"
	"github.com/gridstream-sdr/gridstream/internal/buildinfo"
	"github.com/gridstream-sdr/gridstream/outputs"

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
			Usage: "also emit frames whose CRC or check fails, with crc_ok:false (by default they are only counted; so are NGE101 packets in bits that no second packet of their device confirmed)"},
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

// newDecoders builds every protocol's shared decoder from the decoder
// flags (all of them: their counts go into the summaries), and returns
// them with those --protocol chose.
func newDecoders(c *cli.Context) (all, chosen []protocol.Decoder, err error) {
	if err := checkDecoding(c); err != nil {
		return nil, nil, err
	}
	all, err = protocol.NewDecoders(protocols.All(), protocol.DecoderConfig{EmitFailed: c.Bool("all"),
		EmitUnchecked: outputs.RTL433(c), Settings: c})
	if err != nil {
		return nil, nil, err
	}
	names, _ := protocol.Select(protocols.All(), c.String("protocol")) // checked above
	for _, d := range all {
		if names[d.Protocol().Name()] {
			chosen = append(chosen, d)
		}
	}
	return all, chosen, nil
}

// closeDecoders ends the shared decoders once every input has ended: state
// not saved yet (learned networks whose save another process's lock put
// off) is saved now; what cannot be is logged by the decoder.
func closeDecoders(decs []protocol.Decoder) { _ = protocol.CloseDecoders(decs) }

// openDecoding builds the shared decoders (newDecoders) and opens the
// outputs every decoding command needs; its errors are ready to return
// from an Action.
func openDecoding(c *cli.Context) (all, chosen []protocol.Decoder, out *sink.Fanout, err error) {
	if all, chosen, err = newDecoders(c); err != nil {
		return nil, nil, nil, cli.Exit(err.Error(), 2)
	}
	if out, err = newOutputs(c); err != nil {
		return nil, nil, nil, cli.Exit(err.Error(), 2)
	}
	return all, chosen, out, nil
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

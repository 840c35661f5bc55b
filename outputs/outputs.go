// Package outputs opens the outputs a decoding command's flags ask for —
// JSON lines on stdout (gridstream's or rtl_433's dialect), msgpack and
// GNU Radio PMT PDUs on ZMQ PUB sockets, MQTT with Home Assistant
// discovery — as one sink.Fanout.
package outputs

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/gridstream-sdr/gridstream/mqttsink"
	"github.com/gridstream-sdr/gridstream/sink"
	"github.com/gridstream-sdr/gridstream/zmqsink"
)

// Settings are the values of the output flags by name (--all, --quiet,
// --format, --out, --out-pmt, --out-hwm, --out-max-subscribers and the
// MQTT flags of mqttsink.ConfigFrom); a *cli.Context is one.
type Settings interface {
	mqttsink.Settings
}

// Config is what Open needs besides the flags.
type Config struct {
	// Stdout receives the JSON lines (unless --quiet).
	Stdout io.Writer
	// Version names the program to MQTT (Home Assistant's sw_version).
	Version string
	// Logger receives the outputs' logs (nil: slog.Default()).
	Logger *slog.Logger
}

// Open opens the outputs the flags ask for. Unchecked frames (encrypted
// ones) go only to rtl_433's dialect unless --all asks for every frame
// everywhere. The error is one line naming the flag; what was opened is
// closed again.
func Open(s Settings, cfg Config) (*sink.Fanout, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	o := &sink.Fanout{OnlyGood: !s.Bool("all")}
	if !s.Bool("quiet") {
		lines, err := sink.NewLines(s.String("format"), cfg.Stdout)
		if err != nil {
			return nil, fmt.Errorf("--%w", err)
		}
		o.Add("stdout", lines)
	}
	if err := addZMQ(s, o, log); err != nil {
		o.Close()
		return nil, err
	}
	mqtt, ok, err := mqttsink.ConfigFrom(s)
	if ok && err == nil {
		mqtt.Version = cfg.Version
		var m sink.Sink
		if m, err = mqttsink.New(mqtt, log); err == nil {
			o.Add("mqtt", m)
		}
	}
	if err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// addZMQ opens the ZMQ sinks --out and --out-pmt ask for.
func addZMQ(s Settings, o *sink.Fanout, log *slog.Logger) error {
	cfg := zmqsink.Config{HWM: s.Int("out-hwm"), MaxSubscribers: s.Int("out-max-subscribers"), Logger: log}
	if ep := s.String("out"); ep != "" {
		cfg.Endpoint = ep
		z, err := zmqsink.NewMsgpackSink(cfg)
		if err != nil {
			return fmt.Errorf("--out %s: %v", ep, err)
		}
		log.Info("publishing msgpack", "endpoint", z.Endpoint())
		o.Add("zmq msgpack "+ep, z)
	}
	if ep := s.String("out-pmt"); ep != "" {
		cfg.Endpoint = ep
		z, err := zmqsink.NewPMTSink(cfg)
		if err != nil {
			return fmt.Errorf("--out-pmt %s: %v", ep, err)
		}
		log.Info("publishing PMT PDUs", "endpoint", z.Endpoint())
		o.Add("zmq pmt "+ep, z)
	}
	return nil
}

// RTL433 reports whether an output speaks rtl_433's dialect, which
// prints encrypted frames as rtl_433 does.
func RTL433(s Settings) bool {
	return !s.Bool("quiet") && strings.EqualFold(s.String("format"), sink.FormatRTL433) ||
		s.String("mqtt") != "" && strings.EqualFold(s.String("mqtt-format"), mqttsink.FormatRTL433)
}

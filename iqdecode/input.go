package iqdecode

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/iq"
)

// Input says what a run reads and how: the input's name (a file, "-" for
// stdin, or rtl_tcp://HOST:PORT), how to open it, and what only a live
// rtl_tcp input or only a recording takes.
type Input struct {
	Name    string
	Options iq.Options
	// AutoPPM corrects an rtl_tcp tuner from the traffic (Config.AutoPPM);
	// Reconnect redials it (Config.Reopen).
	AutoPPM, Reconnect bool
	// Start is when a recording began (zero: unknown).
	Start time.Time
}

// Settings are the values of the input's flags by name (a *cli.Context is
// one).
type Settings interface {
	String(name string) string
	Bool(name string) bool
	Duration(name string) time.Duration
}

// InputFrom reads the input's flags for the input name: --input-format,
// --rate (the receiver's range), --center-freq, and for rtl_tcp --gain,
// --agc, --ppm (or auto), --timeout and --reconnect; not Start. The error
// is one line naming the flag.
func InputFrom(name string, s Settings) (Input, error) {
	in := Input{Name: name, Reconnect: s.Bool("reconnect")}
	o := &in.Options
	var err error
	if v := s.String("input-format"); v != "" {
		if o.Format, err = iq.ParseFormat(v); err != nil {
			return in, fmt.Errorf("--input-format: %v", err)
		}
	}
	if v := s.String("rate"); v != "" {
		if o.SampleRate, err = demod.ParseSampleRate(v); err != nil {
			return in, fmt.Errorf("--rate %v", err)
		}
	}
	if v := s.String("center-freq"); v != "" {
		if o.CenterFreq, err = iq.ParseCenterFreq(v); err != nil {
			return in, fmt.Errorf("--center-freq %v", err)
		}
	}
	if o.Gain, err = iq.ParseGain(s.String("gain")); err != nil {
		return in, fmt.Errorf("--gain %v", err)
	}
	if o.PPM, in.AutoPPM, err = iq.ParsePPM(s.String("ppm")); err != nil {
		return in, fmt.Errorf("--ppm %v", err)
	}
	o.AGC, o.Timeout = s.Bool("agc"), s.Duration("timeout")
	return in, nil
}

// Live reports whether the input is an rtl_tcp server.
func (in Input) Live() bool { return strings.HasPrefix(strings.ToLower(in.Name), iq.RTLTCPScheme) }

// Check refuses settings the input cannot take: a redial, an automatic
// frequency correction (which also needs the centre frequency) or a start
// time where they make no sense, and stdin without a sample rate. The
// error is one line naming the flag (--reconnect, --ppm auto,
// --start-time, --rate).
func (in Input) Check() error {
	live := in.Live()
	switch {
	case in.Reconnect && !live:
		return errors.New("--reconnect is for rtl_tcp:// inputs")
	case in.AutoPPM && !live:
		return errors.New("--ppm auto is for rtl_tcp:// inputs (the summary reports the frequency error of every input)")
	case in.AutoPPM && in.Options.CenterFreq == 0:
		return errors.New("--ppm auto needs --center-freq: the channel grid is in absolute frequencies")
	case live && !in.Start.IsZero():
		return errors.New("--start-time is for recordings; messages from rtl_tcp carry the time they are received")
	case in.Name == "-" && in.Options.SampleRate == 0:
		return errors.New("stdin: the sample rate is unknown: pass --rate (e.g. --rate 2.4M)")
	}
	return nil
}

// Open opens the input. A sample rate below the receiver's
// (demod.MinSampleRate) is an error that errors.Is iq.ErrBadValue, as
// other values out of range are. Without a Start, a SigMF meta's
// core:datetime becomes the start (one that cannot be read is logged on
// log: messages then get the time they are decoded).
func (in *Input) Open(log *slog.Logger) (*iq.Source, error) {
	src, err := iq.Open(in.Name, in.Options)
	if err != nil {
		return nil, err
	}
	if r := src.Info.SampleRate; r < demod.MinSampleRate {
		src.Close()
		return nil, badValue(fmt.Sprintf("%s: sample rate %s S/s: the receiver needs at least %s S/s",
			in.Name, iq.FormatSI(r), iq.FormatSI(demod.MinSampleRate)))
	}
	if in.Start.IsZero() {
		t, ok, err := src.Info.Meta.StartTime(src.Info.SampleRate)
		if err != nil {
			log.Warn("messages get the time they are decoded", "input", in.Name, "err", err)
		}
		if ok {
			in.Start = t
		}
	}
	return src, nil
}

// Reopen reopens a live input that hung up (Config.Reopen), when
// Reconnect asks for it; nil otherwise.
func (in Input) Reopen() func() (*iq.Source, error) {
	if !in.Reconnect {
		return nil
	}
	return func() (*iq.Source, error) { return iq.Open(in.Name, in.Options) }
}

// badValue is an error about a value, which errors.Is iq.ErrBadValue.
type badValue string

func (e badValue) Error() string        { return string(e) }
func (e badValue) Is(target error) bool { return target == iq.ErrBadValue }

package gnuradio

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// Settings are the values of decode's input flags by name (a *cli.Context
// is one).
type Settings interface {
	String(name string) string
	Bool(name string) bool
	Float64(name string) float64
	StringSlice(name string) []string
	Duration(name string) time.Duration
}

// SpecsFrom reads decode's inputs from the flags: every --in, then every
// --in-pull (PULL sockets), each ENDPOINT[?options] over the defaults of
// --input-format, --level-rate, --invert, --key and --pass-tags
// (ParseSpec), redialing up to --reconnect-max apart, logging on log. A
// levels input's rate must be at least minLevelRate (what the OOK
// protocols' line coding needs). The error is one line naming the input.
func SpecsFrom(s Settings, minLevelRate float64, log *slog.Logger) ([]Spec, error) {
	def := Spec{Format: s.String("input-format"), Rate: s.Float64("level-rate"), Invert: s.Bool("invert"),
		Source: zmqsource.Config{Key: s.String("key"), PassTags: s.Bool("pass-tags"), Logger: log,
			RetryMax: s.Duration("reconnect-max"), RetryMin: min(100*time.Millisecond, s.Duration("reconnect-max"))}}
	var specs []Spec
	for _, flag := range []string{"in", "in-pull"} {
		def.Source.Pull = flag == "in-pull"
		for _, raw := range s.StringSlice(flag) {
			sp, err := ParseSpec(raw, def)
			switch {
			case errors.Is(err, ErrNoRate) && sp.Format == FM:
				err = fmt.Errorf("%w (?rate=, per channel)", err)
			case errors.Is(err, ErrNoRate):
				err = fmt.Errorf("%w (--level-rate or ?rate=)", err)
			case err == nil && sp.Format == Levels && !(sp.Rate >= minLevelRate && sp.Rate <= iq.MaxSampleRate):
				err = fmt.Errorf("level rate %v: want %s to %s S/s", sp.Rate,
					strconv.FormatFloat(minLevelRate, 'g', 6, 64), strconv.FormatFloat(iq.MaxSampleRate, 'g', 6, 64))
			case err == nil:
				_, err = zmqsource.New(sp.Source)
			}
			if err != nil {
				return nil, fmt.Errorf("--in %s: %v", raw, err)
			}
			specs = append(specs, sp)
		}
	}
	return specs, nil
}

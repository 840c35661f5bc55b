package iq

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Default back-off of Redial.
const (
	DefaultRedialMin = time.Second
	DefaultRedialMax = 30 * time.Second
)

// RedialOptions tune Redial.
type RedialOptions struct {
	// Name names the input in log lines.
	Name string
	// Min is the wait before the first attempt (default DefaultRedialMin);
	// it doubles after every failure, up to Max (default DefaultRedialMax).
	Min, Max time.Duration
	// Logger receives one warning per failed attempt (nil: slog.Default()).
	Logger *slog.Logger
}

// Lost reports whether err ended a live input that redialing may bring
// back: the rtl_tcp server hung up or stopped sending (ErrServerClosed,
// ErrNoSamples).
func Lost(err error) bool {
	return errors.Is(err, ErrServerClosed) || errors.Is(err, ErrNoSamples)
}

// Redial reopens a live input with open until it works or ctx ends. It
// waits before every attempt, Min at first and twice as long after each
// failure, up to Max, and logs each failure. When ctx ends first it returns
// nil and ctx's error.
func Redial(ctx context.Context, open func() (*Source, error), opt RedialOptions) (*Source, error) {
	if opt.Min <= 0 {
		opt.Min = DefaultRedialMin
	}
	if opt.Max <= 0 {
		opt.Max = DefaultRedialMax
	}
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	wait := min(opt.Min, opt.Max)
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
		s, err := open()
		if err == nil {
			return s, nil
		}
		wait = min(2*wait, opt.Max)
		log.Warn("reconnect failed", "input", opt.Name, "err", err, "next_try_in", wait)
		t.Reset(wait)
	}
}

package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"

	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/progress"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
)

// Exit statuses of every command besides 0 (done).
const (
	exitInput = 1 // an input could not be read, or a runtime failure
	exitUsage = 2 // bad flags, arguments or values
)

// statsIntervalRange is how often statistics may be logged.
var statsIntervalRange = cliflags.Range{Min: 0.01, Max: 86400, Zero: true}

// levelRateRange is the range of a level stream's sample rate: one that
// every OOK protocol's line coding can be sliced at, up to what SDRs record.
func levelRateRange() cliflags.Range {
	return cliflags.Range{Min: protocol.MinLevelRate(protocols.All()), Max: iq.MaxSampleRate, Zero: true, Unit: "S/s"}
}

// setUpCommands gives every command --config, the range checks and the
// protocols' own checks, the ranges in --help, and usage errors that exit
// with exitUsage.
func setUpCommands(app *cli.App) {
	cliflags.Install(app, cliflags.Options{ExitUsage: exitUsage, Before: func(c *cli.Context) error {
		if err := setLogLevel(c.String("log-level")); err != nil {
			return err
		}
		if cliflags.HasFlag(c.Command, "ppm") {
			if _, _, err := iq.ParsePPM(c.String("ppm")); err != nil {
				return fmt.Errorf("--ppm %v", err)
			}
		}
		if cliflags.HasFlag(c.Command, "protocol") {
			// The protocols' own checks, before any input is opened.
			return checkDecoding(c)
		}
		return nil
	}})
}

// exitCode is the exit status for an error opening an input: exitUsage
// when a value in it is out of range (a rate in a SigMF meta, a WAV header
// or a file name), exitInput otherwise.
func exitCode(err error) int {
	if errors.Is(err, iq.ErrBadValue) {
		return exitUsage
	}
	return exitInput
}

// startTimeFlag is --start-time, the start of a recording.
func startTimeFlag() cli.Flag {
	return &cli.StringFlag{Name: "start-time",
		Usage: "when the recording began (RFC 3339, or YYYY-MM-DD HH:MM:SS[.frac] local time): a message's time is then this plus its offset_s (default: a SigMF meta's core:datetime, else the time it is decoded)"}
}

// progressMode parses a --progress.
func progressMode(s string) (progress.Mode, error) {
	m, err := progress.ParseMode(s)
	if err != nil {
		return m, fmt.Errorf("--progress %w", err)
	}
	return m, nil
}

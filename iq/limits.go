package iq

import (
	"errors"
	"fmt"
	"math"
)

// Bounds on what an input may claim. Sample rates beyond what SDRs record
// would only make a receiver allocate for them (a SigMF meta saying 1e12
// would cost gigabytes): the fastest common SDRs (USRP, AirSpy, HackRF,
// bladeRF, SDRplay) record at most about 60–100 MS/s to disk. Centre
// frequencies are those SDRs tune to.
const (
	// MaxSampleRate is the highest sample rate accepted, samples/s.
	MaxSampleRate = 100e6
	// MaxCenterFreq is the highest centre frequency accepted, Hz.
	MaxCenterFreq = 10e9
	// MinCenterFreq is the lowest centre frequency a user may give, Hz:
	// far below both protocols' bands, so a value under it (915) has lost
	// its unit; recordings may still say 0 for unknown.
	MinCenterFreq = 100e3
)

// ErrBadValue marks an error about a value rather than about reading the
// data: a sample rate or frequency out of range, or a malformed number, in
// Options, a SigMF meta, a WAV header or a file name; or a sample format or
// rate that nothing gives, so Options must. A command-line tool reports it
// as a usage error.
var ErrBadValue = errors.New("bad value")

// valueError is a one-line error that is ErrBadValue.
type valueError struct{ msg string }

func (e *valueError) Error() string        { return e.msg }
func (e *valueError) Is(target error) bool { return target == ErrBadValue }

// badValue returns an error that errors.Is ErrBadValue.
func badValue(format string, args ...any) error {
	return &valueError{msg: fmt.Sprintf(format, args...)}
}

// CheckSampleRate returns an ErrBadValue error unless rate is a sample rate
// an SDR records: positive, finite, at most MaxSampleRate.
func CheckSampleRate(rate float64) error {
	if !(rate > 0) || math.IsInf(rate, 0) {
		return badValue("sample rate %v is not a positive number", rate)
	}
	if rate > MaxSampleRate {
		return badValue("sample rate %s S/s is beyond what SDRs record (at most %s S/s)", FormatSI(rate), FormatSI(MaxSampleRate))
	}
	return nil
}

// CheckCenterFreq returns an ErrBadValue error unless f is 0 (unknown) or a
// centre frequency an SDR tunes to: positive, at most MaxCenterFreq.
func CheckCenterFreq(f float64) error {
	if math.IsNaN(f) || f < 0 || f > MaxCenterFreq {
		return badValue("centre frequency %v Hz is out of range (0 to %s Hz)", f, FormatSI(MaxCenterFreq))
	}
	return nil
}

// checkInfo validates the rate and centre frequency an input ended up with,
// naming where they came from.
func checkInfo(name string, info Info) error {
	if err := CheckSampleRate(info.SampleRate); err != nil {
		return badValue("%s: %v (from %s)", name, err, info.Source)
	}
	if err := CheckCenterFreq(info.CenterFreq); err != nil {
		return badValue("%s: %v", name, err)
	}
	return nil
}

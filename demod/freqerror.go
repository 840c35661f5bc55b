package demod

import (
	"math"

	"github.com/gridstream-sdr/gridstream/frames"
)

// FreqError is the receiver's own frequency error as the traffic shows
// it. FSK protocols whose channels sit on a known grid (protocol.Radio's
// ChannelGrid: GridStream's are multiples of 100 kHz) give it away: the
// offsets from the grid of many CRC-good frames, each a transmitter a few
// kHz off at most, average to the receiver's offset, the same for every
// burst. Within half a grid step of 0: ±54 ppm at 915 MHz.
type FreqError struct {
	// PPM is the error of the receiver's crystal in ppm, positive when it
	// runs fast (every signal appears that much too low): the value an
	// RTL-SDR's frequency correction (rtl_tcp's 0x05 command, rtl_sdr -p)
	// takes.
	PPM float64
	// Uncertainty is PPM's standard error in ppm.
	Uncertainty float64
	// Frames is how many CRC-good frames were measured.
	Frames int
	// Confident says the estimate can be applied: at least MinFreqFrames
	// frames, bunched on one offset (spread under an eighth of the grid),
	// and an uncertainty under a fifth of a ppm, so that rounded to a whole
	// ppm (what a tuner takes) it is right.
	Confident bool
}

// MinFreqFrames is the fewest frames a confident FreqError rests on.
const MinFreqFrames = 8

// freqErrorEstimator gathers the frames' offsets from their channel grid
// as angles (one grid step is a turn), so that offsets near ±half a step
// average right.
type freqErrorEstimator struct {
	center   float64 // Hz
	grids    map[string]float64
	cos, sin float64
	n        int
	from     int64 // frames starting before this input sample are not counted
}

func newFreqErrorEstimator(center float64, grids map[string]float64) freqErrorEstimator {
	return freqErrorEstimator{center: center, grids: grids}
}

// add counts a delivered message that starts at input sample pos.
func (e *freqErrorEstimator) add(m *frames.Message, pos int64) {
	g := e.grids[m.Protocol]
	if g <= 0 || e.center == 0 || !m.CRCOK || m.Radio == nil || m.FreqHz == nil || m.Baud == 0 || pos < e.from {
		return
	}
	s, c := math.Sincos(2 * math.Pi * math.Mod(*m.FreqHz, g) / g)
	e.sin += s
	e.cos += c
	e.n++
}

// reset forgets what was gathered and counts only frames from input sample
// from on (after the receiver's frequency was corrected).
func (e *freqErrorEstimator) reset(from int64) {
	e.cos, e.sin, e.n, e.from = 0, 0, 0, from
}

// estimate returns the error gathered so far.
func (e *freqErrorEstimator) estimate() FreqError {
	fe := FreqError{Frames: e.n}
	if e.n == 0 {
		return fe
	}
	var grid float64
	for _, g := range e.grids {
		grid = max(grid, g)
	}
	r := math.Hypot(e.cos, e.sin) / float64(e.n)
	off := math.Atan2(e.sin, e.cos) / (2 * math.Pi) * grid // Hz, within ±grid/2
	spread := math.Sqrt(-2*math.Log(max(r, 1e-12))) / (2 * math.Pi) * grid
	fe.PPM = -off / e.center * 1e6
	fe.Uncertainty = spread / math.Sqrt(float64(e.n)) / e.center * 1e6
	fe.Confident = e.n >= MinFreqFrames && spread < grid/8 && fe.Uncertainty < 0.2
	return fe
}

// FreqError returns the receiver's frequency error as the CRC-good frames
// so far show it (nothing without a centre frequency, or without a
// protocol with a channel grid).
func (r *Receiver) FreqError() FreqError { return r.freqErr.estimate() }

// ResetFreqError forgets the frames gathered for FreqError and counts only
// those that start from now on, plus lag seconds of input: call it after
// correcting the receiver's frequency, lag being how much input may already
// be on its way uncorrected.
func (r *Receiver) ResetFreqError(lag float64) {
	r.freqErr.reset(r.pos + int64(lag*r.fs))
}

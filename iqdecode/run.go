// Package iqdecode decodes an IQ source with the pure-Go receiver (package
// demod): it reads a recording to its end, a sample limit or cancellation,
// redials a live rtl_tcp input that hangs up or stalls, and reports what it
// read, decoded and why it stopped.
package iqdecode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/sink"
)

// Config is what Run needs besides the source. Messages from a recording
// (a file, stdin) carry their offset in it (frames.Message.OffsetS; Time is
// Receiver.Start plus the offset when Start is known); those from rtl_tcp
// do not.
type Config struct {
	// Receiver configures the receiver (a new one after each redial).
	Receiver demod.Config
	// Emit receives every message, on Run's goroutine.
	Emit func(*frames.Message)
	// Duration stops the run after this many seconds of samples (0: at
	// the end of the input).
	Duration float64
	// Reopen, when set, reopens a live input that hung up or stalled
	// (iq.Lost), through iq.Redial with Redial's back-off; nil ends the run
	// there.
	Reopen func() (*iq.Source, error)
	Redial iq.RedialOptions
	// StatsEvery logs the receiver's statistics this often (0: never).
	StatsEvery time.Duration
	// Progress, when set, is called after every read with the samples read
	// and the messages emitted so far.
	Progress func(samples, messages int64)
	// Samples, when set, sees every chunk of samples after the receiver
	// (a waterfall picture). Receiver.OnBurst's positions count from the
	// start of the run across redials, as the chunks do.
	Samples func([]complex64)
	// Logger receives the start line, statistics and input events (nil:
	// slog.Default()).
	Logger *slog.Logger
	// AutoPPM, for an rtl_tcp input (with a known centre frequency),
	// corrects the tuner's frequency once the traffic shows the receiver's
	// error with confidence (demod.FreqError): it sends rtl_tcp's
	// frequency-correction command with PPM (the correction the input was
	// opened with) plus the estimate, once, and again after a reconnect.
	AutoPPM bool
	PPM     int
}

// Stop says why a run ended.
type Stop int

// Reasons of Result.Stop.
const (
	// NotRun: the receiver could not be made; nothing was read.
	NotRun Stop = iota
	// EndOfInput: the recording or stream ended.
	EndOfInput
	// Interrupted: the context ended.
	Interrupted
	// DurationReached: Config.Duration seconds of samples were read.
	DurationReached
	// Truncated: the input ended inside a sample (the partial sample is
	// ignored).
	Truncated
	// ServerClosed: the rtl_tcp server hung up (and there is no Reopen).
	ServerClosed
	// InputError: reading failed; Run returns the error.
	InputError
	// OutputsGone: the context ended because every output's reader went
	// away (its cause wraps sink.ErrReaderGone: stdout was the only
	// output and `| head` closed it).
	OutputsGone
)

// Result is what one run read and decoded.
type Result struct {
	// Input and Info are the source's.
	Input string
	Info  iq.Info
	// Samples were read in Elapsed.
	Samples int64
	Elapsed time.Duration
	// Receiver sums the statistics of every receiver of the run.
	Receiver demod.Stats
	// Messages were emitted.
	Messages int64
	// Stop says why the run ended; Redials counts the reconnections.
	Stop    Stop
	Redials int
	// FreqError is the receiver's frequency error the traffic showed (the
	// last receiver's: after a correction, what is left of it).
	FreqError demod.FreqError
	// PPMApplied is the frequency correction AutoPPM sent (Corrected
	// says it did).
	PPMApplied int
	Corrected  bool
}

// chunk is the number of samples read at once.
const chunk = 1 << 16

// Run decodes src until the input ends, Duration is reached or ctx ends. The returned error is set only when the input failed: a normal
// end, a truncated recording or an rtl_tcp server that hung up are logged
// and said by Result.Stop. Cancelling ctx also unblocks a read waiting for
// an rtl_tcp server. Run closes the sources Reopen opened, not src.
func Run(ctx context.Context, src *iq.Source, cfg Config) (Result, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	res := Result{Input: src.Name, Info: src.Info}
	info := src.Info
	var sent int64
	live := info.Kind == "rtl_tcp" // a stream with no start: the receiver restarts on every redial
	emit := func(m *frames.Message) {
		sent++
		if live {
			m.OffsetS = nil
		}
		cfg.Emit(m)
	}
	// A receiver made after a redial counts samples from zero; its burst
	// reports are moved to their place in the run.
	var base int64
	if report := cfg.Receiver.OnBurst; report != nil {
		cfg.Receiver.OnBurst = func(b demod.Burst) {
			b.Start, b.End = b.Start+base, b.End+base
			report(b)
		}
	}
	rx, err := demod.New(cfg.Receiver, emit)
	if err != nil {
		return res, fmt.Errorf("%s: %s", src.Name, strings.TrimPrefix(err.Error(), "demod: "))
	}
	attrs := []any{"input", src.Name, "kind", info.Kind, "format", info.Format, "rate", info.SampleRate,
		"center_freq", info.CenterFreq, "from", info.Source}
	if info.Samples >= 0 {
		attrs = append(attrs, "seconds", fmt.Sprintf("%.2f", float64(info.Samples)/info.SampleRate))
	}
	if info.Tuner != "" {
		attrs = append(attrs, "tuner", info.Tuner)
	}
	log.Info("demodulating", attrs...)

	var mu sync.Mutex // guards cur against the AfterFunc
	cur := src
	unblock := context.AfterFunc(ctx, func() {
		mu.Lock()
		if cur.RTL != nil {
			cur.RTL.Close() // unblock a read waiting for the server
		}
		mu.Unlock()
	})
	defer unblock()

	limit := int64(-1)
	if cfg.Duration > 0 {
		limit = int64(cfg.Duration * info.SampleRate)
	}
	redial := cfg.Redial
	if redial.Name == "" {
		redial.Name = src.Name
	}
	if redial.Logger == nil {
		redial.Logger = log
	}
	start := time.Now()
	lastStats, lastSamples := start, int64(0)
	// The samples are read as bytes and converted by the receiver as it
	// writes them to its ring (to samples here only for cfg.Samples).
	format := info.Format
	size := format.Size()
	buf := make([]byte, chunk*size)
	var x []complex64
	if cfg.Samples != nil {
		x = make([]complex64, chunk)
	}
	var total int64
	var runErr error
	var past demod.Stats // receivers before a reconnect
	var ahead *readAhead
	if !live && (cfg.Receiver.Workers > 1 || info.Kind == "stdin" || info.Kind == "stream") {
		// A recording is read while the receiver's workers take the
		// samples before; a pipe is read on a goroutine of its own in any
		// case, so that a Ctrl-C stops a run whose writer is quiet.
		ahead = startReadAhead(src, chunk, limit)
		defer ahead.stop()
	}
	res.Stop = EndOfInput
	for {
		if ctx.Err() != nil {
			res.Stop = ended(ctx)
			break
		}
		want := buf
		if limit >= 0 {
			if total >= limit {
				res.Stop = DurationReached
				break
			}
			want = buf[:min(int64(len(buf)), (limit-total)*int64(size))]
		}
		var got []byte
		if ahead != nil {
			got, err = ahead.next(ctx)
		} else {
			var n int
			n, err = cur.ReadRaw(want)
			got = want[:n]
		}
		if n := len(got) / size; n > 0 {
			if cfg.Samples != nil {
				y := x[:iq.Decode(format, x, got)]
				rx.Process(y)
				cfg.Samples(y)
			} else {
				rx.ProcessRaw(format, got)
			}
			total += int64(n)
			if cfg.Progress != nil {
				cfg.Progress(total, sent)
			}
		}
		if ahead != nil {
			ahead.release(got)
		}
		if cfg.AutoPPM && !res.Corrected && cur.RTL != nil {
			autoPPM(log, cur, rx, cfg.PPM, &res)
		}
		if cfg.StatsEvery > 0 && time.Since(lastStats) >= cfg.StatsEvery {
			st := add(past, rx.Stats())
			now := time.Now()
			log.Info("stats", append([]any{"input", src.Name, "samples", total,
				"seconds", fmt.Sprintf("%.1f", float64(total)/info.SampleRate),
				"candidates", st.Candidates, "bursts", st.Bursts, "messages", sent, "reconnects", res.Redials,
				"msps", fmt.Sprintf("%.2f", float64(total-lastSamples)/now.Sub(lastStats).Seconds()/1e6)},
				FreqErrorAttrs(rx.FreqError())...)...)
			lastStats, lastSamples = now, total
		}
		if err == nil {
			continue
		}
		var te *iq.TruncatedError
		switch {
		case errors.Is(err, io.EOF):
		case ctx.Err() != nil:
			res.Stop = ended(ctx)
		case iq.Lost(err) && cfg.Reopen != nil:
			log.Warn("input lost; reconnecting", "input", src.Name, "reason", err)
			rx.Flush()
			past = add(past, rx.Stats())
			cur.Close()
			next, _ := iq.Redial(ctx, cfg.Reopen, redial)
			if next == nil {
				res.Stop = ended(ctx)
				break
			}
			mu.Lock()
			cur = next
			mu.Unlock()
			res.Redials++
			base = total
			if rx, err = demod.New(cfg.Receiver, emit); err != nil {
				runErr, res.Stop = err, InputError
				break
			}
			log.Info("reconnected", "input", src.Name, "tuner", next.Info.Tuner)
			if res.Corrected && next.RTL != nil {
				// The server was tuned afresh: correct it again.
				if err := next.RTL.SetFreqCorrection(res.PPMApplied); err != nil {
					log.Warn("frequency correction not sent", "input", src.Name, "ppm", res.PPMApplied, "err", err)
				}
			}
			continue
		case errors.As(err, &te):
			log.Warn("input ends inside a sample; the partial sample was ignored", "input", src.Name, "err", err)
			res.Stop = Truncated
		case errors.Is(err, iq.ErrServerClosed):
			log.Warn("input ended", "input", src.Name, "reason", err)
			res.Stop = ServerClosed
		default:
			runErr = err
			res.Stop = InputError
		}
		break
	}
	rx.Flush()
	mu.Lock()
	if cur != src {
		cur.Close()
	}
	mu.Unlock()
	res.Samples, res.Elapsed, res.Receiver, res.Messages = total, time.Since(start), add(past, rx.Stats()), sent
	res.FreqError = rx.FreqError()
	return res, runErr
}

// autoPPMLag is how much input may already be on its way from rtl_tcp,
// uncorrected, when the correction is sent: the estimate starts over after
// it.
const autoPPMLag = 1.0

// autoPPM sends src's rtl_tcp server the frequency correction the traffic
// shows, once the receiver is confident of it, on top of ppm.
func autoPPM(log *slog.Logger, src *iq.Source, rx *demod.Receiver, ppm int, res *Result) {
	fe := rx.FreqError()
	if !fe.Confident {
		return
	}
	res.Corrected = true
	res.PPMApplied = ppm + int(math.Round(fe.PPM))
	attrs := []any{"input", src.Name, "estimated_ppm", fmt.Sprintf("%+.1f", fe.PPM),
		"uncertainty_ppm", fmt.Sprintf("%.1f", fe.Uncertainty), "frames", fe.Frames}
	if res.PPMApplied == ppm {
		log.Info("frequency error under half a ppm (--ppm auto): no correction needed", append(attrs, "ppm", ppm)...)
		return
	}
	if err := src.RTL.SetFreqCorrection(res.PPMApplied); err != nil {
		log.Warn("frequency correction not sent", append(attrs, "ppm", res.PPMApplied, "err", err)...)
		res.Corrected, res.PPMApplied = false, ppm
		return
	}
	rx.ResetFreqError(autoPPMLag)
	log.Info("frequency correction applied (--ppm auto)", append([]any{"ppm", res.PPMApplied}, attrs...)...)
}

// Log writes the run's summary line, with decoderAttrs (the decoders'
// counters, protocol.SumSince) after the receiver's, and a warning when
// signals were cut or ignored (carriers, interference).
func (r Result) Log(log *slog.Logger, decoderAttrs []any) {
	secs := float64(r.Samples) / r.Info.SampleRate
	el := max(r.Elapsed.Seconds(), 1e-9)
	attrs := []any{"input", r.Input, "samples", r.Samples, "seconds", fmt.Sprintf("%.2f", secs),
		"candidates", r.Receiver.Candidates, "bursts", r.Receiver.Bursts, "messages", r.Messages}
	attrs = append(append(attrs, decoderAttrs...), FreqErrorAttrs(r.FreqError)...)
	if r.Corrected {
		attrs = append(attrs, "ppm_applied", r.PPMApplied)
	}
	log.Info("summary", append(attrs,
		"speed", fmt.Sprintf("%.1fx real time", secs/el),
		"msps", fmt.Sprintf("%.2f", float64(r.Samples)/el/1e6),
		"elapsed", r.Elapsed.Round(time.Millisecond),
		"reconnects", r.Redials,
		"stop", r.Stop.String())...)
	if r.Receiver.Cut > 0 || r.Receiver.Ignored > 0 {
		log.Warn("signals that are not bursts: carriers or interference",
			"input", r.Input, "cut_after_longest_transmission", r.Receiver.Cut, "peaks_ignored_max_active", r.Receiver.Ignored)
	}
}

// FreqErrorAttrs are log attributes for the receiver's frequency error:
// the estimate with its standard error and frame count, or "unknown".
func FreqErrorAttrs(fe demod.FreqError) []any {
	if fe.Frames == 0 {
		return []any{"freq_error_ppm", "unknown"}
	}
	return []any{"freq_error_ppm", fmt.Sprintf("%+.1f±%.1f", fe.PPM, fe.Uncertainty), "freq_error_frames", fe.Frames}
}

// add adds b's counters to a.
func add(a, b demod.Stats) demod.Stats {
	a.Samples += b.Samples
	a.Bursts += b.Bursts
	a.Candidates += b.Candidates
	a.Attempts += b.Attempts
	a.Decoded += b.Decoded
	a.Messages += b.Messages
	a.Duplicate += b.Duplicate
	a.Cut += b.Cut
	a.Ignored += b.Ignored
	a.Channelized += b.Channelized
	return a
}

// ended says why a context that ended stopped the run.
func ended(ctx context.Context) Stop {
	if errors.Is(context.Cause(ctx), sink.ErrReaderGone) {
		return OutputsGone
	}
	return Interrupted
}

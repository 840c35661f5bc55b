// Package replay decodes recorded bit streams (files, pipes) to messages:
// it picks the bit format (given, from the file name, or sniffed from the
// content), reads the stream to its end through a pipeline channel, and
// logs what the stream held that was not bits.
package replay

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

// Formats a recording may be in besides the bit formats (bitio.ParseFormat).
const (
	// Auto picks the bit format from the input's name, else its content.
	Auto = "auto"
	// Levels are OOK level samples (one 0/1 per byte) at the pipeline's
	// LevelRate, for the OOK protocols.
	Levels = "levels"
)

// bufSize is the read size, and the most ResolveFormat sniffs.
const bufSize = 64 << 10

// sniffSize is how much of the content ResolveFormat looks at.
const sniffSize = 4096

// Options say how to read a recording.
type Options struct {
	// Format is Auto, Levels or a bit format name (bitio.ParseFormat).
	Format string
	// Invert flips every bit (not levels).
	Invert bool
	// Rate is the stream's rate: bits (symbols) per second of a bit
	// stream, samples per second of levels (0: the pipeline's LevelRate).
	// With a rate, every message gets OffsetS, its frame's position in
	// seconds; without one (a bit stream's rate is not in the file), none.
	Rate float64
	// Start is when the recording began, zero when unknown: messages with
	// an OffsetS get Time = Start + OffsetS.
	Start time.Time
	// Logger receives the format chosen (debug) and warnings about the
	// content (nil: slog.Default()).
	Logger *slog.Logger
}

// Check checks the options together, with levelRate (the pipeline's
// level rate): a bit format Decode knows, a level rate for levels, a bit
// rate only for bit formats, and a Start only with a rate to count offsets
// in. The error is one line naming the flags (--input-format, --level-rate,
// --bit-rate, --start-time).
func (o Options) Check(levelRate float64) error {
	format := strings.ToLower(o.Format)
	switch {
	case format == Levels && levelRate <= 0:
		return errors.New("--input-format levels needs --level-rate (samples per second of the level stream)")
	case format != Levels && levelRate > 0:
		return errors.New("--level-rate is for --input-format levels (OOK level samples); bit inputs are never read as levels")
	case o.Rate > 0 && format == Levels:
		return errors.New("--bit-rate is for bit recordings; levels are at --level-rate")
	case !o.Start.IsZero() && format != Levels && o.Rate <= 0:
		return errors.New("--start-time needs --bit-rate for bit inputs: a message's time is the start plus its offset_s, and offsets are counted in bits")
	}
	if format != Auto && format != Levels {
		if _, err := bitio.ParseFormat(format); err != nil {
			return fmt.Errorf("--input-format %q: want auto, unpacked, packed, ascii, float32 or levels", o.Format)
		}
	}
	return nil
}

// Decode reads r, the input named name, to its end through a new pipeline
// channel of cfg that hands every message to emit, and returns the
// channel's counters. The error is the read error that stopped it
// (frames before it are decoded), or why the format cannot be told; a
// float32 stream that ends inside a sample is only logged.
func Decode(r io.Reader, name string, cfg pipeline.Config, emit func(*frames.Message), opt Options) (pipeline.Stats, error) {
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	ch := pipeline.New(cfg, emit)
	rate := opt.Rate
	if opt.Format == Levels && rate == 0 {
		rate = cfg.LevelRate
	}
	if rate > 0 {
		ch.Annotate = func(m *frames.Message) { m.SetOffset(float64(m.BitOffset)/rate, opt.Start) }
	}
	br := bufio.NewReaderSize(r, bufSize)
	buf := make([]byte, bufSize)
	if opt.Format == Levels {
		err := copyStream(br, buf, ch.Levels)
		ch.Flush()
		return ch.Stats(), err
	}
	f, err := ResolveFormat(opt.Format, name, br)
	if err != nil {
		return pipeline.Stats{}, err
	}
	log.Debug("replaying", "input", name, "format", f)
	if f == bitio.Unpacked && !opt.Invert {
		// The streams look only at each byte's low bit (protocol.Stream):
		// the bytes go to them as read, without a pass that clears the rest.
		err := copyStream(br, buf, ch.Bits)
		ch.Flush()
		return ch.Stats(), err
	}
	rd := bitio.NewReader(br, f, opt.Invert)
	err = copyStream(rd, buf, ch.Bits)
	ch.Flush()
	if n := rd.Skipped(); n > 0 {
		log.Warn("input had bytes that are not bits; is --input-format right?", "input", name, "format", f, "skipped", n)
	}
	if n := rd.Unreliable(); n > 0 {
		log.Warn("input had NaN soft symbols; each kept its place as a 0", "input", name, "nan", n)
	}
	if errors.Is(err, bitio.ErrTrailingBytes) {
		log.Warn("input ends inside a float32 sample; the partial sample was ignored", "input", name)
		err = nil
	}
	return ch.Stats(), err
}

// ResolveFormat picks the bit format of the input named name: format
// itself unless it is Auto, else the one the name's extension says, else
// the one the first bytes br holds show (an empty input is unpacked).
// Packed bytes and float32 soft symbols cannot be told apart by content:
// that is an error asking for the format.
func ResolveFormat(format, name string, br *bufio.Reader) (bitio.Format, error) {
	if format != Auto {
		return bitio.ParseFormat(format)
	}
	if f, ok := bitio.FormatFromName(name); ok {
		return f, nil
	}
	head, _ := br.Peek(sniffSize)
	if f, ok := bitio.Sniff(head); ok {
		return f, nil
	}
	if len(head) == 0 {
		return bitio.Unpacked, nil
	}
	return 0, fmt.Errorf("%s: cannot tell packed bytes from float32 soft symbols; say which with --input-format packed or --input-format float32", name)
}

// copyStream reads r to the end, handing every chunk to write.
func copyStream(r io.Reader, buf []byte, write func([]byte)) error {
	for {
		n, err := r.Read(buf)
		if n > 0 {
			write(buf[:n])
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

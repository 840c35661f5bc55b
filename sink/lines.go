package sink

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"syscall"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/rtl433"
)

// JSON writes every message as one JSON object per line, HTML characters
// unescaped, and flushes after each so a pipe reader sees messages as they
// are decoded.
type JSON struct {
	w    *bufio.Writer
	line []byte // the message being written, reused
	gone bool   // its reader went away: nothing more is written
}

// NewJSON returns a JSON sink writing to w.
func NewJSON(w io.Writer) *JSON {
	return &JSON{w: bufio.NewWriter(w)}
}

// messageType is the type a JSON sink's errors name, as encoding/json's
// Encoder named it.
var messageType = reflect.TypeFor[*frames.Message]()

// Send writes m as one line. Once the reader of w went away (a broken
// pipe: the error wraps ErrReaderGone) it writes nothing more.
func (j *JSON) Send(m *frames.Message) error {
	if j.gone {
		return nil
	}
	if m == nil {
		j.line = append(j.line[:0], "null"...)
	} else {
		var err error
		if j.line, err = m.AppendJSON(j.line[:0]); err != nil {
			return &json.MarshalerError{Type: messageType, Err: err}
		}
	}
	j.line = append(j.line, '\n')
	j.w.Write(j.line)
	return readerGone(j.w.Flush(), &j.gone)
}

// Close flushes the writer; it does not close w.
func (j *JSON) Close() error {
	if j.gone {
		return nil
	}
	return readerGone(j.w.Flush(), &j.gone)
}

// RTL433 writes rtl_433-style JSON lines (rtl433.Encode) and flushes after
// each; messages rtl_433 would not print (failed CRCs) are skipped.
type RTL433 struct {
	w    *bufio.Writer
	gone bool // its reader went away: nothing more is written
}

// errNotOpen is the error of an RTL433 sink not made by NewRTL433.
var errNotOpen = errors.New("rtl433: not open")

// NewRTL433 returns an RTL433 sink writing to w.
func NewRTL433(w io.Writer) *RTL433 { return &RTL433{w: bufio.NewWriter(w)} }

// Send writes m as one line, unless rtl_433 would not print it. Once the
// reader of w went away (the error wraps ErrReaderGone) it writes nothing
// more.
func (r *RTL433) Send(m *frames.Message) error {
	if r.w == nil {
		return errNotOpen
	}
	if r.gone {
		return nil
	}
	line, ok := rtl433.Encode(m)
	if !ok {
		return nil
	}
	r.w.Write(line)
	r.w.WriteByte('\n')
	return readerGone(r.w.Flush(), &r.gone)
}

// TakesUnchecked is true: rtl_433 prints encrypted frames.
func (r *RTL433) TakesUnchecked() bool { return true }

// Close flushes the writer; it does not close w.
func (r *RTL433) Close() error {
	if r.w == nil {
		return errNotOpen
	}
	if r.gone {
		return nil
	}
	return readerGone(r.w.Flush(), &r.gone)
}

// ErrReaderGone is wrapped by the error of a sink whose reader went away
// (it closed its end of the pipe: `gridstream … | head -1`). The sink
// writes nothing more, and Fanout stops sending to it.
var ErrReaderGone = errors.New("its reader closed the pipe")

// readerGone marks a broken pipe (EPIPE, which writes return once the
// process receives SIGPIPE through signal.Notify) as ErrReaderGone and
// records it in gone.
func readerGone(err error, gone *bool) error {
	if err != nil && errors.Is(err, syscall.EPIPE) {
		*gone = true
		return fmt.Errorf("%w: %w", ErrReaderGone, err)
	}
	return err
}

package sink

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/rtl433"
)

// JSON writes every message as one JSON object per line, HTML characters
// unescaped, and flushes after each so a pipe reader sees messages as they
// are decoded.
type JSON struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewJSON returns a JSON sink writing to w.
func NewJSON(w io.Writer) *JSON {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &JSON{w: bw, enc: enc}
}

// Send writes m as one line.
func (j *JSON) Send(m *frames.Message) error {
	if err := j.enc.Encode(m); err != nil {
		return err
	}
	return j.w.Flush()
}

// Close flushes the writer; it does not close w.
func (j *JSON) Close() error { return j.w.Flush() }

// RTL433 writes rtl_433-style JSON lines (rtl433.Encode) and flushes after
// each; messages rtl_433 would not print (failed CRCs) are skipped.
type RTL433 struct {
	w *bufio.Writer
}

// errNotOpen is the error of an RTL433 sink not made by NewRTL433.
var errNotOpen = errors.New("rtl433: not open")

// NewRTL433 returns an RTL433 sink writing to w.
func NewRTL433(w io.Writer) *RTL433 { return &RTL433{w: bufio.NewWriter(w)} }

// Send writes m as one line, unless rtl_433 would not print it.
func (r *RTL433) Send(m *frames.Message) error {
	if r.w == nil {
		return errNotOpen
	}
	line, ok := rtl433.Encode(m)
	if !ok {
		return nil
	}
	r.w.Write(line)
	r.w.WriteByte('\n')
	return r.w.Flush()
}

// TakesUnchecked is true: rtl_433 prints encrypted frames.
func (r *RTL433) TakesUnchecked() bool { return true }

// Close flushes the writer; it does not close w.
func (r *RTL433) Close() error {
	if r.w == nil {
		return errNotOpen
	}
	return r.w.Flush()
}

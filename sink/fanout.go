package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/gridstream-sdr/gridstream/frames"
)

// Fanout sends every message to each of its sinks, in the order they were
// added. A sink's error never stops the others or the caller: it is counted,
// and the first one of each sink is logged. Send, Sent and Outputs are safe
// for concurrent use; one message is delivered to all sinks before the next
// one starts. The zero value is an empty Fanout logging to slog.Default().
type Fanout struct {
	// Logger receives the first error of each sink (nil: slog.Default()).
	// Set it before the first Send.
	Logger *slog.Logger
	// OnlyGood delivers a message whose CRCOK is false only to the sinks
	// that take unchecked frames (Unchecked): set it when the decoders
	// emit them for those sinks alone. Set it before the first Send.
	OnlyGood bool
	// OnAllGone, when set, is called once, from Send, when the reader of
	// every output went away (ErrReaderGone): stdout was the only output
	// and `| head -1` closed it. Set it before the first Send.
	OnAllGone func()

	mu   sync.Mutex
	outs []Output
	sent int64
}

// Output is one sink of a Fanout, as Outputs reports it.
type Output struct {
	// Name names the sink in logs and errors ("stdout", "mqtt", …).
	Name string
	// Sink is the sink itself.
	Sink Sink
	// Errors counts the messages the sink failed to deliver.
	Errors int64
	// Gone is set once the sink's reader went away (ErrReaderGone):
	// nothing more is sent to it.
	Gone bool
}

// Add appends s, named name in logs and errors.
func (f *Fanout) Add(name string, s Sink) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.outs = append(f.outs, Output{Name: name, Sink: s})
}

// Send delivers m to every sink whose reader is still there.
func (f *Fanout) Send(m *frames.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent++
	for i := range f.outs {
		o := &f.outs[i]
		if o.Gone {
			continue
		}
		if f.OnlyGood && !m.CRCOK {
			if u, ok := o.Sink.(Unchecked); !ok || !u.TakesUnchecked() {
				continue
			}
		}
		err := o.Sink.Send(m)
		if err == nil {
			continue
		}
		if errors.Is(err, ErrReaderGone) {
			f.retire(o)
			continue
		}
		if o.Errors == 0 {
			f.logger().Error("output failed; further errors from it are not logged", "output", o.Name, "err", err)
		}
		o.Errors++
	}
}

// retire stops sending to o, whose reader went away, and calls OnAllGone
// when no output is left. It says so once, in one line.
func (f *Fanout) retire(o *Output) {
	o.Gone = true
	left := 0
	for _, other := range f.outs {
		if !other.Gone {
			left++
		}
	}
	f.logger().Warn("output's reader went away (broken pipe): nothing more is written to it", "output", o.Name, "outputs_left", left)
	if left == 0 && f.OnAllGone != nil {
		f.OnAllGone()
	}
}

// Sent returns how many messages Send was given.
func (f *Fanout) Sent() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sent
}

// Outputs returns the sinks with their error counts.
func (f *Fanout) Outputs() []Output {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Output(nil), f.outs...)
}

// WaitSubscribers waits until each output that has subscribers (a ZMQ
// socket) has at least n, one after the other, or ctx ends; it returns the
// names of those that did not get them.
func (f *Fanout) WaitSubscribers(ctx context.Context, n int) (without []string) {
	for _, o := range f.Outputs() {
		w, ok := o.Sink.(interface {
			WaitSubscribers(context.Context, int) error
		})
		if ok && w.WaitSubscribers(ctx, n) != nil {
			without = append(without, o.Name)
		}
	}
	return without
}

// Close closes every sink and returns the first error, prefixed with its
// sink's name.
func (f *Fanout) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var first error
	for _, o := range f.outs {
		if err := o.Sink.Close(); err != nil && first == nil {
			first = fmt.Errorf("%s: %w", o.Name, err)
		}
	}
	return first
}

func (f *Fanout) logger() *slog.Logger {
	if f.Logger != nil {
		return f.Logger
	}
	return slog.Default()
}

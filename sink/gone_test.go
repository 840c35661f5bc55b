package sink

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// brokenPipe returns the write end of a pipe whose read end is closed:
// writing to it gives EPIPE (SIGPIPE is received through signal.Notify, as
// the command does, so the test process is not killed).
func brokenPipe(t *testing.T) *os.File {
	t.Helper()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGPIPE)
	t.Cleanup(func() { signal.Stop(sig) })
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	t.Cleanup(func() { w.Close() })
	return w
}

// A JSON-lines sink whose reader closed the pipe says so once
// (ErrReaderGone), then writes nothing and closes without an error; in
// both dialects.
func TestLinesReaderGone(t *testing.T) {
	msgs, _ := allGolden(t)
	for _, format := range []string{FormatJSON, FormatRTL433} {
		s, err := NewLines(format, brokenPipe(t))
		if err != nil {
			t.Fatal(err)
		}
		var errs []error
		for _, m := range msgs {
			if err := s.Send(m); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) != 1 || !errors.Is(errs[0], ErrReaderGone) || !errors.Is(errs[0], syscall.EPIPE) {
			t.Errorf("%s: errors %v, want one ErrReaderGone", format, errs)
		}
		if err := s.Close(); err != nil {
			t.Errorf("%s: Close after the reader went: %v", format, err)
		}
	}
	// Another write error is no broken pipe.
	s := NewJSON(failWriter{})
	if err := s.Send(msgs[0]); err == nil || errors.Is(err, ErrReaderGone) {
		t.Errorf("disk full: %v", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// A Fanout stops sending to an output whose reader went away, logs it
// once, and keeps serving the others; OnAllGone is called once the last
// one went.
func TestFanoutReaderGone(t *testing.T) {
	msgs, _ := allGolden(t)
	var logs bytes.Buffer
	allGone := 0
	f := &Fanout{Logger: slog.New(slog.NewTextHandler(&logs, nil)), OnAllGone: func() { allGone++ }}
	stdout, other := NewJSON(brokenPipe(t)), &recorder{}
	f.Add("stdout", stdout)
	f.Add("mqtt", other)
	for _, m := range msgs {
		f.Send(m)
	}
	if len(other.raws) != len(msgs) {
		t.Errorf("the other output got %d of %d messages", len(other.raws), len(msgs))
	}
	if n := strings.Count(logs.String(), "\n"); n != 1 || !strings.Contains(logs.String(), "output=stdout outputs_left=1") ||
		strings.Contains(logs.String(), "output failed") {
		t.Errorf("want one line naming stdout:\n%s", logs.String())
	}
	if outs := f.Outputs(); !outs[0].Gone || outs[1].Gone || outs[0].Errors != 0 {
		t.Errorf("outputs %+v", outs)
	}
	if allGone != 0 {
		t.Error("OnAllGone called while an output is left")
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	// stdout alone: OnAllGone once.
	logs.Reset()
	f = &Fanout{Logger: slog.New(slog.NewTextHandler(&logs, nil)), OnAllGone: func() { allGone++ }}
	f.Add("stdout", NewRTL433(brokenPipe(t)))
	for _, m := range msgs {
		f.Send(m)
	}
	if allGone != 1 || !strings.Contains(logs.String(), "outputs_left=0") || strings.Count(logs.String(), "\n") != 1 {
		t.Errorf("OnAllGone called %d times, want 1\n%s", allGone, logs.String())
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// waiter is an output with subscribers, as a ZMQ socket.
type waiter struct {
	recorder
	have int
}

func (w *waiter) WaitSubscribers(ctx context.Context, n int) error {
	if w.have >= n {
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

// WaitSubscribers names the outputs with subscribers that lack them when
// time runs out; outputs without subscribers (stdout) are not waited for.
func TestFanoutWaitSubscribers(t *testing.T) {
	f := &Fanout{}
	f.Add("stdout", &recorder{})
	f.Add("zmq msgpack", &waiter{have: 1})
	f.Add("zmq pmt", &waiter{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if got := f.WaitSubscribers(ctx, 1); !reflect.DeepEqual(got, []string{"zmq pmt"}) {
		t.Errorf("without subscribers: %v", got)
	}
	if got := f.WaitSubscribers(context.Background(), 0); got != nil {
		t.Errorf("n 0: %v", got)
	}
}

package zmqsink

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// BenchmarkMsgpackSinkSend encodes and publishes a typical GridStream
// message to one subscriber (go-zeromq SUB) that keeps up.
func BenchmarkMsgpackSinkSend(b *testing.B) {
	s, err := NewMsgpackSink(Config{Endpoint: "tcp://127.0.0.1:0", HWM: 1 << 20, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	sub.Dial(s.Endpoint())
	sub.SetOption(zmq4.OptionSubscribe, "")
	if err := s.WaitSubscribers(ctx, 1); err != nil {
		b.Fatal(err)
	}
	done := make(chan int)
	go func() {
		n := 0
		for {
			if _, err := sub.Recv(); err != nil {
				done <- n
				return
			}
			n++
			if n == b.N {
				done <- n
				return
			}
		}
	}()
	init := "45F8"
	m := &frames.Message{Protocol: "gridstream", Time: "2026-01-02T03:04:05.000Z", CRCOK: true,
		Raw: "2A55002330FFFFFFFFFFFFFE9F6067C400CA0EF1E7DAA4A19F6067C401009A9C8939027E485620", BitOffset: 265,
		Fields: &gridstream.Fields{Version: 4, Type: "55", CI: "30", Length: 35, CRCInit: &init, Src: "9F6067C4"},
		Meta:   map[string]any{"gr_offset": int64(265), "gs_sync": int64(0)}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := s.Send(m); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		b.Fatal("subscriber did not get every message")
	}
}

// BenchmarkMessagePDU builds and serializes the PMT PDU of a message.
func BenchmarkMessagePDU(b *testing.B) {
	init := "45F8"
	m := &frames.Message{Protocol: "gridstream", Time: "2026-01-02T03:04:05.000Z", CRCOK: true,
		Raw: "2AD5001129E32448351FC1F9E2D52044496CA285E5", BitOffset: 937,
		Fields: &gridstream.Fields{Version: 4, Type: "D5", CI: "29", Length: 17, CRCInit: &init}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MessagePDU(m); err != nil {
			b.Fatal(err)
		}
	}
}

package zmqsource

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/zmtp"
)

// BenchmarkSourceIngest: a Go PUSH peer writes 8 KiB messages of unpacked
// bits with pass_tags headers over loopback TCP; the Source reads, parses
// and delivers them. MB/s is Mbit/s of unpacked bits; allocs/op should be 0.
func BenchmarkSourceIngest(b *testing.B) {
	const chunk = 8192
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	s, _ := New(Config{Endpoint: "tcp://" + ln.Addr().String(), Pull: true, PassTags: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan struct{})
	var items int64
	want := int64(b.N) * chunk
	go s.Run(ctx, func(c Chunk) {
		items += int64(len(c.Items))
		if items == want {
			close(got)
		}
	})
	c, err := ln.Accept()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := zmtp.Handshake(c, zmtp.Push, time.Second); err != nil {
		b.Fatal(err)
	}
	// 64 messages, each with a header (offset, one tag) and 8 KiB of bits.
	var batch []byte
	for i := range 64 {
		h, _ := AppendHeader(nil, uint64(i*chunk), []Tag{{Offset: uint64(i * chunk), Key: "gs_sync", Value: int64(0)}})
		batch = zmtp.AppendFrame(batch, append(h, make([]byte, chunk)...), false)
	}
	b.SetBytes(chunk)
	b.ReportAllocs()
	b.ResetTimer()
	for sent := 0; sent < b.N; sent += 64 {
		n := min(64, b.N-sent)
		if n == 64 {
			c.Write(batch)
			continue
		}
		for i := range n {
			h, _ := AppendHeader(nil, uint64(i*chunk), nil)
			c.Write(zmtp.AppendFrame(nil, append(h, make([]byte, chunk)...), false))
		}
	}
	select {
	case <-got:
	case <-time.After(30 * time.Second):
		b.Fatalf("got %d of %d items", items, want)
	}
}

// BenchmarkParseHeader parses a pass_tags header with two tags.
func BenchmarkParseHeader(b *testing.B) {
	h, _ := AppendHeader(nil, 12345, []Tag{
		{Offset: 12345, Key: "gs_sync", Value: int64(0)},
		{Offset: 12400, Key: "rx_freq", Value: 915.3e6},
	})
	var hp HeaderParser
	b.SetBytes(int64(len(h)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := hp.Parse(h); err != nil {
			b.Fatal(err)
		}
	}
}

package main_test

import (
	"bufio"
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/internal/zmtp"
	gs "github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// benchChunk is the size of one ZMQ message of bits: GNU Radio's default
// buffers give messages of up to a few thousand items.
const benchChunk = 8192

// benchStream is nBits unpacked bits of random noise with a GridStream frame
// (CRC init 45F8, 0x55 or 0xD5) every `every` bits. ends[i] is the index just
// past the last bit (the CRC's stop bit) of frame i; raws[i] its hex.
func benchStream(nBits, every int) (stream []byte, ends []int, raws []string) {
	rng := rand.New(rand.NewPCG(7, 7))
	stream = make([]byte, 0, nBits+4096)
	for len(stream) < nBits {
		gap := every - 600
		for range gap {
			stream = append(stream, byte(rng.Uint32()&1))
		}
		f := gs.RandomFrame(rng, 0x45F8)
		stream = gs.AppendTransmission(stream, f, 4, 48, 0x04)
		ends = append(ends, len(stream)-10) // the trailer byte is not needed
		raws = append(raws, strings.ToUpper(hex.EncodeToString(f)))
	}
	// end on quiet bits so the last frame is not cut by a chunk boundary
	for range 2 * benchChunk {
		stream = append(stream, byte(rng.Uint32()&1))
	}
	return stream, ends, raws
}

// benchRig is gridstream decode (its own process, GOMAXPROCS=1: one core)
// fed by a Go PUSH publisher over loopback TCP, with a subscriber on --out.
type benchRig struct {
	cmd   *exec.Cmd
	conn  net.Conn
	bw    *bufio.Writer
	recv  chan benchMsg
	count atomic.Int64
	stop  func()
}

type benchMsg struct {
	raw string
	at  time.Time
}

func newBenchRig(b *testing.B) *benchRig {
	b.Helper()
	bin := testbin.Path(b)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	outLn, _ := net.Listen("tcp", "127.0.0.1:0")
	out := "tcp://" + outLn.Addr().String()
	outLn.Close()
	cmd := exec.Command(bin, "--log-level", "error", "decode", "--in", "pull://"+ln.Addr().String(), "--quiet", "--no-learn",
		"--out", out, "--state", "", "--stats-interval", "0")
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	r := &benchRig{cmd: cmd, recv: make(chan benchMsg, 1<<16)}
	ctx, cancel := context.WithCancel(context.Background())
	src, err := zmqsource.New(zmqsource.Config{Endpoint: out, Key: "gridstream",
		RetryMin: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		src.Run(ctx, func(c zmqsource.Chunk) {
			at := time.Now()
			var m struct {
				Raw string `msgpack:"raw"`
			}
			if msgpack.Unmarshal(c.Items, &m) == nil {
				r.count.Add(1)
				select {
				case r.recv <- benchMsg{m.Raw, at}:
				default:
				}
			}
		})
	}()
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(20 * time.Second))
	c, err := ln.Accept()
	ln.Close()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := zmtp.Handshake(c, zmtp.Push, 5*time.Second); err != nil {
		b.Fatal(err)
	}
	r.conn, r.bw = c, bufio.NewWriterSize(c, 1<<18)
	// Wait until the subscriber's subscription has reached gridstream: send
	// one frame until its message comes back.
	warm, _, _ := benchStream(1, 1000)
	deadline := time.Now().Add(20 * time.Second)
	for r.count.Load() == 0 {
		if time.Now().After(deadline) {
			b.Fatal("no message from gridstream decode")
		}
		r.send(warm, true)
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	for len(r.recv) > 0 {
		<-r.recv
	}
	r.count.Store(0)
	r.stop = func() {
		c.Close()
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		cancel()
		wg.Wait()
	}
	return r
}

// send writes p as ZMQ messages of benchChunk bytes.
func (r *benchRig) send(p []byte, flush bool) {
	for i := 0; i < len(p); i += benchChunk {
		chunk := p[i:min(i+benchChunk, len(p))]
		var hdr [9]byte
		var h []byte
		if len(chunk) > 255 {
			h = append(hdr[:0], 2, 0, 0, 0, 0, byte(len(chunk)>>24), byte(len(chunk)>>16), byte(len(chunk)>>8), byte(len(chunk)))
		} else {
			h = append(hdr[:0], 0, byte(len(chunk)))
		}
		r.bw.Write(h)
		r.bw.Write(chunk)
	}
	if flush {
		r.bw.Flush()
	}
}

// BenchmarkDecodeZMQIngest pushes unpacked bits as fast as loopback TCP
// takes them into `gridstream decode` running on one core (GOMAXPROCS=1),
// and counts the decoded messages that come out of --out: MB/s is Mbit/s of
// unpacked bits; lost must be 0.
func BenchmarkDecodeZMQIngest(b *testing.B) {
	stream, ends, _ := benchStream(16<<20, 40000)
	r := newBenchRig(b)
	defer r.stop()
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs() // of the publisher and subscriber; gridstream is another process
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		r.send(stream, false)
	}
	r.bw.Flush()
	want := int64(b.N * len(ends))
	deadline := time.Now().Add(30 * time.Second)
	for r.count.Load() < want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	got := r.count.Load()
	b.ReportMetric(float64(b.N*len(stream))/elapsed.Seconds()/1e6, "Mbit/s")
	b.ReportMetric(float64(want-got), "lost")
	if got != want {
		b.Errorf("%d of %d messages arrived", got, want)
	}
}

// BenchmarkDecodeZMQLatency feeds bits at a steady 100 Mbit/s (unpacked)
// and measures, for every frame, the time from writing the ZMQ message that
// holds the frame's last bit to a subscriber on --out receiving the decoded
// message: an upper bound on gridstream's own "last bit in → message out"
// (it includes two loopback hops). Reports p50/p99/max in ms.
func BenchmarkDecodeZMQLatency(b *testing.B) {
	const rate = 100e6 // unpacked bits per second
	stream, ends, raws := benchStream(4<<20, 20000)
	r := newBenchRig(b)
	defer r.stop()
	var lat []time.Duration
	b.SetBytes(int64(len(stream)))
	b.ResetTimer()
	start := time.Now()
	sent := 0
	for range b.N {
		fi := 0
		var pending []time.Time
		for i := 0; i < len(stream); i += benchChunk {
			end := min(i+benchChunk, len(stream))
			// pace: chunk i may leave at start + sent/rate
			if d := time.Until(start.Add(time.Duration(float64(sent) / rate * float64(time.Second)))); d > 0 {
				time.Sleep(d)
			}
			r.send(stream[i:end], true)
			now := time.Now()
			sent += end - i
			for fi < len(ends) && ends[fi] <= end {
				pending = append(pending, now)
				fi++
			}
			for len(pending) > 0 {
				select {
				case m := <-r.recv:
					k := len(lat) % len(ends)
					if m.raw != raws[k] {
						b.Fatalf("message %d: got %s, want %s", len(lat), m.raw, raws[k])
					}
					lat = append(lat, m.at.Sub(pending[0]))
					pending = pending[1:]
					continue
				default:
				}
				break
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for len(pending) > 0 {
			select {
			case m := <-r.recv:
				_ = m
				lat = append(lat, m.at.Sub(pending[0]))
				pending = pending[1:]
			case <-time.After(time.Until(deadline)):
				b.Fatalf("%d messages missing", len(pending))
			}
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
	b.ReportMetric(float64(len(lat)), "frames")
}

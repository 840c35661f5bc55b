package zmqsink

import (
	"context"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/internal/zmtp"
	"github.com/gridstream-sdr/gridstream/pmt"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

func listen(t *testing.T, hwm int) *Publisher {
	t.Helper()
	p, err := Listen(Config{Endpoint: "tcp://127.0.0.1:0", HWM: hwm})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// TestTopicsWithGoZeromqSub subscribes with go-zeromq's own SUB socket and
// checks topic filtering and multipart delivery.
func TestTopicsWithGoZeromqSub(t *testing.T) {
	p := listen(t, 100)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	if err := sub.Dial(p.Endpoint()); err != nil {
		t.Fatal(err)
	}
	if err := sub.SetOption(zmq4.OptionSubscribe, "nge101"); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitSubscribers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	p.Publish([]byte("gridstream"), []byte("a"))
	p.Publish([]byte("nge101"), []byte("b"))
	msg, err := sub.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Frames) != 2 || string(msg.Frames[0]) != "nge101" || string(msg.Frames[1]) != "b" {
		t.Fatalf("got %q", msg.Frames)
	}
}

// TestSlowSubscriberNeverBlocks connects a subscriber that never reads:
// Publish must not block, drops are counted and memory stays bounded.
func TestSlowSubscriberNeverBlocks(t *testing.T) {
	p := listen(t, 64)
	c, err := net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := zmtp.Handshake(c, zmtp.Sub, time.Second); err != nil {
		t.Fatal(err)
	}
	c.Write(zmtp.AppendFrame(nil, []byte{1}, false))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.WaitSubscribers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	body := make([]byte, 64<<10)
	start := time.Now()
	const n = 20000 // 1.3 GB offered to a reader that never reads
	for range n {
		p.Publish([]byte("gridstream"), body)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Publish took %v: it blocked", d)
	}
	st := p.Stats()
	if st.Dropped < n-64-1000 || st.Published != n {
		t.Fatalf("stats %+v: want nearly all dropped", st)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grow := int64(after.HeapAlloc) - int64(before.HeapAlloc); grow > 64<<20 {
		t.Fatalf("heap grew by %d MB", grow>>20)
	}
}

func TestMessagePDU(t *testing.T) {
	init := "142A"
	m := &frames.Message{
		Protocol: gridstream.Name, Time: "2026-01-02T03:04:05.000Z", CRCOK: true,
		Raw: "2ad5001422", BitOffset: 123456,
		Fields: &gridstream.Fields{Version: 4, Type: "D5", CI: "22", Length: 20, CRCInit: &init},
		Meta:   map[string]any{"rx_freq": 915.3e6, "baud": int64(9600)},
	}
	pdu, err := MessagePDU(m)
	if err != nil {
		t.Fatal(err)
	}
	meta, payload, err := pmt.ParsePDU(pdu)
	if err != nil {
		t.Fatal(err)
	}
	if string(payload) != "\x2a\xd5\x00\x14\x22" {
		t.Errorf("payload %x", payload)
	}
	for k, want := range map[string]any{
		"protocol": pmt.Symbol("gridstream"), "crc_ok": true, "bit_offset": int64(123456),
		"crc_init": pmt.Symbol("142A"), "version": int64(4), "type": pmt.Symbol("D5"),
	} {
		if got, ok := meta.Get(k); !ok || got != want {
			t.Errorf("meta[%s] = %#v, want %#v", k, got, want)
		}
	}
	if _, ok := meta.Get("raw"); ok {
		t.Error("raw in meta")
	}
	if _, ok := meta.Get("network_id"); ok {
		t.Error("null network_id in meta")
	}
	sub, _ := meta.Get("meta")
	if d, ok := sub.(pmt.Dict); !ok {
		t.Errorf("meta.meta = %#v", sub)
	} else if f, _ := d.Get("rx_freq"); f != 915.3e6 {
		t.Errorf("rx_freq %v", f)
	}
	b, err := pmt.Marshal(pdu)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := pmt.UnmarshalPDU(b); err != nil {
		t.Fatal(err)
	}
	// msgpack round trip keeps the inline fields.
	mb, err := EncodeMsgpack(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeMsgpack(mb)
	if fields, _ := back.Fields.(frames.Map); err != nil || fields["type"] != "D5" || fields["crc_init"] != "142A" || back.Meta["baud"] == nil {
		t.Fatalf("msgpack round trip: %+v %v", back, err)
	}
}

// A bind without a host listens on loopback only; "*" is every interface.
func TestBindHostDefaultsToLoopback(t *testing.T) {
	for ep, loopback := range map[string]bool{"tcp://:0": true, "tcp://*:0": false} {
		p, err := Listen(Config{Endpoint: ep})
		if err != nil {
			t.Fatal(err)
		}
		ip := p.Addr().(*net.TCPAddr).IP
		if ip.IsLoopback() != loopback || !loopback && !ip.IsUnspecified() {
			t.Errorf("%s bound %s (%s)", ep, p.Addr(), p.Endpoint())
		}
		p.Close()
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// More peers than MaxSubscribers are refused and counted; a place that
// frees is taken again; arrivals and departures are logged only for the
// first few subscribers.
func TestMaxSubscribers(t *testing.T) {
	var logs syncBuffer
	p, err := Listen(Config{Endpoint: "tcp://127.0.0.1:0", MaxSubscribers: 3,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	dial := func() (net.Conn, error) {
		c, err := net.Dial("tcp", p.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		_, err = zmtp.Handshake(c, zmtp.Sub, 2*time.Second)
		return c, err
	}
	var subs []net.Conn
	for range 3 {
		c, err := dial()
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		subs = append(subs, c)
	}
	waitFor(t, "3 subscribers", func() bool { return p.Stats().Subscribers == 3 })
	for i := range 5 {
		c, err := dial()
		if err == nil {
			t.Fatalf("peer %d over the limit of 3 was accepted", i+4)
		}
		c.Close()
	}
	if st := p.Stats(); st.Rejected != 5 || st.Subscribers != 3 {
		t.Fatalf("stats %+v: want 5 rejected, 3 subscribers", st)
	}
	if n := strings.Count(logs.String(), "kind=too_many"); n != 1 {
		t.Errorf("%d log lines for refused peers, want the first only:\n%s", n, logs.String())
	}
	subs[0].Close()
	waitFor(t, "a freed place", func() bool { return p.conns.Load() == 2 })
	// Subscribers come and go, one at a time.
	for range 3 * loggedConnects {
		c, err := dial()
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		waitFor(t, "the subscriber to go", func() bool { return p.conns.Load() == 2 })
	}
	st := p.Stats()
	if want := int64(3 + 3*loggedConnects); st.Connects != want || st.Rejected != 5 {
		t.Errorf("stats %+v: want %d connects, 5 rejected", st, want)
	}
	if n := strings.Count(logs.String(), "subscriber connected"); n != loggedConnects {
		t.Errorf("%d subscribers logged as connected, want the first %d", n, loggedConnects)
	}
	if n := strings.Count(logs.String(), "subscriber gone"); n > loggedConnects {
		t.Errorf("%d subscribers logged as gone, want at most %d", n, loggedConnects)
	}
}

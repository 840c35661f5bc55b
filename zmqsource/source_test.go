package zmqsource

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/zmtp"
	"github.com/gridstream-sdr/gridstream/zmqsink"
)

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "tcp://" + l.Addr().String()
}

type collector struct {
	mu     sync.Mutex
	chunks []Chunk
	items  []byte
}

func (c *collector) add(ch Chunk) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch.Items = append([]byte{}, ch.Items...)
	ch.Tags = append([]Tag{}, ch.Tags...)
	c.chunks = append(c.chunks, ch)
	c.items = append(c.items, ch.Items...)
}

func (c *collector) wait(t *testing.T, n int) []Chunk {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		if len(c.chunks) >= n {
			out := append([]Chunk{}, c.chunks...)
			c.mu.Unlock()
			return out
		}
		c.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %d chunks", n)
	return nil
}

func run(t *testing.T, cfg Config) (*Source, *collector) {
	t.Helper()
	cfg.RetryMin, cfg.RetryMax = 20*time.Millisecond, 50*time.Millisecond
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &collector{}
	done := make(chan struct{})
	go func() { s.Run(ctx, c.add); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return s, c
}

// TestSubKeyAndReconnect: the source starts before the publisher, keeps
// redialing, receives, survives the publisher going away and coming back
// on the same port, and drops the key frame as GNU Radio does.
func TestSubKeyAndReconnect(t *testing.T) {
	ep := freePort(t)
	s, c := run(t, Config{Endpoint: ep, Key: "ch1"})
	time.Sleep(100 * time.Millisecond) // several failed dials
	for round := range 2 {
		p, err := zmqsink.Listen(zmqsink.Config{Endpoint: ep})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := p.WaitSubscribers(ctx, 1); err != nil {
			t.Fatal(err)
		}
		cancel()
		p.Publish([]byte("ch1"), []byte{1, 0, 1})
		p.Publish([]byte("ch2"), []byte{9, 9}) // not subscribed
		p.Publish([]byte("ch1"), []byte{0, 0})
		got := c.wait(t, 2*(round+1))
		if !got[2*round].Restart || got[2*round+1].Restart {
			t.Errorf("round %d: Restart flags %v %v", round, got[2*round].Restart, got[2*round+1].Restart)
		}
		p.Close()
	}
	if string(c.items) != "\x01\x00\x01\x00\x00\x01\x00\x01\x00\x00" {
		t.Fatalf("items %x", c.items)
	}
	if st := s.Stats(); st.Connections != 2 || st.Items != 10 {
		t.Fatalf("stats %+v", st)
	}
}

// TestEmptyKeyJoinsFrames: with no key every frame is stream data.
func TestEmptyKeyJoinsFrames(t *testing.T) {
	ep := freePort(t)
	p, err := zmqsink.Listen(zmqsink.Config{Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, c := run(t, Config{Endpoint: ep})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p.WaitSubscribers(ctx, 1)
	p.Publish([]byte{1, 1}, []byte{0, 1})
	c.wait(t, 2)
	if string(c.items) != "\x01\x01\x00\x01" {
		t.Fatalf("items %x", c.items)
	}
}

// pushServer is a minimal PUSH sink: it accepts one PULL peer and sends msgs.
func pushServer(t *testing.T, ep string, msgs [][][]byte) {
	t.Helper()
	_, addr, _ := zmtp.SplitEndpoint(ep)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer l.Close()
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		if _, err := zmtp.Handshake(c, zmtp.Push, time.Second); err != nil {
			return
		}
		var b []byte
		for _, m := range msgs {
			for i, f := range m {
				b = zmtp.AppendFrame(b, f, i < len(m)-1)
			}
		}
		c.Write(b)
		time.Sleep(200 * time.Millisecond)
	}()
}

// TestPullTagsFloatsAndMalformed: PULL, pass_tags, float32 items, and every
// kind of malformed message is counted without stopping the input.
func TestPullTagsFloatsAndMalformed(t *testing.T) {
	ep := freePort(t)
	h0, _ := AppendHeader(nil, 0, []Tag{{Offset: 1, Key: "rx_freq", Value: 915e6}})
	h2, _ := AppendHeader(nil, 2, nil)
	h10, _ := AppendHeader(nil, 10, nil)
	f32 := []byte{0, 0, 0x80, 0x3f, 0, 0, 0x80, 0xbf} // 1.0, -1.0
	msgs := [][][]byte{
		{append(append([]byte{}, h0...), f32...)},
		{make([]byte, 24)},                      // no header: bad magic
		{append(append([]byte{}, h2...), 1, 2)}, // 2 bytes: partial float
		{append(append([]byte{}, h10...), f32...)},
	}
	pushServer(t, ep, msgs)
	s, c := run(t, Config{Endpoint: ep, Pull: true, PassTags: true, ItemSize: 4})
	got := c.wait(t, 3)
	if len(got[0].Tags) != 1 || got[0].Tags[0].Key != "rx_freq" || got[0].Offset != 0 || len(got[0].Items) != 8 {
		t.Errorf("chunk 0: %+v", got[0])
	}
	if len(got[1].Items) != 0 || got[1].Restart {
		t.Errorf("chunk 1: %+v", got[1])
	}
	if !got[2].Restart || got[2].Offset != 10 {
		t.Errorf("chunk 2 should be a restart after a gap: %+v", got[2])
	}
	st := s.Stats()
	if st.Malformed[KindTagMagic] != 1 || st.Malformed[KindItemSize] != 1 || st.Gaps != 1 || st.LostItems != 8 {
		t.Errorf("stats %+v", st)
	}
}

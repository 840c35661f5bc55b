package zmqsink

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/zmtp"
)

func TestTopicSet(t *testing.T) {
	var s topicSet
	if s.matches([]byte("gridstream")) || !s.empty() {
		t.Fatal("an empty set matches")
	}
	for _, topic := range []string{"grid", "grid", "nge101"} {
		if err := s.subscribe([]byte(topic)); err != nil {
			t.Fatal(err)
		}
	}
	for topic, want := range map[string]bool{"gridstream": true, "grid": true, "gri": false, "nge101": true, "nge10": false, "": false, "x": false} {
		if s.matches([]byte(topic)) != want {
			t.Errorf("%q: match %v, want %v", topic, !want, want)
		}
	}
	s.cancel([]byte("grid")) // subscribed twice: still subscribed
	s.cancel([]byte("unknown"))
	if !s.matches([]byte("gridstream")) {
		t.Error("one cancel of two subscriptions removed both")
	}
	s.cancel([]byte("grid"))
	if s.matches([]byte("gridstream")) || !s.matches([]byte("nge101")) {
		t.Error("cancel")
	}
	s.subscribe(nil)
	if !s.matches([]byte("anything")) || !s.matches(nil) {
		t.Error(`"" must match everything`)
	}
	s.cancel(nil)
	s.cancel([]byte("nge101"))
	if !s.empty() || s.matches([]byte("nge101")) || s.maxLen != 0 {
		t.Errorf("not empty after cancelling everything: %+v", s.count)
	}
	if err := s.subscribe(make([]byte, MaxTopicLen+1)); err == nil {
		t.Error("an over-long subscription was accepted")
	}
	for i := range MaxTopics {
		if err := s.subscribe(fmt.Appendf(nil, "t%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.subscribe([]byte("one more")); err == nil {
		t.Error("subscription over MaxTopics accepted")
	}
	if err := s.subscribe([]byte("t7")); err != nil {
		t.Errorf("repeating a subscription at the limit: %v", err)
	}
}

// rawSub connects a subscriber that speaks our own ZMTP.
func rawSub(t *testing.T, p *Publisher) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	br, err := zmtp.Handshake(c, zmtp.Sub, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return c, br
}

// A ZMTP 3.1 subscriber subscribes and cancels with commands.
func TestSubscribeCommands(t *testing.T) {
	p := listen(t, 100)
	c, br := rawSub(t, p)
	c.Write(zmtp.AppendCommand(nil, "SUBSCRIBE", []byte("nge")))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.WaitSubscribers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	p.Publish([]byte("gridstream"), []byte("a"))
	p.Publish([]byte("nge101"), []byte("b"))
	fr := zmtp.FrameReader{R: br, Max: 1 << 10}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	m, err := fr.ReadMsg()
	if err != nil || string(m[1]) != "b" {
		t.Fatalf("%q %v", m, err)
	}
	c.Write(zmtp.AppendCommand(nil, "CANCEL", []byte("nge")))
	for !p.subscribersEmpty() {
		time.Sleep(time.Millisecond)
	}
}

func (p *Publisher) subscribersEmpty() bool {
	for _, s := range *p.list.Load() {
		if !s.topics.empty() {
			return false
		}
	}
	return true
}

// Subscribers beyond the limits, or breaking ZMTP, are dropped, logged
// once per kind and counted; a good subscriber goes on.
func TestBadSubscribersDropped(t *testing.T) {
	var logs syncBuffer
	p, err := Listen(Config{Endpoint: "tcp://127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	good, goodR := rawSub(t, p)
	good.Write(zmtp.AppendFrame(nil, []byte{1}, false))

	var many []byte
	for i := range MaxTopics + 1 {
		many = zmtp.AppendFrame(many, fmt.Appendf([]byte{1}, "topic-%d", i), false)
	}
	long := zmtp.AppendFrame(nil, append([]byte{1}, make([]byte, MaxTopicLen+1)...), false)
	longCommand := zmtp.AppendCommand(nil, "SUBSCRIBE", make([]byte, MaxTopicLen+1))
	for name, bytes := range map[string][]byte{
		"too many":             many,
		"too long":             long,
		"too long, as command": longCommand,
		"oversized command":    zmtp.AppendCommand(nil, "PING", make([]byte, zmtp.MaxCommand)),
	} {
		c, _ := rawSub(t, p)
		c.Write(bytes)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var ne net.Error
		if _, err := io.Copy(io.Discard, c); errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("%s: not dropped", name)
		}
	}
	bad, err := net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	bad.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + strings.Repeat(" ", 64)))
	bad.SetReadDeadline(time.Now().Add(5 * time.Second))
	io.Copy(io.Discard, bad)

	for p.Stats().Rejected < 5 {
		time.Sleep(time.Millisecond)
	}
	p.Publish([]byte("gridstream"), []byte("still here"))
	fr := zmtp.FrameReader{R: goodR, Max: 1 << 10}
	good.SetDeadline(time.Now().Add(5 * time.Second))
	if m, err := fr.ReadMsg(); err != nil || string(m[1]) != "still here" {
		t.Fatalf("good subscriber: %q %v", m, err)
	}
	log := logs.String()
	for kind, n := range map[string]int{RejectSubscriptions: 1, RejectProtocol: 1, RejectHandshake: 1} {
		if got := strings.Count(log, "kind="+kind); got != n {
			t.Errorf("kind %s logged %d times, want %d:\n%s", kind, got, n, log)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// BenchmarkSubscriptions: a subscriber's subscribe and cancel of
// MaxTopics topics (the old copy-on-write list was quadratic).
func BenchmarkSubscriptions(b *testing.B) {
	topics := make([][]byte, MaxTopics)
	for i := range topics {
		topics[i] = fmt.Appendf(nil, "topic-%04d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		var s topicSet
		for _, t := range topics {
			if err := s.subscribe(t); err != nil {
				b.Fatal(err)
			}
		}
		for _, t := range topics {
			s.cancel(t)
		}
	}
}

// BenchmarkMatch: one message's topic checked against a subscriber with
// MaxTopics subscriptions, none matching (the worst case).
func BenchmarkMatch(b *testing.B) {
	var s topicSet
	for i := range MaxTopics {
		s.subscribe(fmt.Appendf(nil, "topic-%04d", i))
	}
	topic := []byte("gridstream")
	b.ReportAllocs()
	for b.Loop() {
		if s.matches(topic) {
			b.Fatal("match")
		}
	}
}

// BenchmarkMatchWorst: a subscriber holding subscriptions of every length
// up to MaxTopicLen, none matching, and a PMT-sized topic.
func BenchmarkMatchWorst(b *testing.B) {
	var s topicSet
	topic := bytes.Repeat([]byte{7}, 600)
	for l := 1; l <= MaxTopicLen; l++ {
		t := bytes.Clone(topic[:l])
		t[l-1] = 8
		s.subscribe(t)
	}
	b.ReportAllocs()
	for b.Loop() {
		if s.matches(topic) {
			b.Fatal("match")
		}
	}
}

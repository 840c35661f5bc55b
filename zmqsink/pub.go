// Package zmqsink publishes decoded messages on ZMQ PUB sockets: msgpack
// with the protocol name as a topic frame, and GNU Radio PMT PDUs that a
// ZMQ SUB Message Source accepts.
//
// The PUB socket is gridstream's own small implementation on the ZMTP
// layer of internal/zmtp, because go-zeromq v0.17.0's PUB queue is
// unbounded and one slow subscriber stalls all others. Here every
// subscriber has its own queue of at most HWM messages; Publish never
// blocks, and a message that does not fit a subscriber's queue is dropped
// for that subscriber and counted. What a subscriber can make gridstream
// hold is bounded too: its subscriptions (MaxTopics of at most MaxTopicLen
// bytes), a small read buffer, and its queue; a subscriber that breaks
// ZMTP or the limits is logged and dropped, the others go on. At most
// MaxSubscribers peers are connected at once (those still in their
// handshake included); more are refused and counted, so the whole stays
// bounded however many connect.
package zmqsink

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/zmtp"
)

// DefaultHWM is the default per-subscriber queue length, in messages.
const DefaultHWM = 10000

// DefaultMaxSubscribers is the default bound on connected peers.
const DefaultMaxSubscribers = 64

// loggedConnects is how many subscribers' arrival and departure are
// logged; later ones are only counted (Stats.Connects), so that a peer
// connecting in a loop cannot flood the log.
const loggedConnects = 10

// Per-subscriber buffers: a subscriber only ever sends its handshake and
// subscriptions.
const (
	subReadBuffer    = 4 << 10
	subWriteBuffer   = 64 << 10
	handshakeTimeout = 5 * time.Second
)

// Kinds of rejected subscribers, counted in Stats.Rejected.
const (
	RejectHandshake     = "handshake"     // not a ZMTP 3 SUB/XSUB with the NULL mechanism
	RejectProtocol      = "protocol"      // a malformed or oversized frame or command
	RejectSubscriptions = "subscriptions" // over MaxTopics or MaxTopicLen
	RejectTooMany       = "too_many"      // MaxSubscribers peers already connected
)

// Config configures a Publisher.
type Config struct {
	// Endpoint to bind: tcp://127.0.0.1:5560, tcp://:5560 (the same:
	// no host means 127.0.0.1), tcp://*:5560 or tcp://0.0.0.0:5560 (all
	// interfaces), tcp://127.0.0.1:0 (any free port) or ipc://path.
	Endpoint string
	// HWM is the per-subscriber queue length in messages (default DefaultHWM).
	HWM int
	// MaxSubscribers bounds the peers connected at once, handshaking or
	// subscribed (default DefaultMaxSubscribers); more are refused and
	// counted in Stats.Rejected.
	MaxSubscribers int
	// Linger is how long Close waits for queued messages to be written
	// (default 1 s, like GNU Radio's sockets).
	Linger time.Duration
	// Logger receives subscriber events.
	Logger *slog.Logger
}

// Stats are a Publisher's counters.
type Stats struct {
	Subscribers int   // connected subscribers
	Published   int64 // messages given to Publish
	Sent        int64 // message copies written to subscribers
	Dropped     int64 // message copies dropped because a queue was full
	Rejected    int64 // peers refused (over MaxSubscribers) or dropped for breaking ZMTP or the subscription limits
	Connects    int64 // subscribers that completed the handshake, in all
}

// Publisher is a bound ZMQ PUB socket with bounded per-subscriber queues.
// It is safe for concurrent use.
type Publisher struct {
	cfg Config
	log *slog.Logger
	ln  net.Listener

	mu     sync.RWMutex // Publish holds it for reading, Close for writing
	subs   map[*subscriber]struct{}
	list   atomic.Pointer[[]*subscriber]
	closed bool
	wg     sync.WaitGroup

	published, sent, dropped atomic.Int64
	conns                    atomic.Int64 // peers connected now, handshaking or subscribed
	connects                 atomic.Int64

	rejectMu sync.Mutex
	rejects  map[string]int64
}

type subscriber struct {
	conn   net.Conn
	q      chan [][]byte
	topics topicSet
	done   chan struct{}
	drops  atomic.Int64
	logged bool // its arrival was logged, so its departure is too
}

// Listen binds cfg.Endpoint and starts accepting subscribers.
func Listen(cfg Config) (*Publisher, error) {
	network, addr, err := zmtp.SplitBindEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.HWM <= 0 {
		cfg.HWM = DefaultHWM
	}
	if cfg.MaxSubscribers <= 0 {
		cfg.MaxSubscribers = DefaultMaxSubscribers
	}
	if cfg.Linger <= 0 {
		cfg.Linger = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if network == "unix" {
		if err := removeStaleSocket(addr); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil, err
	}
	p := &Publisher{cfg: cfg, ln: ln, subs: map[*subscriber]struct{}{}, rejects: map[string]int64{}}
	p.log = cfg.Logger.With("output", p.Endpoint())
	p.list.Store(&[]*subscriber{})
	go p.accept()
	return p, nil
}

// removeStaleSocket removes a socket file left at path by a process that is
// gone, as libzmq does before binding ipc://; anything else at path (a
// file, a directory, a socket someone listens on) is refused, never
// deleted.
func removeStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket: refusing to replace it (remove it or choose another path)", path)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("%s is in use: another process listens on it", path)
	}
	return os.Remove(path)
}

// Addr returns the bound address (useful with port 0).
func (p *Publisher) Addr() net.Addr { return p.ln.Addr() }

// Endpoint returns the bound endpoint as tcp://host:port (or ipc://path).
func (p *Publisher) Endpoint() string {
	if a, ok := p.ln.Addr().(*net.TCPAddr); ok {
		return "tcp://" + a.String()
	}
	return "ipc://" + p.ln.Addr().String()
}

func (p *Publisher) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if p.conns.Load() >= int64(p.cfg.MaxSubscribers) {
			p.reject(RejectTooMany, c, fmt.Errorf("%d subscribers are connected, the most allowed", p.cfg.MaxSubscribers))
			c.Close()
			continue
		}
		p.conns.Add(1)
		go p.open(c)
	}
}

// reject counts a dropped peer and logs the first of each kind.
func (p *Publisher) reject(kind string, c net.Conn, err error) {
	p.rejectMu.Lock()
	p.rejects[kind]++
	n := p.rejects[kind]
	p.rejectMu.Unlock()
	if n == 1 {
		p.log.Warn("subscriber dropped (the first of each kind is logged, all are counted as rejected in the stats)",
			"kind", kind, "remote", c.RemoteAddr().String(), "err", err)
	}
}

// open runs a peer's connection: the handshake, then its subscriptions
// until it goes. It frees the peer's place (p.conns) before the counters
// show it gone.
func (p *Publisher) open(c net.Conn) {
	br := bufio.NewReaderSize(c, subReadBuffer)
	if _, err := zmtp.HandshakeReader(c, br, zmtp.Pub, handshakeTimeout); err != nil {
		p.reject(RejectHandshake, c, err)
		c.Close()
		p.conns.Add(-1)
		return
	}
	s := &subscriber{conn: c, q: make(chan [][]byte, p.cfg.HWM), done: make(chan struct{})}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		c.Close()
		p.conns.Add(-1)
		return
	}
	p.subs[s] = struct{}{}
	p.republish()
	p.wg.Add(1)
	p.mu.Unlock()
	switch n := p.connects.Add(1); {
	case n < loggedConnects:
		s.logged = true
		p.log.Info("subscriber connected", "remote", c.RemoteAddr().String())
	case n == loggedConnects:
		s.logged = true
		p.log.Info("subscriber connected (later subscribers are not logged; the stats count them in connects)",
			"remote", c.RemoteAddr().String())
	}
	go p.write(s)
	p.read(s, br)
}

// republish refreshes the lock-free subscriber list; p.mu must be held.
func (p *Publisher) republish() {
	l := make([]*subscriber, 0, len(p.subs))
	for s := range p.subs {
		l = append(l, s)
	}
	p.list.Store(&l)
}

// errSubscriptions marks a subscriber over the subscription limits.
var errSubscriptions = errors.New("subscription limits")

// read handles a subscriber's (un)subscriptions until it disconnects or
// breaks the protocol or the limits. Subscriptions come as ZMTP 3.0
// messages (1 or 0, then the topic) or ZMTP 3.1 SUBSCRIBE/CANCEL commands.
func (p *Publisher) read(s *subscriber, br *bufio.Reader) {
	subscribe := func(topic []byte) error {
		if err := s.topics.subscribe(topic); err != nil {
			return fmt.Errorf("%w: %v", errSubscriptions, err)
		}
		return nil
	}
	fr := zmtp.FrameReader{R: br, Max: 1 + MaxTopicLen, Command: func(name, data []byte) error {
		switch string(name) {
		case "SUBSCRIBE":
			return subscribe(data)
		case "CANCEL":
			s.topics.cancel(data)
		}
		return nil
	}}
	for {
		frames, err := fr.ReadMsg()
		if err != nil {
			switch {
			case errors.Is(err, errSubscriptions):
				p.reject(RejectSubscriptions, s.conn, err)
			case errors.Is(err, zmtp.ErrFrameTooLarge):
				p.reject(RejectSubscriptions, s.conn, fmt.Errorf("a message over %d bytes: subscriptions are at most %d bytes", 1+MaxTopicLen, MaxTopicLen))
			case errors.Is(err, zmtp.ErrProtocol):
				p.reject(RejectProtocol, s.conn, err)
			}
			break
		}
		if len(frames) != 1 || len(frames[0]) == 0 {
			continue
		}
		switch f := frames[0]; f[0] {
		case 1:
			err = subscribe(f[1:])
		case 0:
			s.topics.cancel(f[1:])
		}
		if err != nil {
			p.reject(RejectSubscriptions, s.conn, err)
			break
		}
	}
	s.conn.Close()
	p.conns.Add(-1)
	p.mu.Lock()
	if _, ok := p.subs[s]; ok {
		delete(p.subs, s)
		p.republish()
	}
	p.mu.Unlock()
	close(s.done)
	if s.logged {
		p.log.Info("subscriber gone", "remote", s.conn.RemoteAddr().String(), "dropped", s.drops.Load())
	}
}

// write sends a subscriber's queue, flushing whenever the queue runs empty.
func (p *Publisher) write(s *subscriber) {
	defer p.wg.Done()
	defer s.conn.Close()
	bw := bufio.NewWriterSize(s.conn, subWriteBuffer)
	var hdr []byte
	send := func(m [][]byte) error {
		for i, f := range m {
			hdr = frameHeader(hdr[:0], len(f), i < len(m)-1)
			if _, err := bw.Write(hdr); err != nil {
				return err
			}
			if _, err := bw.Write(f); err != nil {
				return err
			}
		}
		p.sent.Add(1)
		return nil
	}
	for {
		select {
		case <-s.done:
			return
		case m, ok := <-s.q:
			if !ok { // Close: queue drained, flush and go
				_ = s.conn.SetWriteDeadline(time.Now().Add(p.cfg.Linger))
				_ = bw.Flush()
				return
			}
			if send(m) != nil {
				return
			}
			for more := true; more; {
				select {
				case m, ok := <-s.q:
					if !ok {
						_ = s.conn.SetWriteDeadline(time.Now().Add(p.cfg.Linger))
						_ = bw.Flush()
						return
					}
					if send(m) != nil {
						return
					}
				default:
					more = false
				}
			}
			if bw.Flush() != nil {
				return
			}
		}
	}
}

func frameHeader(dst []byte, n int, more bool) []byte {
	var flags byte
	if more {
		flags = 1
	}
	if n > 255 {
		dst = append(dst, flags|2, 0, 0, 0, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
		return dst
	}
	return append(dst, flags, byte(n))
}

// Publish queues a message (its frames; the first frame is the topic that
// subscriptions match by prefix) for every matching subscriber. It never
// blocks. The frames must not be modified afterwards.
func (p *Publisher) Publish(frames ...[]byte) {
	if len(frames) == 0 {
		return
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return
	}
	p.published.Add(1)
	topic := frames[0]
	for _, s := range *p.list.Load() {
		if !s.topics.matches(topic) {
			continue
		}
		select {
		case s.q <- frames:
		default:
			s.drops.Add(1)
			p.dropped.Add(1)
		}
	}
}

// Stats returns the counters.
func (p *Publisher) Stats() Stats {
	p.rejectMu.Lock()
	var rejected int64
	for _, n := range p.rejects {
		rejected += n
	}
	p.rejectMu.Unlock()
	return Stats{
		Subscribers: len(*p.list.Load()),
		Published:   p.published.Load(),
		Sent:        p.sent.Load(),
		Dropped:     p.dropped.Load(),
		Rejected:    rejected,
		Connects:    p.connects.Load(),
	}
}

// WaitSubscribers waits until at least n subscribers have subscribed to
// something, or ctx ends.
func (p *Publisher) WaitSubscribers(ctx context.Context, n int) error {
	for {
		c := 0
		for _, s := range *p.list.Load() {
			if !s.topics.empty() {
				c++
			}
		}
		if c >= n {
			return nil
		}
		if !zmtp.SleepCtx(ctx, 5*time.Millisecond) {
			return ctx.Err()
		}
	}
}

// Close stops accepting, writes what is queued (waiting at most Linger) and
// closes every subscriber.
func (p *Publisher) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	err := p.ln.Close()
	subs := *p.list.Load()
	p.list.Store(&[]*subscriber{})
	for _, s := range subs {
		close(s.q)
	}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(p.cfg.Linger + 100*time.Millisecond):
		for _, s := range subs {
			s.conn.Close()
		}
	}
	return err // a unix listener removes its socket file itself
}

// Package zmqsource receives stream items from a GNU Radio ZMQ PUB Sink (as a
// SUB socket) or ZMQ PUSH Sink (as a PULL socket): it connects, redials
// forever when the flowgraph is not there or goes away, drops the key frame
// exactly as GNU Radio's ZMQ SUB/PULL Source does, and parses the pass_tags
// header that carries stream tags.
package zmqsource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/zmtp"
)

// Config describes one input.
type Config struct {
	// Endpoint is where the GNU Radio sink is bound: tcp://host:port or
	// ipc://path. The source always connects (GNU Radio 3.10 sinks bind).
	Endpoint string
	// Pull selects a PULL socket (for a PUSH Sink: nothing is dropped)
	// instead of SUB (for a PUB Sink).
	Pull bool
	// Key is the sink's key. Non-empty: SUB subscribes to it, and the first
	// frame of a multipart message is dropped. Empty: SUB subscribes to
	// everything and every frame is data, as in GNU Radio.
	Key string
	// PassTags says every data frame starts with a tag header.
	PassTags bool
	// ItemSize is the size of one stream item in bytes (1 for bits or
	// levels, 4 for float32); 0 means 1.
	ItemSize int
	// RetryMin and RetryMax bound the redial back-off (defaults 100 ms, 2 s).
	RetryMin, RetryMax time.Duration
	// MaxFrame is the largest ZMQ message accepted, all its frames together
	// (default DefaultMaxFrame); a larger one ends the connection, which is
	// then redialed. It bounds the connection's message buffer.
	MaxFrame int
	// Logger receives connection events and first-of-a-kind input errors.
	Logger *slog.Logger
}

// DefaultMaxFrame is the default message limit of an input: GNU Radio's
// sinks send one work() call's items per message, far less than this.
const DefaultMaxFrame = 64 << 20

// Chunk is what one ZMQ message carried.
type Chunk struct {
	// Items holds whole items (a trailing partial item is dropped and
	// counted). It is only valid during the callback.
	Items []byte
	// Offset is the absolute index (in the flowgraph's stream) of the first
	// item, from the tag header; valid when HasOffset.
	Offset    uint64
	HasOffset bool
	// Tags are the stream tags in this message, offsets absolute.
	Tags []Tag
	// Restart is true for the first chunk of a new connection and after a gap
	// in the tag-header offsets: the stream is not continuous with what came
	// before it.
	Restart bool
}

// Malformed-input kinds counted in Stats.Malformed.
const (
	KindTagMagic    = "tag_header_magic"
	KindTagVersion  = "tag_header_version"
	KindTagShort    = "tag_header_truncated"
	KindTagCount    = "tag_count"
	KindTagPMT      = "tag_pmt"
	KindTagLong     = "tag_too_long" // replaced by a summary, not dropped
	KindTagBudget   = "tag_budget"   // tags past MaxHeaderTagBytes, dropped
	KindItemSize    = "partial_item"
	KindFrameTooBig = "frame_too_large"
	KindHandshake   = "zmtp_handshake"
	KindProtocol    = "zmtp_protocol"
	// KindUndeclaredTags is not malformed input but a likely mistake: u8
	// messages that start with a tag header while PassTags is off. The
	// header is parsed anyway.
	KindUndeclaredTags = "undeclared_tag_header"
)

// Stats are an input's counters.
type Stats struct {
	Connected   bool
	Connections int64 // successful connections (1 + reconnects)
	Messages    int64 // ZMQ data messages used
	Bytes       int64 // item bytes delivered
	Items       int64 // items delivered
	Tags        int64 // stream tags parsed
	Gaps        int64 // discontinuities in tag-header offsets
	LostItems   int64 // items missing according to tag-header offsets
	Malformed   map[string]int64
}

// Source is one ZMQ input.
type Source struct {
	cfg Config
	log *slog.Logger

	connected   atomic.Bool
	connections atomic.Int64
	messages    atomic.Int64
	bytes       atomic.Int64
	items       atomic.Int64
	tags        atomic.Int64
	gaps        atomic.Int64
	lost        atomic.Int64

	mu        sync.Mutex
	malformed map[string]int64

	// read-goroutine state
	hdr      HeaderParser
	next     uint64
	haveNext bool
}

// New returns a Source for cfg; Run starts it.
func New(cfg Config) (*Source, error) {
	if _, _, err := zmtp.SplitEndpoint(cfg.Endpoint); err != nil {
		return nil, err
	}
	if cfg.ItemSize <= 0 {
		cfg.ItemSize = 1
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = 100 * time.Millisecond
	}
	if cfg.RetryMax < cfg.RetryMin {
		cfg.RetryMax = max(2*time.Second, cfg.RetryMin)
	}
	if cfg.MaxFrame <= 0 {
		cfg.MaxFrame = DefaultMaxFrame
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Source{
		cfg:       cfg,
		log:       cfg.Logger.With("input", cfg.Endpoint),
		malformed: map[string]int64{},
	}, nil
}

// Config returns the source's configuration (with defaults filled in).
func (s *Source) Config() Config { return s.cfg }

// Stats returns a snapshot of the counters.
func (s *Source) Stats() Stats {
	st := Stats{
		Connected:   s.connected.Load(),
		Connections: s.connections.Load(),
		Messages:    s.messages.Load(),
		Bytes:       s.bytes.Load(),
		Items:       s.items.Load(),
		Tags:        s.tags.Load(),
		Gaps:        s.gaps.Load(),
		LostItems:   s.lost.Load(),
		Malformed:   map[string]int64{},
	}
	s.mu.Lock()
	for k, v := range s.malformed {
		st.Malformed[k] = v
	}
	s.mu.Unlock()
	return st
}

// bad counts a malformed input of kind and logs the first of each kind.
func (s *Source) bad(kind string, err error) { s.badN(kind, 1, err) }

// badN counts n malformed inputs of kind and logs the first of each kind.
func (s *Source) badN(kind string, n int64, err error) {
	s.mu.Lock()
	first := s.malformed[kind] == 0
	s.malformed[kind] += n
	s.mu.Unlock()
	if first {
		s.log.Warn("malformed input (logged once per kind, counted in stats)", "kind", kind, "err", err)
	}
}

// Run connects and delivers every message's items to fn, in order, from one
// goroutine, until ctx is done; it redials forever with back-off when the
// peer is absent or disconnects. It returns ctx's error.
func (s *Source) Run(ctx context.Context, fn func(Chunk)) error {
	network, addr, _ := zmtp.SplitEndpoint(s.cfg.Endpoint)
	typ := zmtp.Sub
	if s.cfg.Pull {
		typ = zmtp.Pull
	}
	var d net.Dialer
	backoff := s.cfg.RetryMin
	waiting := false
	for ctx.Err() == nil {
		conn, err := d.DialContext(ctx, network, addr)
		if err == nil {
			err = s.serve(ctx, conn, typ, fn)
			if err == nil || ctx.Err() != nil {
				break
			}
			if s.connected.Swap(false) {
				s.log.Warn("input disconnected; reconnecting", "err", err)
				backoff = s.cfg.RetryMin
				waiting = false
			}
		} else if !waiting {
			s.log.Info("waiting for the flowgraph (redialing until it appears)", "err", err)
			waiting = true
		}
		if !zmtp.SleepCtx(ctx, backoff) {
			break
		}
		backoff = min(2*backoff, s.cfg.RetryMax)
	}
	s.connected.Store(false)
	return ctx.Err()
}

// serve runs one connection until it fails or ctx ends.
func (s *Source) serve(ctx context.Context, conn net.Conn, typ zmtp.SocketType, fn func(Chunk)) error {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	br, err := zmtp.Handshake(conn, typ, 5*time.Second)
	if err != nil {
		s.bad(KindHandshake, err)
		return err
	}
	if typ == zmtp.Sub {
		// ZMTP 3.0 subscription: a message whose first byte is 1.
		sub := zmtp.AppendFrame(nil, append([]byte{1}, s.cfg.Key...), false)
		if _, err := conn.Write(sub); err != nil {
			return err
		}
	}
	s.connected.Store(true)
	s.connections.Add(1)
	s.log.Info("input connected", "socket", string(typ), "key", s.cfg.Key, "pass_tags", s.cfg.PassTags)
	s.haveNext = false
	restart := true
	fr := zmtp.FrameReader{R: br, Max: s.cfg.MaxFrame}
	for {
		frames, err := fr.ReadMsg()
		if err != nil {
			if errors.Is(err, zmtp.ErrFrameTooLarge) {
				s.bad(KindFrameTooBig, err)
			} else if errors.Is(err, zmtp.ErrProtocol) {
				s.bad(KindProtocol, err)
			}
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("peer closed the connection")
			}
			return err
		}
		// GNU Radio's base_source_impl::load_message: with a key, a
		// multipart message's first frame is the key and the second the
		// data; without a key every frame is a message of its own.
		if s.cfg.Key != "" && len(frames) > 1 {
			frames = frames[1:2]
		}
		for _, f := range frames {
			if s.handle(f, restart, fn) {
				restart = false
			}
		}
	}
}

// undeclaredHeader reports whether a message of one-byte items, which are
// 0 or 1 when they are bits or OOK levels, instead starts with a whole,
// valid GNU Radio tag header (magic F0 5F, version 1).
func (s *Source) undeclaredHeader(f []byte) bool {
	if s.cfg.ItemSize != 1 || len(f) < 3 || f[0] != 0xF0 || f[1] != 0x5F || f[2] != 0x01 {
		return false
	}
	_, _, err := s.hdr.Parse(f)
	return err == nil
}

var (
	errTagLong = fmt.Errorf("a tag key, value or source id over %d bytes or %d values: replaced by a summary",
		MaxTagValueBytes, MaxTagValueItems)
	errTagBudget = fmt.Errorf("a message's tags over %d KiB: the rest dropped", MaxHeaderTagBytes>>10)
)

// useTags puts a parsed header's offset and tags into c and counts them.
func (s *Source) useTags(c *Chunk, h Header) {
	c.Offset, c.HasOffset, c.Tags = h.Offset, true, h.Tags
	s.tags.Add(int64(len(h.Tags)))
	if h.Summarized > 0 {
		s.badN(KindTagLong, int64(h.Summarized), errTagLong)
	}
	if h.Dropped > 0 {
		s.badN(KindTagBudget, int64(h.Dropped), errTagBudget)
	}
}

// handle parses one data frame and delivers it; it reports whether
// something was delivered.
func (s *Source) handle(f []byte, restart bool, fn func(Chunk)) bool {
	c := Chunk{Restart: restart}
	if !s.cfg.PassTags && s.undeclaredHeader(f) {
		s.bad(KindUndeclaredTags, errors.New("messages start with a GNU Radio tag header: the sink has pass_tags=True, so the tags are read (pass --pass-tags or tags=1 to say so)"))
		h, n, _ := s.hdr.Parse(f)
		f = f[n:]
		s.useTags(&c, h)
	} else if s.cfg.PassTags {
		h, n, err := s.hdr.Parse(f)
		if err != nil {
			var he *HeaderError
			kind := KindTagShort
			if errors.As(err, &he) {
				kind = he.Kind
			}
			s.bad(kind, err)
			return false
		}
		f = f[n:]
		s.useTags(&c, h)
	}
	if r := len(f) % s.cfg.ItemSize; r != 0 {
		s.bad(KindItemSize, fmt.Errorf("%d bytes is not a whole number of %d-byte items", len(f), s.cfg.ItemSize))
		f = f[:len(f)-r]
	}
	n := uint64(len(f) / s.cfg.ItemSize)
	if c.HasOffset {
		if s.haveNext && c.Offset != s.next {
			s.gaps.Add(1)
			if c.Offset > s.next {
				s.lost.Add(int64(c.Offset - s.next))
			}
			c.Restart = true
		}
		s.next, s.haveNext = c.Offset+n, true
	}
	s.messages.Add(1)
	s.bytes.Add(int64(len(f)))
	s.items.Add(int64(n))
	c.Items = f
	fn(c)
	return true
}

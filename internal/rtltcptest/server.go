// Package rtltcptest is an rtl_tcp server for tests: it speaks the real
// protocol (the 12-byte "RTL0" dongle info header, 5-byte big-endian command
// packets from the client, then a stream of cu8 samples), records the
// commands it receives, and streams a recording. It can hang up mid-stream
// or send a bad header to test how clients cope. It listens on 127.0.0.1
// only.
package rtltcptest

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"time"
)

// Command is one command packet a client sent.
type Command struct {
	Cmd   byte
	Param uint32
}

// Config configures a Server. The zero value streams nothing and hangs up.
type Config struct {
	// Data is the cu8 byte stream sent after the header.
	Data []byte
	// TunerType and GainCount go into the header (defaults 5 = R820T, 29).
	TunerType, GainCount uint32
	// Header replaces the 12-byte header when not nil (to test bad servers).
	Header []byte
	// HangUpAfter closes the connection abruptly after that many bytes of
	// Data (0: send all of Data).
	HangUpAfter int
	// WaitCommands makes the server wait (up to 5 s) for that many commands
	// before it streams, so a test can rely on the commands having arrived.
	WaitCommands int
	// Chunk is the write size (default 16 KiB); Pace, when > 0, is the time
	// to wait between chunks.
	Chunk int
	Pace  time.Duration
	// Hold keeps the connection open after Data was sent, until the client
	// closes it; otherwise the server closes its sending side (the client
	// sees the end of the stream) and keeps reading commands until the
	// client closes.
	Hold bool
}

// Server is a running test server.
type Server struct {
	// Addr is "127.0.0.1:port".
	Addr string

	cfg   Config
	ln    net.Listener
	mu    sync.Mutex
	cmds  []Command
	conns int
	cond  *sync.Cond
	wg    sync.WaitGroup
}

// Start listens on a free loopback port and serves every connection with
// cfg.
func Start(cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if cfg.TunerType == 0 && cfg.GainCount == 0 {
		cfg.TunerType, cfg.GainCount = 5, 29
	}
	if cfg.Chunk <= 0 {
		cfg.Chunk = 16 << 10
	}
	s := &Server{Addr: ln.Addr().String(), cfg: cfg, ln: ln}
	s.cond = sync.NewCond(&s.mu)
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// URL returns "rtl_tcp://127.0.0.1:port".
func (s *Server) URL() string { return "rtl_tcp://" + s.Addr }

// Commands returns the commands received so far, over all connections.
func (s *Server) Commands() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command(nil), s.cmds...)
}

// Connections returns how many clients connected.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Close stops listening and waits for the connections to end.
func (s *Server) Close() {
	s.ln.Close()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns++
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c.(*net.TCPConn))
	}
}

func (s *Server) serve(c *net.TCPConn) {
	defer s.wg.Done()
	defer c.Close()
	// Bound a test's worst case: nothing here runs for more than a minute.
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	hdr := s.cfg.Header
	if hdr == nil {
		hdr = make([]byte, 12)
		copy(hdr, "RTL0")
		binary.BigEndian.PutUint32(hdr[4:], s.cfg.TunerType)
		binary.BigEndian.PutUint32(hdr[8:], s.cfg.GainCount)
	}
	if _, err := c.Write(hdr); err != nil {
		return
	}
	got := 0
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		var p [5]byte
		for {
			if _, err := io.ReadFull(c, p[:]); err != nil {
				s.mu.Lock()
				s.cond.Broadcast()
				s.mu.Unlock()
				return
			}
			s.mu.Lock()
			s.cmds = append(s.cmds, Command{p[0], binary.BigEndian.Uint32(p[1:])})
			got++
			s.cond.Broadcast()
			s.mu.Unlock()
		}
	}()
	if s.cfg.WaitCommands > 0 {
		timer := time.AfterFunc(5*time.Second, func() {
			s.mu.Lock()
			s.cond.Broadcast()
			s.mu.Unlock()
		})
		deadline := time.Now().Add(5 * time.Second)
		s.mu.Lock()
		for got < s.cfg.WaitCommands && time.Now().Before(deadline) {
			select {
			case <-readerDone:
				deadline = time.Now()
			default:
				s.cond.Wait()
			}
		}
		s.mu.Unlock()
		timer.Stop()
	}
	data := s.cfg.Data
	if s.cfg.HangUpAfter > 0 && s.cfg.HangUpAfter < len(data) {
		data = data[:s.cfg.HangUpAfter]
	}
	for len(data) > 0 {
		n := min(len(data), s.cfg.Chunk)
		if _, err := c.Write(data[:n]); err != nil {
			return
		}
		data = data[n:]
		if s.cfg.Pace > 0 {
			time.Sleep(s.cfg.Pace)
		}
	}
	switch {
	case s.cfg.HangUpAfter > 0:
		return // hang up mid-stream, as when rtl_tcp dies
	case s.cfg.Hold:
		<-readerDone
	default:
		_ = c.CloseWrite()
		<-readerDone
	}
}

// Package zmtp is the small ZMTP layer gridstream's ZMQ inputs and outputs
// share.
package zmtp

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/security/null"
)

// gridstream uses go-zeromq like this:
// go-zeromq (zmq4.Open) performs the ZMTP 3 greeting and NULL handshake on a
// connection we dial or accept ourselves, and we read and write the frames.
// That gives what zmq4's sockets lack in v0.17.0: a visible connection state
// and endless redialing (its Dial gives up after 10 tries by default),
// buffered zero-allocation reads with a frame-size limit, and bounded,
// per-subscriber send queues that count drops.

// ZMTP frame flags.
const (
	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
)

// SplitEndpoint turns a ZMQ endpoint (tcp://host:port, ipc://path) into a Go
// network and address.
func SplitEndpoint(ep string) (network, addr string, err error) {
	scheme, rest, ok := strings.Cut(ep, "://")
	if !ok || rest == "" {
		return "", "", fmt.Errorf("endpoint %q: want tcp://host:port or ipc://path", ep)
	}
	switch scheme {
	case "tcp":
		if _, _, err := net.SplitHostPort(rest); err != nil {
			return "", "", fmt.Errorf("endpoint %q: %v", ep, err)
		}
		host, port, _ := net.SplitHostPort(rest)
		if host == "*" {
			host = ""
		}
		return "tcp", net.JoinHostPort(host, port), nil
	case "ipc":
		return "unix", rest, nil
	}
	return "", "", fmt.Errorf("endpoint %q: unsupported transport %q (tcp or ipc)", ep, scheme)
}

// bufConn reads through a bufio.Reader so that small ZMQ messages do not cost
// a system call each.
type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Handshake runs the ZMTP greeting and NULL security handshake on conn as a
// socket of type typ and returns a reader for the frames that follow.
func Handshake(conn net.Conn, typ zmq4.SocketType, server bool, timeout time.Duration) (*bufio.Reader, error) {
	bc := &bufConn{Conn: conn, r: bufio.NewReaderSize(conn, 1<<18)}
	if timeout > 0 {
		_ = conn.SetDeadline(time.Now().Add(timeout))
		defer conn.SetDeadline(time.Time{})
	}
	if _, err := zmq4.Open(bc, null.Security(), typ, zmq4.SocketIdentity(""), server, nil); err != nil {
		return nil, err
	}
	return bc.r, nil
}

// ErrFrameTooLarge is returned for a message whose frames together exceed
// the configured limit, or that has more than maxFrames frames.
var ErrFrameTooLarge = errors.New("zmtp: message larger than the limit")

// maxFrames bounds the frames of one message (GNU Radio sends one or two).
const maxFrames = 1024

// FrameReader reads ZMTP frames, reusing its buffers.
type FrameReader struct {
	R   *bufio.Reader
	Max int // largest message accepted (all frames together), in bytes

	frames [][]byte // frames of the current message (slices of bufs)
	bufs   [][]byte
}

// ReadMsg reads the next message (all its frames). Commands are skipped.
// The returned frames are valid until the next call.
func (f *FrameReader) ReadMsg() ([][]byte, error) {
	for {
		f.frames = f.frames[:0]
		cmd := false
		var total uint64
		for i := 0; ; i++ {
			flags, err := f.R.ReadByte()
			if err != nil {
				return nil, err
			}
			var size uint64
			if flags&flagLong != 0 {
				var hdr [8]byte
				if _, err := io.ReadFull(f.R, hdr[:]); err != nil {
					return nil, err
				}
				size = binary.BigEndian.Uint64(hdr[:])
			} else {
				b, err := f.R.ReadByte()
				if err != nil {
					return nil, err
				}
				size = uint64(b)
			}
			if size > uint64(f.Max) || total+size > uint64(f.Max) || i >= maxFrames {
				return nil, fmt.Errorf("%w (a %d-byte frame after %d bytes in %d frames; limit %d bytes)",
					ErrFrameTooLarge, size, total, i, f.Max)
			}
			total += size
			if i >= len(f.bufs) {
				f.bufs = append(f.bufs, nil)
			}
			if uint64(cap(f.bufs[i])) < size {
				f.bufs[i] = make([]byte, size, max(size, 4096))
			}
			buf := f.bufs[i][:size]
			if _, err := io.ReadFull(f.R, buf); err != nil {
				return nil, err
			}
			cmd = cmd || flags&flagCommand != 0
			f.frames = append(f.frames, buf)
			if flags&flagMore == 0 {
				break
			}
		}
		if !cmd {
			return f.frames, nil
		}
	}
}

// AppendFrame appends one ZMTP frame (more set when further frames of the
// same message follow) to dst.
func AppendFrame(dst []byte, body []byte, more bool) []byte {
	var flags byte
	if more {
		flags |= flagMore
	}
	if len(body) > 255 {
		dst = append(dst, flags|flagLong)
		dst = binary.BigEndian.AppendUint64(dst, uint64(len(body)))
	} else {
		dst = append(dst, flags, byte(len(body)))
	}
	return append(dst, body...)
}

// SleepCtx waits d or until ctx ends; it reports whether ctx is still live.
func SleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

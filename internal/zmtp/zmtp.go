// Package zmtp is the small ZMTP 3 layer gridstream's ZMQ inputs and outputs
// share: the greeting and NULL-mechanism READY exchange (handshake.go), a
// bounded, reusing frame reader (frames.go), and endpoint parsing.
//
// gridstream does not use go-zeromq's sockets for its own ends: it dials
// or accepts the connection itself, runs the handshake here and reads and
// writes the frames. That gives a visible connection state and endless
// redialing, buffered zero-allocation reads, bounded per-subscriber send
// queues, and a hard bound on what any peer can make it allocate: every
// length a peer sends is checked against a small limit before anything is
// allocated, and a peer that breaks the protocol gets an error (its
// connection is dropped) instead of a panic.
package zmtp

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// ZMTP frame flags.
const (
	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
)

// ErrProtocol is wrapped by every error that means the peer broke ZMTP (a
// bad greeting or READY, an oversized or malformed command): such a peer is
// dropped.
var ErrProtocol = errors.New("zmtp: protocol error")

func protocolErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrProtocol, fmt.Sprintf(format, args...))
}

// SplitEndpoint turns a ZMQ endpoint to connect to (tcp://host:port,
// ipc://path) into a Go network and address.
func SplitEndpoint(ep string) (network, addr string, err error) {
	return splitEndpoint(ep, false)
}

// SplitBindEndpoint turns a ZMQ endpoint to bind into a Go network and
// address for net.Listen. Nothing is exposed unless the user names it: an
// empty host (tcp://:5560) means 127.0.0.1, while tcp://*:5560 and
// tcp://0.0.0.0:5560 (or [::]) mean every interface.
func SplitBindEndpoint(ep string) (network, addr string, err error) {
	return splitEndpoint(ep, true)
}

func splitEndpoint(ep string, bind bool) (network, addr string, err error) {
	scheme, rest, ok := strings.Cut(ep, "://")
	if !ok || rest == "" {
		return "", "", fmt.Errorf("endpoint %q: want tcp://host:port or ipc://path", ep)
	}
	switch scheme {
	case "tcp":
		host, port, err := net.SplitHostPort(rest)
		if err != nil {
			return "", "", fmt.Errorf("endpoint %q: %v", ep, err)
		}
		switch {
		case host == "*":
			host = ""
		case host == "" && bind:
			host = "127.0.0.1"
		}
		return "tcp", net.JoinHostPort(host, port), nil
	case "ipc":
		return "unix", rest, nil
	}
	return "", "", fmt.Errorf("endpoint %q: unsupported transport %q (tcp or ipc)", ep, scheme)
}

// AppendFrame appends one ZMTP frame (more set when further frames of the
// same message follow) to dst.
func AppendFrame(dst []byte, body []byte, more bool) []byte {
	var flags byte
	if more {
		flags |= flagMore
	}
	return appendFrame(dst, flags, body)
}

// AppendCommand appends a ZMTP command frame (name, then data) to dst.
func AppendCommand(dst []byte, name string, data []byte) []byte {
	n := 1 + len(name) + len(data)
	if n > 255 {
		dst = append(dst, flagCommand|flagLong)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	} else {
		dst = append(dst, flagCommand, byte(n))
	}
	dst = append(dst, byte(len(name)))
	dst = append(dst, name...)
	return append(dst, data...)
}

func appendFrame(dst []byte, flags byte, body []byte) []byte {
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

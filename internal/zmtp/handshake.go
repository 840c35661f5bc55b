package zmtp

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"
)

// SocketType is a ZMQ socket type as the READY command's Socket-Type
// property names it (RFC 23/ZMTP 3.0, RFC 37/ZMTP 3.1).
type SocketType string

// The socket types of RFC 23. gridstream's ends are Sub and Pull (inputs)
// and Pub (outputs); tests play Push and Pub flowgraphs.
const (
	Pair   SocketType = "PAIR"
	Pub    SocketType = "PUB"
	Sub    SocketType = "SUB"
	XPub   SocketType = "XPUB"
	XSub   SocketType = "XSUB"
	Push   SocketType = "PUSH"
	Pull   SocketType = "PULL"
	Req    SocketType = "REQ"
	Rep    SocketType = "REP"
	Dealer SocketType = "DEALER"
	Router SocketType = "ROUTER"
)

// validPeers lists, per socket type, the peer socket types RFC 23 allows.
var validPeers = map[SocketType][]SocketType{
	Pair:   {Pair},
	Pub:    {Sub, XSub},
	Sub:    {Pub, XPub},
	XPub:   {Sub, XSub},
	XSub:   {Pub, XPub},
	Push:   {Pull},
	Pull:   {Push},
	Req:    {Rep, Router},
	Rep:    {Req, Dealer},
	Dealer: {Rep, Dealer, Router},
	Router: {Req, Dealer, Router},
}

// Compatible reports whether a socket of type t may talk to one of type
// peer.
func (t SocketType) Compatible(peer SocketType) bool {
	for _, p := range validPeers[t] {
		if p == peer {
			return true
		}
	}
	return false
}

// Handshake limits.
const (
	// MaxCommand is the largest command frame (READY, SUBSCRIBE, PING, …)
	// accepted, in bytes. A NULL READY holds a socket type and at most a
	// 255-byte identity; a larger command is a protocol error, never an
	// allocation.
	MaxCommand = 8 << 10
	// maxIdentity is the longest identity (routing id) RFC 23 allows.
	maxIdentity = 255
	greetingLen = 64
	// DefaultReadBuffer is the read buffer Handshake gives a connection.
	DefaultReadBuffer = 256 << 10
)

// Peer is what the handshake learned about the other end.
type Peer struct {
	Type     SocketType
	Identity string
	// Minor is the ZMTP minor version the peer announced (0 or 1; both
	// ends then speak 3.0, the lower of the two).
	Minor byte
}

// Handshake runs the ZMTP 3 greeting and NULL-mechanism READY exchange on
// conn as a socket of type typ (within timeout when positive) and returns a
// reader with a DefaultReadBuffer-byte buffer for the frames that follow.
func Handshake(conn net.Conn, typ SocketType, timeout time.Duration) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(conn, DefaultReadBuffer)
	_, err := HandshakeReader(conn, br, typ, timeout)
	return br, err
}

// HandshakeReader is Handshake reading through br, a reader of conn whose
// buffer size the caller chose; it returns the peer's description.
func HandshakeReader(conn net.Conn, br *bufio.Reader, typ SocketType, timeout time.Duration) (Peer, error) {
	if timeout > 0 {
		_ = conn.SetDeadline(time.Now().Add(timeout))
		defer conn.SetDeadline(time.Time{})
	}
	return handshake(br, conn, typ)
}

// handshake writes our greeting, reads the peer's, writes our READY and
// reads the peer's, as libzmq does. Every length read is checked before
// use; nothing larger than MaxCommand is allocated.
func handshake(r *bufio.Reader, w io.Writer, typ SocketType) (Peer, error) {
	if _, err := w.Write(appendGreeting(nil)); err != nil {
		return Peer{}, err
	}
	var g [greetingLen]byte
	if _, err := io.ReadFull(r, g[:]); err != nil {
		return Peer{}, fmt.Errorf("reading the ZMTP greeting: %w", eofUnexpected(err))
	}
	minor, err := parseGreeting(g[:])
	if err != nil {
		return Peer{}, err
	}
	if _, err := w.Write(AppendReady(nil, typ)); err != nil {
		return Peer{}, err
	}
	body, err := readCommand(r, nil)
	if err != nil {
		return Peer{}, err
	}
	peer, err := ParseReady(body)
	if err != nil {
		return Peer{}, err
	}
	peer.Minor = minor
	if !typ.Compatible(peer.Type) {
		return peer, protocolErr("a %s socket cannot talk to a %s socket (wrong endpoint, or PUB/PUSH mixed up?)", typ, peer.Type)
	}
	return peer, nil
}

// appendGreeting appends gridstream's 64-byte greeting: signature (with
// the padding libzmq writes), version 3.0, mechanism NULL, as-server 0.
func appendGreeting(dst []byte) []byte {
	var g [greetingLen]byte
	g[0], g[8], g[9] = 0xFF, 0x01, 0x7F
	g[10], g[11] = 3, 0
	copy(g[12:32], "NULL")
	return append(dst, g[:]...)
}

// parseGreeting checks a peer's 64-byte greeting and returns its ZMTP
// minor version.
func parseGreeting(g []byte) (minor byte, err error) {
	if len(g) != greetingLen {
		return 0, protocolErr("greeting of %d bytes", len(g))
	}
	if g[0] != 0xFF || g[9] != 0x7F {
		return 0, protocolErr("not a ZMTP peer (greeting starts % X)", g[:10])
	}
	if g[10] < 3 {
		return 0, protocolErr("peer speaks ZMTP %d.%d; gridstream needs ZMTP 3 (libzmq 4 or later)", g[10], g[11])
	}
	mech := g[12:32]
	if end := bytes.IndexByte(mech, 0); end >= 0 {
		if !allZero(mech[end:]) {
			return 0, protocolErr("security mechanism %q is not zero-padded", mech)
		}
		mech = mech[:end]
	}
	if string(mech) != "NULL" {
		return 0, protocolErr("peer wants security mechanism %q; gridstream speaks NULL only", mech)
	}
	if g[10] > 3 {
		return 0, nil // a newer major version talks 3.0 to us
	}
	return g[11], nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// AppendReady appends the NULL mechanism's READY command for a socket of
// type typ.
func AppendReady(dst []byte, typ SocketType) []byte {
	var props []byte
	props = AppendProperty(props, "Socket-Type", []byte(typ))
	return AppendCommand(dst, "READY", props)
}

// AppendProperty appends one READY metadata property (name ≤ 255 bytes).
func AppendProperty(dst []byte, name string, value []byte) []byte {
	dst = append(dst, byte(len(name)))
	dst = append(dst, name...)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(value)))
	return append(dst, value...)
}

// readCommand reads one command frame into buf (reused when large enough)
// and returns its body: the command-name size, name and data. A data frame,
// a command with the more flag, or one over MaxCommand bytes is a protocol
// error.
func readCommand(r *bufio.Reader, buf []byte) ([]byte, error) {
	flags, err := r.ReadByte()
	if err != nil {
		return nil, fmt.Errorf("reading the READY command: %w", eofUnexpected(err))
	}
	if flags&flagCommand == 0 || flags&flagMore != 0 || flags&^(flagCommand|flagLong) != 0 {
		return nil, protocolErr("expected the READY command, got a frame with flags 0x%02X", flags)
	}
	size, err := readSize(r, flags)
	if err != nil {
		return nil, fmt.Errorf("reading the READY command: %w", eofUnexpected(err))
	}
	if size > MaxCommand {
		return nil, protocolErr("a command frame of %d bytes (limit %d)", size, MaxCommand)
	}
	if uint64(cap(buf)) < size {
		buf = make([]byte, size)
	}
	buf = buf[:size]
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("reading the READY command: %w", eofUnexpected(err))
	}
	return buf, nil
}

// readSize reads a frame's size: one byte, or eight with the long flag.
func readSize(r *bufio.Reader, flags byte) (uint64, error) {
	if flags&flagLong == 0 {
		b, err := r.ReadByte()
		return uint64(b), err
	}
	hdr, err := r.Peek(8) // not io.ReadFull: a local array would escape
	if err != nil {
		return 0, err
	}
	size := binary.BigEndian.Uint64(hdr)
	_, err = r.Discard(8)
	return size, err
}

// splitCommand splits a command body into its name and data.
func splitCommand(body []byte) (name, data []byte, err error) {
	if len(body) == 0 || body[0] == 0 || int(body[0]) > len(body)-1 {
		return nil, nil, protocolErr("malformed command (%d bytes, name size %d)", len(body), firstByte(body))
	}
	n := int(body[0])
	return body[1 : 1+n], body[1+n:], nil
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// ParseReady parses the body of the peer's READY (or ERROR) command and
// validates its properties: Socket-Type must be present once and name a
// ZMQ socket type, Identity (or Routing-Id) must follow RFC 23's rules;
// other properties are ignored, as the RFC says.
func ParseReady(body []byte) (Peer, error) {
	name, props, err := splitCommand(body)
	if err != nil {
		return Peer{}, err
	}
	switch string(name) {
	case "READY":
	case "ERROR":
		reason := props
		if len(reason) > 0 && int(reason[0]) <= len(reason)-1 {
			reason = reason[1 : 1+int(reason[0])]
		}
		return Peer{}, protocolErr("peer refused the connection: %q", reason)
	default:
		return Peer{}, protocolErr("expected READY, got command %q", clip(name))
	}
	var peer Peer
	var haveType, haveID bool
	for len(props) > 0 {
		n := int(props[0])
		props = props[1:]
		if n == 0 {
			return Peer{}, protocolErr("READY property with an empty name")
		}
		if n > len(props) {
			return Peer{}, protocolErr("READY property name of %d bytes, %d left", n, len(props))
		}
		key := props[:n]
		props = props[n:]
		if len(props) < 4 {
			return Peer{}, protocolErr("READY property %q: value size cut short", clip(key))
		}
		vlen := binary.BigEndian.Uint32(props)
		props = props[4:]
		if uint64(vlen) > uint64(len(props)) {
			return Peer{}, protocolErr("READY property %q: value of %d bytes, %d left", clip(key), vlen, len(props))
		}
		value := props[:vlen]
		props = props[vlen:]
		switch {
		case bytes.EqualFold(key, []byte("Socket-Type")):
			if haveType {
				return Peer{}, protocolErr("READY repeats Socket-Type")
			}
			t := SocketType(value)
			if _, ok := validPeers[t]; !ok {
				return Peer{}, protocolErr("unknown socket type %q", clip(value))
			}
			peer.Type, haveType = t, true
		case bytes.EqualFold(key, []byte("Identity")), bytes.EqualFold(key, []byte("Routing-Id")):
			if haveID {
				return Peer{}, protocolErr("READY repeats Identity")
			}
			if len(value) > maxIdentity || len(value) > 0 && value[0] == 0 {
				return Peer{}, protocolErr("invalid identity (%d bytes; at most %d, not starting with a zero byte)", len(value), maxIdentity)
			}
			peer.Identity, haveID = string(value), true
		}
	}
	if !haveType {
		return Peer{}, protocolErr("READY without a Socket-Type")
	}
	return peer, nil
}

// clip shortens peer-supplied text for error messages.
func clip(b []byte) []byte {
	if len(b) > 32 {
		return b[:32]
	}
	return b
}

func eofUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

package zmtp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func TestFrameReader(t *testing.T) {
	var in []byte
	in = AppendFrame(in, []byte("key"), true)
	in = AppendCommand(in, "PING", []byte{0, 10})             // a command inside a message
	in = AppendFrame(in, bytes.Repeat([]byte{1}, 300), false) // long frame
	in = append(in, flagCommand, 5, 4, 'P', 'I', 'N', 'G')    // a command between messages
	in = AppendFrame(in, nil, false)                          // empty message
	var cmds []string
	fr := FrameReader{R: bufio.NewReader(bytes.NewReader(in)), Max: 1000,
		Command: func(name, data []byte) error { cmds = append(cmds, string(name)); return nil }}
	m, err := fr.ReadMsg()
	if err != nil || len(m) != 2 || string(m[0]) != "key" || len(m[1]) != 300 {
		t.Fatalf("first message: %q %v", m, err)
	}
	m, err = fr.ReadMsg()
	if err != nil || len(m) != 1 || len(m[0]) != 0 {
		t.Fatalf("second message: %q %v", m, err)
	}
	if strings.Join(cmds, ",") != "PING,PING" {
		t.Fatalf("commands %q", cmds)
	}
	if _, err := fr.ReadMsg(); err != io.EOF {
		t.Fatalf("at the end: %v, want io.EOF", err)
	}
}

func TestFrameReaderLimits(t *testing.T) {
	tests := map[string]struct {
		in   []byte
		want error
	}{
		"huge frame":      {[]byte{flagLong, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, ErrFrameTooLarge},
		"2^50 frame":      {[]byte{flagLong, 0, 4, 0, 0, 0, 0, 0, 0}, ErrFrameTooLarge},
		"too many frames": {bytes.Repeat([]byte{flagMore, 0}, MaxFrames+1), ErrFrameTooLarge},
		"sum of frames": {func() []byte {
			var b []byte
			for range 5 {
				b = AppendFrame(b, make([]byte, 250), true)
			}
			return AppendFrame(b, nil, false)
		}(), ErrFrameTooLarge},
		"2^50 command":      {[]byte{flagCommand | flagLong, 0, 4, 0, 0, 0, 0, 0, 0}, ErrProtocol},
		"command over cap":  {append([]byte{flagCommand | flagLong, 0, 0, 0, 0, 0, 0, 0x20, 1}, make([]byte, MaxCommand+1)...), ErrProtocol},
		"command with more": {[]byte{flagCommand | flagMore, 5, 4, 'P', 'I', 'N', 'G'}, ErrProtocol},
		"command name long": {[]byte{flagCommand, 3, 9, 'A', 'B'}, ErrProtocol},
		"command no name":   {[]byte{flagCommand, 0}, ErrProtocol},
		"frame cut short":   {[]byte{0, 10, 1, 2}, io.ErrUnexpectedEOF},
		"message cut short": {AppendFrame(nil, []byte("key"), true), io.ErrUnexpectedEOF},
		"size cut short":    {[]byte{flagLong, 0, 0}, io.ErrUnexpectedEOF},
	}
	for name, tc := range tests {
		fr := FrameReader{R: bufio.NewReader(bytes.NewReader(tc.in)), Max: 1000}
		if _, err := fr.ReadMsg(); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
}

// The k-empty-frames-then-a-large-frame pattern: memory is bounded by the
// message limit, not by limit × frames.
func TestFrameReaderOneBuffer(t *testing.T) {
	const max = 1 << 16
	var in []byte
	for k := range 64 {
		for range k {
			in = AppendFrame(in, nil, true)
		}
		in = AppendFrame(in, make([]byte, max-1), false)
	}
	fr := FrameReader{R: bufio.NewReader(bytes.NewReader(in)), Max: max}
	for k := range 64 {
		m, err := fr.ReadMsg()
		if err != nil || len(m) != k+1 || len(m[k]) != max-1 {
			t.Fatalf("message %d: %d frames, %v", k, len(m), err)
		}
		if cap(fr.buf) > max {
			t.Fatalf("message %d: buffer of %d bytes for a %d-byte limit", k, cap(fr.buf), max)
		}
	}
}

// A peer that claims a large frame and trickles it costs what it sent (at
// most twice), not what it claimed.
func TestFrameReaderGrowsAsBytesArrive(t *testing.T) {
	in := append([]byte{flagLong, 0, 0, 0, 0, 0, 0x10, 0, 0}, make([]byte, 10000)...) // claims 1 MiB, sends 10 kB
	fr := FrameReader{R: bufio.NewReader(bytes.NewReader(in)), Max: 64 << 20}
	if _, err := fr.ReadMsg(); err != io.ErrUnexpectedEOF {
		t.Fatalf("err = %v", err)
	}
	if c := cap(fr.buf); c > 2*10000+minGrow {
		t.Fatalf("buffer of %d bytes after 10 kB received", c)
	}
}

func TestFrameReaderAllocs(t *testing.T) {
	var msg []byte
	msg = AppendFrame(msg, []byte("gridstream"), true)
	msg = AppendFrame(msg, make([]byte, 8192), false)
	r := bytes.NewReader(nil)
	fr := FrameReader{R: bufio.NewReader(r), Max: 1 << 20}
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(msg)
		fr.R.Reset(r)
		if _, err := fr.ReadMsg(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per message", allocs)
	}
}

func BenchmarkFrameReader(b *testing.B) {
	var batch []byte
	for range 64 {
		batch = AppendFrame(batch, make([]byte, 8192), false)
	}
	r := bytes.NewReader(nil)
	fr := FrameReader{R: bufio.NewReaderSize(r, DefaultReadBuffer), Max: 64 << 20}
	b.SetBytes(int64(len(batch)) / 64)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%64 == 0 {
			r.Reset(batch)
			fr.R.Reset(r)
		}
		if _, err := fr.ReadMsg(); err != nil {
			b.Fatal(err)
		}
	}
}

// greeting returns a peer greeting: version major.minor, mechanism mech.
func greeting(major, minor byte, mech string) []byte {
	g := appendGreeting(nil)
	g[10], g[11] = major, minor
	clear(g[12:32])
	copy(g[12:32], mech)
	return g
}

func ready(props ...[]byte) []byte {
	return AppendCommand(nil, "READY", bytes.Join(props, nil))
}

func prop(name, value string) []byte { return AppendProperty(nil, name, []byte(value)) }

// peerBytes is a peer's side of a handshake: greeting, then READY.
func peerBytes(g, r []byte) []byte { return append(append([]byte{}, g...), r...) }

func TestHandshakeParse(t *testing.T) {
	good := greeting(3, 1, "NULL")
	tests := []struct {
		name string
		in   []byte
		typ  SocketType
		want string // "" accepts; else a substring of the error
	}{
		{"pub to sub", peerBytes(good, ready(prop("Socket-Type", "PUB"))), Sub, ""},
		{"xpub to sub, 3.0", peerBytes(greeting(3, 0, "NULL"), ready(prop("Socket-Type", "XPUB"))), Sub, ""},
		{"push to pull with identity", peerBytes(good, ready(prop("Socket-Type", "PUSH"), prop("Identity", ""))), Pull, ""},
		{"sub to pub, case and extra property", peerBytes(good, ready(prop("socket-type", "SUB"), prop("X-Foo", "bar"))), Pub, ""},
		{"long READY frame", peerBytes(good, func() []byte {
			body := append([]byte{5}, "READY"...)
			body = append(body, prop("Socket-Type", "SUB")...)
			return append([]byte{flagCommand | flagLong, 0, 0, 0, 0, 0, 0, 0, byte(len(body))}, body...)
		}()), Pub, ""},
		{"ZMTP 4 talks 3.0", peerBytes(greeting(4, 0, "NULL"), ready(prop("Socket-Type", "PUB"))), Sub, ""},

		{"incompatible", peerBytes(good, ready(prop("Socket-Type", "PUSH"))), Sub, "cannot talk"},
		{"pub to pub", peerBytes(good, ready(prop("Socket-Type", "PUB"))), Pub, "cannot talk"},
		{"unknown type", peerBytes(good, ready(prop("Socket-Type", "FOO"))), Sub, "unknown socket type"},
		{"no socket type", peerBytes(good, ready()), Sub, "without a Socket-Type"},
		{"socket type twice", peerBytes(good, ready(prop("Socket-Type", "PUB"), prop("Socket-Type", "PUB"))), Sub, "repeats"},
		{"identity too long", peerBytes(good, ready(prop("Socket-Type", "PUB"), prop("Identity", strings.Repeat("x", 256)))), Sub, "identity"},
		{"identity starts with 0", peerBytes(good, ready(prop("Socket-Type", "PUB"), prop("Identity", "\x00x"))), Sub, "identity"},
		{"value cut short", peerBytes(good, AppendCommand(nil, "READY", prop("Socket-Type", "PUB")[:17])), Sub, "value of 3 bytes, 1 left"},
		{"property cut short", peerBytes(good, AppendCommand(nil, "READY", prop("Socket-Type", "PUB")[:14])), Sub, "value size cut short"},
		{"key length = bytes after it", peerBytes(good, AppendCommand(nil, "READY", append([]byte{11}, "Socket-Type"...))), Sub, "value size cut short"},
		{"key length = bytes left", peerBytes(good, AppendCommand(nil, "READY", append([]byte{12}, "Socket-Type"...))), Sub, "name of 12 bytes, 11 left"},
		{"key length > bytes left", peerBytes(good, AppendCommand(nil, "READY", append([]byte{200}, "Socket-Type"...))), Sub, "name of 200 bytes"},
		{"value size 4 GiB", peerBytes(good, AppendCommand(nil, "READY", append(append([]byte{11}, "Socket-Type"...), 0xFF, 0xFF, 0xFF, 0xFF, 'P'))), Sub, "value of 4294967295 bytes"},
		{"empty property name", peerBytes(good, AppendCommand(nil, "READY", []byte{0, 0, 0, 0, 0})), Sub, "empty name"},
		{"command of 2^50 bytes", peerBytes(good, []byte{flagCommand | flagLong, 0, 4, 0, 0, 0, 0, 0, 0}), Sub, "limit"},
		{"command of 2 GiB", peerBytes(good, append([]byte{flagCommand | flagLong, 0, 0, 0, 0, 0x80, 0, 0, 0}, make([]byte, 1000)...)), Sub, "limit"},
		{"data frame for READY", peerBytes(good, AppendFrame(nil, []byte("hello"), false)), Sub, "flags 0x00"},
		{"READY with more", peerBytes(good, append([]byte{flagCommand | flagMore}, ready(prop("Socket-Type", "PUB"))[1:]...)), Sub, "flags 0x05"},
		{"other command", peerBytes(good, AppendCommand(nil, "HELLO", nil)), Sub, "got command \"HELLO\""},
		{"ERROR", peerBytes(good, AppendCommand(nil, "ERROR", append([]byte{6}, "denied"...))), Sub, "refused the connection: \"denied\""},
		{"empty command", peerBytes(good, []byte{flagCommand, 0}), Sub, "malformed command"},
		{"name size past the end", peerBytes(good, []byte{flagCommand, 2, 5, 'R'}), Sub, "malformed command"},
		{"READY cut short", peerBytes(good, ready(prop("Socket-Type", "PUB"))[:10]), Sub, "unexpected EOF"},
		{"greeting cut short", good[:30], Sub, "unexpected EOF"},
		{"no greeting", nil, Sub, "unexpected EOF"},
		{"HTTP", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + strings.Repeat(" ", 64)), Sub, "not a ZMTP peer"},
		{"ZMTP 2", peerBytes(greeting(1, 0, "NULL"), nil), Sub, "ZMTP 1.0"},
		{"CURVE", peerBytes(greeting(3, 1, "CURVE"), nil), Sub, "\"CURVE\""},
		{"mechanism not padded", peerBytes(func() []byte { g := greeting(3, 1, "NULL"); g[20] = 'x'; return g }(), nil), Sub, "not zero-padded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sent bytes.Buffer
			peer, err := handshake(bufio.NewReader(bytes.NewReader(tc.in)), &sent, tc.typ)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if peer.Type == "" {
					t.Fatal("no peer type")
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
			if !bytes.HasPrefix(sent.Bytes(), appendGreeting(nil)) {
				t.Fatalf("sent %x: no greeting first", sent.Bytes())
			}
		})
	}
}

// Two of our own ends shake hands over a real connection, and a frame
// follows.
func TestHandshakeLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		if _, err := Handshake(c, Push, time.Second); err != nil {
			done <- err
			return
		}
		_, err = c.Write(AppendFrame(nil, []byte("bits"), false))
		done <- err
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br, err := Handshake(c, Pull, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	fr := FrameReader{R: br, Max: 100}
	m, err := fr.ReadMsg()
	if err != nil || len(m) != 1 || string(m[0]) != "bits" {
		t.Fatalf("%q %v", m, err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A peer that says nothing is given up after the timeout.
func TestHandshakeTimeout(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	go io.Copy(io.Discard, b)
	start := time.Now()
	if _, err := Handshake(a, Sub, 100*time.Millisecond); err == nil {
		t.Fatal("no error from a silent peer")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestSplitEndpoint(t *testing.T) {
	for ep, want := range map[string]string{
		"tcp://127.0.0.1:5555": "tcp 127.0.0.1:5555",
		"tcp://*:5555":         "tcp :5555",
		"ipc:///tmp/x":         "unix /tmp/x",
	} {
		n, a, err := SplitEndpoint(ep)
		if err != nil || n+" "+a != want {
			t.Errorf("%s: %s %s %v", ep, n, a, err)
		}
	}
	for _, ep := range []string{"", "tcp://", "udp://x:1", "tcp://nohost", "127.0.0.1:5555"} {
		if _, _, err := SplitEndpoint(ep); err == nil {
			t.Errorf("%q accepted", ep)
		}
	}
}

// A bind with no host is loopback; every interface only when asked for.
func TestSplitBindEndpoint(t *testing.T) {
	for ep, want := range map[string]string{
		"tcp://:5555":          "tcp 127.0.0.1:5555",
		"tcp://127.0.0.1:5555": "tcp 127.0.0.1:5555",
		"tcp://*:5555":         "tcp :5555",
		"tcp://0.0.0.0:5555":   "tcp 0.0.0.0:5555",
		"tcp://[::]:5555":      "tcp [::]:5555",
		"tcp://[::1]:0":        "tcp [::1]:0",
		"ipc:///tmp/x":         "unix /tmp/x",
	} {
		n, a, err := SplitBindEndpoint(ep)
		if err != nil || n+" "+a != want {
			t.Errorf("%s: %s %s %v, want %s", ep, n, a, err, want)
		}
	}
	for _, ep := range []string{"", "tcp://", "udp://x:1", "tcp://nohost"} {
		if _, _, err := SplitBindEndpoint(ep); err == nil {
			t.Errorf("%q accepted", ep)
		}
	}
}

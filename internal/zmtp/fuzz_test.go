package zmtp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

// FuzzHandshake feeds arbitrary peer bytes (greeting, then READY) to the
// handshake of each of gridstream's socket types: it never panics, never
// accepts a peer it may not talk to, and reads at most the greeting and
// one command. Seeds: testdata/fuzz/FuzzHandshake (real libzmq, go-zeromq
// and malformed handshakes).
func FuzzHandshake(f *testing.F) {
	f.Add(peerBytes(greeting(3, 1, "NULL"), ready(prop("Socket-Type", "PUB"))))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, typ := range []SocketType{Sub, Pull, Pub} {
			r := bytes.NewReader(in)
			peer, err := handshake(bufio.NewReaderSize(r, 16), io.Discard, typ)
			if err != nil {
				continue
			}
			if !typ.Compatible(peer.Type) || len(peer.Identity) > maxIdentity {
				t.Fatalf("%s accepted %+v", typ, peer)
			}
			if used := len(in) - r.Len(); used > greetingLen+9+MaxCommand+16 {
				t.Fatalf("read %d bytes", used)
			}
		}
	})
}

// FuzzFrameReader reads arbitrary bytes as frames after a handshake: it
// never panics, every message respects the limits, and the buffer never
// outgrows the message limit. Seeds: testdata/fuzz/FuzzFrameReader.
func FuzzFrameReader(f *testing.F) {
	f.Add(AppendFrame(AppendFrame(nil, []byte("key"), true), []byte{0, 1, 1, 0}, false))
	f.Fuzz(func(t *testing.T, in []byte) {
		const max = 512
		commands := 0
		fr := FrameReader{R: bufio.NewReaderSize(bytes.NewReader(in), 16), Max: max,
			Command: func(name, data []byte) error {
				if len(name) == 0 || 1+len(name)+len(data) > MaxCommand {
					t.Fatalf("command %q of %d bytes", name, len(data))
				}
				commands++
				return nil
			}}
		for {
			m, err := fr.ReadMsg()
			if err != nil {
				if err != io.EOF && err != io.ErrUnexpectedEOF && !errors.Is(err, ErrFrameTooLarge) && !errors.Is(err, ErrProtocol) {
					t.Fatalf("unexpected error %v", err)
				}
				break
			}
			total := 0
			for _, fr := range m {
				total += len(fr)
			}
			if len(m) == 0 || len(m) > MaxFrames || total > max {
				t.Fatalf("%d frames, %d bytes", len(m), total)
			}
			if cap(fr.buf) > max {
				t.Fatalf("buffer of %d bytes", cap(fr.buf))
			}
		}
	})
}

// readSeed reads a []byte fuzz seed file.
func readSeed(t *testing.T, path string) []byte {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	lit, ok := strings.CutPrefix(lines[len(lines)-1], "[]byte(")
	if !ok || len(lines) != 2 {
		t.Fatalf("%s: not a []byte seed", path)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}

// The seeds captured from libzmq 4.3.4 (pyzmq, as GNU Radio uses it) are
// real handshakes: each is accepted by the socket type it was made for.
func TestHandshakeLibzmqCaptures(t *testing.T) {
	for file, typ := range map[string]SocketType{
		"libzmq_sub":            Pub,
		"libzmq_pub":            Sub,
		"libzmq_push":           Pull,
		"gozeromq_sub_identity": Pub,
	} {
		in := readSeed(t, "testdata/fuzz/FuzzHandshake/"+file)
		peer, err := handshake(bufio.NewReader(bytes.NewReader(in)), io.Discard, typ)
		if err != nil || !typ.Compatible(peer.Type) {
			t.Errorf("%s as %s: %+v %v", file, typ, peer, err)
		}
	}
	for _, file := range []string{"property_cut_short", "value_cut_short", "key_length_equals_rest", "value_size_4GiB", "command_2p50", "command_2GiB_trickle"} {
		in := readSeed(t, "testdata/fuzz/FuzzHandshake/"+file)
		if _, err := handshake(bufio.NewReader(bytes.NewReader(in)), io.Discard, Sub); !errors.Is(err, ErrProtocol) {
			t.Errorf("%s: err = %v, want a protocol error", file, err)
		}
	}
}

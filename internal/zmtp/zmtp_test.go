package zmtp

import (
	"bufio"
	"bytes"
	"errors"
	"testing"
)

func TestFrameReader(t *testing.T) {
	var in []byte
	in = AppendFrame(in, []byte("key"), true)
	in = AppendFrame(in, bytes.Repeat([]byte{1}, 300), false) // long frame
	in = append(in, flagCommand, 4, 'P', 'I', 'N', 'G')       // a command: skipped
	in = AppendFrame(in, nil, false)                          // empty message
	fr := FrameReader{R: bufio.NewReader(bytes.NewReader(in)), Max: 1000}
	m, err := fr.ReadMsg()
	if err != nil || len(m) != 2 || string(m[0]) != "key" || len(m[1]) != 300 {
		t.Fatalf("first message: %q %v", m, err)
	}
	m, err = fr.ReadMsg()
	if err != nil || len(m) != 1 || len(m[0]) != 0 {
		t.Fatalf("second message: %q %v", m, err)
	}
	if _, err := fr.ReadMsg(); err == nil {
		t.Fatal("no error at the end")
	}
}

func TestFrameReaderLimits(t *testing.T) {
	tests := map[string][]byte{
		"huge frame": {flagLong, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
		"sum of frames": func() []byte {
			var b []byte
			for range 5 {
				b = AppendFrame(b, make([]byte, 250), true)
			}
			return AppendFrame(b, nil, false)
		}(),
		"too many frames": bytes.Repeat([]byte{flagMore, 0}, maxFrames+1),
	}
	for name, in := range tests {
		fr := FrameReader{R: bufio.NewReader(bytes.NewReader(in)), Max: 1000}
		if _, err := fr.ReadMsg(); !errors.Is(err, ErrFrameTooLarge) {
			t.Errorf("%s: err = %v, want ErrFrameTooLarge", name, err)
		}
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

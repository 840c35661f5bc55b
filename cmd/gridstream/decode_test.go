package main_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"net"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/internal/zmtp"
	gs "github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// TestDecodeSurvivesMalformedInput feeds `gridstream decode` (a float32
// input with pass_tags and inverted polarity) every kind of malformed
// message GNU Radio would never send, then a good one: it must decode the
// good frame with its tags, count each bad kind, and exit 0 on SIGTERM.
func TestDecodeSurvivesMalformedInput(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cmd := exec.Command(testbin.Path(t), "decode", "--in",
		"pull://"+ln.Addr().String()+"?format=soft&tags=1&invert=1&name=soft0",
		"--state", "", "--stats-interval", "200ms")
	var stdout, stderr decodeBuf
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	c := acceptPush(t, ln)

	frame := []byte{0x2A, 0xD5, 0x00, 0x14, 0x22, 0x90, 0x00, 0x00, 0x57, 0x90, 0x00, 0x00, 0xC7, 0x51, 0x0F, 0x07, 0x00, 0x03, 0x16, 0xA4, 0x1B, 0x10, 0x9E, 0x1F}
	bitstream := gs.AppendTransmission(make([]byte, 100), frame, 4, 40, 0x04)
	bitstream = append(bitstream, make([]byte, 100)...)
	var soft []byte
	for _, b := range bitstream {
		v := float32(1) // inverted polarity on the wire: 0 → +1
		if b == 1 {
			v = -1
		}
		soft = binary.LittleEndian.AppendUint32(soft, math.Float32bits(v))
	}
	le := binary.LittleEndian
	hdr := func(magic uint16, ver byte, off, ntags uint64) []byte {
		b := le.AppendUint16(nil, magic)
		b = append(b, ver)
		b = le.AppendUint64(b, off)
		return le.AppendUint64(b, ntags)
	}
	good, _ := zmqsource.AppendHeader(nil, 1000, []zmqsource.Tag{
		{Offset: 1000, Key: "rx_freq", Value: 915.3e6},
		{Offset: 1000, Key: "snr", Value: 17.5},
	})
	msgs := [][]byte{
		append(hdr(0x1234, 1, 0, 0), soft[:40]...),                    // wrong magic
		append(hdr(zmqsource.HeaderMagic, 7, 0, 0), soft[:40]...),     // wrong version
		append(hdr(zmqsource.HeaderMagic, 1, 0, 1<<60), soft[:40]...), // absurd tag count
		append(append(hdr(zmqsource.HeaderMagic, 1, 0, 1), make([]byte, 8)...), 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE), // garbage PMT
		append(hdr(zmqsource.HeaderMagic, 1, 990, 0), 1, 2, 3), // 3 bytes: not float32s
		append(good, soft...),
	}
	var out []byte
	for _, m := range msgs {
		out = zmtp.AppendFrame(out, m, false)
	}
	if _, err := c.Write(out); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for stdout.lines() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // a stats tick
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	var msgsOut []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(stdout.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		msgsOut = append(msgsOut, m)
	}
	if len(msgsOut) != 1 {
		t.Fatalf("%d messages, want 1\n%s", len(msgsOut), stderr.String())
	}
	m := msgsOut[0]
	meta, _ := m["meta"].(map[string]any)
	if m["raw"] != "2AD500142290000057900000C7510F07000316A41B109E1F" ||
		m["crc_ok"] != true || m["input"] != "soft0" || m["freq_hz"] != 915.3e6 || m["snr_db"] != 17.5 ||
		meta == nil || meta["rx_freq"] != 915.3e6 || meta["gr_offset"] != float64(1000+100+40+20) {
		t.Errorf("message: %v", m)
	}
	log := stderr.String()
	for _, kind := range []string{"tag_header_magic", "tag_header_version", "tag_count", "tag_pmt", "partial_item"} {
		if !strings.Contains(log, "malformed_"+kind+"=1") {
			t.Errorf("stats do not count %s once:\n%s", kind, log)
		}
		if n := strings.Count(log, "kind="+kind); n != 1 {
			t.Errorf("%s logged %d times, want once", kind, n)
		}
	}
}

// TestDecodeSlowSubscriber connects an --out subscriber that never reads:
// decoding must go on at full speed (every frame on stdout), the
// subscriber's bounded queue drops and counts.
func TestDecodeSlowSubscriber(t *testing.T) {
	stream, ends, _ := benchStream(30000*700, 700)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	outLn, _ := net.Listen("tcp", "127.0.0.1:0")
	out := outLn.Addr().String()
	outLn.Close()
	cmd := exec.Command(testbin.Path(t), "decode", "--in", "pull://"+ln.Addr().String(), "--no-learn",
		"--protocol", "gridstream", "--out", "tcp://"+out, "--out-hwm", "10", "--state", "", "--stats-interval", "100ms")
	var stdout, stderr decodeBuf
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// The subscriber that never reads, with a tiny receive buffer.
	var sub net.Conn
	for i := 0; ; i++ {
		if sub, err = net.Dial("tcp", out); err == nil {
			break
		}
		if i > 200 {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer sub.Close()
	sub.(*net.TCPConn).SetReadBuffer(4096)
	if _, err := zmtp.Handshake(sub, zmtp.Sub, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	sub.Write(zmtp.AppendFrame(nil, []byte{1}, false))

	c := acceptPush(t, ln)
	time.Sleep(100 * time.Millisecond) // the subscription reaches gridstream
	var buf []byte
	for i := 0; i < len(stream); i += 8192 {
		buf = zmtp.AppendFrame(buf, stream[i:min(i+8192, len(stream))], false)
	}
	if _, err := c.Write(buf); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for stdout.lines() < len(ends) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if n := stdout.lines(); n != len(ends) {
		t.Fatalf("%d of %d frames decoded with a stuck subscriber", n, len(ends))
	}
	if !regexpDropped.MatchString(stderr.String()) {
		t.Fatalf("no drops counted:\n%s", tailString(stderr.String(), 2000))
	}
}

var regexpDropped = regexp.MustCompile(`out_dropped=[1-9]`)

func tailString(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// endStream ends a --stdin-eos decode process's stream after n items (its
// count on stdin) and waits up to 20 s for it to exit 0.
func endStream(t *testing.T, cmd *exec.Cmd, stdin io.Writer, n int, stderr *decodeBuf) {
	t.Helper()
	stdin.Write([]byte(strconv.Itoa(n) + "\n"))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("decode did not exit after the end of the stream\n%s", stderr.String())
	}
}

// acceptPush accepts the connection of a decode process reading
// pull://ln's address (within 20 s) and handshakes as the ZMQ PUSH peer it
// waits for; the connection is closed when the test ends.
func acceptPush(tb testing.TB, ln net.Listener) net.Conn {
	tb.Helper()
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(20 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	if _, err := zmtp.Handshake(c, zmtp.Push, 5*time.Second); err != nil {
		tb.Fatal(err)
	}
	return c
}

// decodeBuf is a bytes.Buffer safe to read while the child writes to it.
type decodeBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (d *decodeBuf) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.b.Write(p)
}

// Bytes returns a copy of what was written.
func (d *decodeBuf) Bytes() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]byte{}, d.b.Bytes()...)
}

func (d *decodeBuf) String() string { return string(d.Bytes()) }

// lines counts the complete lines written so far.
func (d *decodeBuf) lines() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return bytes.Count(d.b.Bytes(), []byte("\n"))
}

// TestDecodeProtocolDefaults pushes bits holding a GridStream frame and an
// NGE101 packet: a bit input is searched for GridStream only unless
// --protocol asks for NGE101 too.
func TestDecodeProtocolDefaults(t *testing.T) {
	frame := []byte{0x2A, 0xD5, 0x00, 0x14, 0x22, 0x90, 0x00, 0x00, 0x57, 0x90, 0x00, 0x00, 0xC7, 0x51, 0x0F,
		0x07, 0x00, 0x03, 0x16, 0xA4, 0x1B, 0x10, 0x9E, 0x1F}
	stream := gs.AppendTransmission(make([]byte, 200), frame, 5, 32, 0x04)
	stream = append(stream, make([]byte, 100)...)
	// Twice, as the transmitter sends it: a packet alone in bits is not
	// believed.
	for range 2 {
		stream = append(stream, nge101.NewPacket(9, 2, false, 1234, false)...)
		stream = append(stream, make([]byte, 100)...)
	}
	for _, tc := range []struct {
		args      []string
		protocols string
	}{
		{nil, "gridstream"},
		{[]string{"--protocol", "gridstream,nge101"}, "gridstream,nge101"},
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		args := append([]string{"decode", "--in", "pull://" + ln.Addr().String(), "--state", ""}, tc.args...)
		cmd := exec.Command(testbin.Path(t), args...)
		var stdout, stderr decodeBuf
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		c := acceptPush(t, ln)
		c.Write(zmtp.AppendFrame(nil, stream, false))
		want := strings.Count(tc.protocols, ",") + 1
		for deadline := time.Now().Add(10 * time.Second); stdout.lines() < want && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("exit: %v\n%s", err, tailString(stderr.String(), 2000))
		}
		c.Close()
		ln.Close()
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
			var m struct{ Protocol string }
			json.Unmarshal([]byte(line), &m)
			got = append(got, m.Protocol)
		}
		if strings.Join(slices.Compact(got), ",") != tc.protocols {
			t.Errorf("%v: decoded %v, want %s", tc.args, got, tc.protocols)
		}
	}
}

package main_test

// Hostile peers against the real binary: raw ZMTP bytes at --out and
// --out-pmt (as subscribers) and at --in (as a fake flowgraph). Whatever a
// peer sends, gridstream must keep running, keep decoding the good input
// and keep publishing to the good subscribers, log the bad peer, and keep
// its memory (VmHWM, measured) within the bounds the README documents.

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/pmt"
	gs "github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// Raw ZMTP 3.0 pieces, written out here so that the test depends on no
// ZMTP code of gridstream's.
func rawGreeting() []byte {
	g := make([]byte, 64)
	g[0], g[8], g[9], g[10], g[11] = 0xFF, 1, 0x7F, 3, 0
	copy(g[12:], "NULL")
	return g
}

func rawCommand(body []byte) []byte {
	if len(body) > 255 {
		return append(binary.BigEndian.AppendUint64([]byte{0x06}, uint64(len(body))), body...)
	}
	return append([]byte{0x04, byte(len(body))}, body...)
}

func rawProperty(name, value string) []byte {
	b := append([]byte{byte(len(name))}, name...)
	return append(binary.BigEndian.AppendUint32(b, uint32(len(value))), value...)
}

func rawReady(props ...[]byte) []byte {
	body := append([]byte{5}, "READY"...)
	for _, p := range props {
		body = append(body, p...)
	}
	return rawCommand(body)
}

func rawFrame(body []byte, more bool) []byte {
	var flags byte
	if more {
		flags = 1
	}
	if len(body) > 255 {
		return append(binary.BigEndian.AppendUint64([]byte{flags | 2}, uint64(len(body))), body...)
	}
	return append([]byte{flags, byte(len(body))}, body...)
}

// rawHandshake sends our greeting and READY as typ and reads the peer's.
func rawHandshake(c net.Conn, typ string) (*bufio.Reader, error) {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := c.Write(append(rawGreeting(), rawReady(rawProperty("Socket-Type", typ))...)); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(c, 1<<16)
	var g [64]byte
	if _, err := io.ReadFull(br, g[:]); err != nil {
		return nil, fmt.Errorf("greeting: %v", err)
	}
	flags, err := br.ReadByte()
	if err != nil || flags&0x04 == 0 {
		return nil, fmt.Errorf("READY flags %x: %v", flags, err)
	}
	var size uint64
	if flags&0x02 != 0 {
		var b [8]byte
		_, err = io.ReadFull(br, b[:])
		size = binary.BigEndian.Uint64(b[:])
	} else {
		var b byte
		b, err = br.ReadByte()
		size = uint64(b)
	}
	if err != nil || size > 4096 {
		return nil, fmt.Errorf("READY size %d: %v", size, err)
	}
	if _, err := io.ReadFull(br, make([]byte, size)); err != nil {
		return nil, err
	}
	return br, nil
}

// rawReadMsg reads one message's frames (commands skipped).
func rawReadMsg(br *bufio.Reader) ([][]byte, error) {
	var frames [][]byte
	for {
		flags, err := br.ReadByte()
		if err != nil {
			return nil, err
		}
		var size uint64
		if flags&0x02 != 0 {
			var b [8]byte
			_, err = io.ReadFull(br, b[:])
			size = binary.BigEndian.Uint64(b[:])
		} else {
			var b byte
			b, err = br.ReadByte()
			size = uint64(b)
		}
		if err != nil || size > 1<<20 {
			return nil, fmt.Errorf("frame of %d bytes: %v", size, err)
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(br, body); err != nil {
			return nil, err
		}
		if flags&0x04 == 0 {
			frames = append(frames, body)
		}
		if flags&0x01 == 0 && len(frames) > 0 {
			return frames, nil
		}
	}
}

// Malformed handshakes (after a valid greeting).
var (
	// READY whose property is cut short: 2 of the value size's 4 bytes.
	readyCutShort = rawCommand(append(append([]byte{5}, "READY"...), rawProperty("Socket-Type", "SUB")[:14]...))
	// READY whose property key length equals the bytes left (counting the
	// length byte itself).
	readyKeyIsRest = rawCommand(append(append([]byte{5}, "READY"...), append([]byte{12}, "Socket-Type"...)...))
	// A command frame claiming 2^50 bytes.
	command2p50 = append(binary.BigEndian.AppendUint64([]byte{0x06}, 1<<50), 5, 'R', 'E', 'A', 'D', 'Y')
	// A command frame claiming 2 GiB, to be followed by a trickle of data.
	command2GiB = append(binary.BigEndian.AppendUint64([]byte{0x06}, 2<<30), 5, 'R', 'E', 'A', 'D', 'Y')
)

// hostileRig is a running `gridstream decode` with a good fake flowgraph
// that sends a decodable frame every 50 ms, a second input whose
// flowgraph end the test plays (hostile), and a good subscriber on --out
// and on --out-pmt that count what they receive.
type hostileRig struct {
	t              *testing.T
	cmd            *exec.Cmd
	stdout, stderr decodeBuf
	hostile        net.Listener
	out, outPMT    string
	gotOut, gotPMT atomic.Int64
	stop           chan struct{}
	exited         chan struct{}
}

func freeTCP(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startHostileRig starts the rig; hostileOpts are the hostile input's
// ?options, extra more arguments of decode.
func startHostileRig(t *testing.T, hostileOpts string, extra ...string) *hostileRig {
	t.Helper()
	r := &hostileRig{t: t, out: freeTCP(t), outPMT: freeTCP(t), stop: make(chan struct{}), exited: make(chan struct{})}
	good, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { good.Close() })
	if r.hostile, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.hostile.Close() })
	r.cmd = exec.Command(testbin.Path(t), "decode",
		"--in", "pull://"+good.Addr().String()+"?name=good",
		"--in", "pull://"+r.hostile.Addr().String()+"?name=hostile&"+hostileOpts,
		"--out", "tcp://"+r.out, "--out-pmt", "tcp://"+r.outPMT,
		"--reconnect-max", "200ms", "--state", "", "--stats-interval", "500ms")
	r.cmd.Args = append(r.cmd.Args, extra...)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		r.cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(func() {
		close(r.stop)
		r.cmd.Process.Kill()
		<-r.exited
	})
	r.subscribe(r.out, &r.gotOut)
	r.subscribe(r.outPMT, &r.gotPMT)

	good.(*net.TCPListener).SetDeadline(time.Now().Add(20 * time.Second))
	c, err := good.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := rawHandshake(c, "PUSH"); err != nil {
		t.Fatal(err)
	}
	msg := rawFrame(goodBits(1), false)
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-r.stop:
				return
			case <-tick.C:
				if _, err := c.Write(msg); err != nil {
					return
				}
			}
		}
	}()
	r.working("at the start")
	return r
}

// goodBits returns n decodable GridStream frames as unpacked bits.
func goodBits(n int) []byte {
	frame := []byte{0x2A, 0xD5, 0x00, 0x14, 0x22, 0x90, 0x00, 0x00, 0x57, 0x90, 0x00, 0x00, 0xC7, 0x51, 0x0F, 0x07, 0x00, 0x03, 0x16, 0xA4, 0x1B, 0x10, 0x9E, 0x1F}
	var stream []byte
	for range n {
		stream = gs.AppendTransmission(append(stream, make([]byte, 100)...), frame, 4, 40, 0x04)
	}
	return append(stream, make([]byte, 100)...)
}

// subscribe connects a good subscriber (everything) to addr that counts
// messages into n.
func (r *hostileRig) subscribe(addr string, n *atomic.Int64) {
	r.t.Helper()
	var c net.Conn
	var err error
	for range 250 {
		if c, err = net.Dial("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { c.Close() })
	br, err := rawHandshake(c, "SUB")
	if err != nil {
		r.t.Fatal(err)
	}
	c.Write(rawFrame([]byte{1}, false))
	go func() {
		for {
			if _, err := rawReadMsg(br); err != nil {
				return
			}
			n.Add(1)
		}
	}()
}

// working checks that the process runs and that the good input is still
// decoded and published to both good subscribers.
func (r *hostileRig) working(when string) {
	r.t.Helper()
	lines, out, pmt := r.stdout.lines(), r.gotOut.Load(), r.gotPMT.Load()
	deadline := time.Now().Add(15 * time.Second)
	for r.stdout.lines() < lines+3 || r.gotOut.Load() < out+3 || r.gotPMT.Load() < pmt+3 {
		if !r.alive() || time.Now().After(deadline) {
			r.t.Fatalf("%s: alive %v; decoded %d → %d, --out %d → %d, --out-pmt %d → %d\n%s", when, r.alive(),
				lines, r.stdout.lines(), out, r.gotOut.Load(), pmt, r.gotPMT.Load(), tailString(r.stderr.String(), 3000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *hostileRig) alive() bool {
	select {
	case <-r.exited:
		return false
	default:
		return true
	}
}

// memory returns the process's peak resident memory (VmHWM) in bytes.
func (r *hostileRig) memory() int64 {
	r.t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", r.cmd.Process.Pid))
	if err != nil {
		r.t.Fatalf("process gone: %v\n%s", err, tailString(r.stderr.String(), 3000))
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	r.t.Fatal("no VmHWM")
	return 0
}

// checkMemory asserts the peak resident memory stays under limit (not
// under the race detector, which multiplies memory).
func (r *hostileRig) checkMemory(limit int64) {
	r.t.Helper()
	if os.Getenv("GRIDSTREAM_TEST_RACE") != "" {
		r.t.Logf("VmHWM %d MiB; not checked under the race detector", r.memory()>>20)
		return
	}
	hwm := r.memory()
	r.t.Logf("VmHWM %d MiB (limit %d MiB)", hwm>>20, limit>>20)
	if hwm > limit {
		r.t.Fatalf("VmHWM %d MiB, over the %d MiB bound", hwm>>20, limit>>20)
	}
}

// logged checks that stderr has a warning containing each of subs.
func (r *hostileRig) logged(subs ...string) {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, line := range strings.Split(r.stderr.String(), "\n") {
			ok := strings.Contains(line, "level=WARN")
			for _, s := range subs {
				ok = ok && strings.Contains(line, s)
			}
			if ok {
				return
			}
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("no warning with %q:\n%s", subs, tailString(r.stderr.String(), 3000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stats waits for a statistics line that has every one of attrs
// (key=value, each a whole field of the line).
func (r *hostileRig) stats(attrs ...string) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, line := range strings.Split(r.stderr.String(), "\n") {
			fields := strings.Fields(line)
			ok := slices.Contains(fields, "msg=decoder")
			for _, a := range attrs {
				ok = ok && slices.Contains(fields, a)
			}
			if ok {
				return
			}
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("no stats line with %q:\n%s", attrs, tailString(r.stderr.String(), 3000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// trickle writes n bytes in 1 MiB pieces over about d, stopping at the
// first write error (the peer dropped us); it returns how much was sent.
func trickle(c net.Conn, n int, d time.Duration) int {
	chunk := make([]byte, 1<<20)
	pause := d / time.Duration(n/len(chunk))
	sent := 0
	for sent < n {
		c.SetWriteDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Write(chunk); err != nil {
			break
		}
		sent += len(chunk)
		time.Sleep(pause)
	}
	return sent
}

// dropped reports whether the peer closed c (within the read deadline).
func dropped(c net.Conn, within time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(within))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// The memory bounds checked, from the README's "Limits and memory": an
// input connection holds at most its 64 MiB message buffer, another 64 MiB
// while growing it, and a 256 KiB read buffer; a subscriber a few hundred
// KiB at most besides its queue. baseMemory covers the rest of the process
// (code, the decoder, the good input and subscribers; about 12 MiB).
const (
	baseMemory      = 48 << 20
	inputConnMemory = 128<<20 + 256<<10
)

// TestHostileFlowgraph plays a hostile flowgraph on one --in while another
// input keeps decoding.
func TestHostileFlowgraph(t *testing.T) {
	handshakes := map[string][]byte{
		"READY property cut short":       readyCutShort,
		"READY key length = bytes left":  readyKeyIsRest,
		"command claiming 2^50 bytes":    command2p50,
		"command claiming 2 GiB, no end": command2GiB,
	}
	for name, bad := range handshakes {
		t.Run(name, func(t *testing.T) {
			r := startHostileRig(t, "key=k")
			r.hostile.(*net.TCPListener).SetDeadline(time.Now().Add(20 * time.Second))
			c, err := r.hostile.Accept()
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.Write(append(rawGreeting(), bad...))
			if strings.Contains(name, "2 GiB") {
				sent := trickle(c, 256<<20, 2*time.Second)
				t.Logf("trickled %d MiB before being dropped", sent>>20)
			}
			if !dropped(c, 10*time.Second) {
				t.Fatal("the hostile flowgraph was not dropped")
			}
			r.working("after the hostile handshake")
			r.checkMemory(baseMemory + inputConnMemory)
			r.logged("input=tcp://"+r.hostile.Addr().String(), "zmtp_handshake")
		})
	}

	// A valid handshake, then messages of k empty frames and one large
	// frame: the input keeps one message buffer, not one per frame index.
	t.Run("k empty frames then a large frame", func(t *testing.T) {
		r := startHostileRig(t, "key=k")
		r.hostile.(*net.TCPListener).SetDeadline(time.Now().Add(20 * time.Second))
		c, err := r.hostile.Accept()
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := rawHandshake(c, "PUSH"); err != nil {
			t.Fatal(err)
		}
		large := rawFrame(make([]byte, 48<<20), false)
		bw := bufio.NewWriterSize(c, 1<<20)
		for k := 1; k <= 8; k++ {
			bw.Write(rawFrame([]byte("k"), true)) // the key frame: the data frame after it is empty
			for range k {
				bw.Write(rawFrame(nil, true))
			}
			bw.Write(large)
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		r.working("after 8 messages of k empty frames and 48 MiB")
		r.checkMemory(baseMemory + inputConnMemory)
	})
}

// TestHostileSubscribers connects hostile subscribers to --out and
// --out-pmt while good ones keep receiving.
func TestHostileSubscribers(t *testing.T) {
	handshakes := map[string][]byte{
		"READY property cut short":       readyCutShort,
		"READY key length = bytes left":  readyKeyIsRest,
		"command claiming 2^50 bytes":    command2p50,
		"command claiming 2 GiB, no end": command2GiB,
	}
	for name, bad := range handshakes {
		t.Run(name, func(t *testing.T) {
			r := startHostileRig(t, "key=k")
			for _, addr := range []string{r.out, r.outPMT} {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				c.Write(append(rawGreeting(), bad...))
				if strings.Contains(name, "2 GiB") {
					sent := trickle(c, 128<<20, time.Second)
					t.Logf("trickled %d MiB before being dropped", sent>>20)
				}
				if !dropped(c, 10*time.Second) {
					t.Fatalf("the hostile subscriber of %s was not dropped", addr)
				}
			}
			r.working("after the hostile subscribers")
			r.checkMemory(baseMemory + 16<<20)
			r.logged("subscriber dropped", "kind=handshake")
		})
	}

	// Subscribers that send messages of k empty frames and one large
	// frame: at most a subscription's size is ever buffered.
	t.Run("k empty frames then a large frame", func(t *testing.T) {
		r := startHostileRig(t, "key=k")
		large := rawFrame(make([]byte, 64<<10-1), false)
		for range 2 {
			for _, addr := range []string{r.out, r.outPMT} {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if _, err := rawHandshake(c, "SUB"); err != nil {
					t.Fatal(err)
				}
				bw := bufio.NewWriterSize(c, 1<<20)
				for k := range 1023 {
					for range k {
						bw.Write(rawFrame(nil, true))
					}
					bw.Write(large)
				}
				c.SetWriteDeadline(time.Now().Add(10 * time.Second))
				bw.Flush()
			}
		}
		r.working("after 4 subscribers sent 1023 messages of k empty frames and 64 KiB")
		r.checkMemory(baseMemory + 16<<20)
	})

	// 100 000 distinct subscriptions: over the limit, the subscriber is
	// dropped, cheaply; the good subscribers go on.
	t.Run("many subscriptions", func(t *testing.T) {
		r := startHostileRig(t, "key=k")
		for _, addr := range []string{r.out, r.outPMT} {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := rawHandshake(c, "SUB"); err != nil {
				t.Fatal(err)
			}
			var subs []byte
			for i := range 100000 {
				subs = append(subs, rawFrame(fmt.Appendf([]byte{1}, "topic-%06d", i), false)...)
			}
			go func() {
				c.SetWriteDeadline(time.Now().Add(30 * time.Second))
				c.Write(subs)
			}()
			if !dropped(c, 20*time.Second) {
				t.Fatalf("a subscriber with 100 000 subscriptions was not dropped from %s", addr)
			}
		}
		r.working("after 100 000 subscriptions")
		r.checkMemory(baseMemory + 16<<20)
		r.logged("subscriber dropped", "kind=subscriptions")
	})
}

// TestHostileTags sends stream tags built to amplify: a long vector that
// every decoded frame would copy into its meta, and messages full of tags
// whose decoded form is 32 times their size on the wire.
func TestHostileTags(t *testing.T) {
	accept := func(r *hostileRig) net.Conn {
		r.hostile.(*net.TCPListener).SetDeadline(time.Now().Add(20 * time.Second))
		c, err := r.hostile.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if _, err := rawHandshake(c, "PUSH"); err != nil {
			t.Fatal(err)
		}
		return c
	}

	t.Run("a long tag in every frame's meta", func(t *testing.T) {
		r := startHostileRig(t, "tags=1")
		c := accept(r)
		hdr, err := zmqsource.AppendHeader(nil, 0, []zmqsource.Tag{{Offset: 0, Key: "big", Value: make([]pmt.Value, 300000)}})
		if err != nil {
			t.Fatal(err)
		}
		const frames = 40
		c.Write(rawFrame(append(hdr, goodBits(frames)...), false))
		var hostile []string
		deadline := time.Now().Add(20 * time.Second)
		for len(hostile) < frames && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			hostile = hostile[:0]
			for _, line := range strings.Split(r.stdout.String(), "\n") {
				if strings.Contains(line, `"input":"hostile"`) {
					hostile = append(hostile, line)
				}
			}
		}
		size := len(strings.Join(hostile, "\n"))
		t.Logf("%d frames from a 300 kB message: %d bytes of JSON", len(hostile), size)
		if len(hostile) != frames {
			t.Fatalf("%d of %d frames decoded", len(hostile), frames)
		}
		if size > frames*2048 {
			t.Fatalf("%d frames gave %d bytes of JSON: the tag was copied into every one", frames, size)
		}
		if !strings.Contains(hostile[0], `"big":"<vector: 300005 bytes, 300001 values, not kept>"`) {
			t.Fatalf("no summary of the long tag: %s", hostile[0])
		}
		r.working("after the long tag")
		r.checkMemory(baseMemory + 16<<20)
		r.logged("kind=tag_too_long")
	})

	t.Run("messages full of tags", func(t *testing.T) {
		r := startHostileRig(t, "tags=1")
		c := accept(r)
		bw := bufio.NewWriterSize(c, 1<<20)
		const items = 1000
		for m := range 4 {
			var tags []zmqsource.Tag
			for i := range zmqsource.MaxTags {
				tags = append(tags, zmqsource.Tag{Offset: uint64(m*items + i%items), Key: fmt.Sprintf("k%d", i%64), Value: make([]pmt.Value, 1000)})
			}
			hdr, err := zmqsource.AppendHeader(nil, uint64(m*items), tags)
			if err != nil {
				t.Fatal(err)
			}
			bw.Write(rawFrame(append(hdr, make([]byte, items)...), false))
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for !regexp.MustCompile(`input=hostile .*messages=4 `).MatchString(r.stderr.String()) {
			if time.Now().After(deadline) {
				t.Fatalf("the 4 messages were not all read:\n%s", tailString(r.stderr.String(), 3000))
			}
			time.Sleep(50 * time.Millisecond)
		}
		r.working("after 16 384 tags of 1000-element vectors")
		r.checkMemory(baseMemory + 16<<20)
	})
}

// TestTooManySubscribers opens more subscribers than --out-max-subscribers
// (and than the default): those over the limit are refused at once and
// counted, the good subscribers go on, memory stays bounded, and
// subscribers coming and going are logged only for the first few.
func TestTooManySubscribers(t *testing.T) {
	for _, tc := range []struct {
		name string
		max  int
		args []string
	}{
		{"--out-max-subscribers 4", 4, []string{"--out-max-subscribers", "4"}},
		{"default", 64, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startHostileRig(t, "key=k", tc.args...)
			open := func(addr string) (net.Conn, error) {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { c.Close() })
				_, err = rawHandshake(c, "SUB")
				return c, err
			}
			// The good subscriber holds one place on each output.
			for i := 1; i < tc.max; i++ {
				if _, err := open(r.out); err != nil {
					t.Fatalf("subscriber %d of %d: %v", i+1, tc.max, err)
				}
			}
			const over = 6
			for i := range over {
				c, err := open(r.out)
				if err == nil && !dropped(c, 5*time.Second) {
					t.Fatalf("subscriber %d over the limit of %d was accepted", i+1, tc.max)
				}
			}
			r.working("with the subscribers over the limit refused")
			r.stats(fmt.Sprintf("out_subscribers=%d", tc.max), fmt.Sprintf("out_rejected=%d", over))
			r.logged("subscriber dropped", "kind=too_many")
			if n := strings.Count(r.stderr.String(), "kind=too_many"); n != 1 {
				t.Errorf("%d log lines for refused subscribers, want the first only", n)
			}
			// Subscribers coming and going one after another on --out-pmt
			// (one that comes before gridstream saw the last ones go may
			// find every place taken: it tries again).
			const churn = 30
			for range churn {
				c, err := open(r.outPMT)
				for try := 0; err != nil && try < 100; try++ {
					time.Sleep(20 * time.Millisecond)
					c, err = open(r.outPMT)
				}
				if err != nil {
					t.Fatal(err)
				}
				c.Close()
			}
			r.stats(fmt.Sprintf("out_pmt_connects=%d", churn+1))
			if n := strings.Count(r.stderr.String(), "subscriber connected"); n > 20 {
				t.Errorf("%d subscribers logged as connected after %d connects: the log is not rate-limited", n, tc.max+churn)
			}
			r.working("after the churn")
			r.checkMemory(baseMemory + 16<<20)
		})
	}
}

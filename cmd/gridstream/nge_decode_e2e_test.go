package main_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/internal/zmtp"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// `gridstream decode` of a live bit stream (a PUSH peer, as a flowgraph's
// ZMQ PUSH Sink, pass_tags): device 9's pair comes out good as soon as its
// second packet arrives; device 5's lone packet, held for a second packet
// that never comes, is shown at the end of the stream (--stdin-eos) with
// --all as crc_ok false, at its own stream offset — nothing is lost at the
// end, nothing unconfirmed passes as good.
func TestDecodeNGEHeldAtEndOfStream(t *testing.T) {
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7/3+i/5) & 1
		}
		return b
	}
	lone := nge101.NewPacket(5, 1, false, 4068, false)
	pairA, pairB := nge101.NewPacket(9, 2, true, 123456, false), nge101.NewPacket(9, 2, false, 4100, false)
	items := slices.Concat(noise(300), lone, noise(2000), pairA, noise(40), pairB, noise(300))
	loneAt, pairAt := 300, 300+len(lone)+2000

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cmd := exec.Command(testbin.Path(t), "decode", "--in", "pull://"+ln.Addr().String()+"?tags=1&name=ook",
		"--protocol", "nge101", "--all", "--state", "", "--stats-interval", "0", "--stdin-eos")
	stdin, _ := cmd.StdinPipe()
	var stdout, stderr decodeBuf
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	c := acceptPush(t, ln)
	const per, base = 512, 70000
	for off := 0; off < len(items); off += per {
		hdr, _ := zmqsource.AppendHeader(nil, uint64(base+off), nil)
		if _, err := c.Write(zmtp.AppendFrame(nil, append(hdr, items[off:min(len(items), off+per)]...), false)); err != nil {
			t.Fatal(err)
		}
	}
	// The pair is out before the stream ends; the lone packet is not.
	deadline := time.Now().Add(20 * time.Second)
	for stdout.lines() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := stdout.lines(); n != 2 {
		t.Fatalf("%d messages before the end of the stream, want the pair:\n%s\n%s", n, stdout.String(), stderr.String())
	}
	endStream(t, cmd, stdin, len(items), &stderr)
	var msgs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stdout line is not JSON: %q", line)
		}
		msgs = append(msgs, m)
	}
	want := []struct {
		raw string
		ok  bool
		off int
	}{
		{fmt.Sprintf("%X", bitio.Pack(pairA)), true, pairAt},
		{fmt.Sprintf("%X", bitio.Pack(pairB)), true, pairAt + len(pairA) + 40},
		{fmt.Sprintf("%X", bitio.Pack(lone)), false, loneAt},
	}
	if len(msgs) != len(want) {
		t.Fatalf("%d messages, want %d:\n%s", len(msgs), len(want), stdout.String())
	}
	for i, w := range want {
		m := msgs[i]
		meta, _ := m["meta"].(map[string]any)
		if m["raw"] != w.raw || m["crc_ok"] != w.ok || m["input"] != "ook" || meta["gr_offset"] != float64(base+w.off) {
			t.Errorf("message %d: %v; want raw %s crc_ok %v gr_offset %d", i, m, w.raw, w.ok, base+w.off)
		}
	}
}

package main_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/cmplx"
	"net"
	"os/exec"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/internal/zmtp"
	gsynth "github.com/gridstream-sdr/gridstream/synth"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// fmChannel renders bursts at rate and returns their FM samples (radians
// per sample, as GNU Radio's Quadrature Demod with gain 1 writes them).
func fmChannel(rate float64, n int64, seed uint64, bursts ...gsynth.Burst) []float32 {
	iq, _ := gsynth.Generate(gsynth.Config{SampleRate: rate, Seed: seed, Samples: n}, gsynth.Bursts(bursts...))
	out := make([]float32, len(iq))
	prev := complex64(1)
	for i, x := range iq {
		out[i] = float32(cmplx.Phase(complex128(x * complex(real(prev), -imag(prev)))))
		prev = x
	}
	return out
}

// TestDecodeFM feeds `gridstream decode` the way the GridStream Decoder
// block does: a PUSH peer sends a vector stream of three channels of FM
// samples (pass_tags, so offsets are known): noise, a 19200-baud frame 3 kHz
// above channel 1's centre, and the same frame leaking weakly into channel
// 2. The frame must come out once, from channel 1, with its baud, carrier
// frequency and stream offset; and with --stdin-eos and the item count on
// stdin, decode must exit by itself once every item is decoded.
func TestDecodeFM(t *testing.T) {
	const rate, n = 200e3, 60000
	frame := []byte{0x2A, 0xD5, 0x00, 0x14, 0x22, 0x90, 0x00, 0x00, 0x57, 0x90, 0x00, 0x00, 0xC7, 0x51, 0x0F, 0x07, 0x00, 0x03, 0x16, 0xA4, 0x1B, 0x10, 0x9E, 0x1F}
	burst := func(snr float64) gsynth.Burst {
		return gsynth.Burst{Start: 20000, FSK: &gsynth.FSKBurst{Frame: frame, Baud: 19200,
			FreqOffset: 3000, SNRdB: snr, BT: 0.5, Version: 5}}
	}
	chans := [][]float32{fmChannel(rate, n, 1), fmChannel(rate, n, 2, burst(25)), fmChannel(rate, n, 3, burst(15))}
	var items []byte
	for i := range n {
		for _, c := range chans {
			items = binary.LittleEndian.AppendUint32(items, math.Float32bits(c[i]))
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cmd := exec.Command(testbin.Path(t), "decode", "--in",
		"pull://"+ln.Addr().String()+"?format=fm&rate=200000&vlen=3&freqs=915e6:915.1e6:915.2e6&tags=1&name=band",
		"--state", "", "--stats-interval", "0", "--stdin-eos")
	stdin, _ := cmd.StdinPipe()
	var stdout, stderr decodeBuf
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	c := acceptPush(t, ln)
	// GNU Radio-sized messages: 1000 items each, offsets from 5000 on.
	const item, per, base = 12, 1000, 5000
	for off := 0; off < n; off += per {
		hdr, _ := zmqsource.AppendHeader(nil, uint64(base+off), nil)
		msg := append(hdr, items[off*item:min(n, off+per)*item]...)
		if _, err := c.Write(zmtp.AppendFrame(nil, msg, false)); err != nil {
			t.Fatal(err)
		}
	}
	endStream(t, cmd, stdin, n, &stderr)

	var got []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(stdout.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1:\n%s\n%s", len(got), stdout.String(), stderr.String())
	}
	m := got[0]
	meta, _ := m["meta"].(map[string]any)
	freq, _ := m["freq_hz"].(float64)
	off, _ := meta["gr_offset"].(float64)
	// The 0x2A start bit: 20000 + 52 preamble bits + 21 framing bits.
	wantOff := base + 20000 + (52+21)*rate/19200
	if m["raw"] != "2AD500142290000057900000C7510F07000316A41B109E1F" || m["crc_ok"] != true ||
		m["input"] != "band/ch1" || m["baud"] != 19200.0 || math.Abs(freq-915.103e6) > 1500 ||
		meta["channel"] != 1.0 || math.Abs(off-wantOff) > rate/19200 {
		t.Errorf("message: %v (gr_offset want %.0f)", m, wantOff)
	}
	if !strings.Contains(stderr.String(), "every item decoded") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

// TestDecodeFMOptions checks the fm input's options: each mistake is a
// one-line usage error.
func TestDecodeFMOptions(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"pull://127.0.0.1:1?format=fm", "need a sample rate (?rate=, per channel)"},
		{"pull://127.0.0.1:1?format=fm&rate=90000", "samples per symbol"},
		{"pull://127.0.0.1:1?format=fm&rate=200000&vlen=0", "want 1 to 1024 channels"},
		{"pull://127.0.0.1:1?format=fm&rate=200000&vlen=2&freqs=915e6", "2 channels"},
		{"pull://127.0.0.1:1?format=fm&rate=200000&bauds=100", "baud"},
		{"pull://127.0.0.1:1?format=fm&rate=200000&fm_gain=0", "non-zero gain"},
		{"pull://127.0.0.1:1?format=bits&vlen=4", "are for format=fm"},
	} {
		r := gridstream(t, nil, "decode", "--in", tc.in, "--state", "")
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("--in %s: exit %d, want 2 and %q:\n%s", tc.in, r.code, tc.want, r.stderr)
		}
	}
	r := gridstream(t, nil, "decode", "--in", "pull://127.0.0.1:1?format=fm&rate=200000", "--protocol", "nge101", "--state", "")
	if r.code != 2 || !strings.Contains(r.stderr, "FSK protocols only") {
		t.Errorf("fm with --protocol nge101: exit %d\n%s", r.code, r.stderr)
	}
}

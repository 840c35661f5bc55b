package gnuradio_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	gsynth "github.com/gridstream-sdr/gridstream/synth"
	"github.com/gridstream-sdr/gridstream/zmqsink"
)

// subscriber collects the msgpack messages gridstream publishes on --out,
// with go-zeromq's own SUB socket.
type subscriber struct {
	mu    sync.Mutex
	msgs  []*frames.Message
	bad   []error
	topic []string
}

func subscribe(t *testing.T, endpoint, topic string) *subscriber {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sock := zmq4.NewSub(ctx, zmq4.WithDialerMaxRetries(-1), zmq4.WithDialerRetry(20*time.Millisecond))
	if err := sock.Dial(endpoint); err != nil {
		t.Fatal(err)
	}
	if err := sock.SetOption(zmq4.OptionSubscribe, topic); err != nil {
		t.Fatal(err)
	}
	s := &subscriber{}
	go func() {
		for {
			msg, err := sock.Recv()
			if err != nil {
				return
			}
			m, err := zmqsink.DecodeMsgpack(msg.Frames[len(msg.Frames)-1])
			s.mu.Lock()
			if err != nil || len(msg.Frames) != 2 {
				s.bad = append(s.bad, fmt.Errorf("frames %d: %v", len(msg.Frames), err))
			} else {
				s.msgs = append(s.msgs, m)
				s.topic = append(s.topic, string(msg.Frames[0]))
			}
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancel(); sock.Close() })
	return s
}

func (s *subscriber) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// checkAll checks that every GridStream frame of the truth arrived exactly
// once, CRC-good, with the network's init.
func checkAll(t *testing.T, what string, tr []gsynth.TruthLine, raws []string) {
	t.Helper()
	got := map[string]int{}
	for _, r := range raws {
		got[r]++
	}
	for i, x := range tr {
		if got[x.Raw] != 1 {
			t.Errorf("%s: frame %d (%s…) arrived %d times, want once", what, i, x.Raw[:16], got[x.Raw])
		}
	}
	if len(raws) != len(tr) {
		t.Errorf("%s: %d messages for %d frames", what, len(raws), len(tr))
	}
}

// TestIQToGNURadioToGridstreamAndBack is the whole loop with real GNU
// Radio: `gridstream synth` writes an IQ recording; the gridstream_file
// flowgraph demodulates it and pushes bits (with pass_tags and a
// correlate-access-code tag at every sync word) over ZMQ; `gridstream
// decode` decodes them and publishes JSON lines, msgpack on --out (checked by
// a go-zeromq subscriber) and PMT PDUs on --out-pmt, which the
// gridstream_pdu_debug flowgraph receives with a ZMQ SUB Message Source and
// prints with Message Debug.
func TestIQToGNURadioToGridstreamAndBack(t *testing.T) {
	needGNURadio(t)
	rec, tr := synth(t, "rec.cf32", "--count", "30", "--baud", "9600", "--crc-init", "45F8",
		"--rate", "240k", "--interval", "0.06", "--seed", "11")
	bitsAddr, outAddr, pmtAddr := freeAddr(t), freeAddr(t), freeAddr(t)

	dec := start(t, bin, "decode", "--in", "pull://"+bitsAddr, "--pass-tags",
		"--out", "tcp://"+outAddr, "--out-pmt", "tcp://"+pmtAddr,
		"--state", "", "--stats-interval", "1s")
	sub := subscribe(t, "tcp://"+outAddr, gridstream.Name)
	pdus := flowgraph(t, "gridstream_pdu_debug", "--address", "tcp://"+pmtAddr)
	// Both subscribers must be connected before anything is published: a
	// PUB socket drops what it sends before a subscription arrives.
	waitFor(t, "two subscribers", 30*time.Second, func() bool {
		return strings.Count(dec.stderrText(), "subscriber connected") >= 2
	})
	time.Sleep(200 * time.Millisecond) // subscriptions follow the handshake

	fg := flowgraph(t, "gridstream_file", "--file", rec, "--samp-rate", "240e3",
		"--address", "tcp://"+bitsAddr, "--speed", "20")
	if err := fg.wait(t, 60*time.Second); err != nil {
		t.Fatalf("flowgraph: %v", err)
	}
	waitFor(t, "all frames on the msgpack subscriber", 15*time.Second, func() bool { return sub.count() >= len(tr) })
	waitFor(t, "all PDUs in GNU Radio", 15*time.Second, func() bool {
		return strings.Count(strings.Join(pdus.lines(), "\n"), "pdu length") >= len(tr)
	})
	time.Sleep(300 * time.Millisecond) // anything extra would show up now
	dec.stop(t)

	// msgpack subscriber
	sub.mu.Lock()
	var raws []string
	for i, m := range sub.msgs {
		raws = append(raws, m.Raw)
		if fields, _ := m.Fields.(frames.Map); !m.CRCOK || fields["crc_init"] != "45F8" || sub.topic[i] != "gridstream" {
			t.Errorf("msgpack message %d: %+v", i, m)
			continue
		}
		// Tags: the frame's absolute offset in the flowgraph's stream, and the
		// correlate-access-code tag the flowgraph puts on version-4 sync words.
		if m.Meta["gr_offset"] == nil {
			t.Errorf("message %d: no gr_offset in meta %v", i, m.Meta)
		}
		if fields, _ := m.Fields.(frames.Map); fmt.Sprint(fields["version"]) == "4" && m.Meta["gs_sync"] == nil {
			t.Errorf("version-4 message %d: no gs_sync tag in meta %v", i, m.Meta)
		}
	}
	if len(sub.bad) > 0 {
		t.Errorf("bad msgpack messages: %v", sub.bad)
	}
	sub.mu.Unlock()
	checkAll(t, "msgpack", tr, raws)

	// JSON lines on stdout
	raws = raws[:0]
	for _, l := range dec.lines() {
		var m frames.Message
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("stdout line %q: %v", l, err)
		}
		raws = append(raws, m.Raw)
	}
	checkAll(t, "stdout", tr, raws)

	// PDUs printed by GNU Radio's Message Debug: metadata dict, then the
	// payload as hex rows "0000: 2a 55 00 23 ...".
	out := strings.Join(pdus.lines(), "\n")
	raws = raws[:0]
	row := regexp.MustCompile(`(?m)^[0-9a-f]{4}: ((?:[0-9a-f]{2} ?)+)$`)
	for _, blk := range strings.Split(out, "***** VERBOSE PDU DEBUG PRINT ******")[1:] {
		if !strings.Contains(blk, "(protocol . gridstream)") || !strings.Contains(blk, "(crc_ok . #t)") ||
			!strings.Contains(blk, "(crc_init . 45F8)") || !strings.Contains(blk, "(meta (gr_offset . ") {
			t.Errorf("PDU metadata: %s", blk)
		}
		var hex strings.Builder
		for _, m := range row.FindAllStringSubmatch(blk, -1) {
			hex.WriteString(strings.ReplaceAll(m[1], " ", ""))
		}
		raws = append(raws, strings.ToUpper(hex.String()))
	}
	checkAll(t, "GNU Radio Message Debug", tr, raws)
	pdus.cmd.Process.Signal(syscall.SIGTERM)
}

// TestFlowgraphRestart kills the flowgraph in the middle of the recording
// and starts it again: gridstream reconnects by itself and decodes every
// frame of the second run.
func TestFlowgraphRestart(t *testing.T) {
	needGNURadio(t)
	rec, tr := synth(t, "rec.cf32", "--count", "24", "--baud", "9600", "--crc-init", "45F8",
		"--rate", "240k", "--interval", "0.06", "--seed", "12")
	addr := freeAddr(t)
	dec := start(t, bin, "decode", "--in", "pull://"+addr, "--pass-tags", "--state", "", "--stats-interval", "0")

	// First run in real time; kill it once a few frames are through.
	fg := flowgraph(t, "gridstream_file", "--file", rec, "--samp-rate", "240e3", "--address", "tcp://"+addr, "--speed", "1")
	waitFor(t, "frames from the first run", 60*time.Second, func() bool { return len(dec.lines()) >= 4 })
	fg.cmd.Process.Signal(syscall.SIGKILL)
	fg.wait(t, 10*time.Second)
	first := len(dec.lines())
	if first >= len(tr) {
		t.Fatalf("the first run finished (%d messages) before it was killed", first)
	}
	dec.waitStderr(t, 10*time.Second, "input disconnected")

	// Second run from the start, faster.
	fg2 := flowgraph(t, "gridstream_file", "--file", rec, "--samp-rate", "240e3", "--address", "tcp://"+addr, "--speed", "10")
	if err := fg2.wait(t, 60*time.Second); err != nil {
		t.Fatalf("second flowgraph: %v", err)
	}
	waitFor(t, "every frame of the second run", 15*time.Second, func() bool { return len(dec.lines()) >= first+len(tr) })
	time.Sleep(200 * time.Millisecond)
	dec.stop(t)

	var raws []string
	for _, l := range dec.lines()[first:] {
		var m frames.Message
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if !m.CRCOK {
			t.Errorf("bad frame after restart: %s", l)
		}
		raws = append(raws, m.Raw)
	}
	checkAll(t, "after restart", tr, raws)
	if n := strings.Count(dec.stderrText(), "input connected"); n != 2 {
		t.Errorf("%d connections logged, want 2", n)
	}
}

// TestRTLSDRFlowgraphPUB runs the RTL-SDR flowgraph headless with
// gr-osmosdr's file source standing in for the dongle, so the osmosdr
// source, the ZMQ PUB Sink (with a key) and gridstream's SUB side are all
// exercised, with a key and a per-input name. A PUB sink drops what it
// sends before gridstream's subscription arrives, so the recording starts
// with a second of silence.
func TestRTLSDRFlowgraphPUB(t *testing.T) {
	needGNURadio(t)
	rec, tr := synth(t, "rec.cf32", "--count", "12", "--baud", "9600", "--crc-init", "45F8",
		"--rate", "240k", "--interval", "0.06", "--seed", "13", "--offset", "30000")
	prependSilence(t, rec, 1, 240e3)
	addr := freeAddr(t)
	dec := start(t, bin, "decode", "--in", "tcp://"+addr+"?key=ch0&tags=1&name=ch0", "--state", "",
		"--stats-interval", "0", "--reconnect-max", "100ms")
	fg := flowgraph(t, "gridstream_rtlsdr",
		"--args", "file="+rec+",rate=240e3,repeat=false,throttle=true",
		"--samp-rate", "240e3", "--offset", "30000", "--key", "ch0", "--address", "tcp://"+addr)
	if err := fg.wait(t, 60*time.Second); err != nil {
		t.Fatalf("flowgraph: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	dec.stop(t)
	got := map[string]bool{}
	for _, l := range dec.lines() {
		var m frames.Message
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if !m.CRCOK || m.Input != "ch0" || m.Meta["gr_offset"] == nil {
			t.Errorf("message: %s", l)
		}
		got[m.Raw] = true
	}
	for i, x := range tr {
		if !got[x.Raw] {
			t.Errorf("frame %d missing", i)
		}
	}
}

// TestNGE101Flowgraph runs the NGE101 OOK flowgraph (osmosdr file source,
// AM envelope, threshold, ZMQ PUB Sink of levels) into `gridstream decode`
// with a levels input, on an NGE101 recording made by `gridstream synth`.
func TestNGE101Flowgraph(t *testing.T) {
	needGNURadio(t)
	rec, tr := synth(t, "nge.cf32", "--count", "0", "--nge-power", "810", "--nge-power", "1500",
		"--nge-energy", "1234.5", "--nge-repeats", "2", "--rate", "250k", "--snr", "20", "--nge-offset", "50000")
	prependSilence(t, rec, 1, 250e3)
	addr := freeAddr(t)
	dec := start(t, bin, "decode", "--in", "tcp://"+addr+"?format=levels&rate=50000", "--protocol", "nge101",
		"--state", "", "--stats-interval", "0", "--reconnect-max", "100ms")
	fg := flowgraph(t, "nge101_rtlsdr", "--args", "file="+rec+",rate=250e3,repeat=false,throttle=true",
		"--samp-rate", "250e3", "--offset", "50e3", "--level-rate", "50e3", "--address", "tcp://"+addr)
	if err := fg.wait(t, 60*time.Second); err != nil {
		t.Fatalf("flowgraph: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	dec.stop(t)
	got := map[string]int{}
	for _, l := range dec.lines() {
		n := &nge101.Fields{}
		m := frames.Message{Fields: n}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if !m.CRCOK || m.Protocol != nge101.Name || n.ID != 42 {
			t.Errorf("message: %s", l)
		}
		got[m.Raw]++
	}
	for i, x := range tr {
		if got[x.Raw] != 2 {
			t.Errorf("NGE101 packet %d (%s) arrived %d times, want 2 (it is sent twice)", i, x.Raw, got[x.Raw])
		}
	}
}

// TestFlowgraphBauds runs the file flowgraph at GridStream's faster symbol
// rates (the meter picks one per packet; a chain is tuned to one).
func TestFlowgraphBauds(t *testing.T) {
	needGNURadio(t)
	for _, tc := range []struct{ baud, deviation, rate string }{
		{"19200", "16e3", "480e3"},
		{"38400", "20e3", "960e3"},
	} {
		t.Run(tc.baud, func(t *testing.T) {
			rec, tr := synth(t, "rec.cf32", "--count", "20", "--baud", tc.baud, "--crc-init", "45F8",
				"--rate", tc.rate, "--interval", "0.03", "--seed", "21")
			addr := freeAddr(t)
			// No --pass-tags although the flowgraph's sink sends tag headers:
			// decode must recognise them on bit input rather than read them
			// as bits (which used to break frames, depending on how GNU
			// Radio happened to chunk its work calls).
			dec := start(t, bin, "decode", "--in", "pull://"+addr, "--state", "", "--stats-interval", "0")
			fg := flowgraph(t, "gridstream_file", "--file", rec, "--samp-rate", tc.rate, "--baud", tc.baud,
				"--deviation", tc.deviation, "--address", "tcp://"+addr, "--speed", "10")
			if err := fg.wait(t, 60*time.Second); err != nil {
				t.Fatalf("flowgraph: %v", err)
			}
			waitFor(t, "every frame", 15*time.Second, func() bool { return len(dec.lines()) >= len(tr) })
			time.Sleep(200 * time.Millisecond)
			dec.stop(t)
			var raws []string
			for _, l := range dec.lines() {
				var m frames.Message
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatal(err)
				}
				raws = append(raws, m.Raw)
			}
			checkAll(t, tc.baud+" baud", tr, raws)
		})
	}
}

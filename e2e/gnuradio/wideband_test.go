package gnuradio_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	gsynth "github.com/gridstream-sdr/gridstream/synth"
)

// TestWidebandFlowgraph replays a synthetic 2.4 MS/s recording of meters
// hopping over ±1 MHz (every baud, both polarities, ±20 ppm clocks, 10 dB)
// through flowgraphs/gridstream_wideband.grc: osmosdr's file source, a
// Polyphase Channelizer, a Quadrature Demod per channel and the GridStream
// Decoder block, as a user runs the generated Python. At least 95 % of the
// frames must come out of its stdout as JSON lines (in practice all), each
// with its burst's frequency and baud, none that was not sent, and the
// flowgraph must end by itself at the end of the file.
func TestWidebandFlowgraph(t *testing.T) {
	needGNURadio(t)
	rec, tr := synth(t, "hop_915M_2400k.cf32", "--count", "150", "--hop", "--snr", "10", "--rate", "2.4M",
		"--random-polarity", "--clock-ppm", "20", "--seed", "31")
	start := time.Now()
	fg := flowgraph(t, "gridstream_wideband",
		"--args", "file="+rec+",rate=2.4e6,repeat=false,throttle=false",
		"--samp-rate", "2.4e6", "--freq", "915e6", "--extra-args=--state ''")
	if err := fg.wait(t, 120*time.Second); err != nil {
		t.Fatalf("flowgraph: %v", err)
	}
	t.Logf("%d bursts decoded in %v", len(tr), time.Since(start).Round(time.Millisecond))

	type sent struct {
		gsynth.TruthLine
		got int
	}
	want := map[string]*sent{}
	perBaud := map[int][2]int{}
	for _, x := range tr {
		want[x.Raw] = &sent{TruthLine: x}
		c := perBaud[x.Baud]
		c[1]++
		perBaud[x.Baud] = c
	}
	for _, l := range fg.lines() {
		if !strings.HasPrefix(l, "{") {
			continue // GNU Radio's own chatter
		}
		var m frames.Message
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("stdout line %q: %v", l, err)
		}
		s := want[m.Raw]
		if s == nil || !m.CRCOK {
			t.Errorf("a frame that was not sent: %s", l)
			continue
		}
		s.got++
		if m.Radio == nil || m.FreqHz == nil || math.Abs(*m.FreqHz-s.FreqHz) > 5e3 || m.Baud != s.Baud {
			t.Errorf("frame sent at %.0f Hz, %d baud: %s", s.FreqHz, s.Baud, l)
		}
		if !strings.HasPrefix(m.Input, "decoder/ch") {
			t.Errorf("input %q, want the channel", m.Input)
		}
	}
	found := 0
	for _, s := range want {
		if s.got > 1 {
			t.Errorf("frame %s… printed %d times", s.Raw[:16], s.got)
		}
		if s.got > 0 {
			found++
			c := perBaud[s.Baud]
			c[0]++
			perBaud[s.Baud] = c
		}
	}
	t.Logf("decoded %d of %d frames; per baud (decoded, sent): %v", found, len(tr), perBaud)
	if float64(found) < 0.95*float64(len(tr)) {
		t.Errorf("decoded %d of %d frames (%.1f %%), want ≥ 95 %%", found, len(tr), 100*float64(found)/float64(len(tr)))
	}
	if len(perBaud) != 3 {
		t.Errorf("bauds in the recording: %v, want all three", perBaud)
	}
}

package gnuradio_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	gsynth "github.com/gridstream-sdr/gridstream/synth"
)

// TestWidebandFlowgraph replays synthetic recordings of meters hopping over
// the band (every baud, both polarities, ±20 ppm clocks, 10 dB) through
// flowgraphs/gridstream_wideband.grc: osmosdr's file source into the
// GridStream Wideband Receiver block, as a user runs the generated Python.
// 2.4 MS/s is 24 channels of 100 kHz as it is; 2.56 MS/s (the rate of
// gr-smart_meters' comparison recording) is resampled to 2.6 MS/s first,
// and its bursts reach the outermost whole channels (±1.2 MHz). At least
// 95 % of the frames must come out of its stdout as JSON lines (in practice
// all), each with its burst's frequency and baud, none that was not sent, and
// the flowgraph must end by itself at the end of the file.
func TestWidebandFlowgraph(t *testing.T) {
	needGNURadio(t)
	for _, tc := range []struct {
		rate, maxOffset string
		seed            string
		edge            float64 // Hz: bursts this far out must be decoded too (0: none)
	}{
		{"2.4e6", "960e3", "31", 0},
		{"2.56e6", "1.2e6", "32", 1.1e6},
	} {
		t.Run(tc.rate, func(t *testing.T) {
			rec, tr := synth(t, "hop_915M.cf32", "--count", "150", "--hop", "--snr", "10", "--rate", tc.rate,
				"--max-offset", tc.maxOffset, "--random-polarity", "--clock-ppm", "20", "--seed", tc.seed)
			start := time.Now()
			fg := flowgraph(t, "gridstream_wideband",
				"--args", "file="+rec+",rate="+tc.rate+",repeat=false,throttle=false",
				"--samp-rate", tc.rate, "--freq", "915e6", "--extra-args=--state ''")
			if err := fg.wait(t, 120*time.Second); err != nil {
				t.Fatalf("flowgraph: %v", err)
			}
			t.Logf("%d bursts in %v", len(tr), time.Since(start).Round(time.Millisecond))
			got := checkWideband(t, fg, tr)
			if tc.edge == 0 {
				return
			}
			edge, found := 0, 0
			for _, x := range tr {
				if math.Abs(x.FreqHz-915e6) >= tc.edge {
					edge++
					if got[x.Raw] {
						found++
					}
				}
			}
			t.Logf("outermost channels (≥ %.0f kHz out): %d of %d decoded", tc.edge/1e3, found, edge)
			if edge < 5 || found < edge*9/10 {
				t.Errorf("outermost channels: %d of %d bursts decoded, want ≥ 5 bursts and ≥ 90 %%", found, edge)
			}
		})
	}
}

// TestWidebandBadRate: a sample rate the receiver cannot cut into whole
// channels is one line on stderr and exit status 2, no traceback.
func TestWidebandBadRate(t *testing.T) {
	needGNURadio(t)
	rec := filepath.Join(t.TempDir(), "silence.cf32")
	if err := os.WriteFile(rec, make([]byte, 8000), 0o644); err != nil {
		t.Fatal(err)
	}
	fg := flowgraph(t, "gridstream_wideband", "--args", "file="+rec+",rate=50e3,repeat=false,throttle=false",
		"--samp-rate", "50e3")
	err := fg.wait(t, 60*time.Second)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Errorf("exit: %v, want status 2", err)
	}
	msg := fg.stderrText()
	if !strings.Contains(msg, "GridStream Wideband Receiver: sample rate 50000 S/s does not cover a whole 100 kHz channel") ||
		strings.Contains(msg, "Traceback") {
		t.Errorf("stderr:\n%s", msg)
	}
}

// checkWideband checks the flowgraph's JSON lines against the truth and
// returns the frames decoded.
func checkWideband(t *testing.T, fg *proc, tr []gsynth.TruthLine) map[string]bool {
	t.Helper()
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
		if !strings.HasPrefix(m.Input, "receiver/ch") {
			t.Errorf("input %q, want the channel", m.Input)
		}
	}
	found := 0
	got := map[string]bool{}
	for _, s := range want {
		if s.got > 1 {
			t.Errorf("frame %s… printed %d times", s.Raw[:16], s.got)
		}
		if s.got > 0 {
			got[s.Raw] = true
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
	return got
}

package gnuradio_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	gsynth "github.com/gridstream-sdr/gridstream/synth"
)

// TestNGE101FlowgraphEndings runs the NGE101 OOK flowgraph into `gridstream
// decode` on packets as real transmitters send them: either ending (half
// of those whose last cell ends low with a closing pulse), clock errors
// within ±2 %, a PWM weather sensor on the same carrier just before and
// after every packet, at 10 dB. Every packet arrives once, nothing else.
func TestNGE101FlowgraphEndings(t *testing.T) {
	needGNURadio(t)
	args := []string{"--rate", "250k", "--snr", "10", "--nge-offset", "50000", "--seed", "4",
		"--nge-ending", "mixed", "--nge-clock-error", "-2:2", "--nge-interferer", "gaps"}
	for _, w := range []string{"120", "810", "1500", "3420"} {
		args = append(args, "--nge-power", w)
	}
	args = append(args, "--nge-energy", "0.5", "--nge-energy", "1234.5")
	rec, tr := synth(t, "nge.cf32", args...)
	prependSilence(t, rec, 1, 250e3)
	addr := freeAddr(t)
	dec := start(t, bin, "decode", "--in", "tcp://"+addr+"?format=levels&rate=50000", "--protocol", "nge101",
		"--state", "", "--stats-interval", "0", "--reconnect-max", "100ms")
	fg := flowgraph(t, "nge101_rtlsdr", "--args", "file="+rec+",rate=250e3,repeat=false,throttle=true",
		"--samp-rate", "250e3", "--offset", "50e3", "--level-rate", "50e3", "--address", "tcp://"+addr,
		// The carrier's amplitude at 10 dB is 0.1 (noise -30 dBFS): the
		// threshold at half of it, the noise in ±20 kHz 4σ below.
		"--threshold", "0.05")
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
	packets := 0
	for _, x := range tr {
		if x.Protocol == gsynth.OOKInterferer {
			continue
		}
		packets++
		if got[x.Raw] != 1 {
			t.Errorf("NGE101 packet %s arrived %d times, want 1", x.Raw, got[x.Raw])
		}
	}
	if packets != 6 {
		t.Errorf("%d packets sent", packets)
	}
}

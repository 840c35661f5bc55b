package gnuradio_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
			fg := userFlowgraph(t, "gridstream_wideband",
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
		var m frames.Message
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("stdout line %q is not a JSON line: %v", l, err)
			continue
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

// TestWidebandPlan checks the receiver's channel plan (the installed
// module's wideband_plan) for many sample rates: the channelizer's band is
// whole channels of 100 kHz reached by an exact rational resampling of the
// input, each channel gets at least 150 kS/s, and the channels decoded are
// exactly the whole ones inside the sampled band, in ascending order; the
// channel filter and the resampler pass the channels (±45 kHz) within
// 0.5 dB and attenuate what would fold onto them by ≥ 50 and ≥ 48 dB.
func TestWidebandPlan(t *testing.T) {
	needGNURadio(t)
	rates := []float64{2.4e6, 2.56e6, 2.048e6, 2.5e6, 3.2e6, 1e6, 1.024e6, 250e3, 200e3, 100e3, 20e6, 2.4e6 + 1, 2.6e6 - 1}
	bad := []struct{ args, want string }{ // rate,centre: the error
		{"50e3,915e6", "sample rate 50000 S/s does not cover a whole 100 kHz channel"},
		{"0,915e6", "sample rate 0 S/s"},
		{"-2.4e6,915e6", "sample rate -2.4e+06 S/s"},
		{"float('nan'),915e6", "sample rate nan S/s"},
		{"float('inf'),915e6", "sample rate inf S/s"},
		{"200e6,915e6", "2000 channels of 100 kHz: want at most 1024"},
		{"2.4e6,0", "centre frequency 0 Hz puts channels at -1.2e+06"},
		{"2.4e6,20e9", "want 0 to 1e+10 Hz"},
	}
	var badArgs []string
	for _, b := range bad {
		badArgs = append(badArgs, b.args)
	}
	script := `import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import gridstream_grc as g

def response(taps, fs, gain):
    """dB over frequency (Hz) from 0 to fs/2."""
    h = np.abs(np.fft.rfft(np.array(taps) / gain, 1 << 20))
    return np.arange(len(h)) * fs / (1 << 20), 20 * np.log10(h + 1e-12)

def worst(db, mask, pick):
    return float(pick(db[mask])) if mask.any() else -300.0  # nothing there

out = {'plans': [], 'errors': []}
for r in sys.argv[2].split():
    p = g.wideband_plan(float(r), 915e6)
    d = dict(p.__dict__)
    passband = 0.45 * p.spacing
    f, db = response(g.channel_taps(p), p.band_rate, 1)
    # What folds into a channel's passband at the channel rate.
    d['chan_pass_db'] = worst(db, f <= passband, np.min)
    d['chan_alias_db'] = worst(db, f >= p.chan_rate - passband, np.max)
    if p.interp != p.decim:
        passband += max(abs(o) for o in p.offsets)
        f, db = response(g.resampler_taps(p), p.interp * p.samp_rate, p.interp)
        d['resampler_pass_db'] = worst(db, f <= passband, np.min)
        d['resampler_stop_db'] = worst(db, f >= p.band_rate - passband, np.max)
    else:
        d['resampler_pass_db'], d['resampler_stop_db'] = 0.0, -300.0  # none
    out['plans'].append(d)
for r in sys.argv[3].split():
    try:
        g.wideband_plan(*[eval(x) for x in r.split(',')])
        out['errors'].append('')
    except g.WidebandError as e:
        out['errors'].append(str(e))
print(json.dumps(out))
`
	var args []string
	for _, r := range rates {
		args = append(args, strconv.FormatFloat(r, 'g', -1, 64))
	}
	out, err := exec.Command(python, "-c", script, grcDir, strings.Join(args, " "), strings.Join(badArgs, " ")).Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		t.Fatalf("%v: %s", err, ee.Stderr)
	} else if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Plans []struct {
			SampRate  float64 `json:"samp_rate"`
			Spacing   float64
			Interp    int
			Decim     int
			BandRate  float64 `json:"band_rate"`
			Nchan     int
			DecimChan int     `json:"decim_chan"`
			OSR       float64 `json:"osr"`
			ChanRate  float64 `json:"chan_rate"`
			ChanMap   []int   `json:"chan_map"`
			Freqs     []float64
			// Filter responses (dB): the worst over the passband and over
			// what would fold into the kept channels.
			ChanPassDB      float64 `json:"chan_pass_db"`
			ChanAliasDB     float64 `json:"chan_alias_db"`
			ResamplerPassDB float64 `json:"resampler_pass_db"`
			ResamplerStopDB float64 `json:"resampler_stop_db"`
		}
		Errors []string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(res.Plans) != len(rates) || len(res.Errors) != len(bad) {
		t.Fatalf("%d plans and %d errors: %s", len(res.Plans), len(res.Errors), out)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }
	for i, p := range res.Plans {
		r := rates[i]
		if p.SampRate != r || !near(p.BandRate, r*float64(p.Interp)/float64(p.Decim)) || p.BandRate < r ||
			!near(p.BandRate, float64(p.Nchan)*p.Spacing) || math.Abs(p.Spacing-100e3) > 0.1 {
			t.Errorf("%g S/s: band %+v", r, p)
		}
		if !near(p.ChanRate, p.BandRate/float64(p.DecimChan)) || !near(p.OSR, float64(p.Nchan)/float64(p.DecimChan)) ||
			p.ChanRate < 1.5*p.Spacing*(1-1e-9) {
			t.Errorf("%g S/s: channels of %g S/s (%+v)", r, p.ChanRate, p)
		}
		if p.ChanPassDB < -0.5 || p.ChanAliasDB > -50 || p.ResamplerPassDB < -0.5 || p.ResamplerStopDB > -48 {
			t.Errorf("%g S/s: channel filter %.2f dB in the passband, %.1f dB folding in; resampler %.2f dB, %.1f dB",
				r, p.ChanPassDB, p.ChanAliasDB, p.ResamplerPassDB, p.ResamplerStopDB)
		}
		want := p.Nchan // every channel of the band when it is the input's
		if p.Interp != p.Decim {
			want = 2*int(math.Floor((r/2-p.Spacing/2)/p.Spacing+1e-9)) + 1
		}
		if len(p.Freqs) != want || len(p.ChanMap) != want {
			t.Errorf("%g S/s: %d channels decoded, want %d", r, len(p.Freqs), want)
			continue
		}
		for j, f := range p.Freqs {
			k := math.Round((f - 915e6) / p.Spacing)
			if !near(f-915e6, k*p.Spacing) && f != 915e6 || p.ChanMap[j] != (int(k)+p.Nchan)%p.Nchan ||
				j > 0 && !near(f-p.Freqs[j-1], p.Spacing) {
				t.Errorf("%g S/s: channel %d at %g Hz, filter %d", r, j, f, p.ChanMap[j])
			}
			if p.Interp != p.Decim && math.Abs(f-915e6)+p.Spacing/2 > r/2 {
				t.Errorf("%g S/s: channel %d at %g Hz is not wholly inside the band", r, j, f)
			}
		}
	}
	for i, e := range res.Errors {
		if !strings.Contains(e, bad[i].want) {
			t.Errorf("wideband_plan(%s): error %q, want a WidebandError saying %q", bad[i].args, e, bad[i].want)
		}
	}
}

package demod

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/synth"
)

// TestSNRTable prints the frames-decoded-vs-SNR table for the README. It
// runs only with GRIDSTREAM_SNR_TABLE set (to the number of frames per
// cell, e.g. 200): scripts/snr-table.sh.
func TestSNRTable(t *testing.T) {
	env := os.Getenv("GRIDSTREAM_SNR_TABLE")
	if env == "" {
		t.Skip("set GRIDSTREAM_SNR_TABLE=frames per cell (scripts/snr-table.sh)")
	}
	n, err := strconv.Atoi(env)
	if err != nil || n <= 0 {
		n = 200
	}
	snrs := []float64{-2, 0, 1, 2, 3, 4, 6, 8, 10}
	var b strings.Builder
	fmt.Fprintf(&b, "\nFrames decoded, %d per cell; SNR = burst power / complex noise power over the whole sample rate.\n\n", n)
	fmt.Fprintf(&b, "| recording | baud |")
	for _, s := range snrs {
		fmt.Fprintf(&b, " %g dB |", s)
	}
	b.WriteString("\n|---|---|")
	for range snrs {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	row := func(name string, baud int, run func(snr float64) result) {
		fmt.Fprintf(&b, "| %s | %d |", name, baud)
		for _, s := range snrs {
			res := run(s)
			fmt.Fprintf(&b, " %.1f %% |", 100*float64(res.found)/float64(max(1, res.sent)))
			if res.extra > 0 {
				t.Errorf("%s %d baud %g dB: %d wrong frames", name, baud, s, res.extra)
			}
		}
		b.WriteString("\n")
	}
	for _, baud := range []int{9600, 19200, 38400} {
		row("250 kS/s, ±3 kHz", baud, func(snr float64) result {
			return runScenario(t, 250e3, 0, uint64(1000+snr*10), singleChannel(float64(baud), snr, n, uint64(baud)+uint64(snr*100)), Config{})
		})
	}
	row("2.4 MS/s, hopping ±1 MHz", 0, func(snr float64) result {
		return runScenario(t, 2.4e6, 915e6, uint64(2000+snr*10), wideband(snr, n, uint64(77+snr*100)), Config{})
	})
	t.Log(b.String())
	fmt.Println(b.String())
}

// noncoherentLimit is the share of frames of n bits that ideal noncoherent
// binary FSK decodes at per-sample SNR snrDB (burst power over the complex
// noise power across sample rate fs) and baud symbols/s: every bit right,
// each wrong with probability ½·exp(−Eb/2N0), Eb/N0 = SNR·fs/baud.
func noncoherentLimit(snrDB, fs, baud float64, n int) float64 {
	ebn0 := math.Pow(10, snrDB/10) * fs / baud
	return math.Pow(1-0.5*math.Exp(-ebn0/2), float64(n))
}

// curveFrame is a frame kind of the sensitivity curves: short 0x55
// broadcasts (length 0x23, 39 bytes) or long 0xD5 frames (length 0xFD, 257
// bytes), and its bits on the air after the preamble (sync framing, then
// 10 per byte).
type curveFrame struct {
	name  string
	bytes int
	apply func(*synth.Options)
}

var curveFrames = []curveFrame{
	{"short (0x55, 39 B)", 39, func(o *synth.Options) { o.Broadcast = true }},
	{"long (0xD5 len 0xFD, 257 B)", 4 + synth.LongLength, func(o *synth.Options) { o.Lengths = []byte{synth.LongLength} }},
}

func (c curveFrame) bits() int { return 20 + 10*c.bytes }

// curvePoint is one cell of the sensitivity curves.
type curvePoint struct {
	rate, baud, snr float64
	frame           int // index in curveFrames
	got, limit      float64
}

// TestSensitivityCurves prints frames decoded against SNR per baud, for
// short and long frames, beside the noncoherent binary FSK limit for the
// same frame length, at 250 kS/s (one channel) and 2.4 MS/s (hopping). It
// runs only with GRIDSTREAM_SNR_CURVES set to the frames per cell:
// scripts/snr-table.sh.
func TestSensitivityCurves(t *testing.T) {
	env := os.Getenv("GRIDSTREAM_SNR_CURVES")
	if env == "" {
		t.Skip("set GRIDSTREAM_SNR_CURVES=frames per cell (scripts/snr-table.sh)")
	}
	n, err := strconv.Atoi(env)
	if err != nil || n <= 0 {
		n = 100
	}
	grids := map[float64][]float64{
		250e3: {-2, 0, 1, 2, 3, 4, 6, 8, 10},
		2.4e6: {-12, -10, -8, -6, -4, -2, 0, 2, 4},
	}
	var pts []curvePoint
	var b strings.Builder
	for _, fs := range tableRates {
		snrs := grids[fs]
		fmt.Fprintf(&b, "\nFrames decoded at %s (%s), %d per cell: measured / noncoherent 2-FSK limit for the same frame (Eb/N0 = SNR·rate/baud).\n\n",
			rateName(fs), map[bool]string{true: "hopping over ±1 MHz", false: "one channel"}[fs > 1e6], n)
		b.WriteString("| baud | frame |")
		for _, s := range snrs {
			fmt.Fprintf(&b, " %g dB |", s)
		}
		b.WriteString("\n|---|---|" + strings.Repeat("---|", len(snrs)) + "\n")
		for _, baud := range []float64{9600, 19200, 38400} {
			for fi, fr := range curveFrames {
				fmt.Fprintf(&b, "| %.0f | %s |", baud, fr.name)
				for si, snr := range snrs {
					o := synth.TableOptions(fs, snr, n, uint64(3000+100*fi+si)+uint64(baud))
					o.Bauds = []float64{baud}
					fr.apply(&o)
					res := runOptions(t, o, Config{})
					p := curvePoint{rate: fs, baud: baud, snr: snr, frame: fi,
						got: float64(res.found) / float64(max(1, res.sent)), limit: noncoherentLimit(snr, fs, baud, fr.bits())}
					pts = append(pts, p)
					fmt.Fprintf(&b, " %.1f / %.0f |", 100*p.got, 100*p.limit)
					if res.extra > 0 {
						t.Errorf("%s %.0f baud %s %g dB: %d wrong frames", rateName(fs), baud, fr.name, snr, res.extra)
					}
				}
				b.WriteString("\n")
			}
		}
	}
	t.Log(b.String())
	fmt.Println(b.String())
	_ = pts
}

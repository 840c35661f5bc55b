package demod

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
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

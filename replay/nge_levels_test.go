package replay

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/synth"
)

// NGE101 level input (`replay -f levels`) at 50 kS/s: packets of every
// ending (last cell high; low and nothing after it; low and a closing
// pulse), the transmitter's clock 2 % fast or slow, alone and with a PWM
// weather sensor on the same carrier in the gaps between them. Every
// packet decodes, once, and nothing else passes its check.
func TestDecodeLevelEndings(t *testing.T) {
	const rate = 50000
	for _, end := range []struct {
		name    string
		ends    synth.NGEEnds
		closing float64
	}{
		{"high", synth.EndsHigh, 0},
		{"low-open", synth.EndsLow, 0},
		{"low-pulse", synth.EndsLow, synth.NGEClosingPulse},
	} {
		for _, clock := range []float64{-0.02, 0, 0.02} {
			for _, in := range []synth.InterfererMode{synth.NoInterferer, synth.InterfererGaps} {
				name := fmt.Sprintf("%s/clock%+g%%/interferer%d", end.name, clock*100, in)
				t.Run(name, func(t *testing.T) {
					tr := synth.NGETraffic{SampleRate: rate, Seed: 11, Count: 12, Ends: end.ends,
						ClosingPulse: end.closing, ClockError: clock, Interferer: synth.Interferer{Mode: in}}
					bursts := tr.Bursts()
					want := map[string]bool{}
					var n int64
					for _, b := range bursts {
						if b.OOKPacket != nil {
							want[strings.ToUpper(fmt.Sprintf("%X", bitio.Pack(b.OOKPacket.Bits)))] = true
						}
						n = max(n, b.Start+b.Samples(rate))
					}
					levels := synth.OOKLevels(bursts, rate, n, 0, 5e3)
					got, _, _, err := decode(t, bytes.NewReader(levels), "nge.levels", Options{Format: Levels}, rate)
					if err != nil {
						t.Fatal(err)
					}
					seen := map[string]bool{}
					for _, k := range got {
						raw, ok, _ := strings.Cut(k, " ")
						switch {
						case !strings.HasPrefix(ok, "true"):
						case !want[raw]:
							t.Errorf("not sent: %s", k)
						case seen[raw]:
							t.Errorf("twice: %s", k)
						default:
							seen[raw] = true
						}
					}
					if len(seen) != len(want) {
						t.Errorf("%d of %d packets", len(seen), len(want))
					}
				})
			}
		}
	}
}

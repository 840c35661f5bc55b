package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	gsynth "github.com/gridstream-sdr/gridstream/synth"
)

// NGE101 packets as real transmitters send them — either ending (half of
// those whose last cell ends low with a closing pulse), clock errors within
// ±2 %, a PWM weather sensor just before and after every packet on the same
// carrier, then overlapping them 100 kHz away — through `gridstream synth`
// and `gridstream demod` at 250 kS/s and 10 dB: every packet once, nothing
// else.
func TestSynthDemodNGEImpairments(t *testing.T) {
	dir := t.TempDir()
	for _, in := range []string{"gaps", "nearby"} {
		t.Run(in, func(t *testing.T) {
			p := filepath.Join(dir, "nge_"+in+".cu8")
			args := []string{"--rate", "250k", "--snr", "10", "--seed", "5", "--nge-ending", "mixed",
				"--nge-clock-error", "-2:2", "--nge-interferer", in}
			for _, w := range []string{"120", "810", "1780", "3420", "9000"} {
				args = append(args, "--nge-power", w)
			}
			for _, kwh := range []string{"0.5", "42.5", "12345.678"} {
				args = append(args, "--nge-energy", kwh)
			}
			truth := synth(t, p, args...)
			var packets []gsynth.TruthLine
			for _, l := range truth {
				if l.Protocol != gsynth.OOKInterferer {
					packets = append(packets, l)
				}
			}
			if len(packets) != 8 || len(truth) == len(packets) {
				t.Fatalf("%d packets and %d sensor transmissions sent", len(packets), len(truth)-len(packets))
			}
			r := gridstream(t, nil, "demod", p)
			if r.code != 0 {
				t.Fatalf("demod: exit %d\n%s", r.code, r.stderr)
			}
			matchTruth(t, packets, parseMessages(t, r.stdout))
		})
	}
}

// The same traffic as level samples (`replay -f levels`, 50 kS/s), every
// packet whose last cell ends low followed by a closing pulse: every packet
// once, nothing else.
func TestReplayLevelsNGEEndings(t *testing.T) {
	const rate = 50000
	tr := gsynth.NGETraffic{SampleRate: rate, Seed: 3, Count: 12, ClosingPulse: gsynth.NGEClosingPulse, ClockError: 0.02,
		Interferer: gsynth.Interferer{Mode: gsynth.InterfererGaps}}
	bursts := tr.Bursts()
	var n int64
	var want []string
	for _, b := range bursts {
		n = max(n, b.Start+b.Samples(rate))
		if b.OOKPacket != nil {
			want = append(want, fmt.Sprintf("%X", bitio.Pack(b.OOKPacket.Bits)))
		}
	}
	p := filepath.Join(t.TempDir(), "nge.levels")
	if err := os.WriteFile(p, gsynth.OOKLevels(bursts, rate, n, 0, 5e3), 0o644); err != nil {
		t.Fatal(err)
	}
	r := gridstream(t, nil, "replay", "-f", "levels", "--level-rate", "50000", p)
	if r.code != 0 {
		t.Fatalf("replay: exit %d\n%s", r.code, r.stderr)
	}
	msgs := parseMessages(t, r.stdout)
	seen := map[string]bool{}
	for _, m := range msgs {
		if !m.CRCOK || m.Protocol != "nge101" || seen[m.Raw] {
			t.Errorf("unexpected message %+v", m)
		}
		seen[m.Raw] = true
	}
	for _, raw := range want {
		if !seen[raw] {
			t.Errorf("not decoded: %s", raw)
		}
		delete(seen, raw)
	}
	for raw := range seen {
		t.Errorf("decoded but never sent: %s", raw)
	}
	if len(want) != 12 {
		t.Errorf("%d packets sent", len(want))
	}
}

// A bit recording (`replay`, unpacked bits on stdin) whose only NGE101
// packet is the first of a device not heard yet: it is held for a second
// packet of that device, none comes before the end, so it is only counted
// failed — and shown with --all, crc_ok false. The same packet followed by
// its pair comes out at once, both good.
func TestReplayLoneNGEPacket(t *testing.T) {
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7/3+i/5) & 1
		}
		return b
	}
	pkt := nge101.NewPacket(147, 1, false, 4068, false)
	lone := slices.Concat(noise(200), pkt, noise(200))
	pair := slices.Concat(noise(200), pkt, noise(20), nge101.NewPacket(147, 1, false, 4070, false), noise(200))
	raw := fmt.Sprintf("%X", bitio.Pack(pkt))
	for _, tc := range []struct {
		name  string
		bits  []byte
		all   bool
		want  []bool    // crc_ok of the nge101 lines, in order
		count [2]string // in the summary
	}{
		{"lone", lone, false, nil, [2]string{"frames=1 crc_good=0 crc_failed=1", "unconfirmed=1"}},
		{"lone --all", lone, true, []bool{false}, [2]string{"frames=1 crc_good=0 crc_failed=1", "unconfirmed=1"}},
		{"pair", pair, false, []bool{true, true}, [2]string{"frames=2 crc_good=2 crc_failed=0", "unconfirmed=0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"replay", "--protocol", "nge101", "-f", "unpacked"}
			if tc.all {
				args = append(args, "--all")
			}
			r := gridstream(t, tc.bits, append(args, "-")...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			msgs := parseMessages(t, r.stdout)
			if len(msgs) != len(tc.want) {
				t.Fatalf("%d messages, want %d:\n%s", len(msgs), len(tc.want), r.stdout)
			}
			for i, m := range msgs {
				if m.Protocol != "nge101" || m.CRCOK != tc.want[i] || (i == 0 && m.Raw != raw) {
					t.Errorf("message %d: %+v", i, m)
				}
			}
			for _, c := range tc.count {
				if !strings.Contains(r.stderr, " "+c+" ") {
					t.Errorf("summary lacks %q:\n%s", c, r.stderr)
				}
			}
		})
	}
}

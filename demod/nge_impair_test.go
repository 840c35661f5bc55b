package demod

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/synth"
)

// ngeEnding is one way an NGE101 packet ends, as the impairment tests send it.
type ngeEnding struct {
	name    string
	ends    synth.NGEEnds
	closing float64
}

var ngeEndings = []ngeEnding{
	{"high", synth.EndsHigh, 0},
	{"low-open", synth.EndsLow, 0},
	{"low-pulse", synth.EndsLow, synth.NGEClosingPulse},
}

// ngeInterferers are the other OOK devices of the impairment tests.
var ngeInterferers = []struct {
	name string
	in   synth.Interferer
}{
	{"alone", synth.Interferer{}},
	{"nearby", synth.Interferer{Mode: synth.InterfererNearby, Offset: -100e3, SNRdB: 16}},
	{"gaps", synth.Interferer{Mode: synth.InterfererGaps, SNRdB: 16}},
}

// ngeRun counts what the receiver made of an NGE101 traffic: packets sent,
// packets decoded, and CRC-good packets that were not sent.
type ngeRun struct{ sent, found, wrong int }

func runNGETraffic(t testing.TB, fs, center float64, tr synth.NGETraffic) ngeRun {
	return runNGETrafficHook(t, fs, center, tr, nil)
}

func runNGETrafficHook(t testing.TB, fs, center float64, tr synth.NGETraffic, hook func(string)) ngeRun {
	t.Helper()
	tr.SampleRate = fs
	bursts := tr.Bursts()
	want := map[string]bool{}
	var run ngeRun
	for _, b := range bursts {
		if b.OOKPacket != nil {
			want[hexUpper(bitio.Pack(b.OOKPacket.Bits))] = true
			run.sent++
		}
	}
	dec := testDecoders(gridstream.Config{NoLearn: true})
	got := map[string]bool{}
	rx, err := New(Config{SampleRate: fs, CenterFreq: center, Decoders: dec}, func(m *frames.Message) {
		if m.Protocol != nge101.Name || !m.CRCOK {
			return
		}
		if hook != nil {
			hook(m.Raw)
		}
		if !want[m.Raw] {
			run.wrong++
			t.Logf("wrong packet %s", m.Raw)
			return
		}
		if !got[m.Raw] {
			got[m.Raw] = true
			run.found++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(synth.Config{SampleRate: fs, Seed: tr.Seed}, synth.Bursts(bursts...))
	buf := make([]complex64, 1<<16)
	for {
		n, err := g.Read(buf)
		rx.Process(buf[:n])
		if err != nil {
			break
		}
	}
	rx.Flush()
	return run
}

// seedOf is a seed made from a test's name.
func seedOf(name string) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range []byte(name) {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// ngePackets is how many packets each impairment case sends: a few in CI,
// more with GRIDSTREAM_NGE_PACKETS=N for the README's figures.
func ngePackets(def int) int {
	if n, err := strconv.Atoi(os.Getenv("GRIDSTREAM_NGE_PACKETS")); err == nil && n > 0 {
		return n
	}
	return def
}

// TestNGE101Impairments decodes NGE101 packets of every ending, with the
// transmitter's clock 2 % fast or slow, alone and with a PWM weather sensor
// beside them, at 10 dB, through the whole receiver at 250 kS/s and
// 2.4 MS/s: at least 99 % decoded (in CI: all but one per case), and never
// a packet that was not sent.
func TestNGE101Impairments(t *testing.T) {
	for _, rate := range []struct {
		fs, center, offset float64
		packets            int
	}{
		{250e3, 433.92e6 - 50e3, 50e3, 24},
		{2.4e6, 433.5e6, 433.92e6 - 433.5e6, 8},
	} {
		for _, end := range ngeEndings {
			for _, clock := range []float64{-0.02, 0, 0.02} {
				for _, in := range ngeInterferers {
					name := fmt.Sprintf("%gk/%s/clock%+g%%/%s", rate.fs/1e3, end.name, clock*100, in.name)
					t.Run(name, func(t *testing.T) {
						n := ngePackets(rate.packets)
						run := runNGETraffic(t, rate.fs, rate.center, synth.NGETraffic{
							Seed: seedOf(name), Count: n, Offset: rate.offset, SNRdB: 10,
							Ends: end.ends, ClosingPulse: end.closing, ClockError: clock, Interferer: in.in,
						})
						t.Logf("%s: %d/%d decoded, %d wrong", name, run.found, run.sent, run.wrong)
						if run.wrong > 0 {
							t.Errorf("%d packets that were not sent", run.wrong)
						}
						if run.found*100 < 99*run.sent && run.found < run.sent-1 {
							t.Errorf("%d of %d decoded", run.found, run.sent)
						}
					})
				}
			}
		}
	}
}

// TestNGE101Recordings writes (GRIDSTREAM_NGE_RECORDINGS=dir) the
// recordings of TestNGE101Impairments as cu8, the first
// GRIDSTREAM_NGE_PACKETS packets of each (default 100), named after the
// case (250k_low-pulse_clock+2_gaps.cu8), and beside each a .want file: one
// line per packet sent, as rtl_433's norgo decoder reports it (id, channel,
// and gap or impulse count mod 2³²). scripts/nge-rtl433.sh runs rtl_433 on
// them; -run selects the cases (TestNGE101Recordings/250k/high).
func TestNGE101Recordings(t *testing.T) {
	dir := os.Getenv("GRIDSTREAM_NGE_RECORDINGS")
	if dir == "" {
		t.Skip("GRIDSTREAM_NGE_RECORDINGS=dir writes the recordings (scripts/nge-rtl433.sh)")
	}
	n := ngePackets(100)
	for _, rate := range []struct{ fs, offset float64 }{{250e3, 50e3}, {2.4e6, 433.92e6 - 433.5e6}} {
		for _, end := range ngeEndings {
			for _, clock := range []float64{-0.02, 0, 0.02} {
				for _, in := range ngeInterferers {
					name := fmt.Sprintf("%gk/%s/clock%+g%%/%s", rate.fs/1e3, end.name, clock*100, in.name)
					t.Run(name, func(t *testing.T) {
						tr := synth.NGETraffic{SampleRate: rate.fs, Seed: seedOf(name), Count: n, Offset: rate.offset, SNRdB: 10,
							Ends: end.ends, ClosingPulse: end.closing, ClockError: clock, Interferer: in.in}
						path := filepath.Join(dir, strings.NewReplacer("/", "_", "%", "").Replace(name))
						writeNGERecording(t, path, tr)
					})
				}
			}
		}
	}
}

// writeNGERecording writes tr as path.cu8 and its packets as path.want.
func writeNGERecording(t *testing.T, path string, tr synth.NGETraffic) {
	bursts := tr.Bursts()
	var want strings.Builder
	for _, b := range bursts {
		if b.OOKPacket == nil {
			continue
		}
		p := b.OOKPacket.Bits
		id, ch := lsbFirst(p[12:20]), lsbFirst(p[9:12])+1
		if p[8] == 0 {
			fmt.Fprintf(&want, "%d %d gap %d\n", id, ch, lsbFirst(p[20:39]))
		} else {
			fmt.Fprintf(&want, "%d %d impulses %d\n", id, ch, uint32(lsbFirst(p[20:54])))
		}
	}
	if err := os.WriteFile(path+".want", []byte(want.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path + ".cu8")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := iq.NewWriter(bw, iq.CU8)
	g := synth.New(synth.Config{SampleRate: tr.SampleRate, Seed: tr.Seed}, synth.Bursts(bursts...))
	buf := make([]complex64, 1<<16)
	for {
		n, err := g.Read(buf)
		if _, werr := w.Write(buf[:n]); werr != nil {
			t.Fatal(werr)
		}
		if err != nil {
			break
		}
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if w.Clipped() > 0 {
		t.Errorf("%s: %d samples clipped", path, w.Clipped())
	}
}

// lsbFirst is the number whose bits, least significant first, are bits.
func lsbFirst(bits []byte) uint64 {
	var v uint64
	for i, b := range bits {
		v |= uint64(b&1) << i
	}
	return v
}

// TestNGE101Noise runs the receiver over complex white noise at 433.92 MHz
// (250 kS/s and 2.4 MS/s, NGE101 alone searched) and counts the NGE101
// packets that pass their check: none may. In CI a few seconds;
// GRIDSTREAM_NOISE_HOURS=h runs h hours of each and reports the bursts
// followed and the rows that came to the check per hour.
func TestNGE101Noise(t *testing.T) {
	hours := 0.0005
	if h, err := strconv.ParseFloat(os.Getenv("GRIDSTREAM_NOISE_HOURS"), 64); err == nil && h > 0 {
		hours = h
	}
	for _, rate := range []struct{ fs, center float64 }{{250e3, 433.92e6}, {2.4e6, 433.92e6}} {
		nge, _ := nge101.NewDecoder(nge101.Config{EmitFailed: true})
		good := 0
		rx, err := New(Config{SampleRate: rate.fs, CenterFreq: rate.center, Decoders: []protocol.Decoder{nge}},
			func(m *frames.Message) {
				if m.CRCOK {
					good++
					t.Logf("false packet %s", m.Raw)
				}
			})
		if err != nil {
			t.Fatal(err)
		}
		total := int64(hours * 3600 * rate.fs)
		g := synth.New(synth.Config{SampleRate: rate.fs, Seed: 99, Samples: total}, synth.Bursts())
		buf := make([]complex64, 1<<16)
		for {
			n, err := g.Read(buf)
			rx.Process(buf[:n])
			if err != nil {
				break
			}
		}
		rx.Flush()
		st := rx.Stats()
		t.Logf("%g S/s: %.4g h of noise: %d bursts (%.4g/h), %d rows checked (%.4g/h), %d passed",
			rate.fs, hours, st.Bursts, float64(st.Bursts)/hours, nge.Stats().Frames, float64(nge.Stats().Frames)/hours, good)
		if good > 0 {
			t.Errorf("%g S/s: %d false packets in %.3g h of noise", rate.fs, good, hours)
		}
	}
}

// TestNGE101Sensitivity reports (GRIDSTREAM_NGE_SNR=1) the NGE101 packets
// decoded against SNR, at 250 kS/s and 2.4 MS/s, random endings (half with
// a closing pulse), random clock errors within ±2 %.
func TestNGE101Sensitivity(t *testing.T) {
	if os.Getenv("GRIDSTREAM_NGE_SNR") == "" {
		t.Skip("GRIDSTREAM_NGE_SNR=1 runs the sweep")
	}
	n := ngePackets(200)
	for _, rate := range []struct{ fs, center, offset float64 }{
		{250e3, 433.92e6 - 50e3, 50e3}, {2.4e6, 433.5e6, 433.92e6 - 433.5e6},
	} {
		line := fmt.Sprintf("%g S/s:", rate.fs)
		for _, snr := range []float64{-8, -6, -4, -2, 0, 2, 4, 6} {
			var found, sent, wrong int
			for _, closing := range []float64{0, synth.NGEClosingPulse} {
				for _, clock := range []float64{-0.02, 0.02} {
					run := runNGETraffic(t, rate.fs, rate.center, synth.NGETraffic{
						Seed: uint64(int64(snr*100)) + uint64(int64(clock*1000)) + 7, Count: n / 4, Offset: rate.offset, SNRdB: snr,
						ClosingPulse: closing, ClockError: clock})
					found, sent, wrong = found+run.found, sent+run.sent, wrong+run.wrong
				}
			}
			line += fmt.Sprintf(" %+gdB %.1f%%", snr, 100*float64(found)/float64(sent))
			if wrong > 0 {
				t.Errorf("%g S/s %g dB: %d wrong packets", rate.fs, snr, wrong)
			}
		}
		t.Log(line)
	}
}

package demod

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

var updateIdentical = flag.Bool("update-identical", false,
	"rewrite testdata/demod-identical.golden.jsonl (only when the receiver's decisions are meant to change)")

// identicalCase is one input of TestIdenticalOutput: a sample recording
// (cu8, in samples/) or a synthetic one.
type identicalCase struct {
	name   string
	fs     float64
	center float64
	file   string              // ../samples/…, or
	src    func() synth.Source // a synthetic recording of sec seconds
	sec    float64
	seed   uint64
	// maxBurst is Config.MaxBurst (0: the default).
	maxBurst float64
	// enc is the synthetic recording's format (0: cf32); with rawOnly
	// every piece goes to ProcessRaw (else every other one to Process),
	// but piece switchAt (when > 0) to Process.
	enc      iq.Format
	rawOnly  bool
	switchAt int
}

// identicalCases are the sample recordings and a synthetic SNR sweep: the
// 250 kS/s single channel from 0 to 12 dB, and the 2.4 MS/s hopping band
// (all rates, random polarity, a network to learn) at 4, 8 and 12 dB.
func identicalCases() []identicalCase {
	cs := []identicalCase{
		{name: "demo_915M_800k", fs: 800e3, center: 915e6, file: "demo_915M_800k.cu8"},
		{name: "demo_433.92M_250k", fs: 250e3, center: 433.92e6, file: "demo_433.92M_250k.cu8"},
	}
	for _, snr := range []float64{0, 2, 4, 6, 8, 10, 12} {
		cs = append(cs, identicalCase{name: fmt.Sprintf("250k_9600_%gdB", snr), fs: 250e3, center: 915e6, sec: 1.5, seed: 7,
			src: func() synth.Source {
				return synth.NewHopper(synth.HopConfig{SampleRate: 250e3, Seed: 11 + uint64(snr), Interval: 0.06, Guard: 0.01,
					MaxOffset: 1, Jitter: 3e3, Bauds: []float64{9600}, SNRdB: [2]float64{snr, snr}})
			}})
	}
	for _, snr := range []float64{4, 8, 12} {
		cs = append(cs, identicalCase{name: fmt.Sprintf("2M4_hop_%gdB", snr), fs: 2.4e6, center: 915e6, sec: 0.6, seed: 8,
			src: func() synth.Source {
				// A network of its own besides Oncor's: learned from the
				// traffic, which depends on the order frames are decoded in.
				return synth.NewHopper(synth.HopConfig{SampleRate: 2.4e6, Seed: 21 + uint64(snr), Interval: 0.02, MaxOffset: 1e6,
					Jitter: 3e3, SNRdB: [2]float64{snr, snr + 4}, RandomPolarity: true, CRCInits: []uint16{0x5FD6, 0x3C1B}})
			}})
	}
	return cs
}

// decodeAll runs one case through a receiver (CRC inits learned) with
// workers demodulating and returns its messages as JSON lines, then its
// burst reports (Config.OnBurst).
func (c identicalCase) decodeAll(t testing.TB, workers int) []byte {
	t.Helper()
	dec := testDecoders(gridstream.Config{})
	var out bytes.Buffer
	// The burst reports go beside the messages (with workers they are
	// made in the workers' turns and passed on in order).
	var bursts bytes.Buffer
	report := func(b Burst) {
		fmt.Fprintf(&bursts, "burst %d-%d %.0f-%.0f Hz %.1f dBFS %.1f dB %d messages failed=%v\n",
			b.Start, b.End, b.FreqLo, b.FreqHi, b.RSSIdB, b.SNRdB, len(b.Messages), b.CRCFailed)
	}
	rx, err := New(Config{SampleRate: c.fs, CenterFreq: c.center, Decoders: dec, Input: c.name, Workers: workers, OnBurst: report,
		MaxBurst: c.maxBurst},
		func(m *frames.Message) {
			m.Time = ""
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			out.Write(b)
			out.WriteByte('\n')
		})
	if err != nil {
		t.Fatal(err)
	}
	// The input as a reader holds it: a recording's cu8 bytes, a
	// synthetic one's as cf32 (bit for bit its samples).
	var raw []byte
	f := iq.CU8
	if c.file != "" {
		raw, err = os.ReadFile(filepath.Join("..", "samples", c.file))
		if err != nil {
			t.Fatal(err)
		}
	} else {
		x, _ := synth.Generate(synth.Config{SampleRate: c.fs, Seed: c.seed, Samples: int64(c.sec * c.fs)}, c.src())
		f = iq.CF32
		if c.enc != 0 {
			f = c.enc
		}
		raw, _ = iq.Encode(f, nil, x)
	}
	// Uneven chunks (the output must not depend on them either), given
	// in turn as bytes to convert (ProcessRaw) and as samples (Process).
	x := make([]complex64, 30011)
	for i := 0; len(raw) > 0; i++ {
		n := min(len(raw)/f.Size(), len(x))
		if (i%2 == 0 || c.rawOnly) && (i != c.switchAt || i == 0) {
			rx.ProcessRaw(f, raw[:n*f.Size()])
		} else {
			rx.Process(x[:iq.Decode(f, x, raw[:n*f.Size()])])
		}
		raw = raw[n*f.Size():]
	}
	rx.Flush()
	return append(out.Bytes(), bursts.Bytes()...)
}

// TestIdenticalOutput: the receiver's messages (frames, every field, order)
// over the sample recordings and a synthetic SNR sweep are those of
// testdata/demod-identical.golden.jsonl, recorded before the speed work of
// issue 13 (re-recorded from the Go loops, -tags purego, with one worker
// when main's NGE101 receiver changed its decisions, and when a wide FSK
// burst's tones began to keep it on the air: a 2 dB burst's snr_db 0.1 dB
// up, no frame changed; when NGE101 packets began to be placed and
// measured on their own transmission: offset_s at the first edge, not 1 ms
// before, snr_db 20 as sent, not 18.5; and when the phase-aware tone
// detector, feedbackTones, was added: three bursts list one duplicate
// message more, no frame changed), and the same with 2 and 3 workers
// (Config.Workers).
func TestIdenticalOutput(t *testing.T) {
	golden := filepath.Join("..", "testdata", "demod-identical.golden.jsonl")
	var all bytes.Buffer
	for _, c := range identicalCases() {
		one := c.decodeAll(t, 1)
		if n := strings.Count(string(one), "{"); n == 0 && !strings.HasPrefix(c.name, "250k_9600_0") {
			t.Errorf("%s: nothing decoded", c.name)
		}
		for _, w := range []int{2, 3} {
			if testing.Short() && w == 3 {
				continue
			}
			if got := c.decodeAll(t, w); !bytes.Equal(got, one) {
				t.Errorf("%s: %d workers: %s", c.name, w, firstDifference(string(got), string(one)))
			}
		}
		fmt.Fprintf(&all, "# %s\n", c.name)
		all.Write(one)
	}
	if *updateIdentical {
		if err := os.WriteFile(golden, all.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(all.Bytes(), want) {
		t.Errorf("output differs from %s: %s", golden, firstDifference(all.String(), string(want)))
	}
}

// TestIdenticalPieces: bursts demodulated in pieces (long frames at 9600
// baud, longer than MaxBurst, so each is cut while it is collected and its
// channel goes on with an overlap; those at 38400 baud fit and decode)
// give the same messages and burst reports with 1, 2 and 3 workers: at 2.4 and 20 MS/s at 915 MHz (the channels on a stage of
// their own), with the centre unknown (OOK searched too: they are not), and
// at 250 kS/s (the goroutine calling Process demodulates some of them).
func TestIdenticalPieces(t *testing.T) {
	long := func(fs, offset float64) func() synth.Source {
		return func() synth.Source {
			return synth.NewHopper(synth.HopConfig{SampleRate: fs, Seed: 31, Interval: 0.1, MaxOffset: offset, Jitter: 3e3,
				Bauds: []float64{9600, 38400}, Lengths: []byte{synth.LongLength}, SNRdB: [2]float64{10, 16}, RandomPolarity: true})
		}
	}
	for _, c := range []identicalCase{
		{name: "2M4_pieces", fs: 2.4e6, center: 915e6, sec: 0.8, seed: 9, maxBurst: 0.2, src: long(2.4e6, 1e6)},
		{name: "20M_pieces", fs: 20e6, center: 915e6, sec: 0.4, seed: 9, maxBurst: 0.2, src: long(20e6, 9e6)},
		{name: "2M4_pieces_ook", fs: 2.4e6, sec: 0.5, seed: 9, maxBurst: 0.2, src: long(2.4e6, 1e6)},
		{name: "250k_pieces", fs: 250e3, center: 915e6, sec: 1, seed: 9, maxBurst: 0.2, src: long(250e3, 1e5)},
	} {
		one := c.decodeAll(t, 1)
		if !strings.Contains(string(one), "{") || !strings.Contains(string(one), "burst ") {
			t.Errorf("%s: nothing decoded:\n%s", c.name, one)
		}
		for _, w := range []int{2, 3} {
			if got := c.decodeAll(t, w); !bytes.Equal(got, one) {
				t.Errorf("%s: %d workers: %s", c.name, w, firstDifference(string(got), string(one)))
			}
		}
	}
}

// TestIdenticalRawStage: with a channel stage (2.4 and 20 MS/s), byte
// formats are kept as they came in the stage's ring and converted by
// whichever goroutine reads them; the messages and burst reports are those
// of one worker, in cu8, cs8 and cs16, given only to ProcessRaw or mixed
// with Process (the ring then turns to complex64 mid-stream, also while
// the stage has commands to carry out: CI runs this test with -race too).
func TestIdenticalRawStage(t *testing.T) {
	hop := func(fs, offset float64) func() synth.Source {
		return func() synth.Source {
			return synth.NewHopper(synth.HopConfig{SampleRate: fs, Seed: 41, Interval: 0.02, MaxOffset: offset, Jitter: 3e3,
				SNRdB: [2]float64{6, 14}, RandomPolarity: true})
		}
	}
	for _, c := range []identicalCase{
		{name: "2M4_cu8", fs: 2.4e6, center: 915e6, sec: 0.6, seed: 3, src: hop(2.4e6, 1e6), enc: iq.CU8, rawOnly: true},
		{name: "2M4_cs16", fs: 2.4e6, center: 915e6, sec: 0.4, seed: 4, src: hop(2.4e6, 1e6), enc: iq.CS16, rawOnly: true},
		{name: "2M4_cu8_mixed", fs: 2.4e6, center: 915e6, sec: 0.4, seed: 5, src: hop(2.4e6, 1e6), enc: iq.CU8},
		{name: "20M_cs8", fs: 20e6, center: 915e6, sec: 0.2, seed: 6, src: hop(20e6, 9e6), enc: iq.CS8, rawOnly: true},
		// Turned to complex64 with channel commands waiting (the stage
		// drained first).
		{name: "20M_cs8_switch", fs: 20e6, center: 915e6, sec: 0.2, seed: 7, src: hop(20e6, 9e6), enc: iq.CS8, rawOnly: true,
			switchAt: 80},
	} {
		one := c.decodeAll(t, 1)
		if !strings.Contains(string(one), "{") || !strings.Contains(string(one), "burst ") {
			t.Errorf("%s: nothing decoded:\n%s", c.name, one)
		}
		for _, w := range []int{2, 3} {
			if got := c.decodeAll(t, w); !bytes.Equal(got, one) {
				t.Errorf("%s: %d workers: %s", c.name, w, firstDifference(string(got), string(one)))
			}
		}
	}
}

// firstDifference describes the first line where got and want differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, a, b)
		}
	}
	return "same lines"
}

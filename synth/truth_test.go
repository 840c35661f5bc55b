package synth

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/samples"
)

func ptr[T any](v T) *T { return &v }

// demoOptions are the options scripts/make-samples.sh gives `gridstream
// synth` for the built-in recordings, with the command's defaults for the
// rest.
func demoOptions() map[string]Options {
	def := Options{
		NoiseDB: -38, Seed: 7, Bauds: []float64{9600, 19200, 38400}, Versions: []int{4, 5}, BT: 0.5,
		Interval: 0.02, HopGrid: 100e3, CRCInits: []uint16{0x5FD6},
		NGEID: 42, NGEChannel: 1, NGEPulsesPerKWh: nge101.DefaultPulsesPerKWh, NGERepeats: 1,
	}
	gs := def
	gs.Frames = [][]byte{
		mustFrame("2AD5001D29900000D5900000FD5DC008007450050C012B834F815E16EA240051AB"),
		mustFrame("2AD500142290000057900000C7510F07000316A41B109E1F"),
	}
	gs.Count, gs.Interval, gs.Hop, gs.CRCInits = ptr(18), 0.012, true, []uint16{0x5FD6, 0x142A, 0xE623}
	gs.RandomPolarity, gs.ClockPPM = true, 40
	gs.SampleRate, gs.CenterFreq, gs.SNR = 800e3, ptr(915e6), [2]float64{10, 22}
	nge := def
	nge.NGEPower, nge.NGEEnergy, nge.NGEID, nge.NGEChannel = []float64{810, 1780}, []float64{12345.678}, 117, 3
	nge.SampleRate, nge.CenterFreq, nge.SNR = 250e3, ptr(433.92e6), [2]float64{20, 20}
	return map[string]Options{"demo_915M_800k.cu8": gs, "demo_433.92M_250k.cu8": nge}
}

func mustFrame(s string) []byte {
	f, err := ParseFrameHex(s)
	if err != nil {
		panic(err)
	}
	return f
}

// The plans of the built-in recordings' options reproduce them: samples
// and truth files byte for byte, and their SigMF metas; the truth files read
// back and write out unchanged.
func TestPlanReproducesDemo(t *testing.T) {
	opts := demoOptions()
	for _, rec := range samples.Demo() {
		o, ok := opts[rec.Name]
		if !ok {
			t.Fatalf("no options for %s", rec.Name)
		}
		lines, err := ReadTruth(bytes.NewReader(rec.Truth))
		if err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		if err := WriteTruth(&again, lines); err != nil {
			t.Fatal(err)
		}
		if again.String() != string(rec.Truth) {
			t.Errorf("%s: the truth file does not survive ReadTruth and WriteTruth:\n%s", rec.Name, again.String())
		}

		p, err := o.Plan()
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		r, err := p.Render(&out, iq.CU8)
		if err != nil {
			t.Fatal(err)
		}
		data, got := out.Bytes(), r.Truth
		if r.Samples != int64(len(rec.Data)/2) || r.Clipped != 0 || r.Format != iq.CU8 {
			t.Errorf("%s: rendered %+v", rec.Name, r)
		}
		var b bytes.Buffer
		if err := WriteTruth(&b, got); err != nil {
			t.Fatal(err)
		}
		if b.String() != string(rec.Truth) {
			t.Errorf("%s: truth differs:\n got %s\nwant %s", rec.Name, b.String(), rec.Truth)
		}
		if runtime.GOARCH == "amd64" && !bytes.Equal(data, rec.Data) {
			t.Errorf("%s: the samples differ from the committed recording", rec.Name)
		}
		meta, err := iq.ParseSigMF(rec.Meta)
		if err != nil {
			t.Fatal(err)
		}
		m := p.Meta(r)
		if m.Format != meta.Format || m.SampleRate != meta.SampleRate || m.CenterFreq != meta.CenterFreq ||
			m.Description != meta.Description || m.Recorder != meta.Recorder || m.Author != meta.Author {
			t.Errorf("%s: meta %+v, the committed one %+v", rec.Name, m, meta)
		}
		if len(m.Annotations) != len(meta.Annotations) {
			t.Fatalf("%s: %d annotations, the committed meta has %d", rec.Name, len(m.Annotations), len(meta.Annotations))
		}
		for i, a := range m.Annotations {
			if a != meta.Annotations[i] {
				t.Errorf("%s: annotation %d %+v, the committed meta has %+v", rec.Name, i, a, meta.Annotations[i])
			}
		}
	}
}

func TestTruthLines(t *testing.T) {
	frame := mustFrame("00FF2AD500142290000057900000C7510F07000316A41B109E1F")
	// The 810 W packet of the built-in NGE101 recording (id 117, channel 3).
	pkt := nge101.NewPacket(117, 3, false, 4551, false)
	ts := []Truth{
		{Protocol: gridstream.Name, Start: 100, End: 900, FrameStart: 333, FreqHz: -25e3, Baud: 19200,
			Deviation: 16e3, SNRdB: 12.3456, Invert: true, Version: 5, Frame: frame},
		{Protocol: nge101.Name, Start: 1000, End: 5000, FrameStart: 1000, FreqHz: 50e3, SNRdB: 20, Bits: pkt},
	}
	for _, center := range []float64{915e6, 0} {
		lines := TruthLines(ts, 250e3, center)
		g, n := lines[0], lines[1]
		if g.Raw != "2AD500142290000057900000C7510F07000316A41B109E1F" || g.TimeS != 0.001332 || g.SNRdB != 12.35 ||
			g.OffsetHz != -25e3 || !g.Invert || g.Version != 5 || g.Baud != 19200 || g.Bits != 0 {
			t.Errorf("GridStream line %+v", g)
		}
		if n.Bits != 55 || n.Raw != "FA2AEE38807C6C" || n.TimeS != 0.004 {
			t.Errorf("NGE101 line %+v", n)
		}
		if center == 0 && (g.FreqHz != 0 || n.FreqHz != 0) || center != 0 && (g.FreqHz != center-25e3 || n.FreqHz != center+50e3) {
			t.Errorf("centre %g: frequencies %g %g", center, g.FreqHz, n.FreqHz)
		}
		var b bytes.Buffer
		WriteTruth(&b, lines)
		if center == 0 && strings.Contains(b.String(), "freq_hz") {
			t.Errorf("unknown centre, yet a frequency: %s", b.String())
		}
		if a := g.Annotation(); a.FreqLower != g.FreqHz-16e3-9600 || a.FreqUpper != g.FreqHz+16e3+9600 || a.SampleCount != 800 || a.Label != "gridstream" {
			t.Errorf("annotation %+v", a)
		}
		if a := n.Annotation(); a.FreqLower != n.FreqHz-5e3 || a.FreqUpper != n.FreqHz+5e3 || a.Comment != n.Raw {
			t.Errorf("annotation %+v", a)
		}
	}
}

func TestReadTruthErrors(t *testing.T) {
	good := `{"protocol":"gridstream","raw":"2A"}`
	lines, err := ReadTruth(strings.NewReader("\n" + good + "\n  \n" + good))
	if err != nil || len(lines) != 2 || lines[1].Raw != "2A" {
		t.Errorf("blank lines: %v %v", lines, err)
	}
	for _, tc := range []struct{ in, want string }{
		{good + "\nnot json\n", "truth line 2"},
		{`{"start":"x"}`, "truth line 1"},
		{strings.Repeat("x", maxTruthLine+1), "truth: bufio.Scanner: token too long"},
	} {
		if _, err := ReadTruth(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

func TestDecoded(t *testing.T) {
	truth := []TruthLine{{Raw: "2A01"}, {Raw: "2A02"}, {Raw: "2A01"}, {Raw: ""}}
	if n := Decoded(truth, map[string]bool{"2A01": true, "2A03": true}); n != 2 {
		t.Errorf("Decoded = %d, want 2 (both bursts of 2A01)", n)
	}
	if n := Decoded(truth, nil); n != 0 {
		t.Errorf("nothing decoded: %d", n)
	}
}

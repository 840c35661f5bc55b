package synth

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// base are the synth command's default options at 1 MS/s.
func base() Options {
	return Options{
		SampleRate: 1e6, SNR: [2]float64{12, 24}, Seed: 1, Bauds: []float64{9600, 19200, 38400}, Versions: []int{4, 5},
		BT: 0.5, Interval: 0.02, HopGrid: 100e3, CRCInits: []uint16{0x5FD6},
		NGEID: 42, NGEChannel: 1, NGEPulsesPerKWh: nge101.DefaultPulsesPerKWh, NGERepeats: 1,
	}
}

// bursts plays a plan's source to the end.
func bursts(t *testing.T, o Options) (*Plan, []Burst) {
	t.Helper()
	p, err := o.Plan()
	if err != nil {
		t.Fatal(err)
	}
	var out []Burst
	for {
		b, ok := p.Source.Next()
		if !ok {
			return p, out
		}
		out = append(out, b)
		if len(out) > 10000 {
			t.Fatal("endless source")
		}
	}
}

var pse = "2AD500142290000057900000C7510F07000316A41B109E1F"

func TestPlanDefaults(t *testing.T) {
	t.Run("random GridStream frames only", func(t *testing.T) {
		p, bs := bursts(t, base())
		if p.CenterFreq != 915e6 || len(bs) != DefaultCount || p.Config.Samples != 0 || p.Config.Seed != 1 {
			t.Errorf("centre %g, %d bursts, config %+v", p.CenterFreq, len(bs), p.Config)
		}
		for _, b := range bs {
			if g := b.FSK; g == nil || g.FreqOffset != 0 || g.BT != 0.5 || g.PreambleBits < 16 || g.PreambleBits > 52 {
				t.Fatalf("burst %+v", g)
			}
		}
	})
	t.Run("NGE101 packets only", func(t *testing.T) {
		o := base()
		o.NGEPower, o.NGEEnergy, o.NGERepeats, o.NGELowBattery = []float64{810}, []float64{12345.678}, 3, true
		p, bs := bursts(t, o)
		if p.CenterFreq != 433.92e6 || len(bs) != 2 {
			t.Fatalf("centre %g, %d bursts", p.CenterFreq, len(bs))
		}
		want := [][]byte{nge101.NewPacket(42, 1, false, 4551, false), nge101.NewPacket(42, 1, true, 12345678, true)}
		for i, b := range bs {
			n := b.OOKPacket
			if n == nil || n.FreqOffset != 200e3 || n.Repeats != 3 || n.SNRdB != 24 || !bytes.Equal(n.Bits, want[i]) {
				t.Errorf("burst %d %+v", i, n)
			}
		}
		if bs[0].Start != 10000 || bs[1].Start != 10000+bs[0].Samples(1e6)+20000 {
			t.Errorf("explicit bursts start at %d and %d", bs[0].Start, bs[1].Start)
		}
	})
	t.Run("frames and NGE101: both bands, no centre", func(t *testing.T) {
		o := base()
		o.Frames, o.NGEPower, o.PreambleBits, o.Deviation, o.Offset, o.Invert = [][]byte{mustFrame(pse)}, []float64{100}, 24, 15e3, -30e3, true
		p, bs := bursts(t, o)
		if p.CenterFreq != 0 || len(bs) != 2 {
			t.Fatalf("centre %g, %d bursts", p.CenterFreq, len(bs))
		}
		g := bs[0].FSK
		if g == nil || g.Version != 4 || g.Baud != 9600 || g.PreambleBits != 24 || g.Deviation != 15e3 || g.FreqOffset != -30e3 ||
			!g.Invert || g.SNRdB != 24 || g.Trailer != 0x04 {
			t.Errorf("frame burst %+v", g)
		}
		if n := bs[1].OOKPacket; n == nil || n.FreqOffset != 420e3 {
			t.Errorf("NGE101 burst %+v", n)
		}
	})
	t.Run("random frames with NGE101: hopping within 25 %", func(t *testing.T) {
		o := base()
		o.Count, o.Hop, o.NGEEvery = ptr(300), true, 5
		p, bs := bursts(t, o)
		if p.CenterFreq != 0 {
			t.Errorf("centre %g", p.CenterFreq)
		}
		var nge, offsets int
		seen := map[float64]bool{}
		for _, b := range bs {
			switch {
			case b.OOKPacket != nil:
				nge++
				if b.OOKPacket.FreqOffset != 420e3 {
					t.Fatalf("NGE101 at %g", b.OOKPacket.FreqOffset)
				}
			case math.Abs(b.FSK.FreqOffset) > 250e3:
				t.Fatalf("GridStream at %g", b.FSK.FreqOffset)
			default:
				seen[b.FSK.FreqOffset] = true
			}
		}
		offsets = len(seen)
		if nge == 0 || offsets < 4 {
			t.Errorf("%d NGE101 packets, %d channels", nge, offsets)
		}
	})
	t.Run("one channel, adjusted", func(t *testing.T) {
		o := base()
		o.Count, o.Offset, o.Invert, o.Deviation, o.BT, o.PreambleBits = ptr(50), 123e3, true, 9e3, 0, 30
		o.Duration, o.NoNoise, o.NoiseDB = 0.5, true, -40
		p, bs := bursts(t, o)
		if p.Config.Samples != 500000 || !p.Config.NoNoise || p.Config.NoiseDB != -40 {
			t.Errorf("config %+v", p.Config)
		}
		for _, b := range bs {
			if g := b.FSK; g.FreqOffset != 123e3 || !g.Invert || g.Deviation != 9e3 || g.BT != 0 || g.PreambleBits != 30 {
				t.Fatalf("burst %+v", g)
			}
		}
	})
	t.Run("explicit centre", func(t *testing.T) {
		o := base()
		o.CenterFreq = ptr(0.0)
		if p, _ := bursts(t, o); p.CenterFreq != 0 {
			t.Errorf("centre %g", p.CenterFreq)
		}
		o.CenterFreq = ptr(868e6)
		if p, _ := bursts(t, o); p.CenterFreq != 868e6 {
			t.Errorf("centre %g", p.CenterFreq)
		}
	})
}

func TestPlanErrors(t *testing.T) {
	for _, tc := range []struct {
		set  func(*Options)
		want string
	}{
		{func(o *Options) { o.SampleRate = 0 }, "--rate must be positive"},
		{func(o *Options) { o.HopGrid = 0 }, "--hop-grid must be positive"},
		{func(o *Options) { o.MaxOffset = -1 }, "--max-offset and --deviation not negative"},
		{func(o *Options) { o.HopGrid = 2e6 }, "--hop-grid 2e+06 Hz: at most the sample rate (1e+06)"},
		{func(o *Options) { o.MaxOffset = 600e3 }, "--max-offset 600000 Hz is outside the band (±500000 Hz)"},
		{func(o *Options) { o.Deviation = 200e3 }, "--deviation 200000 Hz: want at most 100000 Hz"},
		{func(o *Options) { o.SampleRate, o.Deviation = 100e3, 60e3 }, "under half the sample rate"},
		{func(o *Options) { o.Bauds = nil }, "--baud: name at least one symbol rate"},
		{func(o *Options) { o.Bauds = []float64{600e3} }, "--baud 600000: must be positive and at most half the sample rate"},
		{func(o *Options) { o.NGEChannel = 9 }, "--nge-id must be 0-255 and --nge-channel 1-8"},
		{func(o *Options) { o.NGEID = 256 }, "--nge-id must be 0-255"},
		{func(o *Options) { o.NGEPulsesPerKWh = 0 }, "--nge-pulses-per-kwh must be positive"},
		{func(o *Options) { o.NGEPower = []float64{math.NaN()} }, "--nge-power NaN: must be positive"},
		{func(o *Options) { o.NGEPower = []float64{0.001} }, "--nge-power 0.001 W: the pulse gap (3686400000/1024 s) does not fit 19 bits"},
		{func(o *Options) { o.NGEEnergy = []float64{-1} }, "--nge-energy -1 kWh: the pulse count does not fit 34 bits"},
		{func(o *Options) { o.NGEEnergy = []float64{1e9} }, "--nge-energy 1e+09 kWh"},
		{func(o *Options) { o.Count = ptr(-1) }, "--count must not be negative"},
		{func(o *Options) { o.NGEOffset = ptr(-500e3) }, "--nge-offset -500000 Hz is outside the band (±500000 Hz)"},
		{func(o *Options) { o.Count = ptr(0) }, "nothing to send: give --count N, --frame HEX or --nge-power/--nge-energy"},
		{func(o *Options) { o.Interval = math.NaN() }, "--interval must be positive"},
		{func(o *Options) { o.Offset = 2e6 }, "--offset 2e+06 Hz is outside the band (±500000 Hz)"},
		{func(o *Options) { o.Hop, o.Offset = true, -600e3 }, "--offset -600000 Hz is outside the band"},
		{func(o *Options) { o.Duration = -1 }, "--duration must be positive"},
	} {
		o := base()
		tc.set(&o)
		if p, err := o.Plan(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Plan() = %v, %v; want %q", p, err, tc.want)
		}
	}
}

func TestChain(t *testing.T) {
	a := Bursts(Burst{Start: 1}, Burst{Start: 2})
	empty := Bursts()
	c := Chain(empty, a, empty, Bursts(Burst{Start: 3}))
	for want := int64(1); want <= 3; want++ {
		if b, ok := c.Next(); !ok || b.Start != want {
			t.Fatalf("burst %d: %+v %v", want, b, ok)
		}
	}
	if _, ok := c.Next(); ok {
		t.Error("a burst after the end")
	}
}

// The NGE101 impairment options: closing pulses, clock errors and a sensor
// around every packet, in start order; bad values are refused.
func TestPlanNGEImpairments(t *testing.T) {
	o := base()
	o.SampleRate = 250e3
	o.NGEPower, o.NGEEnergy = []float64{810, 3000}, []float64{12.5}
	o.NGEEnding, o.NGEClockError, o.NGEInterferer = NGEPulse, [2]float64{0.02, 0.02}, NGEGaps
	_, bs := bursts(t, o)
	var nge, ook int
	for i, b := range bs {
		if i > 0 && b.Start < bs[i-1].Start {
			t.Fatalf("burst %d starts before the one before it", i)
		}
		switch {
		case b.OOKPacket != nil:
			nge++
			if b.OOKPacket.ClosingPulse != NGEClosingPulse || b.OOKPacket.ClockError != 0.02 {
				t.Errorf("packet %+v", b.OOKPacket)
			}
		case b.OOK != nil:
			ook++
			if math.Abs(b.OOK.FreqOffset-50e3) > 2e3 || b.OOK.SNRdB != o.SNR[1]+6 {
				t.Errorf("sensor %+v", b.OOK)
			}
		}
	}
	if nge != 3 || ook != 6 {
		t.Errorf("%d packets, %d sensor transmissions", nge, ook)
	}
	for _, bad := range []func(*Options){
		func(o *Options) { o.NGEEnding = "sometimes" },
		func(o *Options) { o.NGEClockError = [2]float64{-0.2, 0} },
		func(o *Options) { o.NGEInterferer = "everywhere" },
		func(o *Options) { o.NGEInterferer, o.NGEInterfererOffset = NGENearby, 200e3 },
	} {
		o := base()
		o.SampleRate = 250e3
		o.NGEPower = []float64{810}
		bad(&o)
		if _, err := o.Plan(); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

// A closing pulse follows a packet only when its last cell ends low, and
// the clock error stretches every cell.
func TestNGELevels(t *testing.T) {
	const fs = 50e3
	for _, pkt := range [][]byte{nge101.NewPacket(1, 1, false, 1000, false), nge101.NewPacket(2, 3, true, 77, false),
		nge101.NewPacket(3, 1, false, 1001, false), nge101.NewPacket(9, 2, false, 5, false)} {
		plain := OOKPacketBurst{Bits: pkt}.AppendLevels(nil, fs)
		closed := OOKPacketBurst{Bits: pkt, ClosingPulse: NGEClosingPulse}.AppendLevels(nil, fs)
		slow := OOKPacketBurst{Bits: pkt, ClockError: 0.02}.AppendLevels(nil, fs)
		pulse := int(math.Round(NGEClosingPulse * fs))
		if NGEEndsLow(pkt) != (plain[len(plain)-1] == 0) {
			t.Errorf("NGEEndsLow %v, last level %d", NGEEndsLow(pkt), plain[len(plain)-1])
		}
		if NGEEndsLow(pkt) && (len(closed) != len(plain)+pulse || closed[len(closed)-1] != 1) ||
			!NGEEndsLow(pkt) && !bytes.Equal(closed, plain) {
			t.Errorf("ends low %v: %d samples with the pulse, %d without", NGEEndsLow(pkt), len(closed), len(plain))
		}
		if d := float64(len(slow)) / float64(len(plain)); math.Abs(d-1.02) > 0.001 {
			t.Errorf("2 %% slow clock: %.4f times as long", d)
		}
	}
}

package synth

import (
	"io"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

func TestRandomFrameCRC(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, init := range []uint16{0x5FD6, 0x142A, 0xE623} {
		for range 50 {
			f := gridstream.RandomFrame(rng, init)
			if f[0] != 0x2A || (f[1] != 0x55 && f[1] != 0xD5) {
				t.Fatalf("bad header % X", f[:4])
			}
			if int(f[3]) != len(f)-4 {
				t.Fatalf("length field %d, body %d", f[3], len(f)-4)
			}
			if f[1] == 0x55 && f[3] != 0x23 {
				t.Fatalf("0x55 length %#x", f[3])
			}
			n := len(f)
			if got := gridstream.CRC16(init, f[4:n-2]); got != uint16(f[n-2])<<8|uint16(f[n-1]) {
				t.Fatalf("crc mismatch % X", f)
			}
		}
	}
}

// discriminate slices a noiseless burst with an FM discriminator at the bit
// centres and compares with the encoder's bits.
func TestFSKBits(t *testing.T) {
	for _, tc := range []struct {
		fs, baud, off float64
		bt            float64
		invert        bool
		ver           int
	}{
		{250e3, 9600, 2500, 0, false, 4},
		{250e3, 19200, -40e3, 0.5, true, 5},
		{2.4e6, 38400, 600e3, 0.5, false, 4},
	} {
		rng := rand.New(rand.NewPCG(3, 4))
		fr := gridstream.RandomFrame(rng, 0x5FD6)
		b := Burst{Start: 1000, StartFrac: 0.3, FSK: &FSKBurst{
			Frame: fr, Trailer: 4, Version: tc.ver, PreambleBits: 40, Baud: tc.baud,
			FreqOffset: tc.off, Invert: tc.invert, BT: tc.bt, SNRdB: 20,
		}}
		iq, truth := Generate(Config{SampleRate: tc.fs, NoNoise: true, Seed: 1}, Bursts(b))
		if len(truth) != 1 || truth[0].Baud != int(tc.baud) {
			t.Fatalf("truth %+v", truth)
		}
		want := gridstream.AppendTransmission(nil, fr, tc.ver, 40, 4)
		spb := tc.fs / tc.baud
		errs := 0
		for k, w := range want {
			n := int(1000.3 + (float64(k)+0.5)*spb)
			d := cmplx.Phase(complex128(iq[n] * complex(real(iq[n-1]), -imag(iq[n-1]))))
			f := d*tc.fs/(2*math.Pi) - tc.off
			got := byte(0)
			if f > 0 {
				got = 1
			}
			if tc.invert {
				got ^= 1
			}
			if got != w {
				errs++
			}
		}
		if errs > 0 {
			t.Errorf("%+v: %d bit errors of %d", tc, errs, len(want))
		}
		if fs := truth[0].FrameStart; math.Abs(float64(fs)-(1000.3+float64(40+20+(tc.ver-4))*spb)) > 1 {
			t.Errorf("frame start %d", fs)
		}
	}
}

func TestSNRAndStreaming(t *testing.T) {
	cfg := Config{SampleRate: 250e3, Seed: 7, NoiseDB: -20}
	mk := func() Source {
		return NewHopper(HopConfig{SampleRate: 250e3, Seed: 9, Count: 6, MaxOffset: 3e3, Jitter: 3e3, SNRdB: [2]float64{10, 10}, OOKEvery: 3, OOKOffset: 20e3})
	}
	whole, truth := Generate(cfg, mk())
	if len(truth) != 6 {
		t.Fatalf("%d truths", len(truth))
	}
	// Chunked reads of odd sizes give the same samples.
	g := New(cfg, mk())
	var got []complex64
	for size := 1; ; size = size*3%4099 + 1 {
		buf := make([]complex64, size)
		n, err := g.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
	}
	if len(got) != len(whole) {
		t.Fatalf("chunked %d samples, whole %d", len(got), len(whole))
	}
	for i := range got {
		if got[i] != whole[i] {
			t.Fatalf("sample %d differs", i)
		}
	}
	// Noise power before the first burst, burst power inside a GridStream burst.
	pow := func(p []complex64) float64 {
		s := 0.0
		for _, v := range p {
			s += float64(real(v)*real(v) + imag(v)*imag(v))
		}
		return s / float64(len(p))
	}
	if n := pow(whole[:truth[0].Start]); math.Abs(10*math.Log10(n)+20) > 0.3 {
		t.Errorf("noise power %.2f dB", 10*math.Log10(n))
	}
	checked := 0
	for i, tr := range truth {
		overlap := false
		for j, o := range truth {
			overlap = overlap || (i != j && o.Start < tr.End && tr.Start < o.End)
		}
		if tr.Protocol != gridstream.Name || overlap {
			continue
		}
		checked++
		s := pow(whole[tr.Start+100:tr.End-100]) - 0.01
		if snr := 10 * math.Log10(s/0.01); math.Abs(snr-10) > 0.5 {
			t.Errorf("burst SNR %.2f dB", snr)
		}
	}
	if checked == 0 {
		t.Error("no lone burst to check")
	}
}

func TestOOKLevels(t *testing.T) {
	pkt := nge101.NewPacket(42, 3, false, 1077, false)
	fs := 250e3
	iq, truth := Generate(Config{SampleRate: fs, NoNoise: true}, Bursts(Burst{Start: 500, OOKPacket: &OOKPacketBurst{Bits: pkt, FreqOffset: 30e3, SNRdB: 20}}))
	lv, _ := pulse.AppendLevels(nil, pkt, nge101.Timing, fs, 0)
	if truth[0].End-truth[0].Start != int64(len(lv)) {
		t.Fatalf("length %d, want %d", truth[0].End-truth[0].Start, len(lv))
	}
	for i, l := range lv {
		on := cmplx.Abs(complex128(iq[500+i])) > 0.01
		if on != (l == 1) {
			t.Fatalf("level %d: on=%v want %d", i, on, l)
		}
	}
}

package gridstream_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// dangerousFlip finds two utilities' inits a and b and a codeword bit k of
// a long 0xD5 body (counted MSB first from the CI byte) such that flipping
// bit k turns every valid frame of a into a valid frame of b: the solved
// init is linear in the body, so the flip moves it by SolveInit(e_k, 0).
func dangerousFlip(t *testing.T) (a, b uint16, k int) {
	t.Helper()
	body := make([]byte, 0xFD-2)
	for k := range 8 * len(body) {
		body[k>>3] = 0x80 >> (k & 7)
		delta := gridstream.SolveInit(body, 0)
		body[k>>3] = 0
		for _, u := range gridstream.Utilities {
			for _, v := range gridstream.Utilities {
				if u.Init^v.Init == delta {
					return u.Init, v.Init, k
				}
			}
		}
	}
	t.Fatal("no utility pair is one bit apart on a long body")
	return 0, 0, 0
}

// symbolIndex returns the index, in the soft symbols air.send asks for,
// of codeword bit k of a frame whose CI byte is frame byte 4.
func symbolIndex(k int) int { return 10*(4+k>>3) + 1 + 7 - k&7 }

// A long frame of a heard network received with one wrong bit that makes
// it valid under another known network's init is not emitted as CRC-good
// when its soft symbols show that bit weak: it is ambiguous, counted and,
// with EmitFailed, emitted failed and marked. The frame as sent with the
// same bit as weak (but right) still comes out good, as does a frame whose
// weak bits lead nowhere; without soft symbols nothing changes.
func TestAmbiguousWeakBitToAnotherNetwork(t *testing.T) {
	a, b, k := dangerousFlip(t)
	t.Logf("networks %04X and %04X: codeword bit %d", a, b, k)
	rng := rand.New(rand.NewPCG(9, 9))
	dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true, EmitFailed: true})
	if err != nil {
		t.Fatal(err)
	}
	air := newAir(dec)
	src := rng.Uint32()
	clean := func(_ int, bit byte) float32 { return float32(2*int(bit) - 1) }
	if got := air.send(meterFrame(rng, a, src, true), clean); len(got) != 1 || !got[0].CRCOK {
		t.Fatalf("meter not heard: %v", got)
	}
	sent := meterFrame(rng, a, src, true)
	damaged := append([]byte(nil), sent...)
	damaged[4+k>>3] ^= 0x80 >> (k & 7)
	if gridstream.CRC16(b, damaged[4:len(damaged)-2]) != uint16(damaged[len(damaged)-2])<<8|uint16(damaged[len(damaged)-1]) {
		t.Fatal("the damaged frame does not pass the other network's CRC")
	}
	weak := func(i int, bit byte) float32 {
		if i == symbolIndex(k) {
			return 0.05 * float32(2*int(bit)-1)
		}
		return clean(i, bit)
	}

	got := air.send(damaged, weak)
	if len(got) != 1 || got[0].CRCOK || !gs(got[0]).Ambiguous {
		t.Errorf("damaged frame with a weak wrong bit: %v, want one failed ambiguous message", describe(got))
	}
	if c := dec.Counts(); c.Ambiguous != 1 || c.Good != 1 || c.Failed != 1 {
		t.Errorf("counts %+v, want 1 good, 1 failed, 1 ambiguous", c)
	}

	got = air.send(sent, weak)
	if len(got) != 1 || !got[0].CRCOK || gs(got[0]).Ambiguous {
		t.Errorf("the frame as sent with the same bit weak: %v, want it good", describe(got))
	}
	other := meterFrame(rng, a, src, true)
	got = air.send(other, func(i int, bit byte) float32 {
		if i == symbolIndex(k+1) || i == symbolIndex(k+9) {
			return 0.05 * float32(2*int(bit)-1)
		}
		return clean(i, bit)
	})
	if len(got) != 1 || !got[0].CRCOK {
		t.Errorf("a frame whose weak bits lead to no other network: %v, want it good", describe(got))
	}

	// Hard bits only: the decoder cannot tell, and takes it as sent.
	hard, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []*frames.Message
	s := hard.NewStream(protocol.Output{Emit: func(m *frames.Message) { out = append(out, m) }})
	s.Bits(gridstream.AppendTransmission(nil, damaged, 4, 32, 0x04))
	if len(out) != 1 || !out[0].CRCOK || *gs(out[0]).CRCInit != gridstream.FormatInit(b) {
		t.Errorf("hard bits: %v, want the frame CRC-good under %04X", describe(out), b)
	}
}

// A meter heard on one network whose frame, with soft symbols, solves to
// another known network is ambiguous: meters do not change utility.
func TestAmbiguousMeterChangedNetwork(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	dec, a, ids := heardNetwork(t, rng, 0x5FD6, 2)
	clean := func(_ int, bit byte) float32 { return float32(2*int(bit) - 1) }
	got := a.send(meterFrame(rng, 0xE623, ids[0], true), clean)
	if len(got) != 0 {
		t.Errorf("heard meter on another network: %v, want nothing", describe(got))
	}
	if c := dec.Counts(); c.Ambiguous != 1 {
		t.Errorf("counts %+v, want 1 ambiguous", c)
	}
	got = a.send(meterFrame(rng, 0xE623, rng.Uint32(), true), clean)
	if len(got) != 1 || !got[0].CRCOK {
		t.Errorf("a new meter on another network: %v, want it good", describe(got))
	}
}

func describe(ms []*frames.Message) []string {
	var s []string
	for _, m := range ms {
		g := gs(m)
		init := "-"
		if g.CRCInit != nil {
			init = *g.CRCInit
		}
		s = append(s, fmt.Sprintf("%s crc_ok=%v ambiguous=%v", init, m.CRCOK, g.Ambiguous))
	}
	return s
}

// TestAmbiguityRates prints, per Eb/N0, frames of heard meters of a heard
// network through a noncoherent FSK channel (the other 15 utilities known
// too): frames out good, frames sent that came out ambiguous (lost to the
// rule when their bits were right: compare with the rule off), and wrong
// CRC-good frames. It runs only with
// GRIDSTREAM_AMBIGUITY_TRIALS set to the frames per cell.
func TestAmbiguityRates(t *testing.T) {
	n := envInt("GRIDSTREAM_AMBIGUITY_TRIALS", 0)
	if n <= 0 {
		t.Skip("set GRIDSTREAM_AMBIGUITY_TRIALS=frames per cell")
	}
	for _, long := range []bool{false, true} {
		for _, ebn0 := range []float64{7, 8, 9, 10, 11, 12, 13, 14, 16, 18} {
			rng := rand.New(rand.NewPCG(uint64(n), uint64(ebn0*10)))
			dec, a, ids := heardNetwork(t, rng, 0x5FD6, 8)
			ch := newFSKChannel(ebn0, uint64(n))
			noisy := func(_ int, b byte) float32 { return ch.symbol(rng, b) }
			good, wrong := 0, 0
			for range n {
				f := meterFrame(rng, 0x5FD6, ids[rng.IntN(len(ids))], long)
				want := fmt.Sprintf("%X", f)
				for _, m := range a.send(f, noisy) {
					switch {
					case m.CRCOK && m.Raw == want:
						good++
					case m.CRCOK:
						wrong++
					}
				}
			}
			c := dec.Counts()
			t.Logf("long=%v Eb/N0 %g dB: %d frames, %d good, %d ambiguous, %d wrong CRC-good", long, ebn0, n, good, c.Ambiguous, wrong)
		}
	}
}

// TestAmbiguityNewNetwork prints, per Eb/N0, how often the first frame of
// a known network not heard yet comes out good while another network is
// heard (the price of ambiguityUnheardDamaged). It runs only with
// GRIDSTREAM_AMBIGUITY_TRIALS set (frames per cell: a tenth of it).
func TestAmbiguityNewNetwork(t *testing.T) {
	n := envInt("GRIDSTREAM_AMBIGUITY_TRIALS", 0) / 10
	if n <= 0 {
		t.Skip("set GRIDSTREAM_AMBIGUITY_TRIALS=frames per cell")
	}
	for _, long := range []bool{false, true} {
		for _, ebn0 := range []float64{10, 11, 12, 13, 14, 16} {
			rng := rand.New(rand.NewPCG(5, uint64(ebn0*10)))
			ch := newFSKChannel(ebn0, 5)
			noisy := func(_ int, b byte) float32 { return ch.symbol(rng, b) }
			good, ambiguous := 0, 0
			for range n {
				dec, a, _ := heardNetwork(t, rng, 0x5FD6, 1)
				for _, m := range a.send(meterFrame(rng, 0xE623, rng.Uint32(), long), noisy) {
					if m.CRCOK {
						good++
					}
				}
				ambiguous += int(dec.Counts().Ambiguous)
			}
			t.Logf("long=%v Eb/N0 %g dB: %d first frames of a network not heard, %d good, %d ambiguous", long, ebn0, n, good, ambiguous)
		}
	}
}

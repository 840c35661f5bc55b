package gridstream_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// fskChannel draws the soft symbols a noncoherent 2-FSK receiver makes at
// one Eb/N0: the energy of the sent tone's correlator, |√Eb + n1|², less
// the other's, |n0|², with complex Gaussian noise of power N0 — the
// demodulator's own soft symbol (demod: the tone correlators' energy
// difference). Symbols are drawn from a pool made once per Eb/N0.
type fskChannel struct{ pool []float32 }

func newFSKChannel(ebn0dB float64, seed uint64) *fskChannel {
	rng := rand.New(rand.NewPCG(seed, 0xF5C))
	sig := math.Sqrt(math.Pow(10, -ebn0dB/10) / 2)
	c := &fskChannel{pool: make([]float32, 1<<20)}
	for i := range c.pool {
		a, b := 1+sig*rng.NormFloat64(), sig*rng.NormFloat64()
		x, y := sig*rng.NormFloat64(), sig*rng.NormFloat64()
		c.pool[i] = float32(a*a + b*b - x*x - y*y)
	}
	return c
}

// symbol returns a soft symbol for bit b.
func (c *fskChannel) symbol(rng *rand.Rand, b byte) float32 {
	v := c.pool[rng.IntN(len(c.pool))]
	if b == 0 {
		return -v
	}
	return v
}

// air is one input: transmissions are appended to it as soft symbols and
// consumed by a GridStream stream, which hands its messages to got.
type air struct {
	s    protocol.SoftStream
	got  []*frames.Message
	bits []byte
	soft []float32
	hard []byte
}

func newAir(dec *gridstream.Decoder) *air {
	a := &air{}
	a.s = dec.NewStream(protocol.Output{Emit: func(m *frames.Message) { a.got = append(a.got, m) }}).(protocol.SoftStream)
	return a
}

// send transmits frame: preamble and sync clean, the frame's symbols from
// soft (called per bit of the frame and its trailer). It returns what the
// stream emitted.
func (a *air) send(frame []byte, soft func(i int, b byte) float32) []*frames.Message {
	const pre = 32
	a.bits = gridstream.AppendTransmission(a.bits[:0], frame, 4, pre, 0x04)
	start := pre + 20
	a.soft = a.soft[:0]
	for i, b := range a.bits {
		v := float32(2*int(b) - 1)
		if i >= start {
			v = soft(i-start, b)
		}
		a.soft = append(a.soft, v)
	}
	a.hard = append(a.hard[:0], a.bits...)
	bitio.SliceSoft(a.hard, a.soft)
	a.got = a.got[:0]
	a.s.SoftBits(a.hard, a.soft)
	return a.got
}

// meterFrame returns a random valid frame of meter src on network init:
// a 0x55 broadcast (35-byte length field) or, long, a 0xD5 frame of length
// 0xFD.
func meterFrame(rng *rand.Rand, init uint16, src uint32, long bool) []byte {
	var f []byte
	if long {
		f = []byte{0x2A, 0xD5, 0x00, 0xFD, 0x21, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(f[5:], rng.Uint32())
		f = binary.BigEndian.AppendUint32(f, src)
		for len(f) < 4+0xFD-2 {
			f = append(f, byte(rng.Uint32()))
		}
	} else {
		f = unknownFrame(init, byte(rng.Uint32()))[:len(unknownFrame(0, 0))-2]
		for i := 17; i < 22; i++ {
			f[i] = byte(rng.Uint32())
		}
		binary.BigEndian.PutUint32(f[24:], src)
	}
	c := gridstream.CRC16(init, f[4:])
	return append(f, byte(c>>8), byte(c))
}

// chaseOutcome counts what trials of one kind gave.
type chaseOutcome struct {
	trials, good, corrected, lost int
	falseCorrected, falsePlain    int // wrong frames emitted: corrected, or passing the CRC as received
}

func (o chaseOutcome) String() string {
	return fmt.Sprintf("%d trials: %d good as received, %d corrected, %d lost; wrong frames: %d corrected, %d passing the CRC as received",
		o.trials, o.good, o.corrected, o.lost, o.falseCorrected, o.falsePlain)
}

func (o *chaseOutcome) add(p chaseOutcome) {
	o.trials += p.trials
	o.good += p.good
	o.corrected += p.corrected
	o.lost += p.lost
	o.falseCorrected += p.falseCorrected
	o.falsePlain += p.falsePlain
}

// classify counts one trial's messages against the frame sent (nil: none
// of a heard meter was sent).
func (o *chaseOutcome) classify(sent []byte, got []*frames.Message) {
	o.trials++
	want := strings.ToUpper(fmt.Sprintf("%X", sent))
	found := false
	for _, m := range got {
		if !m.CRCOK {
			continue
		}
		corrected := gs(m).CorrectedBits > 0
		switch {
		case sent != nil && m.Raw == want && corrected:
			o.corrected++
			found = true
		case sent != nil && m.Raw == want:
			o.good++
			found = true
		case corrected:
			o.falseCorrected++
		default:
			o.falsePlain++
		}
	}
	if !found {
		o.lost++
	}
}

// heardNetwork returns a decoder that has heard meters of network init
// (CRC-good frames of each) through a, and the meters.
func heardNetwork(t testing.TB, rng *rand.Rand, init uint16, meters int) (*gridstream.Decoder, *air, []uint32) {
	t.Helper()
	dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
	if err != nil {
		t.Fatal(err)
	}
	a := newAir(dec)
	var ids []uint32
	for range meters {
		id := rng.Uint32()
		ids = append(ids, id)
		for _, long := range []bool{false, true} {
			f := meterFrame(rng, init, id, long)
			if got := a.send(f, func(_ int, b byte) float32 { return float32(2*int(b) - 1) }); len(got) != 1 || !got[0].CRCOK {
				t.Fatalf("a clean frame was not decoded: %v", got)
			}
		}
	}
	return dec, a, ids
}

// damagedTrials sends n frames of heard meters through a noncoherent FSK
// channel at Eb/N0 ebn0 (dB) and counts what comes out.
func damagedTrials(t testing.TB, seed uint64, long bool, ebn0 float64, n int) chaseOutcome {
	rng := rand.New(rand.NewPCG(seed, uint64(ebn0*10)))
	const init = 0x5FD6
	_, a, ids := heardNetwork(t, rng, init, 8)
	ch := newFSKChannel(ebn0, seed)
	var o chaseOutcome
	noisy := func(_ int, b byte) float32 { return ch.symbol(rng, b) }
	for range n {
		f := meterFrame(rng, init, ids[rng.IntN(len(ids))], long)
		o.classify(f, a.send(f, noisy))
	}
	return o
}

// A damaged frame of a heard meter whose few wrong bits are its least
// reliable comes out corrected, marked and counted; the same frame of a
// meter not heard, of a network not heard, or without soft symbols does
// not.
func TestChaseCorrects(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const init = 0x5FD6
	for _, long := range []bool{false, true} {
		t.Run(fmt.Sprintf("long=%v", long), func(t *testing.T) {
			dec, a, ids := heardNetwork(t, rng, init, 2)
			f := meterFrame(rng, init, ids[1], long)
			// Three wrong data bits, each sent as a doubtful symbol; every
			// other bit clean with a little spread.
			wrong := map[int]bool{}
			for len(wrong) < 3 {
				wrong[10*(4+rng.IntN(len(f)-4))+1+rng.IntN(8)] = true
			}
			soft := func(i int, b byte) float32 {
				v := float32(0.8 + 0.4*rng.Float64())
				if wrong[i] {
					v = -0.005
				}
				if b == 0 {
					return -v
				}
				return v
			}
			got := a.send(f, soft)
			if len(got) != 1 || !got[0].CRCOK || got[0].Raw != fmt.Sprintf("%X", f) || gs(got[0]).CorrectedBits != 3 {
				t.Fatalf("got %+v", got)
			}
			if st := dec.Counts(); st.Corrected != 1 {
				t.Errorf("stats %+v", st)
			}
			for name, g := range map[string][]byte{
				"a meter not heard":   meterFrame(rng, init, rng.Uint32(), long),
				"a network not heard": meterFrame(rng, 0x45F8, ids[0], long),
			} {
				if got := a.send(g, soft); len(got) != 0 {
					t.Errorf("%s: %+v", name, got[0])
				}
			}
			var hard []*frames.Message
			bits := gridstream.AppendTransmission(nil, f, 4, 32, 0x04)
			for i := range wrong {
				bits[52+i] ^= 1
			}
			plain := dec.NewStream(protocol.Output{Emit: func(m *frames.Message) { hard = append(hard, m) }})
			plain.Bits(bits)
			if len(hard) != 0 {
				t.Errorf("corrected without soft symbols: %+v", hard[0])
			}
		})
	}
}

// envInt reads a count from the environment (scripts ask for more trials).
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// No correction is ever wrong on frames damaged by a noncoherent FSK
// channel, from hopeless to clean (GRIDSTREAM_CHASE_TRIALS frames per
// Eb/N0 and length; scripts/chase-trials.sh runs millions).
func TestChaseFalseCorrections(t *testing.T) {
	n := envInt("GRIDSTREAM_CHASE_TRIALS", 4000)
	var total chaseOutcome
	for _, long := range []bool{false, true} {
		for _, ebn0 := range []float64{4, 6, 8, 9, 10, 11, 12, 13, 14} {
			o := damagedTrials(t, 11, long, ebn0, n)
			t.Logf("long=%v Eb/N0 %g dB: %v", long, ebn0, o)
			total.add(o)
		}
	}
	t.Logf("total: %v", total)
	if total.falseCorrected != 0 {
		t.Errorf("%d wrong corrections", total.falseCorrected)
	}
}

// Soft symbols reach the correction whatever the chunks they come in:
// a frame whose symbols span many calls (down to one symbol) is corrected;
// bits without symbols in between leave the frame uncorrected.
func TestChaseAcrossChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const init = 0x5FD6
	_, a, ids := heardNetwork(t, rng, init, 1)
	f := meterFrame(rng, init, ids[0], true)
	wrongAt := 10*100 + 3
	bits := gridstream.AppendTransmission(nil, f, 4, 32, 0x04)
	soft := make([]float32, len(bits))
	for i, b := range bits {
		v := float32(0.8 + 0.4*rng.Float64())
		if i == 52+wrongAt {
			v = -0.01
		}
		if b == 0 {
			v = -v
		}
		soft[i] = v
	}
	hard := make([]byte, len(soft))
	bitio.SliceSoft(hard, soft)
	for _, withHard := range []bool{false, true} {
		a.got = nil
		for i := 0; i < len(soft); {
			n := min(len(soft)-i, 1+rng.IntN(40))
			if withHard && i > 400 && i < 500 {
				a.s.Bits(hard[i : i+n])
			} else {
				a.s.SoftBits(hard[i:i+n], soft[i:i+n])
			}
			i += n
		}
		if withHard {
			if len(a.got) != 0 {
				t.Errorf("corrected across bits without soft symbols: %+v", a.got[0])
			}
			continue
		}
		if len(a.got) != 1 || gs(a.got[0]).CorrectedBits != 1 || a.got[0].Raw != fmt.Sprintf("%X", f) {
			t.Fatalf("got %+v", a.got)
		}
	}
}

// A corrected frame never teaches a network, and a frame whose own init
// waits to be learned is left to learning, not corrected.
func TestChaseAndLearning(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const heard, unknown = 0x5FD6, 0x1234
	dec, err := gridstream.NewDecoder(gridstream.Config{})
	if err != nil {
		t.Fatal(err)
	}
	a := newAir(dec)
	clean := func(_ int, b byte) float32 { return float32(2*int(b) - 1) }
	id := rng.Uint32()
	if got := a.send(meterFrame(rng, heard, id, false), clean); len(got) != 1 {
		t.Fatal("not heard")
	}
	// Frames of an unknown network, each with one doubtful bit: the first
	// waits; the second confirms its network (it is not taken for a
	// damaged frame of the heard network even where a flip would make it
	// one).
	doubtful := func(at int) func(int, byte) float32 {
		return func(i int, b byte) float32 {
			v := float32(1)
			if i == at {
				v = 0.001
			}
			if b == 0 {
				return -v
			}
			return v
		}
	}
	f1, f2 := meterFrame(rng, unknown, id, false), meterFrame(rng, unknown, id, false)
	if got := a.send(f1, doubtful(10*20+4)); len(got) != 0 {
		t.Fatalf("first frame of an unknown network: %+v", got[0])
	}
	got := a.send(f2, doubtful(10*21+4))
	if len(got) != 2 || !gs(got[1]).Learned || gs(got[0]).CorrectedBits != 0 || gs(got[1]).CorrectedBits != 0 {
		t.Fatalf("got %+v", got)
	}
	// Corrected frames of the heard network do not count as frames of
	// any network to learn: the same damaged frame twice teaches nothing.
	f := meterFrame(rng, heard, id, false)
	bad := append([]byte(nil), f...)
	bad[20] ^= 0x10
	at := 10*20 + 1 + 4 // the flipped bit
	for range 3 {
		got := a.send(bad, doubtful(at))
		if len(got) != 1 || gs(got[0]).CorrectedBits != 1 {
			t.Fatalf("got %+v", got)
		}
	}
	if st := dec.Counts(); st.Learned != 1 || st.Corrected != 3 {
		t.Errorf("stats %+v", st)
	}
}

// randomTrials sends n frames of random content but a plausible header
// (half 0x55, half long 0xD5) through a; src, when not nil, names their
// source; soft gives each bit's symbol.
func randomTrials(a *air, rng *rand.Rand, n int, src func() uint32, soft func(int, byte) float32) chaseOutcome {
	var o chaseOutcome
	for i := range n {
		f := meterFrame(rng, uint16(rng.Uint32()), rng.Uint32(), i%2 == 1)
		if src != nil {
			s := src()
			if i%2 == 1 {
				binary.BigEndian.PutUint32(f[9:], s)
			} else {
				binary.BigEndian.PutUint32(f[24:], s)
			}
		}
		o.classify(nil, a.send(f, soft))
	}
	return o
}

// Random frames with random soft symbols are never corrected: not those
// of meters never heard, not those that name a heard meter.
func TestChaseRandomFrames(t *testing.T) {
	n := envInt("GRIDSTREAM_CHASE_TRIALS", 4000) * 10
	rng := rand.New(rand.NewPCG(4, 4))
	_, a, ids := heardNetwork(t, rng, 0x5FD6, 8)
	noise := func(_ int, b byte) float32 { // the sign is the bit, the magnitude random
		v := float32(math.Abs(rng.NormFloat64()))
		if b == 0 {
			return -v
		}
		return v
	}
	uniform := func(_ int, b byte) float32 {
		v := rng.Float32()
		if b == 0 {
			return -v
		}
		return v
	}
	heard := func() uint32 { return ids[rng.IntN(len(ids))] }
	var total chaseOutcome
	for _, tc := range []struct {
		name string
		src  func() uint32
		soft func(int, byte) float32
	}{
		{"meters not heard, Gaussian symbols", nil, noise},
		{"meters not heard, uniform symbols", nil, uniform},
		{"heard meters, Gaussian symbols", heard, noise},
		{"heard meters, uniform symbols", heard, uniform},
	} {
		o := randomTrials(a, rng, n/4, tc.src, tc.soft)
		t.Logf("%s: %v", tc.name, o)
		total.add(o)
	}
	if total.falseCorrected != 0 {
		t.Errorf("%d random frames corrected", total.falseCorrected)
	}
}

// Frames that name a heard meter but whose content is not its (a
// collision after the source field, a crafted frame), with the soft
// symbols of a clean or noisy channel: the correction may turn one into a
// message only by the CRC's own chance, so it must add less than the CRC
// already lets through on the same frames (16 built-in networks).
func TestChaseForeignFrames(t *testing.T) {
	n := envInt("GRIDSTREAM_CHASE_TRIALS", 4000) * 5
	rng := rand.New(rand.NewPCG(5, 5))
	_, a, ids := heardNetwork(t, rng, 0x5FD6, 8)
	heard := func() uint32 { return ids[rng.IntN(len(ids))] }
	var total chaseOutcome
	for _, ebn0 := range []float64{8, 10, 11, 12, 14, 20} {
		ch := newFSKChannel(ebn0, 5)
		o := randomTrials(a, rng, n/6, heard, func(_ int, b byte) float32 { return ch.symbol(rng, b) })
		t.Logf("Eb/N0 %g dB: %v", ebn0, o)
		total.add(o)
	}
	t.Logf("total: %v", total)
	if total.falseCorrected > total.falsePlain/2+1 {
		t.Errorf("corrections made %d messages of foreign frames, the CRC alone %d", total.falseCorrected, total.falsePlain)
	}
}

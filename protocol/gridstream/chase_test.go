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
	a.s = dec.NewStream(protocol.Output{Emit: func(m *frames.Message) { a.got = append(a.got, m) }, CalibratedSoft: true}).(protocol.SoftStream)
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
	examined                      int64 // CRC-failed frames the decoder examined (corrector's trials)
	falseCorrected, falsePlain    int   // wrong frames emitted: corrected, or passing the CRC as received
}

func (o chaseOutcome) String() string {
	return fmt.Sprintf("%d frames (%d failed their CRC): %d good as received, %d corrected, %d lost; wrong frames: %d corrected, %d passing the CRC as received",
		o.trials, o.examined, o.good, o.corrected, o.lost, o.falseCorrected, o.falsePlain)
}

func (o *chaseOutcome) add(p chaseOutcome) {
	o.trials += p.trials
	o.examined += p.examined
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
	dec, a, ids := heardNetwork(t, rng, init, 8)
	ch := newFSKChannel(ebn0, seed)
	var o chaseOutcome
	noisy := func(_ int, b byte) float32 { return ch.symbol(rng, b) }
	before := dec.Counts()
	for range n {
		f := meterFrame(rng, init, ids[rng.IntN(len(ids))], long)
		o.classify(f, a.send(f, noisy))
	}
	after := dec.Counts()
	o.examined = after.Frames - before.Frames - (after.Good - after.Corrected - before.Good + before.Corrected)
	return o
}

// A damaged frame of a heard meter whose few wrong bits are its least
// reliable comes out corrected, marked and counted; the same frame of a
// meter not heard, of a network not heard, a broadcast whose source WAN
// address is not the one its meter's broadcasts carried, or without soft
// symbols does not.
func TestChaseCorrects(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const init = 0x5FD6
	for _, long := range []bool{false, true} {
		t.Run(fmt.Sprintf("long=%v", long), func(t *testing.T) {
			dec, a, ids := heardNetwork(t, rng, init, 2)
			f := meterFrame(rng, init, ids[1], long)
			// Wrong data bits, each sent as a doubtful symbol; every other
			// bit clean with a little spread. Three in a broadcast (its
			// source WAN address checks its content); one in a long frame,
			// where the flips must be at least chaseMinPosterior likely
			// (three coin tosses all wrong are 1/8).
			flips := 3
			if long {
				flips = 1
			}
			wrong := map[int]bool{}
			for len(wrong) < flips {
				wrong[10*(4+rng.IntN(len(f)-4))+1+rng.IntN(8)] = true
			}
			soft := func(i int, b byte) float32 {
				v := float32(0.8 + 0.4*rng.Float64())
				if wrong[i] {
					v = -0.001
				}
				if b == 0 {
					return -v
				}
				return v
			}
			got := a.send(f, soft)
			if len(got) != 1 || !got[0].CRCOK || got[0].Raw != fmt.Sprintf("%X", f) || gs(got[0]).CorrectedBits != flips {
				t.Fatalf("got %+v", got)
			}
			if st := dec.Counts(); st.Corrected != 1 {
				t.Errorf("stats %+v", st)
			}
			others := map[string][]byte{
				"a meter not heard":   meterFrame(rng, init, rng.Uint32(), long),
				"a network not heard": meterFrame(rng, 0x45F8, ids[0], long),
			}
			if !long { // a broadcast must carry the WAN address its meter's broadcasts carried
				g := meterFrame(rng, init, ids[0], long)
				g[13] ^= 0x40
				c := gridstream.CRC16(init, g[4:len(g)-2])
				g[len(g)-2], g[len(g)-1] = byte(c>>8), byte(c)
				others["a heard meter with another source WAN address"] = g
			}
			for name, g := range others {
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
		for _, ebn0 := range []float64{6, 8, 9, 10, 11, 12, 13, 14} {
			o := damagedTrials(t, 11, long, ebn0, n)
			t.Logf("long=%v Eb/N0 %g dB: %v", long, ebn0, o)
			total.add(o)
			// Below 9 dB almost no frame arrives whole (0.08 % of short
			// ones at 8 dB), and a damaged frame lands on the heard
			// network's own init with probability 1/65536 whatever the
			// soft symbols say (README, ambiguous frames).
			if ebn0 >= 9 && o.falsePlain != 0 {
				t.Errorf("long=%v Eb/N0 %g dB: %d wrong frames passing the CRC as received (ambiguous.go)", long, ebn0, o.falsePlain)
			}
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
			v = -0.001
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

// A corrected frame never teaches a network; a frame whose own init waits
// to be learned is left to learning, not corrected; and a frame of a meter
// heard on another network neither confirms that init nor is released as
// its frame when it is learned.
func TestChaseAndLearning(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const heard = 0x5FD6
	dec, err := gridstream.NewDecoder(gridstream.Config{})
	if err != nil {
		t.Fatal(err)
	}
	a := newAir(dec)
	clean := func(_ int, b byte) float32 { return float32(2*int(b) - 1) }
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
	id := rng.Uint32()
	if got := a.send(meterFrame(rng, heard, id, false), clean); len(got) != 1 {
		t.Fatal("not heard")
	}
	// A frame of the heard meter with one doubtful wrong bit solves to
	// init s; a meter of an unknown network whose init is s sends a clean
	// frame first, which waits.
	damaged := meterFrame(rng, heard, id, false)
	damaged[20] ^= 0x10
	at := 10*20 + 1 + 4
	s := gridstream.SolveInit(damaged[4:len(damaged)-2], uint16(damaged[len(damaged)-2])<<8|uint16(damaged[len(damaged)-1]))
	first := meterFrame(rng, s, rng.Uint32(), false)
	if got := a.send(first, clean); len(got) != 0 {
		t.Fatalf("first frame of an unknown network: %+v", got[0])
	}
	// The damaged frame is not corrected (its init waits to be learned),
	// and, from a meter heard on another network, confirms nothing.
	if got := a.send(damaged, doubtful(at)); len(got) != 0 {
		t.Fatalf("damaged frame: %+v", got[0])
	}
	// A second clean frame confirms s: both clean frames come out, the
	// damaged one does not.
	third := meterFrame(rng, s, rng.Uint32(), false)
	got := a.send(third, clean)
	if len(got) != 2 || got[0].Raw != fmt.Sprintf("%X", first) || got[1].Raw != fmt.Sprintf("%X", third) || !gs(got[1]).Learned {
		t.Fatalf("got %+v", got)
	}
	// Once s is learned, the same damaged frame is a good frame of s as
	// the CRC sees it; a damaged frame of the heard network solving to no
	// known init is corrected, as often as it comes, and teaches nothing.
	other := meterFrame(rng, heard, id, false)
	other[30] ^= 0x02
	at = 10*30 + 1 + 1
	for range 3 {
		got := a.send(other, doubtful(at))
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
func randomTrials(dec *gridstream.Decoder, a *air, rng *rand.Rand, n int, src func() uint32, soft func(int, byte) float32) chaseOutcome {
	var o chaseOutcome
	before := dec.Counts()
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
	after := dec.Counts()
	o.examined = after.Frames - before.Frames
	return o
}

// Random frames with random soft symbols are never corrected: not those
// of meters never heard, not those that name a heard meter.
func TestChaseRandomFrames(t *testing.T) {
	n := envInt("GRIDSTREAM_CHASE_TRIALS", 4000) * 10
	rng := rand.New(rand.NewPCG(4, 4))
	dec, a, ids := heardNetwork(t, rng, 0x5FD6, 8)
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
		o := randomTrials(dec, a, rng, n/4, tc.src, tc.soft)
		t.Logf("%s: %v", tc.name, o)
		total.add(o)
	}
	if total.falseCorrected != 0 {
		t.Errorf("%d random frames corrected", total.falseCorrected)
	}
}

// Frames that name a heard meter but whose content is not its (a
// collision, a crafted frame), with the soft symbols of a clean or noisy
// channel, are never corrected (the CRC alone lets some through as
// received: 16 built-in networks). The expected count of wrong corrections
// is far below one in the script's million (TestChaseAcceptanceRegion
// measures it).
func TestChaseForeignFrames(t *testing.T) {
	n := envInt("GRIDSTREAM_CHASE_TRIALS", 4000) * 15
	rng := rand.New(rand.NewPCG(5, 5))
	dec, a, ids := heardNetwork(t, rng, 0x5FD6, 8)
	heard := func() uint32 { return ids[rng.IntN(len(ids))] }
	var total chaseOutcome
	for _, ebn0 := range []float64{8, 10, 11, 12, 14, 20} {
		ch := newFSKChannel(ebn0, 5)
		o := randomTrials(dec, a, rng, n/6, heard, func(_ int, b byte) float32 { return ch.symbol(rng, b) })
		t.Logf("Eb/N0 %g dB: %v", ebn0, o)
		total.add(o)
	}
	t.Logf("total: %v", total)
	if total.falseCorrected != 0 {
		t.Errorf("corrections made %d messages of foreign frames (the CRC alone %d)", total.falseCorrected, total.falsePlain)
	}
}

// Long damaged traffic of heard networks teaches no network: frames of
// heard and unheard meters, short and long, as hard bits with 1–6 wrong
// data bits anywhere, as soft symbols of a noisy channel (8–13 dB Eb/N0),
// and hit by a collision (1–40 symbols from a stronger transmitter:
// confident, and as often wrong as right).
func TestDamagedTrafficTeachesNothing(t *testing.T) {
	n := envInt("GRIDSTREAM_CHASE_TRIALS", 4000) * 5
	rng := rand.New(rand.NewPCG(6, 6))
	nets := []uint16{0x5FD6, 0x45F8}
	dec, err := gridstream.NewDecoder(gridstream.Config{})
	if err != nil {
		t.Fatal(err)
	}
	a := newAir(dec)
	clean := func(_ int, b byte) float32 { return float32(2*int(b) - 1) }
	var heard [][2]uint32
	for i := range 40 {
		id := rng.Uint32()
		heard = append(heard, [2]uint32{uint32(nets[i%2]), id})
		a.send(meterFrame(rng, nets[i%2], id, i%4 < 2), clean)
	}
	var channels []*fskChannel
	for _, e := range []float64{8, 9, 10, 11, 12, 13} {
		channels = append(channels, newFSKChannel(e, uint64(e)))
	}
	var o chaseOutcome
	var bits []byte
	before := dec.Counts()
	for i := range n {
		init, id := nets[rng.IntN(2)], rng.Uint32()
		if rng.IntN(2) == 0 {
			h := heard[rng.IntN(len(heard))]
			init, id = uint16(h[0]), h[1]
		}
		f := meterFrame(rng, init, id, rng.IntN(3) == 0)
		wrong := map[int]bool{}
		for range 1 + rng.IntN(6) {
			wrong[10*(4+rng.IntN(len(f)-4))+1+rng.IntN(8)] = true
		}
		var got []*frames.Message
		switch i % 3 {
		case 0: // hard bits
			a.got = a.got[:0]
			bits = gridstream.AppendTransmission(bits[:0], f, 4, 32, 0x04)
			for at := range wrong {
				bits[52+at] ^= 1
			}
			a.s.Bits(bits)
			got = a.got
		case 1: // a noisy channel
			ch := channels[rng.IntN(len(channels))]
			got = a.send(f, func(_ int, b byte) float32 { return ch.symbol(rng, b) })
		default: // a collision
			ch := channels[len(channels)-1]
			from := 10 * (4 + rng.IntN(len(f)-4))
			to := from + 1 + rng.IntN(40)
			got = a.send(f, func(at int, b byte) float32 {
				if at >= from && at < to {
					b = byte(rng.IntN(2))
				}
				return ch.symbol(rng, b)
			})
		}
		o.classify(f, got)
	}
	st := dec.Counts()
	o.examined = st.Frames - before.Frames - (st.Good - st.Corrected - before.Good + before.Corrected)
	t.Logf("%v; decoder %v", o, st)
	if st.Learned != 0 || o.falseCorrected != 0 {
		t.Errorf("damaged traffic taught %d networks; %d wrong corrections", st.Learned, o.falseCorrected)
	}
}

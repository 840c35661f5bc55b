package demod

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// meterTraffic is a synth.Source of frames from a few meters of one
// network: each meter is first heard once at 25 dB (so that the decoder
// knows it, as a receiver in steady state does), then count frames of
// random meters follow at snr dB, one after another, on random channels of
// a 100 kHz grid within ±maxOff Hz (±3 kHz jitter).
type meterTraffic struct {
	bursts []synth.Burst
	i      int
	intro  int // bursts that introduce the meters
}

func (s *meterTraffic) Next() (synth.Burst, bool) {
	if s.i >= len(s.bursts) {
		return synth.Burst{}, false
	}
	s.i++
	return s.bursts[s.i-1], true
}

// meterFrame returns a random frame of meter src on network init: a 0x55
// broadcast, or long, a 0xD5 frame of length 0xFD.
func meterFrame(rng *rand.Rand, init uint16, src uint32, long bool) []byte {
	var f []byte
	if long {
		f = gridstream.FrameD5(rng, init, 0xFD)
		binary.BigEndian.PutUint32(f[9:], src)
	} else {
		f = gridstream.Frame55(rng, init)
		binary.BigEndian.PutUint32(f[12:], src)
		binary.BigEndian.PutUint32(f[24:], src)
	}
	f = f[:len(f)-2]
	c := gridstream.CRC16(init, f[4:])
	return append(f, byte(c>>8), byte(c))
}

// burstList builds bursts of frames one after another.
type burstList struct {
	rng      *rand.Rand
	fs, baud float64
	maxOff   float64
	t        float64 // next start, seconds
	bursts   []synth.Burst
}

// add appends a burst of frame f at snr dB, on a random channel of a
// 100 kHz grid within ±maxOff (±3 kHz jitter).
func (l *burstList) add(f []byte, snr float64) {
	rng := l.rng
	off := rng.Float64()*6e3 - 3e3
	if l.maxOff > 0 {
		k := int(l.maxOff / 100e3)
		off += float64(rng.IntN(2*k+1)-k) * 100e3
	}
	l.bursts = append(l.bursts, synth.Burst{Start: int64(l.t * l.fs), StartFrac: rng.Float64(), FSK: &synth.FSKBurst{
		Frame: f, Trailer: 0x04, Version: 4 + rng.IntN(2), PreambleBits: 16 + rng.IntN(37), Baud: l.baud,
		FreqOffset: off, Invert: rng.IntN(2) == 0, BT: 0.5, ClockPPM: rng.Float64()*40 - 20, SNRdB: snr}})
	l.t += float64(len(f)+8)*10/l.baud + 0.005 + 0.01*rng.Float64()
}

func newMeterTraffic(fs, baud, snr, maxOff float64, long bool, count int, seed uint64) *meterTraffic {
	rng := rand.New(rand.NewPCG(seed, 0xC4A5E))
	const init = 0x5FD6
	meters := make([]uint32, 12)
	for i := range meters {
		meters[i] = rng.Uint32()
	}
	s := &meterTraffic{intro: len(meters)}
	t := 0.01
	add := func(src uint32, snr float64) {
		f := meterFrame(rng, init, src, long)
		off := 0.0
		if maxOff > 0 {
			k := int(maxOff / 100e3)
			off = float64(rng.IntN(2*k+1)-k)*100e3 + rng.Float64()*6e3 - 3e3
		} else {
			off = rng.Float64()*6e3 - 3e3
		}
		s.bursts = append(s.bursts, synth.Burst{Start: int64(t * fs), StartFrac: rng.Float64(), FSK: &synth.FSKBurst{
			Frame: f, Trailer: 0x04, Version: 4 + rng.IntN(2), PreambleBits: 16 + rng.IntN(37), Baud: baud,
			FreqOffset: off, Invert: rng.IntN(2) == 0, BT: 0.5, ClockPPM: rng.Float64()*40 - 20, SNRdB: snr}})
		t += float64(len(f)+8)*10/baud + 0.005 + 0.01*rng.Float64()
	}
	for _, m := range meters {
		add(m, 25)
	}
	for range count {
		add(meters[rng.IntN(len(meters))], snr)
	}
	return s
}

// chaseResult is one run's count of the counted frames (after the
// introductions).
type chaseResult struct {
	sent, decoded, corrected, wrong int
}

// runMeters demodulates the traffic, with or without correction.
func runMeters(t testing.TB, fs float64, src *meterTraffic, correct bool, seed uint64) chaseResult {
	t.Helper()
	dec := testDecoders(gridstream.Config{NoLearn: true, NoCorrect: !correct})
	var msgs []*frames.Message
	center := 0.0
	if fs > 1e6 {
		center = 915e6
	}
	rx, err := New(Config{SampleRate: fs, CenterFreq: center, Decoders: dec}, func(m *frames.Message) { msgs = append(msgs, m) })
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(synth.Config{SampleRate: fs, Seed: seed}, src)
	buf := make([]complex64, 40000)
	for {
		n, err := g.Read(buf)
		rx.Process(buf[:n])
		if err != nil {
			break
		}
	}
	rx.Flush()
	// Frames are matched by their CRC-covered part (key): a wrong type,
	// reserved or length byte is not the receiver's to catch.
	want := map[string]int{}
	var r chaseResult
	for i, b := range src.bursts {
		if i >= src.intro {
			want[key(hexUpper(b.FSK.Frame))]++
			r.sent++
		}
	}
	intro := map[string]bool{}
	for _, b := range src.bursts[:src.intro] {
		intro[key(hexUpper(b.FSK.Frame))] = true
	}
	for _, m := range msgs {
		k := key(m.Raw)
		if m.Protocol != gridstream.Name || !m.CRCOK || intro[k] {
			continue
		}
		if want[k] > 0 {
			want[k]--
			r.decoded++
			if m.Fields.(*gridstream.Fields).CorrectedBits > 0 {
				r.corrected++
			}
		} else {
			r.wrong++
		}
	}
	return r
}

// chaseCell is one recording kind of the gain table.
type chaseCell struct {
	name     string
	fs, baud float64
	maxOff   float64
	long     bool
	snrs     []float64
}

var chaseCells = []chaseCell{
	{"250 kS/s, 19200 Bd, 0x55 (35 B)", 250e3, 19200, 0, false, []float64{-2, -1, 0, 1, 2, 3}},
	{"250 kS/s, 38400 Bd, 0x55 (35 B)", 250e3, 38400, 0, false, []float64{0, 1, 2, 3, 4, 5}},
	{"2.4 MS/s, 38400 Bd hopping, 0x55 (35 B)", 2.4e6, 38400, 1e6, false, []float64{-10, -9, -8, -7, -6, -5}},
	{"2.4 MS/s, 38400 Bd hopping, 0xD5 0xFD (253 B)", 2.4e6, 38400, 1e6, true, []float64{-8, -7, -6, -5, -4, -3}},
	{"2.4 MS/s, 9600 Bd hopping, 0xD5 0xFD (253 B)", 2.4e6, 9600, 1e6, true, []float64{-12, -11, -10, -9, -8, -7}},
}

// crossing returns the SNR where decoded/sent first reaches level, by
// linear interpolation over snrs (NaN when it never does).
func crossing(snrs []float64, rates []float64, level float64) float64 {
	for i, r := range rates {
		if r >= level {
			if i == 0 {
				return snrs[0]
			}
			r0 := rates[i-1]
			return snrs[i-1] + (level-r0)/(r-r0)*(snrs[i]-snrs[i-1])
		}
	}
	return math.NaN()
}

// TestChaseGain prints frames decoded vs SNR with and without soft-decision
// correction, and the gain in dB at 50 % and 90 % of frames. It runs only
// with GRIDSTREAM_CHASE_GAIN set to the frames per cell (scripts/chase-gain.sh).
func TestChaseGain(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("GRIDSTREAM_CHASE_GAIN"))
	if err != nil || n <= 0 {
		t.Skip("set GRIDSTREAM_CHASE_GAIN=frames per cell (scripts/chase-gain.sh)")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nFrames decoded without / with correction (corrected), %d frames per cell, 12 meters heard once at 25 dB first; SNR over the whole sample rate.\n\n", n)
	wrong := 0
	for _, c := range chaseCells {
		fmt.Fprintf(&b, "| %s | SNR |", c.name)
		var off, on []float64
		line := "| | decoded |"
		for _, snr := range c.snrs {
			seed := uint64(100*snr) + uint64(c.baud)
			src := func() *meterTraffic { return newMeterTraffic(c.fs, c.baud, snr, c.maxOff, c.long, n, seed) }
			a := runMeters(t, c.fs, src(), false, seed)
			z := runMeters(t, c.fs, src(), true, seed)
			wrong += a.wrong + z.wrong
			off = append(off, float64(a.decoded)/float64(a.sent))
			on = append(on, float64(z.decoded)/float64(z.sent))
			fmt.Fprintf(&b, " %g dB |", snr)
			line += fmt.Sprintf(" %.1f / %.1f %% (%d) |", 100*off[len(off)-1], 100*on[len(on)-1], z.corrected)
			if a.wrong+z.wrong > 0 {
				t.Errorf("%s %g dB: wrong frames: %d without, %d with correction", c.name, snr, a.wrong, z.wrong)
			}
		}
		fmt.Fprintf(&b, "\n|---|---|%s\n%s\n", strings.Repeat("---|", len(c.snrs)), line)
		fmt.Fprintf(&b, "gain: %.1f dB at 50 %%, %.1f dB at 90 %%\n\n",
			crossing(c.snrs, off, 0.5)-crossing(c.snrs, on, 0.5), crossing(c.snrs, off, 0.9)-crossing(c.snrs, on, 0.9))
	}
	t.Log(b.String())
	fmt.Println(b.String())
}

// Correction through the receiver: damaged frames of heard meters come out
// corrected, more frames come out than without, and nothing that was not
// sent comes out. (Correction runs on the noncoherent symbols, before the
// phase-aware detector would read the burst again: many frames it corrects
// that detector would also have got, so the gain is smaller than the
// corrections.)
func TestChaseThroughReceiver(t *testing.T) {
	const fs, baud, snr = 250e3, 19200, -1
	src := func() *meterTraffic { return newMeterTraffic(fs, baud, snr, 0, false, 100, 7) }
	a := runMeters(t, fs, src(), false, 7)
	z := runMeters(t, fs, src(), true, 7)
	t.Logf("%d Bd at %d dB: %d of %d without correction, %d with (%d corrected)", baud, snr, a.decoded, a.sent, z.decoded, z.corrected)
	if z.wrong+a.wrong > 0 || z.corrected < 5 || z.decoded <= a.decoded {
		t.Errorf("without %+v, with %+v", a, z)
	}
}

// Unknown networks are learned from long frames: 17 networks not in the
// table, each sending three long 0xD5 frames (length 0xFD) from meters of
// its own, among frames of a heard network, hopping at 2.4 MS/s and 10 dB:
// every network is learned at its second frame received (the first is
// shown failed, with --all, then again CRC-good; the second at once), and
// every frame received comes out CRC-good.
func TestLearnsUnknownNetworksFromLongFrames(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 17))
	known := map[uint16]bool{}
	for _, u := range gridstream.Utilities {
		known[u.Init] = true
	}
	var nets []uint16
	for len(nets) < 17 {
		if in := uint16(rng.Uint32()); !known[in] {
			known[in] = true
			nets = append(nets, in)
		}
	}
	l := &burstList{rng: rng, fs: 2.4e6, baud: 38400, maxOff: 1e6, t: 0.01}
	type sent struct {
		net int
		raw string
	}
	var order []sent
	var frames3 [][]byte
	var owner []int
	for i, in := range nets {
		for range 3 {
			frames3 = append(frames3, meterFrame(rng, in, rng.Uint32(), true))
			owner = append(owner, i)
		}
	}
	perm := rng.Perm(len(frames3))
	for k, j := range perm {
		if k%3 == 0 {
			l.add(meterFrame(rng, 0x5FD6, rng.Uint32(), rng.IntN(2) == 0), 10)
		}
		l.add(frames3[j], 10)
		order = append(order, sent{owner[j], hexUpper(frames3[j])})
	}
	gs, err := gridstream.NewDecoder(gridstream.Config{EmitFailed: true})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*frames.Message
	rx, err := New(Config{SampleRate: l.fs, CenterFreq: 915e6, Decoders: testDecodersWith(gs)}, func(m *frames.Message) { msgs = append(msgs, m) })
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(synth.Config{SampleRate: l.fs, Seed: 17}, &meterTraffic{bursts: l.bursts})
	buf := make([]complex64, 40000)
	for {
		n, err := g.Read(buf)
		rx.Process(buf[:n])
		if err != nil {
			break
		}
	}
	rx.Flush()
	failed, good := map[string]int{}, map[string]int{}
	for _, m := range msgs {
		if m.CRCOK {
			good[m.Raw]++
		} else {
			failed[m.Raw]++
		}
	}
	// Per network, its frames in the order sent that were received (shown
	// failed or good).
	received := make([][]string, len(nets))
	for _, s := range order {
		if failed[s.raw]+good[s.raw] > 0 {
			received[s.net] = append(received[s.net], s.raw)
		}
	}
	total := 0
	for i, r := range received {
		total += len(r)
		switch {
		case len(r) < 2:
			t.Logf("network %04X: %d of 3 frames received", nets[i], len(r))
		case failed[r[0]] != 1 || failed[r[1]] != 0:
			t.Errorf("network %04X: not learned at its second frame (shown failed: %d, %d)", nets[i], failed[r[0]], failed[r[1]])
		}
		for _, raw := range r {
			if len(r) >= 2 && good[raw] != 1 {
				t.Errorf("network %04X: frame %s came out CRC-good %d times", nets[i], raw, good[raw])
			}
		}
	}
	st := gs.Counts()
	t.Logf("%d of %d frames of unknown networks received; %d networks learned; %+v", total, len(order), st.Learned, st)
	if total < len(order)*8/10 || st.Learned != 17 {
		t.Errorf("%d of %d frames received, %d of 17 networks learned", total, len(order), st.Learned)
	}
}

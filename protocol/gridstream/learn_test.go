package gridstream_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// maxLearned is the documented cap on learned networks, easyLearned how
// many are learned from two frames.
const maxLearned, easyLearned = 64, 32

// craftedInits returns n distinct inits that are in no table.
func craftedInits(rng *rand.Rand, n int) []uint16 {
	known := map[uint16]bool{}
	for _, u := range gridstream.Utilities {
		known[u.Init] = true
	}
	var out []uint16
	for len(out) < n {
		in := uint16(rng.Uint32())
		if !known[in] {
			known[in] = true
			out = append(out, in)
		}
	}
	return out
}

func sendFrame(dec *gridstream.Decoder, f []byte) []*frames.Message {
	var out []*frames.Message
	dec.Frame(gridstream.RawFrame{Bytes: f, Version: 4, Complete: true}, protocol.Output{Emit: func(m *frames.Message) { out = append(out, m) }})
	return out
}

// randomPassRate feeds n random 0x55 frames (random body and CRC) and
// returns how many pass the CRC.
func randomPassRate(dec *gridstream.Decoder, rng *rand.Rand, n int) int {
	good := 0
	for range n {
		f := unknownFrame(0, 0)
		for i := 5; i < len(f); i++ {
			f[i] = byte(rng.Uint32())
		}
		for _, m := range sendFrame(dec, f) {
			if m.CRCOK {
				good++
			}
		}
	}
	return good
}

// A flood of crafted frames cannot teach the decoder many networks: two
// frames per init (each from a meter of its own) teach the first 32, after
// which every network needs more frames; frames of one meter teach one
// network (a meter heard on a network does not teach another); many frames
// per init teach at most the cap; and random frames then pass the CRC
// about as rarely as before: at most (16 built-in + 32 learned)/16 times.
func TestLearningIsBounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	fresh, _ := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
	base := randomPassRate(fresh, rand.New(rand.NewPCG(1, 2)), 200000)

	t.Run("two frames per init", func(t *testing.T) {
		dec, _ := gridstream.NewDecoder(gridstream.Config{})
		for _, in := range craftedInits(rng, 2000) {
			sendFrame(dec, unknownFrame(in, 1))
			sendFrame(dec, unknownFrame(in, 2))
		}
		st := dec.Counts()
		after := randomPassRate(dec, rand.New(rand.NewPCG(1, 2)), 200000)
		t.Logf("learned %d; random frames passing: %d before, %d after", st.Learned, base, after)
		limit := float64(base) * float64(len(gridstream.Utilities)+easyLearned) / float64(len(gridstream.Utilities))
		if st.Learned > easyLearned || float64(after) > 1.2*limit+5 {
			t.Errorf("4000 crafted frames taught %d networks; random frames pass %d times, %d before", st.Learned, after, base)
		}
	})
	t.Run("one meter", func(t *testing.T) {
		dec, _ := gridstream.NewDecoder(gridstream.Config{})
		for _, in := range craftedInits(rng, 2000) {
			for c := range byte(2) {
				f := unknownFrame(in, c)
				f[14], f[15], f[26], f[27] = 0xAB, 0xCD, 0xAB, 0xCD
				c := gridstream.CRC16(in, f[4:len(f)-2])
				f[len(f)-2], f[len(f)-1] = byte(c>>8), byte(c)
				sendFrame(dec, f)
			}
		}
		if st := dec.Counts(); st.Learned != 1 {
			t.Errorf("4000 crafted frames of one meter taught %d networks", st.Learned)
		}
	})
	t.Run("many frames per init", func(t *testing.T) {
		dec, _ := gridstream.NewDecoder(gridstream.Config{})
		for _, in := range craftedInits(rng, 200) {
			for c := range byte(40) {
				sendFrame(dec, unknownFrame(in, c))
			}
		}
		if st := dec.Counts(); st.Learned > maxLearned || st.KnownNetworks > len(gridstream.Utilities)+maxLearned {
			t.Errorf("learned %d networks, cap %d; %d known", st.Learned, maxLearned, st.KnownNetworks)
		}
	})
	t.Run("confirmations grow with the networks learned", func(t *testing.T) {
		dec, _ := gridstream.NewDecoder(gridstream.Config{})
		// Inits one bit from a network on the air are learned only from
		// frames whose soft symbols show that bit received well (this
		// input has none): they are left out here.
		var inits []uint16
		for _, in := range craftedInits(rng, 400) {
			if !slices.ContainsFunc(inits, func(o uint16) bool { return gridstream.OneBitFrom(in, o, 33) }) &&
				!slices.ContainsFunc(gridstream.Utilities, func(u gridstream.Utility) bool { return gridstream.OneBitFrom(in, u.Init, 33) }) {
				inits = append(inits, in)
			}
		}
		for k, in := range inits[:easyLearned+12] {
			need := 2
			if k >= easyLearned {
				need = 3 + (k-easyLearned)/8
			}
			for c := range need {
				got := sendFrame(dec, unknownFrame(in, byte(c)))
				if c < need-1 && len(got) != 0 {
					t.Fatalf("network %d learned from %d frames, want %d", k+1, c+1, need)
				}
				if c == need-1 && len(got) != need {
					t.Fatalf("network %d: frame %d of %d emitted %d messages, want all %d", k+1, c+1, need, len(got), need)
				}
			}
		}
	})
}

// A learned network not heard for 30 days is forgotten; hearing it keeps
// it, across restarts (the state file keeps when it was last heard).
func TestLearnedNetworksExpire(t *testing.T) {
	state := filepath.Join(t.TempDir(), "networks.json")
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *gridstream.Decoder {
		now := t0.Add(d)
		dec, err := gridstream.NewDecoder(gridstream.Config{StatePath: state, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		return dec
	}
	const a, b = 0x1234, 0x4321
	day := 24 * time.Hour
	dec := at(0)
	for _, in := range []uint16{a, b} {
		sendFrame(dec, unknownFrame(in, 1))
		sendFrame(dec, unknownFrame(in, 2))
		sendFrame(dec, unknownFrame(in, 3))
	}
	if n := len(dec.Learned()); n != 2 {
		t.Fatalf("%d networks learned, want 2", n)
	}
	// Day 20: a is heard again, b is not.
	if got := sendFrame(at(20*day), unknownFrame(a, 4)); len(got) != 1 || !got[0].CRCOK {
		t.Fatalf("day 20: %+v", got)
	}
	b2, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Networks []map[string]any `json:"networks"`
	}
	if err := json.Unmarshal(b2, &st); err != nil || len(st.Networks) != 2 {
		t.Fatalf("state file: %v\n%s", err, b2)
	}
	// Day 35: b (last heard on day 0) is gone, a (day 20) is kept.
	dec = at(35 * day)
	if got := sendFrame(dec, unknownFrame(a, 5)); len(got) != 1 || !got[0].CRCOK {
		t.Fatalf("day 35: the network heard on day 20 was forgotten: %+v", got)
	}
	if got := sendFrame(dec, unknownFrame(b, 5)); len(got) != 0 {
		t.Fatalf("day 35: the network last heard on day 0 was kept: %+v", got[0])
	}
	if l := dec.Learned(); len(l) != 1 || l[0].CRCInit != "1234" {
		t.Fatalf("learned %+v", l)
	}
}

// Two processes (here: decoders) sharing a state file keep each other's
// networks: saves merge under a file lock.
func TestSharedStateFile(t *testing.T) {
	state := filepath.Join(t.TempDir(), "networks.json")
	const workers = 8
	inits := craftedInits(rand.New(rand.NewPCG(15, 15)), workers)
	decs := make([]*gridstream.Decoder, workers)
	for i := range decs {
		var err error
		if decs[i], err = gridstream.NewDecoder(gridstream.Config{StatePath: state}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i, dec := range decs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sendFrame(dec, unknownFrame(inits[i], 1))
			sendFrame(dec, unknownFrame(inits[i], 2))
		}()
	}
	wg.Wait()
	dec, err := gridstream.NewDecoder(gridstream.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, l := range dec.Learned() {
		have[l.CRCInit] = true
	}
	for _, in := range inits {
		if !have[gridstream.FormatInit(in)] {
			t.Errorf("network %04X lost; the file has %v", in, have)
		}
	}
	if t.Failed() {
		b, _ := os.ReadFile(state)
		t.Logf("state file:\n%s", b)
	}
}

// The learning pool and the learned networks stay within their documented
// bound (README, Limits and memory) under a flood of long frames of
// random networks, many per network.
func TestLearningMemoryBound(t *testing.T) {
	dec, _ := gridstream.NewDecoder(gridstream.Config{EmitFailed: false})
	rng := rand.New(rand.NewPCG(16, 16))
	inits := craftedInits(rng, 4000)
	long := func(init uint16, c byte) []byte {
		f := []byte{0x2A, 0xD5, 0x00, 0xFD, 0x21}
		for i := range 0xFD - 3 {
			f = append(f, byte(i)^c)
		}
		return withCRC(init, f, 4)
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	for i := range 2000 { // warm up: fill the pool
		sendFrame(dec, long(inits[i%len(inits)], byte(i)))
	}
	before := heap()
	for i := range 100000 {
		sendFrame(dec, long(inits[(i/25)%len(inits)], byte(i)))
	}
	grew := int64(heap()) - int64(before)
	st := dec.Counts()
	t.Logf("heap grew %d bytes over 100000 frames; learned %d", grew, st.Learned)
	if st.Learned > maxLearned || grew > 256<<10 {
		t.Errorf("heap grew %d bytes, learned %d networks", grew, st.Learned)
	}
}

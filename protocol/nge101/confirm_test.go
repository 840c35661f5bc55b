package nge101_test

import (
	"encoding/hex"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// bitsRun feeds a bit stream to a decoder's stream in chunks and returns
// the messages, good and failed.
func bitsRun(t *testing.T, dec *nge101.Decoder, stream []byte, chunk int) (good, failed []*frames.Message) {
	t.Helper()
	s := dec.NewStream(protocol.Output{Emit: func(m *frames.Message) {
		if m.CRCOK {
			good = append(good, m)
		} else {
			failed = append(failed, m)
		}
	}})
	for len(stream) > 0 {
		n := min(chunk, len(stream))
		s.Bits(stream[:n])
		stream = stream[n:]
	}
	s.Flush()
	return good, failed
}

// randomBits returns n random bits, one per byte.
func randomBits(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; i += 64 {
		v := rng.Uint64()
		for j := i; j < min(i+64, n); j++ {
			b[j] = byte(v & 1)
			v >>= 1
		}
	}
	return b
}

// TestBitsNoiseFalsePackets: random bits (a GridStream channel's noise, or
// an idle binary slicer) pass the head, kind bit and 15-bit check about
// once every 2²³ bits; none of those is emitted as a packet, since no
// second packet of its device follows.
func TestBitsNoiseFalsePackets(t *testing.T) {
	const n = 48 << 20
	stream := randomBits(rand.New(rand.NewPCG(8, 23)), n)
	candidates := 0
	f := nge101.NewFinder(func(nge101.Packet) { candidates++ })
	f.Bits(stream)
	dec, _ := nge101.NewDecoder(nge101.Config{})
	good, _ := bitsRun(t, dec, stream, 1<<16)
	t.Logf("%d Mbit of random bits: %d windows pass the check, %d packets emitted", n>>20, candidates, len(good))
	if candidates == 0 {
		t.Fatal("no window passed the check: the noise does not test anything")
	}
	if len(good) != 0 || dec.Stats().Good != 0 || dec.Stats().Failed != int64(candidates) {
		t.Errorf("%d false packets emitted, stats %+v", len(good), dec.Stats())
	}
}

// TestUnheardDeviceHeld: a packet from a device (channel, id) not heard
// before is emitted once another packet of that device confirms it: its
// pair (the transmitter sends a power packet twice, or an energy packet
// and a power packet, back to back) or the next transmission 43 s later;
// then the device's packets pass at once.
func TestUnheardDeviceHeld(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	power := func(id, gap int) []byte { return nge101.NewPacket(id, 2, false, uint64(gap), false) }
	energy := func(id int, count uint64) []byte { return nge101.NewPacket(id, 2, true, count, false) }
	noise := func(n int) []byte { return randomBits(rng, n) }
	cat := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	interval := 44239 // bits between transmissions (43 s) at one bit per cell
	for _, tc := range []struct {
		name   string
		stream []byte
		good   int // packets emitted, in stream order
		failed int // packets not believed
	}{
		{"lone packet", cat(noise(100), power(7, 4547), noise(100)), 0, 1},
		{"power packet twice", cat(noise(100), power(7, 4547), noise(5), power(7, 4547), noise(100)), 2, 0},
		{"energy and power", cat(noise(100), energy(7, 123456), noise(5), power(7, 4547), noise(100)), 2, 0},
		{"pair lost, next transmission", cat(noise(100), power(7, 4547), noise(interval), power(7, 4100), noise(100)), 2, 0},
		{"too far apart", cat(noise(100), power(7, 4547), noise(4*interval), power(7, 4100), noise(100)), 0, 2},
		{"two devices", cat(noise(100), power(7, 4547), noise(5), power(8, 4547), noise(100)), 0, 2},
		{"heard, then alone", cat(noise(100), power(7, 4547), noise(5), power(7, 4547), noise(interval), energy(7, 99), noise(100)), 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunk := range []int{1, 61, 1 << 20} {
				dec, _ := nge101.NewDecoder(nge101.Config{})
				good, failed := bitsRun(t, dec, tc.stream, chunk)
				if len(good) != tc.good || len(failed) != 0 || dec.Stats().Failed != int64(tc.failed) {
					t.Fatalf("chunk %d: %d good, %d failed emitted, stats %+v; want %d good, %d not believed",
						chunk, len(good), len(failed), dec.Stats(), tc.good, tc.failed)
				}
				// The summary says why a packet whose check matched failed.
				if got := counter(dec.Stats(), "unconfirmed"); got != int64(tc.failed) {
					t.Fatalf("chunk %d: unconfirmed counter %d, want %d", chunk, got, tc.failed)
				}
				for i := 1; i < len(good); i++ {
					if good[i].BitOffset <= good[i-1].BitOffset {
						t.Fatalf("chunk %d: packets out of order: %d after %d", chunk, good[i].BitOffset, good[i-1].BitOffset)
					}
				}
				// With EmitFailed, a packet not believed is shown failed.
				dec, _ = nge101.NewDecoder(nge101.Config{EmitFailed: true})
				if _, failed := bitsRun(t, dec, tc.stream, chunk); len(failed) != tc.failed {
					t.Fatalf("chunk %d, EmitFailed: %d failed messages, want %d", chunk, len(failed), tc.failed)
				}
			}
		})
	}
}

// FuzzNGE101BitStream runs arbitrary bits through a decoder's stream, in
// chunks: with EmitFailed every packet found is emitted exactly once,
// believed or not, by the end of the stream.
func FuzzNGE101BitStream(f *testing.F) {
	pkt := nge101.NewPacket(7, 2, false, 4547, false)
	f.Add(append(append(append([]byte{0, 1}, pkt...), 1, 0, 1), pkt...), uint16(13))
	f.Add(append(append([]byte{1}, nge101.NewPacket(7, 2, true, 99, false)...), pkt...), uint16(1))
	f.Fuzz(func(t *testing.T, in []byte, chunk uint16) {
		dec, _ := nge101.NewDecoder(nge101.Config{EmitFailed: true})
		emitted := 0
		s := dec.NewStream(protocol.Output{Emit: func(m *frames.Message) {
			emitted++
			if m.CRCOK {
				if c, sent := nge101.Check(packetBits(t, m)); c != sent {
					t.Fatalf("%s emitted good, its check fails", m.Raw)
				}
			}
		}})
		n := max(1, int(chunk)%512)
		for p := in; len(p) > 0; p = p[min(n, len(p)):] {
			s.Bits(p[:min(n, len(p))])
		}
		s.Flush()
		if st := dec.Stats(); int64(emitted) != st.Frames {
			t.Fatalf("%d messages, %d packets found", emitted, st.Frames)
		}
	})
}

// counter returns the protocol counter name of st, -1 when there is none.
func counter(st protocol.Stats, name string) int64 {
	for _, c := range st.Counters {
		if c.Name == name {
			return c.Value
		}
	}
	return -1
}

// packetBits unpacks a message's packet (Raw, MSB first) to its bits.
func packetBits(t *testing.T, m *frames.Message) []byte {
	raw, err := hex.DecodeString(m.Raw)
	if err != nil {
		t.Fatal(err)
	}
	bits := make([]byte, m.Fields.(*nge101.Fields).Bits)
	for i := range bits {
		bits[i] = raw[i/8] >> (7 - i%8) & 1
	}
	return bits
}

// TestHeldPacketStampedWhenFound: a packet held until its device is
// confirmed (or until nothing confirms it) carries the time it was found
// and is annotated then (Output.Annotate: an input's tags, radio fields and
// offset are those at the packet's own position), not the moment it is
// let go, up to three 43 s intervals later in a live stream.
func TestHeldPacketStampedWhenFound(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	interval := 44239 // bits between transmissions (43 s) at one bit per cell
	first := nge101.NewPacket(7, 2, false, 4547, false)
	var stream []byte
	stream = append(stream, randomBits(rng, 100)...)
	stream = append(stream, first...)
	stream = append(stream, randomBits(rng, interval)...) // its pair lost
	stream = append(stream, nge101.NewPacket(7, 2, false, 4100, false)...)
	stream = append(stream, randomBits(rng, 100)...)
	lone := append(randomBits(rng, 100), nge101.NewPacket(9, 3, false, 4547, false)...)
	stream = append(stream, lone...)
	stream = append(stream, randomBits(rng, 4*interval)...) // nothing confirms it

	const chunk = 1000
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	fed := 0 // bits fed before the chunk being decoded
	now := func() time.Time { return t0.Add(time.Duration(fed/chunk) * time.Second) }
	dec, _ := nge101.NewDecoder(nge101.Config{EmitFailed: true, Now: now})
	annotatedAt := map[*frames.Message]int{}
	var msgs []*frames.Message
	s := dec.NewStream(protocol.Output{
		Annotate: func(m *frames.Message) { annotatedAt[m] = fed },
		Emit:     func(m *frames.Message) { msgs = append(msgs, m) },
	})
	for ; fed < len(stream); fed += chunk {
		s.Bits(stream[fed:min(fed+chunk, len(stream))])
	}
	s.Flush()
	if len(msgs) != 3 || !msgs[0].CRCOK || !msgs[1].CRCOK || msgs[2].CRCOK {
		t.Fatalf("%d messages, want the confirmed pair and the lone packet shown failed", len(msgs))
	}
	for _, m := range msgs {
		end := int(m.BitOffset) + m.Fields.(*nge101.Fields).Bits
		foundIn := (end - 1) / chunk * chunk // the chunk holding its last bit
		if want := t0.Add(time.Duration(foundIn/chunk) * time.Second).Format(frames.TimeLayout); m.Time != want {
			t.Errorf("packet at bit %d (crc_ok %v): time %s, want %s (when it was found)", m.BitOffset, m.CRCOK, m.Time, want)
		}
		if at, ok := annotatedAt[m]; !ok || at != foundIn {
			t.Errorf("packet at bit %d: annotated in the chunk at bit %d (%v), want %d", m.BitOffset, at, ok, foundIn)
		}
	}
}

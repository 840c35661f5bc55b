package protocols_test

import (
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
	"github.com/gridstream-sdr/gridstream/synth"
)

// The toy is a protocol.Transmitter too: its frame is the id byte, the
// counter and the CRC-8, sent after a 1010… preamble and the sync word,
// every bit most significant first.

func (toy) AppendAir(dst, frame []byte, f protocol.Framing) ([]byte, int) {
	pre := max(f.PreambleBits, 16)
	for i := pre - 1; i >= 0; i-- {
		dst = append(dst, byte(i&1))
	}
	for i := 15; i >= 0; i-- {
		dst = append(dst, byte(uint16(toySync)>>i&1))
	}
	for _, b := range frame {
		for i := 7; i >= 0; i-- {
			dst = append(dst, b>>i&1)
		}
	}
	return dst, pre + 16
}

func (toy) MaxAirSymbols(n int, f protocol.Framing) int { return max(f.PreambleBits, 16) + 16 + 8*n }

func (toy) RandomFrame(rng *rand.Rand, _ protocol.Traffic) []byte {
	f := []byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}
	return append(f, crc8(f))
}

func (toy) ParseFrame(s string) ([]byte, error) { return hex.DecodeString(s) }

func (toy) ParseKey(string) (uint16, error) { return 0, errors.New("toy: no keys") }

func (toy) Encode(protocol.Values) ([]byte, error) { return nil, errors.New("toy: give frames") }

// A third protocol is synthesized without touching synth: toy bursts and
// GridStream bursts rendered into one recording, and the pure-Go receiver
// with the toy in its list decodes every one of them.
func TestToyProtocolSynthesized(t *testing.T) {
	var tx protocol.Transmitter = toy{}
	list := append(protocols.All(), toy{})
	decs, err := protocol.NewDecoders(list, protocol.DecoderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	const rate = 1e6
	rng := rand.New(rand.NewPCG(5, 6))
	var bursts []synth.Burst
	want := map[string]bool{}
	start := int64(0.01 * rate)
	for i := range 12 {
		b := synth.Burst{Start: start, FSK: &synth.FSKBurst{Protocol: tx, Frame: tx.RandomFrame(rng, protocol.Traffic{}),
			PreambleBits: 24, FreqOffset: float64(i%3-1) * 200e3, SNRdB: 18}}
		if i%4 == 3 { // a GridStream frame between them
			b.FSK = &synth.FSKBurst{Baud: 38400, SNRdB: 18}
			b.FSK.Frame, _ = synth.ParseFrameHex("2AD500142290000057900000C7510F07000316A41B109E1F")
		}
		bursts = append(bursts, b)
		start += b.Samples(rate) + int64(0.02*rate)
	}
	var got []*frames.Message
	rx, err := demod.New(demod.Config{SampleRate: rate, Decoders: decs}, func(m *frames.Message) { got = append(got, m) })
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(synth.Config{SampleRate: rate, Seed: 7}, synth.Bursts(bursts...))
	buf := make([]complex64, 1<<15)
	for {
		n, err := g.Read(buf)
		rx.Process(buf[:n])
		if err != nil {
			break
		}
	}
	rx.Flush()
	truth := synth.TruthLines(g.Truth(), rate, 0)
	for _, l := range truth {
		want[l.Protocol+" "+l.Raw] = true
	}
	found := map[string]bool{}
	for _, m := range got {
		if m.CRCOK {
			found[m.Protocol+" "+strings.ToUpper(m.Raw)] = true
		}
	}
	toys := 0
	for k := range want {
		if !found[k] {
			t.Errorf("sent, not decoded: %s", k)
		}
		if strings.HasPrefix(k, "toy ") {
			toys++
		}
	}
	if toys != 9 || len(truth) != 12 {
		t.Errorf("truth: %d bursts, %d different toy frames; want 12 and 9", len(truth), toys)
	}
}

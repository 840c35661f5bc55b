package demod

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/synth"
)

// result counts what a scenario decoded against its truth.
type result struct {
	sent, found, extra int
	msgs               []*frames.Message
	truth              []synth.Truth
	stats              Stats
}

// runScenario renders src through the receiver chunk by chunk.
func runScenario(t testing.TB, fs, center float64, seed uint64, src synth.Source, cfg Config) result {
	t.Helper()
	dec := testDecoders(gridstream.Config{NoLearn: true})
	var res result
	cfg.SampleRate = fs
	cfg.CenterFreq = center
	cfg.Decoders = dec
	rx, err := New(cfg, func(m *frames.Message) { res.msgs = append(res.msgs, m) })
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
	res.truth = g.Truth()
	res.stats = rx.Stats()
	want := map[string]int{}
	for _, tr := range res.truth {
		if tr.Protocol == gridstream.Name {
			want[key(hexUpper(tr.Frame))]++
			res.sent++
		}
	}
	for _, m := range res.msgs {
		if m.Protocol != gridstream.Name || !m.CRCOK {
			continue
		}
		if k := key(m.Raw); want[k] > 0 {
			want[k]--
			res.found++
		} else {
			res.extra++
		}
	}
	return res
}

func hexUpper(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 2*len(b))
	for i, v := range b {
		out[2*i], out[2*i+1] = digits[v>>4], digits[v&15]
	}
	return string(out)
}

// key is the CRC-covered part of a frame's hex (from the CI byte): bit
// errors in the type, reserved and length bytes are not the receiver's to
// catch.
func key(raw string) string {
	if len(raw) < 8 {
		return raw
	}
	return raw[8:]
}

// testDecoders returns a decoder of each protocol, GridStream's made from
// cfg.
func testDecoders(cfg gridstream.Config) []protocol.Decoder {
	gs, err := gridstream.NewDecoder(cfg)
	if err != nil {
		panic(err)
	}
	return testDecodersWith(gs)
}

// testDecodersWith returns gs and a default decoder of every other protocol.
func testDecodersWith(gs *gridstream.Decoder) []protocol.Decoder {
	nge, _ := nge101.NewDecoder(nge101.Config{})
	return []protocol.Decoder{gs, nge}
}

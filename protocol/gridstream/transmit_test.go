package gridstream_test

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// TestTransmitterRoundTrip: every random frame the transmitter makes is
// CRC-good for its init, of the kind Traffic asks, and the deframer finds it
// in what AppendAir sends, at the index AppendAir names, within
// MaxAirSymbols.
func TestTransmitterRoundTrip(t *testing.T) {
	var tx protocol.Transmitter = gridstream.Protocol{}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tr := range []protocol.Traffic{
		{},
		{Keys: []uint16{0x142A, 0xB5E3}},
		{Keys: []uint16{0x7A31}, Broadcast: true},
		{Keys: []uint16{0x7A31}, Lengths: []byte{0x11, 0xFD}},
	} {
		for i := range 40 {
			f := tx.RandomFrame(rng, tr)
			keys := tr.Keys
			if len(keys) == 0 {
				keys = []uint16{gridstream.DefaultInit}
			}
			good := false
			for _, k := range keys {
				good = good || gridstream.CRC16(k, f[4:len(f)-2]) == uint16(f[len(f)-2])<<8|uint16(f[len(f)-1])
			}
			switch {
			case !good:
				t.Fatalf("%+v: frame % X fails its CRC", tr, f)
			case tr.Broadcast && (f[1] != 0x55 || f[3] != 0x23 || len(f) != 39):
				t.Fatalf("%+v: not a 0x55 broadcast: % X", tr, f)
			case len(tr.Lengths) > 0 && (f[1] != 0xD5 || bytes.IndexByte(tr.Lengths, f[3]) < 0 || len(f) != int(f[3])+4):
				t.Fatalf("%+v: not a 0xD5 frame of the lengths: % X", tr, f)
			}
			fr := protocol.Framing{PreambleBits: 16 + i, Variant: 4 + i%2, Trailer: 0x04}
			pad := []byte{1, 0, 1}
			air, at := tx.AppendAir(append([]byte(nil), pad...), f, fr)
			if n := len(air) - len(pad); n > tx.MaxAirSymbols(len(f), fr) {
				t.Fatalf("%d symbols, more than MaxAirSymbols %d", n, tx.MaxAirSymbols(len(f), fr))
			}
			var got []gridstream.RawFrame
			d := gridstream.NewDeframer(gridstream.DefaultDeframerOptions(), func(r gridstream.RawFrame) {
				r.Bytes = append([]byte(nil), r.Bytes...)
				got = append(got, r)
			})
			d.Bits(append(air, make([]byte, 64)...))
			d.Flush()
			if len(got) != 1 || !bytes.Equal(got[0].Bytes, f) || got[0].Version != fr.Variant || got[0].BitOffset != int64(len(pad)+at) {
				t.Fatalf("%+v: deframed %+v, want % X version %d at %d", fr, got, f, fr.Variant, len(pad)+at)
			}
		}
	}
}

func TestParseFrameHex(t *testing.T) {
	const pse = "2AD500142290000057900000C7510F07000316A41B109E1F"
	for _, tc := range []struct{ in, want, err string }{
		{pse, pse, ""},
		{"00FF" + pse, pse, ""},
		{"80FF" + pse, pse, ""},
		{"0x" + pse, pse, ""},
		{" 2A D5 00 14:22-90\t00 00 57900000C7510F07000316A41B109E1F ", pse, ""},
		{"2AD50014", "2AD50014", ""},
		{"2AD500", "", "a frame starts with the 2A byte"},
		{"55" + pse, "", "a frame starts with the 2A byte"},
		{"01FF" + pse, "", "a frame starts with the 2A byte"},
		{"2AD5001", "", "not hex"},
		{"zz", "", "not hex"},
		{"", "", "a frame starts"},
	} {
		f, err := gridstream.Protocol{}.ParseFrame(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !strings.EqualFold(hex.EncodeToString(f), tc.want) {
			t.Errorf("%q: % X, %v", tc.in, f, err)
		}
	}
}

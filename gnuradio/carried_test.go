package gnuradio

import (
	"errors"
	"slices"
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
)

// Which protocols an input's items carry: FSK ones in bits, soft symbols
// and FM samples, OOK ones in levels, unless the user chose; FM samples
// never carry an OOK protocol.
func TestCarried(t *testing.T) {
	all, err := protocol.NewDecoders(protocols.All(), protocol.DecoderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	fsk, ook := protocol.Modulated(all, protocol.FSK), protocol.Modulated(all, protocol.OOK)
	if len(fsk) == 0 || len(ook) == 0 {
		t.Fatal("the list needs an FSK and an OOK protocol")
	}
	for _, tc := range []struct {
		format string
		decs   []protocol.Decoder
		chosen bool
		want   []protocol.Decoder
		err    error
	}{
		{Bits, all, false, fsk, nil},
		{Soft, all, false, fsk, nil},
		{Levels, all, false, ook, nil},
		{FM, all, false, fsk, nil},
		{Bits, all, true, all, nil},
		{Levels, fsk, true, fsk, nil},
		{FM, all, true, fsk, nil},
		{FM, ook, true, nil, ErrNoFSK},
	} {
		got, err := Spec{Format: tc.format}.Carried(tc.decs, tc.chosen)
		if !errors.Is(err, tc.err) || !slices.Equal(got, tc.want) {
			t.Errorf("%s of %d decoders, chosen %v: %d decoders, %v", tc.format, len(tc.decs), tc.chosen, len(got), err)
		}
	}
}

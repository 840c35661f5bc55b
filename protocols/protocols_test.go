package protocols_test

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
)

// Every protocol in the list is complete: a unique name, radio facts that
// a receiver can use, options whose names no other protocol uses (they are
// flags of one command line) with defaults of a known type inside their
// range, and a decoder with library defaults.
func TestList(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // default state files stay in the test
	names := map[string]bool{}
	options := map[string]string{}
	for _, p := range protocols.All() {
		name := p.Name()
		if name == "" || names[name] {
			t.Errorf("protocol name %q empty or repeated", name)
		}
		names[name] = true
		r := p.Radio()
		switch {
		case r.BandLow <= 0 || r.BandHigh < r.BandLow || r.MaxSymbols <= 0:
			t.Errorf("%s: radio %+v", name, r)
		case r.Modulation == protocol.FSK && (len(r.Rates) == 0 || r.OOK != nil):
			t.Errorf("%s: FSK without rates, or with OOK timing", name)
		case r.Modulation == protocol.OOK && (r.OOK == nil || r.OOK.HalfCell <= 0 || r.OOK.Gap <= 0 || r.OOK.MaxBits <= 0):
			t.Errorf("%s: OOK without timing", name)
		}
		for _, s := range r.Sync {
			if s.Bits <= 0 || s.Bits > 64 || s.Exact > s.Bits || s.Errors(s.Pattern) != 0 {
				t.Errorf("%s: sync %+v", name, s)
			}
		}
		for _, o := range p.Options() {
			if other, ok := options[o.Name]; ok {
				t.Errorf("option --%s of %s and %s", o.Name, name, other)
			}
			options[o.Name] = name
			var v float64
			switch d := o.Value.(type) {
			case int:
				v = float64(d)
			case float64:
				v = d
			case bool, string, []string:
				continue
			default:
				t.Errorf("%s --%s: default of type %T", name, o.Name, o.Value)
				continue
			}
			if o.Max != 0 && (v < o.Min || v > o.Max) {
				t.Errorf("%s --%s: default %v outside %v-%v", name, o.Name, v, o.Min, o.Max)
			}
		}
		d, err := p.NewDecoder(protocol.DecoderConfig{})
		if err != nil || d.Protocol().Name() != name {
			t.Errorf("%s: NewDecoder: %v", name, err)
			continue
		}
		if _, err := p.NewDecoder(protocol.DecoderConfig{Settings: protocol.Defaults(p.Options())}); err != nil {
			t.Errorf("%s: NewDecoder with the options' defaults: %v", name, err)
		}
	}
}

package synth

import (
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
)

// The default protocols of FSKBurst (FSK) and OOKPacketBurst (OOK), from
// the list: what they send is theirs (protocol.Transmitter), how it goes
// through the air is synth's.
var (
	fskTx = transmitter("gridstream")
	ookTx = transmitter("nge101")
	// ookTiming is ookTx's line coding.
	ookTiming = *ookTx.Radio().OOK
)

// transmitter returns the listed protocol called name that synth can send.
func transmitter(name string) protocol.Transmitter {
	for _, t := range protocol.Transmitters(protocols.All()) {
		if t.Name() == name {
			return t
		}
	}
	panic("synth: no transmitter " + name + " in the protocol list")
}

// optionDefault is the default of the listed protocols' option name.
func optionDefault(name string) any {
	for _, p := range protocols.All() {
		for _, o := range p.Options() {
			if o.Name == name {
				return o.Value
			}
		}
	}
	panic("synth: no protocol option --" + name)
}

// Package protocols is the one list of the protocols gridstream decodes.
// The pipeline, the receiver, the outputs and the command line loop over
// it; adding a protocol is one package and one line here (see
// CONTRIBUTING.md).
package protocols

import (
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// All returns every protocol gridstream decodes, in the order outputs and
// --help list them.
func All() []protocol.Protocol {
	return []protocol.Protocol{
		gridstream.Protocol{},
		nge101.Protocol{},
	}
}

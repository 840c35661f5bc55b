package dashboard

import (
	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/web"
)

// Burst passes a burst the receiver demodulated to the band view.
func (d *Dashboard) Burst(b demod.Burst) {
	d.live.bursts.Add(1)
	d.hub.SendBurst(BandBurst(b, d.live.SampleRate))
}

// BandBurst is b as the band view shows it, at sample rate fs: its span in
// seconds, its devices (protocol/id) and networks from its CRC-good
// messages, and the baud of the first of them that has radio fields.
func BandBurst(b demod.Burst, fs float64) web.Burst {
	wb := web.Burst{Start: float64(b.Start) / fs, End: float64(b.End) / fs, FreqLo: b.FreqLo, FreqHi: b.FreqHi,
		Decoded: b.Decoded(), CRCFailed: b.CRCFailed && !b.Decoded(), RSSIdB: b.RSSIdB, SNRdB: b.SNRdB}
	for _, m := range b.Messages {
		if !m.CRCOK {
			continue
		}
		if wb.Baud == 0 && m.Radio != nil {
			wb.Baud = m.Baud
		}
		if id := m.DeviceID(); id != "" {
			wb.Devices = appendNew(wb.Devices, m.Protocol+"/"+id)
		}
		wb.Networks = appendNew(wb.Networks, networkOf(m))
	}
	return wb
}

// networkOf names the network a message belongs to, for colouring: the
// protocol's own name for it when it has networks (GridStream: the
// utility), else the protocol.
func networkOf(m *frames.Message) string {
	if n, ok := m.Fields.(interface{ Network() string }); ok && n.Network() != "" {
		return n.Network()
	}
	return m.Protocol
}

func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

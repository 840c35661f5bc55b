package protocol

import (
	"math"

	"github.com/gridstream-sdr/gridstream/frames"
)

// RadioState is the part of a device's retained state that the receiver
// measures: the latest signal strength, SNR and frequency. A device state
// embeds it, so its JSON keys sit where the embedding is.
type RadioState struct {
	RSSIdB *float64 `json:"rssi_db"`
	SNRdB  *float64 `json:"snr_db"`
	FreqHz *float64 `json:"freq_hz"`
}

// UpdateRadio takes the measurements r carries; a message without them
// (a bit stream from GNU Radio, a hex line) leaves the state as it was.
// Values that are not finite are never kept: the state must stay valid JSON.
func (s *RadioState) UpdateRadio(r *frames.Radio) {
	if r == nil {
		return
	}
	if finite(r.RSSIdB) {
		s.RSSIdB, s.SNRdB = r.RSSIdB, nil
		if finite(r.SNRdB) {
			s.SNRdB = r.SNRdB
		}
	}
	if finite(r.FreqHz) {
		s.FreqHz = r.FreqHz
	}
}

// HasSignal reports whether a signal strength has been measured.
func (s *RadioState) HasSignal() bool { return s.RSSIdB != nil }

func finite(v *float64) bool {
	return v != nil && !math.IsNaN(*v) && !math.IsInf(*v, 0)
}

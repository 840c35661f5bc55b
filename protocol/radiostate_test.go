package protocol

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
)

func TestRadioStateKeepsOnlyFiniteMeasurements(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name       string
		radios     []*frames.Radio
		rssi, freq *float64
		snr        *float64
	}{
		{"nothing measured", []*frames.Radio{nil, {}}, nil, nil, nil},
		{"measured", []*frames.Radio{{RSSIdB: f(-40), SNRdB: f(12), FreqHz: f(915e6)}}, f(-40), f(915e6), f(12)},
		{"a later message without radio keeps the last", []*frames.Radio{{RSSIdB: f(-40), SNRdB: f(12), FreqHz: f(915e6)}, nil, {}}, f(-40), f(915e6), f(12)},
		{"NaN and Inf are not kept", []*frames.Radio{{RSSIdB: f(-40), SNRdB: f(12), FreqHz: f(915e6)}, {RSSIdB: f(math.NaN()), FreqHz: f(math.Inf(1))}}, f(-40), f(915e6), f(12)},
		{"a strength without SNR clears the old SNR", []*frames.Radio{{RSSIdB: f(-40), SNRdB: f(12)}, {RSSIdB: f(-30), SNRdB: f(math.NaN())}}, f(-30), nil, nil},
	}
	eq := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s RadioState
			for _, r := range tt.radios {
				s.UpdateRadio(r)
			}
			if !eq(s.RSSIdB, tt.rssi) || !eq(s.SNRdB, tt.snr) || !eq(s.FreqHz, tt.freq) {
				t.Errorf("got rssi %v snr %v freq %v", s.RSSIdB, s.SNRdB, s.FreqHz)
			}
			if s.HasSignal() != (tt.rssi != nil) {
				t.Errorf("HasSignal = %v", s.HasSignal())
			}
			if _, err := json.Marshal(&s); err != nil {
				t.Errorf("state is not JSON: %v", err)
			}
		})
	}
}

package nge101_test

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// A transmitter id is "channel-id"; a GridStream meter id is not one.
func TestParseDeviceID(t *testing.T) {
	for in, want := range map[string]string{" 1-42 ": "1-42", "01-042": "1-42", "0B1C2D3E": "", "a-b": "", "1-": ""} {
		got, ok := nge101.Protocol{}.ParseDeviceID(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseDeviceID(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

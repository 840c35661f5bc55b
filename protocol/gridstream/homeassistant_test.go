package gridstream_test

import (
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

var epoch = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// meterMsg is a decoded 0x55 broadcast of meter src.
func meterMsg(src string, counter int, uptime int64, at time.Time) *frames.Message {
	m := &frames.Message{Protocol: gridstream.Name, CRCOK: true, Raw: "2A55",
		Fields: &gridstream.Fields{Version: 4, Type: "55", CI: "30", Length: 0x23, Src: src, Counter: &counter, UptimeS: &uptime}}
	m.Stamp(at)
	return m
}

// A meter id is read as users write it: any case, leading zeros and 0x
// optional; a WAN address as it is; an NGE101 "channel-id" is not one.
func TestParseDeviceID(t *testing.T) {
	for in, want := range map[string]string{
		"0b1c2d3e": "0B1C2D3E", "b1c2d3e": "0B1C2D3E", "0xF0EE36DB": "F0EE36DB", "FE5021D00500": "FE5021D00500",
		" 1-42 ": "", "a-b": "", "": "", "zz": "",
	} {
		got, ok := gridstream.Protocol{}.ParseDeviceID(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseDeviceID(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

// TestLastOutage checks that the derived outage time ignores reception jitter
// but follows a real new outage (the uptime restarting).
func TestLastOutage(t *testing.T) {
	d := gridstream.Protocol{}.NewDevice(meterMsg("0B1C2D3E", 1, 1000, epoch)).(*gridstream.MeterState)
	steps := []struct {
		at     time.Time
		uptime int64
		want   string
	}{
		{epoch, 1000, "2026-11-23T11:43:20Z"},
		{epoch.Add(62 * time.Second), 1060, "2026-11-23T11:43:20Z"}, // 2 s of jitter
		{epoch.Add(time.Hour), 30, "2026-11-23T12:59:30Z"},          // power came back
	}
	for i, s := range steps {
		d.Update(meterMsg("0B1C2D3E", i, s.uptime, s.at), s.at)
		if got := *d.LastOutage; got != s.want {
			t.Errorf("step %d: last_outage = %s, want %s", i, got, s.want)
		}
	}
}

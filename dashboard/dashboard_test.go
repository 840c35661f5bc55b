package dashboard

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/sink"
	"github.com/gridstream-sdr/gridstream/web"
)

// meter is a device's fields with a network, as GridStream's.
type meter struct{ id, network string }

func (m meter) DeviceID() string { return m.id }
func (m meter) Network() string  { return m.network }

// sensor is a device without networks, as NGE101.
type sensor struct{ id string }

func (s sensor) DeviceID() string { return s.id }

func msg(proto string, ok bool, f frames.Fields, baud int) *frames.Message {
	m := &frames.Message{Protocol: proto, CRCOK: ok, Fields: f}
	if baud > 0 {
		m.Radio = &frames.Radio{Baud: baud}
	}
	return m
}

// The band view's burst: seconds from samples, devices and networks of the
// CRC-good messages once each (failed ones do not count), the first good
// message's baud, "CRC failed" only when nothing decoded.
func TestBandBurst(t *testing.T) {
	const fs = 2.4e6
	for _, tc := range []struct {
		name string
		in   demod.Burst
		want web.Burst
	}{
		{"undecoded", demod.Burst{Start: 240000, End: 480000, FreqLo: 915e6, FreqHi: 915.1e6, RSSIdB: -30, SNRdB: 12},
			web.Burst{Start: 0.1, End: 0.2, FreqLo: 915e6, FreqHi: 915.1e6, RSSIdB: -30, SNRdB: 12}},
		{"failed", demod.Burst{Start: 0, End: 2400, CRCFailed: true,
			Messages: []*frames.Message{msg("gridstream", false, meter{"0CE6ADF7", "B5E3"}, 9600)}},
			web.Burst{End: 0.001, CRCFailed: true}},
		{"decoded twice, a failed one beside", demod.Burst{Start: 0, End: 2400, CRCFailed: true,
			Messages: []*frames.Message{
				msg("gridstream", false, meter{"11111111", "FFFF"}, 38400),
				msg("gridstream", true, meter{"0CE6ADF7", "B5E3"}, 0),
				msg("gridstream", true, meter{"0CE6ADF7", "B5E3"}, 19200),
				msg("gridstream", true, meter{"B1A0C1AB", ""}, 9600),
			}},
			web.Burst{End: 0.001, Decoded: true, Baud: 19200, Devices: []string{"gridstream/0CE6ADF7", "gridstream/B1A0C1AB"},
				Networks: []string{"B5E3", "gridstream"}}},
		{"no networks", demod.Burst{Start: 0, End: 2400,
			Messages: []*frames.Message{msg("nge101", true, sensor{"3-117"}, 0), msg("nge101", true, sensor{""}, 0)}},
			web.Burst{End: 0.001, Decoded: true, Devices: []string{"nge101/3-117"}, Networks: []string{"nge101"}}},
	} {
		if got := BandBurst(tc.in, fs); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

// fakeDecoder has fixed statistics.
type fakeDecoder struct {
	protocol.Decoder
	st protocol.Stats
}

func (f fakeDecoder) Stats() protocol.Stats { return f.st }

// /api/stats sums every protocol's counts by name, counts the messages,
// the devices the table keeps (fed from the outputs) and the bursts, and gives an IQ input's
// signal time; items come from ItemsFn when it is set.
func TestStats(t *testing.T) {
	decs := []protocol.Decoder{
		fakeDecoder{st: protocol.Stats{Frames: 10, Good: 7, Failed: 3, Counters: []protocol.Counter{{Name: "encrypted", Value: 2}, {Name: "shared", Value: 1}}}},
		fakeDecoder{st: protocol.Stats{Frames: 5, Good: 5, Counters: []protocol.Counter{{Name: "shared", Value: 4}}}},
	}
	out := &sink.Fanout{}
	live := &Live{Command: "demod", Input: "rec.cu8", Unit: "S/s", SampleRate: 2e6, CenterFreq: 915e6}
	live.Items.Store(3e6)
	d := New(decs, out, live)
	out.Send(msg(nge101.Name, true, &nge101.Fields{Bits: 55, Channel: 3, ID: 117}, 0))
	out.Send(msg(nge101.Name, true, &nge101.Fields{Bits: 55, Channel: 3, ID: 117}, 0))
	out.Send(msg(nge101.Name, true, &nge101.Fields{Bits: 55, Channel: 1, ID: 4}, 0))
	d.Burst(demod.Burst{Start: 0, End: 2000})
	m := d.Stats()
	for k, v := range map[string]any{
		"command": "demod", "input": "rec.cu8", "input_rate_unit": "S/s", "input_ended": false,
		"messages": int64(3), "devices": 2, "devices_evicted": int64(0), "items": int64(3e6),
		"frames": int64(15), "crc_good": int64(12), "crc_failed": int64(3), "encrypted": int64(2), "shared": int64(5),
		"out_dropped": int64(0), "sample_rate": 2e6, "signal_s": 1.5, "bursts": int64(1), "center_freq_hz": 915e6,
	} {
		if !reflect.DeepEqual(m[k], v) {
			t.Errorf("%s = %#v, want %#v", k, m[k], v)
		}
	}
	if _, ok := m["lost_items"]; ok {
		t.Error("lost_items without LostFn")
	}
	d.InputEnded("end of input")
	live2 := &Live{Command: "decode", Unit: "items/s", ItemsFn: func() int64 { return 42 }, LostFn: func() int64 { return 7 }}
	m2 := New(decs, &sink.Fanout{}, live2).Stats()
	if m2["items"] != int64(42) || m2["lost_items"] != int64(7) {
		t.Errorf("decode's items %v, lost %v", m2["items"], m2["lost_items"])
	}
	for _, k := range []string{"sample_rate", "signal_s", "bursts"} {
		if _, ok := m2[k]; ok {
			t.Errorf("%s for an input that is not IQ", k)
		}
	}
	if m := d.Stats(); m["input_ended"] != true {
		t.Error("input_ended not set")
	}
}

// A started dashboard serves its table and counters, and Close stops it;
// a nil one (no --http) closes too.
func TestStartServes(t *testing.T) {
	out := &sink.Fanout{}
	d, err := Start("127.0.0.1:0", nil, out, &Live{Command: "replay"})
	if err != nil {
		t.Fatal(err)
	}
	out.Send(msg(nge101.Name, true, &nge101.Fields{Bits: 55, Channel: 3, ID: 117}, 0))
	resp, err := http.Get(d.URL() + "api/devices")
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	err = json.NewDecoder(resp.Body).Decode(&rows)
	resp.Body.Close()
	if err != nil || len(rows) != 1 || rows[0]["id"] != "3-117" {
		t.Errorf("/api/devices: %v %v", rows, err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := (*Dashboard)(nil).Close(); err != nil {
		t.Errorf("nil Close: %v", err)
	}
	if _, err := Start("notaport", nil, &sink.Fanout{}, &Live{}); err == nil {
		t.Error("Start on a bad address")
	}
}

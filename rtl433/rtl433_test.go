package rtl433

import (
	"encoding/hex"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

var now = time.Date(2026, 11, 23, 12, 34, 56, 789e6, time.UTC)

// decode runs a real frame or packet through the decoder.
func decode(t *testing.T, gridHex string, nge string) *frames.Message {
	t.Helper()
	var got *frames.Message
	out := protocol.Output{Emit: func(m *frames.Message) { got = m }}
	if gridHex != "" {
		dec, err := gridstream.NewDecoder(gridstream.Config{Now: func() time.Time { return now }, NoLearn: true})
		if err != nil {
			t.Fatal(err)
		}
		b, err := hex.DecodeString(strings.ReplaceAll(gridHex, " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		dec.Frame(gridstream.RawFrame{Bytes: b, Version: 4, Complete: true}, out)
	} else {
		dec, _ := nge101.NewDecoder(nge101.Config{Now: func() time.Time { return now }})
		var p []byte
		for _, c := range strings.ReplaceAll(nge, " ", "") {
			p = append(p, byte(c-'0'))
		}
		dec.Packet(nge101.Packet{Bits: p}, out)
	}
	if got == nil {
		t.Fatal("decoder emitted nothing")
	}
	return got
}

func TestEncode(t *testing.T) {
	old := time.Local
	time.Local = time.UTC
	defer func() { time.Local = old }()
	tests := []struct {
		name, grid, nge string
		radio           *frames.Radio
		offset          *float64
		want            string
	}{
		{
			name: "0x55 broadcast, CoServ",
			grid: "2A55002330FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D00501000720011E567E009032",
			want: `{"time" : "2026-11-23 12:34:56", "model" : "LandisGyr-GS", "networkID" : "45f8", "location" : "Dallas TX", "provider" : "CoServ", "subtype" : 85, "protoversion" : 4, "ci" : 48, "mic" : "CRC", "id" : "5021d005", "wanaddress" : "fe5021d00500", "destaddress" : "ffffffffffff", "uptime" : 260896}`,
		},
		{
			name:  "0xD5 directed, Puget Sound Energy, with receiver levels",
			grid:  "2A D5 00 1D 29 90 00 00 D5 90 00 00 FD 5D C0 08 00 74 50 05 0C 01 2B 83 4F 81 5E 16 EA 24 00 51 AB",
			radio: &frames.Radio{FreqHz: ptr(915.0125e6), RSSIdB: ptr(-12.345), SNRdB: ptr(20.06)},
			want:  `{"time" : "2026-11-23 12:34:56", "model" : "LandisGyr-GS", "networkID" : "142a", "location" : "Washington", "provider" : "Puget Sound Energy", "subtype" : 213, "protoversion" : 4, "ci" : 41, "mic" : "CRC", "id" : "900000fd", "destaddress" : "900000d5", "mod" : "FSK", "freq" : 915.013, "rssi" : -12.345, "snr" : 20.060, "noise" : -32.405}`,
		},
		{
			name:   "0xD5 from a recording, deviation measured (a 1 on the lower tone)",
			grid:   "2A D5 00 1D 29 90 00 00 D5 90 00 00 FD 5D C0 08 00 74 50 05 0C 01 2B 83 4F 81 5E 16 EA 24 00 51 AB",
			radio:  &frames.Radio{FreqHz: ptr(915e6), DeviationHz: ptr(-12e3), RSSIdB: ptr(-0.1), SNRdB: ptr(30.6)},
			offset: ptr(0.0175),
			want:   `{"time" : "@0.017500s", "model" : "LandisGyr-GS", "networkID" : "142a", "location" : "Washington", "provider" : "Puget Sound Energy", "subtype" : 213, "protoversion" : 4, "ci" : 41, "mic" : "CRC", "id" : "900000fd", "destaddress" : "900000d5", "mod" : "FSK", "freq1" : 914.988, "freq2" : 915.012, "rssi" : -0.100, "snr" : 30.600, "noise" : -30.700}`,
		},
		{
			// rtl_433's minmax FSK detector (its default above 800 MHz)
			// lists the lower tone first, whichever tone the 1 bits use.
			name:   "0xD5 from a recording, a 1 on the higher tone",
			grid:   "2A D5 00 1D 29 90 00 00 D5 90 00 00 FD 5D C0 08 00 74 50 05 0C 01 2B 83 4F 81 5E 16 EA 24 00 51 AB",
			radio:  &frames.Radio{FreqHz: ptr(915e6), DeviationHz: ptr(12e3), RSSIdB: ptr(-0.1), SNRdB: ptr(30.6)},
			offset: ptr(0.0175),
			want:   `{"time" : "@0.017500s", "model" : "LandisGyr-GS", "networkID" : "142a", "location" : "Washington", "provider" : "Puget Sound Energy", "subtype" : 213, "protoversion" : 4, "ci" : 41, "mic" : "CRC", "id" : "900000fd", "destaddress" : "900000d5", "mod" : "FSK", "freq1" : 914.988, "freq2" : 915.012, "rssi" : -0.100, "snr" : 30.600, "noise" : -30.700}`,
		},
		{
			// At or below 800 MHz rtl_433 uses its classic detector: the
			// higher tone first.
			name:   "FSK below 800 MHz, a 1 on the lower tone",
			grid:   "2A D5 00 1D 29 90 00 00 D5 90 00 00 FD 5D C0 08 00 74 50 05 0C 01 2B 83 4F 81 5E 16 EA 24 00 51 AB",
			radio:  &frames.Radio{FreqHz: ptr(433.92e6), DeviationHz: ptr(-20e3), RSSIdB: ptr(-0.1), SNRdB: ptr(30.6)},
			offset: ptr(0.0175),
			want:   `{"time" : "@0.017500s", "model" : "LandisGyr-GS", "networkID" : "142a", "location" : "Washington", "provider" : "Puget Sound Energy", "subtype" : 213, "protoversion" : 4, "ci" : 41, "mic" : "CRC", "id" : "900000fd", "destaddress" : "900000d5", "mod" : "FSK", "freq1" : 433.940, "freq2" : 433.900, "rssi" : -0.100, "snr" : 30.600, "noise" : -30.700}`,
		},
		{
			// The packets in rtl_433's own description of the NGE101.
			name: "NGE101 power packet",
			nge:  "11111010 00001101 10101000 00001000 00000000 10101101 1010000",
			want: `{"time" : "2026-11-23 12:34:56", "model" : "Norgo-NGE101", "id" : 91, "channel" : 1, "gap" : 257, "mic" : "CRC"}`,
		},
		{
			name: "NGE101 energy packet",
			nge:  "11111010 10001101 10100001 00100001 11011111 11000000 00000000 00010010 1101111",
			want: `{"time" : "2026-11-23 12:34:56", "model" : "Norgo-NGE101", "id" : 91, "channel" : 1, "impulses" : 4175944, "battery_ok" : 1, "mic" : "CRC"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := decode(t, tc.grid, tc.nge)
			if !m.CRCOK {
				t.Fatalf("vector does not decode: %+v", m)
			}
			m.Radio, m.OffsetS = tc.radio, tc.offset
			got, ok := New(nil).Encode(m)
			if !ok || string(got) != tc.want {
				t.Errorf("Encode = %v\n %s\nwant\n %s", ok, got, tc.want)
			}
		})
	}
}

func TestEncodeSkips(t *testing.T) {
	bad := &frames.Message{Protocol: gridstream.Name, Fields: &gridstream.Fields{Type: "55", CI: "30"}}
	tests := []struct {
		name string
		m    *frames.Message
		ok   bool
		want string
	}{
		{"nil", nil, false, ""},
		{"no protocol part", &frames.Message{}, false, ""},
		{"a protocol rtl_433 does not decode", &frames.Message{Protocol: "toy", CRCOK: true}, false, ""},
		{"failed CRC", bad, false, ""},
		{"failed NGE101 check", &frames.Message{Protocol: nge101.Name, Fields: &nge101.Fields{Bits: 55}}, false, ""},
		{"encrypted 0xD2", &frames.Message{Protocol: gridstream.Name, Time: "2026-11-23T12:34:56.000Z",
			Fields: &gridstream.Fields{Version: 5, Type: "D2", CI: "52", Encrypted: true}}, true,
			`{"time" : "2026-11-23 12:34:56", "model" : "LandisGyr-GS", "subtype" : 210, "protoversion" : 5, "ci" : 82, "encrypted" : 1}`},
	}
	old := time.Local
	time.Local = time.UTC
	defer func() { time.Local = old }()
	for _, tc := range tests {
		got, ok := New(nil).Encode(tc.m)
		if ok != tc.ok || string(got) != tc.want {
			t.Errorf("%s: Encode = %v %s, want %v %s", tc.name, ok, got, tc.ok, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// MQTTNumber matches C's printf as rtl_433's print_mqtt_double uses it
// (expected values printed by a C program with the same rule).
func TestMQTTNumber(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{915, "915.0"}, {29.616171, "29.61617"}, {-29.8397, "-29.8397"}, {0, "0"}, {1e8, "1e+08"},
		{433.966752, "433.96675"}, {5e-05, "5e-05"}, {12345678, "1.23457e+07"}, {-0.223545, "-0.223545"},
		{1e7, "10000000.0"}, {0.0001, "0.0001"}, {999999.999999, "1000000.0"}, {math.Copysign(0, -1), "-0"},
		{1613951871, "1.61395e+09"}, {0.1, "0.1"},
	} {
		if got := MQTTNumber(tc.v); got != tc.want {
			t.Errorf("MQTTNumber(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// The topics and payloads rtl_433's -F mqtt publishes for an event.
func TestPublishes(t *testing.T) {
	ev := []protocol.Field{{Key: "time", Value: "@0.017500s"}, {Key: "model", Value: "LandisGyr-GS"}, {Key: "subtype", Value: uint64(210)},
		{Key: "ci", Value: uint64(82)}, {Key: "encrypted", Value: 1}, {Key: "rssi", Value: -0.1}}
	want := []Publish{
		{"rtl_433/h/events", `{"time":"@0.017500s","model":"LandisGyr-GS","subtype":210,"ci":82,"encrypted":1,"rssi":-0.1}`},
		{"rtl_433/h/devices/LandisGyr-GS/210/time", "@0.017500s"},
		{"rtl_433/h/devices/LandisGyr-GS/210/ci", "82"},
		{"rtl_433/h/devices/LandisGyr-GS/210/encrypted", "1"},
		{"rtl_433/h/devices/LandisGyr-GS/210/rssi", "-0.1"},
	}
	if got := Publishes("rtl_433/h", ev); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	nge := []protocol.Field{{Key: "model", Value: "Norgo-NGE101"}, {Key: "id", Value: 147}, {Key: "channel", Value: 2}}
	if got := DeviceTopic("b", nge); got != "b/devices/Norgo-NGE101/2/147" {
		t.Errorf("channel before id: %s", got)
	}
	odd := []protocol.Field{{Key: "model", Value: "a b/c+#é"}, {Key: "id", Value: ""}}
	if got := DeviceTopic("b", odd); got != "b/devices/a_b_c____/" {
		t.Errorf("sanitized: %q", got)
	}
}

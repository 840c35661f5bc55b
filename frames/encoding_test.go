package frames_test

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/gridstream-sdr/gridstream/frames"
)

// meterFields and packetFields stand for two protocols' parts, with the
// kinds of fields protocols have (pointers, omitempty, nested nulls).
type meterFields struct {
	Version   int     `json:"version" msgpack:"version"`
	Type      string  `json:"type" msgpack:"type"`
	CRCInit   *string `json:"crc_init" msgpack:"crc_init"`
	NetworkID *int    `json:"network_id" msgpack:"network_id"`
	Learned   bool    `json:"learned" msgpack:"learned"`
	Src       string  `json:"src,omitempty" msgpack:"src,omitempty"`
	Counter   *int    `json:"counter,omitempty" msgpack:"counter,omitempty"`
	UptimeS   *int64  `json:"uptime_s,omitempty" msgpack:"uptime_s,omitempty"`
}

func (f *meterFields) DeviceID() string { return f.Src }

type packetFields struct {
	Bits      int      `json:"bits" msgpack:"bits"`
	ID        int      `json:"id" msgpack:"id"`
	PowerW    *float64 `json:"power_w,omitempty" msgpack:"power_w,omitempty"`
	Impulses  *uint64  `json:"impulses,omitempty" msgpack:"impulses,omitempty"`
	BatteryOK *bool    `json:"battery_ok,omitempty" msgpack:"battery_ok,omitempty"`
}

func (f *packetFields) DeviceID() string { return "" }

// embedded is how Message was declared before protocols had packages of
// their own: each protocol's part an embedded pointer. The inline encoding
// must give the same bytes.
type embedded struct {
	Protocol   string   `json:"protocol" msgpack:"protocol"`
	Time       string   `json:"time" msgpack:"time"`
	CRCOK      bool     `json:"crc_ok" msgpack:"crc_ok"`
	Raw        string   `json:"raw" msgpack:"raw"`
	BitOffset  int64    `json:"bit_offset" msgpack:"bit_offset"`
	OffsetS    *float64 `json:"offset_s,omitempty" msgpack:"offset_s,omitempty"`
	SyncErrors int      `json:"sync_errors" msgpack:"sync_errors"`
	Input      string   `json:"input,omitempty" msgpack:"input,omitempty"`

	*meterFields  `json:",omitempty" msgpack:",omitempty"`
	*packetFields `json:",omitempty" msgpack:",omitempty"`
	*frames.Radio `json:",omitempty" msgpack:",omitempty"`

	Meta map[string]any `json:"meta,omitempty" msgpack:"meta,omitempty"`
}

func ptr[T any](v T) *T { return &v }

func encodingCases() []frames.Message {
	radio := &frames.Radio{FreqHz: ptr(915.0125e6), DeviationHz: ptr(-16e3), Baud: 19200, RSSIdB: ptr(-31.5), SNRdB: ptr(12.25)}
	return []frames.Message{
		{Protocol: "meter", Time: "2026-01-02T03:04:05.000Z", CRCOK: true, Raw: "2A55", BitOffset: 1 << 40, SyncErrors: 2,
			Input: "a<b>&c.txt:7", Fields: &meterFields{Version: 4, Type: "55", CRCInit: ptr("45F8"), NetworkID: ptr(37700),
				Src: "5021D005", Counter: ptr(0), UptimeS: ptr(int64(260896))},
			Radio: radio, Meta: map[string]any{"gr_offset": int64(-5), "tag": "x&y"}},
		{Protocol: "meter", Raw: "2AD2", Fields: &meterFields{Type: "D2"}},
		{Protocol: "packet", CRCOK: true, Raw: "FA0C", BitOffset: 2369, OffsetS: ptr(0.0095), Input: "builtin",
			Fields: &packetFields{Bits: 55, ID: 147, PowerW: ptr(906.1946902654868)}},
		{Protocol: "packet", Fields: &packetFields{Bits: 71, Impulses: ptr(uint64(1) << 33), BatteryOK: ptr(false)},
			Radio: &frames.Radio{Baud: 9600}, Meta: map[string]any{}},
		{Protocol: "none", Raw: "00", Radio: &frames.Radio{}},
	}
}

func asEmbedded(m frames.Message) embedded {
	e := embedded{Protocol: m.Protocol, Time: m.Time, CRCOK: m.CRCOK, Raw: m.Raw, BitOffset: m.BitOffset, OffsetS: m.OffsetS,
		SyncErrors: m.SyncErrors, Input: m.Input, Radio: m.Radio, Meta: m.Meta}
	switch f := m.Fields.(type) {
	case *meterFields:
		e.meterFields = f
	case *packetFields:
		e.packetFields = f
	}
	return e
}

// The protocol's fields are written inline exactly where embedded structs
// put them: the same JSON bytes (with and without HTML escaping) and the
// same msgpack bytes.
func TestInlineFieldsAsEmbedded(t *testing.T) {
	for i, m := range encodingCases() {
		old := asEmbedded(m)
		for _, escape := range []bool{true, false} {
			enc := func(v any) string {
				var b bytes.Buffer
				e := json.NewEncoder(&b)
				e.SetEscapeHTML(escape)
				if err := e.Encode(v); err != nil {
					t.Fatalf("case %d: %v", i, err)
				}
				return b.String()
			}
			if got, want := enc(&m), enc(old); got != want {
				t.Errorf("case %d escape %v JSON:\n got %s\nwant %s", i, escape, got, want)
			}
		}
		if len(m.Meta) > 1 {
			continue // msgpack writes a map in Go's random order
		}
		got, err := msgpack.Marshal(&m)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := msgpack.Marshal(&old)
		if !bytes.Equal(got, want) {
			t.Errorf("case %d msgpack:\n got %x\nwant %x", i, got, want)
		}
		if v, _ := msgpack.Marshal(m); !bytes.Equal(v, want) {
			t.Errorf("case %d: a Message value encodes differently from a pointer", i)
		}
	}
}

// Reading back: the common fields, Radio and Meta land where they were;
// the protocol's go to the Fields value given, else to a Map.
func TestDecodeMessages(t *testing.T) {
	for i, m := range encodingCases() {
		j, _ := json.Marshal(m)
		p, _ := msgpack.Marshal(m)
		for name, decode := range map[string]func(*frames.Message) error{
			"json":    func(dst *frames.Message) error { return json.Unmarshal(j, dst) },
			"msgpack": func(dst *frames.Message) error { return msgpack.Unmarshal(p, dst) },
		} {
			var generic frames.Message
			if err := decode(&generic); err != nil {
				t.Fatalf("case %d %s: %v", i, name, err)
			}
			radio := m.Radio
			if radio != nil && *radio == (frames.Radio{}) {
				radio = nil // nothing to write, nothing read back
			}
			if generic.Raw != m.Raw || generic.BitOffset != m.BitOffset || generic.Input != m.Input ||
				!reflect.DeepEqual(generic.OffsetS, m.OffsetS) ||
				!reflect.DeepEqual(generic.Radio, radio) {
				t.Errorf("case %d %s: common fields %+v", i, name, generic)
			}
			if fm, ok := generic.Fields.(frames.Map); m.Fields != nil && (!ok || fm["raw"] != nil) {
				t.Errorf("case %d %s: fields %#v", i, name, generic.Fields)
			}
			if m.Fields == nil {
				continue
			}
			typed := frames.Message{Fields: reflect.New(reflect.TypeOf(m.Fields).Elem()).Interface().(frames.Fields)}
			if err := decode(&typed); err != nil {
				t.Fatalf("case %d %s: %v", i, name, err)
			}
			if !reflect.DeepEqual(typed.Fields, m.Fields) {
				t.Errorf("case %d %s: fields %+v, want %+v", i, name, typed.Fields, m.Fields)
			}
		}
	}
}

// The keys Message decoding treats as common are exactly the tags of its
// own fields and Radio's.
func TestCommonKeys(t *testing.T) {
	var keys []string
	for _, typ := range []reflect.Type{reflect.TypeOf(frames.Message{}), reflect.TypeOf(frames.Radio{})} {
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "" && name != "-" {
				keys = append(keys, name)
			}
		}
	}
	m := frames.Message{Fields: frames.Map{}}
	b, _ := json.Marshal(frames.Map(func() map[string]any {
		all := map[string]any{"extra": 1}
		for _, k := range keys {
			all[k] = nil
		}
		return all
	}()))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if fm := m.Fields.(frames.Map); len(fm) != 1 || fm["extra"] == nil {
		t.Errorf("keys treated as the protocol's: %v (common keys by tag: %v)", fm, keys)
	}
}

// A value that cannot be written (NaN) is an error, as it always was; nil
// fields are no fields.
func TestEncodingErrors(t *testing.T) {
	m := frames.Message{Fields: &packetFields{PowerW: ptr(math.NaN())}}
	if _, err := json.Marshal(m); err == nil {
		t.Error("NaN written as JSON")
	}
	for _, f := range []frames.Fields{frames.Map(nil), (*packetFields)(nil)} {
		if _, err := json.Marshal(frames.Message{Fields: f}); err != nil {
			t.Errorf("%#v: %v", f, err)
		}
		if _, err := msgpack.Marshal(frames.Message{Fields: f}); err != nil {
			t.Errorf("%#v: %v", f, err)
		}
	}
}

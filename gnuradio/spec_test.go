package gnuradio

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/zmqsource"
)

func TestParseSpec(t *testing.T) {
	def := Spec{Format: "BITS", Rate: 0, Source: zmqsource.Config{Key: "k", PassTags: false}}
	for _, tc := range []struct {
		raw  string
		def  Spec
		want Spec
		err  string
	}{
		{raw: "tcp://127.0.0.1:5555", def: def,
			want: Spec{Name: "tcp://127.0.0.1:5555", Format: Bits,
				Source: zmqsource.Config{Endpoint: "tcp://127.0.0.1:5555", Key: "k", ItemSize: 1}}},
		{raw: "pull://127.0.0.1:5555", def: def,
			want: Spec{Name: "tcp://127.0.0.1:5555", Format: Bits,
				Source: zmqsource.Config{Endpoint: "tcp://127.0.0.1:5555", Pull: true, Key: "k", ItemSize: 1}}},
		{raw: "tcp://h:1?format=float32&key=ch3&tags&name=ch3&invert=1&pull=true", def: def,
			want: Spec{Name: "ch3", Format: Soft, Invert: true,
				Source: zmqsource.Config{Endpoint: "tcp://h:1", Pull: true, Key: "ch3", PassTags: true, ItemSize: 4}}},
		{raw: "ipc:///tmp/x?format=LEVELS&level_rate=250e3&pass_tags=0&invert=false", def: Spec{Format: Bits, Invert: true, Source: zmqsource.Config{PassTags: true}},
			want: Spec{Name: "ipc:///tmp/x", Format: Levels, Rate: 250e3,
				Source: zmqsource.Config{Endpoint: "ipc:///tmp/x", ItemSize: 1}}},
		{raw: "tcp://h:1", def: Spec{Format: "levels", Rate: 1e6},
			want: Spec{Name: "tcp://h:1", Format: Levels, Rate: 1e6, Source: zmqsource.Config{Endpoint: "tcp://h:1", ItemSize: 1}}},
		{raw: "tcp://h:1?format=u8&rate=2&format=f32", def: def, // the last of a repeated option counts
			want: Spec{Name: "tcp://h:1", Format: Soft, Rate: 2, Source: zmqsource.Config{Endpoint: "tcp://h:1", Key: "k", ItemSize: 4}}},
		{raw: "tcp://h:1?format=unpacked", def: def,
			want: Spec{Name: "tcp://h:1", Format: Bits, Source: zmqsource.Config{Endpoint: "tcp://h:1", Key: "k", ItemSize: 1}}},
		{raw: "tcp://h:1?speed=2", def: def, err: `unknown option "speed" (format, key, tags, rate, name, invert, pull)`},
		{raw: "tcp://h:1?invert=maybe", def: def, err: `invert=maybe: strconv.ParseBool: parsing "maybe": invalid syntax`},
		{raw: "tcp://h:1?rate=fast", def: def, err: `rate=fast: strconv.ParseFloat: parsing "fast": invalid syntax`},
		{raw: "tcp://h:1?format=complex", def: def, err: `unknown format "complex" (bits, soft, levels)`},
		{raw: "tcp://h:1?a=%zz", def: def, err: `invalid URL escape "%zz"`},
		{raw: "tcp://h:1?format=levels", def: def, err: ErrNoRate.Error()},
	} {
		got, err := ParseSpec(tc.raw, tc.def)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.raw, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.raw, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.raw, got, tc.want)
		}
	}
	if _, err := ParseSpec("tcp://h:1?format=levels", def); !errors.Is(err, ErrNoRate) {
		t.Errorf("levels without a rate: %v, want ErrNoRate", err)
	}
}

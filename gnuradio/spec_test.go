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
		{raw: "tcp://h:1?speed=2", def: def, err: `unknown option "speed" (format, key, tags, rate, name, invert, pull; fm: vlen, freqs, fm_gain, bauds)`},
		{raw: "tcp://h:1?invert=maybe", def: def, err: `invert=maybe: strconv.ParseBool: parsing "maybe": invalid syntax`},
		{raw: "tcp://h:1?rate=fast", def: def, err: `rate=fast: strconv.ParseFloat: parsing "fast": invalid syntax`},
		{raw: "tcp://h:1?format=complex", def: def, err: `unknown format "complex" (bits, soft, levels, fm)`},
		{raw: "tcp://h:1?a=%zz", def: def, err: `invalid URL escape "%zz"`},
		{raw: "tcp://h:1?format=levels", def: def, err: ErrNoRate.Error()},
		// FM samples: vlen channels of float32 per item.
		{raw: "pull://h:1?format=fm&rate=150e3&vlen=3&freqs=915e6:915.1e6%2C915.2e6&fm_gain=2&bauds=9600:38400&name=band", def: def,
			want: Spec{Name: "band", Format: FM, Rate: 150e3,
				FM:     FMOptions{Channels: 3, Freqs: []float64{915e6, 915.1e6, 915.2e6}, Gain: 2, Bauds: []float64{9600, 38400}},
				Source: zmqsource.Config{Endpoint: "tcp://h:1", Pull: true, Key: "k", ItemSize: 12}}},
		{raw: "tcp://h:1?format=fm&rate=2e5", def: def,
			want: Spec{Name: "tcp://h:1", Format: FM, Rate: 2e5, FM: FMOptions{Channels: 1, Gain: 1},
				Source: zmqsource.Config{Endpoint: "tcp://h:1", Key: "k", ItemSize: 4}}},
		{raw: "tcp://h:1?format=fm", def: def, err: ErrNoRate.Error()},
		{raw: "tcp://h:1?format=fm&rate=90e3&bauds=38400", def: def, err: "samples per symbol"},
		{raw: "tcp://h:1?format=fm&rate=2e5&vlen=0", def: def, err: "want 1 to 1024 channels"},
		{raw: "tcp://h:1?format=fm&rate=2e5&vlen=2&freqs=915e6", def: def, err: "1 channel frequencies for 2 channels"},
		{raw: "tcp://h:1?format=fm&rate=2e5&freqs=-1", def: def, err: "Hz"},
		{raw: "tcp://h:1?format=fm&rate=2e5&bauds=100", def: def, err: "baud"},
		{raw: "tcp://h:1?format=fm&rate=2e5&fm_gain=NaN", def: def, err: "non-zero gain"},
		{raw: "tcp://h:1?format=bits&vlen=2", def: def, err: "are for format=fm"},
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

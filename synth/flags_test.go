package synth

import (
	"reflect"
	"strings"
	"testing"
)

// flagValues are Settings as a command line gives them: the flags'
// defaults, and the flags given (set); a name in neither reads as the zero
// value.
type flagValues struct{ defaults, set map[string]any }

func (v flagValues) get(n string) any {
	if x, ok := v.set[n]; ok {
		return x
	}
	return v.defaults[n]
}

func (v flagValues) Bool(n string) bool              { b, _ := v.get(n).(bool); return b }
func (v flagValues) Int(n string) int                { i, _ := v.get(n).(int); return i }
func (v flagValues) Uint64(n string) uint64          { i, _ := v.get(n).(uint64); return i }
func (v flagValues) Float64(n string) float64        { f, _ := v.get(n).(float64); return f }
func (v flagValues) String(n string) string          { s, _ := v.get(n).(string); return s }
func (v flagValues) StringSlice(n string) []string   { s, _ := v.get(n).([]string); return s }
func (v flagValues) Float64Slice(n string) []float64 { s, _ := v.get(n).([]float64); return s }
func (v flagValues) IsSet(n string) bool             { _, ok := v.set[n]; return ok }

// with returns v with flag n given as x.
func (v flagValues) with(n string, x any) flagValues {
	w := flagValues{defaults: v.defaults, set: map[string]any{n: x}}
	for k, y := range v.set {
		if k != n {
			w.set[k] = y
		}
	}
	return w
}

// minimal are synth's defaults that OptionsFrom reads as text.
var minimal = flagValues{defaults: map[string]any{"snr": "12:24", "sync": "4,5", "bt": "0.5", "hop-grid": "100k", "nge-clock-error": "0"}}

func TestOptionsFrom(t *testing.T) {
	o, err := OptionsFrom(minimal.with("interferer", []string{"fsk:100k:30", "ook:-200k:25:2000"}).
		with("dc", "0.02,-0.01").with("iq-imbalance", "1,5").with("collide", "Near-Far").with("collide-gap", "0.001:0.002").
		with("crc-init", []string{"5FD6,1234", "ABCD"}).with("length", []string{"FD,0x40"}).with("count", 0).
		with("nge-offset", "-42k").with("center-freq", "915M").with("nge-clock-error", "-2:2").with("seed", uint64(7)))
	if err != nil {
		t.Fatal(err)
	}
	want := Options{SNR: [2]float64{12, 24}, Versions: []int{4, 5}, BT: 0.5, HopGrid: 100e3, Seed: 7,
		NGEClockError: [2]float64{-0.02, 0.02}, CRCInits: []uint16{0x5FD6, 0x1234, 0xABCD}, Lengths: []byte{0xFD, 0x40},
		Frontend:    Frontend{DC: complex(0.02, -0.01), IQGainDB: 1, IQPhaseDeg: 5},
		Interferers: []Continuous{{Kind: ContinuousFSK, Offset: 100e3, SNRdB: 30}, {Kind: ContinuousOOK, Offset: -200e3, SNRdB: 25, Baud: 2000}},
		Impairments: Impairments{Companion: Companion{Kind: NearFar, Level: 20, Gap: [2]float64{0.001, 0.002}}}}
	zero, nge, centre := 0, -42e3, 915e6
	want.Count, want.NGEOffset, want.CenterFreq = &zero, &nge, &centre
	if !reflect.DeepEqual(o, want) {
		t.Errorf("OptionsFrom:\n got %+v\nwant %+v", o, want)
	}
}

// A scenario sets its impairments; the flags given keep their values.
func TestOptionsFromScenario(t *testing.T) {
	o, err := OptionsFrom(minimal.with("scenario", "long-4db"))
	if err != nil {
		t.Fatal(err)
	}
	if o.SNR != [2]float64{4, 4} || o.ClockPPM != 50 || !reflect.DeepEqual(o.Lengths, []byte{LongLength}) {
		t.Errorf("long-4db: SNR %v, clock %v ppm, lengths %v", o.SNR, o.ClockPPM, o.Lengths)
	}
	o, err = OptionsFrom(minimal.with("scenario", "long-4db").with("snr", "10").with("clock-ppm", 0.0))
	if err != nil {
		t.Fatal(err)
	}
	if o.SNR != [2]float64{10, 10} || o.ClockPPM != 0 || !reflect.DeepEqual(o.Lengths, []byte{LongLength}) {
		t.Errorf("long-4db --snr 10 --clock-ppm 0: SNR %v, clock %v ppm, lengths %v", o.SNR, o.ClockPPM, o.Lengths)
	}
}

func TestOptionsFromErrors(t *testing.T) {
	for _, tc := range []struct {
		flag string
		val  any
		want string
	}{
		{"snr", "12:6", `--snr: "12:6": want MIN:MAX with MIN ≤ MAX`},
		{"snr", "200", `--snr "200": want -50 to 100 dB`},
		{"sync", "6", `--sync "6": want 4, 5 or 4,5`},
		{"bt", "0.05", `--bt "0.05": want 0 (plain 2-FSK) or 0.1 to 2`},
		{"offset", "12q", "--offset: "},
		{"jitter", "-3k", `--jitter "-3k": want a frequency in Hz`},
		{"center-freq", "11G", `--center-freq "11G": want a frequency up to 10G Hz`},
		{"crc-init", []string{"XYZ"}, "--crc-init: "},
		{"frame", []string{"2A"}, `--frame "2A": `},
		{"length", []string{"100"}, `--length "100": want a length field in hex`},
		{"collide", "sideways", `--collide "sideways": want co-channel, adjacent or near-far`},
		{"dc", "0.1", `--dc "0.1": want I,Q`},
		{"iq-imbalance", "1,x", `--iq-imbalance "1,x": want GAIN_DB,PHASE_DEG`},
		{"interferer", []string{"am:1k:3"}, `--interferer "am:1k:3": the kind is fsk or ook`},
		{"nge-clock-error", "x", "--nge-clock-error: "},
		{"scenario", "storm", "--scenario: "},
	} {
		_, err := OptionsFrom(minimal.with(tc.flag, tc.val))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("--%s %v: %v; want %q", tc.flag, tc.val, err, tc.want)
		}
	}
}

func TestParseRange(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [2]float64
		ok   bool
	}{
		{"20", [2]float64{20, 20}, true},
		{"10:30", [2]float64{10, 30}, true},
		{" -5 : 5 ", [2]float64{-5, 5}, true},
		{"3:3", [2]float64{3, 3}, true},
		{"30:10", [2]float64{}, false},
		{"NaN", [2]float64{}, false},
		{"1:Inf", [2]float64{}, false},
		{"", [2]float64{}, false},
		{"1:", [2]float64{}, false},
	} {
		got, err := ParseRange(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseRange(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParsePair(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [2]float64
		ok   bool
	}{
		{"0.02,-0.01", [2]float64{0.02, -0.01}, true},
		{" 1 , 5 ", [2]float64{1, 5}, true},
		{"1", [2]float64{}, false},
		{"1,2,3", [2]float64{}, false},
		{"NaN,1", [2]float64{}, false},
		{"1,Inf", [2]float64{}, false},
	} {
		got, err := ParsePair(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParsePair(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseInterferer(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Continuous
		err  string
	}{
		{"fsk:100k:30", Continuous{Kind: ContinuousFSK, Offset: 100e3, SNRdB: 30}, ""},
		{"OOK:-200k:25:2000", Continuous{Kind: ContinuousOOK, Offset: -200e3, SNRdB: 25, Baud: 2000}, ""},
		{"fsk:0:10:9.6k:-5k", Continuous{Kind: ContinuousFSK, SNRdB: 10, Baud: 9600, Deviation: -5000}, ""},
		{"fsk:100k", Continuous{}, "want KIND:OFFSET:SNR"},
		{"fsk:1:2:3:4:5", Continuous{}, "want KIND:OFFSET:SNR"},
		{"am:1k:3", Continuous{}, "the kind is fsk or ook"},
		{"fsk:x:3", Continuous{}, `offset "x"`},
		{"fsk:1k:loud", Continuous{}, `SNR "loud": want dB`},
		{"ook:1k:3:fast", Continuous{}, `baud "fast"`},
		{"fsk:1k:3:2k:wide", Continuous{}, `deviation "wide"`},
	} {
		got, err := ParseInterferer(tc.in)
		if tc.err == "" && (err != nil || got != tc.want) || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ParseInterferer(%q) = %+v, %v; want %+v, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestParseCompanion(t *testing.T) {
	for in, want := range map[string]Companion{
		"co-channel": {Kind: CoChannel, Level: -10},
		"Adjacent":   {Kind: AdjacentChannel, Level: 10},
		"near-far":   {Kind: NearFar, Level: 20},
	} {
		if got, err := ParseCompanion(in); err != nil || got != want {
			t.Errorf("ParseCompanion(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	if _, err := ParseCompanion("far"); err == nil {
		t.Error(`ParseCompanion("far") = nil error`)
	}
}

// Every scenario is listed for --help, one line each.
func TestScenarioList(t *testing.T) {
	list := ScenarioList()
	if n := strings.Count(list, "\n") + 1; n != len(Scenarios) {
		t.Errorf("%d lines for %d scenarios", n, len(Scenarios))
	}
	for _, sc := range Scenarios {
		if !strings.Contains(list, "  "+sc.Name+" ") {
			t.Errorf("%s is not listed", sc.Name)
		}
	}
}

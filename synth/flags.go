package synth

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// Settings are the values of `gridstream synth`'s flags by name; a
// *cli.Context is one.
type Settings interface {
	protocol.Settings
	Uint64(name string) uint64
	Float64Slice(name string) []float64
	IsSet(name string) bool
}

// Bounds of the burst SNRs (--snr): from below detection to far above any
// format's range.
const (
	MinSNR = -50.0
	MaxSNR = 100.0
)

// OptionsFrom reads synth's flags into Options: everything but SampleRate
// (--rate) and Bauds (--baud), which are the receiver's ranges
// (demod.ParseSampleRate, demod.ParseBauds) for the caller to fill in.
// A --scenario is applied last; the flags it sets that were given keep
// their given values. The error is one line naming the flag.
func OptionsFrom(s Settings) (Options, error) {
	o := Options{
		NoiseDB: s.Float64("noise"), NoNoise: s.Bool("no-noise"), Seed: s.Uint64("seed"), Duration: s.Float64("duration"),
		PreambleBits: s.Int("preamble-bits"), Interval: s.Float64("interval"),
		Hop: s.Bool("hop"), Invert: s.Bool("invert"), RandomPolarity: s.Bool("random-polarity"), ClockPPM: s.Float64("clock-ppm"),
		Broadcast: s.Bool("broadcast"),
	}
	var err error
	for _, read := range []func(Settings, *Options) error{readNGE, readFrequencies, readTraffic, readImpairments, readFrontend} {
		if err = read(s, &o); err != nil {
			return o, err
		}
	}
	if name := s.String("scenario"); name != "" {
		sc, err := ScenarioByName(name)
		if err != nil {
			return o, fmt.Errorf("--scenario: %v", err)
		}
		given := o
		sc.Apply(&o)
		for _, f := range scenarioFlags {
			if s.IsSet(f.name) {
				f.keep(&o, &given)
			}
		}
	}
	return o, nil
}

// readNGE reads the NGE101 packets' flags.
func readNGE(s Settings, o *Options) error {
	o.NGEPower, o.NGEEnergy = s.Float64Slice("nge-power"), s.Float64Slice("nge-energy")
	o.NGEID, o.NGEChannel, o.NGEPulsesPerKWh = s.Int("nge-id"), s.Int("nge-channel"), s.Float64("nge-pulses-per-kwh")
	o.NGELowBattery, o.NGERepeats, o.NGEEvery = s.Bool("nge-low-battery"), s.Int("nge-repeats"), s.Int("nge-every")
	o.NGEEnding, o.NGEInterferer = s.String("nge-ending"), s.String("nge-interferer")
	if s.IsSet("nge-interferer-snr") {
		v := s.Float64("nge-interferer-snr")
		o.NGEInterfererSNR = &v
	}
	clock, err := ParseRange(s.String("nge-clock-error"))
	if err != nil {
		return fmt.Errorf("--nge-clock-error: %v", err)
	}
	o.NGEClockError = [2]float64{clock[0] / 100, clock[1] / 100}
	return nil
}

// readFrequencies reads the flags given in Hz with SI suffixes.
func readFrequencies(s Settings, o *Options) error {
	for _, f := range []struct {
		name string
		set  func(v float64)
	}{
		{"offset", func(v float64) { o.Offset = v }},
		{"hop-grid", func(v float64) { o.HopGrid = v }},
		{"max-offset", func(v float64) { o.MaxOffset = v }},
		{"nge-offset", func(v float64) { o.NGEOffset = &v }},
		{"deviation", func(v float64) { o.Deviation = v }},
		{"nge-interferer-offset", func(v float64) { o.NGEInterfererOffset = v }},
	} {
		if s.String(f.name) == "" {
			continue
		}
		v, err := iq.ParseHz(s.String(f.name))
		if err != nil {
			return fmt.Errorf("--%s: %v", f.name, err)
		}
		f.set(v)
	}
	if c := s.String("center-freq"); c != "" {
		v, err := iq.ParseCenterFreq(c)
		if err != nil {
			return fmt.Errorf("--center-freq %v", err)
		}
		o.CenterFreq = &v
	}
	if j := s.String("jitter"); j != "" {
		var err error
		if o.Jitter, err = iq.ParseHz(j); err != nil || o.Jitter < 0 {
			return fmt.Errorf("--jitter %q: want a frequency in Hz, such as 3k", j)
		}
	}
	return nil
}

// readTraffic reads the GridStream traffic's flags.
func readTraffic(s Settings, o *Options) error {
	var err error
	if o.SNR, err = ParseRange(s.String("snr")); err != nil {
		return fmt.Errorf("--snr: %v", err)
	}
	if o.SNR[0] < MinSNR || o.SNR[1] > MaxSNR {
		return fmt.Errorf("--snr %q: want %g to %g dB", s.String("snr"), MinSNR, MaxSNR)
	}
	for _, v := range strings.Split(s.String("sync"), ",") {
		switch strings.TrimSpace(v) {
		case "4":
			o.Versions = append(o.Versions, 4)
		case "5":
			o.Versions = append(o.Versions, 5)
		default:
			return fmt.Errorf("--sync %q: want 4, 5 or 4,5", s.String("sync"))
		}
	}
	for _, v := range s.StringSlice("crc-init") {
		for _, part := range strings.Split(v, ",") {
			in, err := ParseCRCInit(part)
			if err != nil {
				return fmt.Errorf("--crc-init: %v", err)
			}
			o.CRCInits = append(o.CRCInits, in)
		}
	}
	for _, v := range s.StringSlice("frame") {
		f, err := ParseFrameHex(v)
		if err != nil {
			return fmt.Errorf("--frame %q: %v", v, err)
		}
		o.Frames = append(o.Frames, f)
	}
	if s.IsSet("count") {
		n := s.Int("count")
		o.Count = &n
	}
	for _, v := range s.StringSlice("length") {
		for _, part := range strings.Split(v, ",") {
			n, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(part), "0x"), 16, 8)
			if err != nil {
				return fmt.Errorf("--length %q: want a length field in hex, such as FD", part)
			}
			o.Lengths = append(o.Lengths, byte(n))
		}
	}
	return nil
}

// readImpairments reads the per-burst impairments (and --bt).
func readImpairments(s Settings, o *Options) error {
	bt, err := ParseRange(s.String("bt"))
	if err != nil {
		return fmt.Errorf("--bt: %v", err)
	}
	if bt[0] < 0 || bt[1] > 2 || (bt[0] > 0 && bt[0] < 0.1) {
		return fmt.Errorf("--bt %q: want 0 (plain 2-FSK) or 0.1 to 2, or MIN:MAX within 0.1 to 2", s.String("bt"))
	}
	o.BT = bt[0]
	if bt[1] != bt[0] {
		o.Impairments.BT = bt
	}
	if v := s.String("mod-index"); v != "" {
		if o.Impairments.ModIndex, err = ParseRange(v); err != nil {
			return fmt.Errorf("--mod-index: %v", err)
		}
	}
	o.Impairments.FreqDrift, o.Impairments.ClockDrift = s.Float64("drift"), s.Float64("clock-drift")
	o.Impairments.FadingDB = s.Float64("fading")
	if v := s.String("collide"); v != "" {
		if o.Impairments.Companion, err = ParseCompanion(v); err != nil {
			return fmt.Errorf("--collide %q: %v", v, err)
		}
	}
	if s.IsSet("collide-level") {
		o.Impairments.Companion.Level = s.Float64("collide-level")
	}
	if v := s.String("collide-gap"); v != "" {
		if o.Impairments.Companion.Gap, err = ParseRange(v); err != nil {
			return fmt.Errorf("--collide-gap: %v", err)
		}
	}
	for _, v := range s.StringSlice("interferer") {
		in, err := ParseInterferer(v)
		if err != nil {
			return fmt.Errorf("--interferer %q: %v", v, err)
		}
		o.Interferers = append(o.Interferers, in)
	}
	return nil
}

// readFrontend reads what the receiver does to the recording.
func readFrontend(s Settings, o *Options) error {
	o.Frontend.PPM, o.Frontend.ADCBits = s.Float64("rx-ppm"), s.Int("adc-bits")
	if v := s.String("dc"); v != "" {
		p, err := ParsePair(v)
		if err != nil {
			return fmt.Errorf("--dc %q: want I,Q such as 0.02,-0.01", v)
		}
		o.Frontend.DC = complex(float32(p[0]), float32(p[1]))
	}
	if v := s.String("iq-imbalance"); v != "" {
		p, err := ParsePair(v)
		if err != nil {
			return fmt.Errorf("--iq-imbalance %q: want GAIN_DB,PHASE_DEG such as 1,5", v)
		}
		o.Frontend.IQGainDB, o.Frontend.IQPhaseDeg = p[0], p[1]
	}
	return nil
}

// scenarioFlags are the flags a scenario may set, and how to keep the
// value given on the command line instead.
var scenarioFlags = []struct {
	name string
	keep func(o, given *Options)
}{
	{"snr", func(o, g *Options) { o.SNR = g.SNR }},
	{"noise", func(o, g *Options) { o.NoiseDB = g.NoiseDB }},
	{"clock-ppm", func(o, g *Options) { o.ClockPPM = g.ClockPPM }},
	{"length", func(o, g *Options) { o.Lengths = g.Lengths }},
	{"bt", func(o, g *Options) { o.BT, o.Impairments.BT = g.BT, g.Impairments.BT }},
	{"mod-index", func(o, g *Options) { o.Impairments.ModIndex = g.Impairments.ModIndex }},
	{"drift", func(o, g *Options) { o.Impairments.FreqDrift = g.Impairments.FreqDrift }},
	{"clock-drift", func(o, g *Options) { o.Impairments.ClockDrift = g.Impairments.ClockDrift }},
	{"fading", func(o, g *Options) { o.Impairments.FadingDB = g.Impairments.FadingDB }},
	{"collide", func(o, g *Options) { o.Impairments.Companion = g.Impairments.Companion }},
	{"collide-level", func(o, g *Options) { o.Impairments.Companion.Level = g.Impairments.Companion.Level }},
	{"collide-gap", func(o, g *Options) { o.Impairments.Companion.Gap = g.Impairments.Companion.Gap }},
	{"rx-ppm", func(o, g *Options) { o.Frontend.PPM = g.Frontend.PPM }},
	{"dc", func(o, g *Options) { o.Frontend.DC = g.Frontend.DC }},
	{"iq-imbalance", func(o, g *Options) {
		o.Frontend.IQGainDB, o.Frontend.IQPhaseDeg = g.Frontend.IQGainDB, g.Frontend.IQPhaseDeg
	}},
	{"adc-bits", func(o, g *Options) { o.Frontend.ADCBits = g.Frontend.ADCBits }},
}

// ScenarioList lists the scenarios, one line each, for --help.
func ScenarioList() string {
	var b strings.Builder
	for _, sc := range Scenarios {
		fmt.Fprintf(&b, "  %-16s %s\n", sc.Name, sc.Summary)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// companions are the --collide kinds with their default levels.
var companions = map[string]Companion{
	"co-channel": {Kind: CoChannel, Level: -10},
	"adjacent":   {Kind: AdjacentChannel, Level: 10},
	"near-far":   {Kind: NearFar, Level: 20},
}

// ParseCompanion parses a --collide kind: co-channel, adjacent or
// near-far, with its default level.
func ParseCompanion(s string) (Companion, error) {
	c, ok := companions[strings.ToLower(s)]
	if !ok {
		return c, errors.New("want co-channel, adjacent or near-far")
	}
	return c, nil
}

// ParsePair parses two comma-separated finite numbers.
func ParsePair(s string) ([2]float64, error) {
	a, b, ok := strings.Cut(s, ",")
	x, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	y, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if !ok || err1 != nil || err2 != nil || math.IsNaN(x+y) || math.IsInf(x+y, 0) {
		return [2]float64{}, errors.New("not two numbers")
	}
	return [2]float64{x, y}, nil
}

// ParseInterferer parses a continuous interferer,
// KIND:OFFSET:SNR[:BAUD[:DEVIATION]] (fsk:100k:30, ook:-200k:25:2000).
func ParseInterferer(s string) (Continuous, error) {
	var in Continuous
	parts := strings.Split(s, ":")
	if len(parts) < 3 || len(parts) > 5 {
		return in, errors.New("want KIND:OFFSET:SNR[:BAUD[:DEVIATION]], such as fsk:100k:30")
	}
	switch strings.ToLower(parts[0]) {
	case "fsk":
		in.Kind = ContinuousFSK
	case "ook":
		in.Kind = ContinuousOOK
	default:
		return in, errors.New("the kind is fsk or ook")
	}
	var err error
	if in.Offset, err = iq.ParseHz(parts[1]); err != nil {
		return in, fmt.Errorf("offset %q: %v", parts[1], err)
	}
	if in.SNRdB, err = strconv.ParseFloat(parts[2], 64); err != nil {
		return in, fmt.Errorf("SNR %q: want dB", parts[2])
	}
	if len(parts) > 3 {
		if in.Baud, err = iq.ParseSI(parts[3]); err != nil {
			return in, fmt.Errorf("baud %q: %v", parts[3], err)
		}
	}
	if len(parts) > 4 {
		if in.Deviation, err = iq.ParseHz(parts[4]); err != nil {
			return in, fmt.Errorf("deviation %q: %v", parts[4], err)
		}
	}
	return in, nil
}

// ParseRange parses "20" or "10:30" into [min, max]: finite numbers, min
// ≤ max.
func ParseRange(s string) ([2]float64, error) {
	lo, hi, found := strings.Cut(s, ":")
	a, err := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	if err != nil || math.IsNaN(a) || math.IsInf(a, 0) {
		return [2]float64{}, fmt.Errorf("%q: want a number or MIN:MAX", s)
	}
	b := a
	if found {
		if b, err = strconv.ParseFloat(strings.TrimSpace(hi), 64); err != nil || math.IsNaN(b) || math.IsInf(b, 0) || b < a {
			return [2]float64{}, fmt.Errorf("%q: want MIN:MAX with MIN ≤ MAX", s)
		}
	}
	return [2]float64{a, b}, nil
}

// WriteTruthFile writes the ground truth into a new file at path (see
// WriteTruth).
func WriteTruthFile(path string, lines []TruthLine) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteTruth(f, lines); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

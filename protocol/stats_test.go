package protocol

import (
	"reflect"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
)

// named is a protocol that only has a name.
type named struct {
	Protocol
	name string
}

func (n named) Name() string { return n.name }

// counting is a decoder whose statistics the test sets.
type counting struct {
	Decoder
	name string
	st   Stats
}

func (c *counting) Protocol() Protocol { return named{name: c.name} }
func (c *counting) Stats() Stats       { return c.st }

func TestStatsSummaries(t *testing.T) {
	a := &counting{name: "a", st: Stats{Frames: 10, Good: 6, Failed: 2,
		Counters: []Counter{{Name: "encrypted", Value: 2}, {Name: "known", Value: 16, State: true}}}}
	b := &counting{name: "b", st: Stats{Frames: 3, Good: 3}}
	decs := []Decoder{a, b}
	if got, want := SumSince(decs, nil), []any{"frames", int64(13), "crc_good", int64(9), "crc_failed", int64(2),
		"encrypted", int64(2), "known", int64(16)}; !reflect.DeepEqual(got, want) {
		t.Errorf("SumSince from the start: %v, want %v", got, want)
	}
	before := Snapshot(decs)
	a.st = Stats{Frames: 15, Good: 9, Failed: 3, Counters: []Counter{{Name: "encrypted", Value: 3}, {Name: "known", Value: 17, State: true}}}
	b.st = Stats{Frames: 4, Good: 4}
	// Counts since the snapshot; the state as it is now.
	if got, want := SumSince(decs, before), []any{"frames", int64(6), "crc_good", int64(4), "crc_failed", int64(1),
		"encrypted", int64(1), "known", int64(17)}; !reflect.DeepEqual(got, want) {
		t.Errorf("SumSince a snapshot: %v, want %v", got, want)
	}
	if got, want := StatsAttrs(decs), []any{"a_ok", int64(9), "a_bad", int64(3), "encrypted", int64(3), "known", int64(17),
		"b_ok", int64(4), "b_bad", int64(0)}; !reflect.DeepEqual(got, want) {
		t.Errorf("StatsAttrs: %v, want %v", got, want)
	}
	if got, want := StatsText(decs), "a 15 (9 good, 3 failed, encrypted 3, known 17), b 4 (4 good, 0 failed)"; got != want {
		t.Errorf("StatsText: %q, want %q", got, want)
	}
}

// radioOnly is a protocol that only has radio facts.
type radioOnly struct {
	Protocol
	r Radio
}

func (p radioOnly) Radio() Radio { return p.r }

// The level rate every OOK protocol can be sliced at is the highest of
// their minimums; FSK protocols need none.
func TestMinLevelRate(t *testing.T) {
	fsk := radioOnly{r: Radio{Modulation: FSK}}
	slow := radioOnly{r: Radio{Modulation: OOK, OOK: &pulse.Timing{HalfCell: 486e-6}}}
	fast := radioOnly{r: Radio{Modulation: OOK, OOK: &pulse.Timing{HalfCell: 100e-6}}}
	for _, tc := range []struct {
		list []Protocol
		want float64
	}{
		{nil, 0},
		{[]Protocol{fsk}, 0},
		{[]Protocol{fsk, slow}, 4 / 486e-6},
		{[]Protocol{slow, fast, fsk}, 4 / 100e-6},
	} {
		if got := MinLevelRate(tc.list); got != tc.want {
			t.Errorf("%d protocols: %v, want %v", len(tc.list), got, tc.want)
		}
	}
}

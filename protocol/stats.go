package protocol

import (
	"fmt"
	"strings"
)

// Snapshot returns the decoders' statistics now, for SumSince.
func Snapshot(decs []Decoder) []Stats {
	out := make([]Stats, len(decs))
	for i, d := range decs {
		out[i] = d.Stats()
	}
	return out
}

// SumSince adds up the decoders' statistics for a summary line: frames,
// crc_good, crc_failed, then every protocol's own counters in their order,
// as log attributes (key, value, …). It counts only what happened after
// before (the decoders' Snapshot then; nil: from the start); counters
// that are states (Counter.State) are as they are now.
func SumSince(decs []Decoder, before []Stats) []any {
	var frames, good, failed int64
	var counters []any
	for i, d := range decs {
		st := d.Stats()
		var b Stats
		if i < len(before) {
			b = before[i]
		}
		frames, good, failed = frames+st.Frames-b.Frames, good+st.Good-b.Good, failed+st.Failed-b.Failed
		for j, c := range st.Counters {
			v := c.Value
			if !c.State && j < len(b.Counters) && b.Counters[j].Name == c.Name {
				v -= b.Counters[j].Value
			}
			counters = append(counters, c.Name, v)
		}
	}
	return append([]any{"frames", frames, "crc_good", good, "crc_failed", failed}, counters...)
}

// StatsAttrs are the decoders' statistics as log attributes, protocol by
// protocol: NAME_ok, NAME_bad, then its own counters.
func StatsAttrs(decs []Decoder) []any {
	var attrs []any
	for _, d := range decs {
		st := d.Stats()
		name := d.Protocol().Name()
		attrs = append(attrs, name+"_ok", st.Good, name+"_bad", st.Failed)
		for _, c := range st.Counters {
			attrs = append(attrs, c.Name, c.Value)
		}
	}
	return attrs
}

// StatsText summarizes the decoders' statistics in one line of text:
// "NAME FRAMES (GOOD good, FAILED failed, COUNTER VALUE…)", protocol by
// protocol.
func StatsText(decs []Decoder) string {
	var parts []string
	for _, d := range decs {
		st := d.Stats()
		part := fmt.Sprintf("%s %d (%d good, %d failed", d.Protocol().Name(), st.Frames, st.Good, st.Failed)
		for _, c := range st.Counters {
			part += fmt.Sprintf(", %s %d", c.Name, c.Value)
		}
		parts = append(parts, part+")")
	}
	return strings.Join(parts, ", ")
}

// Package rtl433 writes gridstream messages as rtl_433 events: the model
// strings and field names that rtl_433's own decoders print, with rtl_433's
// receiver meta-data (-M level), as its `-F json` lines and as its `-F mqtt`
// publishes, so pipelines built around rtl_433 (its Home Assistant bridge,
// Node-RED flows, log parsers) keep working when gridstream replaces it as
// the receiver.
//
// The package is the generic part: the event's order (time first, the
// decoder's fields, then mod, freq or freq1/freq2, rssi, snr, noise), its
// time field (the offset into a recording, "@0.053248s", or the local date
// and time), rtl_433's number formats, and its MQTT topic layout. What a
// protocol's decoder prints comes from the protocol (protocol.RTL433):
// only what rtl_433 itself would print is printed, so frames that fail
// their check are not events. Encrypted GridStream frames are, as rtl_433
// master prints them (25.12 does not).
package rtl433

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
)

// TimeLayout is rtl_433's default "time" field layout for live inputs
// (local time, seconds).
const TimeLayout = "2006-01-02 15:04:05"

// Encoder writes messages of the protocols it knows in rtl_433's dialect.
type Encoder struct {
	dialects map[string]dialect
}

type dialect struct {
	rtl433 protocol.RTL433
	fsk    bool
}

// New returns an encoder of the protocols in list that rtl_433 decodes
// too (nil list: protocols.All()).
func New(list []protocol.Protocol) *Encoder {
	if list == nil {
		list = protocols.All()
	}
	e := &Encoder{dialects: map[string]dialect{}}
	for _, p := range list {
		if r, ok := p.(protocol.RTL433); ok {
			e.dialects[p.Name()] = dialect{r, p.Radio().Modulation == protocol.FSK}
		}
	}
	return e
}

// Default is the encoder of every protocol (protocols.All()).
var Default = sync.OnceValue(func() *Encoder { return New(nil) })

// Encode returns m as one rtl_433 `-F json` line (no trailing newline),
// by the encoder of every protocol; ok is false when rtl_433 would print
// nothing.
func Encode(m *frames.Message) (line []byte, ok bool) { return Default().Encode(m) }

// Encode returns m as one rtl_433 `-F json` line (no trailing newline); ok
// is false when rtl_433 would print nothing.
func (e *Encoder) Encode(m *frames.Message) (line []byte, ok bool) {
	ev, ok := e.Event(m)
	if !ok {
		return nil, false
	}
	return JSON(ev), true
}

// Event returns the fields rtl_433 `-M level` prints for m, in its order:
// time, the decoder's fields, then what the receiver measured (mod, freq1
// and freq2 for FSK with a measured deviation, else freq; rssi, snr,
// noise). ok is false when rtl_433 would print nothing for the frame: a
// failed CRC or check, or a protocol rtl_433 does not decode.
func (e *Encoder) Event(m *frames.Message) (ev []protocol.Field, ok bool) {
	if m == nil {
		return nil, false
	}
	d, ok := e.dialects[m.Protocol]
	if !ok {
		return nil, false
	}
	fields, ok := d.rtl433.RTL433(m)
	if !ok {
		return nil, false
	}
	ev = make([]protocol.Field, 0, len(fields)+7)
	ev = append(ev, protocol.Field{Key: "time", Value: Time(m)})
	ev = append(ev, fields...)
	add := func(k string, v float64) { ev = append(ev, protocol.Field{Key: k, Value: v}) }
	if r := m.Radio; r != nil && (r.FreqHz != nil || r.RSSIdB != nil || r.SNRdB != nil) {
		mod := "ASK"
		if d.fsk {
			mod = "FSK"
		}
		ev = append(ev, protocol.Field{Key: "mod", Value: mod})
		switch {
		case r.FreqHz != nil && r.DeviationHz != nil:
			f1, f2 := fskTones(*r.FreqHz, *r.DeviationHz)
			add("freq1", f1/1e6)
			add("freq2", f2/1e6)
		case r.FreqHz != nil:
			add("freq", *r.FreqHz/1e6)
		}
		if r.RSSIdB != nil {
			add("rssi", *r.RSSIdB)
		}
		if r.SNRdB != nil {
			add("snr", *r.SNRdB)
		}
		if r.RSSIdB != nil && r.SNRdB != nil {
			add("noise", *r.RSSIdB-*r.SNRdB)
		}
	}
	return ev, true
}

// fskDetectorSwitchHz is where rtl_433 (-Y auto, its default) changes FSK
// pulse detectors: above it the "minmax" detector, whose F1 estimate
// follows the lower tone and F2 the higher; at or below it the "classic"
// one, whose F1 is the higher tone and F2 the lower. Which tone a frame
// starts with does not matter to either.
const fskDetectorSwitchHz = 800e6

// fskTones returns rtl_433's freq1 and freq2 (Hz) of an FSK burst at freq
// whose 1 bits are at freq+dev: by the rule of fskDetectorSwitchHz, so
// GridStream (902–928 MHz) gets the lower tone first. A frequency that is
// only an offset (the recording's centre unknown) is below the switch, as
// rtl_433's default centre, 433.92 MHz, is.
func fskTones(freq, dev float64) (f1, f2 float64) {
	lo, hi := freq-math.Abs(dev), freq+math.Abs(dev)
	if freq > fskDetectorSwitchHz {
		return lo, hi
	}
	return hi, lo
}

// Time is rtl_433's "time" of m: the frame's offset into a recording as
// rtl_433 prints sample positions ("@0.053248s"), as it does for file
// inputs; else the local date and time (TimeLayout), as for live inputs.
// An unparsable time is now.
func Time(m *frames.Message) string {
	if m.OffsetS != nil {
		return fmt.Sprintf("@%fs", *m.OffsetS)
	}
	t, err := time.Parse(time.RFC3339, m.Time)
	if err != nil {
		t = time.Now()
	}
	return t.Local().Format(TimeLayout)
}

// JSON writes an event as rtl_433's `-F json` does: "key" : value pairs
// joined by ", ", doubles with three decimals.
func JSON(ev []protocol.Field) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range ev {
		if i > 0 {
			b.WriteString(", ")
		}
		writeString(&b, f.Key)
		b.WriteString(" : ")
		writeValue(&b, f.Value, func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) })
	}
	b.WriteByte('}')
	return b.Bytes()
}

// CompactJSON writes an event as rtl_433's MQTT events and states topics
// carry it: no spaces, doubles as MQTTNumber writes them.
func CompactJSON(ev []protocol.Field) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range ev {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(&b, f.Key)
		b.WriteByte(':')
		writeValue(&b, f.Value, MQTTNumber)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// MQTTNumber writes a double as rtl_433's MQTT output does: C's %g for
// values above 1e7 or below 1e-4 (every negative value and 0 included),
// else %.5f without trailing zeros, keeping one decimal.
func MQTTNumber(v float64) string {
	if v > 1e7 || v < 1e-4 {
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	s := strconv.FormatFloat(v, 'f', 5, 64)
	for strings.HasSuffix(s, "0") && !strings.HasSuffix(s, ".0") {
		s = s[:len(s)-1]
	}
	return s
}

// Text writes a value as an MQTT payload of rtl_433's per-field topics:
// strings raw, integers in decimal, doubles as MQTTNumber.
func Text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return MQTTNumber(v)
	}
	var b bytes.Buffer
	writeValue(&b, v, MQTTNumber)
	return b.String()
}

func writeValue(b *bytes.Buffer, v any, double func(float64) string) {
	switch v := v.(type) {
	case string:
		writeString(b, v)
	case float64:
		b.WriteString(double(v))
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case uint64:
		b.WriteString(strconv.FormatUint(v, 10))
	case nil:
		b.WriteString("null")
	default:
		fmt.Fprint(b, v)
	}
}

// writeString quotes s as rtl_433 does: only \r \n \t " and \ are escaped.
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// Package rtl433 writes gridstream messages as rtl_433 JSON events: the
// model strings and field names that rtl_433's own decoders print with
// `-F json`, so pipelines built around rtl_433 (rtl_433 → MQTT bridges, log
// parsers, dashboards) keep working when gridstream replaces it as the
// receiver.
//
// The package is the generic part: the object rtl_433 prints (keys in
// order, "key" : value), its time field, and its receiver meta-data names
// ("mod", "freq" in MHz, "rssi", "snr"). What a protocol's decoder prints
// comes from the protocol (protocol.RTL433): only what rtl_433 itself would
// print is printed, so frames that fail their check are not events.
package rtl433

import (
	"bytes"
	"encoding/json"
	"math"
	"sync"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
)

// TimeLayout is rtl_433's default "time" field layout (local time, seconds).
const TimeLayout = "2006-01-02 15:04:05"

// Encoder writes messages of the protocols it knows in rtl_433's dialect.
type Encoder struct {
	dialects map[string]dialect
}

type dialect struct {
	rtl433 protocol.RTL433
	mod    string // rtl_433's "mod": FSK or ASK
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
			mod := "FSK"
			if p.Radio().Modulation == protocol.OOK {
				mod = "ASK"
			}
			e.dialects[p.Name()] = dialect{r, mod}
		}
	}
	return e
}

// Encode is the encoder of every protocol (protocols.All()).
func Encode(m *frames.Message) (line []byte, ok bool) { return allProtocols().Encode(m) }

var allProtocols = sync.OnceValue(func() *Encoder { return New(nil) })

// Encode returns m as one rtl_433 JSON object (no trailing newline). ok is
// false when rtl_433 would print nothing for the frame: a failed CRC or
// check, or a protocol rtl_433 does not decode.
func (e *Encoder) Encode(m *frames.Message) (line []byte, ok bool) {
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
	var o object
	o.add("time", rtlTime(m.Time))
	for _, f := range fields {
		o.add(f.Key, f.Value)
	}
	if r := m.Radio; r != nil {
		if r.FreqHz != nil || r.RSSIdB != nil || r.SNRdB != nil {
			o.add("mod", d.mod)
		}
		if r.FreqHz != nil {
			o.add("freq", round(*r.FreqHz/1e6, 3))
		}
		if r.RSSIdB != nil {
			o.add("rssi", round(*r.RSSIdB, 1))
		}
		if r.SNRdB != nil {
			o.add("snr", round(*r.SNRdB, 1))
		}
	}
	return o.bytes(), true
}

// rtlTime converts a message time (RFC 3339) to rtl_433's local-time layout;
// an empty or unparsable time becomes the current time.
func rtlTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t = time.Now()
	}
	return t.Local().Format(TimeLayout)
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// object is a JSON object that keeps its keys in insertion order, as rtl_433
// prints them.
type object struct {
	keys []string
	vals []any
}

func (o *object) add(k string, v any) {
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

func (o *object) bytes() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.vals[i])
		if err != nil {
			vb = []byte("null")
		}
		b.Write(kb)
		b.WriteString(" : ")
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes()
}

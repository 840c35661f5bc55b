package frames

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/vmihailenco/msgpack/v5"
)

// The protocol's Fields are written inline: the common fields, then the
// protocol's, then Radio's and Meta, exactly where embedded structs would
// put them. JSON and msgpack both splice one object (map) after another.

// messageHead is the common part of a Message as JSON writes it.
type messageHead struct {
	Protocol   string   `json:"protocol"`
	Time       string   `json:"time"`
	CRCOK      bool     `json:"crc_ok"`
	Raw        string   `json:"raw"`
	BitOffset  int64    `json:"bit_offset"`
	OffsetS    *float64 `json:"offset_s,omitempty"`
	SyncErrors int      `json:"sync_errors"`
	Input      string   `json:"input,omitempty"`
}

// messageTail is what follows the protocol's fields.
type messageTail struct {
	*Radio `json:",omitempty"`
	Meta   map[string]any `json:"meta,omitempty"`
}

var errNotObject = errors.New("frames: a message's Fields must encode as an object")

// MarshalJSON writes the message as one JSON object with the protocol's
// fields inline. Strings are not HTML-escaped here; an encoder that escapes
// HTML does so for the whole object.
func (m Message) MarshalJSON() ([]byte, error) { return m.AppendJSON(nil) }

// AppendJSON appends the message's JSON (MarshalJSON's bytes) to dst: the
// common fields and Radio written directly, the protocol's Fields by
// encoding/json. A message with a string that needs escaping, a float JSON
// cannot hold or Meta is written by marshalJSON, the same bytes or error.
func (m *Message) AppendJSON(dst []byte) ([]byte, error) {
	if !m.plainJSON() {
		b, err := m.marshalJSON()
		return append(dst, b...), err
	}
	start := len(dst)
	dst = append(dst, `{"protocol":"`...)
	dst = append(dst, m.Protocol...)
	dst = append(dst, `","time":"`...)
	dst = append(dst, m.Time...)
	dst = append(dst, `","crc_ok":`...)
	dst = strconv.AppendBool(dst, m.CRCOK)
	dst = append(dst, `,"raw":"`...)
	dst = append(dst, m.Raw...)
	dst = append(dst, `","bit_offset":`...)
	dst = strconv.AppendInt(dst, m.BitOffset, 10)
	dst = appendFloatField(dst, `,"offset_s":`, m.OffsetS)
	dst = append(dst, `,"sync_errors":`...)
	dst = strconv.AppendInt(dst, int64(m.SyncErrors), 10)
	if m.Input != "" {
		dst = append(dst, `,"input":"`...)
		dst = append(dst, m.Input...)
		dst = append(dst, '"')
	}
	if m.Fields != nil {
		buf := jsonBuffers.Get().(*jsonBuffer)
		defer jsonBuffers.Put(buf)
		buf.b.Reset()
		if err := buf.enc.Encode(m.Fields); err != nil {
			return dst[:start], err
		}
		o := bytes.TrimSuffix(buf.b.Bytes(), []byte("\n"))
		if string(o) != "null" {
			if len(o) < 2 || o[0] != '{' || o[len(o)-1] != '}' {
				return dst[:start], errNotObject
			}
			if inner := o[1 : len(o)-1]; len(inner) > 0 {
				dst = append(dst, ',')
				dst = append(dst, inner...)
			}
		}
	}
	if r := m.Radio; r != nil {
		dst = appendFloatField(dst, `,"freq_hz":`, r.FreqHz)
		dst = appendFloatField(dst, `,"deviation_hz":`, r.DeviationHz)
		if r.Baud != 0 {
			dst = append(dst, `,"baud":`...)
			dst = strconv.AppendInt(dst, int64(r.Baud), 10)
		}
		dst = appendFloatField(dst, `,"rssi_db":`, r.RSSIdB)
		dst = appendFloatField(dst, `,"snr_db":`, r.SNRdB)
	}
	return append(dst, '}'), nil
}

// jsonBuffer is an encoder of a protocol's Fields with its buffer.
type jsonBuffer struct {
	b   bytes.Buffer
	enc *json.Encoder
}

var jsonBuffers = sync.Pool{New: func() any {
	j := new(jsonBuffer)
	j.enc = json.NewEncoder(&j.b)
	j.enc.SetEscapeHTML(false)
	return j
}}

// plainJSON reports whether AppendJSON can write m's common fields and
// Radio itself: its strings need no escaping, its floats are finite, it has
// no Meta.
func (m *Message) plainJSON() bool {
	if len(m.Meta) > 0 || !plainString(m.Protocol) || !plainString(m.Time) || !plainString(m.Raw) ||
		!plainString(m.Input) || !finite(m.OffsetS) {
		return false
	}
	r := m.Radio
	return r == nil || finite(r.FreqHz) && finite(r.DeviationHz) && finite(r.RSSIdB) && finite(r.SNRdB)
}

// plainString reports whether encoding/json writes s as it is (without
// HTML escaping): printable ASCII without quote or backslash.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7E || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func finite(f *float64) bool { return f == nil || !math.IsNaN(*f) && !math.IsInf(*f, 0) }

// appendFloatField appends key and *f as encoding/json writes a finite
// float64, nothing when f is nil.
func appendFloatField(dst []byte, key string, f *float64) []byte {
	if f == nil {
		return dst
	}
	dst = append(dst, key...)
	v := *f
	format := byte('f')
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, v, format, -1, 64)
	if format == 'e' { // e-09 → e-9, as encoding/json writes it
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// marshalJSON writes the message through encoding/json: each part encoded
// as an object and spliced.
func (m *Message) marshalJSON() ([]byte, error) {
	var out, obj bytes.Buffer
	enc := json.NewEncoder(&obj)
	enc.SetEscapeHTML(false)
	out.WriteByte('{')
	head := messageHead{m.Protocol, m.Time, m.CRCOK, m.Raw, m.BitOffset, m.OffsetS, m.SyncErrors, m.Input}
	for _, v := range [...]any{head, m.Fields, messageTail{m.Radio, m.Meta}} {
		if v == nil {
			continue
		}
		obj.Reset()
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		o := bytes.TrimSuffix(obj.Bytes(), []byte("\n"))
		if string(o) == "null" {
			continue // a nil map or pointer: no fields
		}
		if len(o) < 2 || o[0] != '{' || o[len(o)-1] != '}' {
			return nil, errNotObject
		}
		if inner := o[1 : len(o)-1]; len(inner) > 0 {
			if out.Len() > 1 {
				out.WriteByte(',')
			}
			out.Write(inner)
		}
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// commonKeys are the keys of a Message outside its Fields, in JSON and
// msgpack.
var commonKeys = map[string]bool{
	"protocol": true, "time": true, "crc_ok": true, "raw": true, "bit_offset": true, "offset_s": true, "sync_errors": true,
	"input": true, "freq_hz": true, "deviation_hz": true, "baud": true, "rssi_db": true, "snr_db": true, "meta": true,
}

// UnmarshalJSON reads a message written by MarshalJSON. The keys that are
// not common go to Fields: into the value Fields already holds (a pointer
// to the protocol's type), else into a new Map.
func (m *Message) UnmarshalJSON(b []byte) error {
	type plain Message // the same fields, without these methods
	if err := json.Unmarshal(b, (*plain)(m)); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	for k := range all {
		if commonKeys[k] {
			delete(all, k)
		}
	}
	if len(all) == 0 {
		return nil
	}
	rest, err := json.Marshal(all)
	if err != nil {
		return err
	}
	if _, generic := m.Fields.(Map); m.Fields != nil && !generic {
		return json.Unmarshal(rest, m.Fields)
	}
	var fields Map
	if err := json.Unmarshal(rest, &fields); err != nil {
		return err
	}
	m.Fields = fields
	return nil
}

// sideBuffers hold the protocol's msgpack fields while the message's map
// length is worked out.
var sideBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// EncodeMsgpack writes the message as one msgpack map with the protocol's
// fields inline, as msgpack's struct encoding (default options) would write
// embedded structs.
func (m Message) EncodeMsgpack(enc *msgpack.Encoder) error {
	n := 6
	if m.Input != "" {
		n++
	}
	if m.OffsetS != nil {
		n++
	}
	var fields []byte
	if m.Fields != nil {
		buf := sideBuffers.Get().(*bytes.Buffer)
		defer sideBuffers.Put(buf)
		buf.Reset()
		side := msgpack.GetEncoder()
		side.Reset(buf)
		err := side.Encode(m.Fields)
		msgpack.PutEncoder(side)
		if err != nil {
			return err
		}
		k, hdr, err := mapHeader(buf.Bytes())
		if err != nil {
			return err
		}
		n += k
		fields = buf.Bytes()[hdr:]
	}
	r := m.Radio
	if r != nil {
		n += count(r.FreqHz != nil, r.DeviationHz != nil, r.Baud != 0, r.RSSIdB != nil, r.SNRdB != nil)
	}
	if len(m.Meta) > 0 {
		n++
	}
	w := msgpackWriter{enc: enc}
	w.err = enc.EncodeMapLen(n)
	w.str("protocol", m.Protocol)
	w.str("time", m.Time)
	w.key("crc_ok")
	w.do(enc.EncodeBool(m.CRCOK))
	w.str("raw", m.Raw)
	w.key("bit_offset")
	w.do(enc.EncodeInt64(m.BitOffset))
	w.float("offset_s", m.OffsetS)
	w.key("sync_errors")
	w.do(enc.EncodeInt(int64(m.SyncErrors)))
	if m.Input != "" {
		w.str("input", m.Input)
	}
	if len(fields) > 0 && w.err == nil {
		_, w.err = enc.Writer().Write(fields)
	}
	if r != nil {
		w.float("freq_hz", r.FreqHz)
		w.float("deviation_hz", r.DeviationHz)
		if r.Baud != 0 {
			w.key("baud")
			w.do(enc.EncodeInt(int64(r.Baud)))
		}
		w.float("rssi_db", r.RSSIdB)
		w.float("snr_db", r.SNRdB)
	}
	if len(m.Meta) > 0 {
		w.key("meta")
		w.do(enc.Encode(m.Meta))
	}
	return w.err
}

// msgpackWriter writes map entries, keeping the first error.
type msgpackWriter struct {
	enc *msgpack.Encoder
	err error
}

func (w *msgpackWriter) do(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *msgpackWriter) key(k string) { w.do(w.enc.EncodeString(k)) }

func (w *msgpackWriter) str(k, v string) {
	w.key(k)
	w.do(w.enc.EncodeString(v))
}

func (w *msgpackWriter) float(k string, v *float64) {
	if v != nil {
		w.key(k)
		w.do(w.enc.EncodeFloat64(*v))
	}
}

func count(conds ...bool) int {
	n := 0
	for _, c := range conds {
		if c {
			n++
		}
	}
	return n
}

// mapHeader reads a msgpack map header: the number of entries and the
// header's length.
func mapHeader(b []byte) (n, size int, err error) {
	switch {
	case len(b) == 1 && b[0] == 0xC0: // nil: no fields
		return 0, 1, nil
	case len(b) >= 1 && b[0]&0xF0 == 0x80: // fixmap
		return int(b[0] & 0x0F), 1, nil
	case len(b) >= 3 && b[0] == 0xDE: // map 16
		return int(b[1])<<8 | int(b[2]), 3, nil
	case len(b) >= 5 && b[0] == 0xDF: // map 32
		return int(b[1])<<24 | int(b[2])<<16 | int(b[3])<<8 | int(b[4]), 5, nil
	}
	return 0, 0, errNotObject
}

// DecodeMsgpack reads a message written by EncodeMsgpack. The keys that
// are not common go to Fields: into the value Fields already holds (a
// pointer to the protocol's type), else into a new Map.
func (m *Message) DecodeMsgpack(dec *msgpack.Decoder) error {
	n, err := dec.DecodeMapLen()
	if err != nil {
		return err
	}
	var rest bytes.Buffer
	restEnc := msgpack.NewEncoder(&rest)
	restN := 0
	radio := func() *Radio {
		if m.Radio == nil {
			m.Radio = &Radio{}
		}
		return m.Radio
	}
	for range max(n, 0) {
		k, err := dec.DecodeString()
		if err != nil {
			return err
		}
		switch k {
		case "protocol":
			m.Protocol, err = dec.DecodeString()
		case "time":
			m.Time, err = dec.DecodeString()
		case "crc_ok":
			m.CRCOK, err = dec.DecodeBool()
		case "raw":
			m.Raw, err = dec.DecodeString()
		case "bit_offset":
			m.BitOffset, err = dec.DecodeInt64()
		case "offset_s":
			err = dec.Decode(&m.OffsetS)
		case "sync_errors":
			m.SyncErrors, err = dec.DecodeInt()
		case "input":
			m.Input, err = dec.DecodeString()
		case "freq_hz":
			err = dec.Decode(&radio().FreqHz)
		case "deviation_hz":
			err = dec.Decode(&radio().DeviationHz)
		case "baud":
			radio().Baud, err = dec.DecodeInt()
		case "rssi_db":
			err = dec.Decode(&radio().RSSIdB)
		case "snr_db":
			err = dec.Decode(&radio().SNRdB)
		case "meta":
			err = dec.Decode(&m.Meta)
		default:
			var raw msgpack.RawMessage
			if raw, err = dec.DecodeRaw(); err == nil {
				restN++
				err = restEnc.EncodeString(k)
				rest.Write(raw)
			}
		}
		if err != nil {
			return fmt.Errorf("frames: %s: %w", k, err)
		}
	}
	if restN == 0 {
		return nil
	}
	var whole bytes.Buffer
	if err := msgpack.NewEncoder(&whole).EncodeMapLen(restN); err != nil {
		return err
	}
	whole.Write(rest.Bytes())
	if _, generic := m.Fields.(Map); m.Fields != nil && !generic {
		return msgpack.Unmarshal(whole.Bytes(), m.Fields)
	}
	var fields Map
	if err := msgpack.Unmarshal(whole.Bytes(), &fields); err != nil {
		return err
	}
	m.Fields = fields
	return nil
}

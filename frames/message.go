// Package frames is the one message schema every gridstream output uses
// (JSON lines, msgpack over ZeroMQ, PMT metadata, MQTT): the fields every
// protocol's messages have, the protocol's own part as a Fields value
// written inline, and what a receiver measured (Radio). It knows no
// protocol.
package frames

import "time"

// TimeLayout is how Message.Time is written: RFC 3339, UTC, milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Message is one decoded frame or packet. It is the single schema for JSON
// lines, msgpack over ZMQ, PMT metadata and MQTT state. The fields every
// protocol has come first; the protocol's own part (Fields) is written
// inline after them, in JSON and msgpack alike, then the Radio fields and
// Meta.
type Message struct {
	Protocol string `json:"protocol" msgpack:"protocol"`
	// Time is when the frame was received, RFC 3339 UTC: the recording's
	// start plus OffsetS when both are known, else when it was decoded.
	Time string `json:"time" msgpack:"time"`
	// CRCOK is true when the frame's CRC or check bits match.
	CRCOK bool `json:"crc_ok" msgpack:"crc_ok"`
	// Raw is the frame in hex, as the protocol defines it (GridStream: from
	// the 0x2A byte through the CRC; NGE101: the packet's bits packed MSB
	// first, last byte zero-padded).
	Raw string `json:"raw" msgpack:"raw"`
	// BitOffset is the stream position (in bits, from the start of the input)
	// of the frame's first bit (GridStream: the 0x2A start bit after the sync
	// word; for OOK level input: the sample of the packet's first edge).
	BitOffset int64 `json:"bit_offset" msgpack:"bit_offset"`
	// OffsetS is where the frame starts in the input, in seconds from its
	// start, when the input is a recording whose rate is known (an IQ
	// recording, OOK levels at their sample rate, bits at their symbol
	// rate); nil otherwise (live inputs, hex lines).
	OffsetS *float64 `json:"offset_s,omitempty" msgpack:"offset_s,omitempty"`
	// SyncErrors is the number of preamble bits that did not match.
	SyncErrors int `json:"sync_errors" msgpack:"sync_errors"`
	// Input names where the bits came from (file name, endpoint, channel).
	Input string `json:"input,omitempty" msgpack:"input,omitempty"`

	// Fields is the protocol's part, nil when the frame carries none. Its
	// keys are written inline after Input and must not repeat any other
	// key of the message.
	Fields Fields `json:"-" msgpack:"-"`

	*Radio `json:",omitempty" msgpack:",omitempty"`

	// Meta carries input metadata such as GNU Radio stream tags.
	Meta map[string]any `json:"meta,omitempty" msgpack:"meta,omitempty"`
}

// Fields is a protocol's part of a Message: a pointer to a struct whose
// exported fields carry json and msgpack tags (or a Map).
type Fields interface {
	// DeviceID is a stable identifier of the transmitting device, "" when
	// the frame names none.
	DeviceID() string
}

// Map holds a protocol's part of a message read back (from JSON or
// msgpack) without the protocol's own Fields type: its keys and values.
type Map map[string]any

// DeviceID is "": without its protocol, the fields name no device.
func (Map) DeviceID() string { return "" }

// Radio holds what a receiver measured about the burst that carried a frame.
// It is set by the pure-Go demodulator, and by GNU Radio inputs whose tags
// carry the values.
type Radio struct {
	// FreqHz is the burst's centre frequency: absolute when the recording's
	// centre frequency is known, else the offset from the centre.
	FreqHz *float64 `json:"freq_hz,omitempty" msgpack:"freq_hz,omitempty"`
	// DeviationHz is an FSK burst's measured deviation: a 1 is sent at
	// FreqHz+DeviationHz and a 0 at FreqHz-DeviationHz (so it is negative
	// when a 1 is the lower tone).
	DeviationHz *float64 `json:"deviation_hz,omitempty" msgpack:"deviation_hz,omitempty"`
	// Baud is the detected symbol rate.
	Baud int `json:"baud,omitempty" msgpack:"baud,omitempty"`
	// RSSIdB is the burst power in dB relative to full scale.
	RSSIdB *float64 `json:"rssi_db,omitempty" msgpack:"rssi_db,omitempty"`
	// SNRdB is the burst's estimated signal-to-noise ratio.
	SNRdB *float64 `json:"snr_db,omitempty" msgpack:"snr_db,omitempty"`
}

// SetOffset sets OffsetS to sec, and Time to start plus sec unless start
// is zero (unknown).
func (m *Message) SetOffset(sec float64, start time.Time) {
	m.OffsetS = &sec
	if !start.IsZero() {
		m.Stamp(start.Add(time.Duration(sec * float64(time.Second))))
	}
}

// Stamp sets Time from t.
func (m *Message) Stamp(t time.Time) { m.Time = t.UTC().Format(TimeLayout) }

// DeviceID is a stable identifier of the transmitting device (its
// Fields'), "" when the frame names none.
func (m *Message) DeviceID() string {
	if m.Fields == nil {
		return ""
	}
	return m.Fields.DeviceID()
}

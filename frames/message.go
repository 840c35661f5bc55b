// Package frames decodes GridStream frames and NGE101 packets into Messages:
// CRC checking against known and learned utility networks, field parsing, and
// the one message schema every gridstream output uses.
package frames

import (
	"strconv"
	"time"
)

// Protocol names as they appear in Message.Protocol and as ZMQ/MQTT topics.
const (
	ProtocolGridStream = "gridstream"
	ProtocolNGE101     = "nge101"
)

// TimeLayout is how Message.Time is written: RFC 3339, UTC, milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Message is one decoded frame or packet. It is the single schema for JSON
// lines, msgpack over ZMQ, PMT metadata and MQTT state. The fields every
// protocol has come first; the protocol's own part (Fields) is written
// inline after them, in JSON and msgpack alike, then the Radio fields and
// Meta.
type Message struct {
	Protocol string `json:"protocol" msgpack:"protocol"`
	// Time is when the frame was decoded (or received), RFC 3339 UTC.
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

// GridStream holds the fields of a Landis+Gyr GridStream frame.
type GridStream struct {
	// Version is the sync-word version (4 or 5); 0 when unknown (hex input
	// without the 00FF2A/80FF2A prefix).
	Version int `json:"version" msgpack:"version"`
	// Type is the frame type byte as two upper-case hex digits ("55", "D5").
	Type string `json:"type" msgpack:"type"`
	// CI is the control-information byte as two upper-case hex digits.
	CI string `json:"ci" msgpack:"ci"`
	// Length is the frame's length field: bytes from the CI through the CRC.
	Length int `json:"length" msgpack:"length"`
	// CRCInit is the utility network's CRC init (4 upper-case hex digits), null
	// when no known or learned init matches.
	CRCInit *string `json:"crc_init" msgpack:"crc_init"`
	// NetworkID is the utility network id whose CRC-16/XMODEM is CRCInit.
	NetworkID *int `json:"network_id" msgpack:"network_id"`
	// Utility is the utility's name when the init is in the built-in table.
	Utility *string `json:"utility" msgpack:"utility"`
	// Learned is true when CRCInit was learned from the traffic itself.
	Learned bool `json:"learned" msgpack:"learned"`
	// Encrypted marks 0xD2 frames with CI 0x52 (AES payload, no CRC).
	Encrypted bool `json:"encrypted" msgpack:"encrypted"`
	// Src and Dst are LAN ids (8 hex digits) where the frame carries them.
	Src string `json:"src,omitempty" msgpack:"src,omitempty"`
	Dst string `json:"dst,omitempty" msgpack:"dst,omitempty"`
	// SrcWAN and DstWAN are 6-byte WAN addresses (12 hex digits).
	SrcWAN string `json:"src_wan,omitempty" msgpack:"src_wan,omitempty"`
	DstWAN string `json:"dst_wan,omitempty" msgpack:"dst_wan,omitempty"`
	// Counter is the 0x55 broadcast counter (wraps at 255).
	Counter *int `json:"counter,omitempty" msgpack:"counter,omitempty"`
	// UptimeS is seconds since the meter last powered on.
	UptimeS *int64 `json:"uptime_s,omitempty" msgpack:"uptime_s,omitempty"`
	// Clock is the meter's clock (0xD5 length 0x47), RFC 3339 UTC.
	Clock string `json:"clock,omitempty" msgpack:"clock,omitempty"`
	// Timing is the raw 16-bit 0x55 field that seed 000 reads as "timing,
	// 0.01 increments"; its meaning is not established.
	Timing *int `json:"timing,omitempty" msgpack:"timing,omitempty"`
}

// NGE101 holds the fields of a Norgo NGE101 packet.
type NGE101 struct {
	// Bits is the packet length: 55 (power) or 71 (energy).
	Bits int `json:"bits" msgpack:"bits"`
	// ID is the transmitter's 8-bit device id.
	ID int `json:"id" msgpack:"id"`
	// Channel is the transmitter's channel, 1–8.
	Channel int `json:"channel" msgpack:"channel"`
	// Gap is the time between the last two LED pulses in 1/1024 s (55-bit).
	Gap *int `json:"gap,omitempty" msgpack:"gap,omitempty"`
	// PowerW is the power derived from Gap and the meter's pulses per kWh.
	PowerW *float64 `json:"power_w,omitempty" msgpack:"power_w,omitempty"`
	// Impulses is the LED pulse count since the transmitter started (71-bit).
	Impulses *uint64 `json:"impulses,omitempty" msgpack:"impulses,omitempty"`
	// EnergyKWh is Impulses divided by the meter's pulses per kWh.
	EnergyKWh *float64 `json:"energy_kwh,omitempty" msgpack:"energy_kwh,omitempty"`
	// BatteryOK is false when the transmitter reports a low battery (71-bit).
	BatteryOK *bool `json:"battery_ok,omitempty" msgpack:"battery_ok,omitempty"`
}

// Radio holds what a receiver measured about the burst that carried a frame.
// It is set by the pure-Go demodulator, and by GNU Radio inputs whose tags
// carry the values.
type Radio struct {
	// FreqHz is the burst's centre frequency: absolute when the recording's
	// centre frequency is known, else the offset from the centre.
	FreqHz *float64 `json:"freq_hz,omitempty" msgpack:"freq_hz,omitempty"`
	// Baud is the detected symbol rate.
	Baud int `json:"baud,omitempty" msgpack:"baud,omitempty"`
	// RSSIdB is the burst power in dB relative to full scale.
	RSSIdB *float64 `json:"rssi_db,omitempty" msgpack:"rssi_db,omitempty"`
	// SNRdB is the burst's estimated signal-to-noise ratio.
	SNRdB *float64 `json:"snr_db,omitempty" msgpack:"snr_db,omitempty"`
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

// DeviceID is the source LAN id, else the source WAN address.
func (g *GridStream) DeviceID() string {
	if g.Src != "" {
		return g.Src
	}
	return g.SrcWAN
}

// DeviceID is the "channel-id" pair.
func (n *NGE101) DeviceID() string { return strconv.Itoa(n.Channel) + "-" + strconv.Itoa(n.ID) }

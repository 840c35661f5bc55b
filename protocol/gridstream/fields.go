package gridstream

import (
	"encoding/binary"
	"strings"
	"time"
)

// GridStream frame types with a length rule.
const (
	TypeBroadcast  = 0x55 // broadcast announcement
	TypeDirected   = 0xD5 // directed mesh
	TypeBeacon     = 0xA5 // scheduled mesh beacon
	TypeEncrypted  = 0xD2 // directed mesh, encrypted when CI is 0x52
	ciBroadcast    = 0x30
	ciBeacon       = 0x3C
	ciEncrypted    = 0x52
	clockFrameLen  = 0x47
	broadcastLen   = 0x23
	headerWithRsvd = 3 // type, reserved 0x00, length
	headerShort    = 2 // type, length
)

// Fields are GridStream's part of a frames.Message.
type Fields struct {
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
	// CorrectedBits is how many bits were flipped, by their soft symbols,
	// to make the CRC valid (see README, soft-decision correction); absent
	// for frames whose CRC was valid as received.
	CorrectedBits int `json:"corrected_bits,omitempty" msgpack:"corrected_bits,omitempty"`
	// Ambiguous marks a frame (emitted only as failed) that passed a known
	// network's CRC as received while its soft symbols make another known
	// network's reading about as likely (see the README).
	Ambiguous bool `json:"ambiguous,omitempty" msgpack:"ambiguous,omitempty"`
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

// DeviceID is the source LAN id, else the source WAN address.
func (g *Fields) DeviceID() string {
	if g.Src != "" {
		return g.Src
	}
	return g.SrcWAN
}

// Network names the meter's utility network: the utility, else its CRC
// init; "" when no known or learned network explains the frame.
func (g *Fields) Network() string {
	switch {
	case g.Utility != nil:
		return *g.Utility
	case g.CRCInit != nil:
		return "network " + *g.CRCInit
	}
	return ""
}

// parseHeader fills the header fields of f, a frame from the type
// byte through the CRC whose CI byte is at ci.
func parseHeader(g *Fields, f []byte, ci int) {
	g.Type = hexByte(f[0])
	g.CI = hexByte(f[ci])
	g.Length = int(f[ci-1])
	g.Encrypted = isEncrypted(f, ci)
}

// parseFields fills the parsed fields of f, a frame from the type byte
// through the CRC that follows its type's rule.
func parseFields(g *Fields, f []byte) {
	switch {
	case f[0] == TypeBroadcast && len(f) >= 38:
		g.DstWAN = hexUpper(f[4:10])
		g.SrcWAN = hexUpper(f[10:16])
		g.Counter = ptr(int(f[16]))
		g.UptimeS = ptr(int64(binary.BigEndian.Uint32(f[17:21])))
		g.Src = hexUpper(f[23:27])
		g.Timing = ptr(int(binary.BigEndian.Uint16(f[32:34])))
	case f[0] == TypeDirected && len(f) >= 14:
		g.Dst = hexUpper(f[4:8])
		g.Src = hexUpper(f[8:12])
		if f[2] == clockFrameLen && len(f) >= 37 {
			clock := int64(binary.BigEndian.Uint32(f[13:17]))
			g.Clock = time.Unix(clock, 0).UTC().Format(time.RFC3339)
			g.UptimeS = ptr(int64(binary.BigEndian.Uint32(f[21:25])))
			g.SrcWAN = hexUpper(f[29:35])
		}
	}
}

func ptr[T any](v T) *T { return &v }

func hexByte(b byte) string { return hexUpper([]byte{b}) }

func hexUpper(b []byte) string {
	const digits = "0123456789ABCDEF"
	var s strings.Builder
	s.Grow(2 * len(b))
	for _, v := range b {
		s.WriteByte(digits[v>>4])
		s.WriteByte(digits[v&15])
	}
	return s.String()
}

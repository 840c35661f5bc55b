package frames

import (
	"encoding/binary"
	"encoding/hex"
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

// gridStreamHeader fills the header fields of f, a frame from the type
// byte through the CRC whose CI byte is at ci.
func gridStreamHeader(g *GridStream, f []byte, ci int) {
	g.Type = hexByte(f[0])
	g.CI = hexByte(f[ci])
	g.Length = int(f[ci-1])
	g.Encrypted = f[0] == TypeEncrypted && f[ci] == ciEncrypted
}

// gridStreamFields fills the parsed fields of f, a frame from the type byte
// through the CRC that follows its type's rule.
func gridStreamFields(g *GridStream, f []byte) {
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

func hexUpper(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

// Package bitio reads and writes bit streams in the formats GNU Radio and
// other tools record (unpacked, packed, ASCII, float32 soft symbols), holds
// the one rule that turns a soft symbol into a bit, and packs bits into bytes
// and bytes into UART characters. It knows no protocol.
package bitio

package bits

// MaxPreambleBits is the longest preamble a transmission is expected to
// carry: meters send about 36 alternating bits, recordings show up to 52.
const MaxPreambleBits = 64

// MaxTransmissionBits is the longest GridStream transmission in symbols: a
// long preamble, the version 5 framing bits, the longest frame (a 0xFF
// length field: 259 bytes) as 10-bit UART characters, and a trailer byte.
const MaxTransmissionBits = MaxPreambleBits + framingV5Bits + 10*(maxFrameBytes+1)

// NGEPacketSeconds is how long the longest NGE101 packet lasts on the air.
const NGEPacketSeconds = NGELongBits * 2 * NGEHalfCell

// MinLevelRate is the lowest rate of an NGE101 level stream: four samples
// per half bit cell, so the slicer tells half cells from whole ones.
const MinLevelRate = 4 / NGEHalfCell

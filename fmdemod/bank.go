package fmdemod

import (
	"encoding/binary"
	"fmt"
	"math"
)

// MaxChannels bounds a Bank's vector length.
const MaxChannels = 1024

// Bank demodulates the channels of a GNU Radio vector stream: each item is
// Channels float32 samples (little-endian, the host order of the machines
// GNU Radio runs on), one per channel, e.g. a PFB channelizer's outputs
// after Quadrature Demods and a Streams to Vector block. It takes bytes in
// pieces of any size. It is not safe for concurrent use.
type Bank struct {
	chans   []*Demod
	item    int    // bytes per item
	carry   []byte // a partial item from the last Feed
	scratch []float32
	items   int64
}

// NewBank returns a Bank of vlen channels, each demodulated as cfg says;
// sink(ch, rate, inverted) gives channel ch's BitSink for rate index rate
// and polarity.
func NewBank(cfg Config, vlen int, sink func(ch, rate int, inverted bool) BitSink) (*Bank, error) {
	if vlen < 1 || vlen > MaxChannels {
		return nil, fmt.Errorf("fmdemod: %d channels; want 1 to %d", vlen, MaxChannels)
	}
	b := &Bank{item: 4 * vlen, scratch: make([]float32, blockSize)}
	b.carry = make([]byte, 0, b.item)
	for ch := range vlen {
		d, err := New(cfg, func(rate int, inverted bool) BitSink { return sink(ch, rate, inverted) })
		if err != nil {
			return nil, err
		}
		b.chans = append(b.chans, d)
	}
	return b, nil
}

// Channels returns the vector length.
func (b *Bank) Channels() int { return len(b.chans) }

// Channel returns channel ch's demodulator.
func (b *Bank) Channel(ch int) *Demod { return b.chans[ch] }

// Items returns how many whole items were fed.
func (b *Bank) Items() int64 { return b.items }

// Feed demodulates interleaved little-endian float32 samples, one per
// channel per item; a partial item waits for the rest.
func (b *Bank) Feed(p []byte) {
	if len(b.carry) > 0 {
		n := min(b.item-len(b.carry), len(p))
		b.carry = append(b.carry, p[:n]...)
		p = p[n:]
		if len(b.carry) < b.item {
			return
		}
		b.items1(b.carry)
		b.carry = b.carry[:0]
	}
	whole := len(p) / b.item * b.item
	b.items1(p[:whole])
	b.carry = append(b.carry, p[whole:]...)
}

// items1 demodulates whole items, blockSize at a time.
func (b *Bank) items1(p []byte) {
	for len(p) > 0 {
		n := min(len(p)/b.item, blockSize)
		s := b.scratch[:n]
		for ch, d := range b.chans {
			off := 4 * ch
			for i := range s {
				s[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[off+i*b.item:]))
			}
			d.Feed(s)
		}
		b.items += int64(n)
		p = p[n*b.item:]
	}
}

// Flush decides every channel's held-back ticks (the end of the stream); a
// partial item is dropped.
func (b *Bank) Flush() {
	for _, d := range b.chans {
		d.Flush()
	}
	b.carry = b.carry[:0]
}

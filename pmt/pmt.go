// Package pmt serializes and deserializes GNU Radio polymorphic types (PMT)
// in the binary format of pmt::serialize / pmt::deserialize (GNU Radio 3.10),
// for the subset gridstream exchanges with flowgraphs: stream-tag keys,
// values and source ids in ZMQ pass_tags headers, and PDUs (a pair of a
// metadata dict and a u8 vector) for the ZMQ SUB Message Source.
//
// Go representation of PMT values (Value is any of these):
//
//	bool                       #t / #f
//	nil                        PMT_NIL (the empty list, also the empty dict)
//	Symbol                     symbol (a PMT "string")
//	int64                      long (written as int32 when it fits, as GNU Radio does)
//	uint64                     uint64
//	float64                    double
//	complex128                 complex
//	Pair                       pair (cons cell; lists are chains of pairs ending in nil)
//	[]Value                    vector
//	Tuple                      tuple
//	Dict                       dict (ordered: serialization order is kept)
//	[]uint8 []int8 []uint16 []int16 []uint32 []int32 []uint64 []int64
//	[]float32 []float64 []complex64 []complex128  uniform vectors
//
// Everything is big-endian on the wire. Decoding never panics: malformed input
// returns an error.
package pmt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Value is a PMT value in its Go representation (see the package comment).
type Value = any

// Symbol is a PMT symbol, the type GNU Radio uses for strings (pmt::intern).
type Symbol string

// Pair is a PMT pair (cons cell).
type Pair struct {
	Car, Cdr Value
}

// Tuple is a PMT tuple (fixed-size, serialized like a vector with tag 0x0c).
type Tuple []Value

// DictEntry is one key/value association of a Dict.
type DictEntry struct {
	Key, Value Value
}

// Dict is a PMT dictionary. GNU Radio stores dicts as association lists; the
// slice order is the serialization order.
type Dict []DictEntry

// Get returns the value for the symbol key k and whether it was present.
func (d Dict) Get(k string) (Value, bool) {
	for _, e := range d {
		if s, ok := e.Key.(Symbol); ok && string(s) == k {
			return e.Value, true
		}
	}
	return nil, false
}

// Serialization type tags (pmt_serial_tags.h).
const (
	tagTrue          = 0x00
	tagFalse         = 0x01
	tagSymbol        = 0x02
	tagInt32         = 0x03
	tagDouble        = 0x04
	tagComplex       = 0x05
	tagNull          = 0x06
	tagPair          = 0x07
	tagVector        = 0x08
	tagDict          = 0x09
	tagUniformVector = 0x0a
	tagUint64        = 0x0b
	tagTuple         = 0x0c
	tagInt64         = 0x0d
)

// Uniform vector subtypes.
const (
	uvU8 = iota
	uvS8
	uvU16
	uvS16
	uvU32
	uvS32
	uvU64
	uvS64
	uvF32
	uvF64
	uvC32
	uvC64
)

// MaxSymbolLen is the longest symbol GNU Radio's deserializer accepts.
const MaxSymbolLen = 1024

// MaxDepth bounds the nesting of pairs, vectors and dicts when decoding (and
// encoding), so hostile input cannot exhaust the stack.
const MaxDepth = 64

var (
	// ErrShort means the input ended inside a value.
	ErrShort = errors.New("pmt: truncated input")
	// ErrTooDeep means the value nests deeper than MaxDepth.
	ErrTooDeep = errors.New("pmt: nesting too deep")
)

// Marshal serializes v like pmt::serialize.
func Marshal(v Value) ([]byte, error) { return Append(nil, v) }

// Append appends the serialization of v to dst.
func Append(dst []byte, v Value) ([]byte, error) { return appendValue(dst, v, 0) }

func appendValue(b []byte, v Value, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return b, ErrTooDeep
	}
	var err error
	switch x := v.(type) {
	case nil:
		return append(b, tagNull), nil
	case bool:
		if x {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case Symbol:
		return appendSymbol(b, string(x))
	case string:
		return appendSymbol(b, x)
	case int:
		return appendLong(b, int64(x)), nil
	case int32:
		return appendLong(b, int64(x)), nil
	case int64:
		return appendLong(b, x), nil
	case uint64:
		b = append(b, tagUint64)
		return binary.BigEndian.AppendUint64(b, x), nil
	case float64:
		b = append(b, tagDouble)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(x)), nil
	case float32:
		b = append(b, tagDouble)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(float64(x))), nil
	case complex128:
		b = append(b, tagComplex)
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(real(x)))
		return binary.BigEndian.AppendUint64(b, math.Float64bits(imag(x))), nil
	case Pair:
		b = append(b, tagPair)
		if b, err = appendValue(b, x.Car, depth+1); err != nil {
			return b, err
		}
		return appendValue(b, x.Cdr, depth+1)
	case []Value:
		return appendSeq(b, tagVector, x, depth)
	case Tuple:
		return appendSeq(b, tagTuple, x, depth)
	case Dict:
		for _, e := range x {
			b = append(b, tagDict, tagPair)
			if b, err = appendValue(b, e.Key, depth+1); err != nil {
				return b, err
			}
			if b, err = appendValue(b, e.Value, depth+1); err != nil {
				return b, err
			}
		}
		return append(b, tagNull), nil
	case []uint8:
		b = uvHeader(b, uvU8, len(x))
		return append(b, x...), nil
	case []int8:
		b = uvHeader(b, uvS8, len(x))
		for _, e := range x {
			b = append(b, byte(e))
		}
		return b, nil
	case []uint16:
		b = uvHeader(b, uvU16, len(x))
		for _, e := range x {
			b = binary.BigEndian.AppendUint16(b, e)
		}
		return b, nil
	case []int16:
		b = uvHeader(b, uvS16, len(x))
		for _, e := range x {
			b = binary.BigEndian.AppendUint16(b, uint16(e))
		}
		return b, nil
	case []uint32:
		b = uvHeader(b, uvU32, len(x))
		for _, e := range x {
			b = binary.BigEndian.AppendUint32(b, e)
		}
		return b, nil
	case []int32:
		b = uvHeader(b, uvS32, len(x))
		for _, e := range x {
			b = binary.BigEndian.AppendUint32(b, uint32(e))
		}
		return b, nil
	case []uint64:
		b = uvHeader(b, uvU64, len(x))
		for _, e := range x {
			b = binary.BigEndian.AppendUint64(b, e)
		}
		return b, nil
	case []int64:
		b = uvHeader(b, uvS64, len(x))
		for _, e := range x {
			b = binary.BigEndian.AppendUint64(b, uint64(e))
		}
		return b, nil
	case []float32:
		b = uvHeader(b, uvF32, len(x))
		for _, e := range x {
			b = binary.BigEndian.AppendUint32(b, math.Float32bits(e))
		}
		return b, nil
	case []float64:
		b = uvHeader(b, uvF64, len(x))
		for _, e := range x {
			b = binary.BigEndian.AppendUint64(b, math.Float64bits(e))
		}
		return b, nil
	case []complex64:
		b = uvHeader(b, uvC32, len(x))
		for _, e := range x {
			b = binary.BigEndian.AppendUint32(b, math.Float32bits(real(e)))
			b = binary.BigEndian.AppendUint32(b, math.Float32bits(imag(e)))
		}
		return b, nil
	case []complex128:
		b = uvHeader(b, uvC64, len(x))
		for _, e := range x {
			b = binary.BigEndian.AppendUint64(b, math.Float64bits(real(e)))
			b = binary.BigEndian.AppendUint64(b, math.Float64bits(imag(e)))
		}
		return b, nil
	}
	return b, fmt.Errorf("pmt: cannot serialize Go type %T", v)
}

func appendSymbol(b []byte, s string) ([]byte, error) {
	if len(s) > MaxSymbolLen {
		return b, fmt.Errorf("pmt: symbol of %d bytes is longer than GNU Radio accepts (%d)", len(s), MaxSymbolLen)
	}
	b = append(b, tagSymbol)
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...), nil
}

// appendLong writes a long the way GNU Radio does: int32 when it fits, int64
// otherwise.
func appendLong(b []byte, x int64) []byte {
	if x >= math.MinInt32 && x <= math.MaxInt32 {
		b = append(b, tagInt32)
		return binary.BigEndian.AppendUint32(b, uint32(int32(x)))
	}
	b = append(b, tagInt64)
	return binary.BigEndian.AppendUint64(b, uint64(x))
}

func appendSeq(b []byte, tag byte, x []Value, depth int) ([]byte, error) {
	b = append(b, tag)
	b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
	var err error
	for _, e := range x {
		if b, err = appendValue(b, e, depth+1); err != nil {
			return b, err
		}
	}
	return b, nil
}

func uvHeader(b []byte, sub byte, n int) []byte {
	b = append(b, tagUniformVector, sub)
	b = binary.BigEndian.AppendUint32(b, uint32(n))
	return append(b, 1, 0) // npad = 1, one pad byte
}

// Unmarshal deserializes exactly one PMT value occupying all of p.
func Unmarshal(p []byte) (Value, error) {
	v, n, err := Decode(p)
	if err != nil {
		return nil, err
	}
	if n != len(p) {
		return nil, fmt.Errorf("pmt: %d trailing bytes after value", len(p)-n)
	}
	return v, nil
}

// Decode deserializes one PMT value from the start of p and returns it with
// the number of bytes it used.
func Decode(p []byte) (Value, int, error) {
	d := decoder{p: p}
	v, err := d.value(0)
	return v, d.off, err
}

type decoder struct {
	p   []byte
	off int
}

func (d *decoder) need(n int) ([]byte, error) {
	if n < 0 || len(d.p)-d.off < n {
		return nil, ErrShort
	}
	s := d.p[d.off : d.off+n]
	d.off += n
	return s, nil
}

func (d *decoder) u8() (byte, error) {
	s, err := d.need(1)
	if err != nil {
		return 0, err
	}
	return s[0], nil
}

func (d *decoder) u16() (uint16, error) {
	s, err := d.need(2)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(s), nil
}

func (d *decoder) u32() (uint32, error) {
	s, err := d.need(4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(s), nil
}

func (d *decoder) u64() (uint64, error) {
	s, err := d.need(8)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(s), nil
}

// count reads a u32 element count and checks that n elements of at least
// minSize bytes each can still follow.
func (d *decoder) count(minSize int) (int, error) {
	n, err := d.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(minSize) > uint64(len(d.p)-d.off) {
		return 0, fmt.Errorf("pmt: count %d exceeds the remaining %d bytes", n, len(d.p)-d.off)
	}
	return int(n), nil
}

func (d *decoder) value(depth int) (Value, error) {
	if depth > MaxDepth {
		return nil, ErrTooDeep
	}
	tag, err := d.u8()
	if err != nil {
		return nil, err
	}
	switch tag {
	case tagTrue:
		return true, nil
	case tagFalse:
		return false, nil
	case tagNull:
		return nil, nil
	case tagSymbol:
		n, err := d.u16()
		if err != nil {
			return nil, err
		}
		if n > MaxSymbolLen {
			return nil, fmt.Errorf("pmt: symbol of %d bytes (GNU Radio's limit is %d)", n, MaxSymbolLen)
		}
		s, err := d.need(int(n))
		if err != nil {
			return nil, err
		}
		return Symbol(s), nil
	case tagInt32:
		x, err := d.u32()
		return int64(int32(x)), err
	case tagInt64:
		x, err := d.u64()
		return int64(x), err
	case tagUint64:
		x, err := d.u64()
		return x, err
	case tagDouble:
		x, err := d.u64()
		return math.Float64frombits(x), err
	case tagComplex:
		re, err := d.u64()
		if err != nil {
			return nil, err
		}
		im, err := d.u64()
		return complex(math.Float64frombits(re), math.Float64frombits(im)), err
	case tagPair:
		car, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		cdr, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		return Pair{car, cdr}, nil
	case tagVector, tagTuple:
		n, err := d.count(1)
		if err != nil {
			return nil, err
		}
		v := make([]Value, n)
		for i := range v {
			if v[i], err = d.value(depth + 1); err != nil {
				return nil, err
			}
		}
		if tag == tagTuple {
			return Tuple(v), nil
		}
		return v, nil
	case tagDict:
		return d.dict(depth)
	case tagUniformVector:
		return d.uniform()
	}
	return nil, fmt.Errorf("pmt: unknown type tag 0x%02x at byte %d", tag, d.off-1)
}

// dict decodes a dict whose leading 0x09 has been read: a chain of
// "09 07 key value" cells ending in 06.
func (d *decoder) dict(depth int) (Value, error) {
	var out Dict
	for {
		t, err := d.u8()
		if err != nil {
			return nil, err
		}
		if t != tagPair {
			return nil, fmt.Errorf("pmt: dict cell is not a pair (tag 0x%02x)", t)
		}
		k, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, DictEntry{k, v})
		t, err = d.u8()
		if err != nil {
			return nil, err
		}
		switch t {
		case tagNull:
			return out, nil
		case tagDict:
			if len(out) > len(d.p) { // cannot happen; keeps the loop obviously bounded
				return nil, ErrShort
			}
		default:
			return nil, fmt.Errorf("pmt: dict continues with tag 0x%02x", t)
		}
	}
}

func (d *decoder) uniform() (Value, error) {
	sub, err := d.u8()
	if err != nil {
		return nil, err
	}
	size := [...]int{1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 8, 16}
	if int(sub) >= len(size) {
		return nil, fmt.Errorf("pmt: unknown uniform vector subtype 0x%02x", sub)
	}
	n, err := d.u32()
	if err != nil {
		return nil, err
	}
	npad, err := d.u8()
	if err != nil {
		return nil, err
	}
	if _, err := d.need(int(npad)); err != nil {
		return nil, err
	}
	if uint64(n)*uint64(size[sub]) > uint64(len(d.p)-d.off) {
		return nil, fmt.Errorf("pmt: uniform vector of %d items exceeds the remaining %d bytes", n, len(d.p)-d.off)
	}
	s, _ := d.need(int(n) * size[sub])
	be := binary.BigEndian
	switch sub {
	case uvU8:
		return append([]uint8{}, s...), nil
	case uvS8:
		v := make([]int8, n)
		for i := range v {
			v[i] = int8(s[i])
		}
		return v, nil
	case uvU16:
		v := make([]uint16, n)
		for i := range v {
			v[i] = be.Uint16(s[2*i:])
		}
		return v, nil
	case uvS16:
		v := make([]int16, n)
		for i := range v {
			v[i] = int16(be.Uint16(s[2*i:]))
		}
		return v, nil
	case uvU32:
		v := make([]uint32, n)
		for i := range v {
			v[i] = be.Uint32(s[4*i:])
		}
		return v, nil
	case uvS32:
		v := make([]int32, n)
		for i := range v {
			v[i] = int32(be.Uint32(s[4*i:]))
		}
		return v, nil
	case uvU64:
		v := make([]uint64, n)
		for i := range v {
			v[i] = be.Uint64(s[8*i:])
		}
		return v, nil
	case uvS64:
		v := make([]int64, n)
		for i := range v {
			v[i] = int64(be.Uint64(s[8*i:]))
		}
		return v, nil
	case uvF32:
		v := make([]float32, n)
		for i := range v {
			v[i] = math.Float32frombits(be.Uint32(s[4*i:]))
		}
		return v, nil
	case uvF64:
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Float64frombits(be.Uint64(s[8*i:]))
		}
		return v, nil
	case uvC32:
		v := make([]complex64, n)
		for i := range v {
			v[i] = complex(math.Float32frombits(be.Uint32(s[8*i:])), math.Float32frombits(be.Uint32(s[8*i+4:])))
		}
		return v, nil
	default: // uvC64
		v := make([]complex128, n)
		for i := range v {
			v[i] = complex(math.Float64frombits(be.Uint64(s[16*i:])), math.Float64frombits(be.Uint64(s[16*i+8:])))
		}
		return v, nil
	}
}

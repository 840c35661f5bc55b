package pmt

import "fmt"

// Extent is what Scan learns about a serialized value without decoding it.
type Extent struct {
	// Len is the number of bytes the serialized value occupies.
	Len int
	// Items counts the values it holds, itself included: every element of
	// vectors, tuples, dicts, pairs and uniform vectors counts one.
	Items int
	// Type names its type, as TypeName does, with the element type of
	// uniform vectors ("u8vector", "f32vector", …).
	Type string
}

// uvNames are GNU Radio's names of the uniform vector subtypes.
var uvNames = [...]string{"u8vector", "s8vector", "u16vector", "s16vector", "u32vector", "s32vector",
	"u64vector", "s64vector", "f32vector", "f64vector", "c32vector", "c64vector"}

// Scan measures the value serialized at the start of p without decoding
// it and without allocating, so that a caller can bound what decoding
// would cost (a vector of n nils takes n bytes on the wire but 16n in
// memory). It accepts exactly what Decode accepts.
func Scan(p []byte) (Extent, error) {
	d := decoder{p: p}
	items, err := d.skip(0)
	if err != nil {
		return Extent{}, err
	}
	return Extent{Len: d.off, Items: items, Type: scanType(p)}, nil
}

func scanType(p []byte) string {
	switch p[0] {
	case tagTrue, tagFalse:
		return "bool"
	case tagNull:
		return "nil"
	case tagSymbol:
		return "symbol"
	case tagInt32, tagInt64:
		return "long"
	case tagUint64:
		return "uint64"
	case tagDouble:
		return "double"
	case tagComplex:
		return "complex"
	case tagPair:
		return "pair"
	case tagVector:
		return "vector"
	case tagTuple:
		return "tuple"
	case tagDict:
		return "dict"
	}
	return uvNames[p[1]] // tagUniformVector, subtype checked by skip
}

// skip walks one value as value() decodes it, with the same checks, and
// returns how many values it holds.
func (d *decoder) skip(depth int) (int, error) {
	if depth > MaxDepth {
		return 0, ErrTooDeep
	}
	tag, err := d.u8()
	if err != nil {
		return 0, err
	}
	switch tag {
	case tagTrue, tagFalse, tagNull:
		return 1, nil
	case tagInt32:
		_, err := d.need(4)
		return 1, err
	case tagInt64, tagUint64, tagDouble:
		_, err := d.need(8)
		return 1, err
	case tagComplex:
		_, err := d.need(16)
		return 1, err
	case tagSymbol:
		n, err := d.u16()
		if err != nil {
			return 0, err
		}
		if n > MaxSymbolLen {
			return 0, fmt.Errorf("pmt: symbol of %d bytes (GNU Radio's limit is %d)", n, MaxSymbolLen)
		}
		_, err = d.need(int(n))
		return 1, err
	case tagPair:
		car, err := d.skip(depth + 1)
		if err != nil {
			return 0, err
		}
		cdr, err := d.skip(depth + 1)
		return 1 + car + cdr, err
	case tagVector, tagTuple:
		n, err := d.count(1)
		if err != nil {
			return 0, err
		}
		items := 1
		for range n {
			k, err := d.skip(depth + 1)
			if err != nil {
				return 0, err
			}
			items += k
		}
		return items, nil
	case tagDict:
		items := 1
		for {
			t, err := d.u8()
			if err != nil {
				return 0, err
			}
			if t != tagPair {
				return 0, fmt.Errorf("pmt: dict cell is not a pair (tag 0x%02x)", t)
			}
			for range 2 {
				k, err := d.skip(depth + 1)
				if err != nil {
					return 0, err
				}
				items += k
			}
			t, err = d.u8()
			if err != nil {
				return 0, err
			}
			switch t {
			case tagNull:
				return items, nil
			case tagDict:
			default:
				return 0, fmt.Errorf("pmt: dict continues with tag 0x%02x", t)
			}
		}
	case tagUniformVector:
		sub, err := d.u8()
		if err != nil {
			return 0, err
		}
		size := [...]int{1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 8, 16}
		if int(sub) >= len(size) {
			return 0, fmt.Errorf("pmt: unknown uniform vector subtype 0x%02x", sub)
		}
		n, err := d.u32()
		if err != nil {
			return 0, err
		}
		npad, err := d.u8()
		if err != nil {
			return 0, err
		}
		if _, err := d.need(int(npad)); err != nil {
			return 0, err
		}
		if uint64(n)*uint64(size[sub]) > uint64(len(d.p)-d.off) {
			return 0, fmt.Errorf("pmt: uniform vector of %d items exceeds the remaining %d bytes", n, len(d.p)-d.off)
		}
		_, err = d.need(int(n) * size[sub])
		return 1 + int(n), err
	}
	return 0, fmt.Errorf("pmt: unknown type tag 0x%02x at byte %d", tag, d.off-1)
}

// scalar marks the type tags of values that hold nothing else: decoding
// one costs no more than measuring it.
var scalar = [256]bool{tagTrue: true, tagFalse: true, tagNull: true, tagSymbol: true, tagInt32: true,
	tagInt64: true, tagUint64: true, tagDouble: true, tagComplex: true}

// DecodeWithin decodes the value at the start of p when it occupies at
// most maxLen bytes and holds at most maxItems values (see Extent), and
// returns it with its length and items. Otherwise it returns fits false
// and the value's length and items without decoding it (Scan gives its
// type). Only containers are scanned before being decoded: a scalar or a
// symbol (at most MaxSymbolLen bytes) costs no more to decode than to
// measure.
func DecodeWithin(p []byte, maxLen, maxItems int) (v Value, n, items int, fits bool, err error) {
	if len(p) > 0 && scalar[p[0]] {
		d := decoder{p: p}
		v, err = d.value(0)
		if err != nil || d.off > maxLen || maxItems < 1 {
			return nil, d.off, 1, false, err
		}
		return v, d.off, 1, true, nil
	}
	ext, err := Scan(p)
	if err != nil || ext.Len > maxLen || ext.Items > maxItems {
		return nil, ext.Len, ext.Items, false, err
	}
	v, _, err = Decode(p[:ext.Len])
	return v, ext.Len, ext.Items, err == nil, err
}

package pmt

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// NewPDU returns the PDU GNU Radio's message blocks exchange: the pair of a
// metadata dict and a u8 vector payload.
func NewPDU(meta Dict, payload []byte) Pair {
	if payload == nil {
		payload = []byte{}
	}
	if len(meta) == 0 {
		// An empty dict is PMT_NIL on the wire; keep the Go value equal to
		// what decoding gives.
		return Pair{Car: nil, Cdr: payload}
	}
	return Pair{Car: meta, Cdr: payload}
}

// ParsePDU splits a deserialized PDU into its metadata and u8 payload. An
// empty metadata dict deserializes as nil, which is accepted.
func ParsePDU(v Value) (Dict, []byte, error) {
	p, ok := v.(Pair)
	if !ok {
		return nil, nil, fmt.Errorf("pmt: PDU is a %s, not a pair", TypeName(v))
	}
	var meta Dict
	switch m := p.Car.(type) {
	case nil:
	case Dict:
		meta = m
	default:
		return nil, nil, fmt.Errorf("pmt: PDU metadata is a %s, not a dict", TypeName(p.Car))
	}
	payload, ok := p.Cdr.([]uint8)
	if !ok {
		return nil, nil, fmt.Errorf("pmt: PDU payload is a %s, not a u8vector", TypeName(p.Cdr))
	}
	return meta, payload, nil
}

// TypeName names the PMT type of v, for messages.
func TypeName(v Value) string {
	switch v.(type) {
	case nil:
		return "nil"
	case bool:
		return "bool"
	case Symbol, string:
		return "symbol"
	case int, int32, int64:
		return "long"
	case uint64:
		return "uint64"
	case float32, float64:
		return "double"
	case complex128:
		return "complex"
	case Pair:
		return "pair"
	case []Value:
		return "vector"
	case Tuple:
		return "tuple"
	case Dict:
		return "dict"
	case []uint8, []int8, []uint16, []int16, []uint32, []int32, []uint64, []int64,
		[]float32, []float64, []complex64, []complex128:
		return "uniform vector"
	}
	return fmt.Sprintf("Go %T", v)
}

// ToGo converts a PMT value into plain Go values that encoding/json and
// msgpack can always encode: symbols become strings, dicts become
// map[string]any (non-symbol keys are formatted), pairs become two-element
// slices, vectors and tuples []any, complex numbers [re, im], and
// non-finite doubles the strings "NaN", "+Inf", "-Inf". Uniform vectors of
// real numbers keep their slice type; complex ones become [][2]float64.
func ToGo(v Value) any {
	switch x := v.(type) {
	case Symbol:
		return string(x)
	case float64:
		return finite(x)
	case float32:
		return finite(float64(x))
	case complex128:
		return []any{finite(real(x)), finite(imag(x))}
	case Pair:
		return []any{ToGo(x.Car), ToGo(x.Cdr)}
	case []Value:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = ToGo(e)
		}
		return out
	case Tuple:
		return ToGo([]Value(x))
	case Dict:
		out := make(map[string]any, len(x))
		for _, e := range x {
			out[keyString(e.Key)] = ToGo(e.Value)
		}
		return out
	case []float32:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = finite(float64(e))
		}
		return out
	case []float64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = finite(e)
		}
		return out
	case []complex64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = []any{finite(float64(real(e))), finite(float64(imag(e)))}
		}
		return out
	case []complex128:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = []any{finite(real(e)), finite(imag(e))}
		}
		return out
	case []uint8:
		// A []byte would be base64 in JSON; keep the numbers.
		out := make([]int, len(x))
		for i, e := range x {
			out[i] = int(e)
		}
		return out
	}
	return v
}

func finite(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return f
}

func keyString(k Value) string {
	switch x := k.(type) {
	case Symbol:
		return string(x)
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	}
	return fmt.Sprint(ToGo(k))
}

// FromGo converts plain Go values (as produced by encoding/json or msgpack
// decoding into any) into PMT values: strings become symbols, integers longs
// (uint64 above MaxInt64 stays uint64), floats doubles, maps dicts with
// sorted keys, slices vectors, []byte u8 vectors. Nil map entries are left
// out of dicts, symbols longer than MaxSymbolLen are cut. Values of other
// types are formatted with fmt.Sprint.
func FromGo(v any) Value {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		return x
	case string:
		return Symbol(clip(x))
	case Symbol:
		return Symbol(clip(string(x)))
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint:
		return fromUint(uint64(x))
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return fromUint(x)
	case float32:
		return float64(x)
	case float64:
		return x
	case []byte:
		return append([]uint8{}, x...)
	case []any:
		out := make([]Value, len(x))
		for i, e := range x {
			out[i] = FromGo(e)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k, e := range x {
			if e != nil {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		out := make(Dict, 0, len(keys))
		for _, k := range keys {
			out = append(out, DictEntry{Symbol(clip(k)), FromGo(x[k])})
		}
		return out
	case Dict, Pair, Tuple, complex128, []float32, []float64:
		return x
	}
	return Symbol(clip(fmt.Sprint(v)))
}

func fromUint(x uint64) Value {
	if x > math.MaxInt64 {
		return x
	}
	return int64(x)
}

func clip(s string) string {
	if len(s) > MaxSymbolLen {
		return s[:MaxSymbolLen]
	}
	return s
}

// errNotPDU is returned by UnmarshalPDU for values that are not PDUs.
var errNotPDU = errors.New("pmt: not a PDU")

// UnmarshalPDU deserializes a PDU frame.
func UnmarshalPDU(p []byte) (Dict, []byte, error) {
	v, err := Unmarshal(p)
	if err != nil {
		return nil, nil, err
	}
	meta, payload, err := ParsePDU(v)
	if err != nil {
		return nil, nil, errors.Join(errNotPDU, err)
	}
	return meta, payload, nil
}

package pmt

import (
	"bytes"
	"testing"
)

func TestScan(t *testing.T) {
	for _, tc := range []struct {
		v     Value
		items int
		typ   string
	}{
		{true, 1, "bool"},
		{Symbol("rx_freq"), 1, "symbol"},
		{int64(7), 1, "long"},
		{915.3e6, 1, "double"},
		{complex(1, 2), 1, "complex"},
		{Pair{Symbol("a"), int64(1)}, 3, "pair"},
		{make([]Value, 1000), 1001, "vector"},
		{Tuple{uint64(1), 2.5}, 3, "tuple"},
		{Dict{{Symbol("n"), int64(7)}, {Symbol("snr"), 12.5}}, 5, "dict"},
		{bytes.Repeat([]byte{1}, 300), 301, "u8vector"},
		{[]complex64{1, 2}, 3, "c32vector"},
	} {
		b, err := Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, 0xEE) // what follows is not measured
		ext, err := Scan(b)
		if err != nil || ext.Len != len(b)-1 || ext.Items != tc.items || ext.Type != tc.typ {
			t.Errorf("%T: %+v %v, want %d bytes, %d items, %s", tc.v, ext, err, len(b)-1, tc.items, tc.typ)
		}
	}
	if _, err := Scan([]byte{tagVector, 0xFF, 0xFF, 0xFF, 0xFF, tagNull}); err == nil {
		t.Error("a vector claiming 4G items scanned")
	}
	big, _ := Marshal(make([]Value, 10000))
	if n := testing.AllocsPerRun(10, func() { Scan(big) }); n != 0 {
		t.Errorf("Scan allocates %v times", n)
	}
}

func TestDecodeWithin(t *testing.T) {
	for _, tc := range []struct {
		v    Value
		fits bool
	}{
		{915.3e6, true},
		{Symbol("rx_freq"), true},
		{Symbol(bytes.Repeat([]byte("k"), 300)), false},
		{Tuple{uint64(1), 2.5}, true},
		{make([]Value, 40), false},
		{bytes.Repeat([]byte{1}, 300), false},
	} {
		b, _ := Marshal(tc.v)
		ext, _ := Scan(b)
		v, n, items, fits, err := DecodeWithin(append(b, 0xEE), 256, 32)
		if err != nil || fits != tc.fits || n != ext.Len || items != ext.Items || fits && TypeName(v) != TypeName(tc.v) || !fits && v != nil {
			t.Errorf("%T: %v %d %d %v %v", tc.v, v, n, items, fits, err)
		}
	}
	if _, _, _, _, err := DecodeWithin([]byte{tagDouble, 1}, 256, 32); err == nil {
		t.Error("a cut double decoded")
	}
}

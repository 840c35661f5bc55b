package bitio_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"testing"
	"testing/iotest"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
)

func readAll(t *testing.T, r io.Reader) ([]byte, error) {
	t.Helper()
	var out []byte
	buf := make([]byte, 7) // odd sizes exercise carries
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

func floats(v ...float32) []byte {
	var b []byte
	for _, f := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	}
	return b
}

func TestReaderFormats(t *testing.T) {
	want := []byte{1, 0, 1, 1, 0, 0, 1, 0, 1}
	for _, tc := range []struct {
		name    string
		format  bitio.Format
		in      []byte
		invert  bool
		want    []byte
		wantErr error
	}{
		{"unpacked", bitio.Unpacked, []byte{1, 0, 1, 1, 0, 0, 1, 0, 1}, false, want, nil},
		{"unpacked low bit only", bitio.Unpacked, []byte{0xFF, 0xFE, 3, 1, 2, 4, 5, 6, 7}, false, want, nil},
		{"unpacked inverted", bitio.Unpacked, []byte{0, 1, 0, 0, 1, 1, 0, 1, 0}, true, want, nil},
		{"packed MSB first", bitio.Packed, []byte{0xB2, 0x80}, false, append(bytes.Clone(want), 0, 0, 0, 0, 0, 0, 0), nil},
		{"packed inverted", bitio.Packed, []byte{0x4D}, true, want[:8], nil},
		{"ascii with whitespace", bitio.ASCII, []byte("1011 0010\r\n1\n"), false, want, nil},
		{"ascii inverted", bitio.ASCII, []byte("010011010"), true, want, nil},
		{"float32 sign decides", bitio.Float32, floats(0.9, -0.2, 1e-3, 5, -1, 0, 2, -3, 0.5), false, want, nil},
		{"float32 trailing bytes", bitio.Float32, append(floats(1, -1), 0x00, 0x00), false, []byte{1, 0}, bitio.ErrTrailingBytes},
		// A NaN keeps its slot (SoftBit), in either polarity, so that the
		// bits after it stay where they were sent.
		{"float32 NaN keeps its slot", bitio.Float32, floats(1, float32(math.NaN()), -1, 1), false, []byte{1, 0, 0, 1}, nil},
		{"float32 NaN keeps its slot inverted", bitio.Float32, floats(1, float32(math.NaN()), -1, 1), true, []byte{0, 0, 1, 0}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bitio.NewReader(iotest.HalfReader(bytes.NewReader(tc.in)), tc.format, tc.invert)
			got, err := readAll(t, r)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSniffAndNames(t *testing.T) {
	for _, tc := range []struct {
		head []byte
		want bitio.Format
		ok   bool
	}{
		{[]byte{0, 1, 1, 0}, bitio.Unpacked, true},
		{[]byte("0110\n1"), bitio.ASCII, true},
		{[]byte{0xB2, 0x40}, 0, false},
		{nil, 0, false},
	} {
		if f, ok := bitio.Sniff(tc.head); f != tc.want || ok != tc.ok {
			t.Errorf("Sniff(%q) = %v %v", tc.head, f, ok)
		}
	}
	for name, want := range map[string]bitio.Format{"a.u8": bitio.Unpacked, "b.TXT": bitio.ASCII, "c.f32": bitio.Float32, "d.packed": bitio.Packed} {
		if f, ok := bitio.FormatFromName(name); !ok || f != want {
			t.Errorf("FormatFromName(%s) = %v", name, f)
		}
	}
	for _, s := range []string{"unpacked", "packed", "ascii", "float32", "f32", "u8"} {
		if _, err := bitio.ParseFormat(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := bitio.ParseFormat("wav"); err == nil {
		t.Error("ParseFormat(wav) accepted")
	}
}

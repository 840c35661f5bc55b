package iq

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func addSeeds(f *testing.F, glob string) {
	paths, _ := filepath.Glob(glob)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzParseSigMF(f *testing.F) {
	addSeeds(f, "testdata/*.sigmf-meta")
	f.Add([]byte(`{"global":{"core:datatype":"cu8","core:sample_rate":1e308}}`))
	f.Add([]byte(`{"global":{"core:datatype":"cu8","core:sample_rate":1,"core:num_channels":1.5},"captures":[null]}`))
	f.Add(synthMeta(f, 3))
	for _, ann := range []string{
		`[{"core:sample_start":5,"core:label":"a","core:label":"b\u00e9\n","x":{"y":[1,"]}\""]},"core:comment":"\xff"},null]`,
		`[{"core:sample_st\u0061rt":7,"CORE:SAMPLE_COUNT":3,"core:sample_count":-1,"core:freq_lower_edge":1e999,"core:freq_upper_edge":"5"}]`,
		`[{"core:sample_count":4611686018427387904,"core:sample_start":1.5e3,"core:label":7,"core:comment":null} , { } ]`,
		`[1]`, `[{},"x"]`, `{"core:label":"x"}`, `"x"`, `7`, `null`, `[[]]`, `[ ]`,
	} {
		f.Add([]byte(`{"global":{"core:datatype":"cu8","core:sample_rate":250000},"annotations":` + ann + `}`))
		f.Add([]byte(`{"annotations":` + ann + `,"global":{"core:datatype":"cu8"},"captures":5} trailing`))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseSigMF(data)
		// The same Meta, or the same error, as decoding every annotation
		// into a map.
		want, wantErr := parseSigMFMaps(data)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(m, want) {
			t.Fatalf("ParseSigMF: %+v, %v\ndecoded into maps: %+v, %v", m, err, want, wantErr)
		}
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if m.Format == FormatUnknown || !(m.SampleRate >= 0) || m.HeaderBytes < 0 {
			t.Fatalf("accepted meta %+v", m)
		}
		// What parses, marshals and parses to the same.
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := ParseSigMF(b)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, b)
		}
		if m2.Format != m.Format || m2.SampleRate != m.SampleRate || m2.CenterFreq != m.CenterFreq {
			t.Fatalf("round trip %+v → %+v", m, m2)
		}
	})
}

func FuzzParseName(f *testing.F) {
	for _, s := range []string{
		"g001_915M_2400k.cu8", "g001_915M_2.4M.cu8", "x_433.92M_250k.cs16", "capture_915MHz_2.4Msps.cf32",
		"2026-11-23_915M.cs8", "rec.sigmf-data", "a_1e3k_5GHz_1S.raw", "_.", "M_k_G.cu8", "9999999999999G_1k.cf32",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		n := ParseName(name)
		if n.SampleRate < 0 || n.CenterFreq < 0 || n.SampleRate > 1e12 || n.CenterFreq > 1e12 {
			t.Fatalf("ParseName(%q) = %+v", name, n)
		}
		if v, err := ParseSI(name); err == nil && (v < 0 || v != v) {
			t.Fatalf("ParseSI(%q) = %v", name, v)
		}
		if addr, err := ParseRTLTCPAddr(RTLTCPScheme + name); err == nil && addr == "" {
			t.Fatalf("empty address for %q", name)
		}
	})
}

// FuzzReader feeds arbitrary bytes in every format: whole samples come out,
// the end is io.EOF or a *TruncatedError, nothing panics.
func FuzzReader(f *testing.F) {
	f.Add([]byte{1, 2, 3}, uint8(0))
	f.Add(bytes.Repeat([]byte{0xff, 0x7f}, 100), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		format := Formats[int(which)%len(Formats)]
		r := NewReaderSize(bytes.NewReader(data), format, 16)
		dst := make([]complex64, 3)
		total := 0
		for {
			n, err := r.Read(dst)
			total += n
			for _, s := range dst[:n] {
				if real(s) != real(s) || imag(s) != imag(s) || format != CF32 && (real(s) > 1 || real(s) < -1 || imag(s) > 1 || imag(s) < -1) {
					t.Fatalf("%s: sample %v", format, s)
				}
			}
			if err != nil {
				var te *TruncatedError
				if err != io.EOF && !errors.As(err, &te) {
					t.Fatalf("end error %v", err)
				}
				break
			}
		}
		if total != len(data)/format.Size() {
			t.Fatalf("%s: %d samples from %d bytes", format, total, len(data))
		}
		checkReadRaw(t, data, format, int(which))
	})
}

// checkReadRaw reads data with ReadRaw and Read mixed (which picks the
// buffer sizes and the mix; the source returns a byte at a time when
// which is odd) and checks the samples and the ending against Decode of
// the whole data.
func checkReadRaw(t *testing.T, data []byte, format Format, which int) {
	size := format.Size()
	want := make([]complex64, len(data)/size)
	Decode(format, want, data)
	var src io.Reader = bytes.NewReader(data)
	if which&1 != 0 {
		src = iotest.OneByteReader(src)
	}
	r := NewReaderSize(src, format, 16)
	raw := make([]byte, size*(1+which%5)+which%3) // not always a multiple of the size
	var got []complex64
	var err error
	for i := 0; err == nil; i++ {
		var n int
		if i%3 == 2 && which&2 != 0 {
			x := make([]complex64, 2)
			n, err = r.Read(x)
			got = append(got, x[:n]...)
			continue
		}
		n, err = r.ReadRaw(raw)
		if n%size != 0 || n > len(raw) {
			t.Fatalf("%s: ReadRaw returned %d bytes into %d", format, n, len(raw))
		}
		x := make([]complex64, n/size)
		Decode(format, x, raw[:n])
		got = append(got, x...)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: ReadRaw: %d samples from %d bytes, want %d", format, len(got), len(data), len(want))
	}
	for i := range got {
		if math.Float32bits(real(got[i])) != math.Float32bits(real(want[i])) || math.Float32bits(imag(got[i])) != math.Float32bits(imag(want[i])) {
			t.Fatalf("%s: ReadRaw: sample %d = %v, want %v", format, i, got[i], want[i])
		}
	}
	var te *TruncatedError
	if extra := len(data) % size; extra == 0 && err != io.EOF || extra > 0 && (!errors.As(err, &te) || te.Bytes != extra || te.Samples != int64(len(want))) {
		t.Fatalf("%s: ReadRaw of %d bytes ended with %v", format, len(data), err)
	}
	if r.Samples() != int64(len(want)) {
		t.Fatalf("%s: Samples() = %d, want %d", format, r.Samples(), len(want))
	}
}

package iq

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// testSignal returns n deterministic samples inside the unit circle.
func testSignal(n int) []complex64 {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]complex64, n)
	for i := range out {
		ph := 2 * math.Pi * float64(i) * 0.0137
		a := 0.6 + 0.3*rng.Float64()
		out[i] = complex(float32(a*math.Cos(ph)), float32(a*math.Sin(ph)))
	}
	// Full-scale corners.
	out[0] = complex(1, -1)
	out[1] = complex(-1, 1)
	return out
}

// tolerance is the worst quantisation error of each format.
var tolerance = map[Format]float64{CU8: 0.5/127.5 + 1e-6, CS8: 1.0 / 128, CS16: 1.0 / 32768, CF32: 0}

func TestRoundTrip(t *testing.T) {
	want := testSignal(10007)
	readers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"onebyte", iotest.OneByteReader},
		{"half", iotest.HalfReader},
		{"dataerr", iotest.DataErrReader},
	}
	for _, f := range Formats {
		var buf bytes.Buffer
		w := NewWriter(&buf, f)
		if n, err := w.Write(want); err != nil || n != len(want) {
			t.Fatalf("%s: Write = %d, %v", f, n, err)
		}
		if got := buf.Len(); got != len(want)*f.Size() {
			t.Fatalf("%s: wrote %d bytes, want %d", f, got, len(want)*f.Size())
		}
		if w.Clipped() != 0 {
			t.Errorf("%s: clipped %d values of an in-range signal", f, w.Clipped())
		}
		for _, rd := range readers {
			for _, chunk := range []int{1, 7, 4096} {
				r := NewReaderSize(rd.wrap(bytes.NewReader(buf.Bytes())), f, 1000)
				var got []complex64
				dst := make([]complex64, chunk)
				var err error
				for {
					var n int
					n, err = r.Read(dst)
					got = append(got, dst[:n]...)
					if err != nil {
						break
					}
				}
				if err != io.EOF {
					t.Fatalf("%s/%s/%d: end error %v, want io.EOF", f, rd.name, chunk, err)
				}
				if len(got) != len(want) || r.Samples() != int64(len(want)) {
					t.Fatalf("%s/%s/%d: read %d samples (Samples %d), want %d", f, rd.name, chunk, len(got), r.Samples(), len(want))
				}
				for i := range got {
					d := math.Max(math.Abs(float64(real(got[i])-real(want[i]))), math.Abs(float64(imag(got[i])-imag(want[i]))))
					if d > tolerance[f] {
						t.Fatalf("%s/%s/%d: sample %d = %v, want %v (error %g > %g)", f, rd.name, chunk, i, got[i], want[i], d, tolerance[f])
					}
				}
			}
		}
	}
}

// Bytes → samples → bytes is exact for the integer formats.
func TestBytesExact(t *testing.T) {
	raw := make([]byte, 4*65536)
	for i := range raw {
		raw[i] = byte(i*7 + i/256)
	}
	for _, f := range []Format{CU8, CS8, CS16} {
		s := make([]complex64, len(raw)/f.Size())
		n := Decode(f, s, raw)
		if n != len(s) {
			t.Fatalf("%s: Decode = %d, want %d", f, n, len(s))
		}
		back, clipped := Encode(f, nil, s)
		if !bytes.Equal(back, raw) {
			t.Errorf("%s: bytes → samples → bytes differs", f)
		}
		if clipped != 0 {
			t.Errorf("%s: %d clipped", f, clipped)
		}
	}
}

func TestClipAndNaN(t *testing.T) {
	in := []complex64{complex(2, -2), complex(float32(math.NaN()), 0)}
	for _, f := range []Format{CU8, CS8, CS16} {
		_, c := Encode(f, nil, in)
		if c != 3 {
			t.Errorf("%s: clipped %d, want 3", f, c)
		}
	}
	raw, _ := Encode(CF32, nil, []complex64{complex(float32(math.Inf(1)), float32(math.NaN())), 1})
	out := make([]complex64, 2)
	Decode(CF32, out, raw)
	if out[0] != 0 || out[1] != 1 {
		t.Errorf("non-finite cf32 decoded as %v, want [0 1]", out)
	}
}

func TestTruncated(t *testing.T) {
	for _, tc := range []struct {
		f     Format
		bytes int
		whole int64
		extra int
	}{
		{CU8, 5, 2, 1}, {CS8, 1, 0, 1}, {CS16, 10, 2, 2}, {CF32, 23, 2, 7},
	} {
		r := NewReader(bytes.NewReader(make([]byte, tc.bytes)), tc.f)
		dst := make([]complex64, 100)
		var total int64
		var err error
		for err == nil {
			var n int
			n, err = r.Read(dst)
			total += int64(n)
		}
		var te *TruncatedError
		if !errors.As(err, &te) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("%s %d bytes: error %v, want *TruncatedError", tc.f, tc.bytes, err)
		}
		if total != tc.whole || te.Bytes != tc.extra || te.Samples != tc.whole {
			t.Errorf("%s %d bytes: %d samples, %+v; want %d samples, %d extra", tc.f, tc.bytes, total, te, tc.whole, tc.extra)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("multi-line error %q", err)
		}
		// The error sticks.
		if n, err2 := r.Read(dst); n != 0 || err2 != err {
			t.Errorf("read after end = %d, %v", n, err2)
		}
		if n, err2 := r.ReadRaw(make([]byte, 8)); n != 0 || err2 != err {
			t.Errorf("raw read after end = %d, %v", n, err2)
		}
		checkReadRaw(t, make([]byte, tc.bytes), tc.f, 0)
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
	}{
		{"cu8", CU8}, {"CU8", CU8}, {".cu8", CU8}, {"complex16u", CU8},
		{"cs8", CS8}, {"ci8", CS8}, {"hackrf", CS8},
		{"cs16", CS16}, {"ci16_le", CS16}, {"sc16", CS16},
		{"cf32", CF32}, {"cf32_le", CF32}, {"cfile", CF32}, {"fc32", CF32},
		{"", FormatUnknown}, {"cu16", FormatUnknown}, {"wav", FormatUnknown},
	} {
		got, err := ParseFormat(tc.in)
		if got != tc.want || (err == nil) != (tc.want != FormatUnknown) {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, f := range Formats {
		if g, _ := ParseFormat(f.String()); g != f {
			t.Errorf("ParseFormat(%q) = %v", f, g)
		}
		if g, _ := ParseFormat(f.SigMF()); g != f {
			t.Errorf("ParseFormat(%q) = %v", f.SigMF(), g)
		}
		if g := FormatFromExt("x" + f.Ext()); g != f {
			t.Errorf("FormatFromExt(%q) = %v", f.Ext(), g)
		}
	}
}

func TestParseSI(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"2400000", 2.4e6, true}, {"2.4M", 2.4e6, true}, {"2400k", 2.4e6, true},
		{"2400K", 2.4e6, true}, {"915MHz", 915e6, true}, {"433.92M", 433.92e6, true},
		{"250ksps", 250e3, true}, {"1e6", 1e6, true}, {"2.4Msps", 2.4e6, true},
		{"1.2G", 1.2e9, true}, {" 915M ", 915e6, true}, {"915m", 915e6, true},
		{"", 0, false}, {"M", 0, false}, {"-5", 0, false}, {"abc", 0, false},
		{"NaN", 0, false}, {"Inf", 0, false}, {"1e400", 0, false}, {"0x10", 0, false}, {"Hz", 0, false},
	} {
		got, err := ParseSI(tc.in)
		if (err == nil) != tc.ok || (tc.ok && math.Abs(got-tc.want) > 1e-6*tc.want) {
			t.Errorf("ParseSI(%q) = %g, %v; want %g ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		v    float64
		want string
	}{{915e6, "915M"}, {2.4e6, "2400k"}, {433.92e6, "433.92M"}, {250e3, "250k"}, {10e6, "10M"}, {500, "500"}} {
		if got := FormatSI(tc.v); got != tc.want {
			t.Errorf("FormatSI(%g) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestParseName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want NameInfo
	}{
		{"g001_915M_2400k.cu8", NameInfo{CU8, 2.4e6, 915e6}},
		{"g001_915M_2.4M.cu8", NameInfo{CU8, 2.4e6, 915e6}},
		{"/tmp/x/g002_433.92M_250k.cs16", NameInfo{CS16, 250e3, 433.92e6}},
		{"capture_915MHz_2.4Msps.cf32", NameInfo{CF32, 2.4e6, 915e6}},
		{"rec-2.4Msps-915MHz.cs8", NameInfo{CS8, 2.4e6, 915e6}},
		{"hackrf_10M.cs8", NameInfo{CS8, 10e6, 0}},
		{"nge_433.92M.cu8", NameInfo{CU8, 0, 433.92e6}},
		{"2026-11-23_1200_915M_2400k.cu8", NameInfo{CU8, 2.4e6, 915e6}},
		{"gqrx_20261123_120000_915000000_2400000_fc.raw", NameInfo{CF32, 2.4e6, 915e6}},
		{"gqrx_20261123_120000_433920000_250000_fc.raw", NameInfo{CF32, 250e3, 433.92e6}},
		{"gqrx_x_y_z_w_fc.raw", NameInfo{FormatUnknown, 0, 0}},
		{"SDRSharp_20261123_120000Z_915000000Hz_IQ.wav", NameInfo{FormatUnknown, 0, 915e6}},
		{"baseband_433920000Hz_12-00-00_23-11-2026.wav", NameInfo{FormatUnknown, 0, 433.92e6}},
		{"915MHz_2.4M.cfile", NameInfo{CF32, 2.4e6, 915e6}},
		{"915M_2.4MS.bin", NameInfo{FormatUnknown, 2.4e6, 915e6}},
		{"noinfo.cu8", NameInfo{CU8, 0, 0}},
		{"", NameInfo{}},
		{"x_250k_433.92M.cu8", NameInfo{CU8, 250e3, 433.92e6}},
		{"rec.sigmf-data", NameInfo{}},
	} {
		if got := ParseName(tc.name); got != tc.want {
			t.Errorf("ParseName(%q) = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestParseRTLTCPAddr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"rtl_tcp://127.0.0.1:1234", "127.0.0.1:1234"},
		{"rtl_tcp://localhost", "localhost:1234"},
		{"rtl_tcp://", "127.0.0.1:1234"},
		{"RTL_TCP://host:5000/", "host:5000"},
		{"rtl_tcp://[::1]:99", "[::1]:99"},
		{"rtl_tcp://host:", "host:1234"},
		{"rtl_tcp://host/path", ""},
		{"rtl_tcp://user@host", ""},
	} {
		got, err := ParseRTLTCPAddr(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("ParseRTLTCPAddr(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// writeRecording writes samples in format f to path.
func writeRecording(t *testing.T, path string, f Format, s []complex64) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := NewWriter(&buf, f).Write(s); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, s *Source) ([]complex64, error) {
	t.Helper()
	var out []complex64
	dst := make([]complex64, 4096)
	for {
		n, err := s.Read(dst)
		out = append(out, dst[:n]...)
		if err != nil {
			return out, err
		}
	}
}

func TestOpenFiles(t *testing.T) {
	dir := t.TempDir()
	sig := testSignal(3000)
	for _, f := range Formats {
		// rtl_433-style name.
		p := filepath.Join(dir, "g001_915M_2400k"+f.Ext())
		writeRecording(t, p, f, sig)
		s, err := Open(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Info.Format != f || s.Info.SampleRate != 2.4e6 || s.Info.CenterFreq != 915e6 || s.Info.Samples != 3000 || s.Info.Source != "file name" {
			t.Errorf("%s: info %+v", p, s.Info)
		}
		got, err := readAll(t, s)
		if err != io.EOF || len(got) != len(sig) {
			t.Errorf("%s: read %d, %v", p, len(got), err)
		}
		s.Close()

		// SigMF pair.
		data := filepath.Join(dir, "rec_"+f.String()+SigMFDataExt)
		writeRecording(t, data, f, sig)
		meta, err := WriteSigMF(data, Meta{Format: f, SampleRate: 1e6, CenterFreq: 433.92e6, Description: "test"})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{meta, data, strings.TrimSuffix(data, SigMFDataExt)} {
			s, err := Open(name, Options{})
			if err != nil {
				t.Fatalf("Open(%s): %v", name, err)
			}
			if s.Info.Kind != "sigmf" || s.Info.Format != f || s.Info.SampleRate != 1e6 || s.Info.CenterFreq != 433.92e6 || s.Info.Samples != 3000 || s.Info.DataPath != data {
				t.Errorf("Open(%s): info %+v", name, s.Info)
			}
			got, err := readAll(t, s)
			if err != io.EOF || len(got) != len(sig) {
				t.Errorf("%s: read %d, %v", name, len(got), err)
			}
			s.Close()
		}

		// Plain file with a meta beside it that names it (non-conforming
		// dataset, as synth writes): the meta wins over the name, flags
		// win over both.
		plain := filepath.Join(dir, "syn_915M_2400k"+f.Ext())
		writeRecording(t, plain, f, sig)
		if _, err := WriteSigMF(plain, Meta{Format: f, SampleRate: 1e6, CenterFreq: 902e6}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			opt  Options
			rate float64
		}{
			{plain, Options{}, 1e6},
			{MetaPath(plain), Options{}, 1e6},
			{plain, Options{SampleRate: 2e6}, 2e6},
		} {
			s, err := Open(tc.name, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if s.Info.SampleRate != tc.rate || s.Info.CenterFreq != 902e6 || s.Info.DataPath != plain || s.Info.Samples != 3000 {
				t.Errorf("Open(%s, %+v): info %+v", tc.name, tc.opt, s.Info)
			}
			s.Close()
		}
	}
}

func TestOpenStdin(t *testing.T) {
	raw, _ := Encode(CS16, nil, testSignal(100))
	raw = append(raw, 1) // a truncated tail
	s, err := Open("-", Options{Format: CS16, SampleRate: 250e3, Stdin: bytes.NewReader(raw)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, s)
	var te *TruncatedError
	if len(got) != 100 || !errors.As(err, &te) || s.Info.Samples != -1 {
		t.Errorf("stdin: %d samples, %v, info %+v", len(got), err, s.Info)
	}
	if _, err := Open("-", Options{Stdin: bytes.NewReader(raw)}); err == nil || !strings.Contains(err.Error(), "--rate") {
		t.Errorf("stdin without rate: %v", err)
	}
	s, err = Open("-", Options{SampleRate: 1e6, Stdin: bytes.NewReader(nil)})
	if err != nil || s.Info.Format != CU8 {
		t.Errorf("stdin default format: %v %+v", err, s)
	}
}

// Bad inputs give a one-line error naming the problem, never a panic.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	cu8 := make([]byte, 2000)
	for i := range cu8 {
		cu8[i] = byte(120 + i%16)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	meta := func(dt string, rate any, extra string) []byte {
		r, _ := json_(rate)
		return []byte(`{"global":{"core:datatype":"` + dt + `","core:sample_rate":` + r + `,"core:version":"1.0.0"` + extra + `},"captures":[{"core:sample_start":0,"core:frequency":915000000}],"annotations":[]}`)
	}
	write("odd.sigmf-data", cu8[:1001])
	write("odd.sigmf-meta", meta("cu8", 2.4e6, ""))
	write("lie16.sigmf-data", cu8[:1002])
	write("lie16.sigmf-meta", meta("ci16_le", 2.4e6, ""))
	write("lief.sigmf-data", cu8)
	write("lief.sigmf-meta", meta("cf32_le", 2.4e6, ""))
	write("nodata.sigmf-meta", meta("cu8", 2.4e6, ""))
	write("nometa.sigmf-data", cu8)
	write("real.sigmf-data", cu8)
	write("real.sigmf-meta", meta("ru8", 2.4e6, ""))
	write("norate.sigmf-data", cu8)
	write("norate.sigmf-meta", meta("cu8", -1, ""))
	write("strrate.sigmf-data", cu8)
	write("strrate.sigmf-meta", meta("cu8", "2.4M", ""))
	write("json.sigmf-data", cu8)
	write("json.sigmf-meta", []byte(`{"global": {"core:datatype": "cu8",`))
	write("chan.sigmf-data", cu8)
	write("chan.sigmf-meta", meta("cu8", 2.4e6, `,"core:num_channels":2`))
	write("be.sigmf-data", cu8)
	write("be.sigmf-meta", meta("ci16_be", 2.4e6, ""))
	write("ann.sigmf-data", cu8)
	write("ann.sigmf-meta", []byte(`{"global":{"core:datatype":"cu8","core:sample_rate":1e6},"annotations":[{"core:sample_start":5000,"core:sample_count":10}]}`))
	write("hdr.sigmf-data", cu8)
	write("hdr.sigmf-meta", []byte(`{"global":{"core:datatype":"cu8","core:sample_rate":1e6},"captures":[{"core:header_bytes":99999}]}`))
	write("gone.sigmf-meta", []byte(`{"global":{"core:datatype":"cu8","core:sample_rate":1e6,"core:dataset":"missing.cu8"}}`))
	write("noext.raw", cu8)
	write("norate.cu8", cu8)
	for _, tc := range []struct {
		name string
		opt  Options
		want string
	}{
		{"odd.sigmf-meta", Options{}, "not a whole number of cu8 samples"},
		{"lie16.sigmf-data", Options{}, `datatype "ci16_le" is wrong`},
		{"lief.sigmf-meta", Options{}, "not plausible float32"},
		{"nodata.sigmf-meta", Options{}, "data file"},
		{"nometa.sigmf-data", Options{}, "meta file"},
		{"real.sigmf-meta", Options{}, "real-valued"},
		{"norate.sigmf-meta", Options{}, "core:sample_rate"},
		{"strrate.sigmf-meta", Options{}, "core:sample_rate"},
		{"json.sigmf-meta", Options{}, "not valid JSON"},
		{"chan.sigmf-meta", Options{}, "num_channels"},
		{"be.sigmf-meta", Options{}, "big-endian"},
		{"ann.sigmf-meta", Options{}, "annotates sample 5000"},
		{"hdr.sigmf-meta", Options{}, "header bytes"},
		{"gone.sigmf-meta", Options{}, "missing.cu8"},
		{"noext.raw", Options{SampleRate: 1e6}, "--input-format"},
		{"norate.cu8", Options{}, "--rate"},
		{"absent_915M_2400k.cu8", Options{}, "no such file"},
		{"x.sigmf", Options{}, "archives"},
		{".", Options{Format: CU8, SampleRate: 1}, "directory"},
	} {
		s, err := Open(filepath.Join(dir, tc.name), tc.opt)
		if err == nil {
			s.Close()
			t.Errorf("Open(%s) succeeded, want error containing %q", tc.name, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Open(%s) = %q, want one line containing %q", tc.name, err, tc.want)
		}
	}
	// A data file without meta opens when the flags say everything.
	s, err := Open(filepath.Join(dir, "nometa.sigmf-data"), Options{Format: CU8, SampleRate: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func json_(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return `"` + x + `"`, nil
	case float64:
		return strings.TrimSpace(strings.Replace(FormatFloat(x), "+", "", 1)), nil
	case int:
		return FormatFloat(float64(x)), nil
	}
	return "null", nil
}

// FormatFloat formats a JSON number for the tests.
func FormatFloat(v float64) string {
	b, _ := (&Meta{SampleRate: v, Format: CU8}).Marshal()
	s := string(b)
	i := strings.Index(s, `"core:sample_rate": `)
	s = s[i+len(`"core:sample_rate": `):]
	return s[:strings.IndexAny(s, ",\n")]
}

func TestSigMFMarshal(t *testing.T) {
	m := Meta{Format: CS16, SampleRate: 2.4e6, CenterFreq: 915e6, Description: "d", Recorder: "gridstream synth",
		Annotations: []Annotation{{SampleStart: 10, SampleCount: 20, FreqLower: 914.9e6, FreqUpper: 915.1e6, Label: "gridstream", Comment: "2A55"}}}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseSigMF(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != CS16 || got.Datatype != "ci16_le" || got.SampleRate != 2.4e6 || got.CenterFreq != 915e6 ||
		got.Recorder != m.Recorder || len(got.Annotations) != 1 || got.Annotations[0] != m.Annotations[0] {
		t.Errorf("round trip: %+v", got)
	}
	if _, err := (&Meta{}).Marshal(); err == nil {
		t.Error("Marshal without datatype succeeded")
	}
}

// The seeds in testdata parse or fail with a one-line error, and the valid
// ones say what their names promise.
func TestSigMFSeeds(t *testing.T) {
	seeds, _ := filepath.Glob("testdata/*.sigmf-meta")
	if len(seeds) == 0 {
		t.Fatal("no seeds in testdata")
	}
	for _, p := range seeds {
		m, err := ReadSigMF(p)
		bad := strings.HasPrefix(filepath.Base(p), "bad_")
		if bad != (err != nil) {
			t.Errorf("%s: %+v, %v", p, m, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error", p)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, f := range Formats {
		b.Run(f.String(), func(b *testing.B) {
			raw, _ := Encode(f, nil, testSignal(1<<16))
			dst := make([]complex64, 1<<16)
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				Decode(f, dst, raw)
			}
		})
	}
}

func BenchmarkReader(b *testing.B) {
	for _, f := range Formats {
		b.Run(f.String(), func(b *testing.B) {
			raw, _ := Encode(f, nil, testSignal(1<<18))
			dst := make([]complex64, 1<<15)
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			br := bytes.NewReader(raw)
			for b.Loop() {
				br.Reset(raw)
				r := NewReader(br, f)
				for {
					if _, err := r.Read(dst); err != nil {
						break
					}
				}
			}
		})
	}
}

// BenchmarkOpenFile reads a 32 MiB recording through Open (page cache warm):
// the whole input path a demod run uses.
func BenchmarkOpenFile(b *testing.B) {
	for _, f := range Formats {
		b.Run(f.String(), func(b *testing.B) {
			p := filepath.Join(b.TempDir(), "bench_915M_2400k"+f.Ext())
			raw, _ := Encode(f, nil, testSignal((32<<20)/f.Size()))
			if err := os.WriteFile(p, raw, 0o644); err != nil {
				b.Fatal(err)
			}
			dst := make([]complex64, 1<<16)
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				s, err := Open(p, Options{})
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := s.Read(dst); err != nil {
						break
					}
				}
				s.Close()
			}
			b.ReportMetric(float64(len(raw)/f.Size())*float64(b.N)/b.Elapsed().Seconds()/1e6, "MS/s")
		})
	}
}

package iq

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Values out of range in a SigMF meta, a WAV header, a file name or the
// options, and a format or rate nothing gives, are one-line ErrBadValue
// errors, before anything is allocated for them.
func TestOpenBadValues(t *testing.T) {
	dir := t.TempDir()
	cu8 := make([]byte, 2000)
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	meta := func(global, capture string) string {
		return `{"global":{"core:datatype":"cu8"` + global + `},"captures":[{"core:sample_start":0` + capture + `}]}`
	}
	for _, name := range []string{"huge", "nan", "freq", "negfreq", "hdr", "beside"} {
		write(name+".sigmf-data", string(cu8))
	}
	write("beside.cu8", string(cu8))
	for _, tc := range []struct {
		name string
		opt  Options
		want string
	}{
		{write("huge.sigmf-meta", meta(`,"core:sample_rate":1e12`, "")), Options{}, "1000G S/s is beyond what SDRs record"},
		{write("nan.sigmf-meta", meta(`,"core:sample_rate":"NaN"`, "")), Options{}, "core:sample_rate"},
		{write("freq.sigmf-meta", meta(`,"core:sample_rate":1e6`, `,"core:frequency":1e15`)), Options{}, "centre frequency"},
		{write("negfreq.sigmf-meta", meta(`,"core:sample_rate":1e6`, `,"core:frequency":-915e6`)), Options{}, "centre frequency"},
		{write("hdr.sigmf-meta", meta(`,"core:sample_rate":1e6`, `,"core:header_bytes":-3`)), Options{}, "header_bytes"},
		// A meta beside a plain recording, naming it, with a bad rate.
		{filepath.Join(dir, "beside.cu8"), Options{}, "beyond what SDRs record"},
		{write("x_915M_1G.cu8", string(cu8)), Options{}, "915M S/s is beyond"},
		{write("w.wav", string(wavFile("RIFF", 1, 2, 8, 4e9, nil, cu8, 2000))), Options{}, "beyond what SDRs record"},
		{write("y_915M_1M.cu8", string(cu8)), Options{SampleRate: 2e8}, "beyond what SDRs record"},
		{write("z_1M.cu8", string(cu8)), Options{CenterFreq: 1e12}, "centre frequency"},
		{"-", Options{SampleRate: 1e9, Stdin: bytes.NewReader(cu8)}, "beyond what SDRs record"},
		{"rtl_tcp://127.0.0.1:1", Options{SampleRate: 1e9}, "beyond what SDRs record"},
		// What nothing gives, the options must.
		{write("capture", string(cu8)), Options{}, "can't tell the sample format"},
		{write("norate.cu8", string(cu8)), Options{}, "the sample rate is unknown"},
		{"-", Options{Stdin: bytes.NewReader(cu8)}, "the sample rate is unknown"},
	} {
		if strings.HasSuffix(tc.name, "beside.cu8") {
			write("beside.sigmf-meta", meta(`,"core:sample_rate":5e8,"core:dataset":"beside.cu8"`, ""))
		}
		s, err := Open(tc.name, tc.opt)
		if err == nil {
			s.Close()
			t.Errorf("Open(%s) succeeded", filepath.Base(tc.name))
			continue
		}
		if !errors.Is(err, ErrBadValue) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Open(%s) = %v (ErrBadValue: %v), want one line with %q", filepath.Base(tc.name), err, errors.Is(err, ErrBadValue), tc.want)
		}
	}
	// A missing file is not a bad value.
	if _, err := Open(filepath.Join(dir, "absent_915M_1M.cu8"), Options{}); err == nil || errors.Is(err, ErrBadValue) {
		t.Errorf("missing file: %v", err)
	}
}

// A FIFO (mkfifo + rtl_sdr, or /dev/stdin) is read from its first byte:
// sniffing it for a WAV header takes nothing away.
func TestOpenFIFO(t *testing.T) {
	sig := testSignal(100000) // 200 KB of cu8, well over the 64 KiB sniffed
	var raw bytes.Buffer
	if _, err := NewWriter(&raw, CU8).Write(sig); err != nil {
		t.Fatal(err)
	}
	want, _ := readAll(t, mustSource(t, raw.Bytes(), CU8))
	wav := wavFile("RIFF", 1, 2, 8, 1e6, [][]byte{auxi(915e6)}, raw.Bytes(), uint32(raw.Len()))
	for _, tc := range []struct {
		name string
		data []byte
		opt  Options
	}{
		{"live_915M_1M.cu8", raw.Bytes(), Options{}},
		{"pipe", raw.Bytes(), Options{Format: CU8, SampleRate: 1e6}},
		{"live.wav", wav, Options{}},
	} {
		p := filepath.Join(t.TempDir(), tc.name)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip("no FIFOs here:", err)
		}
		werr := make(chan error, 1)
		go func() {
			w, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err == nil {
				_, err = w.Write(tc.data)
				w.Close()
			}
			werr <- err
		}()
		s, err := Open(p, tc.opt)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := readAll(t, s)
		s.Close()
		if err := <-werr; err != nil {
			t.Errorf("%s: the writer failed (the reader closed the FIFO?): %v", tc.name, err)
		}
		if s.Info.SampleRate != 1e6 || len(got) != len(want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
			t.Errorf("%s: %d samples at %g S/s (%v), want %d: the first %v, got %v", tc.name, len(got), s.Info.SampleRate, err, len(want), want[0], got[:min(1, len(got))])
		}
	}
}

func mustSource(t *testing.T, b []byte, f Format) *Source {
	t.Helper()
	s, err := NewSource("mem", bytes.NewReader(b), Info{Format: f, SampleRate: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

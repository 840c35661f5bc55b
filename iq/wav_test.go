package iq

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wavFile builds a WAV file: tag/bits/channels in a fmt chunk, optional
// extra chunks before the data, the data, and a trailing LIST chunk.
func wavFile(magic string, tag, channels, bits uint16, rate uint32, before [][]byte, data []byte, dataSize uint32) []byte {
	le := binary.LittleEndian
	b := []byte(magic)
	b = le.AppendUint32(b, 0)
	b = append(b, "WAVE"...)
	for _, c := range before {
		b = append(b, c...)
	}
	fmtc := le.AppendUint16(nil, tag)
	fmtc = le.AppendUint16(fmtc, channels)
	fmtc = le.AppendUint32(fmtc, rate)
	fmtc = le.AppendUint32(fmtc, rate*uint32(channels)*uint32(bits/8))
	fmtc = le.AppendUint16(fmtc, channels*bits/8)
	fmtc = le.AppendUint16(fmtc, bits)
	if tag == 0xFFFE {
		fmtc = le.AppendUint16(fmtc, 22)
		fmtc = le.AppendUint16(fmtc, bits)
		fmtc = le.AppendUint32(fmtc, 3)
		fmtc = le.AppendUint16(fmtc, 1) // PCM subformat
		fmtc = append(fmtc, make([]byte, 14)...)
	}
	b = append(b, "fmt "...)
	b = le.AppendUint32(b, uint32(len(fmtc)))
	b = append(b, fmtc...)
	b = append(b, "data"...)
	b = le.AppendUint32(b, dataSize)
	b = append(b, data...)
	b = append(b, "LIST"...)
	b = le.AppendUint32(b, 4)
	b = append(b, "INFO"...)
	return b
}

func riffChunk(id string, body []byte) []byte {
	b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	b = append(b, body...)
	if len(body)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func auxi(center uint32) []byte {
	body := make([]byte, 48)
	binary.LittleEndian.PutUint32(body[32:], center)
	return riffChunk("auxi", body)
}

func TestParseWAV(t *testing.T) {
	data := make([]byte, 40)
	ds64 := riffChunk("ds64", append(binary.LittleEndian.AppendUint64(nil, 1000), binary.LittleEndian.AppendUint64(nil, 40)...))
	for _, tc := range []struct {
		name   string
		file   []byte
		format Format
		rate   float64
		center float64
		size   int64
		err    string
	}{
		{"pcm8", wavFile("RIFF", 1, 2, 8, 2400000, nil, data, 40), CU8, 2.4e6, 0, 40, ""},
		{"pcm16 sdr#", wavFile("RIFF", 1, 2, 16, 250000, [][]byte{auxi(915000000)}, data, 40), CS16, 250e3, 915e6, 40, ""},
		{"float", wavFile("RIFF", 3, 2, 32, 1000000, [][]byte{riffChunk("junk", []byte{1, 2, 3})}, data, 40), CF32, 1e6, 0, 40, ""},
		{"extensible", wavFile("RIFF", 0xFFFE, 2, 16, 192000, nil, data, 40), CS16, 192e3, 0, 40, ""},
		{"rf64", wavFile("RF64", 1, 2, 16, 2000000, [][]byte{ds64}, data, 0xFFFFFFFF), CS16, 2e6, 0, 40, ""},
		{"unfinished", wavFile("RIFF", 1, 2, 8, 2048000, nil, data, 0), CU8, 2.048e6, 0, -1, ""},
		{"mono", wavFile("RIFF", 1, 1, 16, 48000, nil, data, 40), 0, 0, 0, 0, "1 channel(s)"},
		{"24-bit", wavFile("RIFF", 1, 2, 24, 48000, nil, data, 40), 0, 0, 0, 0, "24-bit PCM"},
		{"no rate", wavFile("RIFF", 1, 2, 8, 0, nil, data, 40), 0, 0, 0, 0, "sample rate 0"},
		{"not wav", []byte("ID3\x03 mp3 file ......"), 0, 0, 0, 0, "not a RIFF"},
		{"header only", wavFile("RIFF", 1, 2, 8, 1, nil, nil, 0)[:30], 0, 0, 0, 0, "fmt"},
		{"data first", append([]byte("RIFF\x00\x00\x00\x00WAVE"), riffChunk("data", data)...), 0, 0, 0, 0, "before the fmt"},
	} {
		w, err := ParseWAV(tc.file)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %+v, %v; want error %q", tc.name, w, err, tc.err)
			}
			continue
		}
		if err != nil || w.Format != tc.format || w.SampleRate != tc.rate || w.CenterFreq != tc.center || w.DataSize != tc.size {
			t.Errorf("%s: %+v, %v", tc.name, w, err)
		}
	}
}

func TestOpenWAV(t *testing.T) {
	dir := t.TempDir()
	sig := testSignal(1000)
	raw16, _ := Encode(CS16, nil, sig)
	p := filepath.Join(dir, "SDRSharp_20261123_120000Z_433920000Hz_IQ.wav")
	if err := os.WriteFile(p, wavFile("RIFF", 1, 2, 16, 250000, nil, raw16, uint32(len(raw16))), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, s)
	s.Close()
	// The LIST chunk after the data is not read as samples.
	if err != io.EOF || len(got) != len(sig) || s.Info.Kind != "wav" || s.Info.Format != CS16 || s.Info.SampleRate != 250e3 || s.Info.CenterFreq != 433.92e6 {
		t.Fatalf("%d samples, %v, info %+v", len(got), err, s.Info)
	}
	want := make([]complex64, len(sig))
	Decode(CS16, want, raw16)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("sample %d = %v, want %v", i, got[i], want[i])
		}
	}
	bad := filepath.Join(dir, "bad.wav")
	os.WriteFile(bad, wavFile("RIFF", 1, 1, 16, 48000, nil, raw16, 100), 0o644)
	if _, err := Open(bad, Options{}); err == nil || !strings.Contains(err.Error(), "channel") {
		t.Errorf("mono WAV: %v", err)
	}
	fake := filepath.Join(dir, "fake.wav")
	os.WriteFile(fake, raw16, 0o644)
	if _, err := Open(fake, Options{}); err == nil || !strings.Contains(err.Error(), "not a RIFF") {
		t.Errorf("fake WAV: %v", err)
	}
}

func FuzzParseWAV(f *testing.F) {
	data := make([]byte, 16)
	f.Add(wavFile("RIFF", 1, 2, 8, 2400000, [][]byte{auxi(915000000)}, data, 16))
	f.Add(wavFile("RF64", 3, 2, 32, 1, [][]byte{riffChunk("ds64", make([]byte, 28))}, data, 0xFFFFFFFF))
	f.Add(wavFile("RIFF", 0xFFFE, 2, 16, 9, nil, data, 3))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := ParseWAV(b)
		if err != nil {
			return
		}
		if w.Format == FormatUnknown || !(w.SampleRate > 0) || w.DataOffset < 12 || w.DataOffset > int64(len(b)) || w.DataSize < -1 {
			t.Fatalf("accepted %+v", w)
		}
	})
}

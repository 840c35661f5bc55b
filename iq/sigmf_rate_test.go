package iq

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// core:sample_rate is optional in SigMF: a meta without it parses, and the
// recording opens when the rate comes from the options (--rate); without
// it, Open says to pass --rate.
func TestSigMFWithoutSampleRate(t *testing.T) {
	const meta = `{
  "global": {"core:datatype": "cu8", "core:version": "1.0.0", "core:hw": "RTL-SDR"},
  "captures": [{"core:sample_start": 0, "core:frequency": 915000000, "core:datetime": "2026-11-23T10:00:00Z"}],
  "annotations": [{"core:sample_start": 100, "core:sample_count": 200}]
}`
	m, err := ParseSigMF([]byte(meta))
	if err != nil {
		t.Fatal(err)
	}
	if m.SampleRate != 0 || m.Format != CU8 || m.CenterFreq != 915e6 || m.HW != "RTL-SDR" {
		t.Errorf("parsed %+v", m)
	}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "core:sample_rate") {
		t.Errorf("Marshal wrote a rate the meta did not have:\n%s", b)
	}

	dir := t.TempDir()
	sig := testSignal(3000)
	data := filepath.Join(dir, "rec"+SigMFDataExt)
	writeRecording(t, data, CU8, sig)
	writeFile(t, filepath.Join(dir, "rec"+SigMFMetaExt), meta)
	// The same meta beside a plain recording, naming it in core:dataset.
	plain := filepath.Join(dir, "plain.cu8")
	writeRecording(t, plain, CU8, sig)
	writeFile(t, filepath.Join(dir, "plain"+SigMFMetaExt),
		strings.Replace(meta, `"core:hw"`, `"core:dataset": "plain.cu8", "core:hw"`, 1))

	for _, name := range []string{filepath.Join(dir, "rec"+SigMFMetaExt), data, filepath.Join(dir, "rec"), plain, filepath.Join(dir, "plain"+SigMFMetaExt)} {
		_, err := Open(name, Options{})
		if err == nil || !strings.Contains(err.Error(), "no core:sample_rate: pass --rate") || strings.Contains(err.Error(), "\n") ||
			!errors.Is(err, ErrBadValue) {
			t.Errorf("Open(%s) without a rate: %v, want a one-line usage error saying to pass --rate", filepath.Base(name), err)
		}
		s, err := Open(name, Options{SampleRate: 2.4e6})
		if err != nil {
			t.Errorf("Open(%s, --rate 2.4M): %v", filepath.Base(name), err)
			continue
		}
		if s.Info.SampleRate != 2.4e6 || s.Info.Format != CU8 || s.Info.CenterFreq != 915e6 || s.Info.Samples != 3000 || s.Info.Meta == nil {
			t.Errorf("Open(%s, --rate 2.4M): info %+v", filepath.Base(name), s.Info)
		}
		got, err := readAll(t, s)
		if err != io.EOF || len(got) != len(sig) {
			t.Errorf("Open(%s): read %d samples, %v", filepath.Base(name), len(got), err)
		}
		s.Close()
	}

	// A rate that is there must be a rate.
	for _, bad := range []string{`"2.4M"`, `0`, `-1`, `null`, `1e12`} {
		_, err := ParseSigMF([]byte(`{"global":{"core:datatype":"cu8","core:version":"1.0.0","core:sample_rate":` + bad + `}}`))
		if err == nil || !strings.Contains(err.Error(), "core:sample_rate") {
			t.Errorf("core:sample_rate %s: %v", bad, err)
		}
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

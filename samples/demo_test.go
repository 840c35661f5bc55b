package samples

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Each built-in recording opens as the IQ source its name describes.
func TestDemoSource(t *testing.T) {
	want := map[string][2]float64{"demo_915M_800k.cu8": {915e6, 800e3}, "demo_433.92M_250k.cu8": {433.92e6, 250e3}}
	for _, rec := range Demo() {
		src, err := rec.Source("builtin:" + rec.Name)
		if err != nil {
			t.Fatal(err)
		}
		if w := want[rec.Name]; src.Info.CenterFreq != w[0] || src.Info.SampleRate != w[1] || src.Info.Samples != int64(len(rec.Data)/2) {
			t.Errorf("%s: %+v", rec.Name, src.Info)
		}
		src.Close()
	}
	if _, err := (Recording{Name: "x", Meta: []byte("{")}).Source("x"); err == nil {
		t.Error("a broken meta opened")
	}
}

// A recording is written as its samples, meta and truth, byte for byte.
func TestWriteFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	rec := Demo()[1]
	var paths []string
	if err := rec.WriteFiles(dir, func(p string, n int) { paths = append(paths, filepath.Base(p)) }); err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"demo_433.92M_250k.cu8": rec.Data, "demo_433.92M_250k.sigmf-meta": rec.Meta,
		"demo_433.92M_250k.truth.jsonl": rec.Truth}
	if len(paths) != len(want) {
		t.Errorf("wrote %v", paths)
	}
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: %d bytes, %v; want the recording's %d", name, len(got), err, len(data))
		}
	}
	if err := rec.WriteFiles(filepath.Join(dir, "demo_433.92M_250k.cu8", "x"), nil); err == nil {
		t.Error("writing under a file: no error")
	}
}

package samples

import (
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

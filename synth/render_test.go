package synth

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/iq"
)

// limitWriter fails once n bytes are written.
type limitWriter struct {
	n   int
	buf bytes.Buffer
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.n {
		return 0, errors.New("disk full")
	}
	return w.buf.Write(p)
}

func TestRender(t *testing.T) {
	o := base()
	o.Count, o.Duration = ptr(3), 0.05 // cut before the last burst
	for _, f := range []iq.Format{iq.CU8, iq.CS8, iq.CS16, iq.CF32} {
		p, err := o.Plan()
		if err != nil {
			t.Fatal(err)
		}
		w := &limitWriter{n: 1 << 30}
		r, err := p.Render(w, f)
		if err != nil || r.Samples != 50000 || int64(w.buf.Len()) != r.Samples*int64(f.Size()) || len(r.Truth) == 0 || len(r.Truth) == 3 || r.Format != f {
			t.Errorf("%v: %+v, %d bytes, %v", f, r, w.buf.Len(), err)
		}
		if m := p.Meta(r); m.Format != f || m.SampleRate != 1e6 || m.CenterFreq != 915e6 || len(m.Annotations) != len(r.Truth) ||
			m.Description != fmt.Sprintf("gridstream synth: %d bursts, seed 1", len(r.Truth)) {
			t.Errorf("%v: meta %+v", f, m)
		}
	}
	// Bursts scheduled after --duration's end are neither truth nor
	// annotations (demod refuses a meta annotating samples past the end).
	cut := base()
	cut.Seed, cut.Hop, cut.Count, cut.Duration, cut.SNR = 103, true, ptr(67), 1.5, [2]float64{15, 40}
	cut.CenterFreq = ptr(915e6)
	p, err := cut.Plan()
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Render(&bytes.Buffer{}, iq.CS16)
	if err != nil || len(r.Truth) == 0 || len(r.Truth) == 67 {
		t.Fatalf("cut: %d bursts, %v", len(r.Truth), err)
	}
	for _, a := range p.Meta(r).Annotations {
		if a.SampleStart >= r.Samples {
			t.Errorf("cut: annotation at %d of %d samples", a.SampleStart, r.Samples)
		}
	}
	// A burst far over full scale is clipped, and counted.
	o.SNR, o.NoiseDB = [2]float64{60, 60}, -20
	p, _ = o.Plan()
	if r, err := p.Render(&bytes.Buffer{}, iq.CS8); err != nil || r.Clipped == 0 {
		t.Errorf("loud bursts: %+v %v", r, err)
	}
	// The writer's error ends the rendering.
	p, _ = o.Plan()
	if _, err := p.Render(&limitWriter{n: 100000}, iq.CF32); err == nil || err.Error() != "disk full" {
		t.Errorf("full disk: %v", err)
	}
}

// WriteFiles writes the samples, the meta beside them and the truth, or
// only the samples to stdout; the error names the file that failed.
func TestWriteFiles(t *testing.T) {
	o := base()
	o.Count = ptr(2)
	p, err := o.Plan()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path, truth := filepath.Join(dir, "x.cs16"), filepath.Join(dir, "t.jsonl")
	rec, meta, err := p.WriteFiles(path, iq.CS16, truth, nil)
	if err != nil || meta != filepath.Join(dir, "x.sigmf-meta") {
		t.Fatalf("meta %q, %v", meta, err)
	}
	data, _ := os.ReadFile(path)
	lines, _ := os.ReadFile(truth)
	if int64(len(data)) != rec.Samples*4 || bytes.Count(lines, []byte("\n")) != len(rec.Truth) || len(rec.Truth) != 2 {
		t.Errorf("%d bytes for %d samples, %d truth lines for %d bursts", len(data), rec.Samples, bytes.Count(lines, []byte("\n")), len(rec.Truth))
	}
	var stdout bytes.Buffer
	if rec, meta, err := p.WriteFiles("-", iq.CU8, "", &stdout); err != nil || meta != "" || int64(stdout.Len()) != rec.Samples*2 {
		t.Errorf("stdout: %d bytes, meta %q, %v", stdout.Len(), meta, err)
	}
	if _, _, err := p.WriteFiles(filepath.Join(dir, "none", "x.cu8"), iq.CU8, "", nil); err == nil {
		t.Error("a missing directory: no error")
	}
	if _, _, err := p.WriteFiles(path, iq.CU8, filepath.Join(dir, "none", "t"), nil); err == nil || !strings.HasPrefix(err.Error(), "--truth: ") {
		t.Errorf("a truth file in a missing directory: %v", err)
	}
}

package synth

import (
	"bytes"
	"errors"
	"fmt"
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
	// A burst far over full scale is clipped, and counted.
	o.SNR, o.NoiseDB = [2]float64{60, 60}, -20
	p, _ := o.Plan()
	if r, err := p.Render(&bytes.Buffer{}, iq.CS8); err != nil || r.Clipped == 0 {
		t.Errorf("loud bursts: %+v %v", r, err)
	}
	// The writer's error ends the rendering.
	p, _ = o.Plan()
	if _, err := p.Render(&limitWriter{n: 100000}, iq.CF32); err == nil || err.Error() != "disk full" {
		t.Errorf("full disk: %v", err)
	}
}

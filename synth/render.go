package synth

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/gridstream-sdr/gridstream/iq"
)

// Recording is what Plan.Render wrote.
type Recording struct {
	// Format of the samples.
	Format iq.Format
	// Samples were written; Clipped counts the I and Q values clipped to
	// the format's range.
	Samples, Clipped int64
	// Truth is the ground truth, one line per burst.
	Truth []TruthLine
}

// renderChunk is the number of samples rendered at once.
const renderChunk = 1 << 16

// Render writes the plan's recording to w as samples of format f (through
// a buffer, flushed at the end; w is not closed) and returns what it holds.
// A plan renders once: its Source is consumed. The error is w's.
func (p *Plan) Render(w io.Writer, f iq.Format) (Recording, error) {
	rec := Recording{Format: f}
	var truths []Truth
	cfg := p.Config
	cfg.OnTruth = func(t Truth) { truths = append(truths, t) }
	cfg.KeepTruth = 1
	g := New(cfg, p.Source)
	bw := bufio.NewWriterSize(w, 1<<20)
	iw := iq.NewWriter(bw, f)
	buf := make([]complex64, renderChunk)
	var err error
	for {
		n, rerr := g.Read(buf)
		if _, err = iw.Write(buf[:n]); err != nil || rerr != nil {
			break
		}
	}
	if err == nil {
		err = bw.Flush()
	}
	rec.Samples, rec.Clipped = iw.Samples(), iw.Clipped()
	// A burst scheduled after the end (--duration cut the recording
	// short) is not in it: no truth line, no annotation.
	truths = slices.DeleteFunc(truths, func(t Truth) bool { return t.Start >= rec.Samples })
	rec.Truth = TruthLines(truths, p.SampleRate, p.CenterFreq)
	return rec, err
}

// Meta returns the SigMF meta of r, a rendering of p: its format, rate and
// centre, and one annotation per burst.
func (p *Plan) Meta(r Recording) iq.Meta {
	m := iq.Meta{
		Format: r.Format, SampleRate: p.SampleRate, CenterFreq: p.CenterFreq,
		Description: fmt.Sprintf("gridstream synth: %d bursts, seed %d", len(r.Truth), p.Config.Seed),
		Recorder:    "gridstream synth",
		Author:      "gridstream synth",
	}
	for _, l := range r.Truth {
		m.Annotations = append(m.Annotations, l.Annotation())
	}
	return m
}

// WriteFiles renders the recording into the file path in format, writes
// its SigMF meta beside it and, when truthPath is set, the ground truth
// there (WriteTruthFile). path "-" writes the samples to stdout and no
// meta. It returns the recording and the meta's path; the error says
// which file failed.
func (p *Plan) WriteFiles(path string, format iq.Format, truthPath string, stdout io.Writer) (rec Recording, metaPath string, err error) {
	if path == "-" {
		rec, err = p.Render(stdout, format)
	} else {
		var f *os.File
		if f, err = os.Create(path); err != nil {
			return rec, "", err
		}
		rec, err = p.Render(f, format)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return rec, "", fmt.Errorf("writing %s: %w", path, err)
	}
	if path != "-" {
		if metaPath, err = iq.WriteSigMF(path, p.Meta(rec)); err != nil {
			return rec, "", fmt.Errorf("writing the SigMF meta: %w", err)
		}
	}
	if truthPath != "" {
		if err = WriteTruthFile(truthPath, rec.Truth); err != nil {
			return rec, metaPath, fmt.Errorf("--truth: %w", err)
		}
	}
	return rec, metaPath, nil
}

package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/waterfall"
)

// maxMarks bounds the bursts boxed on a waterfall picture (the picture's
// rows are bounded by the waterfall package); further bursts are counted.
const maxMarks = 20000

// waterfallOut is demod --waterfall: the spectrogram of the input and the
// bursts found, written as a PNG when the input ends.
type waterfallOut struct {
	path    string
	f       *os.File
	spec    *waterfall.Spectrogram
	fs      float64
	marks   []waterfall.Mark
	dropped int
}

// newWaterfallOut checks that path can be written (creating it now, so a
// wrong directory is reported before any decoding) and starts the
// spectrogram.
func newWaterfallOut(path string, info iq.Info, input string) (*waterfallOut, error) {
	if !strings.EqualFold(filepath.Ext(path), ".png") {
		return nil, fmt.Errorf("--waterfall %s: the picture is a PNG: name it OUT.png", path)
	}
	title := fmt.Sprintf("%s  %s S/s", filepath.Base(input), iq.FormatSI(info.SampleRate))
	if info.CenterFreq != 0 {
		title += fmt.Sprintf("  centre %.3f MHz", info.CenterFreq/1e6)
	}
	spec, err := waterfall.New(waterfall.Options{SampleRate: info.SampleRate, CenterFreq: info.CenterFreq, Title: title})
	if err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--waterfall: %w", err)
	}
	return &waterfallOut{path: path, f: f, spec: spec, fs: info.SampleRate}, nil
}

// burst boxes one burst.
func (w *waterfallOut) burst(b demod.Burst) {
	if len(w.marks) >= maxMarks {
		w.dropped++
		return
	}
	m := waterfall.Mark{Start: float64(b.Start) / w.fs, End: float64(b.End) / w.fs,
		FreqLo: b.FreqLo, FreqHi: b.FreqHi, Kind: waterfall.Undecoded}
	var ids []string
	baud := 0
	for _, msg := range b.Messages {
		if !msg.CRCOK {
			continue
		}
		m.Kind = waterfall.Decoded
		if id := msg.DeviceID(); id != "" && !contains(ids, id) {
			ids = append(ids, id)
		}
		if baud == 0 && msg.Radio != nil {
			baud = msg.Baud
		}
	}
	switch {
	case m.Kind == waterfall.Decoded:
		label := strings.Join(ids, "+")
		if baud > 0 {
			label += fmt.Sprintf(" %d", baud)
		}
		m.Label = label + " ok"
	case b.CRCFailed:
		m.Kind, m.Label = waterfall.Failed, "CRC failed"
	}
	w.marks = append(w.marks, m)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// write renders the picture into the file.
func (w *waterfallOut) write() error {
	img, geo := w.spec.Render(w.marks)
	err := waterfall.WritePNG(w.f, img)
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("--waterfall %s: %w", w.path, err)
	}
	if w.dropped > 0 {
		slog.Warn("waterfall: too many bursts to box them all", "boxed", len(w.marks), "not_boxed", w.dropped)
	}
	b := img.Bounds()
	slog.Info("waterfall written", "file", w.path, "width", b.Dx(), "height", b.Dy(),
		"seconds", fmt.Sprintf("%.2f", w.spec.Seconds()), "row_ms", fmt.Sprintf("%.2f", 1e3*w.spec.RowSeconds()),
		"bursts", len(w.marks)+w.dropped, "labels_left_out", geo.Unlabelled)
	return nil
}

// discard removes the file of a run that did not start.
func (w *waterfallOut) discard() {
	if w != nil {
		w.f.Close()
		os.Remove(w.path)
	}
}

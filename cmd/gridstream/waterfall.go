package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/waterfall"
)

// newWaterfall starts demod --waterfall's picture of the input: checks
// that path can be written (creating it now, so a wrong directory is
// reported before any decoding).
func newWaterfall(path string, info iq.Info, input string) (*waterfall.File, error) {
	if !strings.EqualFold(filepath.Ext(path), ".png") {
		return nil, fmt.Errorf("--waterfall %s: the picture is a PNG: name it OUT.png", path)
	}
	title := fmt.Sprintf("%s  %s S/s", filepath.Base(input), iq.FormatSI(info.SampleRate))
	if info.CenterFreq != 0 {
		title += fmt.Sprintf("  centre %.3f MHz", info.CenterFreq/1e6)
	}
	w, err := waterfall.Create(path, waterfall.Options{SampleRate: info.SampleRate, CenterFreq: info.CenterFreq, Title: title})
	if err != nil {
		return nil, fmt.Errorf("--waterfall: %w", err)
	}
	return w, nil
}

// writeWaterfall renders the picture into its file, and says so.
func writeWaterfall(w *waterfall.File, path string) error {
	res, err := w.Finish()
	if err != nil {
		return fmt.Errorf("--waterfall %s: %w", path, err)
	}
	if res.NotBoxed > 0 {
		slog.Warn("waterfall: too many bursts to box them all", "boxed", res.Boxed, "not_boxed", res.NotBoxed)
	}
	slog.Info("waterfall written", "file", path, "width", res.Size.X, "height", res.Size.Y,
		"seconds", fmt.Sprintf("%.2f", w.Seconds()), "row_ms", fmt.Sprintf("%.2f", 1e3*w.RowSeconds()),
		"bursts", res.Boxed+res.NotBoxed, "labels_left_out", res.Unlabelled)
	return nil
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/waterfall"
)

// newWaterfall starts demod --waterfall's picture of the input: checks
// that path can be written (creating it now, so a wrong directory is
// reported before any decoding).
func newWaterfall(path string, info iq.Info, input string) (*waterfall.File, error) {
	w, err := waterfall.CreateFor(path, input, info.SampleRate, info.CenterFreq)
	var pathErr *fs.PathError
	switch {
	case errors.As(err, &pathErr): // it names the file: "open PATH: …"
		return nil, fmt.Errorf("--waterfall: %w", err)
	case err != nil: // "PATH: …"
		return nil, fmt.Errorf("--waterfall %w", err)
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
	slog.Info("waterfall written", append([]any{"file", path}, w.Attrs(res)...)...)
	return nil
}

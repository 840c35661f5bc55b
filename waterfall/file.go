package waterfall

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/iq"
)

// MaxMarks bounds the bursts a File boxes (the picture's rows are bounded
// by Options.MaxRows); further bursts are counted.
const MaxMarks = 20000

// BurstMark is the box of a burst the receiver demodulated, at sample rate
// fs: Decoded when a CRC-good message came from it, labelled with their
// device ids (each once, joined by "+"), the first one's baud and "ok";
// Failed ("CRC failed") when only frames whose CRC failed did; Undecoded
// otherwise.
func BurstMark(b demod.Burst, fs float64) Mark {
	m := Mark{Start: float64(b.Start) / fs, End: float64(b.End) / fs,
		FreqLo: b.FreqLo, FreqHi: b.FreqHi, Kind: Undecoded}
	var ids []string
	baud := 0
	for _, msg := range b.Messages {
		if !msg.CRCOK {
			continue
		}
		m.Kind = Decoded
		if id := msg.DeviceID(); id != "" && !contains(ids, id) {
			ids = append(ids, id)
		}
		if baud == 0 && msg.Radio != nil {
			baud = msg.Baud
		}
	}
	switch {
	case m.Kind == Decoded:
		label := strings.Join(ids, "+")
		if baud > 0 {
			label += fmt.Sprintf(" %d", baud)
		}
		m.Label = label + " ok"
	case b.CRCFailed:
		m.Kind, m.Label = Failed, "CRC failed"
	}
	return m
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// File is a spectrogram written as a PNG file once its input ends, with
// the bursts reported meanwhile boxed (BurstMark).
type File struct {
	*Spectrogram
	f       *os.File
	marks   []Mark
	dropped int
}

// Written says what Finish put in the file.
type Written struct {
	// Size is the picture's size in pixels.
	Size image.Point
	// Boxed and NotBoxed count the bursts boxed and those beyond MaxMarks.
	Boxed, NotBoxed int
	// Unlabelled counts the boxes whose label found no room.
	Unlabelled int
}

// Create creates the file at path now, so that a path that cannot be
// written is reported before any samples are fed, and starts the
// spectrogram.
func Create(path string, opt Options) (*File, error) {
	spec, err := New(opt)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &File{Spectrogram: spec, f: f}, nil
}

// Burst boxes one burst, or counts it once MaxMarks are boxed.
func (w *File) Burst(b demod.Burst) {
	if len(w.marks) >= MaxMarks {
		w.dropped++
		return
	}
	w.marks = append(w.marks, BurstMark(b, w.opt.SampleRate))
}

// Finish renders the picture into the file and closes it.
func (w *File) Finish() (Written, error) {
	img, geo := w.Render(w.marks)
	err := WritePNG(w.f, img)
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	return Written{Size: img.Bounds().Size(), Boxed: len(w.marks), NotBoxed: w.dropped, Unlabelled: geo.Unlabelled}, err
}

// Discard closes and removes the file of a run that did not start. A nil
// File discards nothing.
func (w *File) Discard() {
	if w != nil {
		w.f.Close()
		os.Remove(w.f.Name())
	}
}

// CreateFor is Create for the picture of a recording named input at rate
// samples/s and centre Hz (0: unknown), titled with its file name, rate
// and centre. path must name a PNG file.
func CreateFor(path, input string, rate, centre float64) (*File, error) {
	if !strings.EqualFold(filepath.Ext(path), ".png") {
		return nil, fmt.Errorf("%s: the picture is a PNG: name it OUT.png", path)
	}
	title := fmt.Sprintf("%s  %s S/s", filepath.Base(input), iq.FormatSI(rate))
	if centre != 0 {
		title += fmt.Sprintf("  centre %.3f MHz", centre/1e6)
	}
	return Create(path, Options{SampleRate: rate, CenterFreq: centre, Title: title})
}

// Attrs are log attributes of what Finish wrote into the picture.
func (w *File) Attrs(res Written) []any {
	return []any{"width", res.Size.X, "height", res.Size.Y,
		"seconds", fmt.Sprintf("%.2f", w.Seconds()), "row_ms", fmt.Sprintf("%.2f", 1e3*w.RowSeconds()),
		"bursts", res.Boxed + res.NotBoxed, "labels_left_out", res.Unlabelled}
}

package waterfall

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
)

// device is a message's fields naming a device.
type device string

func (d device) DeviceID() string { return string(d) }

func message(ok bool, id string, baud int) *frames.Message {
	m := &frames.Message{CRCOK: ok, Fields: device(id)}
	if baud > 0 {
		m.Radio = &frames.Radio{Baud: baud}
	}
	return m
}

// A burst's box: its span in seconds and band; decoded ones labelled with
// each device once, the first baud known and "ok"; failed ones "CRC
// failed" unless a good message came too; the rest undecoded, unlabelled.
func TestBurstMark(t *testing.T) {
	const fs = 1e6
	for _, tc := range []struct {
		name string
		in   demod.Burst
		want Mark
	}{
		{"undecoded", demod.Burst{Start: 500000, End: 750000, FreqLo: -1e5, FreqHi: -0.5e5},
			Mark{Start: 0.5, End: 0.75, FreqLo: -1e5, FreqHi: -0.5e5, Kind: Undecoded}},
		{"failed", demod.Burst{End: 1000, CRCFailed: true, Messages: []*frames.Message{message(false, "0CE6ADF7", 9600)}},
			Mark{End: 0.001, Kind: Failed, Label: "CRC failed"}},
		{"decoded", demod.Burst{End: 1000, CRCFailed: true, Messages: []*frames.Message{
			message(false, "11111111", 38400), message(true, "0CE6ADF7", 0), message(true, "0CE6ADF7", 19200),
			message(true, "B1A0C1AB", 9600), message(true, "", 0)}},
			Mark{End: 0.001, Kind: Decoded, Label: "0CE6ADF7+B1A0C1AB 19200 ok"}},
		{"decoded, no radio fields", demod.Burst{End: 1000, Messages: []*frames.Message{message(true, "3-117", 0)}},
			Mark{End: 0.001, Kind: Decoded, Label: "3-117 ok"}},
	} {
		if got := BurstMark(tc.in, fs); got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

// A File is created at once (a bad directory fails before any samples),
// boxes at most MaxMarks bursts and counts the rest, and Finish writes
// the PNG; Discard removes the file.
func TestFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "missing", "x.png"), Options{SampleRate: 1e6}); err == nil {
		t.Error("Create in a missing directory")
	}
	path := filepath.Join(dir, "x.png")
	w, err := Create(path, Options{SampleRate: 1e6, Bins: 256, Title: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("not created at once: %v", err)
	}
	w.Feed(make([]complex64, 100000))
	for i := range MaxMarks + 3 {
		w.Burst(demod.Burst{Start: int64(i), End: int64(i) + 10, FreqLo: 0, FreqHi: 1e4})
	}
	res, err := w.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if res.Boxed != MaxMarks || res.NotBoxed != 3 || res.Size.X < 256 {
		t.Errorf("written %+v", res)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil || img.Bounds().Size() != res.Size {
		t.Errorf("the PNG: %v, size %v, want %v", err, img.Bounds().Size(), res.Size)
	}

	w, err = Create(filepath.Join(dir, "y.png"), Options{SampleRate: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	w.Discard()
	if _, err := os.Stat(filepath.Join(dir, "y.png")); !os.IsNotExist(err) {
		t.Errorf("Discard left the file: %v", err)
	}
	(*File)(nil).Discard()
}

// CreateFor titles the picture with the recording, and wants a PNG name.
func TestCreateFor(t *testing.T) {
	dir := t.TempDir()
	w, err := CreateFor(filepath.Join(dir, "x.PNG"), "/data/rec_915M_2400k.cu8", 2.4e6, 915e6)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Discard()
	if want := "rec_915M_2400k.cu8  2400k S/s  centre 915.000 MHz"; w.opt.Title != want || w.opt.SampleRate != 2.4e6 {
		t.Errorf("title %q, rate %v; want %q", w.opt.Title, w.opt.SampleRate, want)
	}
	if v, _ := CreateFor(filepath.Join(dir, "y.png"), "-", 250e3, 0); v == nil || v.opt.Title != "-  250k S/s" {
		t.Errorf("unknown centre: %+v", v)
	} else {
		v.Discard()
	}
	if _, err := CreateFor(filepath.Join(dir, "x.jpg"), "in", 1e6, 0); err == nil {
		t.Error("x.jpg: no error")
	}
}

package main_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/samples"
	gsynth "github.com/gridstream-sdr/gridstream/synth"
	"github.com/gridstream-sdr/gridstream/waterfall"
)

// The README's picture: `demod --waterfall` of the built-in demo recording.
const waterfallGolden = "docs/waterfall-demo.png"

// Box colours of the waterfall (decoded, CRC failed).
var (
	boxGreen = color.RGBA{64, 255, 140, 255}
	boxRed   = color.RGBA{255, 80, 64, 255}
)

// demod --waterfall draws the demo recording with a box on every burst
// that was sent, where the ground truth puts it, and no failed box; the
// picture matches the golden one in docs/ (the README shows it), and goes
// to the artifacts too. `go test ./cmd/gridstream -update` rewrites it.
func TestWaterfallDemo(t *testing.T) {
	dir := t.TempDir()
	if r := gridstream(t, nil, "demo", "--write", dir); r.code != 0 {
		t.Fatalf("demo --write: %s", r.stderr)
	}
	rec := samples.Demo()[0]
	out := filepath.Join(artifactDir(t), "waterfall-demo.png")
	r := gridstream(t, nil, "demod", "-q", "--state", "", "--waterfall", out, filepath.Join(dir, rec.Name))
	if r.code != 0 || !strings.Contains(r.stderr, "waterfall written") {
		t.Fatalf("demod --waterfall: exit %d\n%s", r.code, r.stderr)
	}
	t.Logf("picture: %s", out)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pic, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	img, ok := pic.(*image.NRGBA)
	if !ok {
		rgba := image.NewNRGBA(pic.Bounds())
		for y := pic.Bounds().Min.Y; y < pic.Bounds().Max.Y; y++ {
			for x := pic.Bounds().Min.X; x < pic.Bounds().Max.X; x++ {
				rgba.Set(x, y, pic.At(x, y))
			}
		}
		img = rgba
	}

	// Where things are: the same spectrogram, made here from the same
	// samples, gives the picture's geometry.
	meta, err := iq.ParseSigMF(rec.Meta)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := waterfall.New(waterfall.Options{SampleRate: meta.SampleRate, CenterFreq: meta.CenterFreq})
	if err != nil {
		t.Fatal(err)
	}
	rd := iq.NewReader(bytes.NewReader(rec.Data), meta.Format)
	buf := make([]complex64, 1<<14)
	for {
		n, err := rd.Read(buf)
		spec.Feed(buf[:n])
		if err == io.EOF {
			break
		}
	}
	ref, geo := spec.Render(nil)
	if img.Bounds() != ref.Bounds() {
		t.Fatalf("picture %v, want %v", img.Bounds(), ref.Bounds())
	}
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w < 1100 || w > 1400 || h < 600 || h > 1200 {
		t.Errorf("picture %d×%d", w, h)
	}
	is := func(x, y int, c color.RGBA) bool {
		p := img.NRGBAAt(x, y)
		return p.R == c.R && p.G == c.G && p.B == c.B
	}
	// edge finds a horizontal run of at least 8 box pixels within rows
	// y±tol and columns x0..x1.
	edge := func(y, tol, x0, x1 int, c color.RGBA) bool {
		for yy := y - tol; yy <= y+tol; yy++ {
			run := 0
			for x := x0; x <= x1; x++ {
				if is(x, yy, c) {
					if run++; run >= 8 {
						return true
					}
				} else {
					run = 0
				}
			}
		}
		return false
	}
	const tol = 10 // rows: 6.4 ms (the preamble before the detector fires)
	for _, tr := range readTruthFile(t, rec.Truth) {
		t0, t1 := float64(tr.Start)/meta.SampleRate, float64(tr.End)/meta.SampleRate
		x0, x1 := geo.X(tr.FreqHz-60e3), geo.X(tr.FreqHz+60e3)
		if !edge(geo.Y(t0), tol, x0, x1, boxGreen) || !edge(geo.Y(t1), tol, x0, x1, boxGreen) {
			t.Errorf("no green box on the burst at %.4f-%.4f s, %.3f MHz", t0, t1, tr.FreqHz/1e6)
		}
	}
	for y := geo.Plot.Min.Y; y < geo.Plot.Max.Y; y++ {
		for x := geo.Plot.Min.X; x < geo.Plot.Max.X; x++ {
			if is(x, y, boxRed) {
				t.Fatalf("a CRC-failed box at %d,%d: every burst of the demo decodes", x, y)
			}
		}
	}

	golden := filepath.Join(testbin.Root(), waterfallGolden)
	if *update {
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	gf, err := os.Open(golden)
	if err != nil {
		t.Fatalf("%v (make it with go test ./cmd/gridstream -run TestWaterfallDemo -update)", err)
	}
	defer gf.Close()
	gpic, err := png.Decode(gf)
	if err != nil {
		t.Fatal(err)
	}
	if gpic.Bounds() != img.Bounds() {
		t.Fatalf("golden %s is %v, the picture %v", waterfallGolden, gpic.Bounds(), img.Bounds())
	}
	// Rendering is deterministic; floating-point differences between
	// machines may move a colour by a step here and there.
	differ := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			a := img.NRGBAAt(x, y)
			gr, gg, gb, _ := gpic.At(x, y).RGBA()
			if math.Abs(float64(a.R)-float64(gr>>8))+math.Abs(float64(a.G)-float64(gg>>8))+math.Abs(float64(a.B)-float64(gb>>8)) > 24 {
				differ++
			}
		}
	}
	if frac := float64(differ) / float64(img.Bounds().Dx()*img.Bounds().Dy()); frac > 0.005 {
		t.Errorf("%.2f %% of the pixels differ from %s (go test ./cmd/gridstream -run TestWaterfallDemo -update after a deliberate change)", 100*frac, waterfallGolden)
	}
}

// A --waterfall that cannot be written is a usage error before decoding.
func TestWaterfallBadPath(t *testing.T) {
	jpg := filepath.Join(t.TempDir(), "x.jpg")
	for _, tc := range []struct{ path, msg string }{
		{"/nonexistent-dir/x.png", "gridstream: demod: --waterfall: open /nonexistent-dir/x.png: no such file or directory\n"},
		{jpg, "gridstream: demod: --waterfall " + jpg + ": the picture is a PNG: name it OUT.png\n"},
	} {
		r := gridstream(t, nil, "demod", "--state", "", "--waterfall", tc.path, "--rate", "1M", "-")
		if r.code != 2 || r.stderr != tc.msg {
			t.Errorf("--waterfall %s: exit %d, %q; want 2, %q", tc.path, r.code, r.stderr, tc.msg)
		}
	}
}

func readTruthFile(t *testing.T, b []byte) []gsynth.TruthLine {
	t.Helper()
	tr, err := gsynth.ReadTruth(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

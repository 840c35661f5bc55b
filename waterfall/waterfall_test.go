package waterfall

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/samples"
)

func TestFFTMatchesDFT(t *testing.T) {
	const n = 64
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	want := make([]complex128, n)
	for k := range n {
		for j, v := range x {
			want[k] += v * cmplx.Exp(complex(0, -2*math.Pi*float64(j*k)/n))
		}
	}
	newFFT(n).transform(x)
	for k := range n {
		if cmplx.Abs(x[k]-want[k]) > 1e-9 {
			t.Fatalf("bin %d: %v, want %v", k, x[k], want[k])
		}
	}
}

func TestFontComplete(t *testing.T) {
	for r, s := range glyphRows {
		rows := strings.Fields(s)
		if len(rows) != glyphH {
			t.Errorf("%q: %d rows", r, len(rows))
		}
		for _, row := range rows {
			if len(row) != glyphW || strings.Trim(row, ".#") != "" {
				t.Errorf("%q: row %q", r, row)
			}
		}
	}
	for c := ' '; c <= '~'; c++ {
		if _, ok := glyphs()[c]; !ok {
			t.Errorf("no glyph for %q", c)
		}
	}
}

// A tone lands in the right column, and its power is about 0 dBFS at full
// scale.
func TestToneColumn(t *testing.T) {
	const fs, f = 1e6, 125e3
	s, err := New(Options{SampleRate: fs, CenterFreq: 915e6, Bins: 256})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]complex64, 20000)
	for i := range x {
		x[i] = complex64(cmplx.Exp(complex(0, 2*math.Pi*f*float64(i)/fs)))
	}
	s.Feed(x)
	row := s.rowsForDrawing()[:256]
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	if want := 128 + 256*f/fs; best != int(want) || math.Abs(float64(row[best])) > 1 {
		t.Errorf("tone in bin %d at %.1f dB, want bin %v at 0 dB", best, row[best], want)
	}
	_, geo := s.Render(nil)
	if x := geo.X(915e6 + f); x != geo.Plot.Min.X+best {
		t.Errorf("Geometry.X puts the tone at %d, the plot at %d", x, geo.Plot.Min.X+best)
	}
}

// However long the input, the rows stay within MaxRows and each covers
// more time.
func TestBoundedRows(t *testing.T) {
	s, _ := New(Options{SampleRate: 1e6, Bins: 64, MaxRows: 100})
	x := make([]complex64, 4096)
	for range 1000 { // 4 M samples: 128k frames
		s.Feed(x)
	}
	if s.Rows() > 100 || s.Rows() < 50 {
		t.Errorf("%d rows", s.Rows())
	}
	got := float64(s.Rows()) * s.RowSeconds()
	if math.Abs(got-s.Seconds()) > 2*s.RowSeconds() {
		t.Errorf("rows cover %.3f s of %.3f s", got, s.Seconds())
	}
	img, _ := s.Render(nil)
	if img.Bounds().Dy() > 100+marginTop+marginBot+minPlotRows {
		t.Errorf("picture %v", img.Bounds())
	}
}

func TestWriteAllocatesNothing(t *testing.T) {
	s, _ := New(Options{SampleRate: 1e6})
	x := make([]complex64, 10000)
	if a := testing.AllocsPerRun(20, func() { s.Feed(x) }); a != 0 {
		t.Errorf("%v allocations per Feed", a)
	}
}

type truth struct {
	Start, End int64
	FreqHz     float64 `json:"freq_hz"`
	Baud       int
	Deviation  float64
}

// The demo recording with its ground truth boxed: every box is where the
// truth says, drawn on the burst's energy. The picture is saved as a test
// artifact for a look.
func TestDemoWithTruth(t *testing.T) {
	rec := samples.Demo()[0]
	s, err := New(Options{SampleRate: 800e3, CenterFreq: 915e6, Title: rec.Name})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]complex64, 1<<14)
	r := iq.NewReader(bytes.NewReader(rec.Data), iq.CU8)
	for {
		n, err := r.Read(buf)
		s.Feed(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var marks []Mark
	sc := bufio.NewScanner(bytes.NewReader(rec.Truth))
	for sc.Scan() {
		var tr truth
		if err := json.Unmarshal(sc.Bytes(), &tr); err != nil {
			t.Fatal(err)
		}
		half := tr.Deviation + float64(tr.Baud)/2
		marks = append(marks, Mark{Start: float64(tr.Start) / 800e3, End: float64(tr.End) / 800e3,
			FreqLo: tr.FreqHz - half, FreqHi: tr.FreqHz + half, Label: fmt.Sprint(tr.Baud)})
	}
	img, geo := s.Render(marks)
	if img.Bounds().Dx() != marginLeft+DefaultBins+marginRight || geo.Plot.Dy() < minPlotRows {
		t.Errorf("picture %v, plot %v", img.Bounds(), geo.Plot)
	}
	for _, m := range marks {
		// The box's top-left corner is drawn in the decoded colour, and
		// the burst's centre is bright (the signal is there).
		x, y := geo.X(m.FreqLo), geo.Y(m.Start)
		if img.RGBAAt(x, y) != decodedColour {
			t.Errorf("no box corner at %d,%d for the burst at %.4f s", x, y, m.Start)
		}
		// (FSK puts its energy on the two tones: look across the box.)
		cy, bright := geo.Y((m.Start+m.End)/2), 0
		for x := geo.X(m.FreqLo) + 3; x < geo.X(m.FreqHi)-2; x++ {
			c := img.RGBAAt(x, cy)
			bright = max(bright, int(c.R)+int(c.G))
		}
		if bright < 300 {
			t.Errorf("burst at %.4f s %.3f MHz is dark on the picture", m.Start, (m.FreqLo+m.FreqHi)/2e6)
		}
	}
	dir := os.Getenv("GRIDSTREAM_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	out := filepath.Join(dir, "waterfall-truth.png")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := WritePNG(f, img); err != nil {
		t.Fatal(err)
	}
	t.Logf("picture: %s", out)
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(f)
	if err != nil || back.Bounds() != img.Bounds() {
		t.Errorf("PNG does not decode: %v", err)
	}
}

func BenchmarkFeed(b *testing.B) {
	s, _ := New(Options{SampleRate: 2.4e6})
	x := make([]complex64, 1<<16)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
	}
	b.SetBytes(int64(len(x)) * 2) // as cu8
	b.ReportAllocs()
	for b.Loop() {
		s.Feed(x)
	}
}

// Dense traffic: labels that find no free place are left out and counted,
// thin bursts get brackets, and the picture stays its bounded size.
func TestDenseMarks(t *testing.T) {
	s, _ := New(Options{SampleRate: 1e6, CenterFreq: 915e6, Bins: 1024, MaxRows: 200})
	s.Feed(make([]complex64, 1<<20))
	var marks []Mark
	for i := range 300 {
		t0 := float64(i) * s.Seconds() / 300
		f := 915e6 - 400e3 + float64(i%3)*50e3
		marks = append(marks, Mark{Start: t0, End: t0 + 0.002, FreqLo: f - 20e3, FreqHi: f + 20e3, Label: fmt.Sprintf("%08X 9600 ok", i)})
	}
	img, geo := s.Render(marks)
	if geo.Unlabelled == 0 || geo.Unlabelled == len(marks) {
		t.Errorf("%d of %d labels left out", geo.Unlabelled, len(marks))
	}
	if img.Bounds().Dy() > marginTop+marginBot+minPlotRows+200 {
		t.Errorf("picture %v", img.Bounds())
	}
	// A bracket at the first burst's ends.
	r := markRect(geo, marks[0])
	if img.RGBAAt(r.Min.X-1, r.Min.Y) != decodedColour || img.RGBAAt(r.Max.X, r.Min.Y) != decodedColour {
		t.Error("no brackets on a thin burst")
	}
}

package waterfall

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"slices"
)

// Kind is what became of a burst.
type Kind int

// Kinds of marks.
const (
	// Decoded: a message with a good CRC came from the burst (a green box).
	Decoded Kind = iota
	// Failed: frames came from it, but their CRC failed (a red box).
	Failed
	// Undecoded: energy, but no frame (a dashed grey box).
	Undecoded
)

// Mark is one burst to box on the picture.
type Mark struct {
	// Start and End are seconds from the start of the recording.
	Start, End float64
	// FreqLo and FreqHi are the burst's band, in the same reference as
	// Options.CenterFreq (absolute when it is known, else offsets).
	FreqLo, FreqHi float64
	Kind           Kind
	// Label is written beside the box (device id, baud, CRC state).
	Label string
}

// Layout of the picture around the plot.
const (
	scale       = 2 // font scale of every text
	marginLeft  = 96
	marginTop   = 62
	marginRight = 112
	marginBot   = 12
	barWidth    = 16
	minPlotRows = 480 // short recordings are stretched to at least this height
)

// Colours.
var (
	bgColour        = color.RGBA{16, 20, 25, 255}
	textColour      = color.RGBA{216, 222, 230, 255}
	gridColour      = color.RGBA{255, 255, 255, 40}
	decodedColour   = color.RGBA{64, 255, 140, 255}
	failedColour    = color.RGBA{255, 80, 64, 255}
	undecodedColour = color.RGBA{200, 205, 210, 255}
	labelBg         = color.RGBA{0, 0, 0, 170}
)

// Geometry says where things are on a rendered picture, so callers (and
// tests) can find a time or a frequency on it.
type Geometry struct {
	// Plot is the spectrogram's rectangle in the picture.
	Plot image.Rectangle
	// FreqLo and FreqHi are the frequencies at Plot's left and right
	// edges; Seconds is the time at its bottom edge (0 at the top).
	FreqLo, FreqHi, Seconds float64
	// Unlabelled counts the marks whose label found no free place (dense
	// traffic on a long recording): their boxes are drawn, their labels not.
	Unlabelled int
}

// X returns the picture column of frequency f.
func (g Geometry) X(f float64) int {
	return g.Plot.Min.X + int(math.Floor((f-g.FreqLo)/(g.FreqHi-g.FreqLo)*float64(g.Plot.Dx())))
}

// Y returns the picture row of time t (seconds).
func (g Geometry) Y(t float64) int {
	return g.Plot.Min.Y + int(math.Floor(t/g.Seconds*float64(g.Plot.Dy())))
}

// Render draws the spectrogram with marks boxed and labelled. The colour
// scale runs from just under the median power (the noise floor) to the
// strongest bin.
func (s *Spectrogram) Render(marks []Mark) (*image.RGBA, Geometry) {
	n := s.opt.Bins
	rows := s.rowsForDrawing()
	nr := len(rows) / n
	stretch := 1
	if nr > 0 && nr < minPlotRows {
		stretch = (minPlotRows + nr - 1) / nr
	}
	plotH := max(nr*stretch, 1)
	w := marginLeft + n + marginRight
	h := marginTop + plotH + marginBot
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fillRect(img, img.Bounds(), bgColour)
	lo, hi := s.FreqRange()
	secs := float64(nr) * s.RowSeconds()
	if secs <= 0 {
		secs = s.RowSeconds()
	}
	geo := Geometry{Plot: image.Rect(marginLeft, marginTop, marginLeft+n, marginTop+plotH), FreqLo: lo, FreqHi: hi, Seconds: secs}

	floor, top := levels(rows)
	for r := range nr {
		for i := range n {
			c := colourmap((float64(rows[r*n+i]) - floor) / (top - floor))
			for k := range stretch {
				img.SetRGBA(marginLeft+i, marginTop+r*stretch+k, c)
			}
		}
	}
	s.drawAxes(img, geo)
	drawColourBar(img, geo, floor, top)
	geo.Unlabelled = drawMarks(img, geo, marks)
	return img, geo
}

// rowsForDrawing returns the stored rows plus the partial last row, in dB.
func (s *Spectrogram) rowsForDrawing() []float32 {
	n := s.opt.Bins
	out := make([]float32, 0, (s.nrows+1)*n)
	out = append(out, s.rows[:s.nrows*n]...)
	if s.curN > 0 {
		out = append(out, s.cur...)
	}
	for i, p := range out {
		out[i] = float32(10*math.Log10(float64(p)+1e-20) + s.norm)
	}
	return out
}

// levels picks the colour scale: from 3 dB under the median (the noise
// floor) to the strongest value, at least 20 dB wide.
func levels(v []float32) (floor, top float64) {
	if len(v) == 0 {
		return -100, 0
	}
	// A sample of the values is enough for the median.
	step := max(1, len(v)/200000)
	sample := make([]float32, 0, len(v)/step+1)
	for i := 0; i < len(v); i += step {
		sample = append(sample, v[i])
	}
	slices.Sort(sample)
	floor = float64(sample[len(sample)/2]) - 3
	top = float64(sample[len(sample)-1])
	top = max(top, floor+20)
	return floor, top
}

// colourmap maps 0..1 to a dark-to-bright scale (black, purple, red,
// orange, pale yellow), perceptually close to "inferno".
func colourmap(x float64) color.RGBA {
	stops := [...][3]float64{
		{0, 0, 4}, {40, 11, 84}, {101, 21, 110}, {159, 42, 99},
		{212, 72, 66}, {245, 125, 21}, {250, 193, 39}, {252, 255, 164},
	}
	if !(x > 0) {
		x = 0
	}
	x = min(x, 1) * float64(len(stops)-1)
	i := min(int(x), len(stops)-2)
	f := x - float64(i)
	a, b := stops[i], stops[i+1]
	return color.RGBA{
		uint8(a[0] + f*(b[0]-a[0])), uint8(a[1] + f*(b[1]-a[1])), uint8(a[2] + f*(b[2]-a[2])), 255}
}

func (s *Spectrogram) drawAxes(img *image.RGBA, g Geometry) {
	th := textHeight(scale)
	drawText(img, 8, 8, s.opt.Title, textColour, scale)
	// Frequency axis along the top, in MHz (kHz offsets when the centre
	// frequency is unknown).
	span := g.FreqHi - g.FreqLo
	step := niceStep(span / 8)
	unit, div, digits := "MHz", 1e6, decimals(step/1e6)
	if s.opt.CenterFreq == 0 {
		unit, div, digits = "kHz", 1e3, decimals(step/1e3)
	}
	for f := math.Ceil(g.FreqLo/step) * step; f <= g.FreqHi; f += step {
		x := g.X(f)
		if x >= g.Plot.Max.X {
			continue
		}
		vline(img, x, g.Plot.Min.Y, g.Plot.Max.Y, gridColour)
		vline(img, x, g.Plot.Min.Y-6, g.Plot.Min.Y, textColour)
		label := fmt.Sprintf("%.*f", digits, f/div)
		lx := min(max(x-textWidth(label, scale)/2, 0), img.Bounds().Dx()-textWidth(label, scale))
		drawText(img, lx, g.Plot.Min.Y-8-th, label, textColour, scale)
	}
	drawText(img, 8, g.Plot.Min.Y-8-th, unit, textColour, scale)
	// Time axis down the left, in seconds.
	tstep := niceStep(g.Seconds / 10)
	td := decimals(tstep)
	for t := 0.0; t <= g.Seconds+1e-9; t += tstep {
		y := g.Y(t)
		if y >= g.Plot.Max.Y {
			y = g.Plot.Max.Y - 1
		}
		hline(img, g.Plot.Min.X, g.Plot.Max.X, y, gridColour)
		hline(img, g.Plot.Min.X-6, g.Plot.Min.X, y, textColour)
		label := fmt.Sprintf("%.*f s", td, t)
		drawText(img, g.Plot.Min.X-8-textWidth(label, scale), min(y-th/2, g.Plot.Max.Y-th), label, textColour, scale)
	}
}

// drawColourBar draws the colour scale right of the plot with its dB range.
func drawColourBar(img *image.RGBA, g Geometry, floor, top float64) {
	x0 := g.Plot.Max.X + 10
	h := g.Plot.Dy()
	for y := range h {
		c := colourmap(1 - float64(y)/float64(max(h-1, 1)))
		hline(img, x0, x0+barWidth, g.Plot.Min.Y+y, c)
	}
	th := textHeight(scale)
	drawText(img, x0+barWidth+4, g.Plot.Min.Y, fmt.Sprintf("%.0f", top), textColour, scale)
	drawText(img, x0+barWidth+4, g.Plot.Max.Y-th, fmt.Sprintf("%.0f", floor), textColour, scale)
	drawText(img, x0, g.Plot.Min.Y-8-th, "dBFS", textColour, scale)
}

// drawMarks boxes every burst and writes its label beside the box: right
// of it, else left, moved down as needed to cover neither another box
// nor another label; a label with no such place is left out (counted).
func drawMarks(img *image.RGBA, g Geometry, marks []Mark) (unlabelled int) {
	rects := make([]image.Rectangle, len(marks))
	for i, m := range marks {
		rects[i] = markRect(g, m)
	}
	placed := slices.Clone(rects)
	th := textHeight(scale)
	// On a sparse picture a label may cover another box rather than be
	// left out; on a dense one that would bury the bursts under text.
	passes := [][]int{labelShifts, labelShifts[:4]}
	if len(marks)*20 > g.Plot.Dy() {
		passes = passes[:1]
	}
	for i, m := range marks {
		r := rects[i]
		if r.Empty() {
			continue
		}
		c := decodedColour
		switch m.Kind {
		case Failed:
			c = failedColour
		case Undecoded:
			c = undecodedColour
		}
		if r.Dy() < 8 {
			// Too thin to box without hiding the burst: brackets at its ends.
			bracket(img, r, c)
		} else {
			box(img, r, c, m.Kind == Undecoded)
		}
		if m.Label == "" {
			continue
		}
		lw := textWidth(m.Label, scale)
		// free reports whether lr is in the plot and covers no label and,
		// unless overBoxes, no box.
		free := func(lr image.Rectangle, overBoxes bool) bool {
			if !lr.In(g.Plot) {
				return false
			}
			for j, p := range placed {
				if j != i && (j >= len(rects) || !overBoxes) && p.Overlaps(lr) {
					return false
				}
			}
			return true
		}
		right := image.Rect(r.Max.X+3, r.Min.Y, r.Max.X+3+lw+4, r.Min.Y+th+4)
		left := image.Rect(r.Min.X-3-lw-4, r.Min.Y, r.Min.X-3, r.Min.Y+th+4)
		// Beside the box on free ground, else over other boxes (never over
		// a label) close to it.
		var lr image.Rectangle
	search:
		for pass, shifts := range passes {
			for _, k := range shifts {
				for _, cand := range []image.Rectangle{right, left} {
					if cand = cand.Add(image.Pt(0, k*(th+4))); free(cand, pass == 1) {
						lr = cand
						break search
					}
				}
			}
		}
		if lr.Empty() {
			unlabelled++
			continue
		}
		if lr.Min.Y != r.Min.Y {
			// Moved away: a leader line from the box to its label.
			x0, x1 := r.Max.X-1, lr.Min.X
			if lr.Max.X <= r.Min.X {
				x0, x1 = r.Min.X, lr.Max.X-1
			}
			line(img, x0, r.Min.Y, x1, lr.Min.Y+lr.Dy()/2, c)
		}
		placed = append(placed, lr)
		fillRect(img, lr, labelBg)
		drawText(img, lr.Min.X+2, lr.Min.Y+2, m.Label, c, scale)
	}
	return unlabelled
}

// labelShifts are the rows of label heights tried, in order, below (and
// then above) a box's top edge.
var labelShifts = []int{0, 1, 2, 3, -1, 4, 5, -2, 6, 7, -3, 8, 9, 10}

// bracket marks a thin burst with short vertical bars at both ends.
func bracket(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	for y := r.Min.Y - 2; y < r.Max.Y+2; y++ {
		for k := range 2 {
			blend(img, r.Min.X-2+k, y, c)
			blend(img, r.Max.X+k, y, c)
		}
	}
}

// markRect is a mark's box on the picture, clipped to the plot.
func markRect(g Geometry, m Mark) image.Rectangle {
	if math.IsNaN(m.Start + m.End + m.FreqLo + m.FreqHi) {
		return image.Rectangle{}
	}
	r := image.Rect(g.X(m.FreqLo), g.Y(m.Start), g.X(m.FreqHi)+1, g.Y(m.End)+1)
	if r.Dx() < 3 {
		r.Min.X, r.Max.X = r.Min.X-1, r.Min.X+2
	}
	if r.Dy() < 3 {
		r.Min.Y, r.Max.Y = r.Min.Y-1, r.Min.Y+2
	}
	return r.Intersect(g.Plot)
}

// WritePNG encodes a rendered picture as an 8-bit paletted PNG (a third
// of the size of true colour: the spectrum's noise does not compress).
func WritePNG(w io.Writer, img *image.RGBA) error {
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	return enc.Encode(w, paletted(img))
}

// paletted maps img onto 256 colours: 200 steps of the colour scale and
// the most frequent of the others (text, boxes, grid lines), each pixel
// to the nearest.
func paletted(img *image.RGBA) *image.Paletted {
	const steps = 200
	pal := make(color.Palette, 0, 256)
	in := map[color.RGBA]bool{}
	for i := range steps {
		c := colourmap(float64(i) / (steps - 1))
		if !in[c] {
			in[c] = true
			pal = append(pal, c)
		}
	}
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if c := img.RGBAAt(x, y); !in[c] {
				counts[c]++
			}
		}
	}
	others := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		others = append(others, c)
	}
	slices.SortFunc(others, func(a, b color.RGBA) int {
		if d := counts[b] - counts[a]; d != 0 {
			return d
		}
		return int(a.R)<<16 + int(a.G)<<8 + int(a.B) - (int(b.R)<<16 + int(b.G)<<8 + int(b.B))
	})
	for _, c := range others {
		if len(pal) == cap(pal) {
			break
		}
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	index := map[color.RGBA]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.RGBAAt(x, y)
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	return out
}

func niceStep(raw float64) float64 {
	if !(raw > 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// decimals is how many decimals show a multiple of step exactly.
func decimals(step float64) int {
	d := 0
	for d < 6 && math.Abs(step*math.Pow(10, float64(d))-math.Round(step*math.Pow(10, float64(d)))) > 1e-9 {
		d++
	}
	return d
}

func fillRect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			blend(img, x, y, c)
		}
	}
}

// line draws a 1-pixel line from (x0, y0) to (x1, y1).
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	n := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= n; i++ {
		blend(img, x0+(x1-x0)*i/n, y0+(y1-y0)*i/n, c)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func hline(img *image.RGBA, x0, x1, y int, c color.RGBA) {
	for x := x0; x < x1; x++ {
		blend(img, x, y, c)
	}
}

func vline(img *image.RGBA, x, y0, y1 int, c color.RGBA) {
	for y := y0; y < y1; y++ {
		blend(img, x, y, c)
	}
}

// box draws r's outline, 2 pixels wide, dashed if asked.
func box(img *image.RGBA, r image.Rectangle, c color.RGBA, dashed bool) {
	on := func(i int) bool { return !dashed || (i/4)%2 == 0 }
	for i, x := 0, r.Min.X; x < r.Max.X; i, x = i+1, x+1 {
		if on(i) {
			for k := range 2 {
				blend(img, x, r.Min.Y+k, c)
				blend(img, x, r.Max.Y-1-k, c)
			}
		}
	}
	for i, y := 0, r.Min.Y; y < r.Max.Y; i, y = i+1, y+1 {
		if on(i) {
			for k := range 2 {
				blend(img, r.Min.X+k, y, c)
				blend(img, r.Max.X-1-k, y, c)
			}
		}
	}
}

// blend paints c over the pixel at (x, y) by c's alpha.
func blend(img *image.RGBA, x, y int, c color.RGBA) {
	if !image.Pt(x, y).In(img.Bounds()) {
		return
	}
	if c.A == 255 {
		img.SetRGBA(x, y, c)
		return
	}
	o := img.RGBAAt(x, y)
	a := uint32(c.A)
	mix := func(s, d uint8) uint8 { return uint8((uint32(s)*a + uint32(d)*(255-a)) / 255) }
	img.SetRGBA(x, y, color.RGBA{mix(c.R, o.R), mix(c.G, o.G), mix(c.B, o.B), 255})
}

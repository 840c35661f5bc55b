package demod

import (
	"math"
	"slices"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// softStats is what a receiver's soft symbols say about the bits they
// carry, over the frames of a recording.
type softStats struct {
	frames, damaged, within int // frames; with errors; whose errors all lie among the `least` least reliable bits
	bits, errs              int
	weakErr, weakOK         float64 // mean |soft| (relative to the frame's median) of wrong and right bits
}

// measureSoft runs each burst of a recording through the receiver, aligns
// the first soft stream it gives each burst (the tone correlators') with
// the bits sent, and ranks each frame's wrong bits by |soft|.
func measureSoft(t *testing.T, o synth.Options, least int) softStats {
	t.Helper()
	p, err := o.Plan()
	if err != nil {
		t.Fatal(err)
	}
	rx, err := New(Config{SampleRate: p.SampleRate, CenterFreq: p.CenterFreq, Decoders: testDecoders(gridstream.Config{NoLearn: true})}, func(*frames.Message) {})
	if err != nil {
		t.Fatal(err)
	}
	var streams [][]float32
	rx.fsk.tap = func(s []float32, disc bool) {
		if !disc {
			streams = append(streams, slices.Clone(s))
		}
	}
	g := synth.New(p.Config, p.Source)
	buf := make([]complex64, 40000)
	var st softStats
	var sumErr, sumOK float64
	for {
		n, err := g.Read(buf)
		rx.Process(buf[:n])
		if err != nil {
			break
		}
	}
	rx.Flush()
	truth := g.Truth()
	for _, s := range streams {
		// The burst whose bits best match the stream, at the best offset.
		best, bestOff, bestScore, bestInv := -1, 0, 0.0, false
		var sent []byte
		for ti, tr := range truth {
			bits := gridstream.AppendTransmission(nil, tr.Frame, tr.Version, 16, 4)
			bits = bits[len(bits)-10*(len(tr.Frame)+1)-21:]
			for off := 0; off+len(bits) <= len(s); off++ {
				// Most offsets disagree in the first 40 bits already.
				head := 0
				for i, b := range bits[:40] {
					if (s[off+i] > 0) == (b == 1) {
						head++
					}
				}
				if head > 6 && head < 34 {
					continue
				}
				var agree float64
				for i, b := range bits {
					if (s[off+i] > 0) == (b == 1) {
						agree++
					}
				}
				sc := agree / float64(len(bits))
				inv := sc < 0.5
				if inv {
					sc = 1 - sc
				}
				if sc > bestScore {
					best, bestOff, bestScore, bestInv, sent = ti, off, sc, inv, bits
				}
			}
		}
		if best < 0 || bestScore < 0.8 {
			continue
		}
		seg := s[bestOff : bestOff+len(sent)]
		mags := make([]float64, len(seg))
		var wrong []int
		for i, v := range seg {
			mags[i] = math.Abs(float64(v))
			if ((v > 0) != (sent[i] == 1)) != bestInv {
				wrong = append(wrong, i)
			}
		}
		sorted := slices.Clone(mags)
		slices.Sort(sorted)
		med := sorted[len(sorted)/2]
		st.frames++
		st.bits += len(seg)
		st.errs += len(wrong)
		for i := range seg {
			if slices.Contains(wrong, i) {
				sumErr += mags[i] / med
			} else {
				sumOK += mags[i] / med
			}
		}
		if len(wrong) > 0 {
			st.damaged++
			limit := sorted[min(least, len(sorted))-1]
			in := true
			for _, i := range wrong {
				in = in && mags[i] <= limit
			}
			if in {
				st.within++
			}
		}
	}
	if st.errs > 0 {
		st.weakErr = sumErr / float64(st.errs)
	}
	if st.bits > st.errs {
		st.weakOK = sumOK / float64(st.bits-st.errs)
	}
	return st
}

// TestSoftReliability: the soft symbols the receiver hands the pipeline
// are reliabilities: the sign is the bit, the magnitude how sure it is. On
// 38.4 kBd bursts at 2 dB (250 kS/s), where a frame often has a wrong bit
// or two, the wrong bits are among the least reliable: in most damaged
// frames all of them are among the 8 weakest of the frame's ~400 (what a
// bounded Chase search of CRC-aided correction flips), and on average they
// are a tenth as strong as the right ones.
func TestSoftReliability(t *testing.T) {
	o := synth.TableOptions(250e3, 2, 40, 7)
	o.Bauds = []float64{38400}
	st := measureSoft(t, o, 8)
	t.Logf("%d frames, %d with wrong bits (%d of %d bits); in %d of them all among the 8 least reliable; |soft| of wrong bits %.2f, of right ones %.2f (of the frame's median)",
		st.frames, st.damaged, st.errs, st.bits, st.within, st.weakErr, st.weakOK)
	if st.frames < 35 || st.damaged < 10 || float64(st.within) < 0.75*float64(st.damaged) || st.weakErr > 0.25*st.weakOK {
		t.Errorf("soft symbols are poor reliabilities: %+v", st)
	}
}

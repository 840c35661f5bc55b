package synth

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/iq"
)

// TruthLine is one line of a ground-truth file (`gridstream synth --truth`,
// the .truth.jsonl files beside the built-in recordings): what one burst
// sent, where, and how.
type TruthLine struct {
	// Protocol is gridstream.Name, nge101.Name or OOKInterferer (another
	// device's transmission, which no decoder reports).
	Protocol string `json:"protocol"`
	// Raw is what a decoder prints in Message.Raw: the GridStream frame from
	// 0x2A through the CRC, or the NGE101 packet bits packed MSB first.
	Raw string `json:"raw"`
	// Start and End are the burst's first and past-the-end sample indices.
	Start int64 `json:"start"`
	End   int64 `json:"end"`
	// FrameStart is the sample index of the frame's 0x2A start bit
	// (GridStream) or of the packet's first edge (NGE101).
	FrameStart int64 `json:"frame_start"`
	// TimeS is FrameStart in seconds, rounded to the microsecond.
	TimeS float64 `json:"time_s"`
	// OffsetHz is the carrier's offset from the centre frequency.
	OffsetHz float64 `json:"offset_hz"`
	// FreqHz is the absolute carrier frequency, when the centre is known.
	FreqHz float64 `json:"freq_hz,omitempty"`
	// Baud and Deviation (Hz) of a GridStream burst.
	Baud      int     `json:"baud,omitempty"`
	Deviation float64 `json:"deviation,omitempty"`
	// SNRdB is the burst's SNR, rounded to 0.01 dB.
	SNRdB float64 `json:"snr_db"`
	// Invert and Version of a GridStream burst as sent.
	Invert  bool `json:"invert,omitempty"`
	Version int  `json:"version,omitempty"`
	// Bits is the length of an NGE101 packet in bits.
	Bits int `json:"bits,omitempty"`
	// Interferer marks a burst sent to disturb the others (a collision,
	// a near-far neighbour): a receiver need not decode it.
	Interferer bool `json:"interferer,omitempty"`
}

// TruthLines turns the generator's truth for a recording at rate samples/s
// and centre frequency center (0: unknown) into truth-file lines.
func TruthLines(ts []Truth, rate, center float64) []TruthLine {
	out := make([]TruthLine, 0, len(ts))
	for _, t := range ts {
		l := TruthLine{
			Protocol: t.Protocol, Start: t.Start, End: t.End, FrameStart: t.FrameStart,
			TimeS: math.Round(float64(t.FrameStart)/rate*1e6) / 1e6, OffsetHz: t.FreqHz,
			Baud: t.Baud, Deviation: t.Deviation, SNRdB: math.Round(t.SNRdB*100) / 100,
			Invert: t.Invert, Version: t.Version, Interferer: t.Interferer,
		}
		if center > 0 {
			l.FreqHz = center + t.FreqHz
		}
		if t.Frame == nil { // an OOK packet's bits, or nothing
			l.Bits = len(t.Bits)
			l.Raw = strings.ToUpper(hex.EncodeToString(bitio.Pack(t.Bits)))
		} else {
			l.Raw = strings.ToUpper(hex.EncodeToString(t.Frame))
		}
		out = append(out, l)
	}
	return out
}

// Annotation is the SigMF annotation of the burst: its samples, about its
// occupied band, the protocol as label and the raw frame as comment.
func (l TruthLine) Annotation() iq.Annotation {
	half := l.Deviation + float64(l.Baud)/2
	if l.Baud == 0 { // on-off keyed
		half = 5e3
	}
	return iq.Annotation{
		SampleStart: l.Start, SampleCount: l.End - l.Start,
		FreqLower: l.FreqHz - half, FreqUpper: l.FreqHz + half,
		Label: l.Protocol, Comment: l.Raw,
	}
}

// WriteTruth writes lines as a truth file, one JSON object per line.
func WriteTruth(w io.Writer, lines []TruthLine) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i := range lines {
		if err := enc.Encode(&lines[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// maxTruthLine bounds one line of a truth file: a GridStream frame of 255
// bytes and every field take well under 1 KiB.
const maxTruthLine = 64 << 10

// ReadTruth reads a truth file; blank lines are skipped, any other line
// that is not a truth line is an error naming it.
func ReadTruth(r io.Reader) ([]TruthLine, error) {
	var out []TruthLine
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, maxTruthLine)
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var l TruthLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return out, fmt.Errorf("truth line %d: %v", n, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("truth: %v", err)
	}
	return out, nil
}

// Decoded counts the bursts of truth whose frame a receiver reported:
// those whose Raw is in raws (the messages' Raw).
func Decoded(truth []TruthLine, raws map[string]bool) int {
	n := 0
	for _, t := range truth {
		if raws[t.Raw] {
			n++
		}
	}
	return n
}

package demod

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/samples"
)

// Every burst of the demo recording is reported once by OnBurst, where the
// ground truth says it is, with the frame it carried; every emitted message
// is in a reported burst.
func TestOnBurstDemo(t *testing.T) {
	rec := samples.Demo()[0]
	type truth struct {
		Raw        string
		Start, End int64
		FreqHz     float64 `json:"freq_hz"`
	}
	var want []truth
	sc := bufio.NewScanner(bytes.NewReader(rec.Truth))
	for sc.Scan() {
		var tr truth
		if err := json.Unmarshal(sc.Bytes(), &tr); err != nil {
			t.Fatal(err)
		}
		want = append(want, tr)
	}
	var bursts []Burst
	var emitted []*frames.Message
	cfg := Config{SampleRate: 800e3, CenterFreq: 915e6, Decoders: testDecoders(gridstream.Config{NoLearn: true}), OnBurst: func(b Burst) {
		b.Messages = append([]*frames.Message(nil), b.Messages...)
		bursts = append(bursts, b)
	}}
	rx, err := New(cfg, func(m *frames.Message) { emitted = append(emitted, m) })
	if err != nil {
		t.Fatal(err)
	}
	r := iq.NewReader(bytes.NewReader(rec.Data), iq.CU8)
	buf := make([]complex64, 10000)
	for {
		n, err := r.Read(buf)
		rx.Process(buf[:n])
		if err == io.EOF {
			break
		}
	}
	rx.Flush()
	inBurst := map[*frames.Message]bool{}
	for _, tr := range want {
		found := 0
		for _, b := range bursts {
			for _, m := range b.Messages {
				if m.Raw != tr.Raw || !m.CRCOK {
					continue
				}
				found++
				inBurst[m] = true
				if b.Start > tr.Start+4000 || b.End < tr.End-4000 || b.FreqLo > tr.FreqHz || b.FreqHi < tr.FreqHz ||
					b.FreqHi-b.FreqLo > 150e3 || !b.Decoded() || b.SNRdB < 5 {
					t.Errorf("burst of %s at %d-%d %.0f Hz reported as %+v", tr.Raw[:12], tr.Start, tr.End, tr.FreqHz, b)
				}
			}
		}
		if found != 1 {
			t.Errorf("frame %s in %d reported bursts", tr.Raw[:12], found)
		}
	}
	for _, m := range emitted {
		if !inBurst[m] {
			t.Errorf("message %s emitted outside a reported burst", m.Raw)
		}
	}
	if st := rx.Stats(); st.Bursts != int64(len(bursts)) || st.Candidates < st.Bursts {
		t.Errorf("stats count %d bursts of %d candidates, OnBurst reported %d", st.Bursts, st.Candidates, len(bursts))
	}
	if len(bursts) < len(want) || len(bursts) > len(want)+3 {
		t.Errorf("%d bursts reported for %d sent", len(bursts), len(want))
	}
}

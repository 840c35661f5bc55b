package gnuradio

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// Inputs run together until the context ends, are named and counted in
// order, and log their statistics on every tick.
func TestInputs(t *testing.T) {
	a, _ := collect(t, spec(Bits, false), true)
	sb := spec(Soft, false)
	sb.Name = "ch1"
	b, _ := collect(t, sb, true)
	ins := Inputs{a, b}
	if got := ins.Names(); !slices.Equal(got, []string{"ch0", "ch1"}) {
		t.Errorf("Names() = %v", got)
	}
	if got := ins.Counts(); !slices.Equal(got, []int64{0, 0}) || ins.Items() != 0 || ins.Lost() != 0 {
		t.Errorf("nothing received: Counts() = %v, Items() = %d, Lost() = %d", got, ins.Items(), ins.Lost())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ticks := 0
	start := time.Now()
	ins.RunLogged(ctx, log, 20*time.Millisecond, func() { ticks++ }) // the sinks are absent: both redial until ctx ends
	if el := time.Since(start); el < 200*time.Millisecond || el > 5*time.Second {
		t.Errorf("Run returned after %v; want when the context ended (250ms)", el)
	}
	if ticks < 2 {
		t.Fatalf("%d ticks in 250 ms at 20 ms", ticks)
	}
	for _, name := range ins.Names() {
		if n := strings.Count(logs.String(), "input="+name+" "); n != ticks {
			t.Errorf("%s logged %d times for %d ticks:\n%s", name, n, ticks, logs.String())
		}
	}
}

// NewInputs gives each input the decoders its items carry, and names the
// input whose items carry none of those chosen.
func TestNewInputs(t *testing.T) {
	gs := decoders(t)
	specs := []Spec{spec(Bits, false), spec(Soft, false)}
	specs[1].Name = "ch1"
	ins, err := NewInputs(specs, gs, false, func(*frames.Message) {})
	if err != nil || len(ins) != 2 || !slices.Equal(ins.Names(), []string{"ch0", "ch1"}) {
		t.Fatalf("%v, %v", ins.Names(), err)
	}
	fm := spec(FM, false)
	fm.Name, fm.Rate = "wide", 150e3
	if _, err := NewInputs([]Spec{fm}, []protocol.Decoder{ngeDecoder(false)}, true, nil); err == nil ||
		!strings.Contains(err.Error(), "--in wide: FM samples carry FSK protocols only; --protocol names none") {
		t.Errorf("fm input with NGE101 alone: %v", err)
	}
}

// decoders are a GridStream decoder that learns nothing.
func decoders(t *testing.T) []protocol.Decoder {
	t.Helper()
	dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
	if err != nil {
		t.Fatal(err)
	}
	return []protocol.Decoder{dec}
}

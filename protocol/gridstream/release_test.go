package gridstream_test

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// A receiver of messages may call the decoder: they are emitted after its
// lock is released, also when a frame releases the frames that waited for
// its network to be learned.
func TestEmitOutsideTheLock(t *testing.T) {
	dec, _ := gridstream.NewDecoder(gridstream.Config{EmitFailed: true})
	var got []*frames.Message
	out := protocol.Output{Emit: func(m *frames.Message) {
		dec.Stats()
		dec.Learned()
		got = append(got, m)
	}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, f := range [][]byte{unknownFrame(0x5FD6, 1), unknownFrame(0x1234, 1), unknownFrame(0x1234, 2), {0x2A, 0x13, 0x00, 0x05}} {
			dec.Frame(gridstream.RawFrame{Bytes: f, Version: 4, Complete: true}, out)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a receiver calling the decoder deadlocked")
	}
	// Oncor; 1234's first frame failed; 1234 learned: its first frame again, CRC-good, and the second; the unknown type.
	if len(got) != 5 || !got[0].CRCOK || got[1].CRCOK || !got[2].CRCOK || !got[3].CRCOK || got[4].CRCOK {
		t.Fatalf("%d messages: %+v", len(got), got)
	}
}

// With EmitFailed, a frame of a network not learned yet is shown at once as
// failed, and again as CRC-good when the network is learned. The message
// shown as failed is never changed afterwards (a sink may still hold it),
// and the CRC-good one keeps its own input, bit offset and annotation.
func TestFailedFrameReleasedAsGood(t *testing.T) {
	dec, _ := gridstream.NewDecoder(gridstream.Config{EmitFailed: true})
	var got []*frames.Message
	emit := func(m *frames.Message) { got = append(got, m) }
	mark := func(input string) func(*frames.Message) {
		return func(m *frames.Message) { m.Input = input; m.Radio = &frames.Radio{Baud: 9600} }
	}
	dec.Frame(gridstream.RawFrame{Bytes: unknownFrame(0x1234, 1), Version: 4, BitOffset: 1000, Complete: true},
		protocol.Output{Annotate: mark("first"), Emit: emit})
	if len(got) != 1 || got[0].CRCOK || gs(got[0]).CRCInit != nil || got[0].Input != "first" {
		t.Fatalf("first frame: %+v", got)
	}
	failed := *got[0]
	failedFields := *gs(got[0])
	dec.Frame(gridstream.RawFrame{Bytes: unknownFrame(0x1234, 2), Version: 5, BitOffset: 99999, Complete: true},
		protocol.Output{Annotate: mark("second"), Emit: emit})
	if len(got) != 3 {
		t.Fatalf("%d messages, want the failed one, then both CRC-good", len(got))
	}
	again, second := got[1], got[2]
	if !again.CRCOK || again.Raw != failed.Raw || again.Input != "first" || again.BitOffset != 1000 ||
		gs(again).Version != 4 || *gs(again).CRCInit != "1234" || !gs(again).Learned || again.Radio == failed.Radio {
		t.Errorf("released: %+v %+v", again, gs(again))
	}
	if !second.CRCOK || second.Input != "second" || second.BitOffset != 99999 {
		t.Errorf("confirming frame: %+v", second)
	}
	if !reflect.DeepEqual(*got[0], failed) || !reflect.DeepEqual(*gs(got[0]), failedFields) {
		t.Errorf("the message shown as failed changed: %+v %+v", got[0], gs(got[0]))
	}
}

// Inputs decoding at once share learning without races (go test -race).
func TestConcurrentInputs(t *testing.T) {
	dec, _ := gridstream.NewDecoder(gridstream.Config{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	good := 0
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := dec.NewStream(protocol.Output{Emit: func(m *frames.Message) {
				mu.Lock()
				good++
				mu.Unlock()
			}})
			for c := range 20 {
				s.Bits(gridstream.AppendTransmission(make([]byte, 50), unknownFrame(0x4321, byte(w*20+c)), 4, 20, 0))
			}
			s.Flush()
		}()
	}
	wg.Wait()
	if good != 80 || dec.Counts().Learned != 1 {
		t.Fatalf("%d good of 80, %d learned", good, dec.Counts().Learned)
	}
}

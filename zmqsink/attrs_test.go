package zmqsink

import (
	"reflect"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/sink"
)

// OutputsAttrs names each ZMQ output's counters by its kind and skips the
// other outputs.
func TestOutputsAttrs(t *testing.T) {
	m, err := NewMsgpackSink(Config{Endpoint: "tcp://127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPMTSink(Config{Endpoint: "tcp://127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	f := &sink.Fanout{}
	f.Add("stdout", sink.NewJSON(nopWriter{}))
	f.Add("zmq pmt", p)
	f.Add("zmq msgpack", m)
	f.Send(&frames.Message{Protocol: "x", CRCOK: true})
	defer f.Close()
	want := []any{"out_pmt_subscribers", 0, "out_pmt_connects", int64(0), "out_pmt_sent", int64(0), "out_pmt_dropped", int64(0),
		"out_subscribers", 0, "out_connects", int64(0), "out_sent", int64(0), "out_dropped", int64(0)}
	if got := OutputsAttrs(f.Outputs()); !reflect.DeepEqual(got, want) {
		t.Errorf("%v\nwant %v", got, want)
	}
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

package zmqsink

import "github.com/gridstream-sdr/gridstream/sink"

// OutputsAttrs returns log attributes of the ZMQ sinks among outs:
// out_subscribers, out_connects, out_sent, out_dropped (and out_rejected
// when peers were refused) for each msgpack sink, the same with out_pmt_
// for each PMT sink.
func OutputsAttrs(outs []sink.Output) []any {
	var attrs []any
	for _, o := range outs {
		var prefix string
		var st Stats
		switch s := o.Sink.(type) {
		case *MsgpackSink:
			prefix, st = "out_", s.Stats()
		case *PMTSink:
			prefix, st = "out_pmt_", s.Stats()
		default:
			continue
		}
		attrs = append(attrs, prefix+"subscribers", st.Subscribers, prefix+"connects", st.Connects,
			prefix+"sent", st.Sent, prefix+"dropped", st.Dropped)
		if st.Rejected > 0 {
			attrs = append(attrs, prefix+"rejected", st.Rejected)
		}
	}
	return attrs
}

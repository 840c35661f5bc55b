package zmqsink

import (
	"encoding/hex"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pmt"
)

// Msgpack schema (one ZMQ message per decoded frame or packet, two frames):
//
//	frame 1: topic, the protocol's name ("gridstream", "nge101", …)
//	frame 2: a msgpack map, the frames.Message with the same keys as the
//	         JSON lines: protocol, time, crc_ok, raw, bit_offset, sync_errors,
//	         input, the protocol's fields inline (its Fields type, such as
//	         gridstream.Fields), the Radio fields (freq_hz, baud, rssi_db,
//	         snr_db) and meta (GNU Radio stream tags and input metadata).
//
// Subscribe to a protocol's name to filter, or to "" for everything.

// EncodeMsgpack returns the msgpack body of m.
func EncodeMsgpack(m *frames.Message) ([]byte, error) { return msgpack.Marshal(m) }

// DecodeMsgpack parses a msgpack body into a Message; the protocol's
// fields come back as a frames.Map.
func DecodeMsgpack(p []byte) (*frames.Message, error) {
	var m frames.Message
	if err := msgpack.Unmarshal(p, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// MessagePDU turns m into the PMT PDU sent to GNU Radio: the metadata dict
// holds every Message field except raw (null fields are left out, keys are
// sorted, strings are symbols, numbers longs or doubles, meta a nested dict);
// the payload u8vector is the raw frame (GridStream from the 0x2A byte
// through the CRC, NGE101 the packet bytes).
func MessagePDU(m *frames.Message) (pmt.Pair, error) {
	b, err := msgpack.Marshal(m)
	if err != nil {
		return pmt.Pair{}, err
	}
	var fields map[string]any
	if err := msgpack.Unmarshal(b, &fields); err != nil {
		return pmt.Pair{}, err
	}
	delete(fields, "raw")
	payload, err := hex.DecodeString(m.Raw)
	if err != nil {
		return pmt.Pair{}, fmt.Errorf("raw %q: %v", m.Raw, err)
	}
	meta, _ := pmt.FromGo(fields).(pmt.Dict)
	return pmt.NewPDU(meta, payload), nil
}

// MsgpackSink publishes Messages as msgpack with a protocol topic frame.
type MsgpackSink struct{ *Publisher }

// NewMsgpackSink binds cfg.Endpoint.
func NewMsgpackSink(cfg Config) (*MsgpackSink, error) {
	p, err := Listen(cfg)
	if err != nil {
		return nil, err
	}
	return &MsgpackSink{p}, nil
}

// Send publishes m; it never blocks.
func (s *MsgpackSink) Send(m *frames.Message) error {
	b, err := EncodeMsgpack(m)
	if err != nil {
		return err
	}
	s.Publish([]byte(m.Protocol), b)
	return nil
}

// PMTSink publishes Messages as serialized PMT PDUs, one frame per message,
// for GNU Radio's ZMQ SUB Message Source.
type PMTSink struct{ *Publisher }

// NewPMTSink binds cfg.Endpoint.
func NewPMTSink(cfg Config) (*PMTSink, error) {
	p, err := Listen(cfg)
	if err != nil {
		return nil, err
	}
	return &PMTSink{p}, nil
}

// Send publishes m as a PDU; it never blocks.
func (s *PMTSink) Send(m *frames.Message) error {
	pdu, err := MessagePDU(m)
	if err != nil {
		return err
	}
	b, err := pmt.Marshal(pdu)
	if err != nil {
		return err
	}
	s.Publish(b)
	return nil
}

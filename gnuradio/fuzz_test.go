package gnuradio

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// FuzzConsume feeds arbitrary ZMQ messages, as zmqsource hands them over
// (tag header parsed, whole items), to an input of each item format: no
// panic, and the tag window stays within its bounds. mode picks the format
// (low two bits: bits, soft, levels, FM of two channels), inversion (4), tag headers (8)
// and restarts (16); every message is one length byte then that many bytes.
func FuzzConsume(f *testing.F) {
	b, starts := stream()
	tags := []zmqsource.Tag{{Offset: 1000, Key: "snr", Value: 17.5}, {Offset: 1000 + uint64(starts[0]), Key: "rx_freq", Value: 915.3e6}}
	f.Add(byte(8), messages(encode(b, Bits, false), 1, tags))
	f.Add(byte(1|4|8), messages(encode(b, Soft, true), 4, tags))
	f.Add(byte(8|16), messages(encode(b, Bits, false), 1, tags))
	f.Add(byte(0), messages(encode(b, Bits, false), 1, nil))
	f.Add(byte(3|8), messages(fmItems(b), 8, tags))
	f.Fuzz(func(t *testing.T, mode byte, data []byte) {
		format := []string{Bits, Soft, Levels, FM}[mode&3]
		size := map[string]int{Bits: 1, Soft: 4, Levels: 1, FM: 8}[format]
		dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true, EmitFailed: true})
		if err != nil {
			t.Fatal(err)
		}
		sp := Spec{Name: "fuzz", Format: format, Rate: 50000, Invert: mode&4 != 0,
			Source: zmqsource.Config{Endpoint: "tcp://127.0.0.1:1", ItemSize: size, PassTags: mode&8 != 0}}
		if format == FM {
			sp.Rate, sp.FM = 150000, FMOptions{Channels: 2, Gain: 1, Freqs: []float64{915e6, 915.1e6}}
		}
		in, err := NewInput(sp, pipeline.Config{Decoders: []protocol.Decoder{dec, ngeDecoder(true)}, Input: "fuzz"}, func(*frames.Message) {})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; len(data) > 0; i++ {
			n := min(int(data[0]), len(data)-1)
			msg := data[1 : 1+n]
			data = data[1+n:]
			c := zmqsource.Chunk{Restart: mode&16 != 0 && i%3 == 0}
			if sp.Source.PassTags {
				h, hl, err := zmqsource.ParseHeader(msg)
				if err != nil {
					continue
				}
				msg, c.Offset, c.HasOffset, c.Tags = msg[hl:], h.Offset, true, h.Tags
			}
			c.Items = msg[:len(msg)/size*size]
			in.Consume(c)
			in.tags.check(t)
		}
		in.Flush()
	})
}

// messages cuts items into FuzzConsume's length-prefixed messages, each
// with a tag header (stream offset from 1000) holding its tags when tags is
// not nil.
func messages(items []byte, size int, tags []zmqsource.Tag) []byte {
	var out []byte
	per := 160 / size
	for pos := 0; pos*size < len(items); pos += per {
		end := min(pos+per, len(items)/size)
		var msg []byte
		if tags != nil {
			var in []zmqsource.Tag
			for _, t := range tags {
				if t.Offset >= uint64(1000+pos) && t.Offset < uint64(1000+end) {
					in = append(in, t)
				}
			}
			msg, _ = zmqsource.AppendHeader(nil, uint64(1000+pos), in)
		}
		msg = append(msg, items[pos*size:end*size]...)
		out = append(append(out, byte(len(msg))), msg...)
	}
	return out
}

// fmItems renders bits as rectangular 2-FSK FM samples (radians per sample
// at 150 kS/s, 38400 baud) in two channels: the bits, and their inverse.
func fmItems(bits []byte) []byte {
	var out []byte
	const sps = 150000.0 / 38400
	for i := 0; i < int(float64(len(bits))*sps); i++ {
		v := float32(0.8)
		if bits[int(float64(i)/sps)]&1 == 0 {
			v = -0.8
		}
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v+0.1))
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(-v))
	}
	return out
}

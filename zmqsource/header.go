package zmqsource

import (
	"encoding/binary"
	"fmt"

	"github.com/gridstream-sdr/gridstream/pmt"
)

// Tag header constants of GNU Radio's gr-zeromq (tag_headers.cc).
const (
	HeaderMagic   = 0x5FF0
	HeaderVersion = 1
	headerFixed   = 2 + 1 + 8 + 8
	// MaxTags bounds the tags accepted in one header.
	MaxTags = 4096
)

// Tag budgets. GNU Radio's tag values are numbers, symbols, short tuples
// (rx_time) and small dicts; a long one would cost far more decoded than
// on the wire (16 bytes per element of a vector of nils) and again in
// every message's meta, so it is replaced by a summary symbol.
const (
	// MaxTagValueBytes is the longest serialized key, value or source id
	// kept as it is.
	MaxTagValueBytes = 256
	// MaxTagValueItems is the most values (elements of vectors, tuples,
	// dicts, pairs, uniform vectors, nested) one key, value or source id
	// may hold and be kept as it is.
	MaxTagValueItems = 32
	// MaxHeaderTagBytes bounds the Size of all tags kept from one message;
	// the tags after it are dropped and counted.
	MaxHeaderTagBytes = 256 << 10
	// itemCost estimates the memory of one decoded value (an interface and
	// its boxed data).
	itemCost = 32
)

// Tag is a GNU Radio stream tag.
type Tag struct {
	// Offset is the absolute item index the tag is attached to.
	Offset uint64
	// Key is the tag's key (a PMT symbol in practice).
	Key string
	// Value is the tag's value as a PMT value.
	Value pmt.Value
	// SrcID is the tag's source id (a symbol, or #f when unset).
	SrcID pmt.Value
	// Size estimates the memory the decoded tag holds (key, value and
	// source id), in bytes; the tag budgets count it.
	Size int
}

// Header is a parsed pass_tags header.
type Header struct {
	// Offset is the absolute index of the message's first item.
	Offset uint64
	// Tags are the tags within the message's items.
	Tags []Tag
	// Summarized counts the keys, values and source ids over the tag
	// limits (MaxTagValueBytes, MaxTagValueItems) that were replaced by a
	// summary symbol such as "<vector: 300005 bytes, 300001 values, not
	// kept>".
	Summarized int
	// Dropped counts the tags left out because the message's tags were
	// over MaxHeaderTagBytes.
	Dropped int
}

// HeaderError is a malformed tag header; Kind is one of the Kind constants.
type HeaderError struct {
	Kind string
	Msg  string
}

func (e *HeaderError) Error() string { return "tag header: " + e.Msg }

// HeaderParser parses tag headers, reusing its tag slice between calls (the
// Tags of a returned Header are valid until the next Parse).
type HeaderParser struct {
	tags []Tag
}

// ParseHeader parses the tag header at the start of p (a ZMQ data frame from
// a sink with pass_tags) and returns it with the header's length in bytes.
// Header integers are little-endian (host order of the x86/ARM machines GNU
// Radio runs on); the PMTs inside are big-endian as always.
func ParseHeader(p []byte) (Header, int, error) {
	var hp HeaderParser
	return hp.Parse(p)
}

// Parse is ParseHeader reusing the parser's buffers.
func (hp *HeaderParser) Parse(p []byte) (Header, int, error) {
	if len(p) < headerFixed {
		return Header{}, 0, &HeaderError{KindTagShort, fmt.Sprintf("%d bytes, shorter than the %d-byte header", len(p), headerFixed)}
	}
	le := binary.LittleEndian
	if m := le.Uint16(p); m != HeaderMagic {
		return Header{}, 0, &HeaderError{KindTagMagic, fmt.Sprintf("magic 0x%04X, want 0x%04X (is pass_tags set on the sink?)", m, HeaderMagic)}
	}
	if p[2] != HeaderVersion {
		return Header{}, 0, &HeaderError{KindTagVersion, fmt.Sprintf("version %d, want %d", p[2], HeaderVersion)}
	}
	h := Header{Offset: le.Uint64(p[3:])}
	ntags := le.Uint64(p[11:])
	off := headerFixed
	// Each tag needs at least 8 offset bytes and three 1-byte PMTs.
	if ntags > MaxTags || ntags*11 > uint64(len(p)-off) {
		return Header{}, 0, &HeaderError{KindTagCount, fmt.Sprintf("%d tags cannot fit in %d bytes", ntags, len(p)-off)}
	}
	tags := hp.tags[:0]
	spent := 0
	for i := uint64(0); i < ntags; i++ {
		if len(p)-off < 8 {
			return Header{}, 0, &HeaderError{KindTagShort, fmt.Sprintf("tag %d: truncated", i)}
		}
		t := Tag{Offset: le.Uint64(p[off:])}
		off += 8
		var vals [3]pmt.Value
		size := 0
		for j := range vals {
			if spent > MaxHeaderTagBytes { // over the budget: only find the end
				ext, err := pmt.Scan(p[off:])
				if err != nil {
					return Header{}, 0, &HeaderError{KindTagPMT, fmt.Sprintf("tag %d: %v", i, err)}
				}
				off += ext.Len
				continue
			}
			v, n, items, fits, err := pmt.DecodeWithin(p[off:], MaxTagValueBytes, MaxTagValueItems)
			if err != nil {
				return Header{}, 0, &HeaderError{KindTagPMT, fmt.Sprintf("tag %d: %v", i, err)}
			}
			if fits {
				size += n + items*itemCost
			} else {
				s := summary(p[off:])
				v = s
				size += len(s) + itemCost
				h.Summarized++
			}
			vals[j] = v
			off += n
		}
		if spent > MaxHeaderTagBytes {
			h.Dropped++
			continue
		}
		switch k := vals[0].(type) {
		case pmt.Symbol:
			t.Key = string(k)
		default:
			t.Key = fmt.Sprint(pmt.ToGo(k))
		}
		t.Value, t.SrcID = vals[1], vals[2]
		t.Size = len(t.Key) + size
		spent += t.Size
		tags = append(tags, t)
	}
	hp.tags = tags
	h.Tags = tags
	return h, off, nil
}

// summary stands for the key, value or source id at the start of p, over
// the tag limits.
func summary(p []byte) pmt.Symbol {
	ext, _ := pmt.Scan(p)
	return pmt.Symbol(fmt.Sprintf("<%s: %d bytes, %d values, not kept>", ext.Type, ext.Len, ext.Items))
}

// AppendHeader appends a tag header for items starting at offset with tags
// to dst, as a GNU Radio sink with pass_tags writes it (for tests and
// publishers that imitate GNU Radio).
func AppendHeader(dst []byte, offset uint64, tags []Tag) ([]byte, error) {
	le := binary.LittleEndian
	dst = le.AppendUint16(dst, HeaderMagic)
	dst = append(dst, HeaderVersion)
	dst = le.AppendUint64(dst, offset)
	dst = le.AppendUint64(dst, uint64(len(tags)))
	var err error
	for _, t := range tags {
		dst = le.AppendUint64(dst, t.Offset)
		if dst, err = pmt.Append(dst, pmt.Symbol(t.Key)); err != nil {
			return dst, err
		}
		if dst, err = pmt.Append(dst, t.Value); err != nil {
			return dst, err
		}
		src := t.SrcID
		if src == nil {
			src = false
		}
		if dst, err = pmt.Append(dst, src); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

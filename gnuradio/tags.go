package gnuradio

import (
	"math"
	"strings"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pmt"
)

// tagSlack is how far past a frame's first bit a tag may sit and still
// belong to it (a correlate-access-code tag marks the bit after the code).
const tagSlack = 96

// tagWindow keeps, per tag key, the tags of the last tagHorizon items and
// always the latest one (tags are sticky, as in GNU Radio). It is bounded:
// maxTagKeys keys × tagsPerKey tags, and tagWindowBytes in all.
type tagWindow struct {
	keys map[string][]posTag
	size int // sum of the tags' sizes
}

type posTag struct {
	pos   int64 // local item position
	value any   // ToGo form
	raw   pmt.Value
	size  int // zmqsource.Tag.Size
}

const (
	maxTagKeys = 64
	tagsPerKey = 256
	// tagHorizon is longer than the longest frame (255 GridStream bytes as
	// UART characters plus sync) so a frame still finds the tags at its start.
	tagHorizon = 4096
	// tagWindowBytes bounds the estimated memory (zmqsource.Tag.Size) of
	// the tags an input keeps; past it, the oldest tags that are not the
	// latest of their key go first. The latest of every key always fit:
	// maxTagKeys tags within zmqsource's value limits are far less.
	tagWindowBytes = 256 << 10
	// metaTagBytes bounds the tags copied into one message's meta (their
	// estimated size, in key order); the rest are counted in tags_omitted.
	metaTagBytes = 4 << 10
)

// add records a tag of size bytes at pos; now is the stream position of
// the chunk. It reports false when the tag's key is new and the window
// already holds maxTagKeys keys: the tag is ignored.
func (w *tagWindow) add(key string, pos, now int64, v pmt.Value, size int) bool {
	if w.keys == nil {
		w.keys = map[string][]posTag{}
	}
	l, ok := w.keys[key]
	if !ok && len(w.keys) >= maxTagKeys {
		return false
	}
	drop := 0
	for drop < len(l)-1 && l[drop].pos < now-tagHorizon {
		drop++
	}
	if len(l)-drop >= tagsPerKey {
		drop = len(l) - tagsPerKey + 1
	}
	if drop > 0 {
		for _, t := range l[:drop] {
			w.size -= t.size
		}
		l = append(l[:0], l[drop:]...)
	}
	w.keys[key] = append(l, posTag{pos, pmt.ToGo(v), v, size})
	w.size += size
	for w.size > tagWindowBytes && w.evictOldest() {
	}
	return true
}

// evictOldest drops the oldest tag that is not the latest of its key; it
// reports whether there was one.
func (w *tagWindow) evictOldest() bool {
	var oldest string
	found := false
	for k, l := range w.keys {
		if len(l) > 1 && (!found || l[0].pos < w.keys[oldest][0].pos) {
			oldest, found = k, true
		}
	}
	if !found {
		return false
	}
	l := w.keys[oldest]
	w.size -= l[0].size
	clear(l[:1])
	w.keys[oldest] = l[1:]
	return true
}

// at returns, per key, the latest tag at or before pos.
func (w *tagWindow) at(pos int64) map[string]posTag {
	out := map[string]posTag{}
	for k, l := range w.keys {
		for i := len(l) - 1; i >= 0; i-- {
			if l[i].pos <= pos {
				out[k] = l[i]
				break
			}
		}
	}
	return out
}

func (w *tagWindow) reset() { w.keys, w.size = nil, 0 }

// radioField fills Radio fields from well-known tag keys.
func radioField(m *frames.Message, key string, v pmt.Value) {
	f, ok := number(v)
	if !ok {
		return
	}
	radio := func() *frames.Radio {
		if m.Radio == nil {
			m.Radio = &frames.Radio{}
		}
		return m.Radio
	}
	switch strings.ToLower(key) {
	case "freq", "rx_freq", "frequency", "freq_hz", "center_freq":
		radio().FreqHz = &f
	case "baud", "baud_rate", "symbol_rate", "rx_rate_baud":
		radio().Baud = int(math.Round(f))
	case "rssi", "rssi_db", "power_db", "burst_power":
		radio().RSSIdB = &f
	case "snr", "snr_db":
		radio().SNRdB = &f
	}
}

// number is a tag value as a finite float64, when it is a number.
func number(v pmt.Value) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return x, true
	}
	return 0, false
}

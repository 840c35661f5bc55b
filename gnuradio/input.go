package gnuradio

import (
	"context"
	"encoding/binary"
	"log/slog"
	"math"
	"sort"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// Input is one running input: its source, its pipeline channel, and the
// stream position and tags that annotate its messages.
type Input struct {
	spec Spec
	src  *zmqsource.Source
	ch   *pipeline.Channel

	pos     int64 // items fed to ch
	base    int64 // GNU Radio absolute offset minus pos (when known)
	hasBase bool
	tags    tagWindow
	soft    []float32
	inv     []byte
	first   bool
	fm      *fmInput // format FM

	loggedItems int64 // Stats().Items at the last LogStats
}

// NewInput returns the input spec describes, decoding into a pipeline
// channel of cfg (its LevelRate set to spec.Rate) that hands every message
// to emit. Each message gets the stream tags in force at its frame in Meta
// (and the Radio fields of the well-known keys), and, when the sink sends
// tag headers, its GNU Radio item offset as Meta["gr_offset"].
func NewInput(spec Spec, cfg pipeline.Config, emit func(*frames.Message)) (*Input, error) {
	src, err := zmqsource.New(spec.Source)
	if err != nil {
		return nil, err
	}
	cfg.LevelRate = spec.Rate
	in := &Input{spec: spec, src: src, first: true}
	in.ch = pipeline.New(cfg, emit)
	in.ch.Annotate = in.annotate
	if spec.Format == FM {
		if in.fm, err = newFMInput(in, cfg, emit); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// Name returns the input's name (Spec.Name).
func (in *Input) Name() string { return in.spec.Name }

// Stats returns the source's counters.
func (in *Input) Stats() zmqsource.Stats { return in.src.Stats() }

// LogStats logs the input's counters as one "input" line on log: whether
// it is connected, items per second over since (the time since the previous
// call), the totals, and reconnections, gaps, tags and malformed messages
// by kind when there are any. Call it from one goroutine.
func (in *Input) LogStats(log *slog.Logger, since time.Duration) {
	st := in.src.Stats()
	rate := float64(st.Items-in.loggedItems) / since.Seconds()
	in.loggedItems = st.Items
	attrs := []any{"input", in.spec.Name, "connected", st.Connected,
		"items_per_s", int64(rate), "items", st.Items, "messages", st.Messages}
	if st.Connections > 1 {
		attrs = append(attrs, "reconnects", st.Connections-1)
	}
	if st.Gaps > 0 {
		attrs = append(attrs, "gaps", st.Gaps, "lost_items", st.LostItems)
	}
	if st.Tags > 0 {
		attrs = append(attrs, "tags", st.Tags)
	}
	for k, v := range st.Malformed {
		attrs = append(attrs, "malformed_"+k, v)
	}
	log.Info("input", attrs...)
}

// Run receives and decodes until ctx ends (redialing the sink as long as it
// is away), then finishes the frames still being collected. It returns
// ctx's error.
func (in *Input) Run(ctx context.Context) error {
	err := in.src.Run(ctx, in.Consume)
	in.Flush()
	return err
}

// Consume decodes one ZMQ message's items. Run calls it for every message;
// it is exported for sources other than the input's own.
func (in *Input) Consume(ch zmqsource.Chunk) {
	if ch.Restart && !in.first {
		// New connection or lost items: a frame in progress cannot continue.
		in.Flush()
		in.tags.reset()
	}
	in.first = false
	if ch.HasOffset {
		in.base, in.hasBase = int64(ch.Offset)-in.pos, true
		for _, t := range ch.Tags {
			// Bounded: keys beyond maxTagKeys are ignored.
			in.tags.add(t.Key, int64(t.Offset)-in.base, in.pos, t.Value, t.Size)
		}
	}
	p := ch.Items
	switch in.spec.Format {
	case FM:
		in.fm.bank.Feed(p)
		in.pos += int64(len(p) / in.spec.Source.ItemSize)
	case Soft:
		n := len(p) / 4
		if cap(in.soft) < n {
			in.soft = make([]float32, n)
		}
		s := in.soft[:n]
		for i := range s {
			s[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
			if in.spec.Invert {
				s[i] = -s[i]
			}
		}
		in.ch.Soft(s)
		in.pos += int64(n)
	case Levels:
		in.ch.Levels(p)
		in.pos += int64(len(p))
	default:
		if in.spec.Invert {
			if cap(in.inv) < len(p) {
				in.inv = make([]byte, len(p))
			}
			q := in.inv[:len(p)]
			for i, b := range p {
				q[i] = b&1 ^ 1
			}
			p = q
		}
		in.ch.Bits(p)
		in.pos += int64(len(p))
	}
}

// Flush finishes the frames still being collected (Run does it when it
// returns).
func (in *Input) Flush() {
	if in.fm != nil {
		in.fm.flush()
	}
	in.ch.Flush()
}

// annotate adds the input's stream tags and their Radio fields to m.
func (in *Input) annotate(m *frames.Message) { in.annotateAt(m, m.BitOffset) }

// annotateAt adds the stream tags in force at item position pos (the
// frame's start) and their Radio fields to m, and pos's GNU Radio offset.
func (in *Input) annotateAt(m *frames.Message, pos int64) {
	at := pos + tagSlack
	if in.spec.Format == Levels {
		at = in.pos // level samples: the tags seen so far
	}
	tags := in.tags.at(at)
	if len(tags) == 0 && !in.hasBase {
		return
	}
	if m.Meta == nil {
		m.Meta = map[string]any{}
	}
	if in.hasBase && in.spec.Format != Levels {
		m.Meta["gr_offset"] = pos + in.base
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	used, omitted := 0, 0
	for _, k := range keys {
		t := tags[k]
		radioField(m, k, t.raw)
		if used+t.size > metaTagBytes {
			omitted++
			continue
		}
		used += t.size
		m.Meta[k] = t.value
	}
	if omitted > 0 {
		m.Meta["tags_omitted"] = omitted
	}
}

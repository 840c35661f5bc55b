package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/pmt"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

const catInput = "Input (GNU Radio over ZeroMQ)"

// Item formats of a ZMQ input.
const (
	itemBits   = "bits"   // unpacked u8 bits (binary slicer output)
	itemSoft   = "soft"   // float32 soft symbols, sign decides
	itemLevels = "levels" // u8 OOK level samples for NGE101
)

func decodeCommand() *cli.Command {
	return &cli.Command{
		Name:      "decode",
		Usage:     "run as an out-of-process GNU Radio block: ZMQ bits in, JSON/msgpack/PMT messages out",
		ArgsUsage: " ",
		Description: "Connects to one or more GNU Radio ZMQ PUB Sinks (or PUSH Sinks) that publish\n" +
			"demodulated bits, decodes GridStream frames and NGE101 packets, and publishes\n" +
			"every message as a JSON line on stdout, msgpack on --out, and PMT PDUs on\n" +
			"--out-pmt for a GNU Radio ZMQ SUB Message Source. Runs until SIGINT/SIGTERM;\n" +
			"redials forever when the flowgraph is not there yet or restarts.\n\n" +
			"Inputs (--in, repeatable; each keeps its own deframer state):\n" +
			"  tcp://HOST:PORT        SUB socket for a ZMQ PUB Sink (ipc://PATH also works)\n" +
			"  pull://HOST:PORT       PULL socket for a ZMQ PUSH Sink: nothing is dropped\n" +
			"  ...?format=soft&key=ch3&tags=1&name=ch3&rate=1e6&invert=1\n" +
			"                         per-input settings overriding --input-format, --key,\n" +
			"                         --pass-tags, --level-rate, --invert; name= sets the\n" +
			"                         message's input field\n\n" +
			"Item formats (--input-format): bits (u8 0/1 per byte, after a Binary Slicer),\n" +
			"  soft (float32 soft symbols, >0 is 1), levels (u8 OOK levels for NGE101 at\n" +
			"  --level-rate samples/s).\n\n" +
			"Examples:\n" +
			"  gridstream decode --in tcp://127.0.0.1:5555\n" +
			"  gridstream decode --in pull://127.0.0.1:5555 --pass-tags --out tcp://127.0.0.1:5560 --out-pmt tcp://127.0.0.1:5561\n" +
			"  gridstream decode --in 'tcp://127.0.0.1:5557?format=levels&rate=250000' --protocol nge101",
		Flags: append(append([]cli.Flag{
			&cli.StringSliceFlag{Name: "in", Aliases: []string{"i"}, Category: catInput,
				Usage: "ZMQ endpoint of a GNU Radio PUB Sink to connect to (repeatable; pull:// for a PUSH Sink; ?options per input)"},
			&cli.StringSliceFlag{Name: "in-pull", Category: catInput,
				Usage: "ZMQ endpoint of a GNU Radio PUSH Sink to connect to with PULL (repeatable)"},
			&cli.StringFlag{Name: "input-format", Aliases: []string{"f"}, Category: catInput, Value: itemBits,
				Usage: "item format of the inputs: bits, soft (float32) or levels (NGE101 OOK)"},
			&cli.StringFlag{Name: "key", Category: catInput,
				Usage: "the sinks' key (topic): subscribe to it and drop the key frame, exactly as GNU Radio's ZMQ SUB Source"},
			&cli.BoolFlag{Name: "pass-tags", Category: catInput,
				Usage: "the sinks have pass_tags=True: parse the tag header and carry tags into message meta"},
			&cli.Float64Flag{Name: "level-rate", Category: catInput,
				Usage: "sample rate of levels inputs in samples/s"},
			&cli.DurationFlag{Name: "reconnect-max", Category: catInput, Value: 2 * time.Second,
				Usage: "longest wait between two dials of an absent flowgraph (dialing never gives up; it starts at 100 ms and doubles)"},
			&cli.DurationFlag{Name: "stats-interval", Category: catOutput, Value: 10 * time.Second,
				Usage: "log input and output statistics on stderr this often (0 disables)"},
		}, decoderFlags()...), append(outputFlags(), httpFlag())...),
		Action: runDecode,
	}
}

// inputSpec is one parsed --in.
type inputSpec struct {
	cfg    zmqsource.Config
	name   string
	format string
	rate   float64
	invert bool
}

func truthy(s string) (bool, error) {
	if s == "" {
		return true, nil
	}
	return strconv.ParseBool(s)
}

// parseInput parses ENDPOINT[?options] with the command's defaults.
func parseInput(c *cli.Context, raw string, pull bool) (inputSpec, error) {
	sp := inputSpec{
		format: strings.ToLower(c.String("input-format")),
		rate:   c.Float64("level-rate"),
		invert: c.Bool("invert"),
		cfg: zmqsource.Config{
			Pull:     pull,
			Key:      c.String("key"),
			PassTags: c.Bool("pass-tags"),
		},
	}
	ep, query, _ := strings.Cut(raw, "?")
	if rest, ok := strings.CutPrefix(ep, "pull://"); ok {
		ep, sp.cfg.Pull = "tcp://"+rest, true
	}
	sp.cfg.Endpoint = ep
	sp.name = ep
	q, err := url.ParseQuery(query)
	if err != nil {
		return sp, fmt.Errorf("--in %s: %v", raw, err)
	}
	for k, vs := range q {
		v := vs[len(vs)-1]
		var err error
		switch k {
		case "format":
			sp.format = strings.ToLower(v)
		case "key":
			sp.cfg.Key = v
		case "tags", "pass_tags":
			sp.cfg.PassTags, err = truthy(v)
		case "rate", "level_rate":
			sp.rate, err = strconv.ParseFloat(v, 64)
		case "name":
			sp.name = v
		case "invert":
			sp.invert, err = truthy(v)
		case "pull":
			sp.cfg.Pull, err = truthy(v)
		default:
			return sp, fmt.Errorf("--in %s: unknown option %q (format, key, tags, rate, name, invert, pull)", raw, k)
		}
		if err != nil {
			return sp, fmt.Errorf("--in %s: %s=%s: %v", raw, k, v, err)
		}
	}
	switch sp.format {
	case itemBits, "unpacked", "u8":
		sp.format, sp.cfg.ItemSize = itemBits, 1
	case itemSoft, "float32", "f32", "float":
		sp.format, sp.cfg.ItemSize = itemSoft, 4
	case itemLevels:
		sp.cfg.ItemSize = 1
		if sp.rate == 0 {
			return sp, fmt.Errorf("--in %s: levels input needs a sample rate (--level-rate or ?rate=)", raw)
		}
		if err := checkLevelRate(sp.rate); err != nil {
			return sp, fmt.Errorf("--in %s: %v", raw, err)
		}
	default:
		return sp, fmt.Errorf("--in %s: unknown format %q (bits, soft, levels)", raw, sp.format)
	}
	if _, err := zmqsource.New(sp.cfg); err != nil {
		return sp, fmt.Errorf("--in %s: %v", raw, err)
	}
	return sp, nil
}

// input is one running input: its source, its channel and the tags seen.
type input struct {
	spec inputSpec
	src  *zmqsource.Source
	ch   *pipeline.Channel

	pos     int64 // items fed to ch
	base    int64 // GNU Radio absolute offset minus pos (when known)
	hasBase bool
	tags    tagWindow
	soft    []float32
	inv     []byte
	first   bool
}

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
// the chunk.
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

func runDecode(c *cli.Context) error {
	if c.NArg() > 0 {
		return cli.Exit("decode takes no arguments: name inputs with --in", 2)
	}
	var specs []inputSpec
	for _, raw := range c.StringSlice("in") {
		sp, err := parseInput(c, raw, false)
		if err != nil {
			return cli.Exit(err.Error(), 2)
		}
		specs = append(specs, sp)
	}
	for _, raw := range c.StringSlice("in-pull") {
		sp, err := parseInput(c, raw, true)
		if err != nil {
			return cli.Exit(err.Error(), 2)
		}
		specs = append(specs, sp)
	}
	if len(specs) == 0 {
		return cli.Exit("decode needs at least one --in (e.g. --in tcp://127.0.0.1:5555)", 2)
	}
	dec, out, err := openDecoding(c)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()

	var inputs []*input
	for _, sp := range specs {
		pc, err := pipelineConfig(c, dec, sp.name)
		if err != nil {
			out.Close()
			return cli.Exit(err.Error(), 2)
		}
		pc.LevelRate = sp.rate
		if !c.IsSet("protocol") {
			// A GridStream flowgraph's bits carry no NGE101 packets, and
			// searching noise for them finds a false one every few minutes
			// per channel; level inputs are NGE101 by nature.
			pc.GridStream, pc.NGE101 = sp.format != itemLevels, sp.format == itemLevels
		}
		sp.cfg.Logger = slog.Default()
		sp.cfg.RetryMax = c.Duration("reconnect-max")
		sp.cfg.RetryMin = min(100*time.Millisecond, sp.cfg.RetryMax)
		src, err := zmqsource.New(sp.cfg)
		if err != nil {
			out.Close()
			return cli.Exit(err.Error(), 2)
		}
		in := &input{spec: sp, src: src, first: true}
		in.ch = pipeline.New(pc, out.Send)
		in.ch.Annotate = in.annotate
		inputs = append(inputs, in)
	}

	var names []string
	for _, in := range inputs {
		names = append(names, in.spec.name)
	}
	live := &liveStats{command: "decode", input: strings.Join(names, " "), unit: "items/s",
		itemsFn: func() int64 {
			var n int64
			for _, in := range inputs {
				n += in.src.Stats().Items
			}
			return n
		},
		lostFn: func() int64 {
			var n int64
			for _, in := range inputs {
				n += in.src.Stats().LostItems
			}
			return n
		}}
	dash, err := startDashboard(c, dec, out, live)
	if err != nil {
		out.Close()
		return err
	}
	defer dash.Close()
	start := time.Now()
	var wg sync.WaitGroup
	for _, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = in.src.Run(ctx, in.chunk)
			in.ch.Flush()
		}()
	}
	slog.Info("decoding", "inputs", len(inputs))
	statsDone := make(chan struct{})
	if iv := c.Duration("stats-interval"); iv > 0 {
		go logStats(ctx, iv, inputs, dec, out, statsDone)
	} else {
		close(statsDone)
	}
	wg.Wait()
	<-statsDone
	closeErr := out.Close()
	var items int64
	for _, in := range inputs {
		items += in.src.Stats().Items
	}
	slog.Info("stopped", "elapsed", time.Since(start).Round(time.Millisecond), "items", items,
		"messages", out.Sent(), "decoder", dec.Stats().String())
	if closeErr != nil {
		return cli.Exit(closeErr.Error(), 1)
	}
	return nil
}

// chunk feeds one ZMQ message's items to the input's channel.
func (in *input) chunk(ch zmqsource.Chunk) {
	if ch.Restart && !in.first {
		// New connection or lost items: a frame in progress cannot continue.
		in.ch.Flush()
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
	switch in.spec.format {
	case itemSoft:
		n := len(p) / 4
		if cap(in.soft) < n {
			in.soft = make([]float32, n)
		}
		s := in.soft[:n]
		for i := range s {
			s[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
			if in.spec.invert {
				s[i] = -s[i]
			}
		}
		in.ch.WriteSoft(s)
		in.pos += int64(n)
	case itemLevels:
		in.ch.WriteLevels(p)
		in.pos += int64(len(p))
	default:
		if in.spec.invert {
			if cap(in.inv) < len(p) {
				in.inv = make([]byte, len(p))
			}
			q := in.inv[:len(p)]
			for i, b := range p {
				q[i] = b&1 ^ 1
			}
			p = q
		}
		in.ch.WriteBits(p)
		in.pos += int64(len(p))
	}
}

// annotate adds the input's stream tags and their Radio fields to m.
func (in *input) annotate(m *frames.Message) {
	pos := m.BitOffset + tagSlack
	if in.spec.format == itemLevels {
		pos = in.pos // level samples: the tags seen so far
	}
	tags := in.tags.at(pos)
	if len(tags) == 0 && !in.hasBase {
		return
	}
	if m.Meta == nil {
		m.Meta = map[string]any{}
	}
	if in.hasBase && in.spec.format != itemLevels {
		m.Meta["gr_offset"] = m.BitOffset + in.base
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

// logStats logs per-input and output statistics every iv until ctx ends.
func logStats(ctx context.Context, iv time.Duration, inputs []*input, dec *frames.Decoder, out *outputs, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(iv)
	defer t.Stop()
	last := make([]int64, len(inputs))
	lastT := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			dt := now.Sub(lastT).Seconds()
			lastT = now
			for i, in := range inputs {
				st := in.src.Stats()
				rate := float64(st.Items-last[i]) / dt
				last[i] = st.Items
				attrs := []any{"input", in.spec.name, "connected", st.Connected,
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
				slog.Info("input", attrs...)
			}
			ds := dec.Stats()
			attrs := []any{"gridstream_ok", ds.GridStreamOK, "gridstream_bad", ds.CRCFailed,
				"encrypted", ds.Encrypted, "nge101_ok", ds.NGE101OK, "nge101_bad", ds.NGE101 - ds.NGE101OK,
				"learned_networks", ds.Learned, "known_networks", ds.KnownNetworks, "messages_out", out.Sent()}
			attrs = append(attrs, zmqOutStats(out)...)
			slog.Info("decoder", attrs...)
		}
	}
}

package frames

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gridstream-sdr/gridstream/bits"
	"github.com/gridstream-sdr/gridstream/bits/bitio"
)

// DecoderOptions configures a Decoder.
type DecoderOptions struct {
	// CRCInits are the user's own utility inits, tried with the built-in table.
	CRCInits []uint16
	// StatePath is the file learned networks persist in; "" keeps them in
	// memory only.
	StatePath string
	// NoLearn turns off learning inits of unknown networks.
	NoLearn bool
	// MaxLearned caps the learned networks kept at once (0 means
	// DefaultMaxLearned).
	MaxLearned int
	// ForgetAfter forgets a learned network not heard for this long (0
	// means DefaultForgetAfter).
	ForgetAfter time.Duration
	// EmitFailed also emits frames whose CRC or check fails (crc_ok false).
	EmitFailed bool
	// PulsesPerKWh is the NGE101 meter's LED rate (0 means 1000).
	PulsesPerKWh float64
	// Now stamps messages; nil means time.Now.
	Now func() time.Time
	// Logger receives learning events; nil means slog.Default().
	Logger *slog.Logger
}

// DecoderStats counts what the decoder saw.
type DecoderStats struct {
	GridStream    int64 // GridStream frames examined
	GridStreamOK  int64 // ...whose CRC matched a known or learned init
	Encrypted     int64 // 0xD2 frames without a CRC
	CRCFailed     int64 // frames no init explains, or whose header is implausible
	Implausible   int64 // ...of which their type, reserved, length or CI byte breaks their type's rule
	NGE101        int64 // NGE101 packets examined
	NGE101OK      int64 // ...whose check matched
	Learned       int64 // networks learned in this run
	KnownNetworks int   // built-in, user-given and learned inits
}

// network is one CRC init the decoder accepts.
type network struct {
	init    uint16
	id      int
	utility *string
	learned bool
	seen    bool // a CRC-good frame of it was decoded in this run
	// Learned networks only: when it was learned and last heard, the last
	// heard time the state file has, and whether this run has news of it
	// (learned or heard since the last save).
	learnedAt, lastHeard, savedHeard time.Time
	news                             bool
}

// Decoder turns raw GridStream frames and NGE101 packets into Messages. It is
// shared by every input, so a network learned on one input is known on all;
// it is safe for concurrent use.
type Decoder struct {
	opts  DecoderOptions
	log   *slog.Logger
	mu    sync.Mutex
	nets  map[uint16]*network
	learn learning
	stats DecoderStats
}

// NewDecoder returns a decoder with the built-in utility table, the user's
// inits and the networks learned in earlier runs (from opts.StatePath).
func NewDecoder(opts DecoderOptions) (*Decoder, error) {
	if opts.PulsesPerKWh <= 0 {
		opts.PulsesPerKWh = DefaultPulsesPerKWh
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxLearned <= 0 {
		opts.MaxLearned = DefaultMaxLearned
	}
	if opts.ForgetAfter <= 0 {
		opts.ForgetAfter = DefaultForgetAfter
	}
	d := &Decoder{opts: opts, log: opts.Logger, nets: map[uint16]*network{}}
	if d.log == nil {
		d.log = slog.Default()
	}
	for _, u := range Utilities {
		d.add(&network{init: u.Init, utility: ptr(u.Name)})
	}
	for _, in := range opts.CRCInits {
		if _, ok := d.nets[in]; !ok {
			d.add(&network{init: in})
		}
	}
	if opts.StatePath != "" {
		learned, err := ReadLearned(opts.StatePath)
		if err != nil {
			return nil, err
		}
		now := opts.Now()
		d.adopt(keepLearned(learned, now, opts.ForgetAfter, opts.MaxLearned), now)
		d.learn.swept = now
	}
	return d, nil
}

func (d *Decoder) add(n *network) {
	n.id = int(NetworkForInit(n.init))
	d.nets[n.init] = n
}

// Stats returns the counters so far.
func (d *Decoder) Stats() DecoderStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.stats
	s.KnownNetworks = len(d.nets)
	return s
}

// Learned returns every learned network kept, from earlier runs and this
// one, oldest first.
func (d *Decoder) Learned() []LearnedNetwork {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.learnedList(false)
}

// GridStream decodes one deframed frame and calls emit for each message it
// yields: none (a failed frame without EmitFailed), one, or — when the frame
// confirms a learned init — the waiting frames and this one.
func (d *Decoder) GridStream(f bits.RawFrame, emit func(*Message)) {
	d.GridStreamAnnotated(f, nil, emit)
}

// GridStreamAnnotated is GridStream with the frame's own annotation:
// annotate (when not nil) is called once on the message made from f before
// it is emitted or held back to wait for learning. What it sets (input,
// radio fields, metadata) so stays with that frame: a waiting frame is
// emitted later, by the call of the frame that confirms its network, and
// must not take that frame's.
func (d *Decoder) GridStreamAnnotated(f bits.RawFrame, annotate, emit func(*Message)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stats.GridStream++
	frame := f.Bytes
	if len(frame) < 2 {
		d.stats.CRCFailed++
		return
	}
	m := &Message{
		Protocol:   ProtocolGridStream,
		CRCOK:      false,
		BitOffset:  f.BitOffset,
		SyncErrors: f.SyncErrors,
		Fields:     &GridStream{Version: f.Version},
	}
	now := d.opts.Now()
	m.Stamp(now)
	d.sweep(now)
	out := &delivery{annotate: annotate, emit: emit, own: m}
	rule := ruleFor(frame[1])
	if rule == nil {
		d.unknownType(frame, m, out)
		return
	}
	ci := rule.ci
	if !f.Complete {
		if g := formFits(frame, ci); g != nil {
			frame = g
		}
	}
	m.Raw = hexUpper(frame)
	typed := frame[1:] // from the type byte
	if len(typed) < ci+3 {
		d.failed(m, out)
		return
	}
	g := m.Fields.(*GridStream)
	gridStreamHeader(g, typed, ci)
	if !rule.allows(typed) {
		d.implausible(m, out)
		return
	}
	if rule.fields(len(typed) - ci) {
		gridStreamFields(g, typed)
	}
	if g.Encrypted {
		// An auth tag, not a CRC: nothing to check.
		d.stats.Encrypted++
		if d.opts.EmitFailed {
			out.send(m)
		}
		return
	}
	body := typed[ci : len(typed)-2]
	sent := uint16(typed[len(typed)-2])<<8 | uint16(typed[len(typed)-1])
	init := SolveInit(body, sent)
	if n, ok := d.nets[init]; ok {
		d.stats.GridStreamOK++
		d.vouch(m, n)
		out.send(m)
		return
	}
	if typed[0] == TypeEncrypted {
		d.stats.Encrypted++
		if d.opts.EmitFailed {
			out.send(m)
		}
		return
	}
	if f.Complete && !d.opts.NoLearn && d.offer(init, body, m, f.FramingErrors > 0 || d.damaged(init, len(body)), out) {
		return
	}
	d.failed(m, out)
}

// unknownType handles a frame whose type has no rule. It is reported, as
// a raw frame (type, CI and length, no fields), only when one header form's
// length field is confirmed by a known network's CRC and the type is not one
// bit from a known type (a damaged frame of that type). It is never learned
// from.
func (d *Decoder) unknownType(frame []byte, m *Message, out *delivery) {
	var fits []byte
	fitsCI := 0
	for _, ci := range headerForms {
		g := formFits(frame, ci)
		if g == nil {
			continue
		}
		body := g[ci+1 : len(g)-2]
		if n, ok := d.nets[SolveInit(body, uint16(g[len(g)-2])<<8|uint16(g[len(g)-1]))]; ok {
			m.Raw = hexUpper(g)
			gridStreamHeader(m.Fields.(*GridStream), g[1:], ci)
			if nearKnownType(g[1]) {
				d.implausible(m, out)
				return
			}
			d.stats.GridStreamOK++
			d.vouch(m, n)
			out.send(m)
			return
		}
		if fits == nil {
			fits, fitsCI = g, ci
		}
	}
	if fits == nil {
		m.Raw = hexUpper(frame)
		m.Fields.(*GridStream).Type = hexByte(frame[1])
		d.implausible(m, out)
		return
	}
	m.Raw = hexUpper(fits)
	gridStreamHeader(m.Fields.(*GridStream), fits[1:], fitsCI)
	d.failed(m, out)
}

// delivery is one GridStream call's way out.
type delivery struct {
	annotate func(*Message) // may be nil
	emit     func(*Message)
	own      *Message // the message made from the call's frame
	marked   bool
}

// mark annotates the call's own message, once.
func (o *delivery) mark() {
	if !o.marked && o.annotate != nil {
		o.annotate(o.own)
	}
	o.marked = true
}

// send emits m, annotating it first when it is the call's own message.
func (o *delivery) send(m *Message) {
	if m == o.own {
		o.mark()
	}
	o.emit(m)
}

// implausible counts and (with EmitFailed) emits a frame whose header no
// frame type allows: a bit error in the type, reserved or length byte,
// which the CRC does not cover.
func (d *Decoder) implausible(m *Message, out *delivery) {
	d.stats.Implausible++
	d.failed(m, out)
}

func (d *Decoder) failed(m *Message, out *delivery) {
	d.stats.CRCFailed++
	if d.opts.EmitFailed {
		out.send(m)
	}
}

// vouch marks m as CRC-good under network n.
func (d *Decoder) vouch(m *Message, n *network) {
	if n.learned {
		d.heard(n)
	}
	n.seen = true
	m.CRCOK = true
	g := m.Fields.(*GridStream)
	g.CRCInit = ptr(FormatInit(n.init))
	g.NetworkID = ptr(n.id)
	g.Utility = n.utility
	g.Learned = n.learned
}

// NGE101 decodes one NGE101 packet (55 or 71 unpacked bits) and emits it
// when its check matches, or always with EmitFailed.
func (d *Decoder) NGE101(p bits.NGEPacket, emit func(*Message)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stats.NGE101++
	c, s := bits.NGECheck(p.Bits)
	m := &Message{
		Protocol:  ProtocolNGE101,
		CRCOK:     c == s && (len(p.Bits) == ngeShortBits || len(p.Bits) == ngeLongBits),
		Raw:       hexUpper(bitio.Pack(p.Bits)),
		BitOffset: p.BitOffset,
	}
	m.Stamp(d.opts.Now())
	if len(p.Bits) != ngeShortBits && len(p.Bits) != ngeLongBits {
		m.CRCOK = false
	} else {
		m.Fields = nge101Fields(p.Bits, d.opts.PulsesPerKWh)
	}
	if m.CRCOK {
		d.stats.NGE101OK++
	}
	if m.CRCOK || d.opts.EmitFailed {
		emit(m)
	}
}

// String summarizes the stats for logs.
func (s DecoderStats) String() string {
	return fmt.Sprintf("gridstream %d (%d CRC-good, %d encrypted, %d failed, %d of them implausible), nge101 %d (%d good), %d networks learned",
		s.GridStream, s.GridStreamOK, s.Encrypted, s.CRCFailed, s.Implausible, s.NGE101, s.NGE101OK, s.Learned)
}

package frames

import (
	"bytes"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gridstream-sdr/gridstream/bits"
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
}

// pendingFrame is a CRC-failed frame waiting for a second frame with the
// same solved init.
type pendingFrame struct {
	init uint16
	msg  *Message
	body []byte
	// suspect frames look like damaged frames of a known network: they wait
	// like the others but two suspects never confirm a network.
	suspect bool
}

// maxPending bounds the frames kept for learning: each damaged frame also
// "has" an init, so the pool is small to keep chance matches rare (a damaged
// frame matches a pooled one with probability about maxPending/65536).
const maxPending = 48

// Decoder turns raw GridStream frames and NGE101 packets into Messages. It is
// shared by every input, so a network learned on one input is known on all;
// it is safe for concurrent use.
type Decoder struct {
	opts    DecoderOptions
	log     *slog.Logger
	mu      sync.Mutex
	nets    map[uint16]*network
	learned []LearnedNetwork
	pending []pendingFrame
	next    int // ring index into pending once it is full
	stats   DecoderStats
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
		learned, err := loadLearned(opts.StatePath)
		if err != nil {
			return nil, err
		}
		for _, l := range learned {
			in, _ := ParseInit(l.CRCInit)
			if _, ok := d.nets[in]; !ok {
				d.add(&network{init: in, learned: true})
			}
			d.learned = append(d.learned, l)
		}
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

// Learned returns every learned network, from earlier runs and this one.
func (d *Decoder) Learned() []LearnedNetwork {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]LearnedNetwork(nil), d.learned...)
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
		GridStream: &GridStream{Version: f.Version},
	}
	m.Stamp(d.opts.Now())
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
	gridStreamHeader(m.GridStream, typed, ci)
	if !rule.allows(typed) {
		d.implausible(m, out)
		return
	}
	if rule.fields(len(typed) - ci) {
		gridStreamFields(m.GridStream, typed)
	}
	if m.Encrypted {
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
	if f.Complete && !d.opts.NoLearn && d.learn(init, body, m, f.FramingErrors > 0 || d.damaged(init, len(body)), out) {
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
			gridStreamHeader(m.GridStream, g[1:], ci)
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
		m.Type = hexByte(frame[1])
		d.implausible(m, out)
		return
	}
	m.Raw = hexUpper(fits)
	gridStreamHeader(m.GridStream, fits[1:], fitsCI)
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
	n.seen = true
	m.CRCOK = true
	m.CRCInit = ptr(FormatInit(n.init))
	m.NetworkID = ptr(n.id)
	m.Utility = n.utility
	m.Learned = n.learned
}

// damaged reports whether a failed frame is as well explained as a frame,
// with one bit wrong, of a network on the air (one whose frames were decoded
// in this run): two such frames with the same error position solve to the
// same init and would confirm a network that does not exist. Networks not
// heard are no such explanation.
func (d *Decoder) damaged(solved uint16, n int) bool {
	for _, net := range d.nets {
		if net.seen && OneBitFrom(solved, net.init, n) {
			return true
		}
	}
	return false
}

// learn keeps a frame no known init explains until a second, different
// frame solves to the same init (and not both are suspect); then the init is
// trusted and saved, and every waiting frame of it is emitted with this one.
// It reports whether m was emitted.
func (d *Decoder) learn(init uint16, body []byte, m *Message, suspect bool, out *delivery) bool {
	confirmed := false
	for _, p := range d.pending {
		if p.init == init && !bytes.Equal(p.body, body) && !(p.suspect && suspect) {
			confirmed = true
			break
		}
	}
	if !confirmed {
		out.mark()
		p := pendingFrame{init: init, msg: m, body: bytes.Clone(body), suspect: suspect}
		if len(d.pending) < maxPending {
			d.pending = append(d.pending, p)
		} else {
			d.pending[d.next] = p
			d.next = (d.next + 1) % maxPending
		}
		return false
	}
	n := &network{init: init, learned: true}
	d.add(n)
	d.stats.Learned++
	l := LearnedNetwork{CRCInit: FormatInit(init), NetworkID: n.id, Learned: m.Time}
	d.learned = append(d.learned, l)
	d.log.Info("learned a utility network", "crc_init", l.CRCInit, "network_id", l.NetworkID)
	if d.opts.StatePath != "" {
		if err := saveLearned(d.opts.StatePath, d.learned); err != nil {
			d.log.Warn("could not save learned networks", "path", d.opts.StatePath, "err", err)
		}
	}
	kept := d.pending[:0]
	for _, p := range d.pending {
		if p.init != init {
			kept = append(kept, p)
			continue
		}
		d.stats.CRCFailed-- // it was counted as failed while it waited
		d.stats.GridStreamOK++
		d.vouch(p.msg, n)
		out.send(p.msg)
	}
	clear(d.pending[len(kept):])
	d.pending, d.next = kept, 0
	d.stats.GridStreamOK++
	d.vouch(m, n)
	out.send(m)
	return true
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
		Raw:       hexUpper(bits.Pack(p.Bits)),
		BitOffset: p.BitOffset,
	}
	m.Stamp(d.opts.Now())
	if len(p.Bits) != ngeShortBits && len(p.Bits) != ngeLongBits {
		m.CRCOK = false
	} else {
		m.NGE101 = nge101Fields(p.Bits, d.opts.PulsesPerKWh)
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

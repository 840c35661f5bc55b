package gridstream

import (
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// Config configures a Decoder. Its zero value is a decoder with the
// built-in networks, learning in memory only, and the default deframer.
type Config struct {
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
	// NoCorrect turns off the soft-decision correction of frames whose
	// CRC fails (see chase.go).
	NoCorrect bool
	// EmitFailed also emits frames whose CRC fails (crc_ok false), and
	// encrypted ones.
	EmitFailed bool
	// EmitEncrypted also emits encrypted 0xD2 frames (CI 0x52), which have
	// no CRC (crc_ok false, encrypted true), as rtl_433 prints them.
	EmitEncrypted bool
	// Now stamps messages; nil means time.Now.
	Now func() time.Time
	// Logger receives learning events; nil means slog.Default().
	Logger *slog.Logger
	// Deframer tunes every stream's correlator and deframer, taken as it
	// is; nil means DefaultDeframerOptions().
	Deframer *DeframerOptions
}

// Stats counts what a Decoder saw.
type Stats struct {
	Frames        int64 // frames examined
	Good          int64 // ...whose CRC matched a known or learned init
	Corrected     int64 // ...of which it matched once a few unreliable bits were flipped
	Encrypted     int64 // encrypted frames (0xD2, CI 0x52: an auth tag, no CRC)
	Unchecked     int64 // other 0xD2 frames no known init explains: maybe without a CRC, maybe damaged
	Failed        int64 // frames no init explains, or whose header is implausible
	Ambiguous     int64 // ...of which their soft symbols make them as likely another known network's (ambiguous.go)
	Implausible   int64 // ...of which their type, reserved, length or CI byte breaks their type's rule
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

// Decoder turns deframed GridStream frames into messages. It is shared by
// every input, so a network learned on one input is known on all; it is safe
// for concurrent use. Messages are emitted after its lock is released, so a
// receiver of them may call it.
type Decoder struct {
	cfg      Config
	deframer DeframerOptions
	log      *slog.Logger
	mu       sync.Mutex
	nets     map[uint16]*network
	learn    learning
	stats    Stats
	// targets are the networks heard in this run (corrections lead only
	// to them), meters the meters heard CRC-good on each.
	targets atomic.Pointer[targetSet]
	// known is every init in nets, for streams to read without the lock.
	known  atomic.Pointer[targetSet]
	meters meterSet
	// saveDue asks for the state file to be written once the lock is
	// released (save, persist); saveMu is held while it is written;
	// saveRetry, under mu, is when a save may be tried again after the
	// file's lock was busy.
	saveDue   atomic.Bool
	saveMu    sync.Mutex
	saveRetry time.Time
}

// NewDecoder returns a decoder with the built-in utility table, the user's
// inits and the networks learned in earlier runs (from cfg.StatePath).
func NewDecoder(cfg Config) (*Decoder, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxLearned <= 0 {
		cfg.MaxLearned = DefaultMaxLearned
	}
	if cfg.ForgetAfter <= 0 {
		cfg.ForgetAfter = DefaultForgetAfter
	}
	d := &Decoder{cfg: cfg, log: cfg.Logger, nets: map[uint16]*network{}, deframer: DefaultDeframerOptions()}
	if cfg.Deframer != nil {
		d.deframer = *cfg.Deframer
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	d.targets.Store(&targetSet{})
	// known is published once, below, with every network in it: the
	// streams read it without the lock, so each later change is a copy
	// (8 KiB) of the set.
	for _, u := range Utilities {
		d.add(&network{init: u.Init, utility: ptr(u.Name)})
	}
	for _, in := range cfg.CRCInits {
		if _, ok := d.nets[in]; !ok {
			d.add(&network{init: in})
		}
	}
	if cfg.StatePath != "" {
		learned, err := ReadLearned(cfg.StatePath)
		if err != nil {
			return nil, err
		}
		now := cfg.Now()
		d.adopt(keepLearned(learned, now, cfg.ForgetAfter, cfg.MaxLearned), now)
		d.learn.swept = now
	}
	known := &targetSet{}
	for init := range d.nets {
		known.bits[init>>6] |= 1 << (init & 63)
	}
	known.n = len(d.nets)
	d.known.Store(known)
	return d, nil
}

func (d *Decoder) add(n *network) {
	n.id = int(NetworkForInit(n.init))
	d.nets[n.init] = n
	if k := d.known.Load(); k != nil { // nil while NewDecoder adds the first ones
		d.known.Store(k.with(n.init, true))
	}
}

// Protocol returns GridStream.
func (d *Decoder) Protocol() protocol.Protocol { return Protocol{} }

// Counts returns the counters so far.
func (d *Decoder) Counts() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.stats
	s.KnownNetworks = len(d.nets)
	return s
}

// Stats returns the counters so far, for logs.
func (d *Decoder) Stats() protocol.Stats {
	d.mu.Lock()
	s, learned, known := d.stats, d.learn.learned, len(d.nets)
	d.mu.Unlock()
	return protocol.Stats{Frames: s.Frames, Good: s.Good, Failed: s.Failed, Counters: []protocol.Counter{
		{Name: "encrypted", Value: s.Encrypted},
		{Name: "unchecked_d2", Value: s.Unchecked},
		{Name: "corrected", Value: s.Corrected},
		{Name: "ambiguous", Value: s.Ambiguous},
		{Name: "learned_networks", Value: int64(learned), State: true},
		{Name: "learned_now", Value: s.Learned},
		{Name: "known_networks", Value: int64(known), State: true},
	}}
}

// Learned returns every learned network kept, from earlier runs and this
// one, oldest first.
func (d *Decoder) Learned() []LearnedNetwork {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.learnedList(false)
}

// Frame decodes one deframed frame. out.Annotate marks the message made
// from it (before it may wait for its network to be learned), and out.Emit
// receives what the frame releases: nothing (a failed frame without
// EmitFailed, or one that waits), its message, or — when it confirms a
// learned network — the frames that waited for it (each with its own
// annotation) and its own. Without soft symbols no frame is corrected.
func (d *Decoder) Frame(f RawFrame, out protocol.Output) { d.frame(f, nil, nil, out) }

// frame is Frame with the frame's soft symbols (10 per byte from the 0x2A
// byte's start bit; nil when unknown) and the stream's corrector.
func (d *Decoder) frame(f RawFrame, soft []float32, c *corrector, out protocol.Output) {
	frame := f.Bytes
	if len(frame) < 2 {
		d.mu.Lock()
		d.stats.Frames++
		d.stats.Failed++
		d.unlock()
		return
	}
	now := d.cfg.Now()
	g := &Fields{Version: f.Version}
	m := &frames.Message{Protocol: Name, BitOffset: f.BitOffset, SyncErrors: f.SyncErrors, Fields: g}
	m.Stamp(now)
	rule := ruleFor(frame[1])
	if rule == nil {
		d.unknownType(frame, m, g, now, out)
		return
	}
	ci := rule.ci
	if !f.Complete {
		if cut := formFits(frame, ci); cut != nil {
			frame = cut
		}
	}
	m.Raw = hexUpper(frame)
	typed := frame[1:] // from the type byte
	if len(typed) < ci+3 {
		d.reject(m, now, false, out)
		return
	}
	parseHeader(g, typed, ci)
	if !rule.allows(typed) {
		d.reject(m, now, true, out)
		return
	}
	if rule.fields(len(typed) - ci) {
		parseFields(g, typed)
	}
	if g.Encrypted {
		// An auth tag, not a CRC: nothing to check.
		d.encrypted(m, now, out)
		return
	}
	body := typed[ci : len(typed)-2]
	init := SolveInit(body, uint16(typed[len(typed)-2])<<8|uint16(typed[len(typed)-1]))
	var fix correction
	var fixed *frames.Message
	var sv *softView
	if soft != nil && c != nil && f.Complete && !d.targets.Load().has(init) {
		if !d.cfg.NoCorrect {
			fix, fixed = d.correct(c, frame, ci, soft, init, rule, m, f.Version)
		}
		if fixed == nil && !d.cfg.NoLearn {
			if v, ok := c.view(frame, ci, soft); ok {
				sv = &v
			}
		}
	}
	judged := soft != nil && c != nil && f.Complete && out.CalibratedSoft // by its soft symbols (ambiguous.go)
	rival := judged && d.known.Load().has(init) && c.rival(frame, ci, soft, init, d.known.Load(), d.targets.Load())
	// The message may wait for learning, where another input's frame can
	// release it: it is marked as its own before anyone else can see it.
	annotate(m, out)
	d.mu.Lock()
	d.stats.Frames++
	d.sweep(now)
	var ready []*frames.Message
	switch n, known := d.nets[init]; {
	case known && (rival || judged && d.movedMeter(typed, init)):
		d.stats.Failed++
		d.stats.Ambiguous++
		g.Ambiguous = true
		if d.cfg.EmitFailed {
			ready = append(ready, m)
		}
	case known:
		d.stats.Good++
		d.vouch(m, n)
		if src, ok := sourceOf(typed); ok {
			wan, hasWAN := sourceWAN(typed)
			d.meters.add(init, src, wan, hasWAN)
		}
		ready = append(ready, m)
	case rule.mayLackCRC:
		d.stats.Unchecked++
		if d.cfg.EmitFailed {
			ready = append(ready, m)
		}
	case fixed != nil && d.accepts(fix, init):
		d.stats.Good++
		d.stats.Corrected++
		d.mark(fixed, d.nets[fix.init])
		d.unlock()
		annotate(fixed, out)
		out.Emit(fixed)
		return
	default:
		learned := false
		if f.Complete && !d.cfg.NoLearn {
			ready, learned = d.offer(init, body, m, d.learnEvidence(typed, body, init, f.FramingErrors, sv))
		}
		if !learned {
			d.stats.Failed++
			if d.cfg.EmitFailed {
				ready = append(ready, m)
			}
		}
	}
	d.unlock()
	for _, r := range ready {
		out.Emit(r)
	}
}

func annotate(m *frames.Message, out protocol.Output) {
	if out.Annotate != nil {
		out.Annotate(m)
	}
}

// send annotates and emits a message that never waits.
func send(m *frames.Message, out protocol.Output) {
	annotate(m, out)
	out.Emit(m)
}

// reject counts a frame that is too short for a CI byte and CRC, or
// whose header no frame type allows (implausible: a bit error in the type,
// reserved or length byte, which the CRC does not cover); with EmitFailed
// it is emitted as failed.
func (d *Decoder) reject(m *frames.Message, now time.Time, implausible bool, out protocol.Output) {
	d.mu.Lock()
	d.stats.Frames++
	d.sweep(now)
	d.stats.Failed++
	if implausible {
		d.stats.Implausible++
	}
	d.unlock()
	if d.cfg.EmitFailed {
		send(m, out)
	}
}

// encrypted counts an encrypted frame (isEncrypted), emitted with
// EmitFailed or EmitEncrypted.
func (d *Decoder) encrypted(m *frames.Message, now time.Time, out protocol.Output) {
	d.mu.Lock()
	d.stats.Frames++
	d.sweep(now)
	d.stats.Encrypted++
	d.unlock()
	if d.cfg.EmitFailed || d.cfg.EmitEncrypted {
		send(m, out)
	}
}

// unknownType handles a frame whose type has no rule. It is reported, as
// a raw frame (type, CI and length, no fields), only when one header form's
// length field is confirmed by a known network's CRC and the type is not one
// bit from a known type (a damaged frame of that type). It is never learned
// from.
func (d *Decoder) unknownType(frame []byte, m *frames.Message, g *Fields, now time.Time, out protocol.Output) {
	var fits, good []byte
	fitsCI := 0
	d.mu.Lock()
	d.stats.Frames++
	d.sweep(now)
	for _, ci := range headerForms {
		cut := formFits(frame, ci)
		if cut == nil {
			continue
		}
		body := cut[ci+1 : len(cut)-2]
		if n, ok := d.nets[SolveInit(body, uint16(cut[len(cut)-2])<<8|uint16(cut[len(cut)-1]))]; ok {
			m.Raw = hexUpper(cut)
			parseHeader(g, cut[1:], ci)
			if !nearKnownType(cut[1]) {
				good = cut
				d.stats.Good++
				d.vouch(m, n)
			}
			break
		}
		if fits == nil {
			fits, fitsCI = cut, ci
		}
	}
	switch {
	case good != nil:
	case m.Raw != "": // a known network's CRC, but a damaged known type
		d.stats.Failed++
		d.stats.Implausible++
	case fits == nil:
		m.Raw = hexUpper(frame)
		g.Type = hexByte(frame[1])
		d.stats.Failed++
		d.stats.Implausible++
	default:
		m.Raw = hexUpper(fits)
		parseHeader(g, fits[1:], fitsCI)
		d.stats.Failed++
	}
	d.unlock()
	if good != nil || d.cfg.EmitFailed {
		send(m, out)
	}
}

// vouch marks m, a frame CRC-good as received, as good under network n,
// which it shows to be on the air.
func (d *Decoder) vouch(m *frames.Message, n *network) {
	if n.learned {
		d.heard(n)
	}
	if !n.seen {
		n.seen = true
		d.targets.Store(d.targets.Load().with(n.init, true))
	}
	d.mark(m, n)
}

// mark sets m's network fields: CRC-good under network n.
func (d *Decoder) mark(m *frames.Message, n *network) {
	m.CRCOK = true
	g := m.Fields.(*Fields)
	g.CRCInit = ptr(FormatInit(n.init))
	g.NetworkID = ptr(n.id)
	g.Utility = n.utility
	g.Learned = n.learned
}

// clone copies a message so that the copy can change (when its network is
// learned) while the original is being sent as it was.
func clone(m *frames.Message) *frames.Message {
	c := *m
	g := *m.Fields.(*Fields)
	c.Fields = &g
	if m.Radio != nil {
		r := *m.Radio
		c.Radio = &r
	}
	c.Meta = maps.Clone(m.Meta)
	return &c
}

// String summarizes the stats for logs.
func (s Stats) String() string {
	return fmt.Sprintf("gridstream %d (%d CRC-good, %d encrypted, %d 0xD2 unchecked, %d failed, %d of them implausible, %d ambiguous), %d networks learned",
		s.Frames, s.Good, s.Encrypted, s.Unchecked, s.Failed, s.Implausible, s.Ambiguous, s.Learned)
}

package gridstream

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
)

// Learning: a frame no known init explains still solves to exactly one
// init. Different frames solving to the same init confirm a network the
// tables do not have. Every damaged frame also solves to some init, so a
// frame that may be a damaged frame of a network on the air (see
// learnEvidence) never confirms one, and learning is bounded: a small pool
// of waiting frames, more confirmations once many networks are learned, a
// cap on learned networks, and expiry of networks not heard again. Each
// step is its own function below.

// Learning limits.
const (
	// DefaultMaxLearned is the most learned networks kept at once.
	DefaultMaxLearned = 64
	// DefaultForgetAfter forgets a learned network not heard for this long.
	DefaultForgetAfter = 30 * 24 * time.Hour
	// maxPending bounds the frames kept for learning: each damaged frame
	// also "has" an init, so the pool is small to keep chance matches rare
	// (a damaged frame matches a pooled one with probability about
	// maxPending/65536).
	maxPending = 48
	// heardResolution is how far a learned network's last-heard time moves
	// before it is saved again (at most one save per network per hour).
	heardResolution = time.Hour
	// sweepEvery is how often expired networks are looked for.
	sweepEvery = time.Hour
	// saveWait is the longest a save waits for another process's lock on
	// the state file (the input whose frame asked for the save waits; no
	// other does), saveBackoff how long saves then pause.
	saveWait    = 200 * time.Millisecond
	saveBackoff = time.Minute
	// closeWait is the longest the final save (Close) waits for another
	// process's lock on the state file.
	closeWait = 5 * time.Second
	// easyLearned is how many networks are learned from two frames; each
	// further eight learned need one more.
	easyLearned = 32
	// cleanLLR is the smallest log-likelihood ratio (by the soft symbols)
	// of every bit of a clean frame: a frame with a bit below it (an error
	// probability above 5 %) may be damaged.
	cleanLLR = 3
	// confidentLLR is the log-likelihood ratio above which a bit is taken
	// as received right: a frame one flip of such a bit away from a
	// network on the air is not a damaged frame of it.
	confidentLLR = 12
)

// confirmationsNeeded is how many different frames must solve to one init
// before it is trusted: two for the first easyLearned networks, then one
// more for each further eight, so that crafted frames teach little.
func confirmationsNeeded(learned int) int {
	if learned < easyLearned {
		return 2
	}
	return 3 + (learned-easyLearned)/8
}

// learning is the decoder's learning state.
type learning struct {
	pending []pendingFrame
	next    int // ring index into pending once it is full
	learned int // learned networks in nets
	capped  bool
	swept   time.Time
	group   []*pendingFrame // scratch: the distinct frames of one init
}

// pendingFrame is a CRC-failed frame waiting for more frames with the same
// solved init.
type pendingFrame struct {
	init uint16
	msg  *frames.Message
	body []byte
	evidence
}

// evidence is what a waiting frame says about its init.
type evidence struct {
	// suspect frames may be damaged frames of a network on the air: they
	// wait like the others, but never confirm a network.
	suspect bool
	// foreign frames are suspect because they may belong to another
	// network (their meter was heard on it, or one doubtful bit makes them
	// its frames): when their init is learned they are not released as its
	// frames.
	foreign bool
	// clean frames are not suspect and their soft symbols show no
	// doubtful bit: their init is very likely the one they were sent with.
	clean bool
	// src is the source meter, when the frame names one (hasSrc).
	src    uint32
	hasSrc bool
	// wan is its source WAN address, when it carries one (hasWAN).
	wan    [6]byte
	hasWAN bool
}

// learnEvidence weighs a frame (from the type byte through the CRC, body
// solving to solved) offered to learning, with its soft view when the
// input has soft symbols. The frame is suspect when
//   - a start or stop bit was wrong (framingErrors), or
//   - its source meter was heard CRC-good on a known network (meters do
//     not change networks: it is a damaged frame of that network), or
//   - one flipped bit would make it a frame of a network heard in this run
//     (frames with the same error position solve to the same init), unless
//     its soft symbols show that bit confidently received, or
//   - its soft symbols show a doubtful bit (it may be damaged anywhere).
//
// With soft symbols and none of these it is clean.
func (d *Decoder) learnEvidence(typed []byte, body []byte, solved uint16, framingErrors int, sv *softView) evidence {
	var ev evidence
	ev.src, ev.hasSrc = sourceOf(typed)
	ev.wan, ev.hasWAN = sourceWAN(typed)
	if ev.hasSrc && d.meterHeard(ev.src) {
		ev.suspect, ev.foreign = true, true
		return ev
	}
	if framingErrors > 0 {
		ev.suspect = true
		return ev
	}
	if sv != nil && sv.minLLR < cleanLLR {
		ev.suspect = true
		return ev
	}
	n := len(body)
	for _, net := range d.nets {
		if !net.seen {
			continue
		}
		m, ok := oneBitPosition(solved, net.init, n)
		if !ok {
			continue
		}
		if sv == nil || sv.llr(8*n+15-m) < confidentLLR {
			ev.suspect, ev.foreign = true, true
			return ev
		}
	}
	ev.clean = sv != nil
	return ev
}

// meterHeard reports whether meter src was heard CRC-good on any known
// network.
func (d *Decoder) meterHeard(src uint32) bool {
	for init := range d.nets {
		if d.meters.has(init, src) {
			return true
		}
	}
	return false
}

// offer gives learning a complete, plausible frame no known init explains
// (its body solves to init), annotated already, with its evidence. The
// frame waits in the pool until the frames of its init confirm it
// (confirms); then the init is trusted and saved, and every waiting frame
// of it is released with this one (ready, to be emitted once the lock is
// released) — except foreign ones, which are dropped. learned reports that
// m was released so. With EmitFailed a
// copy waits, so that m can be emitted as failed now and the copy as
// CRC-good when its network is learned.
func (d *Decoder) offer(init uint16, body []byte, m *frames.Message, ev evidence) (ready []*frames.Message, learned bool) {
	l := &d.learn
	if l.learned >= d.cfg.MaxLearned {
		if !l.capped {
			d.log.Warn("learned-network cap reached: no more networks are learned until one is forgotten",
				"cap", d.cfg.MaxLearned, "see", "gridstream networks")
			l.capped = true
		}
		return nil, false
	}
	p := pendingFrame{init: init, msg: m, body: body, evidence: ev}
	if !d.confirms(&p) {
		if d.cfg.EmitFailed {
			p.msg = clone(m)
		}
		p.body = bytes.Clone(body)
		d.wait(p)
		return nil, false
	}
	need := confirmationsNeeded(l.learned)
	n := d.trust(init, d.cfg.Now())
	d.log.Info("learned a utility network", "crc_init", FormatInit(init), "network_id", n.id,
		"frames", need, "learned_networks", l.learned)
	d.save()
	kept := l.pending[:0]
	for _, w := range l.pending {
		switch {
		case w.init != init:
			kept = append(kept, w)
		case !w.foreign:
			d.stats.Failed-- // it was counted as failed while it waited
			ready = append(ready, d.release(w.msg, n, w.evidence))
		}
	}
	clear(l.pending[len(kept):])
	l.pending, l.next = kept, 0
	if ev.foreign {
		return ready, false
	}
	return append(ready, d.release(m, n, ev)), true
}

// release marks a frame of a newly learned network n as good.
func (d *Decoder) release(m *frames.Message, n *network, ev evidence) *frames.Message {
	d.stats.Good++
	d.vouch(m, n)
	if ev.hasSrc && !ev.suspect {
		d.meters.add(n.init, ev.src, ev.wan, ev.hasWAN)
	}
	return m
}

// confirms reports whether frame p with the waiting frames of its init
// make enough different frames (confirmationsNeeded) that vouch for it.
// Suspect frames never do. Two damaged frames solve to one init by chance
// about once in 65536/maxPending, so without soft symbols the frames must
// also include two of one meter, or one frame more than needed; with soft
// symbols, frames that show no doubtful bit (clean) suffice.
func (d *Decoder) confirms(p *pendingFrame) bool {
	l := &d.learn
	g := l.group[:0]
	if !p.suspect {
		g = append(g, p)
	}
	for i := range l.pending {
		w := &l.pending[i]
		if w.init != p.init || w.suspect || slices.ContainsFunc(g, func(x *pendingFrame) bool { return bytes.Equal(x.body, w.body) }) {
			continue
		}
		g = append(g, w)
	}
	l.group = g
	defer clear(g)
	need := confirmationsNeeded(l.learned)
	if len(g) < need {
		return false
	}
	clean, oneMeter := 0, false
	for i, x := range g {
		if x.clean {
			clean++
		}
		for _, y := range g[i+1:] {
			oneMeter = oneMeter || (x.hasSrc && y.hasSrc && x.src == y.src)
		}
	}
	return clean >= need || oneMeter || len(g) > need
}

// pending reports whether a frame waits in the pool with init.
func (d *Decoder) pending(init uint16) bool {
	for _, p := range d.learn.pending {
		if p.init == init {
			return true
		}
	}
	return false
}

// wait adds a frame to the pool, replacing the oldest when it is full.
func (d *Decoder) wait(p pendingFrame) {
	l := &d.learn
	if len(l.pending) < maxPending {
		l.pending = append(l.pending, p)
		return
	}
	l.pending[l.next] = p
	l.next = (l.next + 1) % maxPending
}

// trust adds init as a learned network heard now.
func (d *Decoder) trust(init uint16, now time.Time) *network {
	n := &network{init: init, learned: true, learnedAt: now, lastHeard: now, news: true}
	d.add(n)
	d.learn.learned++
	d.stats.Learned++
	return n
}

// heard records a frame of learned network n; its last-heard time is saved
// when it has moved by heardResolution.
func (d *Decoder) heard(n *network) {
	now := d.cfg.Now()
	if now.After(n.lastHeard) {
		n.lastHeard = now
		n.news = true
	}
	if n.lastHeard.Sub(n.savedHeard) >= heardResolution {
		d.save()
	}
}

// sweep forgets, at most once per sweepEvery, learned networks not heard
// for ForgetAfter.
func (d *Decoder) sweep(now time.Time) {
	l := &d.learn
	if l.learned == 0 || now.Sub(l.swept) < sweepEvery {
		return
	}
	l.swept = now
	for init, n := range d.nets {
		if n.learned && now.Sub(n.lastHeard) > d.cfg.ForgetAfter {
			d.forget(init, "not heard for "+d.cfg.ForgetAfter.String())
		}
	}
}

// forget drops a learned network.
func (d *Decoder) forget(init uint16, why string) {
	n := d.nets[init]
	delete(d.nets, init)
	d.known.Store(d.known.Load().with(init, false))
	if n.seen {
		d.targets.Store(d.targets.Load().with(init, false))
	}
	d.learn.learned--
	d.learn.capped = false
	d.log.Info("forgot a learned network", "crc_init", FormatInit(init), "network_id", n.id, "why", why)
}

// adopt takes learned networks from the state file: ones this decoder does
// not know are added, known ones take the file's times when later.
func (d *Decoder) adopt(list []LearnedNetwork, now time.Time) {
	for _, ln := range list {
		init, err := ParseInit(ln.CRCInit)
		if err != nil {
			continue
		}
		learnedAt, heard := ln.times(now)
		n, ok := d.nets[init]
		switch {
		case !ok:
			n = &network{init: init, learned: true, learnedAt: learnedAt, lastHeard: heard}
			d.add(n)
			d.learn.learned++
		case !n.learned:
			continue // built in or given by the user
		case heard.After(n.lastHeard):
			n.lastHeard = heard
		}
		n.savedHeard = heard
	}
}

// learnedList returns the learned networks, oldest first; with newsOnly,
// only those this run has news of.
func (d *Decoder) learnedList(newsOnly bool) []LearnedNetwork {
	var out []LearnedNetwork
	for _, n := range d.nets {
		if n.learned && (n.news || !newsOnly) {
			out = append(out, LearnedNetwork{CRCInit: FormatInit(n.init), NetworkID: n.id,
				Learned: n.learnedAt.UTC().Format(frames.TimeLayout), LastHeard: n.lastHeard.UTC().Format(frames.TimeLayout)})
		}
	}
	sortLearned(out)
	return out
}

// save asks for this run's news to be merged into the state file. It runs
// under the decoder's lock, so it only takes note: the file is written by
// persist once the lock is released (unlock), and decoding never waits for
// the file or another process's lock on it.
func (d *Decoder) save() {
	if d.cfg.StatePath == "" {
		for _, n := range d.nets {
			n.savedHeard, n.news = n.lastHeard, false
		}
		return
	}
	if !d.cfg.Now().Before(d.saveRetry) {
		d.saveDue.Store(true)
	}
}

// unlock releases the decoder's lock, then saves what save asked for.
func (d *Decoder) unlock() {
	d.mu.Unlock()
	d.persist()
}

// persist saves while a save is due and no other input is saving (that
// one sees what is due when it is done).
func (d *Decoder) persist() {
	for d.saveDue.Load() && d.saveMu.TryLock() {
		d.saveDue.Store(false)
		d.saveOnce()
		d.saveMu.Unlock()
	}
}

// Close ends the decoder once its inputs have ended: news not saved yet
// (a save put off because another process held the state file's lock, or
// in its backoff) are saved now, waiting at most closeWait for the lock.
// What still cannot be saved is logged and returned.
func (d *Decoder) Close() error {
	if d.cfg.StatePath == "" {
		return nil
	}
	d.saveMu.Lock()
	defer d.saveMu.Unlock()
	d.mu.Lock()
	unsaved := len(d.learnedList(true))
	d.mu.Unlock()
	if unsaved == 0 {
		return nil
	}
	d.saveDue.Store(false)
	if err := d.saveWithin(closeWait); err != nil {
		d.log.Error("learned networks not saved", "path", d.cfg.StatePath, "networks", unsaved, "err", err)
		return fmt.Errorf("%s: %d learned networks not saved: %w", d.cfg.StatePath, unsaved, err)
	}
	return nil
}

// saveOnce merges this run's news into the state file (under the file's
// lock, so processes sharing it keep each other's networks) and takes the
// file's view back: networks other processes learned are adopted, networks
// forgotten there (gridstream networks forget) and not heard here since
// are dropped. When another process holds the file's lock for longer than
// saveWait, the news stay for a later save, tried no sooner than
// saveBackoff later.
func (d *Decoder) saveOnce() {
	if err := d.saveWithin(saveWait); err != nil {
		d.log.Warn("could not save learned networks; trying again later", "path", d.cfg.StatePath, "err", err)
		d.mu.Lock()
		d.saveRetry = d.cfg.Now().Add(saveBackoff)
		d.mu.Unlock()
	}
}

// saveWithin is saveOnce waiting at most budget for the file's lock; it
// returns the error that kept the news from the file.
func (d *Decoder) saveWithin(budget time.Duration) error {
	d.mu.Lock()
	now := d.cfg.Now()
	news := d.learnedList(true)
	sent := make(map[uint16]time.Time, len(news))
	for _, n := range d.nets {
		if n.learned && n.news {
			sent[n.init] = n.lastHeard
		}
	}
	d.mu.Unlock()
	merged, err := tryUpdateLearned(d.cfg.StatePath, func(file []LearnedNetwork) []LearnedNetwork {
		return keepLearned(mergeLearned(file, news, now), now, d.cfg.ForgetAfter, d.cfg.MaxLearned)
	}, budget)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	inFile := map[uint16]bool{}
	for _, ln := range merged {
		if init, err := ParseInit(ln.CRCInit); err == nil {
			inFile[init] = true
		}
	}
	for init, n := range d.nets {
		_, wasSent := sent[init]
		if n.learned && !inFile[init] && (wasSent || !n.news) {
			d.forget(init, "not in "+d.cfg.StatePath)
		}
	}
	d.adopt(merged, now)
	for init, heard := range sent {
		if n, ok := d.nets[init]; ok && n.lastHeard.Equal(heard) {
			n.news = false
		}
	}
	return nil
}

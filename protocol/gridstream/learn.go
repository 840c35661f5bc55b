package gridstream

import (
	"bytes"
	"slices"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
)

// Learning: a frame no known init explains still solves to exactly one
// init. Different frames solving to the same init confirm a network the
// tables do not have. Every damaged frame also solves to some init, so
// learning is bounded: a small pool of waiting frames, more confirmations
// for each network already learned, a cap on learned networks, and expiry
// of networks not heard again. Each step is its own function below.

// Learning limits.
const (
	// DefaultMaxLearned is the most learned networks kept at once.
	DefaultMaxLearned = 16
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
)

// confirmationsNeeded is how many different frames must solve to one init
// before it is trusted: two for the first network learned and one more for
// each network already learned, so that crafted frames teach little.
func confirmationsNeeded(learned int) int { return 2 + learned }

// learning is the decoder's learning state.
type learning struct {
	pending  []pendingFrame
	next     int // ring index into pending once it is full
	learned  int // learned networks in nets
	capped   bool
	swept    time.Time
	distinct [][]byte // scratch: distinct bodies of one init
}

// pendingFrame is a CRC-failed frame waiting for more frames with the same
// solved init.
type pendingFrame struct {
	init uint16
	msg  *frames.Message
	body []byte
	// suspect frames look like damaged frames of a known network (see
	// damaged): they wait like the others, but suspects alone never
	// confirm a network.
	suspect bool
}

// damaged reports whether a failed frame is as well explained as a frame,
// with one bit wrong, of a network on the air (one whose frames were decoded
// in this run): frames with the same error position solve to the same init
// and would confirm a network that does not exist. Networks not heard are no
// such explanation.
func (d *Decoder) damaged(solved uint16, n int) bool {
	for _, net := range d.nets {
		if net.seen && OneBitFrom(solved, net.init, n) {
			return true
		}
	}
	return false
}

// offer gives learning a complete, plausible frame no known init explains
// (its body solves to init), annotated already. The frame waits in the
// pool until enough different frames solve to the same init; then the init
// is trusted and saved, and every waiting frame of it is released with this
// one (ready, to be emitted once the lock is released). learned reports
// that m was released so. With EmitFailed a copy waits, so that m can be
// emitted as failed now and the copy as CRC-good when its network is
// learned.
func (d *Decoder) offer(init uint16, body []byte, m *frames.Message, suspect bool) (ready []*frames.Message, learned bool) {
	l := &d.learn
	if l.learned >= d.cfg.MaxLearned {
		if !l.capped {
			d.log.Warn("learned-network cap reached: no more networks are learned until one is forgotten",
				"cap", d.cfg.MaxLearned, "see", "gridstream networks")
			l.capped = true
		}
		return nil, false
	}
	if !d.confirms(init, body, suspect) {
		waiting := m
		if d.cfg.EmitFailed {
			waiting = clone(m)
		}
		d.wait(pendingFrame{init: init, msg: waiting, body: bytes.Clone(body), suspect: suspect})
		return nil, false
	}
	n := d.trust(init, d.cfg.Now())
	d.log.Info("learned a utility network", "crc_init", FormatInit(init), "network_id", n.id,
		"frames", confirmationsNeeded(l.learned-1), "learned_networks", l.learned)
	d.save()
	kept := l.pending[:0]
	for _, p := range l.pending {
		if p.init != init {
			kept = append(kept, p)
			continue
		}
		d.stats.Failed-- // it was counted as failed while it waited
		d.stats.Good++
		d.vouch(p.msg, n)
		ready = append(ready, p.msg)
	}
	clear(l.pending[len(kept):])
	l.pending, l.next = kept, 0
	d.stats.Good++
	d.vouch(m, n)
	return append(ready, m), true
}

// confirms reports whether this frame with the waiting ones of its init
// make enough different frames (confirmationsNeeded), not all suspect.
func (d *Decoder) confirms(init uint16, body []byte, suspect bool) bool {
	l := &d.learn
	distinct := append(l.distinct[:0], body)
	clean := !suspect
	for _, p := range l.pending {
		if p.init != init || slices.ContainsFunc(distinct, func(b []byte) bool { return bytes.Equal(b, p.body) }) {
			continue
		}
		distinct = append(distinct, p.body)
		clean = clean || !p.suspect
	}
	clear(distinct)
	l.distinct = distinct[:0]
	return clean && len(distinct) >= confirmationsNeeded(l.learned)
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

// save merges this run's news into the state file (under its lock, so
// processes sharing it keep each other's networks) and takes the file's
// view back: networks other processes learned are adopted, networks
// forgotten there (gridstream networks forget) and not heard here since
// are dropped.
func (d *Decoder) save() {
	now := d.cfg.Now()
	if d.cfg.StatePath == "" {
		for _, n := range d.nets {
			n.savedHeard, n.news = n.lastHeard, false
		}
		return
	}
	news := d.learnedList(true)
	merged, err := UpdateLearned(d.cfg.StatePath, func(file []LearnedNetwork) []LearnedNetwork {
		return keepLearned(mergeLearned(file, news, now), now, d.cfg.ForgetAfter, d.cfg.MaxLearned)
	})
	if err != nil {
		d.log.Warn("could not save learned networks", "path", d.cfg.StatePath, "err", err)
		return
	}
	inFile := map[uint16]bool{}
	for _, ln := range merged {
		if init, err := ParseInit(ln.CRCInit); err == nil {
			inFile[init] = true
		}
	}
	for init, n := range d.nets {
		if n.learned && !inFile[init] {
			d.forget(init, "not in "+d.cfg.StatePath)
		}
	}
	d.adopt(merged, now)
	for _, n := range d.nets {
		n.news = false
	}
}

package demod

import (
	"sync"
	"sync/atomic"
)

// The channel stage (Config.Workers > 1, no OOK protocol searched): the
// bursts' channels (mixer and half-band decimators) run on a goroutine of
// their own, behind the search. The goroutine calling Process searches the
// band and tracks the bursts; what it would do to a burst's channel (start
// it from the lookback ring, give it the samples up to the next search
// frame, hand what it collected to a worker, cut a long burst in pieces) it
// sends, in its order, as a command; the stage carries the commands out in
// that order, reading the samples from the receiver's ring, so every
// channel sees the samples, DC offsets and cuts it would have seen on one
// goroutine. The search needs no channel's output: how many samples a
// channel holds follows from how many it was given (each half-band stage
// keeps ⌊N/2⌋ of N), so nothing waits for the stage but the ring's room.
// (The OOK search looks at the channels' newest samples every frame: with
// OOK protocols the channels stay on the search's goroutine.)

// chanOp is what a channel command does.
type chanOp uint8

const (
	chanExtract chanOp = iota // give bursts[:n] the ring's samples lo…hi, less dc
	chanStart                 // reset bursts[0]'s channel to freq, then as chanExtract
	chanJob                   // give job bursts[0]'s samples, cut or release it, hand job to the workers
)

// chanCmd is one command for the channel stage.
type chanCmd struct {
	op     chanOp
	n      int
	bursts [MaxActive]*burst
	lo, hi int64     // input indices in the ring
	dc     complex64 // the input's DC offset taken out of a channel holding 0 Hz
	freq   float64   // chanStart: the channel's frequency (cycles per sample)
	job    *demodJob // chanJob: nil only releases the burst
	cut    int       // chanJob: the samples the burst drops once the job has them (a piece); -1: the burst ended
	at     int64     // the receiver's input position when it was sent
}

// chanStage runs the channel commands on a goroutine of their own. They
// are handed over in batches (a block's, or chanBatch of them): one
// wake-up of the stage for many frames.
type chanStage struct {
	r       *Receiver
	batches chan []chanCmd
	free    chan []chanCmd // batches carried out, for reuse
	batch   []chanCmd      // the receiver's: commands not handed over yet
	sent    int64          // commands sent (the receiver's goroutine)
	done    atomic.Int64   // commands carried out
	doneAt  atomic.Int64   // the position the last one carried out was sent at
	wake    chan struct{}
	dcbuf   []complex64
	chunk   [stageChunk]complex64 // the samples being channelized
	extFrom int64                 // the receiver's: the channels were sent the samples before this

	mu    sync.Mutex
	freed []*burst      // bursts whose channels are done, for the receiver to reuse
	spare [][]complex64 // jobs' sample buffers to reuse
	wg    sync.WaitGroup
}

// chanBatch is the most commands handed over at once; chanBatches how
// many batches may wait for the stage: enough that the ring's room, not
// the queue, bounds how far the stage lags (a block's commands are handed
// over at once, and at 2.4 MS/s a block lasts 7 ms of signal).
const (
	chanBatch   = 64
	chanBatches = 64
)

func newChanStage(r *Receiver) *chanStage {
	return &chanStage{r: r, wake: make(chan struct{}, 1)}
}

// start starts the stage's goroutine.
func (cs *chanStage) start() {
	batches, free := make(chan []chanCmd, chanBatches), make(chan []chanCmd, chanBatches+2)
	cs.batches, cs.free = batches, free
	cs.wg.Add(1)
	go func() {
		defer cs.wg.Done()
		labelStage("channels")
		for b := range batches {
			for i := range b {
				cs.run(&b[i])
				cs.doneAt.Store(b[i].at)
				cs.done.Add(1)
				select {
				case cs.wake <- struct{}{}:
				default:
				}
			}
			clear(b)
			free <- b[:0]
		}
	}()
}

// stop waits for the commands sent to be carried out and ends the stage.
func (cs *chanStage) stop() {
	if cs.batches != nil {
		cs.flush()
		close(cs.batches)
		cs.wg.Wait()
		cs.batches = nil
	}
}

// send queues a command (starting the workers and the stage first).
func (cs *chanStage) send(c *chanCmd) {
	if p := cs.r.pool; !p.running {
		p.start()
	}
	c.at = cs.r.pos
	cs.sent++
	if cs.batch == nil {
		select {
		case cs.batch = <-cs.free:
		default:
			cs.batch = make([]chanCmd, 0, chanBatch)
		}
	}
	cs.batch = append(cs.batch, *c)
	if len(cs.batch) == chanBatch {
		cs.flush()
	}
}

// flush hands the commands queued over to the stage.
func (cs *chanStage) flush() {
	if len(cs.batch) > 0 {
		cs.batches <- cs.batch
		cs.batch = nil
	}
}

// run carries out one command.
func (cs *chanStage) run(c *chanCmd) {
	r := cs.r
	switch c.op {
	case chanStart:
		b := c.bursts[0]
		b.ex.reset(c.freq)
		b.y = b.y[:0]
		fallthrough
	case chanExtract:
		// A chunk at a time, which every channel reads while it is in
		// the cache.
		for from := c.lo; from < c.hi; {
			x := r.stageRing.read(from, c.hi, cs.chunk[:])
			for _, b := range c.bursts[:c.n] {
				r.extractDC(b, x, c.dc, &cs.dcbuf)
			}
			from += int64(len(x))
		}
	case chanJob:
		b := c.bursts[0]
		if j := c.job; j != nil {
			// The job takes b's samples; b goes on in a spare buffer with
			// what it keeps (nothing when it ended).
			y := cs.takeSpare()
			if c.cut >= 0 {
				y = append(y, b.y[c.cut:]...)
			}
			j.b.y, b.y = b.y, y
		} else if c.cut >= 0 {
			copy(b.y, b.y[c.cut:])
			b.y = b.y[:len(b.y)-c.cut]
		}
		if c.cut < 0 {
			if cap(b.y) > 4*r.maxLen {
				b.y = nil
			}
			cs.mu.Lock()
			cs.freed = append(cs.freed, b)
			cs.mu.Unlock()
		}
		if c.job != nil {
			r.pool.jobs <- c.job
		}
	}
}

// takeSpare returns an empty sample buffer, reused when one is spare.
func (cs *chanStage) takeSpare() []complex64 {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if k := len(cs.spare); k > 0 {
		y := cs.spare[k-1]
		cs.spare = cs.spare[:k-1]
		return y[:0]
	}
	r := cs.r
	return make([]complex64, 0, r.maxLen+r.hop+mixBlock)
}

// putSpare keeps a job's sample buffer for reuse (not one grown by a
// long burst).
func (cs *chanStage) putSpare(y []complex64) {
	if cap(y) > 4*cs.r.maxLen {
		return
	}
	cs.mu.Lock()
	cs.spare = append(cs.spare, y[:0])
	cs.mu.Unlock()
}

// takeFreed returns a burst the stage is done with, or nil.
func (cs *chanStage) takeFreed() *burst {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if k := len(cs.freed); k > 0 {
		b := cs.freed[k-1]
		cs.freed = cs.freed[:k-1]
		return b
	}
	return nil
}

// extract sends the active bursts the samples since the last call (with
// the DC offset as it is now).
func (cs *chanStage) extract() {
	r := cs.r
	if r.pos > cs.extFrom && len(r.active) > 0 {
		c := chanCmd{op: chanExtract, n: len(r.active), lo: cs.extFrom, hi: r.pos, dc: complex64(r.det.dc)}
		copy(c.bursts[:], r.active)
		cs.send(&c)
	}
	cs.extFrom = r.pos
}

// room waits until k more samples can be written to the ring without
// overwriting any a command still to be carried out reads: those from
// the lookback ring's length (and a hop) before the position the oldest
// such command was sent at.
func (cs *chanStage) room(k int) {
	r := cs.r
	cs.flush()
	for cs.done.Load() < cs.sent {
		oldest := cs.doneAt.Load() // the oldest command waiting was sent at or after
		if r.pos+int64(k)-(r.rmask+1) <= oldest-r.lookRing-int64(r.hop) {
			return
		}
		<-cs.wake
	}
}

// drain waits until every command sent is carried out.
func (cs *chanStage) drain() {
	cs.flush()
	for cs.done.Load() < cs.sent {
		<-cs.wake
	}
}

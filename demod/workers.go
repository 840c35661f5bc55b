package demod

import (
	"context"
	"runtime/pprof"
	"sync"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

// Parallel demodulation (Config.Workers > 1). The goroutine calling
// Process tracks the bursts. From stageMinRate (1 MS/s) up the search's
// frames are transformed in parallel (searchahead.go) and, unless OOK
// protocols are searched, the bursts' channels run on a stage of their own
// (chanstage.go; else on a helper, one frame at a time, while the search
// analyzes it); below it the search and the channels stay on that
// goroutine, a small part of the work there, and it is one of the workers
// (pool.helps). A burst
// to demodulate becomes a job, numbered in the order the one-goroutine
// receiver would have demodulated it, for a pool of workers. Each worker is
// a shard: a copy of the receiver with its own power channel and FSK and
// OOK demodulators (their scratch). Everything a burst's demodulation
// computes from its own samples runs on the workers at once; everything
// whose result depends on the bursts before it (the decode pipelines, which
// carry state across bursts: learned networks, frames that wait for their
// network, the OOK level stream; the duplicate filter) runs in the job's
// turn, one job at a time in job order, so the messages are the ones the
// one-goroutine receiver makes. The messages are emitted by the goroutine
// calling Process, in job order, as the jobs finish.

// demodJob is one burst to demodulate.
type demodJob struct {
	seq    int64
	b      burst   // a copy, its samples its own
	noise  float64 // the band's noise power when it was handed over
	pos    int64   // the receiver's input position then
	out    []delivery
	report *Burst // for Config.OnBurst
	stats  Stats  // what its demodulation counted
	done   chan struct{}

	// The receiver's laterBursts then.
	from  int64
	later []laterBurst
}

// delivery is a message a job emits, with the input position it was
// delivered at (for the frequency-error estimate).
type delivery struct {
	m   *frames.Message
	pos int64
}

// turns hands the decode pipelines from job to job in order.
type turns struct {
	mu   sync.Mutex
	cond *sync.Cond
	next int64 // the job whose turn it is
	// holder is the shard in its turn: the shared pipelines' messages go
	// to its demodulators (the receiver itself when none is).
	holder, main *Receiver
	written      int64 // symbols written to the shared FSK pipelines
}

// pool is the receiver's workers.
type pool struct {
	shards  []*Receiver
	turns   *turns
	jobs    chan *demodJob
	running bool
	wg      sync.WaitGroup
	seq     int64
	pending []*demodJob // handed over, not yet emitted, in order
	// helps: the goroutine calling Process is the last shard's worker
	// (below stageMinRate): it demodulates the oldest job waiting for a
	// worker instead of waiting itself (for the oldest job, or for room to
	// hand one over), so n workers are n threads, not n+1.
	helps bool
	spare [][]complex64
	// The channel helper: runs the bursts' channels over a segment while
	// the search analyzes its frame.
	segs    chan extractJob
	segDone chan struct{}
	dcbuf   []complex64
}

// extractJob is a segment for the channel helper: every burst in bursts
// channelizes seg less dc.
type extractJob struct {
	bursts []*burst
	seg    []complex64
	dc     complex64
}

// maxPending is how many jobs per worker may wait to be emitted before
// Process waits for the oldest (it bounds memory: each holds a burst).
const maxPending = 3

// newPool makes n shards of r sharing its decode pipelines.
func (r *Receiver) newPool(n int) *pool {
	t := &turns{main: r}
	t.cond = sync.NewCond(&t.mu)
	in := func() *Receiver {
		if t.holder != nil {
			return t.holder
		}
		return t.main
	}
	// The shared pipelines: their messages go to the demodulator in its
	// turn, as the one receiver's go to its own.
	pos := r.newChannel(0, func(m *frames.Message) { f := in().fsk; f.got = append(f.got, m) })
	neg := r.newChannel(0, func(m *frames.Message) { f := in().fsk; f.got = append(f.got, m) })
	pos.Annotate = func(m *frames.Message) { in().fsk.annotate(m, 1) }
	neg.Annotate = func(m *frames.Message) { in().fsk.annotate(m, -1) }
	ook := r.newChannel(r.ook.rate, func(m *frames.Message) { o := in().ook; o.got = append(o.got, m) })
	r.fsk.pos, r.fsk.neg, r.ook.ch = pos, neg, ook
	p := &pool{turns: t}
	for range n {
		p.shards = append(p.shards, r.newShard(t, pos, neg, ook))
	}
	return p
}

// newShard returns a copy of r for a worker: r's configuration and designs,
// demodulators of its own, the shared pipelines.
func (r *Receiver) newShard(t *turns, pos, neg, ook *pipeline.Channel) *Receiver {
	s := new(Receiver)
	*s = *r
	s.pool, s.turns, s.ch = nil, t, nil
	s.det, s.ring, s.dcbuf, s.active, s.free, s.cands, s.newCands = nil, nil, nil, nil, nil, nil, nil
	s.stats, s.burstMsgs = Stats{}, nil
	s.power = newPowerChannel(r.fs1)
	s.fsk = newFSKDemod(s)
	s.ook = newOOKDemod(s)
	s.fsk.pos, s.fsk.neg, s.ook.ch = pos, neg, ook
	return s
}

// demod demodulates burst b: now, or (with workers) as the next job; b
// goes on with the last keep of its samples (keep 0: b is done).
func (r *Receiver) demod(b *burst, keep int) {
	p := r.pool
	if p == nil {
		r.demodBurst(b)
		r.release(false)
		if keep > 0 {
			b.y = append(b.y[:0], b.y[len(b.y)-keep:]...)
		}
		return
	}
	if !p.running {
		p.start()
	}
	if len(p.pending) >= maxPending*len(p.shards) {
		r.emitJobs(1)
	}
	j := &demodJob{seq: p.seq, b: *b, noise: r.det.noisePower(), pos: r.pos, done: make(chan struct{})}
	p.seq++
	j.from, j.later = r.laterBursts()
	var y []complex64
	if k := len(p.spare); k > 0 {
		y, p.spare = p.spare[k-1], p.spare[:k-1]
	} else {
		y = make([]complex64, 0, r.maxLen+r.hop+mixBlock)
	}
	// The job takes b's samples; b goes on in a spare with what it keeps.
	j.b.y, b.y = b.y, append(y[:0], b.y[len(b.y)-keep:]...)
	p.pending = append(p.pending, j)
	for p.helps {
		select {
		case p.jobs <- j:
			return
		default:
			p.help() // the queue is full: it has one more room after
		}
	}
	p.jobs <- j
}

// help demodulates the oldest job waiting for a worker on the last shard,
// if one waits (it is the next in the turn order after the jobs the
// workers demodulate, so it waits for none of them long).
func (p *pool) help() bool {
	select {
	case j := <-p.jobs:
		p.shards[len(p.shards)-1].runJob(j)
		return true
	default:
		return false
	}
}

// wait waits for job j to finish, demodulating jobs waiting for a worker
// meanwhile when the caller helps.
func (p *pool) wait(j *demodJob) {
	for p.helps {
		select {
		case <-j.done:
			return
		default:
		}
		if !p.help() {
			break
		}
	}
	<-j.done
}

// demodAsync hands burst b to the channel stage, which gives its samples
// to the next job for the workers and goes on with all but the first cut
// of them (a piece) or, when cut is -1, is done with the burst (it ended;
// a burst that collected nothing is only released).
func (r *Receiver) demodAsync(b *burst, cut int) {
	p := r.pool
	if !p.running {
		p.start()
	}
	c := chanCmd{op: chanJob, n: 1, cut: cut}
	c.bursts[0] = b
	if r.ylen(b) > 0 {
		if len(p.pending) >= maxPending*len(p.shards) {
			r.emitJobs(1)
		}
		c.job = &demodJob{seq: p.seq, b: b.meta(), noise: r.det.noisePower(), pos: r.pos, done: make(chan struct{})}
		p.seq++
		p.pending = append(p.pending, c.job)
	}
	r.ch.send(&c)
}

// meta returns a copy of what the search knows of b (not its channel or
// samples, which the channel stage may be writing).
func (b *burst) meta() burst {
	return burst{freq: b.freq, tuned: b.tuned, fsum: b.fsum, wsz: b.wsz, lo: b.lo, hi: b.hi,
		start: b.start, began: b.began, misses: b.misses, maxRatio: b.maxRatio,
		psum: b.psum, pwsz: b.pwsz, fed: b.fed, cut: b.cut}
}

// extractAsync starts r's active bursts' channels on seg, as extract
// would now (the DC offset as it is before the frame), on the helper.
func (p *pool) extractAsync(r *Receiver, seg []complex64) {
	if !p.running {
		p.start()
	}
	p.segs <- extractJob{bursts: r.active, seg: seg, dc: complex64(r.det.dc)}
}

// extractWait waits for the helper to finish the segment.
func (p *pool) extractWait() { <-p.segDone }

// start starts the workers and the channel helper.
func (p *pool) start() {
	// With a channel stage, jobs waiting to be emitted may all wait for
	// a worker: the stage never blocks handing one over. (The goroutine
	// calling Process, when it helps, demodulates one instead of waiting
	// for room.)
	queue := maxPending * len(p.shards)
	if p.helps {
		queue = len(p.shards)
	}
	p.jobs = make(chan *demodJob, queue)
	p.segs, p.segDone = make(chan extractJob), make(chan struct{})
	p.running = true
	r := p.turns.main
	if r.ch != nil {
		r.ch.start()
		r.ahead.start()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		labelStage("channels")
		for e := range p.segs {
			for _, b := range e.bursts {
				r.extractDC(b, e.seg, e.dc, &p.dcbuf)
			}
			p.segDone <- struct{}{}
		}
	}()
	workers := p.shards
	if p.helps {
		workers = workers[:len(workers)-1]
	}
	for _, s := range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			labelStage("demod")
			for j := range p.jobs {
				s.runJob(j)
			}
		}()
	}
}

// stop waits for the workers to finish and ends them.
func (p *pool) stop() {
	if p.running {
		if r := p.turns.main; r.ch != nil {
			r.ch.stop() // it hands jobs over
			r.ahead.stop()
		}
		close(p.jobs)
		close(p.segs)
		p.wg.Wait()
		p.running = false
	}
}

// runJob demodulates a job's burst on a shard.
func (s *Receiver) runJob(j *demodJob) {
	s.job, s.pos, s.stats = j, j.pos, Stats{}
	s.demodBurst(&j.b)
	// A job that decoded nothing still takes its turn: the order passes
	// through it, and the messages held until it was demodulated go.
	s.enterTurn()
	s.release(false)
	t := s.turns
	t.mu.Lock()
	t.written = s.fsk.written
	t.holder = nil
	t.next++
	t.cond.Broadcast()
	t.mu.Unlock()
	s.inTurn = false
	j.stats = s.stats
	s.job = nil
	close(j.done)
}

// enterTurn waits until the job being demodulated is the next to use the
// decode pipelines (at once without workers).
func (r *Receiver) enterTurn() {
	if r.turns == nil || r.inTurn {
		return
	}
	t := r.turns
	t.mu.Lock()
	for t.next != r.job.seq {
		t.cond.Wait()
	}
	t.holder = r
	r.fsk.written = t.written
	t.mu.Unlock()
	r.inTurn = true
	if r.cfg.OnBurst != nil {
		// What the one-goroutine receiver counts before demodulating
		// this burst: every earlier burst's frames.
		r.turnFailed = r.failedSoFar()
	}
}

// emitJobs emits the messages of the jobs at the head of the queue, in
// order: of the first wait jobs once they finish (waiting for them), then
// of as many more as have finished.
func (r *Receiver) emitJobs(wait int) {
	p := r.pool
	if r.ch != nil && wait > 0 {
		r.ch.flush() // the jobs waited for may be in the batch
	}
	for i := 0; len(p.pending) > 0; i++ {
		j := p.pending[0]
		if i < wait {
			p.wait(j)
		} else {
			select {
			case <-j.done:
			default:
				return
			}
		}
		for _, d := range j.out {
			r.output(d.m, d.pos)
		}
		if j.report != nil {
			r.cfg.OnBurst(*j.report)
		}
		r.stats.add(j.stats)
		if r.ch != nil {
			r.ch.putSpare(j.b.y)
		} else {
			p.spare = append(p.spare, j.b.y[:0])
		}
		p.pending[0] = nil
		p.pending = p.pending[1:]
	}
}

// noisePower is the band's noise power for the burst being demodulated.
func (r *Receiver) noisePower() float64 {
	if r.job != nil {
		return r.job.noise
	}
	return r.det.noisePower()
}

// output emits a delivered message (a shard keeps it for the receiver to
// emit in order).
func (r *Receiver) output(m *frames.Message, pos int64) {
	if r.job != nil {
		r.job.out = append(r.job.out, delivery{m, pos})
		return
	}
	r.freqErr.add(m, pos)
	r.emit(m)
}

// add adds the counts of o to s.
func (s *Stats) add(o Stats) {
	s.Samples += o.Samples
	s.Bursts += o.Bursts
	s.Attempts += o.Attempts
	s.Decoded += o.Decoded
	s.Messages += o.Messages
	s.Duplicate += o.Duplicate
	s.Cut += o.Cut
	s.Ignored += o.Ignored
	s.Channelized += o.Channelized
	s.Candidates += o.Candidates
}

// labelStage labels the calling goroutine's CPU profile samples with the
// receiver's stage it runs (the label "stage"): how the work divides
// between the search's goroutine and the others.
func labelStage(stage string) {
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("stage", stage)))
}

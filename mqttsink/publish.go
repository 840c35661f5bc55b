package mqttsink

import (
	"context"
	"errors"
	"fmt"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// batch is how many devices one publishing round takes.
const batch = 64

// publishTimeout bounds the wait for one round of publishes.
const publishTimeout = 5 * time.Second

// run is the publishing worker.
func (s *Sink) run() {
	defer close(s.done)
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake:
		}
		for s.publishRound() {
			select {
			case <-s.stop:
				return
			default:
			}
		}
	}
}

// job is one publish of a round.
type job struct {
	dev    *device
	entity string // discovery entity key; "" for the state
	event  bool   // an rtl_433 event's publish
	topic  string
	body   []byte
	retain bool
	tok    mqtt.Token
}

// publishRound publishes availability (after a connect) and up to batch dirty
// devices. It reports whether more work may be waiting.
func (s *Sink) publishRound() bool {
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	if !s.client.IsConnectionOpen() {
		return false
	}
	s.mu.Lock()
	resync := s.resync
	s.resync = false
	if resync {
		for _, d := range s.devices.All() {
			clear(d.announced)
			s.enqueue(d)
		}
	}
	n := min(len(s.queue), batch)
	var jobs []*job
	if resync {
		jobs = append(jobs, &job{topic: s.availTopic, body: []byte(online), retain: true})
	}
	if s.rtl != nil {
		events, more := s.eventJobs()
		s.mu.Unlock()
		return s.publish(append(jobs, events...), more)
	}
	for _, d := range s.queue[:n] {
		d.queued = false
		if s.discover(d) {
			for _, e := range d.entities() {
				if !d.announced[e.Key] {
					d.announced[e.Key] = true
					jobs = append(jobs, &job{dev: d, entity: e.Key, topic: s.configTopic(d, e), body: s.discoveryJSON(d, e), retain: true})
				}
			}
		}
		jobs = append(jobs, &job{dev: d, topic: s.stateTopic(d), body: d.state.State(), retain: true})
	}
	rest := copy(s.queue, s.queue[n:])
	clear(s.queue[rest:])
	s.queue = s.queue[:rest]
	for i, d := range s.queue {
		d.qi = i
	}
	more := len(s.queue) > 0
	s.mu.Unlock()
	return s.publish(jobs, more)
}

// publish sends jobs and waits for them; what fails is put back for the
// next connection. It returns more, or false when something failed.
func (s *Sink) publish(jobs []*job, more bool) bool {
	for _, j := range jobs {
		j.tok = s.client.Publish(j.topic, s.qos, j.retain, j.body)
	}
	deadline := time.NewTimer(publishTimeout)
	defer deadline.Stop()
	var failed []*job
	timedOut := false
	for _, j := range jobs {
		if !timedOut {
			select {
			case <-j.tok.Done():
			case <-deadline.C:
				timedOut = true
			}
		}
		select {
		case <-j.tok.Done():
			if j.tok.Error() != nil {
				failed = append(failed, j)
			}
		default:
			failed = append(failed, j)
		}
	}
	if len(failed) == 0 {
		return more
	}
	// Put the failed work back; it goes out after the next connect.
	s.mu.Lock()
	if s.rtl != nil {
		s.requeueEvents(failed)
	}
	for _, j := range failed {
		switch {
		case j.event:
		case j.dev == nil:
			s.resync = true
		case !s.has(j.dev):
			// Evicted meanwhile.
		case j.entity != "":
			delete(j.dev.announced, j.entity)
			s.enqueue(j.dev)
		default:
			s.enqueue(j.dev)
		}
	}
	s.mu.Unlock()
	s.log.Debug("mqtt: publishes failed; kept for the next connection", "count", len(failed), "err", failed[0].tok.Error())
	return false
}

// Flush publishes everything pending, waiting at most until ctx is done. It
// returns an error when work is left (the broker is away or slow).
func (s *Sink) Flush(ctx context.Context) error {
	for {
		more := s.publishRound()
		s.mu.Lock()
		pending := len(s.queue) > 0 || s.resync || s.rtl != nil && len(s.rtl.events) > 0
		s.mu.Unlock()
		if !pending {
			return nil
		}
		if !more {
			select {
			case <-ctx.Done():
				return fmt.Errorf("mqtt: %d device states or events not published: %w", s.pending(), ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

func (s *Sink) pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rtl != nil {
		return len(s.rtl.events)
	}
	return len(s.queue)
}

// Close publishes what is pending (for up to a few seconds), sets the
// availability topic to "offline" and disconnects.
func (s *Sink) Close() error {
	var err error
	s.closeMu.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.stop)
		<-s.done
		if s.client.IsConnectionOpen() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err = s.Flush(ctx)
			cancel()
			tok := s.client.Publish(s.availTopic, s.qos, true, []byte(offline))
			if !tok.WaitTimeout(2*time.Second) && err == nil {
				err = errors.New("mqtt: timed out publishing offline availability")
			} else if tok.Error() != nil && err == nil {
				err = fmt.Errorf("mqtt: publishing offline availability: %w", tok.Error())
			}
		} else if n := s.pending(); n > 0 {
			err = fmt.Errorf("mqtt: broker %s unreachable; %d device states not published", s.server, n)
		}
		s.client.Disconnect(500)
	})
	return err
}

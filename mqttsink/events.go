package mqttsink

import (
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/rtl433"
)

// Formats of Config.Format.
const (
	// FormatGridstream is gridstream's own layout: a retained state per
	// device and Home Assistant discovery.
	FormatGridstream = "gridstream"
	// FormatRTL433 is rtl_433's `-F mqtt` layout with its defaults, so its
	// Home Assistant bridge (rtl_433_mqtt_hass.py) and Node-RED flows work
	// unchanged: every event as JSON on <base>/events, each of its fields on
	// <base>/devices[/type][/model][/subtype][/channel][/id]/<key>, and
	// "online"/"offline" retained on <base>/availability; nothing retained
	// but availability, no discovery. The base is "rtl_433/<host>" unless
	// Config.Prefix says otherwise.
	FormatRTL433 = "rtl433"
)

// DefaultMaxQueuedEvents bounds the rtl_433 events kept while the broker is
// away (each is a few hundred bytes of publishes, so about 1 MB in all);
// beyond it the oldest are dropped, as rtl_433 drops what it cannot send.
const DefaultMaxQueuedEvents = 1000

// eventQueue holds rtl_433 events waiting to be published.
type eventQueue struct {
	enc     *rtl433.Encoder
	base    string
	events  [][]rtl433.Publish
	max     int
	dropped int64
}

// sendEvent queues m's rtl_433 publishes; m is dropped when rtl_433 would
// print nothing for it.
func (s *Sink) sendEvent(m *frames.Message) error {
	ev, ok := s.rtl.enc.Event(m)
	if !ok {
		return nil
	}
	pubs := rtl433.Publishes(s.rtl.base, ev)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	q := s.rtl
	if len(q.events) >= q.max {
		if q.dropped == 0 {
			s.log.Warn("mqtt: the broker is away and the event queue is full; the oldest events are dropped",
				"max_events", q.max)
		}
		q.dropped++
		copy(q.events, q.events[1:])
		q.events = q.events[:len(q.events)-1]
	}
	q.events = append(q.events, pubs)
	s.mu.Unlock()
	s.poke()
	return nil
}

// eventJobs takes up to batch queued events as publishes; s.mu is held.
func (s *Sink) eventJobs() (jobs []*job, more bool) {
	q := s.rtl
	n := min(len(q.events), batch)
	for _, ev := range q.events[:n] {
		for _, p := range ev {
			jobs = append(jobs, &job{topic: p.Topic, body: []byte(p.Payload), event: true})
		}
	}
	rest := copy(q.events, q.events[n:])
	clear(q.events[rest:])
	q.events = q.events[:rest]
	return jobs, len(q.events) > 0
}

// requeueEvents puts publishes that failed back at the front of the queue,
// in order; s.mu is held.
func (s *Sink) requeueEvents(failed []*job) {
	var pubs []rtl433.Publish
	for _, j := range failed {
		if j.event {
			pubs = append(pubs, rtl433.Publish{Topic: j.topic, Payload: string(j.body)})
		}
	}
	if len(pubs) > 0 {
		s.rtl.events = append([][]rtl433.Publish{pubs}, s.rtl.events...)
	}
}

// TakesUnchecked reports whether the sink wants frames without a passed
// check (sink.Unchecked): in rtl_433's layout, which publishes encrypted
// frames as rtl_433 does; the gridstream layout ignores them.
func (s *Sink) TakesUnchecked() bool { return s.rtl != nil }

// KeepsDevices reports whether the sink keeps a table of devices (Rows):
// in gridstream's layout; rtl_433's publishes events as they come.
func (s *Sink) KeepsDevices() bool { return s.rtl == nil }

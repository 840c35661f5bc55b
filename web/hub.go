package web

import (
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/gridstream-sdr/gridstream/frames"
)

// Bounds of the hub's memory.
const (
	// MaxClients is how many /events streams may be open at once.
	MaxClients = 32
	// ClientQueue is how many events wait for one slow client; more are
	// dropped for it and counted.
	ClientQueue = 512
	// MessageHistory and BurstHistory are how many recent messages and
	// bursts a newly connected page receives first.
	MessageHistory = 500
	BurstHistory   = 2000
)

// Burst is one transmission the receiver found, for the live band view.
// Times are seconds of signal since the input started; frequencies are
// absolute when the input's centre frequency is known, else offsets.
type Burst struct {
	Start  float64 `json:"start_s"`
	End    float64 `json:"end_s"`
	FreqLo float64 `json:"freq_lo_hz"`
	FreqHi float64 `json:"freq_hi_hz"`
	Baud   int     `json:"baud,omitempty"`
	// Decoded is true when a CRC-good message came from the burst; CRCFailed
	// when only frames whose CRC failed did.
	Decoded   bool `json:"decoded"`
	CRCFailed bool `json:"crc_failed,omitempty"`
	// Devices are the ids of the devices decoded from it (protocol/id);
	// Networks their networks (a CRC init, or the protocol).
	Devices  []string `json:"devices,omitempty"`
	Networks []string `json:"networks,omitempty"`
	RSSIdB   float64  `json:"rssi_db"`
	SNRdB    float64  `json:"snr_db"`
}

// HubStats counts what the hub did.
type HubStats struct {
	Clients  int    `json:"sse_clients"`
	Messages uint64 `json:"sse_messages"`
	Bursts   uint64 `json:"sse_bursts"`
	Dropped  uint64 `json:"sse_dropped"`
	Refused  uint64 `json:"sse_refused"`
}

// event is one Server-Sent Event. It is encoded when first needed (a
// client is connected, or connects later and gets the history), so with no
// page open an event costs a pointer in the history and no encoding.
type event struct {
	seq   uint64
	kind  string
	msg   *frames.Message // a "message" event
	burst *Burst          // a "burst" event
	body  []byte          // the JSON, once encoded
	data  []byte          // the whole "id: …\nevent: …\ndata: …\n\n" block, once encoded
	bad   bool            // encoding failed (a NaN): never sent
}

// encoded returns the event's block, encoding it the first time; nil when
// it cannot be encoded. The hub's lock is held.
func (e *event) encoded() []byte {
	if e.data != nil || e.bad {
		return e.data
	}
	var err error
	switch { // otherwise the body was given (a "done" event)
	case e.msg != nil:
		// The message's own encoding, exactly the JSON line stdout prints
		// (no second pass to compact and escape it, as json.Marshal makes).
		e.body, err = e.msg.MarshalJSON()
	case e.burst != nil:
		e.body, err = json.Marshal(e.burst)
	}
	if err != nil {
		e.bad = true // a NaN radio field: stdout reports it
		return nil
	}
	buf := make([]byte, 0, len(e.body)+len(e.kind)+32)
	buf = append(buf, "id: "...)
	buf = strconv.AppendUint(buf, e.seq, 10)
	buf = append(buf, "\nevent: "...)
	buf = append(buf, e.kind...)
	buf = append(buf, "\ndata: "...)
	buf = append(buf, e.body...)
	buf = append(buf, "\n\n"...)
	e.data = buf
	return buf
}

// ring keeps the newest events of one kind.
type ring struct {
	ev   []*event
	next int
	full bool
}

func newRing(n int) *ring { return &ring{ev: make([]*event, n)} }

func (r *ring) add(e *event) {
	r.ev[r.next] = e
	r.next++
	if r.next == len(r.ev) {
		r.next, r.full = 0, true
	}
}

// each calls f for the kept events, oldest first.
func (r *ring) each(f func(*event)) {
	if r.full {
		for _, e := range r.ev[r.next:] {
			f(e)
		}
	}
	for _, e := range r.ev[:r.next] {
		f(e)
	}
}

// client is one open /events stream.
type client struct {
	ch      chan []byte
	dropped atomic.Uint64
}

// Hub fans decoded messages and bursts out to the open /events streams and
// keeps a bounded history for pages that connect later. Send and SendBurst
// never block: a client whose queue is full loses the event (counted). It
// is safe for concurrent use. Messages are kept by pointer until encoded:
// they must not change after Send (no sink changes a message).
type Hub struct {
	mu       sync.Mutex
	seq      uint64
	clients  map[*client]bool
	messages *ring
	bursts   *ring
	closed   bool
	done     chan struct{}

	nMessages, nBursts, dropped, refused atomic.Uint64
}

// NewHub returns a hub with no clients.
func NewHub() *Hub {
	return &Hub{clients: map[*client]bool{}, messages: newRing(MessageHistory),
		bursts: newRing(BurstHistory), done: make(chan struct{})}
}

// Send publishes m as a "message" event: its JSON, exactly as the JSON
// lines on stdout. It never blocks and never fails.
func (h *Hub) Send(m *frames.Message) error {
	if m == nil {
		return nil
	}
	h.nMessages.Add(1)
	h.publish(&event{kind: "message", msg: m}, h.messages)
	return nil
}

// SendBurst publishes b as a "burst" event. It never blocks.
func (h *Hub) SendBurst(b Burst) {
	h.nBursts.Add(1)
	h.publish(&event{kind: "burst", burst: &b}, h.bursts)
}

// InputEnded publishes a "done" event: the input ended (for reason), the
// page stays up.
func (h *Hub) InputEnded(reason string) {
	j, _ := json.Marshal(map[string]string{"reason": reason})
	h.publish(&event{kind: "done", body: j}, nil)
}

// publish numbers e, keeps it in keep (nil: not kept) and queues it for
// every client.
func (h *Hub) publish(e *event, keep *ring) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.seq++
	e.seq = h.seq
	if keep != nil {
		keep.add(e)
	}
	if len(h.clients) == 0 {
		return
	}
	data := e.encoded()
	if data == nil {
		return
	}
	for c := range h.clients {
		select {
		case c.ch <- data:
		default:
			c.dropped.Add(1)
			h.dropped.Add(1)
		}
	}
}

// subscribe adds a client and returns the kept events after lastID, in
// order; nil when the hub is full or closed.
func (h *Hub) subscribe(lastID uint64) (*client, [][]byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || len(h.clients) >= MaxClients {
		h.refused.Add(1)
		return nil, nil
	}
	if lastID > h.seq {
		// The page saw an earlier gridstream process: it gets everything.
		lastID = 0
	}
	var ms, bs []*event
	h.messages.each(func(e *event) {
		if e.seq > lastID {
			ms = append(ms, e)
		}
	})
	h.bursts.each(func(e *event) {
		if e.seq > lastID {
			bs = append(bs, e)
		}
	})
	backlog := make([][]byte, 0, len(ms)+len(bs))
	for len(ms) > 0 || len(bs) > 0 {
		var e *event
		if len(bs) == 0 || (len(ms) > 0 && ms[0].seq < bs[0].seq) {
			e, ms = ms[0], ms[1:]
		} else {
			e, bs = bs[0], bs[1:]
		}
		if data := e.encoded(); data != nil {
			backlog = append(backlog, data)
		}
	}
	c := &client{ch: make(chan []byte, ClientQueue)}
	h.clients[c] = true
	return c, backlog
}

func (h *Hub) unsubscribe(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

// Stats returns the hub's counters.
func (h *Hub) Stats() HubStats {
	h.mu.Lock()
	n := len(h.clients)
	h.mu.Unlock()
	return HubStats{Clients: n, Messages: h.nMessages.Load(), Bursts: h.nBursts.Load(),
		Dropped: h.dropped.Load(), Refused: h.refused.Load()}
}

// Close ends every stream; later events are ignored.
func (h *Hub) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
	return nil
}

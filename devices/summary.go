package devices

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// MaxBauds is how many different symbol rates a Summary remembers.
const MaxBauds = 8

// Summary is what the receiver saw of one device, whatever its protocol:
// when it was first and last heard, how often, and on which frequencies
// and symbol rates (meters hop over channels and rates).
type Summary struct {
	FirstHeard time.Time `json:"first_heard"`
	LastHeard  time.Time `json:"last_heard"`
	Frames     uint64    `json:"frames"`
	// RSSIdB and SNRdB are the latest frame's that carried them.
	RSSIdB *float64 `json:"rssi_db,omitempty"`
	SNRdB  *float64 `json:"snr_db,omitempty"`
	// FreqMinHz and FreqMaxHz bound every frequency heard.
	FreqMinHz *float64 `json:"freq_min_hz,omitempty"`
	FreqMaxHz *float64 `json:"freq_max_hz,omitempty"`
	// Bauds are the symbol rates heard, ascending (at most MaxBauds).
	Bauds []int `json:"bauds,omitempty"`
}

// Update merges m, received at at.
func (s *Summary) Update(m *frames.Message, at time.Time) {
	if s.Frames == 0 {
		s.FirstHeard = at
	}
	s.LastHeard = at
	s.Frames++
	r := m.Radio
	if r == nil {
		return
	}
	if v := finite(r.RSSIdB); v != nil {
		s.RSSIdB, s.SNRdB = v, finite(r.SNRdB)
	}
	if f := finite(r.FreqHz); f != nil {
		if s.FreqMinHz == nil || *f < *s.FreqMinHz {
			s.FreqMinHz = f
		}
		if s.FreqMaxHz == nil || *f > *s.FreqMaxHz {
			s.FreqMaxHz = f
		}
	}
	if r.Baud > 0 && !slices.Contains(s.Bauds, r.Baud) && len(s.Bauds) < MaxBauds {
		s.Bauds = append(s.Bauds, r.Baud)
		slices.Sort(s.Bauds)
	}
}

// Clone copies s (its Bauds too; the pointers are only ever replaced).
func (s Summary) Clone() Summary {
	s.Bauds = slices.Clone(s.Bauds)
	return s
}

// finite returns p, or nil when it is nil, NaN or infinite.
func finite(p *float64) *float64 {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return nil
	}
	return p
}

// Row is one device as a dashboard lists it: its key fields, the Summary,
// and its protocol's own state (State, the JSON MQTT publishes: the latest
// readings). It is written as one JSON object: the state's fields with the
// others over them.
type Row struct {
	Protocol string `json:"protocol"`
	ID       string `json:"id"`
	// Pinned devices (the user's --meter ones) are never evicted.
	Pinned bool `json:"pinned"`
	Summary
	State json.RawMessage `json:"-"`
}

// MarshalJSON writes the row as one object.
func (r Row) MarshalJSON() ([]byte, error) {
	type plain Row
	own, err := json.Marshal(plain(r))
	if err != nil || len(r.State) == 0 {
		return own, err
	}
	var merged, top map[string]json.RawMessage
	if json.Unmarshal(r.State, &merged) != nil {
		return own, nil
	}
	if err := json.Unmarshal(own, &top); err != nil {
		return nil, err
	}
	maps.Copy(merged, top)
	return json.Marshal(merged)
}

// Tracker is a bounded table of devices, their protocol states and
// summaries, for when no MQTT sink keeps one. It is a sink: Send merges
// each message. It is safe for concurrent use.
type Tracker struct {
	mu        sync.Mutex
	table     *Table[*tracked]
	protocols map[string]protocol.HomeAssistant
	evicted   int64
}

type tracked struct {
	protocol, id string
	state        protocol.Device
	summary      Summary
}

// NewTracker returns a tracker of at most max devices of the given
// protocols (those without device states are ignored).
func NewTracker(list []protocol.Protocol, max int) *Tracker {
	t := &Tracker{table: New[*tracked](max), protocols: map[string]protocol.HomeAssistant{}}
	t.table.OnEvict = func(string, *tracked) { t.evicted++ }
	for _, p := range list {
		if ha, ok := p.(protocol.HomeAssistant); ok {
			t.protocols[p.Name()] = ha
		}
	}
	return t
}

// Send merges m into its device's state; messages whose CRC failed, that
// name no device, or whose protocol keeps no device state are ignored.
func (t *Tracker) Send(m *frames.Message) error {
	if m == nil || !m.CRCOK {
		return nil
	}
	ha := t.protocols[m.Protocol]
	id := m.DeviceID()
	if ha == nil || id == "" {
		return nil
	}
	at := MessageTime(m)
	key := Key(m.Protocol, id)
	t.mu.Lock()
	defer t.mu.Unlock()
	d, ok := t.table.Get(key)
	if ok {
		t.table.Heard(key)
	} else {
		st := ha.NewDevice(m)
		if st == nil {
			return nil
		}
		d = &tracked{protocol: m.Protocol, id: id, state: st}
		if !t.table.Add(key, d, false) {
			return nil
		}
	}
	d.state.Update(m, at)
	d.summary.Update(m, at)
	return nil
}

// Close does nothing: the table stays readable.
func (t *Tracker) Close() error { return nil }

// Rows returns every device, most recently heard first.
func (t *Tracker) Rows() []Row {
	t.mu.Lock()
	rows := make([]Row, 0, t.table.Len())
	for _, d := range t.table.All() {
		rows = append(rows, Row{Protocol: d.protocol, ID: d.id, Summary: d.summary.Clone(), State: d.state.State()})
	}
	t.mu.Unlock()
	SortRows(rows)
	return rows
}

// Stats returns how many devices the tracker holds and has evicted.
func (t *Tracker) Stats() (devices int, evicted int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.table.Len(), t.evicted
}

// SortRows orders rows most recently heard first, then by key.
func SortRows(rows []Row) {
	slices.SortFunc(rows, func(a, b Row) int {
		if c := b.LastHeard.Compare(a.LastHeard); c != 0 {
			return c
		}
		if a.Protocol != b.Protocol {
			if a.Protocol < b.Protocol {
				return -1
			}
			return 1
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
}

// MessageTime is when m was received: its Time, else now.
func MessageTime(m *frames.Message) time.Time {
	if t, err := time.Parse(time.RFC3339, m.Time); err == nil {
		return t.UTC()
	}
	return time.Now().UTC()
}

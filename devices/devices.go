// Package devices keeps the latest state of every transmitter heard: one
// bounded table that the MQTT sink publishes from and the web dashboard
// shows.
//
// The table holds at most Config.Max devices. When it is full, a new
// device evicts the least recently heard one (O(1)), except devices that
// Config.Pinned keeps (the user's own meters), which always have a place.
// Memory is therefore bounded by Max times the size of one device's state
// (a few hundred bytes), whatever is on the air.
package devices

import (
	"container/list"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
)

// DefaultMax is the number of devices a table keeps when Config.Max is 0.
const DefaultMax = 5000

// MaxBauds is how many different symbol rates a device's Bauds remembers.
const MaxBauds = 8

// OutageJitter is how far a newly derived last-outage time may move before
// the stored one changes: reception time and the meter's uptime counter do
// not tick together, so the difference wobbles by a second or two.
const OutageJitter = 30 * time.Second

// Device is the merged state of one transmitter: a GridStream meter or an
// NGE101 transmitter. Pointer fields are nil until the device sent them.
type Device struct {
	// Protocol is "gridstream" or "nge101"; ID is frames.Message.DeviceID.
	Protocol string `json:"protocol"`
	ID       string `json:"id"`
	// Pinned devices (the user's --meter ones) are never evicted.
	Pinned bool `json:"pinned"`
	// FirstHeard and LastHeard are the times of the first and latest
	// message; Frames counts the messages.
	FirstHeard time.Time `json:"first_heard"`
	LastHeard  time.Time `json:"last_heard"`
	Frames     uint64    `json:"frames"`

	// GridStream: the utility network and what the meter reports.
	NetworkID *int    `json:"network_id,omitempty"`
	CRCInit   *string `json:"crc_init,omitempty"`
	Utility   *string `json:"utility,omitempty"`
	// Learned is true when the network's CRC init was learned from traffic.
	Learned   bool   `json:"learned"`
	FrameType string `json:"frame_type,omitempty"`
	SrcWAN    string `json:"src_wan,omitempty"`
	Counter   *int   `json:"counter,omitempty"`
	// UptimeS is the meter's latest uptime; LastOutage is the reception
	// time minus that uptime, to the second (stable within OutageJitter).
	UptimeS    *int64     `json:"uptime_s,omitempty"`
	LastOutage *time.Time `json:"last_outage,omitempty"`
	// Clock is the meter's clock from its latest 0xD5 length-0x47 frame.
	Clock *string `json:"clock,omitempty"`

	// NGE101: channel and device id, the latest power and energy readings.
	Channel   int      `json:"channel,omitempty"`
	DeviceID  *int     `json:"device_id,omitempty"`
	PowerW    *float64 `json:"power_w,omitempty"`
	Gap       *int     `json:"gap,omitempty"`
	EnergyKWh *float64 `json:"energy_kwh,omitempty"`
	Impulses  *uint64  `json:"impulses,omitempty"`
	BatteryOK *bool    `json:"battery_ok,omitempty"`

	// Radio: the latest level and frequency, the frequency range and the
	// symbol rates seen (when the receiver measured them).
	RSSIdB    *float64 `json:"rssi_db,omitempty"`
	SNRdB     *float64 `json:"snr_db,omitempty"`
	FreqHz    *float64 `json:"freq_hz,omitempty"`
	FreqMinHz *float64 `json:"freq_min_hz,omitempty"`
	FreqMaxHz *float64 `json:"freq_max_hz,omitempty"`
	Baud      int      `json:"baud,omitempty"`
	Bauds     []int    `json:"bauds,omitempty"`
}

// Key is a device's key in a table: protocol/id.
func Key(protocol, id string) string { return protocol + "/" + id }

// Key returns d's key in its table.
func (d *Device) Key() string { return Key(d.Protocol, d.ID) }

// Config configures a Table.
type Config struct {
	// Max bounds the number of devices (0 means DefaultMax).
	Max int
	// Pinned reports whether a device is one the user named; pinned devices
	// are never evicted. Nil pins none.
	Pinned func(protocol, id string) bool
}

// Stats counts what a table did.
type Stats struct {
	Devices int    `json:"devices"`
	Max     int    `json:"max_devices"`
	Evicted uint64 `json:"devices_evicted"`
}

// Table is a bounded table of devices, safe for concurrent use.
type Table struct {
	max    int
	pinned func(protocol, id string) bool

	mu      sync.Mutex
	byKey   map[string]*entry
	heard   *list.List // unpinned entries, most recently heard first
	evicted uint64
}

type entry struct {
	d     Device
	heard *list.Element // nil for pinned devices
}

// New returns an empty table.
func New(cfg Config) *Table {
	t := &Table{max: cfg.Max, pinned: cfg.Pinned, byKey: map[string]*entry{}, heard: list.New()}
	if t.max <= 0 {
		t.max = DefaultMax
	}
	return t
}

// Update merges m into its device's state and returns the device's key.
// Messages whose CRC failed or that name no device are ignored (ok false).
// evicted is the key of the device that made room, or "".
func (t *Table) Update(m *frames.Message) (key, evicted string, ok bool) {
	if m == nil || !m.CRCOK || (m.GridStream == nil && m.NGE101 == nil) {
		return "", "", false
	}
	id := m.DeviceID()
	if id == "" {
		return "", "", false
	}
	protocol := frames.ProtocolGridStream
	if m.GridStream == nil {
		protocol = frames.ProtocolNGE101
	}
	key = Key(protocol, id)
	at := messageTime(m)
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.byKey[key]
	switch {
	case e == nil:
		pinned := t.pinned != nil && t.pinned(protocol, id)
		var room bool
		if evicted, room = t.makeRoom(pinned); !room {
			return "", "", false
		}
		e = &entry{d: Device{Protocol: protocol, ID: id, Pinned: pinned, FirstHeard: at}}
		t.byKey[key] = e
		if !pinned {
			e.heard = t.heard.PushFront(e)
		}
	case e.heard != nil:
		t.heard.MoveToFront(e.heard)
	}
	e.d.merge(m, at)
	return key, evicted, true
}

// makeRoom makes a place for a new device, evicting the least recently
// heard unpinned one when the table is full. t.mu is held.
func (t *Table) makeRoom(pinned bool) (evicted string, ok bool) {
	if len(t.byKey) < t.max {
		return "", true
	}
	oldest := t.heard.Back()
	if oldest == nil {
		return "", pinned
	}
	e := t.heard.Remove(oldest).(*entry)
	k := e.d.Key()
	delete(t.byKey, k)
	t.evicted++
	return k, true
}

// Get returns a copy of one device's state.
func (t *Table) Get(key string) (Device, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.byKey[key]
	if e == nil {
		return Device{}, false
	}
	return e.d.clone(), true
}

// Snapshot returns a copy of every device, most recently heard first.
func (t *Table) Snapshot() []Device {
	t.mu.Lock()
	out := make([]Device, 0, len(t.byKey))
	for _, e := range t.byKey {
		out = append(out, e.d.clone())
	}
	t.mu.Unlock()
	slices.SortFunc(out, func(a, b Device) int {
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
	return out
}

// Len returns the number of devices.
func (t *Table) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.byKey)
}

// Stats returns the table's counters.
func (t *Table) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Stats{Devices: len(t.byKey), Max: t.max, Evicted: t.evicted}
}

// clone copies d, its Bauds included (the other pointers are never written
// through, only replaced).
func (d *Device) clone() Device {
	c := *d
	c.Bauds = slices.Clone(d.Bauds)
	return c
}

// merge folds m, received at at, into d.
func (d *Device) merge(m *frames.Message, at time.Time) {
	d.LastHeard = at
	d.Frames++
	if r := m.Radio; r != nil {
		if v := finite(r.RSSIdB); v != nil {
			d.RSSIdB, d.SNRdB = v, finite(r.SNRdB)
		}
		if f := finite(r.FreqHz); f != nil {
			d.FreqHz = f
			if d.FreqMinHz == nil || *f < *d.FreqMinHz {
				d.FreqMinHz = f
			}
			if d.FreqMaxHz == nil || *f > *d.FreqMaxHz {
				d.FreqMaxHz = f
			}
		}
		if r.Baud > 0 {
			d.Baud = r.Baud
			if !slices.Contains(d.Bauds, r.Baud) && len(d.Bauds) < MaxBauds {
				d.Bauds = append(d.Bauds, r.Baud)
				slices.Sort(d.Bauds)
			}
		}
	}
	if n := m.NGE101; n != nil {
		d.Channel = n.Channel
		id := n.ID
		d.DeviceID = &id
		if n.Gap != nil {
			d.Gap = n.Gap
			d.PowerW = nil
			if p := finite(n.PowerW); p != nil {
				r := math.Round(*p*10) / 10 // the gap's resolution is far coarser
				d.PowerW = &r
			}
		}
		if n.Impulses != nil {
			d.Impulses, d.EnergyKWh = n.Impulses, finite(n.EnergyKWh)
		}
		if n.BatteryOK != nil {
			d.BatteryOK = n.BatteryOK
		}
		return
	}
	g := m.GridStream
	d.FrameType = g.Type
	if g.UptimeS != nil && *g.UptimeS >= 0 {
		d.UptimeS = g.UptimeS
		o := at.Add(-time.Duration(*g.UptimeS) * time.Second).UTC().Truncate(time.Second)
		if d.LastOutage == nil || o.Sub(*d.LastOutage).Abs() > OutageJitter {
			d.LastOutage = &o
		}
	}
	if g.Counter != nil {
		d.Counter = g.Counter
	}
	if g.Clock != "" {
		c := g.Clock
		d.Clock = &c
	}
	if g.SrcWAN != "" {
		d.SrcWAN = g.SrcWAN
	}
	if g.CRCInit != nil {
		d.CRCInit, d.NetworkID, d.Utility, d.Learned = g.CRCInit, g.NetworkID, g.Utility, g.Learned
	}
}

// finite returns p, or nil when it is nil, NaN or infinite (JSON has no
// such numbers).
func finite(p *float64) *float64 {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return nil
	}
	return p
}

// messageTime is when m was received: its Time, else now.
func messageTime(m *frames.Message) time.Time {
	if t, err := time.Parse(time.RFC3339, m.Time); err == nil {
		return t.UTC()
	}
	return time.Now().UTC()
}

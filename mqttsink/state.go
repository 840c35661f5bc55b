package mqttsink

import (
	"container/list"
	"encoding/json"
	"math"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// outageJitter is how far a newly derived last-outage time may move before the
// published one changes: reception time and the meter's uptime counter do not
// tick together, so the difference wobbles by a second or two.
const outageJitter = 30 * time.Second

// MeterState is the retained state JSON of a GridStream meter. Fields that
// Home Assistant reads are always present (null until known).
type MeterState struct {
	Protocol string `json:"protocol"`
	ID       string `json:"id"`
	// LastSeen is the time of the latest frame from the meter (RFC 3339).
	LastSeen string `json:"last_seen"`
	// UptimeS is the meter's latest reported uptime in seconds.
	UptimeS *int64 `json:"uptime_s"`
	// LastOutage is when the meter last powered on: the time its uptime was
	// received minus the uptime (RFC 3339, seconds).
	LastOutage *string `json:"last_outage"`
	// Counter is the latest 0x55 broadcast counter.
	Counter *int `json:"counter"`
	// Clock is the meter's clock from its latest 0xD5 length-0x47 frame.
	Clock *string `json:"clock"`
	// RSSIdB, SNRdB and FreqHz come from the latest frame that carried them.
	RSSIdB *float64 `json:"rssi_db"`
	SNRdB  *float64 `json:"snr_db"`
	FreqHz *float64 `json:"freq_hz"`
	// Baud is the symbol rate of the latest frame, when measured.
	Baud      int     `json:"baud,omitempty"`
	SrcWAN    string  `json:"src_wan,omitempty"`
	NetworkID *int    `json:"network_id"`
	CRCInit   *string `json:"crc_init"`
	Utility   *string `json:"utility"`
	// FrameType is the type byte of the latest frame ("55", "D5", ...).
	FrameType string `json:"frame_type"`
	// Frames counts the frames heard from the meter since gridstream started.
	Frames uint64 `json:"frames"`
}

// NGE101State is the retained state JSON of a Norgo NGE101 transmitter. It
// merges the power packets (55 bits) and energy packets (71 bits).
type NGE101State struct {
	Protocol string `json:"protocol"`
	ID       string `json:"id"`
	Channel  int    `json:"channel"`
	DeviceID int    `json:"device_id"`
	LastSeen string `json:"last_seen"`
	// PowerW is the latest power reading, from a 55-bit packet.
	PowerW *float64 `json:"power_w"`
	Gap    *int     `json:"gap"`
	// EnergyKWh is the latest energy reading, from a 71-bit packet.
	EnergyKWh *float64 `json:"energy_kwh"`
	Impulses  *uint64  `json:"impulses"`
	BatteryOK *bool    `json:"battery_ok"`
	RSSIdB    *float64 `json:"rssi_db"`
	SNRdB     *float64 `json:"snr_db"`
	FreqHz    *float64 `json:"freq_hz"`
	// Packets counts the packets heard since gridstream started.
	Packets uint64 `json:"packets"`
}

// device is everything the sink keeps about one transmitter.
type device struct {
	protocol, id string
	key          string // protocol/id, its key in Sink.devices
	meter        *MeterState
	nge          *NGE101State
	outage       time.Time
	// announced holds the entities whose discovery config the broker has in
	// this connection; it is cleared on every (re)connect.
	announced map[string]bool
	queued    bool
	qi        int // index in Sink.queue while queued
	// heard is the device's place in the sink's least-recently-heard list;
	// nil for --meter devices, which are never evicted.
	heard *list.Element
}

// newDevice starts the state of the device that sent m.
func newDevice(m *frames.Message, id string) *device {
	d := &device{protocol: m.Protocol, id: id, announced: map[string]bool{}}
	if n, ok := m.Fields.(*nge101.Fields); ok {
		d.protocol = nge101.Name
		d.nge = &NGE101State{Protocol: d.protocol, ID: id, Channel: n.Channel, DeviceID: n.ID}
	} else {
		d.protocol = gridstream.Name
		d.meter = &MeterState{Protocol: d.protocol, ID: id}
	}
	d.key = d.protocol + "/" + id
	return d
}

// update merges m into the device's state; at is when m was received.
func (d *device) update(m *frames.Message, at time.Time) {
	seen := at.UTC().Format(time.RFC3339)
	var rssi, snr, freq *float64
	baud := 0
	if m.Radio != nil {
		rssi, snr, freq, baud = m.RSSIdB, m.SNRdB, m.FreqHz, m.Baud
	}
	if n, ok := m.Fields.(*nge101.Fields); ok && d.nge != nil {
		s := d.nge
		s.LastSeen = seen
		s.Packets++
		if n.Gap != nil {
			s.Gap, s.PowerW = n.Gap, n.PowerW
			if p := n.PowerW; p != nil && !math.IsNaN(*p) && !math.IsInf(*p, 0) {
				r := math.Round(*p*10) / 10 // the gap's resolution is far coarser
				s.PowerW = &r
			}
		}
		if n.Impulses != nil {
			s.Impulses, s.EnergyKWh = n.Impulses, n.EnergyKWh
		}
		if n.BatteryOK != nil {
			s.BatteryOK = n.BatteryOK
		}
		if rssi != nil {
			s.RSSIdB, s.SNRdB = rssi, snr
		}
		if freq != nil {
			s.FreqHz = freq
		}
		return
	}
	s := d.meter
	g, ok := m.Fields.(*gridstream.Fields)
	if s == nil || !ok {
		return
	}
	s.LastSeen = seen
	s.Frames++
	s.FrameType = g.Type
	if g.UptimeS != nil && *g.UptimeS >= 0 {
		s.UptimeS = g.UptimeS
		o := at.Add(-time.Duration(*g.UptimeS) * time.Second).UTC().Truncate(time.Second)
		if d.outage.IsZero() || o.Sub(d.outage).Abs() > outageJitter {
			d.outage = o
			v := o.Format(time.RFC3339)
			s.LastOutage = &v
		}
	}
	if g.Counter != nil {
		s.Counter = g.Counter
	}
	if g.Clock != "" {
		c := g.Clock
		s.Clock = &c
	}
	if g.SrcWAN != "" {
		s.SrcWAN = g.SrcWAN
	}
	if g.CRCInit != nil {
		s.CRCInit, s.NetworkID, s.Utility = g.CRCInit, g.NetworkID, g.Utility
	}
	if rssi != nil {
		s.RSSIdB, s.SNRdB = rssi, snr
	}
	if freq != nil {
		s.FreqHz = freq
	}
	if baud != 0 {
		s.Baud = baud
	}
}

// hasSignal reports whether a signal strength has been measured.
func (d *device) hasSignal() bool {
	if d.nge != nil {
		return d.nge.RSSIdB != nil
	}
	return d.meter != nil && d.meter.RSSIdB != nil
}

// stateJSON is the device's retained state payload.
func (d *device) stateJSON() []byte {
	var v any = d.meter
	if d.nge != nil {
		v = d.nge
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Only a NaN or Inf float can fail; drop the radio fields and retry.
		if d.nge != nil {
			c := *d.nge
			c.RSSIdB, c.SNRdB, c.FreqHz = nil, nil, nil
			b, _ = json.Marshal(c)
		} else {
			c := *d.meter
			c.RSSIdB, c.SNRdB, c.FreqHz = nil, nil, nil
			b, _ = json.Marshal(c)
		}
	}
	return b
}

// messageTime is when m was received: its Time, else now.
func messageTime(m *frames.Message) time.Time {
	if t, err := time.Parse(time.RFC3339, m.Time); err == nil {
		return t
	}
	return time.Now()
}

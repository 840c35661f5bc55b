package mqttsink

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/gridstream-sdr/gridstream/devices"
	"github.com/gridstream-sdr/gridstream/frames"
)

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

// device is the sink's publishing bookkeeping of one transmitter; its
// readings live in the shared device table (Sink.Devices).
type device struct {
	protocol, id string
	key          string // protocol/id, its key in Sink.devices and the table
	// signal is set once a signal strength was measured (the entity
	// appears then).
	signal bool
	// announced holds the entities whose discovery config the broker has in
	// this connection; it is cleared on every (re)connect.
	announced map[string]bool
	queued    bool
	qi        int // index in Sink.queue while queued
}

// newDevice starts the bookkeeping of the device with the table key key.
func newDevice(key string) *device {
	protocol, id, _ := strings.Cut(key, "/")
	return &device{protocol: protocol, id: id, key: key, announced: map[string]bool{}}
}

// isNGE101 reports whether the device is an NGE101 transmitter.
func (d *device) isNGE101() bool { return d.protocol == frames.ProtocolNGE101 }

// rfc3339 formats t to the second, UTC.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// meterState is the retained state of a GridStream meter from its table row.
func meterState(st devices.Device) *MeterState {
	s := &MeterState{Protocol: st.Protocol, ID: st.ID, LastSeen: rfc3339(st.LastHeard),
		UptimeS: st.UptimeS, Counter: st.Counter, Clock: st.Clock, RSSIdB: st.RSSIdB, SNRdB: st.SNRdB,
		FreqHz: st.FreqHz, Baud: st.Baud, SrcWAN: st.SrcWAN, NetworkID: st.NetworkID, CRCInit: st.CRCInit,
		Utility: st.Utility, FrameType: st.FrameType, Frames: st.Frames}
	if st.LastOutage != nil {
		v := rfc3339(*st.LastOutage)
		s.LastOutage = &v
	}
	return s
}

// ngeState is the retained state of an NGE101 transmitter from its table row.
func ngeState(st devices.Device) *NGE101State {
	s := &NGE101State{Protocol: st.Protocol, ID: st.ID, Channel: st.Channel, LastSeen: rfc3339(st.LastHeard),
		PowerW: st.PowerW, Gap: st.Gap, EnergyKWh: st.EnergyKWh, Impulses: st.Impulses, BatteryOK: st.BatteryOK,
		RSSIdB: st.RSSIdB, SNRdB: st.SNRdB, FreqHz: st.FreqHz, Packets: st.Frames}
	if st.DeviceID != nil {
		s.DeviceID = *st.DeviceID
	}
	return s
}

// stateJSON is a device's retained state payload.
func stateJSON(st devices.Device) []byte {
	var v any = meterState(st)
	if st.Protocol == frames.ProtocolNGE101 {
		v = ngeState(st)
	}
	b, _ := json.Marshal(v) // the table holds no NaN or infinity
	return b
}

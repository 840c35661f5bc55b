// Package dashboard connects a decoding run to the live web dashboard
// (package web): it serves the device table (the MQTT sink's, or one of
// the same bound fed from the outputs), assembles /api/stats from the
// decoders, the outputs and the input, and turns the receiver's bursts
// into the band view's.
package dashboard

import (
	"context"
	"errors"
	"time"

	"github.com/gridstream-sdr/gridstream/devices"
	"github.com/gridstream-sdr/gridstream/mqttsink"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
	"github.com/gridstream-sdr/gridstream/sink"
	"github.com/gridstream-sdr/gridstream/web"
	"github.com/gridstream-sdr/gridstream/zmqsink"
)

// Dashboard is a running dashboard server and what feeds it.
type Dashboard struct {
	hub  *web.Hub
	srv  *web.Server
	decs []protocol.Decoder
	out  *sink.Fanout
	// rows lists the devices and deviceStats counts them: from the MQTT
	// sink's table when it keeps one, else from tracker.
	rows        func() []devices.Row
	deviceStats func() (int, int64)
	tracker     *devices.Tracker
	live        *Live
	start       time.Time
	done        chan error
}

// hubSink puts the hub among the outputs; the dashboard closes it itself,
// after the other outputs, so the page outlives the input.
type hubSink struct{ *web.Hub }

func (hubSink) Close() error { return nil }

// New returns a dashboard of the run whose decoders are decs, outputs out
// and input live, not yet listening. The device table is the MQTT sink's
// when out has one that keeps devices, else one of the same bound that New
// adds to out. New adds the event hub to out too.
func New(decs []protocol.Decoder, out *sink.Fanout, live *Live) *Dashboard {
	d := &Dashboard{hub: web.NewHub(), decs: decs, out: out, live: live, start: time.Now(), done: make(chan error, 1)}
	for _, o := range out.Outputs() {
		if m, ok := o.Sink.(*mqttsink.Sink); ok && m.KeepsDevices() {
			d.rows, d.deviceStats = m.Rows, m.DeviceStats
		}
	}
	if d.rows == nil {
		d.tracker = devices.NewTracker(protocols.All(), mqttsink.DefaultMaxDevices)
		out.Add("devices", d.tracker)
		d.rows, d.deviceStats = d.tracker.Rows, d.tracker.Stats
	}
	out.Add("web", hubSink{d.hub})
	return d
}

// Start is New, then listening on addr (web.ListenAddr's forms) and
// serving in a goroutine until Close.
func Start(addr string, decs []protocol.Decoder, out *sink.Fanout, live *Live) (*Dashboard, error) {
	d := New(decs, out, live)
	srv, err := web.Listen(addr, d.Options())
	if err != nil {
		return nil, err
	}
	d.srv = srv
	go func() { d.done <- srv.Serve() }()
	return d, nil
}

// Options are the web server's options for this dashboard.
func (d *Dashboard) Options() web.Options {
	return web.Options{
		Hub:     d.hub,
		Devices: func() any { return d.rows() },
		Stats:   d.Stats,
	}
}

// URL is the dashboard's address.
func (d *Dashboard) URL() string { return d.srv.URL() }

// Stats are the counters of /api/stats: the run's, the device table's,
// every protocol's (summed by name), the ZMQ outputs' drops, and an IQ
// input's signal time and bursts.
func (d *Dashboard) Stats() map[string]any {
	l := d.live
	n := l.items()
	kept, evicted := d.deviceStats()
	m := map[string]any{
		"command":         l.Command,
		"input":           l.Input,
		"messages":        d.out.Sent(),
		"devices":         kept,
		"max_devices":     mqttsink.DefaultMaxDevices,
		"devices_evicted": evicted,
		"items":           n,
		"input_rate":      l.rate(n),
		"input_rate_unit": l.Unit,
		"input_ended":     l.ended.Load(),
		"uptime_s":        int64(time.Since(d.start).Seconds()),
	}
	// Every protocol's counts, summed: frames, crc_good, crc_failed, and
	// their own (GridStream's learned_networks, encrypted, …).
	var frames, good, failed int64
	for _, dec := range d.decs {
		st := dec.Stats()
		frames, good, failed = frames+st.Frames, good+st.Good, failed+st.Failed
		for _, c := range st.Counters {
			v, _ := m[c.Name].(int64)
			m[c.Name] = v + c.Value
		}
	}
	m["frames"], m["crc_good"], m["crc_failed"] = frames, good, failed
	var dropped int64
	for _, o := range d.out.Outputs() {
		if z, ok := o.Sink.(interface{ Stats() zmqsink.Stats }); ok {
			dropped += z.Stats().Dropped
		}
	}
	m["out_dropped"] = dropped
	if l.LostFn != nil {
		m["lost_items"] = l.LostFn()
	}
	if l.SampleRate > 0 {
		m["sample_rate"] = l.SampleRate
		m["signal_s"] = float64(n) / l.SampleRate
		m["bursts"] = l.bursts.Load()
		if l.CenterFreq != 0 {
			m["center_freq_hz"] = l.CenterFreq
		}
	}
	return m
}

// InputEnded tells the page the input ended, and why; the server keeps
// serving (Wait).
func (d *Dashboard) InputEnded(reason string) {
	d.live.ended.Store(true)
	d.hub.InputEnded(reason)
}

// Wait returns when ctx ends or the server stopped.
func (d *Dashboard) Wait(ctx context.Context) {
	select {
	case <-ctx.Done():
	case err := <-d.done:
		d.done <- err
	}
}

// Close stops the server and ends the event streams. A nil Dashboard (no
// --http) closes at once.
func (d *Dashboard) Close() error {
	if d == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := d.srv.Shutdown(ctx)
	if serr := <-d.done; serr != nil && err == nil {
		err = serr
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = nil
	}
	return err
}

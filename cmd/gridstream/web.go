package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/devices"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/mqttsink"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
	"github.com/gridstream-sdr/gridstream/sink"
	"github.com/gridstream-sdr/gridstream/web"
	"github.com/gridstream-sdr/gridstream/zmqsink"
)

// httpFlag is --http, the live dashboard (replay, decode, demod).
func httpFlag() cli.Flag {
	return &cli.StringFlag{Name: "http", Category: catOutput,
		Usage: "serve the live dashboard (devices, counters, bursts) and its JSON API on `ADDR`: a port alone (8080) is 127.0.0.1:8080, 0.0.0.0:8080 serves every interface; with a file input it stays up after the input ends, until Ctrl-C"}
}

// liveStats is what a decoding command tells the dashboard about its
// input, updated as it runs.
type liveStats struct {
	command, input         string
	unit                   string  // of the input rate: "S/s", "B/s", "items/s"
	sampleRate, centerFreq float64 // IQ inputs
	items                  atomic.Int64
	bursts                 atomic.Int64
	ended                  atomic.Bool
	// itemsFn, when set, counts the items instead of items (decode's
	// inputs keep their own counters); lostFn counts the items the inputs
	// lost (decode: gaps in GNU Radio's stream).
	itemsFn, lostFn func() int64

	mu       sync.Mutex
	lastAt   time.Time
	lastN    int64
	lastRate float64
}

// rate is the input rate over the last second or more.
func (l *liveStats) rate(n int64) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.lastAt.IsZero() {
		l.lastAt, l.lastN = now, n
		return 0
	}
	if dt := now.Sub(l.lastAt).Seconds(); dt >= 0.9 {
		l.lastRate = float64(n-l.lastN) / dt
		l.lastAt, l.lastN = now, n
	}
	return l.lastRate
}

// dashboard is the running --http server and what feeds it.
type dashboard struct {
	hub *web.Hub
	srv *web.Server
	// rows lists the devices and deviceStats counts them: from the MQTT
	// sink's table when --mqtt is set, else from a Tracker of the same bound.
	rows        func() []devices.Row
	deviceStats func() (int, int64)
	tracker     *devices.Tracker // when no MQTT sink keeps the table
	live        *liveStats
	start       time.Time
	done        chan error
}

// hubSink puts the hub among the outputs; the dashboard closes it itself,
// after the other outputs, so the page outlives the input.
type hubSink struct{ *web.Hub }

func (hubSink) Close() error { return nil }

// startDashboard starts the dashboard when --http is set (nil otherwise:
// no listener, no goroutine). The device table is the MQTT sink's when
// --mqtt is set, else one of the same bound fed from the outputs.
func startDashboard(c *cli.Context, decs []protocol.Decoder, out *sink.Fanout, live *liveStats) (*dashboard, error) {
	addr := c.String("http")
	if addr == "" {
		return nil, nil
	}
	d := &dashboard{hub: web.NewHub(), live: live, start: time.Now(), done: make(chan error, 1)}
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
	srv, err := web.Listen(addr, web.Options{
		Hub:     d.hub,
		Devices: func() any { return d.rows() },
		Stats:   func() map[string]any { return d.stats(decs, out) },
	})
	if err != nil {
		return nil, cli.Exit(err.Error(), exitUsage)
	}
	d.srv = srv
	out.Add("web", hubSink{d.hub})
	go func() { d.done <- srv.Serve() }()
	slog.Info("dashboard: serving", "url", srv.URL())
	return d, nil
}

// stats are the counters of /api/stats.
func (d *dashboard) stats(decs []protocol.Decoder, out *sink.Fanout) map[string]any {
	l := d.live
	n := l.items.Load()
	if l.itemsFn != nil {
		n = l.itemsFn()
	}
	kept, evicted := d.deviceStats()
	m := map[string]any{
		"command":         l.command,
		"input":           l.input,
		"messages":        out.Sent(),
		"devices":         kept,
		"max_devices":     mqttsink.DefaultMaxDevices,
		"devices_evicted": evicted,
		"items":           n,
		"input_rate":      l.rate(n),
		"input_rate_unit": l.unit,
		"input_ended":     l.ended.Load(),
		"uptime_s":        int64(time.Since(d.start).Seconds()),
	}
	// Every protocol's counts, summed: frames, crc_good, crc_failed, and
	// their own (GridStream's learned_networks, encrypted, …).
	var frames, good, failed int64
	for _, dec := range decs {
		st := dec.Stats()
		frames, good, failed = frames+st.Frames, good+st.Good, failed+st.Failed
		for _, c := range st.Counters {
			v, _ := m[c.Name].(int64)
			m[c.Name] = v + c.Value
		}
	}
	m["frames"], m["crc_good"], m["crc_failed"] = frames, good, failed
	var dropped int64
	for _, o := range out.Outputs() {
		if z, ok := o.Sink.(interface{ Stats() zmqsink.Stats }); ok {
			dropped += z.Stats().Dropped
		}
	}
	m["out_dropped"] = dropped
	if l.lostFn != nil {
		m["lost_items"] = l.lostFn()
	}
	if l.sampleRate > 0 {
		m["sample_rate"] = l.sampleRate
		m["signal_s"] = float64(n) / l.sampleRate
		m["bursts"] = l.bursts.Load()
		if l.centerFreq != 0 {
			m["center_freq_hz"] = l.centerFreq
		}
	}
	return m
}

// burst passes a demodulated burst to the band view.
func (d *dashboard) burst(b demod.Burst, fs float64) {
	d.live.bursts.Add(1)
	wb := web.Burst{Start: float64(b.Start) / fs, End: float64(b.End) / fs, FreqLo: b.FreqLo, FreqHi: b.FreqHi,
		Decoded: b.Decoded(), CRCFailed: b.CRCFailed && !b.Decoded(), RSSIdB: b.RSSIdB, SNRdB: b.SNRdB}
	for _, m := range b.Messages {
		if !m.CRCOK {
			continue
		}
		if wb.Baud == 0 && m.Radio != nil {
			wb.Baud = m.Baud
		}
		if id := m.DeviceID(); id != "" {
			wb.Devices = appendNew(wb.Devices, m.Protocol+"/"+id)
		}
		wb.Networks = appendNew(wb.Networks, networkOf(m))
	}
	d.hub.SendBurst(wb)
}

// networkOf names the network a message belongs to, for colouring: the
// protocol's own name for it when it has networks (GridStream: the
// utility), else the protocol.
func networkOf(m *frames.Message) string {
	if n, ok := m.Fields.(interface{ Network() string }); ok && n.Network() != "" {
		return n.Network()
	}
	return m.Protocol
}

func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// inputEnded tells the page the input ended and keeps serving until
// SIGINT/SIGTERM, so a recording can be browsed.
func (d *dashboard) inputEnded(reason string) {
	d.live.ended.Store(true)
	d.hub.InputEnded(reason)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(os.Stderr, "gridstream: input ended (%s); the dashboard stays up at %s until Ctrl-C\n", reason, d.srv.URL())
	select {
	case <-ctx.Done():
	case err := <-d.done:
		d.done <- err
	}
}

// Close stops the server and ends the event streams.
func (d *dashboard) Close() error {
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

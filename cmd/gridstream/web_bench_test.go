package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/devices"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/mqttsink"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
	"github.com/gridstream-sdr/gridstream/samples"
	"github.com/gridstream-sdr/gridstream/web"
)

// BenchmarkDashboardCost decodes the demo recording (the receiver and the
// decoder, as demod runs them) without the dashboard, with it attached
// (device table, event hub, burst reports), and with it attached and a
// page open: an event stream being read and /api/stats and /api/devices
// polled ten times as often as the page does. Compare the ns/op:
//
//	go test -run '^$' -bench DashboardCost -benchtime 30x -count 5 ./cmd/gridstream
//
// On a shared machine the load drifts between sub-benchmarks; "paired"
// runs the decode without and with the dashboard (page open) alternately in
// each iteration and reports the difference as overhead_%.
func BenchmarkDashboardCost(b *testing.B) {
	x, fs, center := demoSamples(b)
	for _, mode := range []string{"without", "with", "with_page"} {
		b.Run(mode, func(b *testing.B) {
			var d *dashboard
			stop := func() {}
			if mode != "without" {
				d = newBenchDashboard()
			}
			if mode == "with_page" {
				stop = openPage(b, d)
			}
			b.SetBytes(int64(2 * len(x)))
			b.ReportAllocs()
			for b.Loop() {
				decodeDemo(b, x, fs, center, d)
			}
			b.StopTimer()
			stop()
		})
	}
	b.Run("paired", func(b *testing.B) {
		d := newBenchDashboard()
		stop := openPage(b, d)
		defer stop()
		var without, with time.Duration
		for b.Loop() {
			t0 := time.Now()
			decodeDemo(b, x, fs, center, nil)
			t1 := time.Now()
			decodeDemo(b, x, fs, center, d)
			without, with = without+t1.Sub(t0), with+time.Since(t1)
		}
		b.ReportMetric(100*(with.Seconds()-without.Seconds())/without.Seconds(), "overhead_%")
	})
}

// BenchmarkDashboardPerMessage is the dashboard's own work for one decoded
// message and its burst: the device table, the event hub (a page
// connected), the band view's burst.
func BenchmarkDashboardPerMessage(b *testing.B) {
	x, fs, center := demoSamples(b)
	var msgs []*frames.Message
	var bursts []demod.Burst
	rx, _ := demod.New(demod.Config{SampleRate: fs, CenterFreq: center, Decoders: benchDecoders(b), OnBurst: func(bu demod.Burst) {
		bu.Messages = append([]*frames.Message(nil), bu.Messages...)
		bursts = append(bursts, bu)
	}}, func(m *frames.Message) { msgs = append(msgs, m) })
	rx.Process(x)
	rx.Flush()
	d := newBenchDashboard()
	stop := openPage(b, d)
	defer stop()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m := msgs[i%len(msgs)]
		d.tracker.Send(m)
		hubSink{d.hub}.Send(m)
		d.burst(bursts[i%len(bursts)], fs)
	}
}

// benchDecoders are every protocol's decoders with the library defaults
// (nothing learned, nothing on disk).
func benchDecoders(b *testing.B) []protocol.Decoder {
	decs, err := protocol.NewDecoders(protocols.All(), protocol.DecoderConfig{})
	if err != nil {
		b.Fatal(err)
	}
	return decs
}

func newBenchDashboard() *dashboard {
	t := devices.NewTracker(protocols.All(), mqttsink.DefaultMaxDevices)
	return &dashboard{hub: web.NewHub(), tracker: t, rows: t.Rows, deviceStats: t.Stats, live: &liveStats{}}
}

// demoSamples is the demo GridStream recording as samples.
func demoSamples(b *testing.B) (x []complex64, fs, center float64) {
	rec := samples.Demo()[0]
	meta, err := iq.ParseSigMF(rec.Meta)
	if err != nil {
		b.Fatal(err)
	}
	rd := iq.NewReader(bytes.NewReader(rec.Data), meta.Format)
	buf := make([]complex64, 1<<14)
	for {
		n, err := rd.Read(buf)
		x = append(x, buf[:n]...)
		if err != nil {
			break
		}
	}
	return x, meta.SampleRate, meta.CenterFreq
}

// decodeDemo runs one receiver over x, feeding d as demod --http does.
func decodeDemo(b *testing.B, x []complex64, fs, center float64, d *dashboard) {
	n := 0
	emit := func(m *frames.Message) { n++ }
	cfg := demod.Config{SampleRate: fs, CenterFreq: center, Decoders: benchDecoders(b)}
	if d != nil {
		hub := hubSink{d.hub}
		emit = func(m *frames.Message) {
			n++
			d.tracker.Send(m)
			hub.Send(m)
		}
		cfg.OnBurst = func(bu demod.Burst) { d.burst(bu, fs) }
	}
	rx, err := demod.New(cfg, emit)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(x); i += 1 << 16 {
		rx.Process(x[i:min(len(x), i+1<<16)])
	}
	rx.Flush()
	if n != 20 {
		b.Fatalf("%d messages, want 20", n)
	}
}

// openPage serves d and runs a page's worth of clients against it; the
// returned func stops them.
func openPage(b testing.TB, d *dashboard) func() {
	srv, err := web.Listen("127.0.0.1:0", web.Options{Hub: d.hub,
		Devices: func() any { return d.rows() },
		Stats:   func() map[string]any { n, _ := d.deviceStats(); return map[string]any{"devices": n} }})
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve()
	url := srv.URL()
	done := make(chan struct{})
	var wg sync.WaitGroup
	resp, err := http.Get(url + "events")
	if err != nil {
		b.Fatal(err)
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		r := bufio.NewReader(resp.Body)
		for {
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				for _, p := range []string{"api/stats", "api/devices"} {
					if r, err := http.Get(url + p); err == nil {
						io.Copy(io.Discard, r.Body)
						r.Body.Close()
					}
				}
			}
		}
	}()
	return func() {
		close(done)
		srv.Shutdown(b.Context())
		resp.Body.Close()
		wg.Wait()
	}
}

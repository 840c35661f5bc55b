//go:build unix

package dashboard

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
	"github.com/gridstream-sdr/gridstream/samples"
	"github.com/gridstream-sdr/gridstream/sink"
	"github.com/gridstream-sdr/gridstream/web"
)

// BenchmarkDashboardCost decodes the demo recording (the receiver and the
// decoder, as demod runs them) without the dashboard, with it attached
// (device table, event hub, burst reports), and with it attached and a
// page open: an event stream being read and /api/stats and /api/devices
// polled as the page polls them (every 1 and 3 s). Compare the ns/op:
//
//	go test -run '^$' -bench DashboardCost -benchtime 30x -count 5 ./dashboard
//
// On a shared machine the load drifts between sub-benchmarks; "paired"
// runs the decode without and with the dashboard (page open) alternately in
// each iteration and reports the difference of the process's CPU time
// (getrusage, so other processes' load does not count) as overhead_%:
// "paired_no_page" with the dashboard attached and nobody looking,
// "paired_page_open" with a page open.
func BenchmarkDashboardCost(b *testing.B) {
	x, fs, center := demoSamples(b)
	for _, mode := range []string{"without", "with", "with_page"} {
		b.Run(mode, func(b *testing.B) {
			var d *Dashboard
			stop := func() {}
			if mode != "without" {
				d = newBenchDashboard(fs)
			}
			if mode == "with_page" {
				stop = openPage(b, d, true)
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
	for _, page := range []bool{false, true} {
		name := "paired_no_page"
		if page {
			name = "paired_page_open"
		}
		b.Run(name, func(b *testing.B) {
			d := newBenchDashboard(fs)
			if page {
				defer openPage(b, d, true)()
			}
			var without, with time.Duration
			for b.Loop() {
				t0 := cpuTime(b)
				decodeDemo(b, x, fs, center, nil)
				t1 := cpuTime(b)
				decodeDemo(b, x, fs, center, d)
				t2 := cpuTime(b)
				without, with = without+t1-t0, with+t2-t1
			}
			b.ReportMetric(100*(with.Seconds()-without.Seconds())/without.Seconds(), "overhead_%")
		})
	}
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
	d := newBenchDashboard(fs)
	stop := openPage(b, d, false)
	defer stop()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m := msgs[i%len(msgs)]
		d.tracker.Send(m)
		hubSink{d.hub}.Send(m)
		d.Burst(bursts[i%len(bursts)])
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

// newBenchDashboard is a dashboard with its own device table, of a demo
// recording sampled at fs, not listening.
func newBenchDashboard(fs float64) *Dashboard {
	return New(nil, &sink.Fanout{}, &Live{SampleRate: fs})
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

// cpuTime is the CPU time (user and system) the process used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// decodeDemo runs one receiver over x, feeding d as demod --http does.
func decodeDemo(b *testing.B, x []complex64, fs, center float64, d *Dashboard) {
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
		cfg.OnBurst = d.Burst
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

// openPage serves d and runs a page's worth of clients against it: an
// event stream read as it comes, and with poll /api/stats every second and
// /api/devices every 3 s, as the page does. The returned func stops them.
func openPage(b testing.TB, d *Dashboard, poll bool) func() {
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
		if !poll {
			return
		}
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for n := 0; ; n++ {
			select {
			case <-done:
				return
			case <-tick.C:
				paths := []string{"api/stats"}
				if n%3 == 0 {
					paths = append(paths, "api/devices")
				}
				for _, p := range paths {
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
